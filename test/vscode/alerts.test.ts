/**
 * Alerts (issue 15) as a user meets them, in the real extension host against the simulator: with
 * `jetstream.alerts.onError` on, a destination that fails brings one warning with Open Details and
 * Show in Table, and the status bar counts it; several failing together come as one notification;
 * Show in Table opens the table, or reveals the row in the tree while there is no table; a deleted
 * destination's alert and a setting turned off clear the count; the log says each raised and cleared.
 *
 * Notifications and pickers are observed by wrapping `vscode.window`'s functions (this bundle shares
 * the extension's `vscode` object, see ux.test.ts), and the table's command through `vscode.commands`.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { JetStreamClient } from '../../src/api/client';
import { idKey } from '../../src/api/schemas';
import type { JetStreamApi } from '../../src/extension';
import { startSimulator, type Simulator } from '../../sim/server';
import { extensionApi, setServers, tree, until } from './support';

const ADMIN = { user: 'admin', password: 'admin' };
const TABLE = 'jetstream.openTable';

let sim: Simulator;
let api: JetStreamApi;
let t: ReturnType<typeof tree>;
let colleague: JetStreamClient;

interface Warning {
  message: string;
  items: string[];
}

/** Every warning the extension shows, answered by `answer` (undefined: the toast is left alone). */
const warnings: Warning[] = [];
let answer: (w: Warning) => string | undefined = () => undefined;
/** The picker's choice: the item whose label includes this text. */
let pickLabel = '';
/** The table's command as the extension ran it. */
const tableCalls: unknown[] = [];
const restore: (() => void)[] = [];

function wrap<T extends object>(
  target: T,
  name: string,
  fn: (original: (...a: unknown[]) => unknown) => (...a: unknown[]) => unknown,
): void {
  const o = target as Record<string, unknown>;
  const original = o[name] as (...a: unknown[]) => unknown;
  o[name] = fn(original.bind(target));
  restore.push(() => (o[name] = original));
}

/** Makes destinations on the server as a colleague would, and lets the simulator run them into their failure. */
async function failing(...addresses: string[]): Promise<string[]> {
  const keys: string[] = [];
  for (const destinationAddress of addresses) keys.push(idKey((await colleague.createDestination({ destinationAddress })).destinationId));
  await sim.world.handle('sim.tick', { count: 3 }, ADMIN, false);
  await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
  await until('the failures in the tree', () => keys.every((k) => api.mirror.row('Lab', k)?.status === 'error'));
  return keys;
}

/** What the alerts' status bar item shows, read afresh each time. */
const bar = () => api.alerts.statusBar;
const about = (text: string) => warnings.filter((w) => w.message.includes(text));

