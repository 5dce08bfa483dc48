/**
 * The order of one server's rows in the tree, kept stable under live data: rows do not reorder under
 * the pointer every second because a rate moved. The order is made again when rows come or go, when
 * the filter or sort changes, on a manual Refresh, and, for the live sorts (rate, queue, problems), at
 * most every RESORT_MS; in between, a row whose change makes it match the filter or not is added or
 * dropped in place.
 */
import type { Row } from './engine/protocol';
import { arrange, comparator, LIVE_ORDERS, matches, type DestinationFilter, type SortOrder } from './filter';

export const RESORT_MS = 10_000;

export class ServerOrder {
  private keys: string[] = [];
  /** The keys as a set, made when first asked for after the keys changed: 10,000 rows cost a set each time. */
  private members: Set<string> | undefined;
  private sortedAt = -Infinity;
  private stale = true;

  /** The next arrangement sorts afresh (the view changed, a manual Refresh). */
  invalidate(): void {
    this.stale = true;
  }

  current(): string[] {
    return this.keys;
  }

  /** Whether a row is shown. */
  has(key: string): boolean {
    return (this.members ??= new Set(this.keys)).has(key);
  }

  private set(keys: string[]): string[] {
    this.keys = keys;
    this.members = undefined;
    return keys;
  }

  /**
   * The order after a change: undefined when it is the same as before. `changed` are the rows whose
   * fields changed; `listChanged` says rows came or went.
   */
  update(
    rows: ReadonlyMap<string, Row>,
    filter: DestinationFilter,
    sort: SortOrder,
    change: { listChanged: boolean; changed: readonly string[] },
    now: number,
  ): string[] | undefined {
    const due = LIVE_ORDERS.has(sort) && now - this.sortedAt >= RESORT_MS && change.changed.length > 0;
    if (this.stale || change.listChanged || due) {
      const next = arrange(rows.values(), filter, sort).map((r) => r.key);
      this.stale = false;
      this.sortedAt = now;
      if (sameKeys(next, this.keys)) return undefined;
      return this.set(next);
    }
    // Between sorts only membership may change: a row starts or stops matching the filter.
    if (!change.changed.length) return undefined;
    let added = false;
    let dropped = false;
    for (const key of change.changed) {
      const row = rows.get(key);
      const match = !!row && matches(row, filter);
      if (match && !this.has(key)) added = true;
      else if (!match && this.has(key)) dropped = true;
    }
    if (!added && !dropped) return undefined;
    let keys = dropped ? this.keys.filter((k) => !!rows.get(k) && matches(rows.get(k)!, filter)) : [...this.keys];
    if (added) {
      // A row that now matches goes where the sort puts it; the others keep their places.
      const compare = comparator(sort);
      for (const key of change.changed) {
        const row = rows.get(key);
        if (!row || this.has(key) || !matches(row, filter)) continue;
        const at = keys.findIndex((k) => compare(row, rows.get(k)!) < 0);
        keys = at < 0 ? [...keys, key] : [...keys.slice(0, at), key, ...keys.slice(at)];
      }
    }
    return this.set(keys);
  }
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
