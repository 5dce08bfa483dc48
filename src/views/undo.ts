/**
 * Undo of the last delete (of destinations or a userData entry): offered in the notification, and
 * kept reachable in the status bar and the palette (JetStream: Undo) for a while after the toast has
 * gone, because a toast hides after a few seconds and a mistake is often seen later.
 */
import * as vscode from 'vscode';

export const UNDO_KEEP_MS = 5 * 60_000;

/** One offer to undo; run at most once, from its toast or from the status bar and palette while it is the last. */
export interface UndoOffer {
  readonly what: string;
  readonly run: () => Promise<void>;
  done?: boolean;
}

export class UndoLast implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('jetstream.undo', vscode.StatusBarAlignment.Left, 49);
  private pending: UndoOffer | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.item.name = vscode.l10n.t('JetStream Undo');
    this.item.command = 'jetstream.undo';
  }

  /** Offers to undo `what`; replaces an earlier offer in the status bar and palette (its toast keeps its own). */
  offer(what: string, run: () => Promise<void>): UndoOffer {
    const offer: UndoOffer = { what, run };
    this.pending = offer;
    this.item.text = `$(discard) ${vscode.l10n.t('Undo')}`;
    this.item.tooltip = vscode.l10n.t('Undo: {0}', what);
    this.item.accessibilityInformation = { label: this.item.tooltip };
    this.item.show();
    void vscode.commands.executeCommand('setContext', 'jetstream.canUndo', true);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.clear(), UNDO_KEEP_MS);
    return offer;
  }

  get offered(): string | undefined {
    return this.pending?.what;
  }

  /** Undoes `offer` (a toast's own) or else the last one offered; a toast of an earlier delete never undoes a later one. */
  async run(offer = this.pending): Promise<void> {
    if (!offer || offer.done) return;
    offer.done = true;
    if (offer === this.pending) this.clear();
    await offer.run();
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
