/**
 * Destinations files in the editor: what the JSON schema cannot see goes to the Problems panel (an
 * unknown server, the same destination twice, a lane default that is not one of its lanes), each entry
 * shows its destination's state on the server as an inlay hint (from the polling that feeds the tree),
 * and a CodeLens offers Plan and Apply above the destinations.
 */
import { findNodeAtLocation, getNodeValue, parseTree, type Node as JsonNode } from 'jsonc-parser';
import * as vscode from 'vscode';
import { issueText } from '../api/issues';
import { DestinationsFile, identity } from '../model/destinationsFile';
import type { DestinationMirror } from '../model/mirror';
import { describeRow, statusWord } from '../model/rowText';

export const DESTINATIONS_FILES: vscode.DocumentSelector = { language: 'json', pattern: '**/*.jetstream.json' };

export const isDestinationsFile = (doc: vscode.TextDocument) => vscode.languages.match(DESTINATIONS_FILES, doc) > 0;

/** A file read as the commands and the editor features see it. */
export interface ReadFile {
  tree: JsonNode | undefined;
  file?: DestinationsFile;
  /** Why it cannot be planned, where it can be pointed at; `bySchema` when the file's JSON schema says so too. */
  problems: { path: (string | number)[]; message: string; bySchema?: boolean }[];
}

export function readDestinationsFile(text: string): ReadFile {
  const tree = parseTree(text);
  if (!tree) return { tree, problems: [{ path: [], message: vscode.l10n.t('The file is not JSON.') }] };
  const parsed = DestinationsFile.safeParse(getNodeValue(tree));
  if (!parsed.success)
    return {
      tree,
      problems: parsed.error.issues.map((i) => ({
        path: i.path as (string | number)[],
        message: issueText(i).message,
        // Only a refinement (a lane default that is not one of its lanes) is beyond the JSON schema made from these.
        bySchema: i.code !== 'custom',
      })),
    };
  const problems: ReadFile['problems'] = [];
  const seen = new Set<string>();
  parsed.data.destinations.forEach((d, i) => {
    const key = identity(d);
    if (seen.has(key))
      problems.push({ path: ['destinations', i, 'destinationAddress'], message: vscode.l10n.t('{0} is listed twice.', key) });
    seen.add(key);
  });
  return { tree, file: parsed.data, problems };
}

function rangeOf(doc: vscode.TextDocument, tree: JsonNode | undefined, path: (string | number)[]): vscode.Range {
  // The deepest part of the path the file has: a missing property points at its object.
  for (let n = path.length; tree && n >= 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n));
    if (node) return new vscode.Range(doc.positionAt(node.offset), doc.positionAt(node.offset + node.length));
  }
  return new vscode.Range(0, 0, 0, 0);
}

export class DestinationsFileFeatures implements vscode.CodeLensProvider, vscode.InlayHintsProvider, vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('jetstream');
  private readonly hintsChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.hintsChanged.event;
  private readonly subscriptions: vscode.Disposable[];
  private hintTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly mirror: DestinationMirror) {
    this.subscriptions = [
      vscode.languages.registerCodeLensProvider(DESTINATIONS_FILES, this),
      vscode.languages.registerInlayHintsProvider(DESTINATIONS_FILES, this),
      vscode.workspace.onDidOpenTextDocument((d) => this.check(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.check(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.diagnostics.delete(d.uri)),
      mirror.onDidChangeServers(() => this.checkAll()),
      // Live status: hints follow the snapshots, at most once a second.
      mirror.onDidChange(() => {
        this.hintTimer ??= setTimeout(() => {
          this.hintTimer = undefined;
          this.hintsChanged.fire();
        }, 1000);
      }),
    ];
    this.checkAll();
  }

  private checkAll(): void {
    for (const d of vscode.workspace.textDocuments) this.check(d);
  }

  private check(doc: vscode.TextDocument): void {
    if (!isDestinationsFile(doc)) return;
    const read = readDestinationsFile(doc.getText());
    // What the JSON schema sees, VS Code's JSON support already shows at the key or value (the same mistake
    // twice in Problems otherwise, and an unknown field's squiggle under its whole entry): only the rest here.
    const problems = read.problems.filter((p) => !p.bySchema);
    if (read.file && !this.mirror.server(read.file.server)) {
      problems.push({ path: ['server'], message: vscode.l10n.t("There is no server named '{0}' in jetstream.servers.", read.file.server) });
    }
    this.diagnostics.set(
      doc.uri,
      problems.map((p) => {
        const d = new vscode.Diagnostic(rangeOf(doc, read.tree, p.path), p.message, vscode.DiagnosticSeverity.Error);
        d.source = 'JetStream';
        return d;
      }),
    );
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const read = readDestinationsFile(doc.getText());
    const at = read.tree && findNodeAtLocation(read.tree, ['destinations']);
    const range = at?.parent ? rangeOf(doc, read.tree, ['destinations']) : new vscode.Range(0, 0, 0, 0);
    const line = new vscode.Range(range.start.line, 0, range.start.line, 0);
    return [
      new vscode.CodeLens(line, { title: vscode.l10n.t('Plan'), command: 'jetstream.planFile', arguments: [doc.uri] }),
      new vscode.CodeLens(line, { title: vscode.l10n.t('Apply'), command: 'jetstream.applyFile', arguments: [doc.uri] }),
    ];
  }

  provideInlayHints(doc: vscode.TextDocument): vscode.InlayHint[] {
    const read = readDestinationsFile(doc.getText());
    if (!read.file || !read.tree) return [];
    const view = this.mirror.server(read.file.server);
    if (!view) return [];
    const rows = new Map([...view.rows.values()].map((r) => [identity({ destinationAddress: r.address, destinationPort: r.port }), r]));
    return read.file.destinations.flatMap((d, i) => {
      const node = findNodeAtLocation(read.tree!, ['destinations', i, 'destinationAddress']);
      if (!node) return [];
      const row = rows.get(identity(d));
      const text =
        view.summary.phase !== 'ok'
          ? vscode.l10n.t('server not connected')
          : row
            ? row.status === 'connected'
              ? `${statusWord(row.status, vscode.l10n)} · ${describeRow(row, vscode.l10n)}`
              : describeRow(row, vscode.l10n)
            : vscode.l10n.t('not on the server');
      const hint = new vscode.InlayHint(doc.positionAt(node.offset + node.length), `  ${text}`);
      hint.paddingLeft = true;
      return [hint];
    });
  }

  dispose(): void {
    clearTimeout(this.hintTimer);
    this.subscriptions.forEach((s) => s.dispose());
    this.diagnostics.dispose();
    this.hintsChanged.dispose();
  }
}
