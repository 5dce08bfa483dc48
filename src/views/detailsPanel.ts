/**
 * Details panels: one WebviewPanel per destination showing its whole structure, live. The HTML is set
 * once; after the page says it is ready it gets the destination's details, then one message per
 * snapshot while it is visible (the engine sends them only for watched panels). Messages from the page
 * are validated with zod; an edit goes through the one userData edit of the engine.
 *
 * A single click in the tree opens a preview panel, which the next single click replaces; a double
 * click, an edit in it, or opening it from a command keeps it.
 */
import * as vscode from 'vscode';
import type { Details } from '../model/details';
import type { DestinationMirror } from '../model/mirror';
import type { EditOutcome } from '../model/userDataEdit';
import { FromWebview, PanelState, type ProblemMessage, type SnapshotMessage, type ToWebview } from '../webview/protocol';
import { detailsHtml } from './detailsHtml';
import { describeOutcome } from './editWords';

export const DETAILS_VIEW_TYPE = 'jetstream.destinationDetails';
/** Two opens of the same row this close together are a double click: the preview is kept. */
const DOUBLE_CLICK_MS = 500;

export interface PanelTarget {
  server: string;
  key: string;
}

export class DetailsPanels implements vscode.Disposable {
  private readonly panels = new Set<DetailsPanel>();
  private lastOpen: { target: string; at: number } | undefined;
  private readonly activeEmitter = new vscode.EventEmitter<PanelTarget>();
  /** The panel the user is looking at changed: the tree follows it. */
  readonly onDidBecomeActive = this.activeEmitter.event;
  private readonly visibleEmitter = new vscode.EventEmitter<boolean>();
  /** Whether any panel is visible: someone is looking at live data. */
  readonly onDidChangeVisible = this.visibleEmitter.event;
  private readonly serializer: vscode.Disposable;

  constructor(
    private readonly mirror: DestinationMirror,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.serializer = vscode.window.registerWebviewPanelSerializer(DETAILS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        const parsed = PanelState.safeParse(state);
        if (!parsed.success) {
          panel.dispose();
          return;
        }
        this.adopt(panel, { server: parsed.data.server, key: parsed.data.destinationId }, false);
      },
    });
  }

  /** Opens (or reveals) a destination's panel; `preview` for a single click in the tree. */
  open(target: PanelTarget, { preview }: { preview: boolean }): void {
    const id = JSON.stringify([target.server, target.key]);
    const now = Date.now();
    const twice = this.lastOpen?.target === id && now - this.lastOpen.at < DOUBLE_CLICK_MS;
    this.lastOpen = { target: id, at: now };
    const existing = [...this.panels].find((p) => p.is(target));
    if (existing) {
      if (!preview || twice) existing.keep();
      existing.reveal(preview && !twice);
      return;
    }
    const previewPanel = preview ? [...this.panels].find((p) => p.preview) : undefined;
    if (previewPanel) {
      previewPanel.show(target);
      previewPanel.reveal(true);
      return;
    }
    // A single click keeps the keyboard in the tree, as the file explorer's preview does: arrows go on moving there.
    const show = { viewColumn: vscode.ViewColumn.Active, preserveFocus: preview };
    const panel = vscode.window.createWebviewPanel(DETAILS_VIEW_TYPE, this.titleOf(target), show, {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')],
    });
    this.adopt(panel, target, preview);
  }

  /** A destination recreated by Undo has a new id: its panel follows it. */
  follow(from: PanelTarget, to: PanelTarget): void {
    for (const p of this.panels) if (p.is(from)) p.show(to);
  }

  get anyVisible(): boolean {
    return [...this.panels].some((p) => p.visible);
  }

  /** The destination of the panel in front, for commands run from the palette. */
  get active(): PanelTarget | undefined {
    return [...this.panels].find((p) => p.active)?.target;
  }

  titleOf(target: PanelTarget): string {
    const label = this.mirror.row(target.server, target.key)?.label ?? target.key;
    // With several servers the tab says which one.
    return this.mirror.servers().length > 1 ? `${label} · ${target.server}` : label;
  }

  private adopt(panel: vscode.WebviewPanel, target: PanelTarget, preview: boolean): void {
    const p = new DetailsPanel(panel, target, preview, this, this.mirror, this.extensionUri, this.log);
    this.panels.add(p);
    this.changed();
  }

  /** Called by a panel when it shows, hides, comes to the front, or closes. */
  changed(closed?: DetailsPanel): void {
    if (closed) this.panels.delete(closed);
    const visible = [...this.panels].filter((p) => p.visible);
    this.mirror.watch(visible.map((p) => ({ server: p.target.server, key: p.target.key })));
    this.visibleEmitter.fire(visible.length > 0);
    const front = [...this.panels].find((p) => p.active);
    if (front) this.activeEmitter.fire(front.target);
  }

  dispose(): void {
    for (const p of [...this.panels]) p.dispose();
    this.serializer.dispose();
    this.activeEmitter.dispose();
    this.visibleEmitter.dispose();
  }
}

