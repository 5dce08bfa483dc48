/**
 * The destinations table, without VS Code or a DOM: every destination of every server as one list.
 * The page uses it to filter, sort and select 100,000 rows; the extension uses its change feed
 * (tableFeed.ts) to send the page only what changed.
 *
 * - Rows: a table row is a mirror row cut to what the table shows, with a number `n` the feed gives
 *   it (unique while the panel lives), so the page and the extension name a row in a few bytes.
 * - Filter: the tree's syntax (`backup status:error owner:demo`) plus `server:NAME` and
 *   `userData.KEY:VALUE` (`userData.KEY:*` for any value); the same term repeated allows either value.
 * - Sort: by any column, ties by address; like the tree, an order that stays put while numbers move:
 *   made again when rows come or go, when the sort changes, on a manual Refresh, and for a column
 *   whose values move at most every RESORT_MS.
 */
import type { Row } from './engine/protocol';
import { parseFilter, PROBLEM_RANK, type DestinationFilter } from './filter';
import { truncate } from './format';
import { english, type L10n } from './l10n';
import { addressSortKey, compareText } from './naturalSort';
import { RESORT_MS } from './order';
import type { DestinationStatus } from './status';

export { RESORT_MS };

/** Longest userData value a table row carries: what a cell, a filter word and a sort can use. */
export const MAX_TABLE_VALUE = 1000;

export interface TableRow {
  /** The feed's number of this row: unique while the panel lives. */
  n: number;
  server: string;
  /** The destination's id as text. */
  key: string;
  /** address:port, or the words of an unreadable record. */
  address: string;
  /** Orders addresses naturally (naturalSort.ts). */
  sortKey: string;
  port: number;
  status: DestinationStatus;
  rate: number;
  rateMax: number;
  rtt: number | null;
  queue: number;
  owner: string;
  error: string;
  problem: string;
  userData: [key: string, value: string][];
}

export function tableRow(n: number, server: string, row: Row): TableRow {
  return {
    n,
    server,
    key: row.key,
    address: row.address ? `${truncate(row.address, 200)}:${row.port}` : row.label,
    sortKey: row.sortKey,
    port: row.port,
    status: row.status,
    rate: row.sendRateAverage,
    rateMax: row.sendRateMax,
    rtt: row.roundTripTimeMs ?? null,
    queue: row.numTransfersQueued,
    owner: row.owner,
    error: row.error,
    problem: row.problem,
    userData: row.userData.map(([k, v]) => [k, truncate(v, MAX_TABLE_VALUE)]),
  };
}

// ---------------------------------------------------------------- columns

export const BASE_COLUMNS = ['server', 'address', 'status', 'rate', 'rtt', 'queue', 'owner', 'error'] as const;
export type BaseColumn = (typeof BASE_COLUMNS)[number];
/** A base column, or `userData.KEY` for a userData key the user added as a column. */
export type ColumnId = BaseColumn | `userData.${string}`;

export const USER_DATA_PREFIX = 'userData.';
export const DEFAULT_COLUMNS: readonly ColumnId[] = BASE_COLUMNS;
/** userData columns at most: each is a cell in every row drawn. */
export const MAX_USER_DATA_COLUMNS = 20;

export function isBaseColumn(id: string): id is BaseColumn {
  return (BASE_COLUMNS as readonly string[]).includes(id);
}

export function userDataColumn(key: string): ColumnId {
  return `${USER_DATA_PREFIX}${key}`;
}

/** The userData key of a userData column, undefined for a base column. */
export function userDataKeyOf(id: ColumnId): string | undefined {
  return id.startsWith(USER_DATA_PREFIX) ? id.slice(USER_DATA_PREFIX.length) : undefined;
}

export function isColumnId(v: unknown): v is ColumnId {
  if (typeof v !== 'string') return false;
  if (isBaseColumn(v)) return true;
  const key = v.startsWith(USER_DATA_PREFIX) ? v.slice(USER_DATA_PREFIX.length) : '';
  return key.length > 0 && key.length <= 256 && key !== '__proto__';
}

/** Columns as saved, read defensively: known ones once each, never none. */
export function normalizeColumns(raw: unknown): ColumnId[] {
  if (!Array.isArray(raw)) return [...DEFAULT_COLUMNS];
  const out: ColumnId[] = [];
  let userData = 0;
  for (const v of raw) {
    if (!isColumnId(v) || out.includes(v)) continue;
    if (!isBaseColumn(v) && ++userData > MAX_USER_DATA_COLUMNS) continue;
    out.push(v);
  }
  return out.length ? out : [...DEFAULT_COLUMNS];
}

