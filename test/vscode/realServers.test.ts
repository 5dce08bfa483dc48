/**
 * Real-server routes in the real extension host: a console that behaves as the vendor documents it,
 * a refused password that is never sent again by itself, odd records that never blank a server, ids
 * that cannot collide across servers, and the compatibility report.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { JetStreamClient } from '../../src/api/client';
import { idKey } from '../../src/api/schemas';
import type { JetStreamApi } from '../../src/extension';
import type { UserDataNode } from '../../src/views/tree';
import { startSimulator, type Simulator } from '../../sim/server';
import { record } from '../fixtures/records';
import { startCannedServer } from '../support/cannedServer';
import { extensionApi, setServers, tree } from './support';

const ROOT = path.resolve(__dirname, '../../..');
const VENDOR_CONSOLE = path.join(ROOT, 'sim/python/bin/jetstream');
/** The folder holding the stand-in for the vendor's `jetstream` Python package. */
const VENDOR_LIBRARY = path.join(ROOT, 'sim/python');
const ADMIN = { user: 'admin', password: 'admin' };
let api: JetStreamApi;
let sim: Simulator;
let t: ReturnType<typeof tree>;

const serverNode = (name: string) => t.serverNode(name);
const rows = (name: string) => t.rows(name);
const destinations = (name: string) => t.destinations(name);

async function failedAttempts(user: string): Promise<number> {
  const stats = (await sim.world.handle('sim.getStats', {}, ADMIN, false)) as {
    credentialAttempts: Record<string, { ok: number; failed: number }>;
  };
  return stats.credentialAttempts[user]?.failed ?? 0;
}