class DetailsPanel {
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    public target: PanelTarget,
    public preview: boolean,
    private readonly owner: DetailsPanels,
    private readonly mirror: DestinationMirror,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')] };
    this.load();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      panel.onDidChangeViewState(() => this.owner.changed()),
      mirror.onDidReceiveDetails((d) => {
        if (this.ready && this.panel.visible && d.server === this.target.server && d.key === this.target.key)
          void this.send(messageOf(d.details));
      }),
    );
  }

  is(t: PanelTarget): boolean {
    return t.server === this.target.server && t.key === this.target.key;
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  get active(): boolean {
    return this.panel.active;
  }

  reveal(preserveFocus = false): void {
    this.panel.reveal(undefined, preserveFocus);
  }

  /** The preview becomes a panel of its own: the next single click opens another. */
  keep(): void {
    this.preview = false;
  }

  /** Shows another destination in this panel (a preview replaced, a destination recreated). */
  show(target: PanelTarget): void {
    this.target = target;
    this.load();
    this.owner.changed();
  }

  private load(): void {
    // A restored panel keeps the title VS Code saved until the server has answered.
    const known = this.mirror.row(this.target.server, this.target.key);
    if (known || !this.panel.title) this.panel.title = this.owner.titleOf(this.target);
    this.ready = false;
    const webview = this.panel.webview;
    const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', file)).toString();
    webview.html = detailsHtml({
      cspSource: webview.cspSource,
      nonce: nonceValue(),
      scriptUri: asset('webview.js'),
      styleUri: asset('webview.css'),
      state: { server: this.target.server, destinationId: this.target.key },
      l10n: vscode.l10n.bundle,
      lang: vscode.env.language,
    });
  }

  private send(message: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  /** The destination's details now: when the page is ready, and when it shows again. */
  private async post(): Promise<void> {
    try {
      const details = await this.mirror.request({ op: 'details', server: this.target.server, key: this.target.key });
      if (details) await this.send(messageOf(details));
      const known = this.mirror.row(this.target.server, this.target.key);
      if (known) this.panel.title = this.owner.titleOf(this.target);
    } catch (e) {
      await this.send({ type: 'problem', text: e instanceof Error ? e.message : String(e) });
    }
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = FromWebview.safeParse(raw);
    if (!parsed.success) {
      this.log.warn('a details panel sent an invalid message; ignored');
      return;
    }
    const m = parsed.data;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        await this.post();
        return;
      case 'refresh':
        await this.mirror.request({ op: 'refresh', server: this.target.server, manual: true });
        await this.post();
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied'), 2000);
        return;
      case 'setUserData':
      case 'deleteUserData': {
        this.keep();
        const { server, key } = this.target;
        // A delete goes through the tree's command, for the same Undo; the page shows a failure itself.
        const viaCommand =
          m.type === 'deleteUserData'
            ? await vscode.commands.executeCommand<EditOutcome | undefined>('jetstream.deleteUserData', {
                server,
                destinationId: key,
                key: m.key,
                from: 'panel',
              })
            : undefined;
        const outcome = viaCommand ?? (await this.edit(m));
        const words = describeOutcome(outcome, m.key);
        if (!viaCommand)
          this.log[outcome.result === 'landed' ? 'info' : 'warn'](`details panel, destination ${key} on '${server}': ${words.log}`);
        await this.send({
          type: 'userDataResult',
          requestId: m.requestId,
          key: m.key,
          ok: outcome.result === 'landed',
          error: words.shown,
        });
        await this.post();
        return;
      }
    }
  }

  /** The one userData edit, for a set, or a delete of an entry the tree does not know (yet). */
  private edit(m: Extract<FromWebview, { type: 'setUserData' | 'deleteUserData' }>): Promise<EditOutcome> {
    return this.mirror.editUserData(
      this.target.server,
      this.target.key,
      m.type === 'setUserData' ? { set: { [m.key]: m.value } } : { remove: [m.key] },
    );
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
    this.disposables.length = 0;
    this.panel.dispose();
    this.owner.changed(this);
  }
}

/** The page's message for what the model knows of the destination. */
function messageOf(details: Details): SnapshotMessage | ProblemMessage {
  return 'unavailable' in details ? { type: 'problem', text: details.unavailable } : { type: 'snapshot', ...details };
}

function nonceValue(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}
