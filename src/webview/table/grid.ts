/**
 * The virtual grid: a scroll container as tall as every row shown, and only the rows in view (plus a
 * few either side) in the DOM. Row elements are a pool: the element of row i is pool[i mod size], so a
 * scroll by one row repaints one element, and a row whose data did not change is not touched.
 * Keyboard and pointer events go to the owner, which keeps the selection.
 */
import type { ColumnId, TableRow } from '../../model/table';
import type { SelectMods } from '../../model/tableSelection';
import type { TableSort } from '../../model/tableSort';
import { h, setAttr } from '../dom';
import * as l10n from '../strings';
import type { ColumnDef } from './columns';

export const ROW_HEIGHT = 24;
export const HEAD_HEIGHT = 28;
/** Rows drawn beyond the edges, so a fast scroll does not show blank space. */
const OVERSCAN = 6;

export interface GridEvents {
  sort(column: ColumnId): void;
  click(n: number, mods: SelectMods): void;
  open(n: number): void;
  key(e: KeyboardEvent): void;
}

interface Slot {
  el: HTMLDivElement;
  cells: HTMLElement[];
  index: number;
  row: TableRow | undefined;
  selected: boolean;
  focused: boolean;
}

export class Grid {
  readonly element = h('div', { id: 'grid', role: 'grid', tabindex: '0', 'aria-multiselectable': 'true' });
  private readonly head = h('div', { class: 'head', role: 'row', 'aria-rowindex': '1' });
  private readonly canvas = h('div', { class: 'canvas', role: 'rowgroup' });
  private columns: ColumnDef[] = [];
  private pool: Slot[] = [];
  private shown: readonly number[] = [];
  private rowOf: (n: number) => TableRow | undefined = () => undefined;
  private selected: ReadonlySet<number> = new Set();
  private focus: number | undefined;
  private frame = 0;

  constructor(private readonly events: GridEvents) {
    this.element.append(this.head, this.canvas);
    this.element.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(this.element);
    this.element.addEventListener('keydown', (e) => events.key(e));
    this.canvas.addEventListener('mousedown', (e) => {
      // Shift-click selects rows, not text; the grid takes the keyboard.
      if (e.shiftKey) e.preventDefault();
      this.element.focus({ preventScroll: true });
    });
    this.canvas.addEventListener('click', (e) => {
      const n = this.rowAt(e);
      if (n !== undefined) events.click(n, { range: e.shiftKey, toggle: e.ctrlKey || e.metaKey });
    });
    this.canvas.addEventListener('dblclick', (e) => {
      const n = this.rowAt(e);
      if (n !== undefined) events.open(n);
    });
  }

  setColumns(columns: ColumnDef[], sort: TableSort): void {
    this.columns = columns;
    const widths = columns.map((c, i) => (i === columns.length - 1 ? `minmax(${c.width}px, 1fr)` : `${c.width}px`));
    this.element.style.setProperty('--columns', widths.join(' '));
    this.element.style.setProperty('--width', `${columns.reduce((sum, c) => sum + c.width, 0)}px`);
    setAttr(this.element, 'aria-colcount', String(columns.length));
    this.head.replaceChildren(
      ...columns.map((c, i) => {
        const sorted = sort.column === c.id;
        const button = h(
          'button',
          { type: 'button', class: 'sort', 'data-column': c.id, title: l10n.t('Sort by {0}', c.title) },
          h('span', { class: 'title', text: c.title }),
          h('span', { class: 'arrow', 'aria-hidden': 'true', text: sorted ? (sort.descending ? '▼' : '▲') : '' }),
        );
        button.addEventListener('click', () => this.events.sort(c.id));
        return h(
          'div',
          {
            class: `cell${c.numeric ? ' numeric' : ''}`,
            role: 'columnheader',
            'aria-colindex': String(i + 1),
            'aria-sort': sorted ? (sort.descending ? 'descending' : 'ascending') : 'none',
          },
          button,
        );
      }),
    );
    // New columns: every row element is made again.
    for (const s of this.pool) s.el.remove();
    this.pool = [];
    this.schedule();
  }

  /** What to show: the rows in order, how to read one, and the selection; drawn at once (the owner calls it in a frame). */
  setData(
    shown: readonly number[],
    rowOf: (n: number) => TableRow | undefined,
    selected: ReadonlySet<number>,
    focus: number | undefined,
  ): void {
    this.shown = shown;
    this.rowOf = rowOf;
    this.selected = selected;
    this.focus = focus;
    setAttr(this.element, 'aria-rowcount', String(shown.length + 1));
    const height = `${shown.length * ROW_HEIGHT}px`;
    if (this.canvas.style.height !== height) this.canvas.style.height = height;
    this.render();
  }

