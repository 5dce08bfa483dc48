/**
 * What the main thread knows of every server: its profile, the engine's summary of it, and the rows the
 * tree shows. It is kept up to date by the engine's deltas (engine/protocol.ts) and announces, per
 * delta, exactly what changed; everything else (a tooltip, a whole record, a command) is asked of the
 * engine when it is needed.
 */
import type { JetStreamError } from '../api/errors';
import { l10n } from '../api/l10n';
import type { Details } from './details';
import { EngineLink, EngineStopped, MAX_RESTART_MS, toJetStreamError } from './engine/link';
import type { Delta, Operation, OperationResults, Row, ServerSummary } from './engine/protocol';
import { Emitter, type Disposable } from './events';
import type { InvalidProfile, Secret, ServerProfile } from './profiles';
import { unanswered, type EditOutcome, type UserDataChange } from './userDataEdit';

export interface ServerView {
  readonly profile: ServerProfile;
  summary: ServerSummary;
  /** The summary's error as the views act on it. */
  error: JetStreamError | undefined;
  /** By destination key, in the order the server listed them. */
  rows: Map<string, Row>;
  /** Rows in error, kept as deltas arrive (the tree's and the status bar's count). */
  errors: number;
}

export interface MirrorChange {
  server: string;
  /** The server's own row changed: phase, version, error, counts, interval. */
  serverChanged: boolean;
  /** Destinations came or went. */
  listChanged: boolean;
  /** Keys of rows whose shown fields changed. */
  changed: string[];
}

export interface PollingState {
  active: boolean;
  intervalMs: number;
  timeoutMs: number;
}

export interface MirrorOptions {
  /** The worker's script: dist/worker.js (node tests: test/support/worker-from-source.cjs). */
  script: string;
  /** vscode.l10n.bundle, for the engine's words; undefined for English. */
  bundle?: Readonly<Record<string, string>> | undefined;
  secret(server: string): Promise<Secret | undefined>;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
}

/** How long an edit cut off by an engine stop waits for the next engine to ask the server: past the longest backoff. */
const RESTART_WAIT_MS = MAX_RESTART_MS + 10_000;

function loading(): ServerSummary {
  return {
    phase: 'loading',
    credentialsRefused: false,
    superuserRefused: false,
    count: 0,
    anomalies: 0,
    duplicates: 0,
    lastRefreshMs: 0,
    intervalMs: 0,
  };
}

export class DestinationMirror implements Disposable {
  private readonly views = new Map<string, ServerView>();
  private invalidProfiles: InvalidProfile[] = [];
  /** A whole list arriving in parts: applied when its last part is in. */
  private readonly arriving = new Map<string, Map<string, Row>>();
  private polling: PollingState = { active: false, intervalMs: 1000, timeoutMs: 10_000 };
  private watched: { server: string; key: string }[] = [];
  private readonly link: EngineLink;
  private readonly changeEmitter = new Emitter<MirrorChange>();
  private readonly serversEmitter = new Emitter<void>();
  private readonly detailsEmitter = new Emitter<{ server: string; key: string; details: Details }>();
  /** true: a new engine is up; false: the mirror is disposed, none will be. */
  private readonly startedEmitter = new Emitter<boolean>();
  private disposed = false;
  /** One event per delta of one server. */
  readonly onDidChange = this.changeEmitter.event;
  /** Servers were added, removed or edited. */
  readonly onDidChangeServers = this.serversEmitter.event;
  /** The details of a destination whose panel is watched, once per snapshot. */
  readonly onDidReceiveDetails = this.detailsEmitter.event;

  constructor(options: MirrorOptions) {
    this.link = new EngineLink(options.script, options.bundle, {
      delta: (d) => this.apply(d),
      log: options.log,
      secret: options.secret,
      stopped: (reason, restartInMs) => this.engineStopped(reason, restartInMs),
      started: () => this.engineStarted(),
    });
    this.link.start();
  }

  setProfiles(profiles: ServerProfile[], invalid: InvalidProfile[] = []): void {
    const next = new Map<string, ServerView>();
    for (const profile of profiles) {
      const old = this.views.get(profile.name);
      next.set(
        profile.name,
        old && JSON.stringify(old.profile) === JSON.stringify(profile)
          ? old
          : { profile, summary: loading(), error: undefined, rows: new Map(), errors: 0 },
      );
    }
    this.views.clear();
    for (const [k, v] of next) this.views.set(k, v);
    this.invalidProfiles = invalid;
    this.link.send({ type: 'profiles', profiles });
    this.serversEmitter.fire();
  }

  servers(): ServerView[] {
    return [...this.views.values()];
  }

  server(name: string): ServerView | undefined {
    return this.views.get(name);
  }

  row(server: string, key: string): Row | undefined {
    return this.views.get(server)?.rows.get(key);
  }

  invalid(): InvalidProfile[] {
    return this.invalidProfiles;
  }

  setPolling(polling: PollingState): void {
    if (JSON.stringify(polling) === JSON.stringify(this.polling)) return;
    this.polling = polling;
    this.link.send({ type: 'polling', ...polling });
  }

