/**
 * The one userData edit as every editor reaches it (mirror → engine worker → server), for what only the
 * whole path can get wrong: the engine stopping while an edit is on its way (the next engine asks the
 * server), and an edit whose set landed while its removal was refused.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { DestinationMirror } from '../../src/model/mirror';
import { describeOutcome } from '../../src/views/editWords';
import { record } from '../fixtures/records';
import { SERVER_INFO } from '../support/cannedServer';

type Answer = { result: unknown } | { status: number; error: { code: string; message: string } };

/** A server of the HTTP convention whose answers may wait: `answer` may return a promise. */
async function server(t: TestContext, answer: (command: string, params: Record<string, unknown>) => Answer | Promise<Answer>) {
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const command = decodeURIComponent((req.url ?? '').replace(/^\/api\//, ''));
      const params = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      void Promise.resolve(command === 'getServerInfo' ? { result: SERVER_INFO } : answer(command, params)).then((a) => {
        res.writeHead('status' in a ? a.status : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify('status' in a ? { error: a.error } : { result: a.result }));
      });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  t.after(
    () =>
      new Promise<void>((r) => {
        http.closeAllConnections();
        http.close(() => r());
      }),
  );
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

/** The main thread's mirror with its engine (run from TypeScript), polling off, its one server listed. */
async function mirrorOf(t: TestContext, url: string): Promise<DestinationMirror> {
  const mirror = new DestinationMirror({
    script: path.join(__dirname, '../support/worker-from-source.cjs'),
    secret: async () => undefined,
    log: () => undefined,
  });
  t.after(() => mirror.dispose());
  mirror.setPolling({ active: false, intervalMs: 1000, timeoutMs: 10_000 });
  mirror.setProfiles([{ name: 'lab', transport: 'http', url, superuser: false }]);
  while (mirror.server('lab')?.summary.phase !== 'ok') await new Promise((r) => setTimeout(r, 20));
  return mirror;
}

/** Resolves when `what` holds, checked after each change of the mirror; false after `ms`. */
function until(mirror: DestinationMirror, what: () => boolean, ms = 3000): Promise<boolean> {
  if (what()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => (sub.dispose(), resolve(false)), ms);
    const sub = mirror.onDidChange(() => what() && (clearTimeout(timer), sub.dispose(), resolve(true)));
  });
}

/**
 * An edit whose write reaches the server (`applies`: and is applied), whose answer never comes, and whose
 * engine stops meanwhile; `readable`: whether the server answers the read that checks it afterwards.
 */
async function editCutOff(t: TestContext, { applies, readable }: { applies: boolean; readable: boolean }) {
  const data: Record<string, string> = { team: 'media' };
  let wrote!: () => void;
  const written = new Promise<void>((r) => (wrote = r));
  const url = await server(t, (command, params) => {
    if (command === 'send.getDestinations') return { result: [record(1, { userData: { ...data } })] };
    if (command === 'send.getDestination')
      return readable ? { result: record(1, { userData: { ...data } }) } : { status: 503, error: { code: 'Busy', message: 'try later' } };
    if (command === 'send.updateObjectUserData') {
      if (applies) Object.assign(data, params.userData);
      wrote();
      return new Promise<Answer>(() => undefined);
    }
    return { status: 404, error: { code: 'UnknownCommand', message: command } };
  });
  const mirror = await mirrorOf(t, url);
  const editing = mirror.editUserData('lab', 'd-1', { set: { team: 'ops' } });
  await written;
  await mirror.crashEngineForTest();
  return { mirror, editing, data };
}

describe('a userData edit through the engine', () => {
  it('says the edit landed, once the engine is back and the server shows it, when the engine stops while the edit is on its way', async (t) => {
    const { mirror, editing, data } = await editCutOff(t, { applies: true, readable: true });
    // While the engine starts again nothing can be sent: that edit did not land, and says so.
    const meanwhile = await mirror.editUserData('lab', 'd-1', { set: { team: 'later' } });
    assert.equal(meanwhile.result, 'rejected');
    assert.match(describeOutcome(meanwhile, 'team').shown ?? '', /did not land: .*restarting/);
    const outcome = await editing;
    assert.deepEqual(outcome, { result: 'landed', userData: { team: 'ops' } });
    assert.equal(describeOutcome(outcome, 'team').shown, undefined, 'nothing to warn about');
    assert.deepEqual(data, { team: 'ops' });
  });

  it('never says "did not land" when the server, asked once the engine is back, still holds the old value: the write may land late', async (t) => {
    const { editing } = await editCutOff(t, { applies: false, readable: true });
    const outcome = await editing;
    assert.equal(outcome.result, 'unknown');
    assert.match(describeOutcome(outcome, 'team').shown ?? '', /did not confirm .*It may have landed/);
  });

  it('says the edit may have landed when the server cannot be asked once the engine is back', async (t) => {
    const { editing, data } = await editCutOff(t, { applies: true, readable: false });
    const outcome = await editing;
    assert.equal(outcome.result, 'unknown');
    assert.match(describeOutcome(outcome, 'team').shown ?? '', /did not confirm .*It may have landed/);
    assert.deepEqual(data, { team: 'ops' }, 'it had landed indeed');
  });

  it('says which keys landed when the removal is refused, and shows them at once', async (t) => {
    const data: Record<string, string> = { team: 'media', old: 'x' };
    const listed = { ...data };
    const url = await server(t, (command, params) => {
      // The list stays as it was: only the edit's own answer can bring the new value.
      if (command === 'send.getDestinations') return { result: [record(1, { userData: listed })] };
      if (command === 'send.getDestination') return { result: record(1, { userData: { ...data } }) };
      if (command === 'send.updateObjectUserData') return { result: Object.assign(data, params.userData) };
      if (command === 'send.deleteObjectUserData') return { status: 403, error: { code: 'PermissionDenied', message: 'not your key' } };
      return { status: 404, error: { code: 'UnknownCommand', message: command } };
    });
    const mirror = await mirrorOf(t, url);
    const outcome = await mirror.editUserData('lab', 'd-1', { set: { team: 'ops' }, remove: ['old'] });
    assert.equal(outcome.result, 'partial');
    const words = describeOutcome(outcome, 'team').shown ?? '';
    assert.match(words, /landed: 'team' set as asked; removing 'old' did not land: .*not your key/);
    const shown = () => mirror.row('lab', 'd-1')?.userData;
    assert.ok(
      await until(mirror, () => shown()?.some(([k, v]) => k === 'team' && v === 'ops') ?? false),
      'the view shows what landed without waiting for a poll',
    );
    assert.deepEqual(shown(), [
      ['team', 'ops', true],
      ['old', 'x', true],
    ]);
  });
});