  /** Rows a page holds, for Page Up and Page Down. */
  get pageRows(): number {
    return Math.max(1, Math.floor((this.element.clientHeight - HEAD_HEIGHT) / ROW_HEIGHT) - 1);
  }

  /** Scrolls as little as needed to show row `index`. */
  scrollToIndex(index: number): void {
    const top = index * ROW_HEIGHT;
    const view = this.element.clientHeight - HEAD_HEIGHT;
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (top + ROW_HEIGHT > this.element.scrollTop + view) this.element.scrollTop = top + ROW_HEIGHT - view;
    this.schedule();
  }

  /** The rows in view now (not those drawn beyond the edges), top first. */
  rowsInView(): number[] {
    const view = Math.max(ROW_HEIGHT, this.element.clientHeight - HEAD_HEIGHT);
    const first = Math.floor(this.element.scrollTop / ROW_HEIGHT);
    return this.shown.slice(first, Math.ceil((this.element.scrollTop + view) / ROW_HEIGHT));
  }

  /** Paints one column's cells of the rows drawn again, though their rows did not change (new sparklines). */
  repaint(column: ColumnId): void {
    const i = this.columns.findIndex((c) => c.id === column);
    if (i < 0) return;
    for (const slot of this.pool) if (slot.row && !slot.el.hidden) this.columns[i]!.paint(slot.cells[i]!, slot.row);
  }

  /** Row elements in the DOM now. */
  get domRows(): number {
    return this.canvas.childElementCount;
  }

  schedule(): void {
    this.frame ||= requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  render(): void {
    const view = Math.max(ROW_HEIGHT, this.element.clientHeight - HEAD_HEIGHT);
    const size = Math.ceil(view / ROW_HEIGHT) + 2 * OVERSCAN + 1;
    if (size !== this.pool.length) this.resize(size);
    const first = Math.max(0, Math.floor(this.element.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const end = Math.min(this.shown.length, first + size);
    const used = new Set<Slot>();
    for (let i = first; i < end; i++) {
      const slot = this.pool[i % size]!;
      used.add(slot);
      this.paint(slot, i);
    }
    for (const slot of this.pool)
      if (!used.has(slot) && slot.index !== -1) {
        slot.index = -1;
        slot.row = undefined;
        slot.el.hidden = true;
        slot.selected = slot.focused = false;
        slot.el.classList.remove('selected', 'focused');
        slot.el.setAttribute('aria-selected', 'false');
      }
    const focused = this.focus === undefined ? undefined : this.pool.find((s) => s.row?.n === this.focus && !s.el.hidden);
    if (focused) setAttr(this.element, 'aria-activedescendant', focused.el.id);
    else this.element.removeAttribute('aria-activedescendant');
  }

  private resize(size: number): void {
    for (const s of this.pool) s.el.remove();
    this.pool = Array.from({ length: size }, () => {
      const cells = this.columns.map((c) => {
        const cell = c.make();
        if (c.numeric) cell.classList.add('numeric');
        return cell;
      });
      const el = h('div', { class: 'row', role: 'row', 'aria-selected': 'false', hidden: true }, ...cells);
      cells.forEach((cell, i) => cell.setAttribute('aria-colindex', String(i + 1)));
      this.canvas.append(el);
      return { el, cells, index: -1, row: undefined, selected: false, focused: false };
    });
  }

  private paint(slot: Slot, index: number): void {
    const n = this.shown[index]!;
    const row = this.rowOf(n);
    if (!row) return;
    if (slot.index !== index) {
      slot.index = index;
      slot.el.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
      slot.el.setAttribute('aria-rowindex', String(index + 2));
      slot.el.hidden = false;
    }
    if (slot.row !== row) {
      if (slot.row?.n !== n) {
        slot.el.id = `row-${n}`;
        slot.el.dataset.n = String(n);
      }
      slot.row = row;
      this.columns.forEach((c, i) => c.paint(slot.cells[i]!, row));
    }
    const selected = this.selected.has(n);
    if (selected !== slot.selected) {
      slot.selected = selected;
      slot.el.classList.toggle('selected', selected);
      slot.el.setAttribute('aria-selected', String(selected));
    }
    const focused = this.focus === n;
    if (focused !== slot.focused) {
      slot.focused = focused;
      slot.el.classList.toggle('focused', focused);
    }
  }

  private rowAt(e: MouseEvent): number | undefined {
    const el = e.target instanceof Element ? e.target.closest<HTMLElement>('.row') : null;
    const n = Number(el?.dataset.n);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  }
}
