/**
 * The one place that knows what each server said last. Views read from it and listen to it; commands
 * call the client and then ask it to refresh, so data flows one way: transport → client → store → views.
 *
 * A failed refresh keeps the last good snapshot (marked as such) so nothing flickers to empty while a
 * server is briefly unreachable.
 */
import type { JetStreamClient } from '../api/client';
import type { JetStreamError } from '../api/errors';
import { destinationKey, listed, type DestinationList } from '../api/destinationList';
import type { Destination, ListedDestination, UserData } from '../api/schemas';
import { clientCredential } from './clients';
import { ConfirmedEdits } from './confirmedEdits';
import { Emitter, type Disposable } from './events';
import { ServerHistory, type HistorySeries } from './history';
import type { InvalidProfile, ServerProfile } from './profiles';
import { asJetStreamError, emptyState, noServer, threadCpuMs, type RefreshLog, type ServerState } from './serverState';

export interface StoreChange {
  server: string;
  /** The server's own node changed: phase, info or error. */
  serverChanged: boolean;
  /** Destinations came or went. */
  listChanged: boolean;
  /** Destinations whose row fields or userData changed (apart from snapshotTime, which changes every tick). */
  changed: string[];
  /** For some of the changed: the only fields that moved. A destination not named here may differ anywhere. */
  moved?: ReadonlyMap<string, readonly string[]>;
}

/** What a refresh overtaken by a sign-in returns instead of a change. */
const OVERTAKEN = Symbol('overtaken');

/**
 * Opens a client for a profile; throws a JetStreamError when the secret it needs is missing.
 * `secretRead` is called once the secret was read: a sign-in after that moment is newer than the client's.
 */
export type ClientFactory = (profile: ServerProfile, secretRead: () => void) => Promise<JetStreamClient>;

/** A client as the store opened it: for which state of its server, and under which sign-in. */
interface Opened {
  state: ServerState;
  /** ServerState.signIns when its secret was read. */
  signIn: number;
}

export interface StoreOptions {
  /** Seconds of plot history kept per destination. */
  historySeconds?: number;
  /** How long one request may take; passed with every call, so a change needs no new client. */
  timeoutMs?: number;
  /** Where refreshes are reported: a failure as a warning when it is new, everything else as debug. */
  log?: RefreshLog;
}

export class DestinationStore implements Disposable {
  private readonly states = new Map<string, ServerState>();
  private readonly clients = new Map<string, Promise<JetStreamClient>>();
  private readonly opened = new WeakMap<JetStreamClient, Opened>();
  private readonly histories = new Map<string, ServerHistory>();
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private readonly followUps = new Map<string, Promise<void>>();
  private invalidProfiles: InvalidProfile[] = [];
  private readonly edits = new ConfirmedEdits();
  /** Per server, the destinations whose whole records are asked for, counted per asker; `all` for every one. */
  private readonly wanted = new Map<string, { all: number; keys: Map<string, number> }>();
  private readonly changeEmitter = new Emitter<StoreChange>();
  private readonly profilesEmitter = new Emitter<void>();
  /** One event per refresh of one server. */
  readonly onDidChange = this.changeEmitter.event;
  /** Servers were added, removed or edited. */
  readonly onDidChangeServers = this.profilesEmitter.event;

  constructor(
    private readonly connect: ClientFactory,
    private readonly options: StoreOptions = {},
  ) {}

  /** Applies the profiles from settings: keeps the state of servers whose profile did not change. */
  setProfiles(profiles: ServerProfile[], invalid: InvalidProfile[] = []): void {
    const next = new Map<string, ServerState>();
    for (const profile of profiles) {
      const old = this.states.get(profile.name);
      if (old && JSON.stringify(old.profile) === JSON.stringify(profile)) {
        next.set(profile.name, old);
      } else {
        if (old) this.forgetClient(profile.name);
        next.set(profile.name, emptyState(profile));
        this.histories.delete(profile.name);
      }
    }
    for (const name of this.states.keys()) {
      if (!next.has(name)) {
        this.forgetClient(name);
        this.histories.delete(name);
      }
    }
    this.states.clear();
    for (const [k, v] of next) this.states.set(k, v);
    this.invalidProfiles = invalid;
    this.profilesEmitter.fire();
  }

  servers(): ServerState[] {
    return [...this.states.values()];
  }

  invalid(): InvalidProfile[] {
    return this.invalidProfiles;
  }

  server(name: string): ServerState | undefined {
    return this.states.get(name);
  }

  destination(server: string, id: string): ListedDestination | undefined {
    return this.states.get(server)?.destinations.get(id);
  }

