/**
 * Issue 13 as a user meets it, in the real extension host against the simulator: the demo never takes
 * a profile of the user's and says when it is not running; Undo after the toast is gone, with an open
 * panel following the recreated destination; a new userData entry revealed; the delete and remove
 * dialogs' words; Undo for a userData entry deleted from the tree or the panel; the superuser toggle
 * without a user; Edit Server starting from the profile, with Back.
 *
 * Dialogs and toasts are observed by wrapping `vscode.window`'s functions: this file is inside the
 * extension's folder, so it shares the extension's `vscode` API object, and what the extension asks
 * the user is what these wrappers see (and answer, as the user would).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { JetStreamClient } from '../../src/api/client';
import { idKey } from '../../src/api/schemas';
import type { JetStreamApi } from '../../src/extension';
import type { DestinationNode, UserDataNode } from '../../src/views/tree';
import { startSimulator, type Simulator } from '../../sim/server';
import { extensionApi, setServers, tree, until } from './support';

let sim: Simulator;
let api: JetStreamApi;
let t: ReturnType<typeof tree>;
/** The user 'demo' on the simulator, straight, as a colleague's script would be. */
let colleague: JetStreamClient;
/** The profile most tests use, signed in as 'demo'. */
const labProfile = () => ({ name: 'Lab', url: sim.url, user: 'demo' });

async function lab(): Promise<void> {
  await setServers([labProfile()]);
  await t.loaded('Lab');
}

/** A destination made on the server as a colleague would, then seen in the tree. */
async function made(address: string, userData?: Record<string, string>): Promise<DestinationNode> {
  const d = await colleague.createDestination({ destinationAddress: address, ...(userData ? { userData } : {}) });
  await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
  const key = idKey(d.destinationId);
  return until(`${address} in the tree`, () => t.destinations('Lab').find((n) => n.destinationId === key));
}

interface Shown {
  kind: 'information' | 'warning' | 'error';
  message: string;
  modal: boolean;
  detail: string | undefined;
  items: string[];
}

/** An answer now, later (a promise: the user answers when it settles), or 'never'. */
type Answer = (m: Shown) => string | undefined | 'never' | Promise<string | undefined>;

/**
 * Records every message the extension shows while `body` runs, answering each with `answer`
 * ('never': the user does not answer; the toast goes away unanswered).
 */
async function dialogs<T>(answer: Answer, body: (shown: Shown[]) => Promise<T>): Promise<T> {
  const w = vscode.window as unknown as Record<string, unknown>;
  const names = { information: 'showInformationMessage', warning: 'showWarningMessage', error: 'showErrorMessage' } as const;
  const originals = Object.values(names).map((n) => [n, w[n]] as const);
  const shown: Shown[] = [];
  const unanswered: ((v: undefined) => void)[] = [];
  for (const [kind, name] of Object.entries(names) as [Shown['kind'], string][]) {
    w[name] = (message: string, ...rest: unknown[]) => {
      const options =
        typeof rest[0] === 'object' && rest[0] !== null && !('title' in rest[0]) ? (rest.shift() as vscode.MessageOptions) : undefined;
      const m: Shown = {
        kind,
        message,
        modal: !!options?.modal,
        detail: options?.detail,
        items: rest.map((i) => (typeof i === 'string' ? i : (i as vscode.MessageItem).title)),
      };
      shown.push(m);
      const a = answer(m);
      if (a === 'never') return new Promise<undefined>((resolve) => unanswered.push(resolve));
      return a instanceof Promise ? a : Promise.resolve(a);
    };
  }
  try {
    return await body(shown);
  } finally {
    for (const [name, fn] of originals) w[name] = fn;
    for (const r of unanswered) r(undefined);
  }
}

/** Replaces one function of `vscode.window` while `body` runs. */
async function replacing<K extends keyof typeof vscode.window, T>(
  name: K,
  fn: (typeof vscode.window)[K],
  body: () => Promise<T>,
): Promise<T> {
  const w = vscode.window as unknown as Record<string, unknown>;
  const original = w[name];
  w[name] = fn;
  try {
    return await body();
  } finally {
    w[name] = original;
  }
}

