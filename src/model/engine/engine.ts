/**
 * The engine: everything that grows with a server's size, run on the worker thread. It owns the store
 * (clients, fetch, parse, check, diff, history) and the refresh scheduler, runs what the main thread
 * asks for, and after each snapshot has the painter (`painter.ts`) post only what changed.
 */
import { fullDestination } from '../../api/destinationList';
import { JetStreamError } from '../../api/errors';
import { l10n } from '../../api/l10n';
import { idKey, isId, isRecord, type Destination } from '../../api/schemas';
import { boundedJson } from '../bounded';
import { openClient } from '../clients';
import { checkCompatibility } from '../compat';
import { DetailsSource } from '../details';
import type { Secret, ServerProfile } from '../profiles';
import { exportFile, plan } from '../plan';
import { recreateParams } from '../recreate';
import type { Disposable } from '../events';
import { toRow, destinationError } from '../rows';
import { RefreshScheduler } from '../scheduler';
import { noServer, threadCpuMs } from '../serverState';
import { DestinationStore } from '../store';
import { checkedEdit, editUserData } from '../userDataEdit';
import { deleteConfirmed } from '../deletes';
import { Painter, wireError } from './painter';
import {
  RATE_HISTORY_POINTS,
  RATE_HISTORY_TARGETS,
  type FromEngine,
  type Operation,
  type OperationResults,
  type ToEngine,
  type TooltipFields,
} from './protocol';

export interface EngineHost {
  post(message: FromEngine): void;
  /** Asks the main thread for a profile's stored secret. */
  secret(server: string): Promise<Secret | undefined>;
}

export class Engine {
  readonly store: DestinationStore;
  readonly scheduler: RefreshScheduler;
  private readonly painter: Painter;
  private watched = new Map<string, DetailsSource>();
  /** The whole records the open panels show, kept from every snapshot. */
  private watchedWhole: Disposable[] = [];
  /** userData edits in flight per destination, to confirm by a read when two overlap. */
  private readonly editing = new Map<string, { running: number; overlapped: boolean }>();

