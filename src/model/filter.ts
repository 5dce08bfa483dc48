/**
 * Filtering and sorting of a server's destinations. A filter is typed as one line, e.g.
 * `backup status:connected owner:demo`: words match the address, id, owner or a userData value;
 * `status:` and `owner:` narrow by those fields (repeat one to allow several values).
 */
import { idKey, type ListedDestination } from '../api/schemas';
import { valueText } from './bounded';
import { DESTINATION_STATUSES, destinationStatus, type DestinationStatus } from './status';

export interface DestinationFilter {
  text: string[];
  statuses: DestinationStatus[];
  owners: string[];
}

export type SortOrder = 'address' | 'status' | 'rate' | 'queue';
export const SORT_ORDERS: readonly SortOrder[] = ['address', 'status', 'rate', 'queue'];

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
      if (!DESTINATION_STATUSES.includes(value as DestinationStatus)) {
        return { error: `unknown status "${value}"; use one of ${DESTINATION_STATUSES.join(', ')}` };
      }
      filter.statuses.push(value as DestinationStatus);
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

export function matches(d: ListedDestination, f: DestinationFilter, serverTime: number | null): boolean {
  if (f.statuses.length && !f.statuses.includes(destinationStatus(d, serverTime))) return false;
  if (f.owners.length && !f.owners.includes(d.owner ?? '')) return false;
  if (!f.text.length) return true;
  const haystack = [
    d.destinationAddress,
    `${d.destinationAddress}:${d.destinationPort}`,
    idKey(d.destinationId),
    d.owner ?? '',
    ...Object.values(d.userData ?? {}).map((v) => valueText(v, 1000)),
  ]
    .join('\n')
    .toLowerCase();
  return f.text.every((w) => haystack.includes(w));
}

const STATUS_RANK: Record<DestinationStatus, number> = { error: 0, invalid: 1, stale: 2, disconnected: 3, negotiating: 4, connected: 5 };

/** Visible destinations in display order. Ties fall back to address, then id, so the order is stable. */
export function arrange(
  list: Iterable<ListedDestination>,
  f: DestinationFilter,
  order: SortOrder,
  serverTime: number | null,
): ListedDestination[] {
  const shown = [...list].filter((d) => matches(d, f, serverTime));
  // Code-unit order, not localeCompare: ten times faster at 50,000 rows, and addresses are ASCII.
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const byAddress = (a: ListedDestination, b: ListedDestination) =>
    text(a.destinationAddress, b.destinationAddress) ||
    a.destinationPort - b.destinationPort ||
    text(idKey(a.destinationId), idKey(b.destinationId));
  const compare: Record<SortOrder, (a: ListedDestination, b: ListedDestination) => number> = {
    address: byAddress,
    status: (a, b) => STATUS_RANK[destinationStatus(a, serverTime)] - STATUS_RANK[destinationStatus(b, serverTime)] || byAddress(a, b),
    rate: (a, b) => b.sendRateAverage - a.sendRateAverage || byAddress(a, b),
    queue: (a, b) => b.numTransfersQueued - a.numTransfersQueued || byAddress(a, b),
  };
  return shown.sort(compare[order]);
}
