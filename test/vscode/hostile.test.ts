/**
 * Faults and hostile input in the real extension host: hostile strings from a server reach the tree
 * as text, tooltips stay untrusted; an edit that fails leaves the server's true state; a destination
 * deleted elsewhere is not recreated; and no password or token leaks into settings, logs, argv or
 * error messages.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { idKey } from '../../src/api/schemas';
import { JetStreamClient } from '../../src/api/client';
import type { JetStreamApi } from '../../src/extension';
import type { DestinationNode, Node } from '../../src/views/tree';
import { startSimulator, type Simulator } from '../../sim/server';
import { HOSTILE_STRINGS } from '../fixtures/hostile';
import { startCannedServer } from '../support/cannedServer';
import { extensionApi, setServers, tree, until } from './support';

let api: JetStreamApi;

function rows(server: string): Node[] {
  return tree(api).rows(server);
}

function hostileDestination(i: number, text: string) {
  return {
    connectionId: text,
    destinationAddress: text,
    destinationId: `hostile-${i}`,
    destinationIP: text,
    destinationPort: 8886 + i,
    destinationPublicKey: text,
    encryptedConnectionState: 'connected',
    encryptionEnabled: true,
    lastDestinationServerId: text,
    lastDestinationServerUid: text,
    lastError: i % 2 ? text || 'e' : null,
    lastErrorMessage: text,
    lastRecvTime: null,
    lastSendTime: null,
    numTransfersQueued: 0,
    owner: text,
    ownerToken: text,
    ownerTokenSession: text,
    permittedDestinationPublicKey: text,
    priorityLanes: {},
    relayIP: text,
    relayPort: 1,
    roundTripTimeMs: 1,
    senderIP: text,
    senderPort: 1,
    sendRateAverage: 1,
    sendRateMax: 2,
    snapshotTime: 1_790_000_000_000_000,
    socketRecvBufferSize: 1,
    socketSendBufferSize: 1,
    transferDefaults: {
      checkpointFrequencySeconds: 1,
      overwriteMode: 0,
      priority: 0,
      priorityLane: null,
      sendRateMax: 0,
      transferFlags: 0,
    },
    userData: { [text.slice(0, 256) || 'empty']: text },
  };
}

describe('hostile input, failed edits and secrets', function () {
  this.timeout(60_000);

  before(async () => {
    api = await extensionApi();
  });

  after(() => setServers([]));

  it('shows hostile server strings as plain text, with untrusted tooltips', async () => {
    const server = await startCannedServer((command) =>
      command === 'getServerInfo'
        ? { result: { apiVersion: 40, version: '<img src=x onerror=alert(1)>', authRequired: false } }
        : { result: HOSTILE_STRINGS.map((text, i) => hostileDestination(i, text)) },
    );
    try {
      await setServers([{ name: 'Hostile', url: server.url }]);
      await until('the hostile server', () => api.mirror.server('Hostile'));
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Hostile' });
      const destinations = rows('Hostile').filter((n): n is DestinationNode => n.kind === 'destination');
      assert.equal(destinations.length, HOSTILE_STRINGS.length);
      for (const node of destinations) {
        const i = Number(node.destinationId.slice('hostile-'.length));
        const text = HOSTILE_STRINGS[i]!;
        const item = api.tree.getTreeItem(node);
        const shown = text.length > 200 ? `${text.slice(0, 199)}…` : text;
        assert.equal(item.label, i === 0 ? shown : `${shown}:${8886 + i}`, 'the label is the very text, cut to what a row can show');
        const resolved = await api.tree.resolveTreeItem(item, node);
        const tip = resolved.tooltip as vscode.MarkdownString;
        assert.equal(tip.isTrusted, false);
        assert.ok(!tip.supportHtml, 'HTML in a tooltip is shown as text, never rendered');
        assert.ok(!/\]\(command:/.test(tip.value), 'no live command link in the tooltip');
        const [entry] = api.tree.getChildren(node) as Node[];
        const entryItem = api.tree.getTreeItem(entry!);
        assert.equal(entryItem.description, text.length > 200 ? `${text.slice(0, 199)}…` : text);
      }
    } finally {
      await server.close();
    }
  });

  describe('with a simulator', () => {
    let sim: Simulator;
    const demo = () => JetStreamClient.create({ transport: 'http', name: 'check', url: sim.url, user: 'demo', password: 'demo' });
    const faults = (f: Record<string, unknown>) => sim.world.handle('sim.setFaults', f, { user: 'admin', password: 'admin' }, false);

    before(async () => {
      sim = await startSimulator({ port: 0, tickMs: 0, seed: 8, destinations: 6 });
      await setServers([{ name: 'Lab', url: sim.url, user: 'demo' }]);
      await api.signIn('Lab', { password: 'demo' });
    });
    after(() => sim.close());

    it('says an edit did not land when the server refused it, and shows the true value without a refresh', async () => {
      const d = await demo().createDestination({ destinationAddress: 'fails.example.com', userData: { note: 'true value' } });
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
      // A 500 before the write runs, for the write alone: the read that checks it still works.
      await faults({ errorRate: 1, only: ['send.updateObjectUserData'] });
      let outcome;
      try {
        outcome = await api.setUserData('Lab', idKey(d.destinationId), 'note', 'lost?');
      } finally {
        await faults({ errorRate: 0, only: [] });
      }
      assert.equal(outcome.result, 'rejected');
      assert.deepEqual(api.mirror.row('Lab', idKey(d.destinationId))?.userData, [['note', 'true value', true]], 'the true value, at once');
      assert.deepEqual((await demo().getDestination(d.destinationId)).userData, { note: 'true value' });
    });

    it('says an edit landed when only its answer was lost, and shows the new value', async () => {
      const d = await demo().createDestination({ destinationAddress: 'answer-lost.example.com', userData: { note: 'before' } });
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
      // The write runs, then the connection drops halfway through its answer.
      await faults({ resetRate: 1, only: ['send.updateObjectUserData'] });
      let outcome;
      try {
        outcome = await api.setUserData('Lab', idKey(d.destinationId), 'note', 'after');
      } finally {
        await faults({ resetRate: 0, only: [] });
      }
      assert.equal(outcome.result, 'landed', 'checked against the server before the user is told');
      assert.deepEqual(api.mirror.row('Lab', idKey(d.destinationId))?.userData, [['note', 'after', true]]);
    });

    it('does not recreate a destination someone else deleted while its key was being edited', async () => {
      const d = await demo().createDestination({ destinationAddress: 'gone.example.com', userData: { note: 'x' } });
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
      await demo().deleteDestination(d.destinationId);
      const outcome = await api.setUserData('Lab', idKey(d.destinationId), 'note', 'y');
      assert.equal(outcome.result, 'rejected');
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
      assert.ok(!(await demo().getDestinations()).some((x) => x.destinationAddress === 'gone.example.com'), 'nothing recreated');
      assert.equal(api.mirror.row('Lab', idKey(d.destinationId)), undefined, 'the tree no longer lists it');
    });
  });

  it('leaks no password or token into settings, logs, console arguments or error messages', async () => {
    const password = 'Pw-audit-7d41c9e2';
    const wrong = 'Wrong-pw-3f8a55b1';
    const token = 'tok-secret-9c2e4a7781';
    const sim = await startSimulator({
      port: 0,
      tickMs: 0,
      seed: 9,
      destinations: 3,
      users: { users: [{ name: 'auditor', password }], tokens: [{ token, user: 'auditor' }] },
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-'));
    const argvLog = path.join(dir, 'argv.log');
    const recorder = path.join(dir, 'jetstream');
    const shim = path.resolve(__dirname, '../../../bin/jetstream');
    writeFileSync(recorder, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec '${shim}' "$@"\n`);
    chmodSync(recorder, 0o755);
    const errors: string[] = [];
    const sub = api.mirror.onDidChange((c) => {
      const e = api.mirror.server(c.server)?.error;
      if (e) errors.push(e.message, String(e.stack));
    });
    try {
      const port = Number(new URL(sim.url).port);
      await setServers([
        { name: 'Audit', url: sim.url, user: 'auditor' },
        { name: 'AuditToken', url: sim.url, user: 'auditor' },
        { name: 'AuditCli', transport: 'cli', host: '127.0.0.1', port, user: 'auditor', consolePath: recorder },
      ]);
      for (const name of ['Audit', 'AuditToken', 'AuditCli']) await until(`${name} in the tree`, () => api.mirror.server(name));
      await api.signIn('Audit', { password: wrong });
      await api.signIn('Audit', { password });
      await api.signIn('AuditToken', { token });
      await api.signIn('AuditCli', { password: wrong });
      await api.signIn('AuditCli', { password });
      for (const name of ['Audit', 'AuditToken', 'AuditCli'])
        assert.equal(api.mirror.server(name)?.summary.phase, 'ok', `${name}: ${api.mirror.server(name)?.error?.message}`);
      assert.ok(
        errors.some((m) => m.includes('refused the password for user auditor')),
        'the audit saw the refused password',
      );

      const settings = JSON.stringify(vscode.workspace.getConfiguration('jetstream'));
      const argv = readFileSync(argvLog, 'utf8');
      assert.match(argv, /--user auditor/);
      const logs = filesUnder(path.dirname(api.logUri.fsPath)).map((f) => readFileSync(f, 'utf8'));
      assert.ok(
        logs.some((l) => l.includes('refused the password')),
        'the JetStream log recorded the failure',
      );
      for (const secret of [password, wrong, token, Buffer.from(`auditor:${password}`).toString('base64')]) {
        for (const [where, text] of [
          ['settings', settings],
          ['console arguments', argv],
          ['logs', logs.join('\n')],
          ['error messages', errors.join('\n')],
        ] as const) {
          assert.ok(!text.includes(secret), `${where} contain a secret`);
        }
      }
    } finally {
      sub.dispose();
      await setServers([]);
      await sim.close();
    }
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}
