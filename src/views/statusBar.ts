/**
 * A status bar item counting servers by health; a click focuses the Destinations view. Its icons are
 * not the Problems counter's ($(error), $(warning)), so it is not read as the workspace's problems. It
 * says something urgent (a server failing) with the warning background, and is quiet otherwise.
 */
import * as vscode from 'vscode';
import type { DestinationMirror } from '../model/mirror';

export class ServerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('jetstream.servers', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: { dispose(): void }[];
  private shown = '';

  constructor(private readonly mirror: DestinationMirror) {
    this.item.name = vscode.l10n.t('JetStream Servers');
    this.item.command = 'jetstream.destinations.focus';
    this.subscriptions = [mirror.onDidChange(() => this.update()), mirror.onDidChangeServers(() => this.update())];
    this.update();
  }

  update(): void {
    const servers = this.mirror.servers();
    if (!servers.length) {
      this.item.hide();
      return;
    }
    let connected = 0;
    let failing = 0;
    let errors = 0;
    for (const s of servers) {
      if (s.summary.phase === 'error') failing++;
      else if (s.summary.phase === 'ok') connected++;
      errors += s.errors;
    }
    const text = [
      `$(broadcast) ${connected}/${servers.length}`,
      failing ? `$(debug-disconnect) ${failing}` : '',
      errors ? `$(circle-slash) ${errors}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    const key = `${text}|${connected}|${failing}|${errors}`;
    if (key === this.shown) return;
    this.shown = key;
    this.item.text = text;
    this.item.tooltip = [
      vscode.l10n.t('JetStream: {0} of {1} servers connected', connected, servers.length),
      failing ? vscode.l10n.t('{0} failing (see its row in the Destinations view)', failing) : '',
      errors ? vscode.l10n.t('{0} destinations in error', errors) : '',
      vscode.l10n.t('Click to show the Destinations view.'),
    ]
      .filter(Boolean)
      .join('\n');
    this.item.accessibilityInformation = { label: this.item.tooltip };
    // Only a failing server (unreachable, or its password refused) is urgent: none of its destinations
    // can be seen or changed until the user acts. A destination in error is the server's news, shown, not shouted.
    this.item.backgroundColor = failing ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.item.dispose();
  }
}