/**
 * Shows or hides a column. A base column comes back at its usual place among the base columns, a
 * userData column after them all; the last column shown stays.
 */
export function toggleColumn(columns: readonly ColumnId[], id: ColumnId): ColumnId[] {
  if (columns.includes(id)) return columns.length > 1 ? columns.filter((c) => c !== id) : [...columns];
  if (!isBaseColumn(id)) return normalizeColumns([...columns, id]);
  const rank = (c: ColumnId) => (isBaseColumn(c) ? BASE_COLUMNS.indexOf(c) : BASE_COLUMNS.length);
  const at = columns.findIndex((c) => rank(c) > rank(id));
  return at < 0 ? [...columns, id] : [...columns.slice(0, at), id, ...columns.slice(at)];
}

// ---------------------------------------------------------------- filter

export interface TableFilter extends DestinationFilter {
  /** Server names, any case. */
  servers: string[];
  /** userData terms: the key as typed, the value in lower case or '*' for any. */
  userData: { key: string; value: string }[];
}

export const NO_TABLE_FILTER: TableFilter = { text: [], statuses: [], owners: [], servers: [], userData: [] };

const SERVER_TERM = /^server:(.*)$/i;
const USER_DATA_TERM = /^userdata\.([^:]+):(.*)$/i;

export function parseTableFilter(line: string, l10n: L10n = english): { filter: TableFilter } | { error: string } {
  const servers: string[] = [];
  const userData: TableFilter['userData'] = [];
  const rest: string[] = [];
  for (const word of line.trim().split(/\s+/).filter(Boolean)) {
    const server = SERVER_TERM.exec(word);
    const entry = USER_DATA_TERM.exec(word);
    if (server) {
      if (!server[1]) return { error: l10n.t('"{0}" needs a value after the colon', word) };
      servers.push(server[1].toLowerCase());
    } else if (entry) {
      if (!entry[2]) return { error: l10n.t('"{0}" needs a value after the colon; * for any value', word) };
      userData.push({ key: entry[1]!, value: entry[2].toLowerCase() });
    } else if (/^userdata[.:]?$/i.test(word) || /^userdata:/i.test(word)) {
      return { error: l10n.t('"{0}": write userData.KEY:VALUE, e.g. userData.team:media', word) };
    } else rest.push(word);
  }
  const parsed = parseFilter(rest.join(' '));
  if ('error' in parsed) return parsed;
  return { filter: { ...parsed.filter, servers, userData } };
}

export function formatTableFilter(f: TableFilter): string {
  return [
    ...f.text,
    ...f.statuses.map((s) => `status:${s}`),
    ...f.owners.map((o) => `owner:${o}`),
    ...f.servers.map((s) => `server:${s}`),
    ...f.userData.map((u) => `userData.${u.key}:${u.value}`),
  ].join(' ');
}

export function isTableFiltered(f: TableFilter): boolean {
  return f.text.length + f.statuses.length + f.owners.length + f.servers.length + f.userData.length > 0;
}

/** What words are searched in: made once per row version, in lower case. */
export function haystackOf(r: TableRow): string {
  const parts = [r.server, r.address, r.key, r.owner, r.error, r.problem];
  for (const [k, v] of r.userData) parts.push(k, v);
  return parts.join('\n').toLowerCase();
}

/** A row with its search text, made the first time words are looked for. */
export interface Searchable {
  row: TableRow;
  haystack: string | undefined;
}

/** The filter as one test: terms of one kind allow any of their values, kinds and words must all match. */
export function tableMatcher(f: TableFilter): (s: Searchable) => boolean {
  const statuses = f.statuses.length ? new Set(f.statuses) : undefined;
  const owners = f.owners.length ? new Set(f.owners) : undefined;
  const servers = f.servers.length ? new Set(f.servers) : undefined;
  const byKey = new Map<string, string[]>();
  for (const u of f.userData) byKey.set(u.key.toLowerCase(), [...(byKey.get(u.key.toLowerCase()) ?? []), u.value]);
  const words = f.text;
  return (s) => {
    const r = s.row;
    if (statuses && !statuses.has(r.status)) return false;
    if (owners && !owners.has(r.owner)) return false;
    if (servers && !servers.has(r.server.toLowerCase())) return false;
    for (const [key, values] of byKey) {
      const entry = r.userData.find(([k]) => k.toLowerCase() === key);
      if (!entry || !values.some((v) => v === '*' || v === entry[1].toLowerCase())) return false;
    }
    if (!words.length) return true;
    const text = (s.haystack ??= haystackOf(r));
    for (const w of words) if (!text.includes(w)) return false;
    return true;
  };
}

