/**
 * What the destinations table's page is sent: every row once, in parts, then per snapshot only the
 * rows that came, changed or went. The mirror replaces a row's object when its fields change, so a row
 * whose object is the one last sent has not changed; changes are noted as the mirror announces them
 * (also while the panel is hidden) and sent together when it is visible again.
 */
import type { Row } from './engine/protocol';
import type { MirrorChange } from './mirror';
import { tableRow, type TableRow } from './table';

/** Rows in one message: a large first load arrives in parts, so neither side blocks long. */
export const ROWS_PER_PART = 5000;

export interface FeedSource {
  servers(): { profile: { name: string }; rows: ReadonlyMap<string, Row> }[];
}

export interface FeedPart {
  /** The page drops every row it has first. */
  reset: boolean;
  upserts: TableRow[];
  removed: number[];
  /** The last part of this batch. */
  done: boolean;
}

interface Sent {
  n: number;
  row: Row;
}

export class TableFeed {
  private next = 1;
  /** What the page has, by server and key. */
  private sent = new Map<string, Map<string, Sent>>();
  private readonly targets = new Map<number, { server: string; key: string }>();
  /** Servers whose list changed (or that came or went): compared whole. */
  private readonly dirtyServers = new Set<string>();
  /** Rows that changed, by server. */
  private readonly dirtyRows = new Map<string, Set<string>>();
  private needsReset = true;

  constructor(
    private readonly source: FeedSource,
    private readonly partSize = ROWS_PER_PART,
  ) {}

  /** The page is new (or loaded again): the next parts send everything. */
  reset(): void {
    this.needsReset = true;
  }

  /** A change the mirror announced. */
  note(change: Pick<MirrorChange, 'server' | 'listChanged' | 'changed'>): void {
    if (this.needsReset) return;
    if (change.listChanged) {
      this.dirtyServers.add(change.server);
      this.dirtyRows.delete(change.server);
      return;
    }
    if (this.dirtyServers.has(change.server) || !change.changed.length) return;
    let keys = this.dirtyRows.get(change.server);
    if (!keys) this.dirtyRows.set(change.server, (keys = new Set()));
    for (const k of change.changed) keys.add(k);
  }

  /** Servers were added, removed or edited: each is compared whole. */
  serversChanged(): void {
    for (const v of this.source.servers()) this.dirtyServers.add(v.profile.name);
    for (const name of this.sent.keys()) this.dirtyServers.add(name);
  }

  /** Whether there is anything to send. */
  get pending(): boolean {
    return this.needsReset || this.dirtyServers.size > 0 || this.dirtyRows.size > 0;
  }

  /** The number the page knows a destination by. */
  id(server: string, key: string): number | undefined {
    return this.sent.get(server)?.get(key)?.n;
  }

  target(n: number): { server: string; key: string } | undefined {
    return this.targets.get(n);
  }

  /** What to send now, in parts; none when nothing changed. */
  take(): FeedPart[] {
    const upserts: TableRow[] = [];
    const removed: number[] = [];
    const reset = this.needsReset;
    if (reset) {
      this.needsReset = false;
      this.sent = new Map();
      this.targets.clear();
      this.dirtyServers.clear();
      this.dirtyRows.clear();
      for (const v of this.source.servers()) this.whole(v.profile.name, v.rows, upserts, removed);
    } else {
      const views = new Map(this.source.servers().map((v) => [v.profile.name, v.rows]));
      for (const server of this.dirtyServers) this.whole(server, views.get(server), upserts, removed);
      for (const [server, keys] of this.dirtyRows) {
        const rows = views.get(server);
        for (const key of keys) this.one(server, key, rows?.get(key), upserts, removed);
      }
      this.dirtyServers.clear();
      this.dirtyRows.clear();
    }
    if (!reset && !upserts.length && !removed.length) return [];
    const parts: FeedPart[] = [];
    for (let i = 0; i === 0 || i < upserts.length; i += this.partSize)
      parts.push({ reset: reset && i === 0, upserts: upserts.slice(i, i + this.partSize), removed: i === 0 ? removed : [], done: false });
    parts[parts.length - 1]!.done = true;
    return parts;
  }

  private whole(server: string, rows: ReadonlyMap<string, Row> | undefined, upserts: TableRow[], removed: number[]): void {
    const had = this.sent.get(server);
    if (rows) for (const [key, row] of rows) this.one(server, key, row, upserts, removed);
    if (!had) return;
    for (const [key, s] of had)
      if (!rows?.has(key)) {
        had.delete(key);
        this.targets.delete(s.n);
        removed.push(s.n);
      }
    if (!had.size) this.sent.delete(server);
  }

  private one(server: string, key: string, row: Row | undefined, upserts: TableRow[], removed: number[]): void {
    let rows = this.sent.get(server);
    const before = rows?.get(key);
    if (!row) {
      if (!before) return;
      rows!.delete(key);
      this.targets.delete(before.n);
      removed.push(before.n);
      return;
    }
    if (before?.row === row) return;
    if (!rows) this.sent.set(server, (rows = new Map()));
    const n = before?.n ?? this.next++;
    rows.set(key, { n, row });
    if (!before) this.targets.set(n, { server, key });
    upserts.push(tableRow(n, server, row));
  }
}
