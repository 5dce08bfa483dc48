/**
 * The extension in a real VS Code extension host, against the simulator over real sockets: the tree,
 * what the commands do (through the API the extension returns for scripting), problem rows, quiet
 * refreshes and the details panel.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { JetStreamClient } from '../../src/api/client';
import { idKey } from '../../src/api/schemas';
import type { JetStreamApi } from '../../src/extension';
import { recreateParams } from '../../src/model/recreate';
import type { ProblemNode, UserDataNode } from '../../src/views/tree';
import { startSimulator, type Simulator } from '../../sim/server';
import { extensionApi, setServers, tree, until } from './support';

let sim: Simulator;
let api: JetStreamApi;
let t: ReturnType<typeof tree>;
const ADMIN = { user: 'admin', password: 'admin' };

function asDemo() {
  return JetStreamClient.create({ transport: 'http', name: 'check', url: sim.url, user: 'demo', password: 'demo' });
}

async function lab(): Promise<void> {
  await setServers([{ name: 'Lab', url: sim.url, user: 'demo' }]);
  await t.loaded('Lab');
}

describe('JetStream Destinations in VS Code', function () {
  this.timeout(30_000);

  before(async () => {
    sim = await startSimulator({ port: 0, tickMs: 0, seed: 5, destinations: 24 });
    await sim.world.handle('sim.tick', { count: 3 }, ADMIN, false);
    api = await extensionApi();
    t = tree(api);
    await vscode.commands.executeCommand('jetstream.destinations.focus');
    await vscode.workspace.getConfiguration('jetstream').update('autoRefresh', false, vscode.ConfigurationTarget.Global);
    await setServers([{ name: 'Lab', url: sim.url, user: 'demo' }]);
    await api.signIn('Lab', { password: 'demo' });
  });

  after(async () => {
    await setServers([]);
    await sim.close();
  });

  it('lists the seeded destinations of the signed-in user, each with its status icon', async () => {
    await until('destinations', () => t.destinations('Lab').length > 0);
    const mine = (await asDemo().getDestinations()).map((d) => idKey(d.destinationId)).sort();
    const rows = t.destinations('Lab');
    assert.deepEqual(rows.map((r) => r.destinationId).sort(), mine);
    const expected: Record<string, string> = {
      connected: 'pass-filled',
      negotiating: 'sync',
      disconnected: 'debug-disconnect',
      error: 'error',
      stale: 'history',
    };
    for (const node of rows) {
      const item = api.tree.getTreeItem(node);
      const row = api.mirror.row('Lab', node.destinationId)!;
      const port = row.port === 8886 ? '' : `:${row.port}`;
      assert.equal(item.label, `${row.address}${port}`, 'the port only when it is not 8886');
      assert.equal((item.iconPath as vscode.ThemeIcon).id, expected[row.status]);
      assert.equal(item.command?.command, 'jetstream.openDetails');
      assert.ok(item.id && !item.id.includes('connected'), 'status never goes into an id');
    }
    const serverItem = api.tree.getTreeItem(t.serverNode('Lab'));
    assert.match(String(serverItem.description), /JetStream 2\.9\.2 · API 40 · \d+ destinations/);
  });

  it('creates a destination: on the server, and in the tree at once', async () => {
    const created = await api.createDestination('Lab', {
      destinationAddress: 'new-site.example.com',
      destinationPort: 9100,
      sendRateMax: 250_000,
      userData: { team: 'media' },
    });
    const onServer = await asDemo().getDestination(created.id);
    assert.equal(onServer.sendRateMax, 250_000);
    const node = t.destinations('Lab').find((n) => n.destinationId === created.key);
    assert.ok(node, 'the new destination is in the tree');
    assert.equal(api.tree.getTreeItem(node).label, 'new-site.example.com:9100');
  });

  it('adds, edits and deletes userData, keeping the keys it did not touch', async () => {
    const d = await asDemo().createDestination({ destinationAddress: 'ud.example.com', userData: { keep: 'me', edit: 'old' } });
    await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
    const key = idKey(d.destinationId);
    assert.equal((await api.setUserData('Lab', key, 'added', 'value with <b>markup</b>')).result, 'landed');
    assert.equal((await api.setUserData('Lab', key, 'edit', 'new')).result, 'landed');
    assert.equal((await api.deleteUserData('Lab', key, 'added')).result, 'landed');
    assert.deepEqual((await asDemo().getDestination(d.destinationId)).userData, { keep: 'me', edit: 'new' });
    const entries = t.children(api.tree.destinationNode('Lab', key)) as UserDataNode[];
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

  it('deletes a destination, and it leaves the tree', async () => {
    const d = await asDemo().createDestination({ destinationAddress: 'doomed.example.com' });
    await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
    const key = idKey(d.destinationId);
    const result = await api.deleteDestinations([{ server: 'Lab', key }]);
    assert.equal(result.deleted.length, 1);
    await assert.rejects(asDemo().getDestination(d.destinationId), /no such destination/);
    assert.ok(!t.destinations('Lab').some((n) => n.destinationId === key));
  });

  it('keeps what recreates a deleted destination as it was, and says what it cannot restore', async () => {
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
    assert.deepEqual(recreateParams(created).lost, [{ part: 'relay' }], 'a relay not resolved yet cannot be restored');
    await sim.world.handle('sim.tick', {}, ADMIN, false);
    await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
    const original = await asDemo().getDestination(created.destinationId);
    const key = idKey(created.destinationId);
    const result = await api.deleteDestinations([{ server: 'Lab', key }]);
    const plan = result.deleted[0]!.plan;
    assert.ok(!('unavailable' in plan), 'the engine kept what recreates it');
    assert.deepEqual(plan.lost, []);
    const again = await api.createDestination('Lab', plan.params);
    assert.notEqual(again.key, key);
    await sim.world.handle('sim.tick', {}, ADMIN, false);
    const restored = await asDemo().getDestination(again.id);
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
    t.rows('Lab');
    let events = 0;
    const sub = api.tree.onDidChangeTreeData((e) => (events += Array.isArray(e) ? e.length : 1));
    try {
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
      assert.equal(events, 0, 'unchanged snapshot');
      const victim = [...api.mirror.server('Lab')!.rows.values()][0]!;
      await asDemo().updateObjectUserData(victim.id, { touched: 'yes' });
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
    await api.signIn('Refused', { password: 'not-bobs' });
    const problem = (await until('problem row', () => t.rows('Refused').find((c) => c.kind === 'problem'))) as ProblemNode;
    const item = api.tree.getTreeItem(problem);
    assert.equal(item.label, 'Password refused: sign in to try again');
    assert.equal(item.description, "Server 'Refused' refused the password for user bob.");
    assert.equal(item.command?.command, 'jetstream.signIn');
    await api.signIn('Refused', { password: 'bob' });
    assert.ok(!t.rows('Refused').some((c) => c.kind === 'problem'), 'the right password clears it');
  });

  it('shows a dead server as unreachable, with when it is tried next, without disturbing the others', async () => {
    await setServers([
      { name: 'Lab', url: sim.url, user: 'demo' },
      { name: 'Dead', url: 'http://127.0.0.1:9' },
    ]);
    await vscode.commands.executeCommand('jetstream.refresh');
    const problem = t.rows('Dead').find((c) => c.kind === 'problem')!;
    const item = api.tree.getTreeItem(problem);
    // Polling is off in these tests: no next try to announce (the node suite sees the time when it is on).
    assert.equal(item.label, 'Server unreachable');
    assert.match(String(item.description), /Cannot reach server 'Dead' at http:\/\/127\.0\.0\.1:9: the connection was refused/);
    assert.equal(item.command?.command, 'jetstream.refresh');
    assert.ok(t.destinations('Lab').length > 0);
    await lab();
  });

  it("toggles a superuser's view to every owner's destinations", async () => {
    await setServers([{ name: 'Admin', url: sim.url, user: 'admin' }]);
    await api.signIn('Admin', { password: 'admin' });
    const owners = () => new Set([...(api.mirror.server('Admin')?.rows.values() ?? [])].map((d) => d.owner));
    assert.deepEqual([...owners()], ['admin']);
    await vscode.commands.executeCommand('jetstream.toggleSuperuser', { server: 'Admin' });
    await until('the superuser view', async () => {
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Admin' });
      return api.mirror.server('Admin')?.profile.superuser && owners().size >= 3;
    });
    assert.ok(owners().has('demo') && owners().has('bob'));
    await lab();
  });

  it('keeps the user’s own list when the server refuses the superuser view, and says so', async () => {
    await setServers([{ name: 'NotAdmin', url: sim.url, user: 'demo', superuser: true }]);
    await api.signIn('NotAdmin', { password: 'demo' });
    const rows = t.rows('NotAdmin');
    assert.ok(!rows.some((r) => r.kind === 'problem'), 'no problem row hides the list');
    const notice = rows.find((r) => r.kind === 'notice');
    assert.ok(notice && /refused the superuser view/.test(String(api.tree.getTreeItem(notice).label)));
    assert.ok(t.destinations('NotAdmin').length > 0);
    await lab();
  });

  it('opens one details panel per destination, titled with its address', async () => {
    const node = t.destinations('Lab')[0]!;
    const row = api.mirror.row('Lab', node.destinationId)!;
    await vscode.commands.executeCommand('jetstream.openDetails', node);
    await vscode.commands.executeCommand('jetstream.openDetails', node);
    const tabs = await until('the details tab', () => {
      const found = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((tab) => tab.label === row.label);
      return found.length ? found : undefined;
    });
    assert.equal(tabs.length, 1, 'opening again reveals the same panel');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
