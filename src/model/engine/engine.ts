/**
 * The engine: everything that grows with a server's size, run on the worker thread. It owns the store
 * (clients, fetch, parse, check, diff, history) and the refresh scheduler, and after each snapshot
 * posts only what changed for the main thread to paint.
 *
 * Rows whose only change is a moving number (rate, queue) are sent at most NUMERIC_BUDGET per snapshot,
 * the longest-waiting first: a server where half of 10,000 rates move every second must not cost
 * 5,000 row repaints a second. Everything else a row shows (status, error, label, userData) is sent
 * in the snapshot that saw it.
 */
import { fullDestination } from '../../api/destinationList';
import { JetStreamError } from '../../api/errors';
import { idKey, type Destination } from '../../api/schemas';
import { boundedJson } from '../bounded';
import { openClient } from '../clients';
import { checkCompatibility } from '../compat';
import { DetailsSource } from '../details';
import type { Secret, ServerProfile } from '../profiles';
import { exportFile, plan } from '../plan';
import { recreateParams } from '../recreate';
import { onlyNumbersDiffer, rowEffect, sameRow, toRow, destinationError } from '../rows';
import { RefreshScheduler } from '../scheduler';
import { destinationStatus } from '../status';
import { DestinationStore, threadCpuMs, type ServerState, type StoreChange } from '../store';
import { editUserData } from '../userDataEdit';
import { deleteConfirmed } from '../deletes';
import type { Delta, FromEngine, Operation, OperationResults, Row, ServerSummary, ToEngine, TooltipFields, WireError } from './protocol';

/** Rows a snapshot may repaint for a moving number alone. */
export const NUMERIC_BUDGET = 200;
/** Rows in one message: a large first list arrives in parts, so the main thread never blocks long. */
export const ROWS_PER_MESSAGE = 5000;

export interface EngineHost {
  post(message: FromEngine): void;
  /** Asks the main thread for a profile's stored secret. */
  secret(server: string): Promise<Secret | undefined>;
}

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
  return { code: 'Internal', message: `An internal error of this extension: ${e instanceof Error ? e.message : String(e)}` };
}

interface Painted {
  /** The row as the main thread has it. */
  rows: Map<string, Row>;
  /** Keys whose numbers moved since they were sent, in the order they started waiting. */
  waiting: Set<string>;
  summary: string;
  /** The next delta carries the whole list (a new profile, a restarted engine). */
  complete: boolean;
}

export class Engine {
  readonly store: DestinationStore;
  readonly scheduler: RefreshScheduler;
  private readonly painted = new Map<string, Painted>();
  private watched = new Map<string, DetailsSource>();
  /** userData edits in flight per destination, to confirm by a read when two overlap. */
  private readonly editing = new Map<string, { running: number; overlapped: boolean }>();

  constructor(private readonly host: EngineHost) {
    this.store = new DestinationStore(async (p) => openClient(p, await this.host.secret(p.name)), {
      log: (level, message) => host.post({ type: 'log', level, message }),
    });
    this.scheduler = new RefreshScheduler(this.store, { intervalMs: 1000 });
    this.store.onDidChange((c) => this.publish(c.server, c));
    this.scheduler.onDidChangeInterval((server) => this.publish(server));
  }

  handle(m: ToEngine): void {
    switch (m.type) {
      case 'profiles':
        this.setProfiles(m.profiles);
        return;
      case 'polling':
        this.store.setTimeout(m.timeoutMs);
        this.scheduler.setOptions({ intervalMs: m.intervalMs });
        this.scheduler.setActive(m.active);
        return;
      case 'credentialsChanged':
        this.store.credentialsChanged(m.server);
        return;
      case 'watch':
        this.watch(m.watched);
        return;
      case 'request':
        void this.run(m.operation).then(
          (value) => this.host.post({ type: 'reply', id: m.id, ok: true, value }),
          (e: unknown) => this.host.post({ type: 'reply', id: m.id, ok: false, error: wireError(e) }),
        );
        return;
      case 'secret':
        return; // answered by the worker entry, never routed here
    }
  }

  private setProfiles(profiles: ServerProfile[]): void {
    const before = new Map(this.store.servers().map((s) => [s.profile.name, s]));
    this.store.setProfiles(profiles);
    for (const state of this.store.servers()) {
      const name = state.profile.name;
      this.publish(name);
      if (before.get(name) === state) continue;
      // A new or edited profile starts from an empty list on the main thread too, and is asked for its
      // destinations once even while polling is off: the user has just configured it.
      this.painted.delete(name);
      void this.scheduler.refreshNow(name);
    }
    for (const name of this.painted.keys()) if (!this.store.server(name)) this.painted.delete(name);
  }

