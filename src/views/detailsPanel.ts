/**
 * Details panels: one WebviewPanel per destination showing its whole structure, live. The HTML is set
 * once; after the page says it is ready, the latest snapshot is posted at the snapshot rate while the
 * panel is visible, and caught up when it shows again. Messages both ways are validated with zod.
 */
import * as vscode from 'vscode';
import { JetStreamError } from '../api/errors';
import { pickDestination, type Services, type Target } from '../commands/services';
import { DetailsSource } from '../model/details';
import { destinationLabel } from '../model/rows';
import { FromWebview, PanelState, type ToWebview } from '../webview/protocol';
import { detailsHtml } from './detailsHtml';

const VIEW_TYPE = 'jetstream.destinationDetails';

/** Opens and restores details panels; `anyVisible` tells polling that someone is looking at live data. */
export function registerDetailsPanels(s: Services): { disposables: vscode.Disposable[]; anyVisible(): boolean } {
  const panels = new Map<string, DetailsPanel>();
  const open = (server: string, destinationId: string, existing?: vscode.WebviewPanel) => {
    const key = JSON.stringify([server, destinationId]);
    const panel = panels.get(key);
    if (panel && !existing) {
      panel.reveal();
      return panel;
    }
    const created: DetailsPanel = new DetailsPanel(s, server, destinationId, existing, () => {
      if (panels.get(key) === created) panels.delete(key);
      s.updatePolling();
    });
    panels.set(key, created);
    return created;
  };
  const disposables = [
    vscode.commands.registerCommand('jetstream.openDetails', async (target?: Target) => {
      const picked = await pickDestination(s, target);
      if (picked) open(picked.server, picked.destinationId);
    }),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const parsed = PanelState.safeParse(state);
        if (parsed.success) open(parsed.data.server, parsed.data.destinationId, panel);
        else panel.dispose();
      },
    }),
    { dispose: () => [...panels.values()].forEach((p) => p.dispose()) },
  ];
  return { disposables, anyVisible: () => [...panels.values()].some((p) => p.visible) };
}

class DetailsPanel {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  /** A snapshot arrived while hidden: send it when the panel shows again. */
  private behind = false;
  private readonly source: DetailsSource;

  constructor(
    private readonly s: Services,
    private readonly server: string,
    private readonly destinationId: string,
    existing: vscode.WebviewPanel | undefined,
    private readonly onDispose: () => void,
  ) {
    this.source = new DetailsSource(s.store, server, destinationId, {
      notConfigured: vscode.l10n.t("Server '{0}' is no longer configured.", server),
      gone: vscode.l10n.t("This destination no longer exists on server '{0}'.", server),
    });
    const d = s.store.destination(server, destinationId);
    const title = d ? destinationLabel(d, s.store.server(server)?.redact) : destinationId;
    const roots = [vscode.Uri.joinPath(s.context.extensionUri, 'dist'), vscode.Uri.joinPath(s.context.extensionUri, 'media')];
    this.panel =
      existing ??
      vscode.window.createWebviewPanel(VIEW_TYPE, title, vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: roots,
        enableFindWidget: true,
      });
    this.panel.webview.options = { enableScripts: true, localResourceRoots: roots };
    this.panel.title = title;
    this.panel.webview.html = this.html();
    this.disposables.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      this.panel.onDidChangeViewState(() => {
        if (this.panel.visible && this.behind) this.post();
        s.updatePolling();
      }),
      { dispose: s.store.onDidChange((c) => c.server === server && this.update()).dispose },
      { dispose: s.store.onDidChangeServers(() => this.update()).dispose },
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  private update(): void {
    if (!this.ready) return;
    if (this.panel.visible) this.post();
    else this.behind = true;
  }

  private post(): void {
    const message = this.source.message();
    this.behind = false;
    if (message) void this.send(message);
  }

  private send(message: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = FromWebview.safeParse(raw);
    if (!parsed.success) {
      this.s.log.warn(`details panel sent an invalid message; ignored`);
      return;
    }
    const m = parsed.data;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.post();
        return;
      case 'refresh':
        await this.s.scheduler.refreshNow(this.server);
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied'), 2000);
        return;
      case 'setUserData':
      case 'deleteUserData': {
        const result = await this.changeUserData(m.type === 'setUserData' ? m.value : undefined, m.key);
        await this.send({ type: 'userDataResult', requestId: m.requestId, key: m.key, ...result });
        this.post();
        return;
      }
    }
  }

  /** Sends one key; the answer goes next to the row in the panel, never as a silent loss. */
  private async changeUserData(value: string | undefined, key: string): Promise<{ ok: boolean; error?: string }> {
    try {
      const client = await this.s.store.client(this.server);
      const id = this.s.store.destination(this.server, this.destinationId)?.destinationId ?? this.destinationId;
      const userData =
        value === undefined ? await client.deleteObjectUserData(id, [key]) : await client.updateObjectUserData(id, { [key]: value });
      this.s.store.acceptUserData(this.server, this.destinationId, userData);
      this.s.log.info(
        `userData '${key}' ${value === undefined ? 'deleted' : 'set'} on destination ${this.destinationId} from the details panel`,
      );
      return { ok: true };
    } catch (e) {
      const error = e instanceof JetStreamError || e instanceof Error ? e.message : String(e);
      this.s.log.error(`userData '${key}' on destination ${this.destinationId}: ${error}`);
      if (e instanceof JetStreamError && e.code === 'NotFound') void this.s.scheduler.refreshNow(this.server);
      return { ok: false, error };
    }
  }

  private html(): string {
    const webview = this.panel.webview;
    const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.s.context.extensionUri, 'dist', file)).toString();
    return detailsHtml({
      cspSource: webview.cspSource,
      nonce: nonceValue(),
      scriptUri: asset('webview.js'),
      styleUri: asset('webview.css'),
      state: { server: this.server, destinationId: this.destinationId },
    });
  }

  dispose(): void {
    this.onDispose();
    this.disposables.forEach((d) => d.dispose());
    this.panel.dispose();
  }
}

function nonceValue(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}
