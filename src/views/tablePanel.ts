/**
 * The destinations table: one webview panel listing every destination of every configured server.
 * The HTML is set once; after the page says it is ready it gets the remembered view, each server's
 * state and every row in parts, then per snapshot only the rows that came, changed or went (the
 * feed, model/tableFeed.ts), and only while the panel is visible: what changes while it is hidden is
 * sent at once when it shows again. The page filters and sorts by itself; its messages are checked
 * with zod, and it names rows by number, so it can act only on destinations it was shown.
 *
 * The panel keeps its page while hidden (retainContextWhenHidden): loading it again would mean
 * sending 100,000 rows at every tab switch. What the actions do is not this file's business: the
 * commands hand it their functions (views never import commands).
 */
import * as vscode from 'vscode';
import type { DestinationMirror } from '../model/mirror';
import { serverProblem } from '../model/rowText';
import { normalizeView } from '../model/tableView';
import { TableFeed } from '../model/tableFeed';
import {
  FromTable,
  HISTORY_POINTS,
  HISTORY_SPAN_MS,
  TABLE_VIEW_TYPE,
  type RateSeries,
  type ServerLine,
  type ToTable,
} from '../webview/tableProtocol';
import type { PanelTarget } from './detailsPanel';
import { tableHtml } from './tableHtml';

/** Where the columns, sort and filter of the table are remembered. */
export const TABLE_VIEW_KEY = 'jetstream.table.view';
/** Changes of several servers' snapshots this close together go in one message. */
const COALESCE_MS = 50;

export interface TableActions {
  open(target: PanelTarget): unknown;
  delete(targets: PanelTarget[]): Thenable<unknown> | Promise<unknown>;
  setUserData(targets: PanelTarget[]): Thenable<unknown> | Promise<unknown>;
  removeUserData(targets: PanelTarget[]): Thenable<unknown> | Promise<unknown>;
}

