/** The rows the table page shows and in what order: an order that stays put while numbers move. */
import { compareText } from './naturalSort';
import { RESORT_MS } from './order';
import type { ColumnId, TableRow } from './table';
import { haystackOf, NO_TABLE_FILTER, tableMatcher, type TableFilter } from './tableFilter';
import { DEFAULT_SORT, keyedComparator, sortKeyOf, type Keyed, type TableSort } from './tableSort';

/** Columns whose values never move for a row: sorting by them needs no re-sort while numbers move. */
const FIXED_COLUMNS: ReadonlySet<ColumnId> = new Set(['server', 'address']);

/** A row as the page keeps it: with its search text and sort key, made when first needed. */
interface Entry extends Keyed {
  /** Made when a filter first has words to look for. */
  haystack: string | undefined;
  /** The column `key` is of. */
  keyColumn: ColumnId | undefined;
  shown: boolean;
  /** Removed since the order was made: dropped at the next arrange. */
  gone: boolean;
}

/**
 * Every row the page knows, and which of them it shows in what order. `apply` takes what the feed
 * sent; `arrange` brings the order up to date when it is due and says whether what is shown changed.
 * New rows are merged into their places, which is the whole sort's answer as long as no value moved
 * since it; otherwise a list change sorts everything again. Like the tree, the order is made again
 * when rows come or go, when the sort changes, on a manual Refresh, and for a column whose values
 * move at most every RESORT_MS.
 */
export class TableModel {
  private readonly entries = new Map<number, Entry>();
  /** Every row, in the order of the last sort (gone ones until the next arrange). */
  private order: Entry[] = [];
  /** Rows that came since the order was made. */
  private added: Entry[] = [];
  private removedSince = false;
  private shownRows: number[] = [];
  private filterValue: TableFilter = NO_TABLE_FILTER;
  private match = tableMatcher(NO_TABLE_FILTER);
  private sortValue: TableSort = DEFAULT_SORT;
  private sortedAt = -Infinity;
  /** The next arrange sorts afresh: the sort changed, a manual Refresh. */
  private stale = true;
  /** Rows changed since the last sort: a live column is due again after RESORT_MS, and a new row sorts them all. */
  private movedSinceSort = false;
  /** A row started or stopped matching the filter, or the filter changed: what is shown is made again. */
  private membership = true;

  get filter(): TableFilter {
    return this.filterValue;
  }

  get sort(): TableSort {
    return this.sortValue;
  }

  /** Rows shown, in order. */
  get shown(): readonly number[] {
    return this.shownRows;
  }

  get total(): number {
    return this.entries.size;
  }

  row(n: number): TableRow | undefined {
    return this.entries.get(n)?.row;
  }

  isShown(n: number): boolean {
    return this.entries.get(n)?.shown ?? false;
  }

  /** What the feed sent: `reset` drops every row first (the page loaded again, the feed started over). */
  apply(upserts: readonly TableRow[], removed: readonly number[], reset = false): void {
    if (reset) {
      this.entries.clear();
      this.order = [];
      this.added = [];
      this.shownRows = [];
      this.membership = true;
    }
    for (const n of removed) {
      const e = this.entries.get(n);
      if (!e) continue;
      this.entries.delete(n);
      e.gone = true;
      this.removedSince = true;
      this.membership = true;
    }
    for (const row of upserts) {
      const e = this.entries.get(row.n);
      if (!e) {
        const entry: Entry = { row, key: null, keyColumn: undefined, haystack: undefined, shown: false, gone: false };
        this.entries.set(row.n, entry);
        this.added.push(entry);
        this.membership = true;
        continue;
      }
      // A changed row keeps its place in the order until the next sort.
      e.row = row;
      e.haystack = undefined;
      e.keyColumn = undefined;
      this.movedSinceSort = true;
      if (!this.membership && this.match(e) !== e.shown) this.membership = true;
    }
  }

  setFilter(filter: TableFilter): void {
    this.filterValue = filter;
    this.match = tableMatcher(filter);
    this.membership = true;
  }

  setSort(sort: TableSort): void {
    if (sort.column === this.sortValue.column && sort.descending === this.sortValue.descending) return;
    this.sortValue = sort;
    this.stale = true;
  }

  /** A manual Refresh sorts afresh, even a live sort that sorted a moment ago. */
  resort(): void {
    this.stale = true;
  }

  /** When the order is due to be made again at the latest (for a timer), or undefined when it is not waiting. */
  resortDueAt(): number | undefined {
    return this.movedSinceSort && !FIXED_COLUMNS.has(this.sortValue.column) ? this.sortedAt + RESORT_MS : undefined;
  }

  private keyed(e: Entry): Entry {
    if (e.keyColumn !== this.sortValue.column) {
      e.key = sortKeyOf(e.row, this.sortValue.column);
      e.keyColumn = this.sortValue.column;
    }
    return e;
  }

  /** Brings the order up to date; true when what is shown changed (rows, order or membership). */
  arrange(now: number): boolean {
    const due = this.resortDueAt();
    const listChanged = this.added.length > 0 || this.removedSince;
    const compare = keyedComparator(this.sortValue);
    if (this.stale || (due !== undefined && now >= due) || (listChanged && this.movedSinceSort)) {
      this.order = [...this.entries.values()].map((e) => this.keyed(e)).sort(compare);
      this.sortedAt = now;
      this.stale = false;
      this.movedSinceSort = false;
      this.membership = true;
    } else if (listChanged) {
      // Rows in place: gone ones go, new ones merge in where the sort puts them.
      const kept = this.removedSince ? this.order.filter((e) => !e.gone) : this.order;
      const added = this.added.filter((e) => !e.gone).map((e) => this.keyed(e));
      this.order = added.length ? merge(kept, added.sort(compare), compare) : kept;
      if (!this.movedSinceSort) this.sortedAt = now;
    }
    this.added = [];
    this.removedSince = false;
    if (!this.membership) return false;
    this.membership = false;
    const shown: number[] = [];
    for (const e of this.order) {
      e.shown = this.match(e);
      if (e.shown) shown.push(e.row.n);
    }
    let same = shown.length === this.shownRows.length;
    for (let i = 0; same && i < shown.length; i++) same = shown[i] === this.shownRows[i];
    this.shownRows = shown;
    return !same;
  }

  /**
   * Makes the search text of up to `budget` rows that have none yet, so that the first filter with
   * words need not make 100,000 of them; true while some remain. The page calls it when idle.
   */
  prepare(budget: number): boolean {
    for (const e of this.entries.values()) {
      if (e.haystack !== undefined) continue;
      if (budget-- <= 0) return true;
      e.haystack = haystackOf(e.row);
    }
    return false;
  }

  /** userData keys of all rows, the most common first: what the column chooser offers. */
  userDataKeys(limit = 200): { key: string; count: number }[] {
    const counts = new Map<string, number>();
    for (const e of this.entries.values()) for (const [k] of e.row.userData) counts.set(k, (counts.get(k) ?? 0) + 1);
    return [...counts]
      .map(([key, count]) => ({ key, count }))
      .sort((a, b) => b.count - a.count || compareText(a.key, b.key))
      .slice(0, limit);
  }
}

/** Two sorted lists as one, in one pass. */
function merge<T>(a: T[], b: T[], compare: (x: T, y: T) => number): T[] {
  const out: T[] = new Array<T>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compare(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
