/**
 * The one owner of refreshing: timers, the Refresh button, settings changes and commands all go
 * through it. Each server has its own setTimeout chain, so a slow server never delays another and
 * calls never overlap. Polling runs only while someone can see it (view visible, window focused,
 * auto-refresh on), backs off on failure, and stretches itself at large sizes so that polling stays
 * under a tenth of one core: not only the refresh's own CPU counts, but what the whole process pays
 * for it (applying the change, VS Code repainting rows, garbage collection), measured over a window.
 */
import { Emitter, type Disposable } from './events';
import type { DestinationStore } from './store';

export interface SchedulerOptions {
  /** The configured interval in ms (setting jetstream.refreshIntervalSeconds). */
  intervalMs: number;
  /**
   * Share of one core the process may spend on a server's refreshes, default 0.07: the aim is 10 %,
   * and the measure also holds VS Code's own idle work.
   */
  maxBusyShare?: number;
  /** Longest wait between two tries of a failing server, default 5 minutes. */
  maxBackoffMs?: number;
  /** The whole process's CPU time in ms (every thread); a parameter for tests. */
  processCpuMs?: () => number;
}

/** The process CPU per ms of refresh CPU is measured over windows of at least this many ms of polling. */
const COST_WINDOW_MS = 3000;
/** Bounds of that multiplier: at least the refresh itself, and never slower than this for others' work. */
const MAX_COST_FACTOR = 8;

const processCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export const MAX_BACKOFF_MS = 5 * 60_000;

export class RefreshScheduler implements Disposable {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly delays = new Map<string, number>();
  /** When each server's next refresh is due (ms since the epoch), also while polling is paused. */
  private readonly due = new Map<string, number>();
  private active = false;
  private disposed = false;
  /**
   * What the process pays per ms of refresh CPU (≥ 1), smoothed: refreshes run on this thread, their
   * cost lands on others too. Measured only over windows of continuous polling.
   */
  private costFactor = 1;
  private window: { at: number; processCpu: number; refreshCpu: number } | undefined;
  private refreshCpuTotal = 0;
  private readonly intervalEmitter = new Emitter<string>();
  /** A server's effective interval or next try changed (stretched for size, or backing off). */
  readonly onDidChangeInterval = this.intervalEmitter.event;

  constructor(
    private readonly store: DestinationStore,
    private options: SchedulerOptions,
  ) {}

  setOptions(options: SchedulerOptions): void {
    this.options = options;
    if (this.active) this.restartAll();
  }

  /** Polling on or off: on when the view is visible, the window focused and auto-refresh enabled. */
  setActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    this.window = undefined; // a window spanning a pause would count idle time as cost
    if (active) this.restartAll();
    else this.stopAll();
  }

  get isActive(): boolean {
    return this.active;
  }

  /**
   * Refreshes now (one server, or all), whether polling is on or not, and re-arms the timer after. A
   * manual refresh starts a failing server's backoff afresh; a server whose credentials were refused
   * is not tried (it waits for Sign In).
   */
  async refreshNow(server?: string, { manual = false }: { manual?: boolean } = {}): Promise<void> {
    const names = server ? [server] : this.store.servers().map((s) => s.profile.name);
    if (manual) for (const name of names) this.store.resetBackoff(name);
    await Promise.all(names.map((name) => this.run(name)));
  }

  /** The delay in ms between two refreshes of a server as things stand. */
  effectiveIntervalMs(server: string): number {
    return this.delays.get(server) ?? this.options.intervalMs;
  }

  /** When a failing server is tried next (ms since the epoch); undefined when it is not failing, or polling is off. */
  nextTryAt(server: string): number | undefined {
    return this.active && this.store.server(server)?.phase === 'error' ? this.due.get(server) : undefined;
  }

  /** Runs every server now, except a failing one whose backoff has not run out: it keeps its time. */
  private restartAll(): void {
    this.stopAll();
    const now = Date.now();
    for (const s of this.store.servers()) {
      const name = s.profile.name;
      const due = this.due.get(name);
      if (s.phase === 'error' && due !== undefined && due > now) this.arm(name, due - now);
      else void this.run(name);
    }
  }

  private stopAll(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private async run(name: string): Promise<void> {
    const pending = this.timers.get(name);
    if (pending) clearTimeout(pending);
    this.timers.delete(name);
    try {
      await this.store.refresh(name);
    } finally {
      if (!this.disposed) this.rearm(name);
    }
  }

  /** Schedules a server's next refresh after the one that just ended, failed or not. */
  private rearm(name: string): void {
    const state = this.store.server(name);
    if (state?.phase === 'ok') this.refreshCpuTotal += state.lastRefreshCpuMs;
    this.measureCost();
    const delay = this.nextDelay(name);
    const changed = this.delays.get(name) !== delay;
    this.delays.set(name, delay);
    // A refused credential is never sent again by itself.
    if (!state || state.credentialsRefused) this.due.delete(name);
    else {
      this.due.set(name, Date.now() + delay);
      if (this.active) this.arm(name, delay);
    }
    // A failing server's row says when it is tried next: that moves with every try.
    if (changed || state?.phase === 'error') this.intervalEmitter.fire(name);
  }

  /** Ends the cost window once it is long enough, and starts the next. */
  private measureCost(): void {
    if (!this.active) return;
    const now = Date.now();
    const processCpu = (this.options.processCpuMs ?? processCpuMs)();
    const w = this.window;
    if (w && now - w.at < COST_WINDOW_MS) return;
    if (w && this.refreshCpuTotal - w.refreshCpu > 1) {
      const seen = (processCpu - w.processCpu) / (this.refreshCpuTotal - w.refreshCpu);
      const bounded = Math.min(MAX_COST_FACTOR, Math.max(1, seen));
      this.costFactor = (this.costFactor + bounded) / 2;
    }
    this.window = { at: now, processCpu, refreshCpu: this.refreshCpuTotal };
  }

  private arm(name: string, delay: number): void {
    if (this.timers.has(name)) return;
    this.timers.set(
      name,
      setTimeout(() => void this.run(name), delay),
    );
  }

  private nextDelay(name: string): number {
    const state = this.store.server(name);
    const interval = this.options.intervalMs;
    if (!state) return interval;
    if (state.phase === 'error') {
      // Exponential from the interval, so a server down for hours is asked every few minutes, not every second.
      const backoff = interval * 2 ** Math.min(Math.max(state.consecutiveFailures - 1, 0), 30);
      return Math.round(Math.min(backoff, Math.max(interval, this.options.maxBackoffMs ?? MAX_BACKOFF_MS)));
    }
    const share = this.options.maxBusyShare ?? 0.07;
    // busy / (busy + delay) <= share  ⇔  delay >= busy × (1 − share) / share, busy being the CPU the
    // whole process pays for one refresh
    const busy = state.lastRefreshCpuMs * this.costFactor;
    const stretched = Math.ceil((busy * (1 - share)) / share);
    return Math.max(interval, stretched);
  }

  dispose(): void {
    this.disposed = true;
    this.stopAll();
    this.intervalEmitter.dispose();
  }
}