describe('real-server routes', function () {
  this.timeout(60_000);

  before(async () => {
    sim = await startSimulator({ port: 0, tickMs: 0, seed: 13, destinations: 20 });
    await sim.world.handle('sim.tick', { count: 3 }, ADMIN, false);
    api = await extensionApi();
    t = tree(api);
    await vscode.workspace.getConfiguration('jetstream').update('autoRefresh', false, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await setServers([]);
    await sim.close();
  });

  it('lists the destinations through a console that behaves as the vendor documents it, and a userData edit lands keeping the other keys', async () => {
    const port = Number(new URL(sim.url).port);
    const demo = JetStreamClient.create({ transport: 'http', name: 'x', url: sim.url, user: 'demo', password: 'demo' });
    const d = await demo.createDestination({ destinationAddress: 'console-edit.example.com', userData: { keep: 'me', note: 'old' } });
    await setServers([{ name: 'Console', transport: 'cli', host: '127.0.0.1', port, user: 'demo', consolePath: VENDOR_CONSOLE }]);
    await api.signIn('Console', { password: 'demo' });
    const mine = (await demo.getDestinations()).map((x) => idKey(x.destinationId)).sort();
    assert.deepEqual(
      destinations('Console')
        .map((n) => n.destinationId)
        .sort(),
      mine,
    );
    const key = idKey(d.destinationId);
    const entry = (api.tree.getChildren(api.tree.destinationNode('Console', key)) as UserDataNode[]).find((e) => e.key === 'note')!;
    assert.equal((await api.setUserData('Console', key, entry.key, 'new, over the console')).result, 'landed');
    assert.deepEqual((await demo.getDestination(d.destinationId)).userData, { keep: 'me', note: 'new, over the console' });
    const shown = (api.tree.getChildren(api.tree.destinationNode('Console', key)) as UserDataNode[]).map((e) => [
      e.key,
      api.tree.getTreeItem(e).description,
    ]);
    assert.deepEqual(shown, [
      ['keep', 'me'],
      ['note', 'new, over the console'],
    ]);
    await demo.close();
  });

  it("lists the destinations through the vendor's Python library, every owner's as a superuser, and a userData edit lands", async () => {
    const port = Number(new URL(sim.url).port);
    const demo = JetStreamClient.create({ transport: 'http', name: 'x', url: sim.url, user: 'demo', password: 'demo' });
    const admin = JetStreamClient.create({ transport: 'http', name: 'y', url: sim.url, ...ADMIN, superuser: true });
    const d = await demo.createDestination({ destinationAddress: 'python-edit.example.com', userData: { keep: 'me', note: 'old' } });
    const python = { transport: 'python', host: '127.0.0.1', port, pythonLibraryPath: VENDOR_LIBRARY } as const;
    await setServers([
      { name: 'Python', ...python, user: 'demo' },
      { name: 'PythonAdmin', ...python, user: 'admin', superuser: true },
    ]);
    await api.signIn('Python', { password: 'demo' });
    await api.signIn('PythonAdmin', { password: 'admin' });
    const ids = (list: { destinationId: string | number }[]) => list.map((x) => idKey(x.destinationId)).sort();
    const keys = (server: string) =>
      destinations(server)
        .map((n) => n.destinationId)
        .sort();
    assert.deepEqual(keys('Python'), ids(await demo.getDestinations()), "demo's own destinations");
    const everyone = await admin.getDestinations();
    assert.ok(new Set(everyone.map((x) => x.owner)).size > 1, 'the simulator has destinations of several owners');
    assert.deepEqual(keys('PythonAdmin'), ids(everyone), "the superuser view: every owner's");
    const key = idKey(d.destinationId);
    assert.equal((await api.setUserData('Python', key, 'note', 'new, over the library')).result, 'landed');
    assert.deepEqual((await demo.getDestination(d.destinationId)).userData, { keep: 'me', note: 'new, over the library' });
    await demo.close();
    await admin.close();
  });

  it('says on its row what a console profile with the superuser view cannot do', async () => {
    const port = Number(new URL(sim.url).port);
    await setServers([
      { name: 'ConsoleAdmin', transport: 'cli', host: '127.0.0.1', port, user: 'admin', superuser: true, consolePath: VENDOR_CONSOLE },
    ]);
    await api.signIn('ConsoleAdmin', { password: 'admin' });
    const notice = rows('ConsoleAdmin').find((n) => n.kind === 'notice');
    assert.ok(notice, 'a notice row');
    assert.match(String(api.tree.getTreeItem(notice).label), /cannot switch to the superuser view.*python transport/);
    assert.ok(destinations('ConsoleAdmin').length > 0, 'the user’s own destinations are shown');
  });

  for (const transport of ['http', 'cli', 'python'] as const) {
    it(`sends a refused password once over ${transport}, and never again until the user signs in`, async () => {
      const port = Number(new URL(sim.url).port);
      const user = transport === 'cli' ? 'demo' : 'bob';
      const profile =
        transport === 'http'
          ? { name: 'Refused', url: sim.url, user }
          : transport === 'cli'
            ? { name: 'Refused', transport, host: '127.0.0.1', port, user, consolePath: VENDOR_CONSOLE }
            : { name: 'Refused', transport, host: '127.0.0.1', port, user, pythonLibraryPath: VENDOR_LIBRARY };
      await setServers([profile]);
      const before = await failedAttempts(user);
      await api.signIn('Refused', { password: 'not-the-password' });
      for (let i = 0; i < 3; i++) {
        await api.mirror.request({ op: 'refresh', server: 'Refused', manual: false });
        await vscode.commands.executeCommand('jetstream.refresh');
      }
      assert.equal((await failedAttempts(user)) - before, 1, 'one attempt with the refused password');
      const problem = rows('Refused').find((n) => n.kind === 'problem')!;
      const item = api.tree.getTreeItem(problem);
      assert.equal(item.label, 'Password refused: sign in to try again');
      assert.equal(item.command?.command, 'jetstream.signIn');
      assert.ok(!String(item.description).includes('not-the-password') && !String(item.tooltip).includes('not-the-password'));
      await api.signIn('Refused', { password: user });
      assert.equal(api.mirror.server('Refused')?.summary.phase, 'ok');
      assert.ok(!rows('Refused').some((n) => n.kind === 'problem'));
    });
  }

  it('shows the others as usual when one record does not fit, and marks that one', async () => {
    const list = Array.from({ length: 12 }, (_, i) => record(i));
    list[4] = record(4, { sendRateMax: 'unlimited' });
    list[9] = record(9, { destinationId: 9009, lastError: 1042, lastErrorMessage: 'Connection timed out' });
    const server = await startCannedServer((command) => (command === 'send.getDestinations' ? { result: list } : undefined));
    try {
      await setServers([{ name: 'Odd', url: server.url }]);
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Odd' });
      const shown = destinations('Odd');
      assert.equal(shown.length, 12);
      const odd = api.tree.getTreeItem(shown.find((n) => n.destinationId === 'd-4')!);
      assert.equal(odd.label, 'rx-4.example.com');
      assert.equal((odd.iconPath as vscode.ThemeIcon).id, 'warning');
      assert.match(String(odd.description), /unexpected data: .*sendRateMax/);
      const numeric = api.tree.getTreeItem(shown.find((n) => n.destinationId === '9009')!);
      assert.equal((numeric.iconPath as vscode.ThemeIcon).id, 'error', 'a numeric id and a numeric lastError are read');
      assert.match(String(numeric.description), /Connection timed out/);
      assert.match(String(api.tree.getTreeItem(serverNode('Odd')).description), /12 destinations · 1 error · 1 unreadable/);
    } finally {
      await server.close();
    }
  });

  it('keeps ids apart across servers whose names and ids would join into the same path', async () => {
    const a = await startCannedServer((command) =>
      command === 'send.getDestinations'
        ? { result: [record(1, { destinationId: 'east/X1' })] }
        : command === 'send.deleteDestination'
          ? { result: null }
          : undefined,
    );
    const b = await startCannedServer((command) =>
      command === 'send.getDestinations'
        ? { result: [record(2, { destinationId: 'X1' })] }
        : command === 'send.deleteDestination'
          ? { result: null }
          : undefined,
    );
    try {
      await setServers([
        { name: 'lab', url: a.url },
        { name: 'lab/east', url: b.url },
      ]);
      await vscode.commands.executeCommand('jetstream.refresh');
      const [one] = destinations('lab');
      const [two] = destinations('lab/east');
      const ids = [api.tree.getTreeItem(one!).id, api.tree.getTreeItem(two!).id];
      assert.notEqual(ids[0], ids[1]);
      await api.deleteDestinations([{ server: 'lab/east', key: two!.destinationId }]);
      assert.ok(
        b.calls.some((c) => c.command === 'send.deleteDestination'),
        'the second server was asked',
      );
      assert.ok(!a.calls.some((c) => c.command === 'send.deleteDestination'), 'the first server was not');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('opens a read-only compatibility report that names how each command was sent', async () => {
    const port = Number(new URL(sim.url).port);
    await setServers([{ name: 'Console', transport: 'cli', host: '127.0.0.1', port, user: 'demo', consolePath: VENDOR_CONSOLE }]);
    await api.signIn('Console', { password: 'demo' });
    void vscode.commands.executeCommand('jetstream.checkCompatibility', { server: 'Console' });
    const editor = await new Promise<vscode.TextEditor>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no report opened')), 30_000);
      const check = () => {
        const e = vscode.window.visibleTextEditors.find((x) => x.document.uri.scheme === 'jetstream-report');
        if (e) {
          clearTimeout(timer);
          resolve(e);
        } else setTimeout(check, 100);
      };
      check();
    });
    const text = editor.document.getText();
    assert.match(text, /4 of 4 read-only commands worked/);
    assert.match(text, /\| send\.getDestinations \| `getDestinations` \| ok \|/);
    assert.ok(!text.includes('demo:demo'));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('copies a destination as JSON read whole from the server, over http and over a console as the vendor documents it', async () => {
    const port = Number(new URL(sim.url).port);
    await setServers([
      { name: 'Http', url: sim.url, user: 'demo' },
      { name: 'Console', transport: 'cli', host: '127.0.0.1', port, user: 'demo', consolePath: VENDOR_CONSOLE },
    ]);
    await api.signIn('Http', { password: 'demo' });
    await api.signIn('Console', { password: 'demo' });
    for (const server of ['Http', 'Console']) {
      const node = destinations(server)[0]!;
      await vscode.env.clipboard.writeText('');
      await vscode.commands.executeCommand('jetstream.copyDestinationJson', node);
      const copied = JSON.parse(await vscode.env.clipboard.readText()) as Record<string, unknown>;
      assert.equal(String(copied.destinationId), node.destinationId, server);
      // Fields the tree does not show, which the extension does not keep: read from the server.
      for (const field of ['socketSendBufferSize', 'transferDefaults', 'lastRecvTime']) assert.ok(field in copied, `${server}: ${field}`);
      assert.ok(!JSON.stringify(copied).includes('demo:demo'), server);
    }
  });

  it('copies the console command of a destination row and of a userData row, with no password in it', async () => {
    const port = Number(new URL(sim.url).port);
    await setServers([{ name: 'Console', transport: 'cli', host: '127.0.0.1', port, user: 'demo', consolePath: VENDOR_CONSOLE }]);
    await api.signIn('Console', { password: 'demo' });
    const node = destinations('Console').find((n) => api.mirror.row('Console', n.destinationId)?.userData.length)!;
    const row = api.mirror.row('Console', node.destinationId)!;
    await vscode.commands.executeCommand('jetstream.copyConsoleCommand', node);
    const shown = await vscode.env.clipboard.readText();
    assert.equal(
      shown,
      `${VENDOR_CONSOLE} api --host 127.0.0.1 --api-control-port ${port} --user demo getDestination --destinationId=${row.key}`,
    );
    const entry = api.tree.getChildren(node)[0] as UserDataNode;
    await vscode.commands.executeCommand('jetstream.copyConsoleCommand', entry);
    assert.match(await vscode.env.clipboard.readText(), new RegExp(`updateObjectUserData --objectId=${row.key} '?--userData=`));
    assert.ok(!(await vscode.env.clipboard.readText()).includes('JETSTREAM_API_PASSWORD=demo'));
  });
});
