/**
 * The row the pointer rests on keeps its tooltip: VS Code closes a tooltip when its row repaints, so
 * while a row is held, repaints for its moving numbers wait until the pointer has been elsewhere for a
 * while (or HOVER_HOLD_MS pass).
 */

/** How long the row the pointer rests on keeps its tooltip while only its numbers move. */
export const HOVER_HOLD_MS = 15_000;

export class HoverHold<T> {
  private held: string | undefined;
  private readonly deferred = new Map<string, T>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `repaint` is called with the rows that waited, when the hold ends. */
  constructor(private readonly repaint: (rows: T[]) => void) {}

  /** The pointer rests on the row `id` (its tooltip was asked for). */
  hold(id: string): void {
    if (this.held !== id) this.flush();
    this.held = id;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.held = undefined;
      this.flush();
    }, HOVER_HOLD_MS);
  }

  /** Keeps a repaint of the held row for later; false for any other row, which repaints now. */
  defer(id: string, row: T): boolean {
    if (this.held !== id) return false;
    this.deferred.set(id, row);
    return true;
  }

  private flush(): void {
    if (!this.deferred.size) return;
    const rows = [...this.deferred.values()];
    this.deferred.clear();
    this.repaint(rows);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