function logText(): string {
  const dir = path.dirname(api.logUri.fsPath);
  const files = (d: string): string[] =>
    readdirSync(d).flatMap((f) => (statSync(path.join(d, f)).isDirectory() ? files(path.join(d, f)) : [path.join(d, f)]));
  return files(dir)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

async function setAlerts(name: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('jetstream.alerts').update(name, value, vscode.ConfigurationTarget.Global);
}

describe('alerts, as a user meets them', function () {
  this.timeout(60_000);

  before(async () => {
    sim = await startSimulator({ port: 0, tickMs: 0, seed: 15, destinations: 0 });
    colleague = JetStreamClient.create({ transport: 'http', name: 'colleague', url: sim.url, user: 'demo', password: 'demo' });
    api = await extensionApi();
    t = tree(api);
    await vscode.commands.executeCommand('jetstream.destinations.focus');
    await vscode.workspace.getConfiguration('jetstream').update('autoRefresh', false, vscode.ConfigurationTarget.Global);
    await setServers([{ name: 'Lab', url: sim.url, user: 'demo' }]);
    await api.signIn('Lab', { password: 'demo' });
    await t.loaded('Lab');
    wrap(vscode.window, 'showWarningMessage', (original) => (message, ...rest) => {
      if (typeof message !== 'string' || rest.some((r) => typeof r === 'object')) return original(message, ...rest);
      const w = { message, items: rest as string[] };
      warnings.push(w);
      return Promise.resolve(answer(w));
    });
    wrap(vscode.window, 'showQuickPick', (original) => async (items, ...rest) => {
      const list = (await items) as { label: string }[];
      return pickLabel ? list.find((i) => i.label.includes(pickLabel)) : original(items, ...rest);
    });
    wrap(vscode.commands, 'executeCommand', (original) => (command, ...args) => {
      if (command !== TABLE) return original(command, ...args);
      tableCalls.push(args[0]);
      return Promise.resolve(undefined);
    });
  });

  after(async () => {
    restore.reverse().forEach((r) => r());
    for (const name of ['onError', 'disconnectedSeconds', 'queueAbove']) await setAlerts(name, undefined);
    await setServers([]);
    await sim.close();
  });

  it('a destination that fails, with alerts on error: one warning with Open Details and Show in Table, and the status bar counts it', async () => {
    assert.equal(bar(), undefined, 'no alert before');
    await setAlerts('onError', true);
    await failing('alert-one.invalid');
    const first = await until('the warning', () => about('alert-one.invalid')[0]);
    assert.match(first.message, /^alert-one\.invalid \(Lab\) is in error: Could not resolve host name 'alert-one\.invalid'/);
    assert.deepEqual(first.items, ['Open Details', 'Show in Table']);
    assert.deepEqual(bar(), { text: '$(bell) 1', label: 'JetStream: 1 active alert' });
    assert.doesNotMatch(bar()!.text, /\$\((error|warning)\)/, 'not the Problems counter');

    // Still in error at every snapshot: never told again.
    for (let i = 0; i < 3; i++) {
      await sim.world.handle('sim.tick', {}, ADMIN, false);
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
    }
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(about('alert-one.invalid').length, 1, 'one notification per destination and condition');
    await until('the log line', () => logText().includes('alert raised: Lab / alert-one.invalid'));
  });

  it('several failing together come as one notification; Show in Table opens the table, or the row in the tree without one', async () => {
    answer = (w) => (w.message.includes('JetStream alerts') ? 'Show in Table' : undefined);
    pickLabel = 'group-b.invalid';
    const keys = await failing('group-a.invalid', 'group-b.invalid', 'group-c.invalid');
    // The first alert's notification went out just before: these wait their turn, then come together.
    const group = await until('one notification for the three', () => about('group-a.invalid')[0], 20_000);
    assert.match(group.message, /^3 JetStream alerts: /);
    for (const a of ['group-b.invalid', 'group-c.invalid']) assert.ok(group.message.includes(a), `${a} named`);
    assert.deepEqual(group.items, ['Open Details', 'Show in Table']);
    assert.equal(warnings.filter((w) => /group-/.test(w.message)).length, 1, 'not one each');
    assert.equal(bar()?.text, '$(bell) 4');
    assert.equal(bar()?.label, 'JetStream: 4 active alerts');

    const b = keys[1]!;
    if ((await vscode.commands.getCommands(true)).includes(TABLE)) {
      await until('the table opened on the chosen destination', () => tableCalls.length > 0);
      assert.deepEqual(tableCalls[0], { server: 'Lab', destinationId: b });
    } else {
      await until('the chosen destination selected in the tree', () =>
        api.treeView.selection.some((n) => n.kind === 'destination' && n.destinationId === b),
      );
      assert.equal(tableCalls.length, 0);
    }
    answer = () => undefined;
    pickLabel = '';
  });

  it('a deleted destination’s alert clears, and turning the setting off clears the rest', async () => {
    const gone = t.destinations('Lab').find((n) => api.mirror.row('Lab', n.destinationId)?.address === 'group-c.invalid');
    assert.ok(gone);
    await colleague.deleteDestination(api.mirror.row('Lab', gone.destinationId)!.id);
    await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
    await until('three alerts left', () => bar()?.text === '$(bell) 3');
    await until('the log line', () => /alert cleared \(the destination is gone\): Lab \/ group-c\.invalid/.test(logText()));

    await setAlerts('onError', false);
    await until('no alert shown', () => bar() === undefined);
    assert.equal(api.alerts.active().length, 0);
  });
});