export class DestinationsTable implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelSubscriptions: vscode.Disposable[] = [];
  private readonly feed: TableFeed;
  private ready = false;
  private sending: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private reveal: PanelTarget | undefined;
  private serversSent = '';
  /** The rows whose sparklines the page asked for last, not answered yet; one request runs at a time. */
  private historyAsked: number[] | undefined;
  private historyRunning = false;
  private readonly visibleEmitter = new vscode.EventEmitter<boolean>();
  /** Whether the table is visible: someone is looking at live data. */
  readonly onDidChangeVisible = this.visibleEmitter.event;
  private wasVisible = false;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly mirror: DestinationMirror,
    private readonly extensionUri: vscode.Uri,
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
    private readonly actions: TableActions,
  ) {
    this.feed = new TableFeed(mirror);
    this.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(TABLE_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => this.adopt(panel),
      }),
      mirror.onDidChange((c) => {
        this.feed.note(c);
        if (c.serverChanged) this.sendServers();
        this.soon();
      }),
      mirror.onDidChangeServers(() => {
        this.feed.serversChanged();
        this.sendServers();
        this.soon();
      }),
    );
  }

  get visible(): boolean {
    return !!this.panel?.visible;
  }

  /** Opens the table (or brings it to the front); with a target, selects that destination's row and shows it. */
  show(target?: PanelTarget): void {
    this.reveal = target;
    if (this.panel) {
      this.panel.reveal();
      this.soon();
      return;
    }
    const panel = vscode.window.createWebviewPanel(TABLE_VIEW_TYPE, vscode.l10n.t('Destinations'), vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')],
    });
    this.adopt(panel);
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'jetstream.svg');
    panel.title = vscode.l10n.t('Destinations');
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist')] };
    const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', file)).toString();
    webview.html = tableHtml({
      cspSource: webview.cspSource,
      nonce: nonceValue(),
      scriptUri: asset('table.js'),
      styleUri: asset('table.css'),
      l10n: vscode.l10n.bundle,
      lang: vscode.env.language,
    });
    this.panelSubscriptions = [
      panel.onDidDispose(() => this.closed(panel)),
      webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      panel.onDidChangeViewState(() => {
        this.visibilityChanged();
        this.soon();
      }),
    ];
    this.visibilityChanged();
  }

  private closed(panel: vscode.WebviewPanel): void {
    if (this.panel !== panel) return;
    this.panelSubscriptions.forEach((d) => d.dispose());
    this.panelSubscriptions = [];
    this.panel = undefined;
    this.ready = false;
    // Nothing is kept for a page that is gone: the next one is sent everything.
    this.feed.reset();
    this.visibilityChanged();
  }

  private visibilityChanged(): void {
    if (this.visible === this.wasVisible) return;
    this.wasVisible = this.visible;
    this.visibleEmitter.fire(this.visible);
  }

  private post(message: ToTable): Thenable<boolean> {
    return this.panel?.webview.postMessage(message) ?? Promise.resolve(false);
  }

  /** Sends what changed, soon: changes of several servers arriving together go in one message. */
  private soon(): void {
    if (!this.ready || !this.visible || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, COALESCE_MS);
  }

  /** The feed's parts, one message after another (each awaited: the page takes them in turn). */
  private async flush(): Promise<void> {
    if (this.sending) {
      await this.sending;
      return this.flush();
    }
    this.sending = (async () => {
      for (const part of this.feed.take()) if (!(await this.post({ type: 'rows', ...part }))) break;
      const n = this.reveal && this.feed.id(this.reveal.server, this.reveal.key);
      if (n !== undefined && this.reveal) {
        this.reveal = undefined;
        await this.post({ type: 'reveal', n });
      }
    })();
    try {
      await this.sending;
    } finally {
      this.sending = undefined;
    }
  }

  /** Each server's state, when it differs from what the page has. */
  private sendServers(force = false): void {
    if (!this.ready) return;
    const servers: ServerLine[] = this.mirror.servers().map((v) => ({
      name: v.profile.name,
      phase: v.summary.phase,
      problem: v.error ? serverProblem(v.error, vscode.l10n).title : undefined,
    }));
    const text = JSON.stringify(servers);
    if (!force && text === this.serversSent) return;
    this.serversSent = text;
    void this.post({ type: 'servers', servers });
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = FromTable.safeParse(raw);
    if (!parsed.success) {
      this.log.warn('the destinations table sent an invalid message; ignored');
      return;
    }
    const m = parsed.data;
    const targets = (rows: number[]) => rows.map((n) => this.feed.target(n)).filter((t) => t !== undefined);
    switch (m.type) {
      case 'ready':
        // A new page (or one loaded again) has nothing: it gets the view, the servers and every row.
        this.ready = true;
        this.feed.reset();
        await this.post({ type: 'view', view: normalizeView(this.state.get(TABLE_VIEW_KEY)) });
        this.sendServers(true);
        await this.flush();
        return;
      case 'view':
        await this.state.update(TABLE_VIEW_KEY, m.view);
        return;
      case 'refresh':
        await this.mirror.request({ op: 'refresh', manual: true });
        return;
      case 'open': {
        const target = this.feed.target(m.n);
        if (target) await this.actions.open(target);
        return;
      }
      case 'delete':
        await this.actions.delete(targets(m.rows));
        return;
      case 'setUserData':
        await this.actions.setUserData(targets(m.rows));
        return;
      case 'removeUserData':
        await this.actions.removeUserData(targets(m.rows));
        return;
      case 'history':
        this.historyAsked = m.rows;
        if (!this.historyRunning) await this.answerHistory();
        return;
    }
  }

  /** The recent send rate of the rows the page shows, from the engine's plot history; only the latest request counts. */
  private async answerHistory(): Promise<void> {
    this.historyRunning = true;
    try {
      while (this.historyAsked) {
        const rows = this.historyAsked;
        this.historyAsked = undefined;
        if (!this.visible) continue;
        const known = rows.flatMap((n) => {
          const target = this.feed.target(n);
          return target ? [{ n, target }] : [];
        });
        if (!known.length) continue;
        let answer: ((number | null)[] | null)[];
        try {
          answer = await this.mirror.request({
            op: 'rateHistory',
            targets: known.map((k) => k.target),
            points: HISTORY_POINTS,
            spanMs: HISTORY_SPAN_MS,
          });
        } catch {
          continue; // the engine is restarting: the page asks again in a few seconds
        }
        const series: RateSeries[] = known.flatMap(({ n }, i) => {
          const rates = answer[i];
          return rates ? [{ n, rates }] : [];
        });
        await this.post({ type: 'history', spanMs: HISTORY_SPAN_MS, series });
      }
    } finally {
      this.historyRunning = false;
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.panel?.dispose();
    this.subscriptions.forEach((d) => d.dispose());
    this.visibleEmitter.dispose();
  }
}

function nonceValue(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}
