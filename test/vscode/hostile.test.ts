/**
 * Faults and hostile input in the real extension host: hostile strings from a server reach the tree
 * as text, tooltips stay untrusted; an edit that fails leaves the server's true state; a destination
 * deleted elsewhere is not recreated; and no password or token leaks into settings, logs, argv or
 * error messages.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { idKey } from '../../src/api/schemas';
import { JetStreamClient } from '../../src/api/client';
import type { JetStreamApi } from '../../src/extension';
import type { DestinationNode, Node } from '../../src/views/tree';
import { startSimulator, type Simulator } from '../../sim/server';
import { HOSTILE_STRINGS } from '../fixtures/hostile';

const EXTENSION_ID = 'jetstream-destinations.jetstream-destinations';
let api: JetStreamApi;

async function setServers(servers: unknown[]): Promise<void> {
  await vscode.workspace.getConfiguration('jetstream').update('servers', servers, vscode.ConfigurationTarget.Global);
}

function rows(server: string): Node[] {
  const node = (api.tree.getChildren() as Node[]).find((n) => n.kind === 'server' && n.server === server);
  assert.ok(node, `server ${server}`);
  return api.tree.getChildren(node) as Node[];
}

/** A server that answers every command with what the test gives it, over a real socket. */
function fakeServer(answer: (command: string) => unknown): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const command = decodeURIComponent((req.url ?? '').replace(/^\/api\//, ''));
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: answer(command) })));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server })),
  );
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
    api = (await vscode.extensions.getExtension<JetStreamApi>(EXTENSION_ID)!.activate())!;
  });

  after(() => setServers([]));

  it('shows hostile server strings as plain text, with untrusted tooltips', async () => {
    const { url, server } = await fakeServer((command) =>
      command === 'getServerInfo'
        ? { apiVersion: 40, version: '<img src=x onerror=alert(1)>', authRequired: false }
        : HOSTILE_STRINGS.map((text, i) => hostileDestination(i, text)),
    );
    try {
      await setServers([{ name: 'Hostile', url }]);
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Hostile' });
      const destinations = rows('Hostile').filter((n): n is DestinationNode => n.kind === 'destination');
      assert.equal(destinations.length, HOSTILE_STRINGS.length);
      for (const node of destinations) {
        const i = Number(node.destinationId.slice('hostile-'.length));
        const text = HOSTILE_STRINGS[i]!;
        const item = api.tree.getTreeItem(node);
        const shown = text.length > 200 ? `${text.slice(0, 199)}…` : text;
        assert.equal(item.label, `${shown}:${8886 + i}`, 'the label is the very text, cut to what a row can show');
        const resolved = api.tree.resolveTreeItem(item, node);
        const tip = resolved.tooltip as vscode.MarkdownString;
        assert.equal(tip.isTrusted, false);
        assert.ok(!tip.supportHtml, 'HTML in a tooltip is shown as text, never rendered');
        assert.ok(!/\]\(command:/.test(tip.value), 'no live command link in the tooltip');
        const [entry] = api.tree.getChildren(node) as Node[];
        const entryItem = api.tree.getTreeItem(entry!);
        assert.equal(entryItem.description, text.length > 200 ? `${text.slice(0, 199)}…` : text);
      }
    } finally {
      server.close();
    }
  });

  describe('with a simulator', () => {
    let sim: Simulator;
    const demo = () => JetStreamClient.create({ transport: 'http', name: 'check', url: sim.url, user: 'demo', password: 'demo' });

    before(async () => {
      sim = await startSimulator({ port: 0, tickMs: 0, seed: 8, destinations: 6 });
      await setServers([{ name: 'Lab', url: sim.url, user: 'demo' }]);
      await vscode.commands.executeCommand('jetstream.signIn', { server: 'Lab' }, { password: 'demo' });
    });
    after(() => sim.close());

    it('keeps showing the true value when an edit fails', async () => {
      const d = await demo().createDestination({ destinationAddress: 'fails.example.com', userData: { note: 'true value' } });
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
      await sim.world.handle('sim.setFaults', { errorRate: 1 }, { user: 'admin', password: 'admin' }, false);
      try {
        await vscode.commands.executeCommand(
          'jetstream.editUserData',
          { kind: 'userData', server: 'Lab', destinationId: idKey(d.destinationId), key: 'note' },
          'lost?',
        );
      } finally {
        await sim.world.handle('sim.setFaults', { errorRate: 0 }, { user: 'admin', password: 'admin' }, false);
      }
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
      assert.deepEqual(api.store.destination('Lab', idKey(d.destinationId))?.userData, { note: 'true value' });
      assert.deepEqual((await demo().getDestination(d.destinationId)).userData, { note: 'true value' });
    });

    it('does not recreate a destination someone else deleted while its key was being edited', async () => {
      const d = await demo().createDestination({ destinationAddress: 'gone.example.com', userData: { note: 'x' } });
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
      await demo().deleteDestination(d.destinationId);
      await vscode.commands.executeCommand(
        'jetstream.editUserData',
        { kind: 'userData', server: 'Lab', destinationId: idKey(d.destinationId), key: 'note' },
        'y',
      );
      await vscode.commands.executeCommand('jetstream.refresh', { server: 'Lab' });
      assert.ok(!(await demo().getDestinations()).some((x) => x.destinationAddress === 'gone.example.com'), 'nothing recreated');
      assert.equal(api.store.destination('Lab', idKey(d.destinationId)), undefined, 'the tree no longer lists it');
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
    const sub = api.store.onDidChange((c) => {
      const e = api.store.server(c.server)?.error;
      if (e) errors.push(e.message, String(e.stack));
    });
    try {
      const port = Number(new URL(sim.url).port);
      await setServers([
        { name: 'Audit', url: sim.url, user: 'auditor' },
        { name: 'AuditToken', url: sim.url, user: 'auditor' },
        { name: 'AuditCli', transport: 'cli', host: '127.0.0.1', port, user: 'auditor', consolePath: recorder },
      ]);
      await vscode.commands.executeCommand('jetstream.signIn', { server: 'Audit' }, { password: wrong });
      await vscode.commands.executeCommand('jetstream.signIn', { server: 'Audit' }, { password });
      await vscode.commands.executeCommand('jetstream.signIn', { server: 'AuditToken' }, { token });
      await vscode.commands.executeCommand('jetstream.signIn', { server: 'AuditCli' }, { password: wrong });
      await vscode.commands.executeCommand('jetstream.signIn', { server: 'AuditCli' }, { password });
      for (const name of ['Audit', 'AuditToken', 'AuditCli'])
        assert.equal(api.store.server(name)?.phase, 'ok', `${name}: ${api.store.server(name)?.error?.message}`);
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

describe('input boxes refuse bad input before any request', () => {
  it('reads send rates with units and refuses anything else', async () => {
    const { parseRate } = await import('../../src/commands/destinations');
    assert.equal(parseRate('100 Mbit/s'), 100_000);
    assert.equal(parseRate('2.5G'), 2_500_000);
    assert.equal(parseRate('800'), 800);
    assert.equal(parseRate(''), undefined);
    for (const bad of ['fast', '-5', '0', '1e9', '100 Tbit/s', ...HOSTILE_STRINGS.filter(Boolean).slice(0, 10)]) {
      const r = parseRate(bad);
      assert.ok(typeof r === 'object' && 'error' in r, `refused: ${bad.slice(0, 30)}`);
    }
  });
});