  /** The destinations whose panels are visible: their details arrive with every snapshot. */
  watch(watched: { server: string; key: string }[]): void {
    this.watched = watched;
    this.link.send({ type: 'watch', watched });
  }

  /**
   * A server's secret changed, so it may be tried once more: `signedIn` when this window's user entered
   * it (even a password refused before may be sent again), not when another window stored it.
   */
  credentialsChanged(server: string, signedIn: boolean): void {
    this.link.send({ type: 'credentialsChanged', server, signedIn });
  }

  request<K extends Operation['op']>(operation: Extract<Operation, { op: K }>): Promise<OperationResults[K]> {
    return this.link.request(operation);
  }

  /**
   * The one userData edit, whichever editor asks (the tree's edit and delete, the details panel, a
   * destinations file, a Retry). An engine that stopped with the edit in flight may have sent it: the
   * next engine asks the server: landed when it holds the edit, else unknown (it may land late), never
   * "did not land".
   */
  async editUserData(server: string, key: string, change: UserDataChange): Promise<EditOutcome> {
    try {
      return await this.link.request({ op: 'editUserData', server, key, set: change.set, remove: change.remove, expect: change.expect });
    } catch (e) {
      return e instanceof EngineStopped ? this.checkAfterRestart(server, key, change, e) : unanswered(e, false);
    }
  }

  private async checkAfterRestart(server: string, key: string, change: UserDataChange, e: EngineStopped): Promise<EditOutcome> {
    const id = this.row(server, key)?.id;
    if (id === undefined || !(await this.restarted())) return unanswered(e, true);
    const error = { code: e.code, message: e.message };
    return this.link
      .request({ op: 'checkUserData', server, id, set: change.set, remove: change.remove, error })
      .catch(() => unanswered(e, true));
  }

  /** Whether a new engine comes up within RESTART_WAIT_MS. */
  private restarted(): Promise<boolean> {
    if (this.disposed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (up: boolean) => {
        clearTimeout(timer);
        sub.dispose();
        resolve(up);
      };
      const timer = setTimeout(() => done(false), RESTART_WAIT_MS);
      const sub = this.startedEmitter.event(done);
    });
  }

  /** Stops the engine's worker as a crash would: for the fault suite. */
  crashEngineForTest(): Promise<number> | undefined {
    return this.link.terminateForTest();
  }

  private apply(d: Delta): void {
    const view = this.views.get(d.server);
    if (!view) return;
    if (d.complete) this.arriving.set(d.server, new Map());
    const target = this.arriving.get(d.server) ?? view.rows;
    const whole = target !== view.rows;
    const changed: string[] = [];
    let listChanged = whole || d.removed.length > 0;
    let errors = 0;
    for (const row of d.upserts) {
      const old = target.get(row.key);
      if (old) changed.push(row.key);
      else listChanged = true;
      errors += (row.status === 'error' ? 1 : 0) - (old?.status === 'error' ? 1 : 0);
      target.set(row.key, row);
    }
    for (const key of d.removed) {
      if (target.get(key)?.status === 'error') errors--;
      target.delete(key);
    }
    if (!whole) view.errors += errors;
    if (d.summary) {
      view.summary = d.summary;
      view.error = d.summary.error ? toJetStreamError(d.summary.error) : undefined;
    }
    if (d.continues) return;
    if (whole) {
      view.rows = target;
      view.errors = 0;
      for (const r of target.values()) if (r.status === 'error') view.errors++;
      this.arriving.delete(d.server);
    }
    this.changeEmitter.fire({ server: d.server, serverChanged: !!d.summary || whole, listChanged, changed: whole ? [] : changed });
    for (const { key, details } of d.details ?? []) this.detailsEmitter.fire({ server: d.server, key, details });
  }

  private engineStarted(): void {
    // A new worker knows nothing: tell it everything, and it sends every list whole.
    this.link.send({ type: 'profiles', profiles: this.servers().map((v) => v.profile) });
    this.link.send({ type: 'polling', ...this.polling });
    this.link.send({ type: 'watch', watched: this.watched });
    this.startedEmitter.fire(true);
  }

  /** The tree keeps every row it has and says on each server's row what happened. */
  private engineStopped(reason: string, restartInMs: number): void {
    this.arriving.clear();
    for (const view of this.views.values()) {
      const error = {
        code: 'Internal' as const,
        message: l10n.t(
          'The background engine of this extension stopped ({0}); it starts again in {1} s. The rows show the last data seen.',
          reason,
          Math.round(restartInMs / 1000),
        ),
      };
      view.summary = { ...view.summary, phase: 'error', error };
      view.error = toJetStreamError(error);
      this.changeEmitter.fire({ server: view.profile.name, serverChanged: true, listChanged: false, changed: [] });
    }
  }

  dispose(): void {
    this.disposed = true;
    this.startedEmitter.fire(false);
    this.startedEmitter.dispose();
    this.link.dispose();
    this.changeEmitter.dispose();
    this.serversEmitter.dispose();
    this.detailsEmitter.dispose();
  }
}
