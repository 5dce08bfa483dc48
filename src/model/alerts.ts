/**
 * Alerts: a destination that entered the error state, has been disconnected longer than the user
 * allows, or queues more than the user allows. Decided here from the mirror's rows (redacted on the
 * engine's thread: an alert can only say what a row says), with the time handed in; shown by
 * views/alerts.ts.
 *
 * - One alert per destination and condition, raised once and kept until the condition has ended for
 *   `clearAfterMs` (hysteresis: a destination flapping in and out of a condition keeps its one alert,
 *   and a queue must fall below a lower mark, not just to the threshold, to count as ended).
 * - Alerts raised close together are shown together: one notification at once, then at most one per
 *   `notifyGapMs`, holding every alert raised meanwhile.
 * - A destination that is gone, a server that was removed, a setting turned off: its alerts clear at once.
 */
import type { Row } from './engine/protocol';

export type AlertCondition = 'error' | 'disconnected' | 'queue';

export const ALERT_CONDITIONS: readonly AlertCondition[] = ['error', 'disconnected', 'queue'];

export interface AlertSettings {
  /** Alert when a destination enters the error state. */
  onError: boolean;
  /** Alert when a destination has been disconnected longer than this; 0 is off. */
  disconnectedSeconds: number;
  /** Alert when more transfers than this are queued; 0 is off. */
  queueAbove: number;
}

export const ALERTS_OFF: AlertSettings = { onError: false, disconnectedSeconds: 0, queueAbove: 0 };

export interface AlertTiming {
  /** How long a condition must have ended before its alert clears. */
  clearAfterMs: number;
  /** Least time between two notifications. */
  notifyGapMs: number;
  /** A queue alert ends when the queue is at most this share of the threshold. */
  queueClearShare: number;
}

export const DEFAULT_ALERT_TIMING: AlertTiming = { clearAfterMs: 30_000, notifyGapMs: 10_000, queueClearShare: 0.8 };

export interface Alert {
  readonly server: string;
  /** The destination's key (its id as text), as tree nodes and commands name it. */
  readonly key: string;
  readonly condition: AlertCondition;
  /** When it was raised (ms, the clock handed in). */
  readonly raisedAt: number;
  /** What the row said when it was raised: its label, the error in the server's words (redacted), its queue. */
  readonly label: string;
  readonly error: string;
  readonly queued: number;
  /** The setting it was raised under: seconds for `disconnected`, transfers for `queue`, 0 for `error`. */
  readonly threshold: number;
}

export type ClearReason = 'ended' | 'deleted' | 'serverRemoved' | 'settingOff';

export interface AlertEvents {
  raised: Alert[];
  cleared: { alert: Alert; reason: ClearReason }[];
  /** The alerts to show now, in one notification; empty when there is nothing to show yet. */
  notify: Alert[];
}

/** Settings as they may come from a user's JSON: anything not a positive number is off. */
export function alertSettings(raw: { onError?: unknown; disconnectedSeconds?: unknown; queueAbove?: unknown }): AlertSettings {
  const positive = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
  return { onError: raw.onError === true, disconnectedSeconds: positive(raw.disconnectedSeconds), queueAbove: positive(raw.queueAbove) };
}

export function alertsEnabled(s: AlertSettings): boolean {
  return s.onError || s.disconnectedSeconds > 0 || s.queueAbove > 0;
}

interface Active {
  alert: Alert;
  /** Since when the condition has not held; undefined while it holds. */
  endedSince: number | undefined;
}

/** What is known of a destination that has an alert or may get one. */
interface Track {
  row: Pick<Row, 'label' | 'status' | 'error' | 'numTransfersQueued'>;
  disconnectedSince: number | undefined;
  active: Map<AlertCondition, Active>;
}

export class AlertTracker {
  private settings: AlertSettings = ALERTS_OFF;
  private readonly servers = new Map<string, Map<string, Track>>();
  private raised: Alert[] = [];
  private cleared: { alert: Alert; reason: ClearReason }[] = [];
  /** Raised and not yet shown. */
  private pending: Alert[] = [];
  private lastNotified: number | undefined;
  /** The conditions' clock stands still while the rows are not news (polling paused): time paused so far, and since when. */
  private pausedFor = 0;
  private pausedAt: number | undefined;

