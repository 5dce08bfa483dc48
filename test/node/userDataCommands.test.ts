/**
 * The tree's userData Delete as a user runs it: the first try does not land, they press Retry in the
 * message. The Retry removes the entry only while it still holds the value they saw, so a value a
 * colleague wrote meanwhile is never removed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { JetStreamError } from '../../src/api/errors';
import type { ListedDestination } from '../../src/api/schemas';
import { registerUserDataCommands, type UserDataDeps } from '../../src/commands/userData';
import type { DestinationMirror } from '../../src/model/mirror';
import { toRow } from '../../src/model/rows';
import { editUserData } from '../../src/model/userDataEdit';
import { record, T } from '../fixtures/records';
import { commands, window } from '../support/vscode-stub';
import { stubClient } from './stubClient';

const registered = new Map<string, (arg?: unknown) => Promise<unknown>>();
commands.registerCommand = (id: string, run: (arg?: unknown) => Promise<unknown>) => {
  registered.set(id, run);
  return { dispose: () => undefined };
};

/** What the user is shown, and what they answer: the test's `answer` decides, as a person would. */
const shown: { kind: string; text: string }[] = [];
let answer: (text: string) => string | undefined = () => undefined;
for (const kind of ['showErrorMessage', 'showWarningMessage', 'showInformationMessage'])
  window[kind] = async (text: string) => {
    shown.push({ kind, text });
    return answer(text);
  };

/**
 * The userData commands over one destination d-1 holding `held`, as the tree shows it, on a server whose
 * first `lost` removals are lost before they reach it. Returns what the server holds, the tree's Delete of
 * `key`, the Undo offers made, and how many removals were sent.
 */
function commandsOver(held: Record<string, unknown>, key: string, lost = 0) {
  shown.length = 0;
  const data = structuredClone(held);
  let removals = 0;
  const { client, calls } = stubClient((command, params) => {
    if (command === 'send.getDestination') return record(1, { userData: { ...data } });
    if (command === 'send.deleteObjectUserData') {
      if (++removals <= lost) throw new JetStreamError('Unreachable', 'connection reset by peer');
      for (const k of params.keys as string[]) delete data[k];
      return { ...data };
    }
    throw new Error(`unexpected ${command}`);
  });
  const row = toRow(record(1, { userData: held }) as unknown as ListedDestination, T, (s) => s);
  const offers: unknown[] = [];
  const mirror = {
    row: (server: string, k: string) => (server === 'lab' && k === row.key ? row : undefined),
    server: () => undefined,
    servers: () => [],
    editUserData: (_server: string, _key: string, change: Parameters<typeof editUserData>[2]) => editUserData(client, 'd-1', change),
  } as unknown as DestinationMirror;
  const deps = {
    mirror,
    log: { info: () => undefined, warn: () => undefined } as unknown as vscode.LogOutputChannel,
    undo: { offer: (what: string) => offers.push(what), run: async () => undefined },
    tree: {},
    treeView: { selection: [] },
    panels: {},
  } as unknown as UserDataDeps;
  registered.clear();
  registerUserDataCommands(deps);
  const remove = () => registered.get('jetstream.deleteUserData')!({ server: 'lab', destinationId: 'd-1', key });
  return { data, remove, offers, removalsSent: () => calls.filter((c) => c === 'send.deleteObjectUserData').length };
}

/** A destination holding team = media; its first removal is lost before it reaches the server. */
const setup = () => commandsOver({ team: 'media' }, 'team', 1);

describe('Delete of a userData entry, then Retry', () => {
  it('removes nothing when a colleague wrote a newer value before Retry, and says so', async () => {
    const s = setup();
    answer = (text) => {
      if (!/did not land/.test(text)) return undefined;
      s.data.team = 'ops'; // a colleague, while the message is up
      return 'Retry';
    };
    await s.remove();
    assert.deepEqual(s.data, { team: 'ops' }, 'the colleague’s value is still there');
    assert.equal(s.removalsSent(), 1, 'the Retry sent no removal');
    assert.deepEqual(
      shown.map((m) => m.kind),
      ['showErrorMessage', 'showWarningMessage'],
    );
    assert.match(shown[1]!.text, /Someone else changed userData 'team' meanwhile \(now team = ops\); nothing was overwritten/);
  });

  it('removes the entry on Retry while it still holds the value the user saw', async () => {
    const s = setup();
    answer = (text) => (/did not land/.test(text) ? 'Retry' : undefined);
    await s.remove();
    assert.deepEqual(s.data, {});
    assert.equal(s.removalsSent(), 2);
    assert.deepEqual(
      shown.map((m) => m.kind),
      ['showErrorMessage'],
      'nothing more to say once it landed',
    );
  });
});

describe('Delete of a userData entry whose value is not text', () => {
  /** A destination whose `limits` holds an object: shown in the tree, but not writable back by Undo. */
  const objectValue = () => commandsOver({ limits: { max: 5 } }, 'limits');

  it('asks first, since Undo cannot bring it back; Cancel deletes nothing', async () => {
    const s = objectValue();
    answer = () => undefined;
    await s.remove();
    assert.match(shown[0]?.text ?? '', /Delete userData 'limits' of .*\?/);
    assert.equal(s.removalsSent(), 0);
    assert.deepEqual(s.data, { limits: { max: 5 } });
  });

  it('deletes once confirmed, and offers no Undo it could not keep', async () => {
    const s = objectValue();
    answer = (text) => (/^Delete userData/.test(text) ? 'Delete' : undefined);
    await s.remove();
    assert.equal(s.removalsSent(), 1);
    assert.deepEqual(s.data, {});
    assert.deepEqual(s.offers, []);
  });
});