  /**
   * Keeps the whole records of these destinations (or all of a server's) from the next snapshot on,
   * until disposed: a details panel, Copy as JSON, the undo of a delete and a plan need them, and
   * nothing else does (see checkDestinationList).
   */
  wantWhole(server: string, keys: readonly string[] | 'all'): Disposable {
    const wanted = this.wantedOf(server);
    if (keys === 'all') wanted.all++;
    else for (const k of keys) wanted.keys.set(k, (wanted.keys.get(k) ?? 0) + 1);
    let done = false;
    return {
      dispose: () => {
        if (done) return;
        done = true;
        if (keys === 'all') wanted.all--;
        else
          for (const k of keys) {
            const n = (wanted.keys.get(k) ?? 0) - 1;
            if (n > 0) wanted.keys.set(k, n);
            else wanted.keys.delete(k);
          }
      },
    };
  }

  /** A server's wanted records; kept (it is small) so that a refresh on its way sees what is asked for now. */
  private wantedOf(server: string): { all: number; keys: Map<string, number> } {
    let w = this.wanted.get(server);
    if (!w) this.wanted.set(server, (w = { all: 0, keys: new Map() }));
    return w;
  }

  /**
   * Which records of a server's next snapshot are kept whole, as asked for when its answer is checked,
   * not when it was sent: a panel opened meanwhile (its record whole from an earlier snapshot, so it
   * asks for no refresh of its own) keeps its record.
   */
  private wholeOf(server: string): (key: string) => boolean {
    const w = this.wantedOf(server);
    return (key) => w.all > 0 || (w.keys.size > 0 && w.keys.has(key));
  }

  history(server: string, id: string): HistorySeries {
    return this.histories.get(server)?.get(id) ?? { t: [], sendRateAverage: [], sendRateMax: [], roundTripTimeMs: [] };
  }

  /** A destination's recent send rate in `points` buckets over `spanMs` (ServerHistory.recentRates). */
  recentRates(server: string, id: string, points: number, spanMs: number): (number | null)[] | undefined {
    return this.histories.get(server)?.recentRates(id, points, spanMs);
  }

  /**
   * The client for a server, opened once and reused until its profile or secret changes. A server that
   * refused its credentials gets none: every command would send the refused password again.
   */
  client(name: string): Promise<JetStreamClient> {
    const state = this.states.get(name);
    if (!state) return Promise.reject(noServer(name));
    if (state.credentialsRefused && state.error) return Promise.reject(state.error);
    let client = this.clients.get(name);
    if (!client) {
      let signIn: number | undefined;
      const profile = state.superuserRefused ? { ...state.profile, superuser: false } : state.profile;
      const opening = this.connect(profile, () => (signIn = state.signIns)).then((c) => {
        const credential = clientCredential(c);
        const refusal = credential === undefined ? undefined : state.refused.get(credential);
        if (refusal) {
          void c.close();
          throw refusal;
        }
        // A factory that does not say when it read the secret is counted now: a refusal is then the
        // newest secret's, which errs on the safe side.
        this.opened.set(c, { state, signIn: signIn ?? state.signIns });
        return c;
      });
      opening.catch(() => {
        if (this.clients.get(name) === opening) this.clients.delete(name);
      });
      this.clients.set(name, opening);
      client = opening;
    }
    return client;
  }

  /**
   * Runs an operation (an edit, a create, a delete) with the server's client. Its password refused by
   * any call marks it refused, as a refresh's refusal does: the next poll does not send it again.
   */
  async withClient<T>(name: string, use: (client: JetStreamClient) => Promise<T>): Promise<T> {
    const client = await this.client(name);
    try {
      return await use(client);
    } finally {
      // An edit says a refusal in its outcome: the client's own latch is the one sure sign.
      if (client.refusal) this.refusedBy(name, client, client.refusal);
    }
  }

  private refusedBy(name: string, client: JetStreamClient, refusal: JetStreamError): void {
    const opened = this.opened.get(client);
    const state = this.states.get(name);
    if (!opened || !state || opened.state !== state) return; // a client of a profile replaced since
    remember(state, client, refusal);
    if (opened.signIn !== state.signIns || state.credentialsRefused) return; // the next poll tries the newer secret
    state.phase = 'error';
    state.error = refusal;
    state.credentialsRefused = true;
    this.forgetClient(name);
    this.changeEmitter.fire({ server: name, serverChanged: true, listChanged: false, changed: [] });
  }

