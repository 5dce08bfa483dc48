/**
 * Filtering and sorting of a server's destinations. A filter is typed as one line, e.g.
 * `backup status:error owner:demo`: words match the address, id, owner, error, and userData keys and
 * values; `status:` and `owner:` narrow by those fields (any case; repeat one to allow several values).
 */
import type { Row } from './engine/protocol';
import { compareText } from './naturalSort';
import { DESTINATION_STATUSES, type DestinationStatus } from './status';

export interface DestinationFilter {
  text: string[];
  statuses: DestinationStatus[];
  owners: string[];
}

/** problems: errors, unreadable and stale rows first, then by address. */
export type SortOrder = 'address' | 'problems' | 'rate' | 'queue';
export const SORT_ORDERS: readonly SortOrder[] = ['address', 'problems', 'rate', 'queue'];

/** Orders whose place of a row moves with live numbers or statuses: kept between list changes, re-sorted now and then. */
export const LIVE_ORDERS: ReadonlySet<SortOrder> = new Set(['problems', 'rate', 'queue']);

export const NO_FILTER: DestinationFilter = { text: [], statuses: [], owners: [] };

export function parseFilter(line: string): { filter: DestinationFilter } | { error: string } {
  const filter: DestinationFilter = { text: [], statuses: [], owners: [] };
  for (const word of line.trim().split(/\s+/).filter(Boolean)) {
    const m = /^(status|owner):(.*)$/i.exec(word);
    if (!m) {
      filter.text.push(word.toLowerCase());
      continue;
    }
    const value = m[2]!;
    if (!value) return { error: `"${word}" needs a value after the colon` };
    if (m[1]!.toLowerCase() === 'status') {
      const status = value.toLowerCase() as DestinationStatus;
      if (!DESTINATION_STATUSES.includes(status)) {
        return { error: `unknown status "${value}"; use one of ${DESTINATION_STATUSES.join(', ')}` };
      }
      filter.statuses.push(status);
    } else filter.owners.push(value);
  }
  return { filter };
}

export function formatFilter(f: DestinationFilter): string {
  return [...f.text, ...f.statuses.map((s) => `status:${s}`), ...f.owners.map((o) => `owner:${o}`)].join(' ');
}

export function isFiltered(f: DestinationFilter): boolean {
  return f.text.length + f.statuses.length + f.owners.length > 0;
}

export function matches(row: Row, f: DestinationFilter): boolean {
  if (f.statuses.length && !f.statuses.includes(row.status)) return false;
  if (f.owners.length && !f.owners.includes(row.owner)) return false;
  if (!f.text.length) return true;
  const parts = [row.label, row.key, row.owner, row.error, row.problem];
  for (const [key, value] of row.userData) parts.push(key, value.length > 1000 ? value.slice(0, 1000) : value);
  const haystack = parts.join('\n').toLowerCase();
  return f.text.every((w) => haystack.includes(w));
}

/** Worst first: the order of the problems sort, and of a status column. */
export const PROBLEM_RANK: Record<DestinationStatus, number> = {
  error: 0,
  invalid: 1,
  stale: 2,
  disconnected: 3,
  negotiating: 4,
  connected: 5,
};

const byAddress = (a: Row, b: Row) => compareText(a.sortKey, b.sortKey) || a.port - b.port || compareText(a.key, b.key);

const COMPARE: Record<SortOrder, (a: Row, b: Row) => number> = {
  address: byAddress,
  problems: (a, b) => PROBLEM_RANK[a.status] - PROBLEM_RANK[b.status] || byAddress(a, b),
  rate: (a, b) => b.sendRateAverage - a.sendRateAverage || byAddress(a, b),
  queue: (a, b) => b.numTransfersQueued - a.numTransfersQueued || byAddress(a, b),
};

export function comparator(order: SortOrder): (a: Row, b: Row) => number {
  return COMPARE[order];
}

/** Visible rows in display order. Ties fall back to address, then id, so the order is stable. */
export function arrange(rows: Iterable<Row>, f: DestinationFilter, order: SortOrder): Row[] {
  const shown: Row[] = [];
  for (const r of rows) if (matches(r, f)) shown.push(r);
  return shown.sort(COMPARE[order]);
}