  constructor(private readonly host: EngineHost) {
    this.store = new DestinationStore(
      async (p, secretRead) => {
        const secret = await this.host.secret(p.name);
        secretRead();
        return openClient(p, secret);
      },
      {
        log: (level, message) => host.post({ type: 'log', level, message }),
      },
    );
    this.scheduler = new RefreshScheduler(this.store, { intervalMs: 1000 });
    this.painter = new Painter({
      store: this.store,
      scheduler: this.scheduler,
      watched: () => this.watched.values(),
      post: (message) => host.post(message),
    });
    this.store.onDidChange((c) => this.painter.publish(c.server, c));
    this.scheduler.onDidChangeInterval((server) => this.painter.publish(server));
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
        this.store.credentialsChanged(m.server, { signedIn: m.signedIn });
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
      this.painter.publish(name);
      if (before.get(name) === state) continue;
      // A new or edited profile starts from an empty list on the main thread too, and is asked for its
      // destinations once even while polling is off: the user has just configured it.
      this.painter.forget(name);
      void this.scheduler.refreshNow(name);
    }
    this.painter.forgetRemoved();
  }

  private watch(watched: { server: string; key: string }[]): void {
    const before = this.watchedWhole;
    this.watchedWhole = watched.map((w) => this.store.wantWhole(w.server, [w.key]));
    before.forEach((w) => w.dispose());
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
    // A panel that just showed gets its destination now, not a second later: a record not read whole
    // yet is read at once.
    for (const server of new Set(watched.map((w) => w.server))) {
      const unread = watched.some((w) => w.server === server && !this.store.destination(server, w.key)?.raw);
      if (unread) void this.scheduler.refreshNow(server);
      this.painter.publish(server);
    }
  }

  /** Every destination of a server as a full structure, from a list read now: a plan must not rest on an old one. */
  private async fresh(server: string): Promise<Destination[]> {
    const whole = this.store.wantWhole(server, 'all');
    try {
      await this.scheduler.refreshNow(server, { manual: false });
    } finally {
      whole.dispose();
    }
    const state = this.store.server(server);
    if (!state) throw noServer(server);
    if (state.error) throw state.error;
    // One destination that cannot be read whole would make the plan guess: it is refused, naming it.
    return [...state.destinations.values()].map((d) => fullDestination(d, server));
  }

  private listed(server: string, key: string) {
    const d = this.store.destination(server, key);
    if (!d) throw new JetStreamError('NotFound', l10n.t("Server '{0}' lists no destination {1} any more.", server, key), { server });
    return d;
  }

  /**
   * An edit a stopped engine had in flight, checked by this one. Only "landed" is sure: an old value
   * may mean the write is still on its way (a server that applies it late, a console or bridge process
   * of the stopped engine still carrying it), so that stays unknown.
   */
  private async checkAfterStop(o: Extract<Operation, { op: 'checkUserData' }>): Promise<OperationResults['checkUserData']> {
    const outcome = await this.store.withClient(o.server, (c) => checkedEdit(c, o.id, { set: o.set, remove: o.remove }, o.error));
    return outcome.result === 'landed' ? outcome : { result: 'unknown', error: o.error };
  }

  async run<K extends Operation['op']>(operation: Extract<Operation, { op: K }>): Promise<OperationResults[K]>;
  async run(o: Operation): Promise<unknown> {
    switch (o.op) {
      case 'refresh':
        await this.scheduler.refreshNow(o.server, { manual: o.manual });
        return null;
      case 'details':
        return new DetailsSource(this.store, o.server, o.key, { notConfigured: notConfigured(o.server), gone: gone(o.server) }).details();
      case 'tooltip':
        return this.tooltip(o.server, o.key);
      case 'json': {
        // The record as the server has it now: the store keeps only what the tree shows.
        // Redacted with the secrets of the client that read it: after a sign-in, before the next poll,
        // the server's state still has the redactor of the password it no longer sends.
        const d = this.listed(o.server, o.key);
        // A record whose id could not be read cannot be asked for (its id is a stand-in, its place in
        // the list): what the server listed, kept with every odd record, is all there is.
        const listedId = isRecord(d.raw) ? d.raw.destinationId : undefined;
        if (d.problem && !isId(listedId)) return boundedJson(d.raw, this.store.server(o.server)?.redact);
        return this.store.withClient(o.server, async (c) =>
          boundedJson(await c.callRaw('send.getDestination', { destinationId: d.destinationId }), c.redact),
        );
      }
      case 'recreate':
        try {
          const d = this.listed(o.server, o.key);
          return recreateParams(await this.store.withClient(o.server, (c) => c.getDestination(d.destinationId)));
        } catch (e) {
          return { unavailable: e instanceof Error ? e.message : String(e) };
        }
      case 'create': {
        const created = await this.store.withClient(o.server, (c) => c.createDestination(o.params));
        this.store.accept(o.server, created);
        const state = this.store.server(o.server)!;
        return toRow(created, state.serverTime, state.redact);
      }
      case 'delete': {
        const d = this.listed(o.server, o.key);
        await this.store.withClient(o.server, (c) => deleteConfirmed(c, d));
        this.store.forget(o.server, o.key);
        return null;
      }
      case 'editUserData':
        return this.edit(o.server, o.key, { set: o.set, remove: o.remove, expect: o.expect });
      case 'checkUserData':
        return this.checkAfterStop(o);
      case 'compat': {
        const state = this.store.server(o.server);
        if (!state) throw noServer(o.server);
        return this.store.withClient(o.server, (c) => checkCompatibility(c, { transport: state.profile.transport }));
      }
      case 'plan':
        return plan(o.file, await this.fresh(o.server));
      case 'export':
        return exportFile(o.server, await this.fresh(o.server));
      case 'test':
        return this.test(o.profile, o.secret);
      case 'rateHistory': {
        const points = Math.max(1, Math.min(RATE_HISTORY_POINTS, Math.floor(o.points)));
        return o.targets.slice(0, RATE_HISTORY_TARGETS).map((t) => this.store.recentRates(t.server, t.key, points, o.spanMs) ?? null);
      }
      case 'stats': {
        // Live memory, as on the main thread: garbage collected first where the host allows it (--expose-gc).
        (globalThis as { gc?: () => void }).gc?.();
        const m = process.memoryUsage();
        return { heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, cpuMs: threadCpuMs() };
      }
    }
  }

  private edit(server: string, key: string, change: Parameters<typeof editUserData>[2]) {
    return this.store.withClient(server, async (client) => {
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
    });
  }

  private async test(profile: ServerProfile, secret: Secret): Promise<true> {
    const client = await openClient(profile, secret);
    try {
      const info = await client.getServerInfo();
      if (info.authRequired && !profile.user) {
        throw new JetStreamError('AuthRequired', l10n.t("Server '{0}' requires a user name and password.", profile.name), {
          server: profile.name,
        });
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

const notConfigured = (server: string) => l10n.t("Server '{0}' is no longer configured.", server);
const gone = (server: string) => l10n.t("This destination no longer exists on server '{0}'.", server);