  /**
   * The user signed in again, or the stored secret changed: the server may be tried once more, with a
   * new client that reads the new secret.
   */
  credentialsChanged(name: string, { signedIn }: { signedIn: boolean }): void {
    const state = this.states.get(name);
    if (!state) return;
    state.signIns++;
    // The user's own sign-in may send a password refused before (the account was unlocked meanwhile).
    if (signedIn) state.refused.clear();
    this.forgetClient(name);
    if (!state.credentialsRefused) return;
    state.credentialsRefused = false;
    state.consecutiveFailures = 0;
    this.changeEmitter.fire({ server: name, serverChanged: true, listChanged: false, changed: [] });
  }

  /** A manual Refresh starts the backoff afresh; a refused credential stays refused. */
  resetBackoff(name: string): void {
    const state = this.states.get(name);
    if (state) state.consecutiveFailures = 0;
  }

  /** Drops a server's client, e.g. after its password changed, so the next call signs in afresh. */
  forgetClient(name: string): void {
    const client = this.clients.get(name);
    this.clients.delete(name);
    client?.then((c) => c.close()).catch(() => undefined);
  }

  /**
   * Fetches one server's info and destinations and announces what changed. Calls for a server never
   * overlap: a call while one is running waits for it and then runs once more.
   */
  refresh(name: string): Promise<void> {
    if (this.states.get(name)?.credentialsRefused) return Promise.resolve();
    const running = this.inFlight.get(name);
    if (running) {
      // However many callers wait, one more refresh follows the running one.
      let next = this.followUps.get(name);
      if (!next) {
        next = running.then(() => {
          this.followUps.delete(name);
          return this.refresh(name);
        });
        this.followUps.set(name, next);
      }
      return next;
    }
    const task = this.fetch(name).finally(() => this.inFlight.delete(name));
    this.inFlight.set(name, task);
    // A refresh overtaken by a sign-in says nothing: its callers get the answer of the one after it.
    return task.then((overtaken) => (overtaken ? (this.followUps.get(name) ?? this.refresh(name)) : undefined));
  }

  /** Resolves true when a sign-in overtook the refresh: what it got is for the secret replaced since. */
  private async fetch(name: string): Promise<boolean> {
    const state = this.states.get(name);
    if (!state) return false;
    const change = await this.fetchChange(name, state);
    if (change === OVERTAKEN) return true;
    // Listeners run outside the fetch's error handling: a view that throws cannot fail a healthy server.
    if (change && this.states.get(name) === state) this.changeEmitter.fire(change);
    return false;
  }

  private async fetchChange(name: string, state: ServerState): Promise<StoreChange | typeof OVERTAKEN | undefined> {
    const started = Date.now();
    const cpu = threadCpuMs();
    const mark = this.edits.mark();
    // The sign-in whose secret this refresh sends; a client not opened yet has none of a later one.
    let signIn = state.signIns;
    let client: JetStreamClient | undefined;
    const call = { timeoutMs: this.options.timeoutMs };
    try {
      client = await this.client(name);
      signIn = this.opened.get(client)?.signIn ?? signIn;
      state.redact = client.redact;
      const info = state.info ?? (await client.getServerInfo(call));
      const answer = await client.listDestinations(state, call, this.wholeOf(name));
      if (this.states.get(name) !== state) return undefined; // the profile changed meanwhile: this answer is for the old one
      const serverChanged = state.phase !== 'ok' || state.error !== undefined || state.info !== info;
      state.info = info;
      this.apply(state, answer);
      this.edits.keep(name, mark, answer, (key, userData) => setRecord(state, key, withUserData(answer.destinations.get(key)!, userData)));
      state.phase = 'ok';
      state.error = undefined;
      state.consecutiveFailures = 0;
      state.lastRefreshMs = Date.now() - started;
      state.lastRefreshCpuMs = threadCpuMs() - cpu;
      state.lastSuccessAt = Date.now();
      this.options.log?.(
        'debug',
        `${name}: ${answer.destinations.size} destinations in ${state.lastRefreshMs} ms (${Math.round(state.lastRefreshCpuMs)} ms CPU)`,
      );
      return { server: name, serverChanged, listChanged: answer.listChanged, changed: answer.changed, moved: answer.moved };
    } catch (e) {
      if (this.states.get(name) !== state) return undefined;
      const error = asJetStreamError(e, name, this.options.log);
      // A refused credential is remembered whichever sign-in it came from: it is never sent again by itself.
      if (client?.refusal) remember(state, client, client.refusal);
      // Failed with a secret the user has replaced since (refused, or its client closed by the sign-in):
      // the refresh after tries the new one.
      if (signIn !== state.signIns) return OVERTAKEN;
      if (error.code === 'PermissionDenied' && state.profile.superuser && !state.superuserRefused) {
        // Refused the superuser view: show the user's own destinations, once asked for without it.
        state.superuserRefused = true;
        this.forgetClient(name);
        this.options.log?.('warn', `${name}: the superuser view was refused (${error.message}); showing the user's own destinations`);
        return this.fetchChange(name, state);
      }
      const serverChanged = state.phase !== 'error' || state.error?.message !== error.message;
      state.phase = 'error';
      state.error = error;
      state.consecutiveFailures++;
      if (error.isAuthentication) state.credentialsRefused = true;
      if (error.isAuthentication || error.code === 'ConsoleNotFound' || error.code === 'PythonSetup') this.forgetClient(name);
      // A restarted server may report a new version: ask again once it answers.
      state.info = undefined;
      this.options.log?.(serverChanged ? 'warn' : 'debug', `${name}: ${error.code}: ${error.message}`);
      return { server: name, serverChanged, listChanged: false, changed: [] };
    }
  }

