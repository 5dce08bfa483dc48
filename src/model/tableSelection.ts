/** Which table rows are selected and which has the keyboard, as a list does it. */

export interface SelectMods {
  /** Shift: from the anchor to here. */
  range?: boolean;
  /** Ctrl or Cmd: adds to or takes from the selection instead of replacing it. */
  toggle?: boolean;
}

export type Move = 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end';

/**
 * Which rows are selected, as a list does it: a click selects one, Ctrl/Cmd-click toggles one,
 * Shift-click selects from the anchor; arrows move the focus (and the selection, or with Shift the
 * range; with Ctrl only the focus), Space toggles the focused row, Ctrl+A selects every row shown.
 */
export class TableSelection {
  readonly selected = new Set<number>();
  /** Where a range starts. */
  anchor: number | undefined;
  /** The row the keyboard is on. */
  focus: number | undefined;

  click(n: number, shown: readonly number[], mods: SelectMods = {}): void {
    if (mods.range && this.anchor !== undefined && shown.includes(this.anchor)) {
      if (!mods.toggle) this.selected.clear();
      for (const m of between(shown, this.anchor, n)) this.selected.add(m);
    } else if (mods.toggle) {
      if (this.selected.has(n)) this.selected.delete(n);
      else this.selected.add(n);
      this.anchor = n;
    } else {
      this.selected.clear();
      this.selected.add(n);
      this.anchor = n;
    }
    this.focus = n;
  }

  /** Moves the focus; `page` is how many rows a page holds. Returns the row focused. */
  move(move: Move, shown: readonly number[], mods: SelectMods = {}, page = 10): number | undefined {
    if (!shown.length) return undefined;
    const at = this.focus === undefined ? -1 : shown.indexOf(this.focus);
    const last = shown.length - 1;
    const to =
      move === 'home'
        ? 0
        : move === 'end'
          ? last
          : at < 0
            ? 0
            : Math.max(0, Math.min(last, at + (move === 'up' ? -1 : move === 'down' ? 1 : move === 'pageUp' ? -page : page)));
    const n = shown[to]!;
    if (mods.range) {
      if (this.anchor === undefined || !shown.includes(this.anchor)) this.anchor = this.focus ?? n;
      this.selected.clear();
      for (const m of between(shown, this.anchor, n)) this.selected.add(m);
      this.focus = n;
    } else if (mods.toggle) this.focus = n;
    else this.click(n, shown);
    return n;
  }

  /** Space: the focused row in or out of the selection. */
  toggleFocused(shown: readonly number[]): void {
    if (this.focus === undefined) {
      if (shown.length) this.click(shown[0]!, shown);
      return;
    }
    this.click(this.focus, shown, { toggle: true });
  }

  selectAll(shown: readonly number[]): void {
    for (const n of shown) this.selected.add(n);
    if (this.focus === undefined && shown.length) this.focus = shown[0];
  }

  clear(): void {
    this.selected.clear();
  }

  /** Only rows still shown stay selected (a filter hid the others, or they went). */
  prune(isShown: (n: number) => boolean): void {
    for (const n of this.selected) if (!isShown(n)) this.selected.delete(n);
    if (this.focus !== undefined && !isShown(this.focus)) this.focus = undefined;
    if (this.anchor !== undefined && !isShown(this.anchor)) this.anchor = undefined;
  }

  /** The selected rows in the order shown. */
  inOrder(shown: readonly number[]): number[] {
    if (!this.selected.size) return [];
    return shown.filter((n) => this.selected.has(n));
  }
}

function between(shown: readonly number[], a: number, b: number): number[] {
  const i = shown.indexOf(a);
  const j = shown.indexOf(b);
  if (i < 0 || j < 0) return [b];
  return shown.slice(Math.min(i, j), Math.max(i, j) + 1);
}