// ---------------------------------------------------------------- sort

export interface TableSort {
  column: ColumnId;
  descending: boolean;
}

export const DEFAULT_SORT: TableSort = { column: 'address', descending: false };

/** The direction a first click on a column sorts in: the most first for numbers, worst first for status, A to Z for text. */
export function defaultDescending(column: ColumnId): boolean {
  return column === 'rate' || column === 'rtt' || column === 'queue';
}

/** A click on a column's header: the other direction on the sorted column, the column's usual direction on another. */
export function nextSort(sort: TableSort, column: ColumnId): TableSort {
  return sort.column === column ? { column, descending: !sort.descending } : { column, descending: defaultDescending(column) };
}

/** Columns whose values never move for a row: sorting by them needs no re-sort while numbers move. */
const FIXED_COLUMNS: ReadonlySet<ColumnId> = new Set(['server', 'address']);

type SortKey = number | string | null;

/** The value a row sorts by in a column; null sorts last whichever the direction. */
export function sortKeyOf(r: TableRow, column: ColumnId): SortKey {
  switch (column) {
    case 'server':
      return addressSortKey(r.server);
    case 'address':
      return r.sortKey;
    case 'status':
      return PROBLEM_RANK[r.status];
    case 'rate':
      return r.rate;
    case 'rtt':
      return r.rtt;
    case 'queue':
      return r.queue;
    case 'owner':
      return r.owner ? addressSortKey(r.owner) : null;
    case 'error':
      return r.error || r.problem ? addressSortKey(r.error || r.problem) : null;
    default: {
      const key = userDataKeyOf(column);
      const value = r.userData.find(([k]) => k === key)?.[1];
      return value === undefined ? null : addressSortKey(value);
    }
  }
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (a === b) return 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareText(String(a), String(b));
}

/** Ties: by address, then port, server and id, so the order is total and the same every time. */
export function compareTies(a: TableRow, b: TableRow): number {
  return compareText(a.sortKey, b.sortKey) || a.port - b.port || compareText(a.server, b.server) || compareText(a.key, b.key);
}

/** Something sorted: a row with its key in the sorted column, made once. */
interface Keyed {
  row: TableRow;
  key: SortKey;
}

/** The order of `sort` over rows with their keys made: missing values last, ties by address. */
function keyedComparator(sort: TableSort): (x: Keyed, y: Keyed) => number {
  const dir = sort.descending ? -1 : 1;
  return (x, y) => {
    if (x.key === null || y.key === null) return x.key === y.key ? compareTies(x.row, y.row) : x.key === null ? 1 : -1;
    return dir * compareKeys(x.key, y.key) || compareTies(x.row, y.row);
  };
}

/** Rows in the order of `sort`; each row's key is made once. */
export function sortRows(rows: readonly TableRow[], sort: TableSort): TableRow[] {
  return rows
    .map((row) => ({ row, key: sortKeyOf(row, sort.column) }))
    .sort(keyedComparator(sort))
    .map((k) => k.row);
}

// ---------------------------------------------------------------- the table the page shows

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
 * since it; otherwise a list change sorts everything again.
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

// ---------------------------------------------------------------- selection

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

// ---------------------------------------------------------------- what is remembered

export interface TableViewState {
  columns: ColumnId[];
  sort: TableSort;
  filter: string;
}

export const DEFAULT_VIEW: TableViewState = { columns: [...DEFAULT_COLUMNS], sort: DEFAULT_SORT, filter: '' };

/** The view as saved, read defensively: an older or damaged value falls back part by part. */
export function normalizeView(raw: unknown): TableViewState {
  const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const columns = normalizeColumns(o.columns);
  const s = typeof o.sort === 'object' && o.sort !== null ? (o.sort as Record<string, unknown>) : {};
  const sort =
    isColumnId(s.column) && typeof s.descending === 'boolean' ? { column: s.column, descending: s.descending } : { ...DEFAULT_SORT };
  const filter = typeof o.filter === 'string' && o.filter.length <= 1000 && 'filter' in parseTableFilter(o.filter) ? o.filter : '';
  return { columns, sort, filter };
}
