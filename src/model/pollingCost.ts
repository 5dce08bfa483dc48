/**
 * What polling costs the whole process, for the scheduler's stretch. A refresh's own CPU (its thread's)
 * is only part of it: the main thread applies the change, VS Code repaints rows, every thread collects
 * garbage. So the process's CPU is measured over windows of continuous polling, less what the process
 * spends when nothing polls (VS Code's and other extensions' own work, learned while polling is paused),
 * and divided by the refreshes' own CPU in the window: the factor each refresh's CPU is multiplied by.
 * One budget is shared by every server (`delays`): a cheap server keeps the set interval, the big ones
 * share what is left.
 */

/** Windows shorter than this are too noisy to measure. */
const WINDOW_MS = 3000;
/** A paused stretch this long or longer tells the process's own idle rate. */
const IDLE_SAMPLE_MS = 10_000;
/**
 * The factor is learned only from windows where refreshes were a real load (this share of the window's
 * time): below it their own CPU is lost in the host's noise, and a factor from noise would stretch small
 * servers that cost nothing.
 */
const MIN_LOAD = 0.01;
/** Bounds of the factor: at least the refresh itself, and never slower than this for others' work. */
export const MAX_COST_FACTOR = 8;

export class PollingCost {
  /** Process CPU per ms of refresh CPU (≥ 1), smoothed. */
  factor = 1;
  /** CPU ms per ms of wall time the process spends while nothing polls: the lowest seen of the last few. */
  private idleRates: number[] = [];
  private window: { at: number; processCpu: number; refreshCpu: number } | undefined;
  private paused: { at: number; processCpu: number } | undefined;
  private refreshCpu = 0;
  /** The success each server's CPU was last counted for, so a shared refresh counts once. */
  private readonly counted = new Map<string, number>();

  constructor(
    private readonly processCpuMs: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Polling started or stopped: a window spanning a pause would count idle time as cost. */
  setActive(active: boolean): void {
    this.window = undefined;
    const now = this.now();
    const cpu = this.processCpuMs();
    if (!active) {
      this.paused = { at: now, processCpu: cpu };
      return;
    }
    const p = this.paused;
    this.paused = undefined;
    if (p && now - p.at >= IDLE_SAMPLE_MS) this.idleRates = [...this.idleRates.slice(-4), (cpu - p.processCpu) / (now - p.at)];
  }

  /** A refresh ended while polling: counts its CPU once, and ends the window when long enough. */
  refreshed(server: string, ok: { at: number; cpuMs: number } | undefined, longestCycleMs: number): void {
    if (!ok) {
      // A failing server waits out a backoff: the window would hold minutes of other work.
      this.window = undefined;
      return;
    }
    if (this.counted.get(server) !== ok.at) {
      this.counted.set(server, ok.at);
      this.refreshCpu += ok.cpuMs;
    }
    const now = this.now();
    const w = this.window;
    if (w && now - w.at < WINDOW_MS) return;
    const processCpu = this.processCpuMs();
    // A window longer than a few cycles spanned a gap with nothing polled (a refused credential waiting for Sign In).
    const refreshCpu = w ? this.refreshCpu - w.refreshCpu : 0;
    if (w && now - w.at <= Math.max(3 * longestCycleMs, 2 * WINDOW_MS) && refreshCpu >= MIN_LOAD * (now - w.at)) {
      const idle = this.idleRates.length ? Math.min(...this.idleRates) * (now - w.at) : 0;
      const seen = (processCpu - w.processCpu - idle) / refreshCpu;
      this.factor = (this.factor + Math.min(MAX_COST_FACTOR, Math.max(1, seen))) / 2;
    }
    this.window = { at: now, processCpu, refreshCpu: this.refreshCpu };
  }

  forget(server: string): void {
    this.counted.delete(server);
  }
}

/**
 * Each server's delay between refreshes, sharing `share` of one core: `busyMs` is what one refresh costs
 * the process. Max-min fair: servers that fit their part at the set interval keep it, the others split
 * the rest evenly, each stretched to busy / (busy + delay) = its part.
 */
export function delays(busyMs: ReadonlyMap<string, number>, intervalMs: number, share: number): Map<string, number> {
  const out = new Map<string, number>();
  const atInterval = [...busyMs].map(([name, busy]) => ({ name, busy, use: busy / (busy + intervalMs) })).sort((a, b) => a.use - b.use);
  let left = share;
  for (let i = 0; i < atInterval.length; i++) {
    const part = left / (atInterval.length - i);
    if (atInterval[i]!.use > part) {
      // This one and every costlier one after it get the same part.
      for (const s of atInterval.slice(i)) out.set(s.name, Math.max(intervalMs, Math.ceil((s.busy * (1 - part)) / part)));
      break;
    }
    out.set(atInterval[i]!.name, intervalMs);
    left -= atInterval[i]!.use;
  }
  return out;
}
