/**
 * What the engine posts for the main thread to paint: per server, its summary and only the rows that
 * changed since the main thread last heard of it, and errors in the form they travel in. Apart from
 * the engine, which runs the operations the main thread asks for.
 *
 * Rows whose only change is a moving number (rate, queue) are sent at most NUMERIC_BUDGET per snapshot,
 * the longest-waiting first: a server where half of 10,000 rates move every second must not cost
 * 5,000 row repaints a second. Everything else a row shows (status, error, label, userData) is sent
 * in the snapshot that saw it.
 */
import { JetStreamError } from '../../api/errors';
import { l10n } from '../../api/l10n';
import type { DetailsSource } from '../details';
import { onlyNumbersDiffer, rowEffect, sameRow, toRow } from '../rows';
import type { RefreshScheduler } from '../scheduler';
import type { ServerState } from '../serverState';
import { destinationStatus } from '../status';
import type { DestinationStore, StoreChange } from '../store';
import type { Delta, FromEngine, Row, ServerSummary, WireError } from './protocol';

/** Rows a snapshot may repaint for a moving number alone. */
export const NUMERIC_BUDGET = 200;
/** Rows in one message: a large first list arrives in parts, so the main thread never blocks long. */
export const ROWS_PER_MESSAGE = 5000;

export function wireError(e: unknown): WireError {
  if (e instanceof JetStreamError) {
    return {
      code: e.code,
      message: e.message,
      serverMessage: e.details.serverMessage,
      credential: e.details.credential,
      status: e.details.status,
      exitCode: e.details.exitCode,
    };
  }
  return { code: 'Internal', message: l10n.t('An internal error of this extension: {0}', e instanceof Error ? e.message : String(e)) };
}

/** What the main thread was sent of one server. */
interface Painted {
  /** The row as the main thread has it. */
  rows: Map<string, Row>;
  /**
   * The same rows by position in the order they were last compared in (`at`): the next snapshot in
   * that order (the same keys array, see checkDestinationList) finds each without a lookup.
   */
  byPosition: (Row | undefined)[];
  at: readonly string[] | undefined;
  /** Keys whose numbers moved since they were sent, in the order they started waiting, with their position. */
  waiting: Map<string, number>;
  summary: string;
  /** The next delta carries the whole list (a new profile, a restarted engine). */
  complete: boolean;
}

export class Painter {
  private readonly painted = new Map<string, Painted>();

  constructor(
    private readonly d: {
      store: DestinationStore;
      scheduler: RefreshScheduler;
      /** The details panels open now: each is sent its destination with its server's delta. */
      watched: () => Iterable<DetailsSource>;
      post: (message: FromEngine) => void;
    },
  ) {}

  /** The main thread starts this server from an empty list: its next delta carries the whole list. */
  forget(server: string): void {
    this.painted.delete(server);
  }

  /** Forgets what was sent of servers no longer configured. */
  forgetRemoved(): void {
    for (const name of this.painted.keys()) if (!this.d.store.server(name)) this.painted.delete(name);
  }

  private paintedOf(server: string): Painted {
    let p = this.painted.get(server);
    if (!p)
      this.painted.set(server, (p = { rows: new Map(), byPosition: [], at: undefined, waiting: new Map(), summary: '', complete: true }));
    return p;
  }

