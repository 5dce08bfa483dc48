import type { ListedDestination } from '../api/schemas';

/**
 * Plot history from the once-per-second snapshots, one point per snapshot: send rate average, send rate max and round-trip
 * time per destination over the last minutes. One shared time column per server and a compact
 * Float32Array per destination keep 10,000 destinations × 5 minutes at a few tens of MB.
 */
export interface HistorySeries {
  /** Sample times in ms since the epoch, oldest first. */
  t: number[];
  sendRateAverage: (number | null)[];
  sendRateMax: (number | null)[];
  roundTripTimeMs: (number | null)[];
}

/** What a snapshot gives the plots of one destination. */
export type Sample = Pick<ListedDestination, 'sendRateAverage' | 'sendRateMax' | 'roundTripTimeMs' | 'problem'>;

/** A server clock that steps back further than this (ms) starts the history again rather than freezing it. */
const CLOCK_STEP_BACK_MS = 2000;

const FIELDS = 3;

/** A snapshot's destinations by position: their keys and what they give the plots. */
export interface Samples {
  readonly keys: readonly string[];
  readonly records: readonly Sample[];
}

export class ServerHistory {
  private readonly times: Float64Array;
  private readonly series = new Map<string, Float32Array>();
  /**
   * The series of the last snapshot's destinations by position: the next snapshot in the same order
   * (the same keys array, see checkDestinationList) writes them without a lookup each.
   */
  private byPosition: (Float32Array | undefined)[] = [];
  private positionsOf: readonly string[] | undefined;
  private count = 0;

  constructor(readonly capacity: number) {
    this.times = new Float64Array(capacity);
  }

  /** Records one snapshot; when the list changed, destinations that are gone lose their history. */
  record(timeMs: number, samples: Samples, listChanged = true): void {
    if (this.count > 0) {
      const last = this.times[(this.count - 1) % this.capacity]!;
      if (timeMs < last - CLOCK_STEP_BACK_MS) this.reset();
      // Polling faster than the server snapshots brings the same snapshot again: one point per snapshot.
      else if (timeMs <= last) return;
    }
    const { keys, records } = samples;
    const reordered = keys !== this.positionsOf;
    if (reordered) {
      this.byPosition = keys.map((k) => this.series.get(k));
      this.positionsOf = keys;
    }
    const slot = this.count % this.capacity;
    this.times[slot] = timeMs;
    const at = slot * FIELDS;
    for (let i = 0; i < records.length; i++) {
      const s = records[i]!;
      let values = this.byPosition[i];
      if (s.problem) {
        // No point in this snapshot: the slot must not keep the one of `capacity` snapshots before.
        if (values) values[at] = values[at + 1] = values[at + 2] = NaN;
        continue;
      }
      if (!values) {
        values = new Float32Array(this.capacity * FIELDS).fill(NaN);
        this.series.set(keys[i]!, values);
        this.byPosition[i] = values;
      }
      values[at] = s.sendRateAverage;
      values[at + 1] = s.sendRateMax;
      values[at + 2] = s.roundTripTimeMs ?? NaN;
    }
    if (reordered && listChanged && this.series.size > keys.length) {
      const listed = new Set(keys);
      for (const id of this.series.keys()) if (!listed.has(id)) this.series.delete(id);
    }
    this.count++;
  }

  private reset(): void {
    this.series.clear();
    this.byPosition = [];
    this.positionsOf = undefined;
    this.count = 0;
  }

  /**
   * One destination's send rate average over the `spanMs` up to the latest snapshot, in `points` buckets
   * of equal time, oldest first: each the mean of its samples, null where there was none (a sparkline's
   * worth). Undefined when the destination has no history. Reads back only as far as the span.
   */
  recentRates(id: string, points: number, spanMs: number): (number | null)[] | undefined {
    const values = this.series.get(id);
    if (!values || this.count === 0 || points < 1 || !(spanMs > 0)) return undefined;
    const sums = new Float64Array(points);
    const counts = new Uint32Array(points);
    const end = this.times[(this.count - 1) % this.capacity]!;
    const start = end - spanMs;
    const first = this.count - Math.min(this.count, this.capacity);
    for (let i = this.count - 1; i >= first; i--) {
      const slot = i % this.capacity;
      const t = this.times[slot]!;
      if (t <= start) break;
      const v = values[slot * FIELDS]!;
      if (Number.isNaN(v)) continue;
      // Slices are (from, to]: the latest snapshot ends the last one.
      const bucket = Math.max(0, Math.min(points - 1, Math.ceil(((t - start) * points) / spanMs) - 1));
      sums[bucket] = sums[bucket]! + v;
      counts[bucket] = counts[bucket]! + 1;
    }
    return Array.from(sums, (sum, i) => (counts[i] ? sum / counts[i]! : null));
  }

  get(id: string): HistorySeries {
    const out: HistorySeries = { t: [], sendRateAverage: [], sendRateMax: [], roundTripTimeMs: [] };
    const values = this.series.get(id);
    if (!values) return out;
    const n = Math.min(this.count, this.capacity);
    const first = this.count - n;
    const num = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? null : v);
    for (let i = first; i < this.count; i++) {
      const slot = i % this.capacity;
      const at = slot * FIELDS;
      if (Number.isNaN(values[at]!)) continue;
      out.t.push(this.times[slot]!);
      out.sendRateAverage.push(num(values[at]));
      out.sendRateMax.push(num(values[at + 1]));
      out.roundTripTimeMs.push(num(values[at + 2]));
    }
    return out;
  }
}