  private watch(watched: { server: string; key: string }[]): void {
    const next = new Map<string, DetailsSource>();
    for (const w of watched) {
      const id = JSON.stringify([w.server, w.key]);
      next.set(
        id,
        this.watched.get(id) ??
          new DetailsSource(this.store, w.server, w.key, { notConfigured: notConfigured(w.server), gone: gone(w.server) }),
      );
    }
    this.watched = next;
    // A panel that just showed gets its destination now, not a second later.
    for (const w of watched) this.publish(w.server);
  }

  private paintedOf(server: string): Painted {
    let p = this.painted.get(server);
    if (!p) this.painted.set(server, (p = { rows: new Map(), waiting: new Set(), summary: '', complete: true }));
    return p;
  }

  /** Posts what changed for one server since the main thread last heard of it. */
  private publish(server: string, change?: StoreChange): void {
    const state = this.store.server(server);
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
    }
    if (change || complete) this.diff(state, p, change, upserts, removed);
    const details: NonNullable<Delta['details']> = [];
    for (const w of this.watched.values()) {
      const message = w.server === server ? w.message() : undefined;
      if (message) details.push({ key: w.destinationKey, message });
    }
    if (!complete && summaryText === p.summary && !upserts.length && !removed.length && !details.length) return;
    p.summary = summaryText;
    if (complete) p.complete = false;
    const first: Delta = { type: 'delta', server, summary, upserts: upserts.slice(0, ROWS_PER_MESSAGE), removed, complete, details };
    if (upserts.length <= ROWS_PER_MESSAGE) return this.host.post(first);
    this.host.post({ ...first, continues: true });
    for (let i = ROWS_PER_MESSAGE; i < upserts.length; i += ROWS_PER_MESSAGE) {
      const last = i + ROWS_PER_MESSAGE >= upserts.length;
      this.host.post({
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
    for (const [key, d] of state.destinations) {
      const before = p.rows.get(key);
      // Unchanged records can only turn stale, and most changed ones only moved numbers: a cheap status
      // check spares building their rows.
      if (before && destinationStatus(d, serverTime) === before.status) {
        if (!changed.has(key)) continue;
        const fields = change?.moved?.get(key);
        const effect = fields ? rowEffect(fields) : 'text';
        if (effect === 'none') continue;
        if (effect === 'numbers') {
          p.waiting.add(key);
          continue;
        }
      }
      const row = toRow(d, serverTime, redact);
      if (before && sameRow(row, before)) continue;
      if (before && onlyNumbersDiffer(row, before)) {
        p.waiting.add(key);
        continue;
      }
      upserts.push(row);
      p.rows.set(key, row);
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
    for (const key of p.waiting) {
      if (budget-- <= 0) break;
      p.waiting.delete(key);
      const d = state.destinations.get(key);
      if (!d) continue;
      const row = toRow(d, serverTime, redact);
      upserts.push(row);
      p.rows.set(key, row);
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
      intervalMs: this.scheduler.effectiveIntervalMs(name),
      nextTryAt: this.scheduler.nextTryAt(name),
    };
  }

  /** Every destination of a server as a full structure, from a list read now: a plan must not rest on an old one. */
  private async fresh(server: string): Promise<Destination[]> {
    await this.scheduler.refreshNow(server, { manual: false });
    const state = this.store.server(server);
    if (!state) throw new JetStreamError('NotFound', `There is no server named '${server}'.`);
    if (state.error) throw state.error;
    // One destination that cannot be read whole would make the plan guess: it is refused, naming it.
    return [...state.destinations.values()].map((d) => fullDestination(d, server));
  }

  private listed(server: string, key: string) {
    const d = this.store.destination(server, key);
    if (!d) throw new JetStreamError('NotFound', `Server '${server}' lists no destination ${key} any more.`, { server });
    return d;
  }

  async run<K extends Operation['op']>(operation: Extract<Operation, { op: K }>): Promise<OperationResults[K]>;
  async run(o: Operation): Promise<unknown> {
    switch (o.op) {
      case 'refresh':
        await this.scheduler.refreshNow(o.server, { manual: o.manual });
        return null;
      case 'details':
        return new DetailsSource(this.store, o.server, o.key, { notConfigured: notConfigured(o.server), gone: gone(o.server) }).message();
      case 'tooltip':
        return this.tooltip(o.server, o.key);
      case 'json': {
        const d = this.store.destination(o.server, o.key);
        return d && boundedJson(d.raw ?? d, this.store.server(o.server)?.redact);
      }
      case 'recreate':
        try {
          const plan = recreateParams(fullDestination(this.listed(o.server, o.key), o.server));
          return plan;
        } catch (e) {
          return { unavailable: e instanceof Error ? e.message : String(e) };
        }
      case 'create': {
        const created = await (await this.store.client(o.server)).createDestination(o.params);
        this.store.accept(o.server, created);
        const state = this.store.server(o.server)!;
        return toRow(created, state.serverTime, state.redact);
      }
      case 'delete': {
        const d = this.listed(o.server, o.key);
        await deleteConfirmed(await this.store.client(o.server), d);
        this.store.forget(o.server, o.key);
        return null;
      }
      case 'editUserData':
        return this.edit(o.server, o.key, { set: o.set, remove: o.remove, expect: o.expect });
      case 'compat': {
        const state = this.store.server(o.server);
        if (!state) throw new JetStreamError('NotFound', `There is no server named '${o.server}'.`);
        return checkCompatibility(await this.store.client(o.server), { transport: state.profile.transport });
      }
      case 'plan':
        return plan(o.file, await this.fresh(o.server));
      case 'export':
        return exportFile(o.server, await this.fresh(o.server));
      case 'test':
        return this.test(o.profile, o.secret);
      case 'stats': {
        const m = process.memoryUsage();
        return { heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, cpuMs: threadCpuMs() };
      }
    }
  }

  private async edit(server: string, key: string, change: Parameters<typeof editUserData>[2]) {
    const client = await this.store.client(server);
    const d = this.listed(server, key);
    const id = JSON.stringify([server, key]);
    const inFlight = this.editing.get(id) ?? { running: 0, overlapped: false };
    inFlight.running++;
    if (inFlight.running > 1) inFlight.overlapped = true;
    this.editing.set(id, inFlight);
    try {
      const outcome = await editUserData(client, d.destinationId, change);
      if (inFlight.running === 1 && inFlight.overlapped) {
        // Edits that overlapped may have been answered out of order: the server's word settles it.
        try {
          const now = (await client.getDestination(d.destinationId)).userData ?? {};
          this.store.acceptUserData(server, key, now);
        } catch {
          // The next poll settles it.
        }
      } else if (!inFlight.overlapped && 'userData' in outcome && outcome.userData) {
        this.store.acceptUserData(server, key, outcome.userData);
      }
      return outcome;
    } finally {
      if (--inFlight.running === 0) this.editing.delete(id);
    }
  }

  private async test(profile: ServerProfile, secret: Secret): Promise<true> {
    const client = await openClient(profile, secret);
    try {
      const info = await client.getServerInfo();
      if (info.authRequired && !profile.user) {
        throw new JetStreamError('AuthRequired', `Server '${profile.name}' requires a user name and password.`, { server: profile.name });
      }
      if (profile.user) await client.listDestinations();
      return true;
    } finally {
      await client.close();
    }
  }

  private tooltip(server: string, key: string): TooltipFields | undefined {
    const state = this.store.server(server);
    const d = state?.destinations.get(key);
    if (!state || !d) return undefined;
    const row = toRow(d, state.serverTime, state.redact);
    return {
      label: row.label,
      status: row.status,
      problem: row.problem,
      error: row.status === 'error' ? destinationError(d, state.redact) : '',
      errorCode: d.lastError === null || d.lastError === undefined ? '' : state.redact(String(d.lastError)),
      sendRateAverage: d.sendRateAverage,
      sendRateMax: d.sendRateMax,
      roundTripTimeMs: d.roundTripTimeMs,
      numTransfersQueued: d.numTransfersQueued,
      encryptionEnabled: d.encryptionEnabled,
      relay: d.relayIP ? state.redact(`${d.relayIP}:${d.relayPort ?? ''}`) : '',
      owner: row.owner,
      lastSendTime: d.lastSendTime,
      id: state.redact(idKey(d.destinationId)),
    };
  }

  dispose(): void {
    this.scheduler.dispose();
    this.store.dispose();
  }
}

const notConfigured = (server: string) => `Server '${server}' is no longer configured.`;
const gone = (server: string) => `This destination no longer exists on server '${server}'.`;