  constructor(private readonly timing: AlertTiming = DEFAULT_ALERT_TIMING) {}

  get enabled(): boolean {
    return alertsEnabled(this.settings);
  }

  /** New settings: the alerts of a condition turned off clear; rows are judged anew as they are observed. */
  configure(settings: AlertSettings): void {
    this.settings = settings;
    const on: Record<AlertCondition, boolean> = {
      error: settings.onError,
      disconnected: settings.disconnectedSeconds > 0,
      queue: settings.queueAbove > 0,
    };
    for (const [server, tracks] of this.servers) {
      for (const [key, track] of tracks) {
        for (const [condition, a] of track.active) if (!on[condition]) this.clear(track, condition, a, 'settingOff');
        if (!on.disconnected) track.disconnectedSince = undefined;
        this.dropIfIdle(server, key, track);
      }
    }
  }

  /**
   * Servers are not polled: the rows stay as they were last seen, which is no evidence that a
   * disconnection goes on or that an ended condition stays ended. Until `resume`, no time passes for
   * either; what arrives meanwhile (a manual refresh) is still judged, and notifications still go out.
   */
  pause(now: number): void {
    this.pausedAt ??= now;
  }

  resume(now: number): void {
    if (this.pausedAt === undefined) return;
    this.pausedFor += now - this.pausedAt;
    this.pausedAt = undefined;
  }

  /** The time the conditions count in: `now` less the time paused. */
  private conditionTime(now: number): number {
    return (this.pausedAt ?? now) - this.pausedFor;
  }

  /** A row as the mirror has it now. */
  observe(server: string, row: Row, now: number): void {
    if (!this.enabled) return;
    let tracks = this.servers.get(server);
    let track = tracks?.get(row.key);
    if (!track) {
      if (!this.mayAlert(row)) return;
      track = { row, disconnectedSince: undefined, active: new Map() };
      if (!tracks) this.servers.set(server, (tracks = new Map()));
      tracks.set(row.key, track);
    }
    track.row = row;
    // Stale and unexpected records say nothing of the connection: its clock goes on as it was.
    if (row.status === 'stale' || row.status === 'invalid') {
      // unchanged
    } else if (this.down(row)) track.disconnectedSince ??= this.conditionTime(now);
    else track.disconnectedSince = undefined;
    this.judge(server, row.key, track, now);
  }