  /** Posts what changed for one server since the main thread last heard of it. */
  publish(server: string, change?: StoreChange): void {
    const state = this.d.store.server(server);
    if (!state) return;
    const p = this.paintedOf(server);
    const summary = this.summaryOf(state);
    const summaryText = JSON.stringify(summary);
    const complete = p.complete && state.phase !== 'loading';
    const upserts: Row[] = [];
    const removed: string[] = [];
    if (complete) {
      p.rows.clear();
      p.waiting.clear();
      p.at = undefined;
    }
    if (change || complete) this.diff(state, p, change, upserts, removed);
    const details: NonNullable<Delta['details']> = [];
    for (const w of this.d.watched()) {
      const now = w.server === server ? w.details() : undefined;
      if (now) details.push({ key: w.destinationKey, details: now });
    }
    if (!complete && summaryText === p.summary && !upserts.length && !removed.length && !details.length) return;
    p.summary = summaryText;
    if (complete) p.complete = false;
    const first: Delta = { type: 'delta', server, summary, upserts: upserts.slice(0, ROWS_PER_MESSAGE), removed, complete, details };
    if (upserts.length <= ROWS_PER_MESSAGE) return this.d.post(first);
    this.d.post({ ...first, continues: true });
    for (let i = ROWS_PER_MESSAGE; i < upserts.length; i += ROWS_PER_MESSAGE) {
      const last = i + ROWS_PER_MESSAGE >= upserts.length;
      this.d.post({
        type: 'delta',
        server,
        upserts: upserts.slice(i, i + ROWS_PER_MESSAGE),
        removed: [],
        complete: false,
        continues: !last,
      });
    }
  }

  private diff(state: ServerState, p: Painted, change: StoreChange | undefined, upserts: Row[], removed: string[]): void {
    const changed = new Set(change?.changed);
    const { serverTime, redact } = state;
    const { keys, records } = state.order;
    if (p.at !== keys) {
      p.byPosition = keys.map((k) => p.rows.get(k));
      p.at = keys;
      if (p.waiting.size) keys.forEach((k, i) => p.waiting.has(k) && p.waiting.set(k, i));
    }
    const paint = (i: number, row: Row) => {
      upserts.push(row);
      p.rows.set(keys[i]!, row);
      p.byPosition[i] = row;
    };
    for (let i = 0; i < records.length; i++) {
      const d = records[i]!;
      const key = keys[i]!;
      const before = p.byPosition[i];
      // Unchanged records can only turn stale, and most changed ones only moved numbers: a cheap status
      // check spares building their rows.
      if (before && destinationStatus(d, serverTime) === before.status) {
        if (!changed.has(key)) continue;
        const fields = change?.moved?.get(key);
        const effect = fields ? rowEffect(fields) : 'text';
        if (effect === 'none') continue;
        if (effect === 'numbers') {
          p.waiting.set(key, i);
          continue;
        }
      }
      const row = toRow(d, serverTime, redact);
      if (before && sameRow(row, before)) continue;
      if (before && onlyNumbersDiffer(row, before)) {
        p.waiting.set(key, i);
        continue;
      }
      paint(i, row);
      p.waiting.delete(key);
    }
    if (p.rows.size !== state.destinations.size || change?.listChanged) {
      for (const key of p.rows.keys()) {
        if (state.destinations.has(key)) continue;
        removed.push(key);
        p.rows.delete(key);
        p.waiting.delete(key);
      }
    }
    let budget = NUMERIC_BUDGET;
    for (const [key, i] of p.waiting) {
      if (budget-- <= 0) break;
      p.waiting.delete(key);
      if (keys[i] === key) paint(i, toRow(records[i]!, serverTime, redact));
    }
  }

  private summaryOf(state: ServerState): ServerSummary {
    const name = state.profile.name;
    const info = state.info;
    return {
      phase: state.phase,
      version: typeof info?.version === 'string' ? info.version.slice(0, 100) : undefined,
      apiVersion: info?.apiVersion,
      serverName: info?.serverName ? state.redact(info.serverName.slice(0, 200)) : undefined,
      serverId: info?.serverId === undefined ? undefined : String(info.serverId).slice(0, 200),
      error: state.error ? wireError(state.error) : undefined,
      credentialsRefused: state.credentialsRefused,
      superuserRefused: state.superuserRefused,
      count: state.destinations.size,
      anomalies: state.anomalies,
      duplicates: state.duplicates,
      lastRefreshMs: state.lastRefreshMs,
      intervalMs: this.d.scheduler.effectiveIntervalMs(name),
      nextTryAt: this.d.scheduler.nextTryAt(name),
    };
  }
}
