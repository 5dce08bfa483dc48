/**
 * The one owner of refreshing: timers, the Refresh button, settings changes and commands all go
 * through it. Each server has its own setTimeout chain, so a slow server never delays another and
 * calls never overlap. Polling runs only while someone can see it (view visible, window focused,
 * auto-refresh on), backs off on failure, and stretches itself at large sizes so that polling stays
 * under a tenth of one core, counting what the whole process pays for it (pollingCost.ts).
 */
import { Emitter, type Disposable } from './events';
import { delays, PollingCost } from './pollingCost';
import type { DestinationStore } from './store';

export interface SchedulerOptions {
  /** The configured interval in ms (setting jetstream.refreshIntervalSeconds). */
  intervalMs: number;
  /** Share of one core all servers' refreshes may cost the process, default 0.07 (the aim is 10 %). */
  maxBusyShare?: number;
  /** Longest wait between two tries of a failing server, default 5 minutes. */
  maxBackoffMs?: number;
  /** The whole process's CPU time in ms (every thread); a parameter for tests. */
  processCpuMs?: () => number;
}

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
  private readonly cost: PollingCost;
  private readonly intervalEmitter = new Emitter<string>();
  /** A server's effective interval or next try changed (stretched for size, or backing off). */
  readonly onDidChangeInterval = this.intervalEmitter.event;

  constructor(
    private readonly store: DestinationStore,
    private options: SchedulerOptions,
  ) {
    this.cost = new PollingCost(options.processCpuMs ?? processCpuMs);
  }

  setOptions(options: SchedulerOptions): void {
    this.options = options;
    if (this.active) this.restartAll();
  }

  /** Polling on or off: on when the view is visible, the window focused and auto-refresh enabled. */
  setActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    this.cost.setActive(active);
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
    if (!state) this.cost.forget(name);
    else if (this.active) {
      const ok = state.phase === 'ok' && state.lastSuccessAt !== undefined;
      // The longest cycle of an answering server: a window much longer spanned a gap in polling.
      const cycle = Math.max(
        this.options.intervalMs,
        ...this.store.servers().map((s) => (s.phase === 'ok' ? (this.delays.get(s.profile.name) ?? 0) + s.lastRefreshMs : 0)),
      );
      this.cost.refreshed(name, ok ? { at: state.lastSuccessAt!, cpuMs: state.lastRefreshCpuMs } : undefined, cycle);
    }
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
    // What one refresh of each answering server costs the process, sharing one budget.
    const busy = new Map(
      this.store
        .servers()
        .filter((s) => s.phase === 'ok')
        .map((s) => [s.profile.name, s.lastRefreshCpuMs * this.cost.factor]),
    );
    return delays(busy, interval, this.options.maxBusyShare ?? 0.07).get(name) ?? interval;
  }

  dispose(): void {
    this.disposed = true;
    this.stopAll();
    this.intervalEmitter.dispose();
  }
}
