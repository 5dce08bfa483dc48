/**
 * Destinations files in the real extension host, against the simulator: export → plan shows nothing →
 * edit the file → plan shows exactly the edit → apply → the server matches → plan shows nothing; and
 * what the editor shows of a file (problems, live status, Plan | Apply).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { JetStreamClient } from '../../src/api/client';
import type { JetStreamApi } from '../../src/extension';
import type { DestinationsFile } from '../../src/model/destinationsFile';
import { startSimulator, type Simulator } from '../../sim/server';
import { extensionApi, setServers, until } from './support';

const ADMIN = { user: 'admin', password: 'admin' };
let api: JetStreamApi;
let sim: Simulator;
let demo: JetStreamClient;
const dir = mkdtempSync(path.join(tmpdir(), 'jetstream-files-'));

/** Opens a destinations file as a user would, typing `file` over what it held. */
async function open(name: string, file: unknown): Promise<vscode.TextDocument> {
  const at = path.join(dir, name);
  if (!vscode.workspace.textDocuments.some((d) => d.uri.fsPath === at)) writeFileSync(at, '{}\n');
  const doc = await vscode.workspace.openTextDocument(at);
  await vscode.window.showTextDocument(doc);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), `${JSON.stringify(file, null, 2)}\n`);
  await vscode.workspace.applyEdit(edit);
  await doc.save();
  return doc;
}

describe('destinations files', function () {
  this.timeout(60_000);

  before(async () => {
    sim = await startSimulator({ port: 0, tickMs: 0, seed: 17, destinations: 6 });
    await sim.world.handle('sim.tick', { count: 3 }, ADMIN, false);
    api = await extensionApi();
    await vscode.workspace.getConfiguration('jetstream').update('autoRefresh', false, vscode.ConfigurationTarget.Global);
    await setServers([{ name: 'Files', url: sim.url, user: 'demo' }]);
    await api.signIn('Files', { password: 'demo' });
    demo = JetStreamClient.create({ transport: 'http', name: 'x', url: sim.url, user: 'demo', password: 'demo' });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await demo.close();
    await setServers([]);
    await sim.close();
  });

  it('exports, plans nothing, plans exactly an edit, applies it, and then plans nothing again', async () => {
    const exported = await api.exportDestinations('Files');
    assert.equal(exported.file.destinations.length, (await demo.getDestinations()).length);
    let doc = await open('files.jetstream.json', exported.file);
    assert.deepEqual((await api.planFile(doc.uri))?.steps, [], 'an exported file plans to no change');

    const edited: DestinationsFile = structuredClone(exported.file);
    const first = edited.destinations[0]!;
    first.userData = { ...first.userData, ticket: 'OPS-1' };
    edited.destinations.push({ destinationAddress: 'from-the-file.example.com', sendRateMax: 40_000, userData: { owner: 'files' } });
    doc = await open('files.jetstream.json', edited);
    const plan = (await api.planFile(doc.uri))!;
    assert.deepEqual(
      plan.steps.map((s) => [s.kind, s.label]),
      [
        ['userData', `${first.destinationAddress}:${first.destinationPort ?? 8886}`],
        ['create', 'from-the-file.example.com:8886'],
      ],
    );

    const result = await api.applyPlan(plan);
    assert.equal(result.failed, undefined);
    assert.equal(result.done.length, 2);
    const now = await demo.getDestinations();
    const created = now.find((d) => d.destinationAddress === 'from-the-file.example.com');
    assert.equal(created?.sendRateMax, 40_000);
    assert.deepEqual(created?.userData, { owner: 'files' });
    assert.equal(now.find((d) => d.destinationAddress === first.destinationAddress)?.userData?.ticket, 'OPS-1');
    assert.deepEqual((await api.planFile(doc.uri))?.steps, [], 'applied: nothing left to do');
  });

  it('shows what the schema cannot see in the Problems panel, on the right line', async () => {
    const doc = await open('problems.jetstream.json', {
      server: 'Nowhere',
      destinations: [
        { destinationAddress: 'twice.example.com' },
        { destinationAddress: 'twice.example.com', destinationPort: 8886 },
        { destinationAddress: 'lanes.example.com', priorityLanes: { bulk: 0.5 }, transferDefaults: { priorityLane: 'fast' } },
      ],
    });
    const problems = await until('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.source === 'JetStream');
      return d.length ? d : undefined;
    });
    const messages = problems.map((p) => p.message).join('\n');
    assert.match(messages, /"fast" is not one of the destination's priority lanes/);
    const lane = problems.find((p) => /priority lanes/.test(p.message))!;
    assert.match(doc.lineAt(lane.range.start.line).text, /"priorityLane": "fast"/);

    const fixed = await open('problems.jetstream.json', {
      server: 'Nowhere',
      destinations: [{ destinationAddress: 'twice.example.com' }, { destinationAddress: 'twice.example.com', destinationPort: 8886 }],
    });
    const next = await until('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(fixed.uri).filter((x) => x.source === 'JetStream');
      return d.some((x) => /listed twice/.test(x.message)) ? d : undefined;
    });
    assert.ok(next.some((x) => /no server named 'Nowhere'/.test(x.message)));
    assert.match(fixed.lineAt(next.find((x) => /listed twice/.test(x.message))!.range.start.line).text, /twice\.example\.com/);
  });

  it('shows each entry’s state on the server and offers Plan and Apply above the destinations', async () => {
    const [known] = await demo.getDestinations();
    const doc = await open('status.jetstream.json', {
      server: 'Files',
      destinations: [
        { destinationAddress: known!.destinationAddress, destinationPort: known!.destinationPort },
        { destinationAddress: 'absent.example.com' },
      ],
    });
    const range = new vscode.Range(0, 0, doc.lineCount, 0);
    const hints = await until('inlay hints', async () => {
      const h = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, range);
      return h.length === 2 ? h : undefined;
    });
    const text = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
    assert.doesNotMatch(text[0]!, /not on the server/);
    assert.match(text[1]!, /not on the server/);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    assert.deepEqual(
      lenses.map((l) => l.command?.command),
      ['jetstream.planFile', 'jetstream.applyFile'],
    );
  });
});