/** The embedded demo's process: a child of this extension host running dist/sim.js. */
function demoPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (ppid === process.pid && cmd.includes('sim.js') && cmd.includes('--no-auth')) return Number(entry);
    } catch {
      // a process that ended meanwhile
    }
  }
  return undefined;
}

function profiles(): Record<string, unknown>[] {
  return vscode.workspace.getConfiguration('jetstream').inspect<Record<string, unknown>[]>('servers')?.globalValue ?? [];
}

/** The details panels' targets (the API exposes the one in front; each panel keeps its own). */
function panelTargets(): { server: string; key: string }[] {
  const inner = (api.panels as unknown as { panels: Set<{ target: { server: string; key: string } }> }).panels;
  return [...inner].map((p) => p.target);
}

/** What the details page sends when its Delete button is clicked, handed to the panel as the page would. */
async function panelSends(key: string, message: Record<string, unknown>): Promise<void> {
  const inner = (api.panels as unknown as { panels: Set<{ target: { key: string }; receive(m: unknown): Promise<void> }> }).panels;
  const panel = [...inner].find((p) => p.target.key === key);
  assert.ok(panel, 'a panel of the destination is open');
  await panel.receive(message);
}

describe('issue 13, as a user meets it', function () {
  this.timeout(60_000);

  before(async () => {
    sim = await startSimulator({ port: 0, tickMs: 0, seed: 11, destinations: 8 });
    colleague = JetStreamClient.create({ transport: 'http', name: 'colleague', url: sim.url, user: 'demo', password: 'demo' });
    api = await extensionApi();
    t = tree(api);
    await vscode.commands.executeCommand('jetstream.destinations.focus');
    await vscode.workspace.getConfiguration('jetstream').update('autoRefresh', false, vscode.ConfigurationTarget.Global);
    await lab();
    await api.signIn('Lab', { password: 'demo' });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await setServers([]);
    const pid = demoPid();
    if (pid) process.kill(pid);
    await sim.close();
  });

  it('Start Demo Server leaves a profile named Demo alone; a demo that is not running says so and starts again from its row', async () => {
    const mine = { name: 'Demo', url: 'http://127.0.0.1:9' };
    await setServers([mine]);
    const url = await vscode.commands.executeCommand<string | undefined>('jetstream.startDemoServer');
    assert.ok(url, 'the demo started');
    await until('the demo profile', () => api.mirror.servers().length === 2);
    const ours = profiles().find((p) => p.name !== 'Demo');
    assert.ok(ours && typeof ours.name === 'string', 'a profile of its own');
    assert.deepEqual(
      profiles().find((p) => p.name === 'Demo'),
      mine,
      "the user's Demo still points where it did",
    );
    assert.equal(ours.url, url);
    const demo = ours.name;
    await until('the demo destinations', () => t.destinations(demo).length > 0);
    const notice = () => t.rows(demo).find((r) => r.kind === 'notice');
    assert.equal(notice(), undefined, 'no notice while it runs');

    // As after a reload: the profile is there, the embedded server is not.
    const pid = await until('the demo process', () => demoPid());
    process.kill(pid);
    const row = await until('a notice that the demo is not running', () => notice());
    const item = api.tree.getTreeItem(row);
    assert.match(String(item.label), /not running/);
    assert.equal(item.command?.command, 'jetstream.startDemoServer', 'the row starts it');
    assert.ok(!t.rows('Demo').some((r) => r.kind === 'notice'), "the user's Demo has no such notice");

    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    await until('the notice gone', () => !notice());
    assert.deepEqual(
      profiles().find((p) => p.name === 'Demo'),
      mine,
      "starting again still leaves the user's Demo alone",
    );
    assert.deepEqual(
      profiles().map((p) => p.name),
      ['Demo', demo],
      'no third profile',
    );
    await until('the demo destinations again', async () => {
      await vscode.commands.executeCommand('jetstream.refresh', { server: demo });
      return t.destinations(demo).length > 0 && !api.mirror.server(demo)?.error;
    });
    await lab();
  });

  it('Undo after the delete toast has gone brings the destination back with its userData, and its open panel follows it', async () => {
    const node = await made('undo-late.example.com', { team: 'media', ticket: 'OPS-9' });
    const oldKey = node.destinationId;
    await vscode.commands.executeCommand('jetstream.openDetails', node);
    await until('the panel', () => panelTargets().some((p) => p.key === oldKey));
    await dialogs(
      (m) => (m.modal ? 'Delete' : 'never'),
      async (shown) => {
        void vscode.commands.executeCommand('jetstream.deleteDestination', node);
        await until('the toast after the delete', () => shown.find((m) => !m.modal && m.items.includes('Undo')));
        assert.ok(!t.destinations('Lab').some((n) => n.destinationId === oldKey), 'deleted');
        // The toast is never answered: Undo is run from the palette.
        await vscode.commands.executeCommand('jetstream.undo');
      },
    );
    const back = await until('the destination back in the tree', () =>
      t.destinations('Lab').find((n) => api.mirror.row('Lab', n.destinationId)?.address === 'undo-late.example.com'),
    );
    assert.notEqual(back.destinationId, oldKey, 'recreated, with a new id');
    const row = api.mirror.row('Lab', back.destinationId)!;
    assert.deepEqual((await colleague.getDestination(row.id)).userData, { team: 'media', ticket: 'OPS-9' }, 'with its userData');
    assert.deepEqual(
      (t.children(back) as UserDataNode[]).map((e) => e.key),
      ['team', 'ticket'],
    );
    await until('the panel following the recreated destination', () =>
      panelTargets().some((p) => p.server === 'Lab' && p.key === back.destinationId),
    );
    assert.ok(!panelTargets().some((p) => p.key === oldKey), 'no panel left on the deleted one');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it("an earlier delete's toast undoes that delete, not a later one", async () => {
    const first = await made('undo-first.example.com');
    const second = await made('undo-second.example.com');
    let answerFirst!: (choice: string) => void;
    await dialogs(
      (m) => {
        if (m.modal) return 'Delete';
        // The first toast is answered Undo once the second delete is done; the second never.
        return m.message.includes('undo-first') ? new Promise<string>((resolve) => (answerFirst = resolve)) : 'never';
      },
      async (shown) => {
        const firstDone = vscode.commands.executeCommand('jetstream.deleteDestination', first);
        await until('the first toast', () => shown.find((m) => !m.modal && m.message.includes('undo-first')));
        void vscode.commands.executeCommand('jetstream.deleteDestination', second);
        await until('the second toast', () => shown.find((m) => !m.modal && m.message.includes('undo-second')));
        answerFirst('Undo');
        await firstDone;
      },
    );
    const address = (n: DestinationNode) => api.mirror.row('Lab', n.destinationId)?.address;
    await until('the first destination back', () => t.destinations('Lab').find((n) => address(n) === 'undo-first.example.com'));
    assert.ok(!t.destinations('Lab').some((n) => address(n) === 'undo-second.example.com'), 'the second stays deleted');
    // The second delete's Undo is still the one the palette offers.
    await vscode.commands.executeCommand('jetstream.undo');
    await until('the second destination back', () => t.destinations('Lab').find((n) => address(n) === 'undo-second.example.com'));
  });

  it('a userData entry added to a destination that had none is revealed: its row expanded, the entry selected', async () => {
    const node = await made('reveal-me.example.com');
    assert.equal(api.tree.getTreeItem(node).collapsibleState, vscode.TreeItemCollapsibleState.None);
    const answers = ['ticket', 'OPS-77'];
    await replacing(
      'showInputBox',
      () => Promise.resolve(answers.shift()),
      async () => {
        await vscode.commands.executeCommand('jetstream.addUserData', node);
      },
    );
    assert.deepEqual((await colleague.getDestination(api.mirror.row('Lab', node.destinationId)!.id)).userData, { ticket: 'OPS-77' });
    await until('the new entry selected', () =>
      api.treeView.selection.some((n) => n.kind === 'userData' && n.destinationId === node.destinationId && n.key === 'ticket'),
    );
    await until(
      'the row expanded',
      () =>
        api.tree.getTreeItem(api.tree.destinationNode('Lab', node.destinationId)).collapsibleState ===
        vscode.TreeItemCollapsibleState.Expanded,
    );
  });

  it('the delete dialog says "it" for one destination and "them" for several', async () => {
    const one = await made('it.example.com');
    const two = await made('them.example.com');
    await dialogs(
      () => undefined,
      async (shown) => {
        await vscode.commands.executeCommand('jetstream.deleteDestination', one);
        await vscode.commands.executeCommand('jetstream.deleteDestination', one, [one, two]);
        const modals = shown.filter((m) => m.modal);
        assert.equal(modals.length, 2);
        assert.match(modals[0]!.message, /it\.example\.com/);
        assert.match(modals[0]!.detail ?? '', /Transfers queued to it are dropped/);
        assert.doesNotMatch(modals[0]!.detail ?? '', /them/);
        assert.match(modals[1]!.message, /these 2 destinations/);
        assert.match(modals[1]!.detail ?? '', /Transfers queued to them are dropped/);
      },
    );
    assert.ok(
      t.destinations('Lab').some((n) => n.destinationId === one.destinationId),
      'cancelled: nothing deleted',
    );
  });

  it('Remove Server offers to delete a stored password only when the profile has one', async () => {
    await setServers([labProfile(), { name: 'NeverSignedIn', url: sim.url, user: 'bob' }, { name: 'Open', url: sim.url }]);
    await dialogs(
      () => undefined,
      async (shown) => {
        for (const server of ['Lab', 'NeverSignedIn', 'Open']) await vscode.commands.executeCommand('jetstream.removeServer', { server });
        assert.deepEqual(
          shown.map((m) => [m.modal, /password/i.test(m.message)]),
          [
            [true, true],
            [true, false],
            [true, false],
          ],
          shown.map((m) => m.message).join('\n'),
        );
      },
    );
    assert.deepEqual(
      api.mirror.servers().map((v) => v.profile.name),
      ['Lab', 'NeverSignedIn', 'Open'],
      'cancelled: nothing removed',
    );
    await lab();
  });

  it('deleting a userData entry from the tree offers Undo, which puts it back', async () => {
    const node = await made('ud-tree.example.com', { keep: 'me', gone: 'soon' });
    const entry = (t.children(node) as UserDataNode[]).find((e) => e.key === 'gone')!;
    const id = api.mirror.row('Lab', node.destinationId)!.id;
    await dialogs(
      (m) => (m.items.includes('Undo') ? 'Undo' : undefined),
      async (shown) => {
        await vscode.commands.executeCommand('jetstream.deleteUserData', entry);
        const offer = shown.find((m) => m.items.includes('Undo'));
        assert.ok(offer, `Undo offered (${shown.map((m) => m.message).join(' | ')})`);
        assert.match(offer.message, /gone/);
      },
    );
    await until('the entry back', async () => (await colleague.getDestination(id)).userData?.gone === 'soon');
    assert.equal((await colleague.getDestination(id)).userData?.keep, 'me');
  });

  it("the details panel's Delete of a userData entry offers Undo too", async () => {
    const node = await made('ud-panel.example.com', { keep: 'me', gone: 'soon' });
    const id = api.mirror.row('Lab', node.destinationId)!.id;
    await vscode.commands.executeCommand('jetstream.openDetails', node);
    await until('the panel', () => panelTargets().some((p) => p.key === node.destinationId));
    await dialogs(
      () => 'never',
      async (shown) => {
        await panelSends(node.destinationId, { type: 'deleteUserData', requestId: 1, key: 'gone' });
        assert.deepEqual((await colleague.getDestination(id)).userData, { keep: 'me' }, 'deleted on the server');
        const offer = await until('an Undo offered', () => shown.find((m) => m.items.includes('Undo')), 3000).catch(() => undefined);
        assert.ok(offer, `the panel's Delete offers Undo (shown: ${JSON.stringify(shown.map((m) => m.message))})`);
        // Not answered in the toast: the palette's Undo does it.
        await vscode.commands.executeCommand('jetstream.undo');
      },
    );
    await until('the entry back', async () => (await colleague.getDestination(id)).userData?.gone === 'soon');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Toggle Superuser View on a profile without a user says why it does nothing', async () => {
    await setServers([labProfile(), { name: 'Open', url: sim.url }]);
    await dialogs(
      () => undefined,
      async (shown) => {
        await vscode.commands.executeCommand('jetstream.toggleSuperuser', { server: 'Open' });
        assert.equal(shown.length, 1, 'one message, not silence');
        assert.match(shown[0]!.message, /without a user/);
        assert.match(shown[0]!.message, /Open/);
      },
    );
    assert.ok(!profiles().find((p) => p.name === 'Open')?.superuser, 'the profile is unchanged');
    await lab();
  });

  it('Edit Server starts from the profile, refuses a name over the limit on its step, each step after the first has Back, and Back returns to the step before', async () => {
    await setServers([labProfile()]);
    const boxes: vscode.InputBox[] = [];
    const picks: vscode.QuickPick<vscode.QuickPickItem>[] = [];
    const realBox = vscode.window.createInputBox.bind(vscode.window);
    const realPick = vscode.window.createQuickPick.bind(vscode.window);
    const accept = async () => {
      await new Promise((r) => setTimeout(r, 300)); // the workbench shows what the extension host asked for
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    };
    const hasBack = (q: vscode.InputBox | vscode.QuickPick<vscode.QuickPickItem>) => q.buttons.includes(vscode.QuickInputButtons.Back);
    await replacing(
      'createInputBox',
      () => {
        const b = realBox();
        boxes.push(b);
        return b;
      },
      () =>
        replacing(
          'createQuickPick',
          <T extends vscode.QuickPickItem>() => {
            const p = realPick<T>();
            picks.push(p as unknown as vscode.QuickPick<vscode.QuickPickItem>);
            return p;
          },
          async () => {
            const done = vscode.commands.executeCommand('jetstream.editServer', { server: 'Lab' });
            const name = await until('step 1', () => boxes[0]);
            assert.equal(name.value, 'Lab', 'the name as it is');
            assert.equal(name.step, 1);
            assert.ok(!hasBack(name), 'no Back on the first step');
            // A name over the limit is refused on its own step, in words, not three steps later on saving.
            name.value = 'x'.repeat(101);
            await accept();
            await new Promise((r) => setTimeout(r, 300));
            assert.match(String(name.validationMessage), /at most 100 characters/);
            assert.equal(picks.length, 0, 'still on the name step');
            name.value = 'Lab';
            await accept();
            const transport = await until('step 2', () => picks[0]);
            assert.equal(transport.activeItems[0]?.label, 'HTTP', 'the transport as it is');
            assert.ok(hasBack(transport));
            await accept();
            const where = await until('step 3', () => boxes[1]);
            assert.equal(where.value, sim.url, 'the URL as it is');
            assert.equal(where.step, 3);
            assert.ok(hasBack(where));
            await new Promise((r) => setTimeout(r, 300));
            await vscode.commands.executeCommand('workbench.action.quickInputBack');
            const again = await until('step 2 again after Back', () => picks[1]);
            assert.equal(again.step, 2);
            assert.equal(again.activeItems[0]?.label, 'HTTP');
            await accept();
            await accept(); // the URL
            const user = await until('step 4', () => boxes[3]);
            assert.equal(user.value, 'demo', 'the user as it is');
            await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
            await done;
          },
        ),
    );
    assert.deepEqual(profiles(), [labProfile()], 'cancelled: the profile is unchanged');
    await t.loaded('Lab');
  });
});