  /** Every row of a server (a whole list): the destinations not among them are gone. */
  sync(server: string, rows: Iterable<Row>, now: number): void {
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.key);
      this.observe(server, row, now);
    }
    for (const key of [...(this.servers.get(server)?.keys() ?? [])]) if (!seen.has(key)) this.forget(server, key, 'deleted');
  }

  /** A destination is gone (deleted, or no longer visible to the user). */
  forget(server: string, key: string, reason: ClearReason = 'deleted'): void {
    const tracks = this.servers.get(server);
    const track = tracks?.get(key);
    if (!tracks || !track) return;
    for (const [condition, a] of track.active) this.clear(track, condition, a, reason);
    tracks.delete(key);
    if (!tracks.size) this.servers.delete(server);
  }

  /** The servers configured now: every alert of another server clears. */
  keepServers(names: Iterable<string>): void {
    const kept = new Set(names);
    for (const server of [...this.servers.keys()]) {
      if (!kept.has(server)) for (const key of [...this.servers.get(server)!.keys()]) this.forget(server, key, 'serverRemoved');
    }
  }

  /**
   * Lets time pass: a disconnection that has now lasted long enough is raised, an ended condition
   * that stayed ended clears. Returns what happened since the last call, and what to show.
   */
  tick(now: number): AlertEvents {
    for (const [server, tracks] of this.servers) for (const [key, track] of tracks) this.judge(server, key, track, now);
    const events: AlertEvents = { raised: this.raised, cleared: this.cleared, notify: [] };
    this.raised = [];
    this.cleared = [];
    if (this.pending.length && (this.lastNotified === undefined || now - this.lastNotified >= this.timing.notifyGapMs)) {
      events.notify = this.pending;
      this.pending = [];
      this.lastNotified = now;
    }
    return events;
  }

  /** The alerts in force, oldest first. */
  active(): Alert[] {
    const all: Alert[] = [];
    for (const tracks of this.servers.values())
      for (const track of tracks.values()) for (const a of track.active.values()) all.push(a.alert);
    return all.sort((a, b) => a.raisedAt - b.raisedAt);
  }

  get count(): number {
    let n = 0;
    for (const tracks of this.servers.values()) for (const track of tracks.values()) n += track.active.size;
    return n;
  }

  isActive(server: string, key: string, condition: AlertCondition): boolean {
    return !!this.servers.get(server)?.get(key)?.active.has(condition);
  }

  /** Whether a row without a track needs one: a condition holds or a disconnection is to be timed. */
  private mayAlert(row: Track['row']): boolean {
    const s = this.settings;
    return (s.onError && row.status === 'error') || this.down(row) || (s.queueAbove > 0 && row.numTransfersQueued > s.queueAbove);
  }

  /**
   * Whether the disconnection clock runs for this row: disconnected, or negotiating without getting
   * through; in error too, unless the error alert is on (it says so already).
   */
  private down(row: Track['row']): boolean {
    if (this.settings.disconnectedSeconds <= 0) return false;
    return row.status === 'disconnected' || row.status === 'negotiating' || (row.status === 'error' && !this.settings.onError);
  }

  private judge(server: string, key: string, track: Track, now: number): void {
    const t = this.conditionTime(now);
    const s = this.settings;
    const { row } = track;
    const since = track.disconnectedSince;
    // Whether each condition starts (raise) and whether it still holds once raised (the lower mark).
    const starts: Record<AlertCondition, boolean> = {
      error: s.onError && row.status === 'error',
      disconnected: s.disconnectedSeconds > 0 && since !== undefined && t - since > s.disconnectedSeconds * 1000,
      queue: s.queueAbove > 0 && row.numTransfersQueued > s.queueAbove,
    };
    const holds: Record<AlertCondition, boolean> = {
      error: starts.error,
      disconnected: s.disconnectedSeconds > 0 && since !== undefined,
      queue: s.queueAbove > 0 && row.numTransfersQueued > s.queueAbove * this.timing.queueClearShare,
    };
    for (const condition of ALERT_CONDITIONS) {
      const a = track.active.get(condition);
      if (!a) {
        if (starts[condition]) this.raise(server, key, track, condition, now);
      } else if (holds[condition]) a.endedSince = undefined;
      else {
        a.endedSince ??= t;
        if (t - a.endedSince >= this.timing.clearAfterMs) this.clear(track, condition, a, 'ended');
      }
    }
    this.dropIfIdle(server, key, track);
  }

  private raise(server: string, key: string, track: Track, condition: AlertCondition, now: number): void {
    const alert: Alert = {
      server,
      key,
      condition,
      raisedAt: now,
      label: track.row.label,
      error: track.row.error,
      queued: track.row.numTransfersQueued,
      threshold: condition === 'disconnected' ? this.settings.disconnectedSeconds : condition === 'queue' ? this.settings.queueAbove : 0,
    };
    track.active.set(condition, { alert, endedSince: undefined });
    this.raised.push(alert);
    this.pending.push(alert);
  }

  private clear(track: Track, condition: AlertCondition, a: Active, reason: ClearReason): void {
    track.active.delete(condition);
    this.cleared.push({ alert: a.alert, reason });
    // Not shown yet and already over: it is not news any more.
    this.pending = this.pending.filter((p) => p !== a.alert);
  }

  private dropIfIdle(server: string, key: string, track: Track): void {
    if (track.active.size || track.disconnectedSince !== undefined || this.mayAlert(track.row)) return;
    const tracks = this.servers.get(server);
    tracks?.delete(key);
    if (tracks && !tracks.size) this.servers.delete(server);
  }
}
