/**
 * The destinations table, without VS Code or a DOM: every destination of every server as one list.
 * The page filters (tableFilter.ts), sorts (tableSort.ts, tableModel.ts) and selects (tableSelection.ts)
 * 100,000 of these rows; the extension uses the change feed (tableFeed.ts) to send the page only what
 * changed.
 *
 * - Rows: a table row is a mirror row cut to what the table shows, with a number `n` the feed gives
 *   it (unique while the panel lives), so the page and the extension name a row in a few bytes.
 * - Columns: the base columns, and userData keys the user added as columns.
 */
import type { Row } from './engine/protocol';
import { truncate } from './format';
import type { DestinationStatus } from './status';

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
