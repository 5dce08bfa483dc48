/** A status bar item counting servers by health; a click focuses the Destinations view. */
import * as vscode from 'vscode';
import type { DestinationStore } from '../model/store';

export class ServerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('jetstream.servers', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: { dispose(): void }[];

  constructor(private readonly store: DestinationStore) {
    this.item.name = vscode.l10n.t('JetStream Servers');
    this.item.command = 'jetstream.destinations.focus';
    this.subscriptions = [store.onDidChange(() => this.update()), store.onDidChangeServers(() => this.update())];
    this.update();
  }

  update(): void {
    const servers = this.store.servers();
    if (!servers.length) {
      this.item.hide();
      return;
    }
    let connected = 0;
    let degraded = 0;
    let failing = 0;
    for (const s of servers) {
      if (s.phase === 'error') failing++;
      else if (s.phase === 'ok' && [...s.destinations.values()].some((d) => d.lastError)) degraded++;
      else if (s.phase === 'ok') connected++;
    }
    const parts = [`$(server) ${connected}`];
    if (degraded) parts.push(`$(warning) ${degraded}`);
    if (failing) parts.push(`$(error) ${failing}`);
    this.item.text = parts.join(' ');
    this.item.tooltip = vscode.l10n.t(
      'JetStream servers: {0} connected, {1} with destination errors, {2} failing. Click to show the Destinations view.',
      connected,
      degraded,
      failing,
    );
    this.item.backgroundColor = failing
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : degraded
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    this.item.show();
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }
}