  /** Replaces the snapshot and records plot history. */
  private apply(state: ServerState, { destinations, order, listChanged, serverTime, duplicates, anomalies }: DestinationList): void {
    state.destinations = destinations;
    state.order = order;
    state.serverTime = serverTime;
    state.duplicates = duplicates;
    state.anomalies = anomalies;
    let history = this.histories.get(state.profile.name);
    if (!history) {
      history = new ServerHistory(this.options.historySeconds ?? 300);
      this.histories.set(state.profile.name, history);
    }
    history.record(serverTime !== null ? serverTime / 1000 : Date.now(), order, listChanged);
  }

  /** Takes a destination the server just confirmed (after a create or a userData edit) without waiting for a poll. */
  accept(server: string, destination: Destination): void {
    const state = this.states.get(server);
    if (!state) return;
    const key = destinationKey(destination);
    const isNew = !state.destinations.has(key);
    setRecord(state, key, listed(destination, true));
    this.changeEmitter.fire({ server, serverChanged: false, listChanged: isNew, changed: isNew ? [] : [key] });
  }

  /**
   * Applies the userData the server confirmed after an edit. Until a poll asked for after this moment
   * answers, polls keep this userData rather than what they read before the edit landed.
   */
  acceptUserData(server: string, key: string, userData: UserData): void {
    const state = this.states.get(server);
    const d = state?.destinations.get(key);
    if (!state || !d) return;
    setRecord(state, key, withUserData(d, userData));
    this.edits.confirm(server, key, userData);
    this.changeEmitter.fire({ server, serverChanged: false, listChanged: false, changed: [key] });
  }

  /** Sets how long each request may take from now on. */
  setTimeout(ms: number): void {
    this.options.timeoutMs = ms;
  }

  /** Forgets a destination the server confirmed deleted. */
  forget(server: string, id: string): void {
    const state = this.states.get(server);
    if (!state?.destinations.has(id)) return;
    setRecord(state, id, undefined);
    this.changeEmitter.fire({ server, serverChanged: false, listChanged: true, changed: [] });
  }

  dispose(): void {
    for (const name of [...this.clients.keys()]) this.forgetClient(name);
    this.changeEmitter.dispose();
    this.profilesEmitter.dispose();
  }
}

/**
 * Replaces, adds or removes one record between snapshots, in the map and in the order alike. The order
 * is a new one, so what kept places by the old (the history, the painter) finds them again. The map is
 * a new one too: a check that reused the old one (checkDestinationList, while the server lists the same
 * destinations) may have returned it and not been applied yet, and its map must stay its order's.
 */
function setRecord(state: ServerState, key: string, d: ListedDestination | undefined): void {
  const destinations = new Map(state.destinations);
  const keys = [...state.order.keys];
  const records = [...state.order.records];
  const at = keys.indexOf(key);
  state.destinations = destinations;
  if (d) {
    destinations.set(key, d);
    if (at >= 0) records[at] = d;
    else {
      keys.push(key);
      records.push(d);
    }
  } else {
    destinations.delete(key);
    if (at >= 0) {
      keys.splice(at, 1);
      records.splice(at, 1);
    }
  }
  state.order = { keys, records };
}

/** A record with the userData the server confirmed, in its whole record too. */
function withUserData(d: ListedDestination, userData: UserData): ListedDestination {
  const raw = typeof d.raw === 'object' && d.raw !== null ? { ...d.raw, userData } : d.raw;
  return { ...d, userData, raw };
}

/** Remembers a credential the server refused (by its digest), so no client sends it again by itself. */
function remember(state: ServerState, client: JetStreamClient, refusal: JetStreamError): void {
  const credential = clientCredential(client);
  if (credential !== undefined) state.refused.set(credential, refusal);
}
