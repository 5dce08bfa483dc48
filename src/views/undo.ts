/**
 * Undo of the last delete (of destinations or a userData entry): offered in the notification, and
 * kept reachable in the status bar and the palette (JetStream: Undo) for a while after the toast has
 * gone, because a toast hides after a few seconds and a mistake is often seen later.
 */
import * as vscode from 'vscode';

export const UNDO_KEEP_MS = 5 * 60_000;

export class UndoLast implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('jetstream.undo', vscode.StatusBarAlignment.Left, 49);
  private pending: { what: string; run: () => Promise<void> } | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.item.name = vscode.l10n.t('JetStream Undo');
    this.item.command = 'jetstream.undo';
  }

  /** Offers to undo `what`; replaces an earlier offer. */
  offer(what: string, run: () => Promise<void>): void {
    this.pending = { what, run };
    this.item.text = `$(discard) ${vscode.l10n.t('Undo')}`;
    this.item.tooltip = vscode.l10n.t('Undo: {0}', what);
    this.item.accessibilityInformation = { label: this.item.tooltip };
    this.item.show();
    void vscode.commands.executeCommand('setContext', 'jetstream.canUndo', true);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.clear(), UNDO_KEEP_MS);
  }

  get offered(): string | undefined {
    return this.pending?.what;
  }

  async run(): Promise<void> {
    const p = this.pending;
    this.clear();
    if (p) await p.run();
  }

  private clear(): void {
    this.pending = undefined;
    clearTimeout(this.timer);
    this.item.hide();
    void vscode.commands.executeCommand('setContext', 'jetstream.canUndo', false);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.item.dispose();
  }
}
