/**
 * The extension in a real VS Code extension host, against the simulator over real sockets: the tree,
 * the commands, error nodes, quiet refreshes and the details panel.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { idKey } from '../../src/api/schemas';
import { JetStreamClient } from '../../src/api/client';
import type { JetStreamApi } from '../../src/extension';
import { destinationStatus } from '../../src/model/status';
import type { DestinationNode, Node, ProblemNode, UserDataNode } from '../../src/views/tree';
import { startSimulator, type Simulator } from '../../sim/server';

const EXTENSION_ID = 'jetstream-destinations.jetstream-destinations';

let sim: Simulator;
let api: JetStreamApi;

async function setServers(servers: unknown[]): Promise<void> {
  await vscode.workspace.getConfiguration('jetstream').update('servers', servers, vscode.ConfigurationTarget.Global);
}

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function children(node?: Node): Node[] {
  return api.tree.getChildren(node) as Node[];
}

function serverNode(name: string): Node {
  const n = children().find((c) => c.kind === 'server' && c.server === name);
  assert.ok(n, `server ${name} in the tree`);
  return n;
}

function asDemo() {
  return JetStreamClient.create({ transport: 'http', name: 'check', url: sim.url, user: 'demo', password: 'demo' });
}

describe('JetStream Destinations in VS Code', function () {
  this.timeout(30_000);

  before(async () => {
    sim = await startSimulator({ port: 0, tickMs: 0, seed: 5, destinations: 24 });
    await sim.world.handle('sim.tick', { count: 3 }, { user: 'admin', password: 'admin' }, false);
    api = (await vscode.extensions.getExtension<JetStreamApi>(EXTENSION_ID)!.activate())!;
    await vscode.commands.executeCommand('jetstream.destinations.focus');
    await vscode.workspace.getConfiguration('jetstream').update('autoRefresh', false, vscode.ConfigurationTarget.Global);
    await setServers([{ name: 'Lab', url: sim.url, user: 'demo' }]);
    await vscode.commands.executeCommand('jetstream.signIn', { server: 'Lab' }, { password: 'demo' });
  });

  after(async () => {
    await setServers([]);
    await sim.close();
  });

  it('lists the seeded destinations of the signed-in user, each with its status icon', async () => {
    await until('destinations', () => children(serverNode('Lab')).some((c) => c.kind === 'destination'));
    const mine = (await asDemo().getDestinations()).map((d) => d.destinationId).sort();
    const rows = children(serverNode('Lab')).filter((c): c is DestinationNode => c.kind === 'destination');
    assert.deepEqual(rows.map((r) => r.destinationId).sort(), mine);
    const state = api.store.server('Lab')!;
    const expected: Record<string, string> = {
      connected: 'pass-filled',
      negotiating: 'sync',
      disconnected: 'debug-disconnect',
      error: 'error',
      stale: 'history',
    };
    for (const row of rows) {
      const item = api.tree.getTreeItem(row);
      const d = state.destinations.get(row.destinationId)!;
      assert.equal(item.label, `${d.destinationAddress}:${d.destinationPort}`);
      assert.equal((item.iconPath as vscode.ThemeIcon).id, expected[destinationStatus(d, state.serverTime)]);
      assert.equal(item.command?.command, 'jetstream.openDetails');
      assert.ok(item.id && !item.id.includes('connected'), 'status never goes into an id');
    }
    const serverItem = api.tree.getTreeItem(serverNode('Lab'));
    assert.match(String(serverItem.description), /JetStream 2\.9\.2 · API 40 · \d+ destinations/);
  });

  it('creates a destination through the command: on the server and selected in the tree', async () => {
    const created = (await vscode.commands.executeCommand(
      'jetstream.createDestination',
      { server: 'Lab' },
      {
        destinationAddress: 'new-site.example.com',
        destinationPort: 9100,
        sendRateMax: 250_000,
        userData: { team: 'media' },
      },
    )) as { destinationId: string };
    assert.ok(created?.destinationId);
    const onServer = await asDemo().getDestination(created.destinationId);
    assert.equal(onServer.sendRateMax, 250_000);
    const row = children(serverNode('Lab')).find((c) => c.kind === 'destination' && c.destinationId === created.destinationId);
    assert.ok(row, 'the new destination is in the tree');
    assert.deepEqual(api.treeView.selection, [row]);
  });

  it('adds, edits and deletes userData through the commands, keeping the keys it did not touch', async () => {
    const d = await asDemo().createDestination({ destinationAddress: 'ud.example.com', userData: { keep: 'me', edit: 'old' } });
    await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
    const target = { server: 'Lab', destinationId: idKey(d.destinationId) };
    await vscode.commands.executeCommand('jetstream.addUserData', target, 'added', 'value with <b>markup</b>');
    await vscode.commands.executeCommand('jetstream.editUserData', { kind: 'userData', ...target, key: 'edit' }, 'new');
    await vscode.commands.executeCommand('jetstream.deleteUserData', { kind: 'userData', ...target, key: 'added' });
    assert.deepEqual((await asDemo().getDestination(d.destinationId)).userData, { keep: 'me', edit: 'new' });
    const entries = children(api.tree.destinationNode('Lab', idKey(d.destinationId))) as UserDataNode[];
    assert.deepEqual(
      entries.map((e) => {
        const item = api.tree.getTreeItem(e);
        return [item.label, item.description];
      }),
      [
        ['keep', 'me'],
        ['edit', 'new'],
      ],
    );
  });

  it('deletes a destination through the command', async () => {
    const d = await asDemo().createDestination({ destinationAddress: 'doomed.example.com' });
    await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
    const node = api.tree.destinationNode('Lab', idKey(d.destinationId));
    await vscode.commands.executeCommand('jetstream.deleteDestination', node, [node], { confirm: false });
    await assert.rejects(asDemo().getDestination(d.destinationId), /no such destination/);
    assert.ok(!children(serverNode('Lab')).some((c) => c.kind === 'destination' && c.destinationId === d.destinationId));
  });

  it('can undo a delete: the parameters it keeps recreate the destination as it was', async () => {
    const { recreateParams } = await import('../../src/commands/destinations');
    const params = {
      destinationAddress: 'undo.example.com',
      destinationPort: 9200,
      sendRateMax: 75_000,
      relayAddress: '192.0.2.50',
      relayPort: 8887,
      transferDefaults: {
        priority: 3,
        overwriteMode: 4,
        checkpointFrequencySeconds: 15,
        priorityLane: 'bulk',
        transferFlags: 2,
        sendRateMax: 5000,
      },
      priorityLanes: { bulk: 0.6, interactive: 0.2 },
      userData: { team: 'media', ticket: 'OPS-7' },
    };
    const created = await asDemo().createDestination(params);
    assert.deepEqual(recreateParams(created).lost, ['its relay (not resolved yet when it was deleted)'], 'says what it cannot restore');
    await sim.world.handle('sim.tick', {}, { user: 'admin', password: 'admin' }, false);
    const original = await asDemo().getDestination(created.destinationId);
    await asDemo().deleteDestination(original.destinationId);
    const { params: recreate, lost } = recreateParams(original);
    assert.deepEqual(lost, []);
    const again = await asDemo().createDestination(recreate);
    assert.notEqual(again.destinationId, original.destinationId);
    await sim.world.handle('sim.tick', {}, { user: 'admin', password: 'admin' }, false);
    const restored = await asDemo().getDestination(again.destinationId);
    for (const field of [
      'destinationAddress',
      'destinationPort',
      'sendRateMax',
      'relayIP',
      'relayPort',
      'transferDefaults',
      'priorityLanes',
      'userData',
    ] as const) {
      assert.deepEqual(restored[field], original[field], field);
    }
  });

  it('fires no tree event for a refresh that brings nothing new, and one per changed row otherwise', async () => {
    await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
    children(serverNode('Lab'));
    let events = 0;
    const sub = api.tree.onDidChangeTreeData((e) => (events += Array.isArray(e) ? e.length : 1));
    try {
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
      assert.equal(events, 0, 'unchanged snapshot');
      const victim = [...api.store.server('Lab')!.destinations.values()][0]!;
      await asDemo().updateObjectUserData(victim.destinationId, { touched: 'yes' });
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
      assert.equal(events, 1, 'one changed destination');
    } finally {
      sub.dispose();
    }
  });

  it('shows a refused password as a problem row that offers to sign in again', async () => {
    await setServers([
      { name: 'Lab', url: sim.url, user: 'demo' },
      { name: 'Refused', url: sim.url, user: 'bob' },
    ]);
    await vscode.commands.executeCommand('jetstream.signIn', { server: 'Refused' }, { password: 'not-bobs' });
    const problem = (await until('problem row', () => children(serverNode('Refused')).find((c) => c.kind === 'problem'))) as ProblemNode;
    const item = api.tree.getTreeItem(problem);
    assert.equal(item.label, 'Password refused: sign in to try again');
    assert.equal(item.description, "Server 'Refused' refused the password for user bob.");
    assert.equal(item.command?.command, 'jetstream.signIn');
    await vscode.commands.executeCommand('jetstream.signIn', { server: 'Refused' }, { password: 'bob' });
    assert.ok(!children(serverNode('Refused')).some((c) => c.kind === 'problem'), 'the right password clears it');
  });

  it('shows a dead server as unreachable, without disturbing the others', async () => {
    await setServers([
      { name: 'Lab', url: sim.url, user: 'demo' },
      { name: 'Dead', url: 'http://127.0.0.1:9' },
    ]);
    await vscode.commands.executeCommand('jetstream.refresh');
    const problem = children(serverNode('Dead')).find((c) => c.kind === 'problem')!;
    const item = api.tree.getTreeItem(problem);
    assert.match(String(item.label), /^Server unreachable · next try \d\d:\d\d:\d\d$/, 'says when it is tried again');
    assert.match(String(item.description), /Cannot reach server 'Dead' at http:\/\/127\.0\.0\.1:9: the connection was refused/);
    assert.equal(item.command?.command, 'jetstream.refresh');
    assert.ok(children(serverNode('Lab')).some((c) => c.kind === 'destination'));
  });

  it('filters by status and says so in the view title', async () => {
    await vscode.commands.executeCommand('jetstream.filter', 'status:error');
    try {
      assert.equal(api.treeView.description, 'Filtered: status:error');
      const state = api.store.server('Lab')!;
      const shown = children(serverNode('Lab')).filter((c): c is DestinationNode => c.kind === 'destination');
      assert.ok(shown.length > 0, 'the seeded data has destinations in error');
      assert.ok(shown.every((n) => destinationStatus(state.destinations.get(n.destinationId)!, state.serverTime) === 'error'));
      assert.ok(shown.length < state.destinations.size);
    } finally {
      await vscode.commands.executeCommand('jetstream.clearFilter');
    }
    assert.equal(api.treeView.description, undefined);
  });

  it("toggles a superuser's view to every owner's destinations", async () => {
    await setServers([{ name: 'Admin', url: sim.url, user: 'admin' }]);
    await vscode.commands.executeCommand('jetstream.signIn', { server: 'Admin' }, { password: 'admin' });
    const owners = () => new Set([...api.store.server('Admin')!.destinations.values()].map((d) => d.owner));
    assert.deepEqual([...owners()], ['admin']);
    await vscode.commands.executeCommand('jetstream.toggleSuperuser', { server: 'Admin' });
    await until('the superuser view', async () => {
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Admin' });
      return api.store.server('Admin')?.profile.superuser && owners().size >= 3;
    });
    assert.ok(owners().has('demo') && owners().has('bob'));
    await setServers([{ name: 'Lab', url: sim.url, user: 'demo' }]);
    await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
  });

  it('starts the embedded demo server in one command and lists its live destinations', async () => {
    const url = (await vscode.commands.executeCommand('jetstream.startDemoServer')) as string;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const profiles = vscode.workspace.getConfiguration('jetstream').get<{ name: string; url: string }[]>('servers')!;
    assert.deepEqual(
      profiles.find((p) => p.name === 'Demo'),
      { name: 'Demo', url },
    );
    await until('demo destinations', async () => {
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Demo' });
      return children(serverNode('Demo')).filter((c) => c.kind === 'destination').length >= 10;
    });
    await setServers([{ name: 'Lab', url: sim.url, user: 'demo' }]);
  });

  it('opens one details panel per destination, titled with its address', async () => {
    const row = children(serverNode('Lab')).find((c): c is DestinationNode => c.kind === 'destination')!;
    const d = api.store.destination('Lab', row.destinationId)!;
    await vscode.commands.executeCommand('jetstream.openDetails', row);
    await vscode.commands.executeCommand('jetstream.openDetails', row);
    const title = `${d.destinationAddress}:${d.destinationPort}`;
    const tabs = await until('the details tab', () => {
      const found = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === title);
      return found.length ? found : undefined;
    });
    assert.equal(tabs.length, 1, 'opening again reveals the same panel');
  });
});
