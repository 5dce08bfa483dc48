/** Sorting the destinations table by any column: missing values last, ties by address, so the order is total. */
import { PROBLEM_RANK } from './filter';
import { addressSortKey, compareText } from './naturalSort';
import { userDataKeyOf, type ColumnId, type TableRow } from './table';

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
export interface Keyed {
  row: TableRow;
  key: SortKey;
}

/** The order of `sort` over rows with their keys made: missing values last, ties by address. */
export function keyedComparator(sort: TableSort): (x: Keyed, y: Keyed) => number {
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
