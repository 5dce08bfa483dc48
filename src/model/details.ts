/**
 * What a details panel shows for one destination, from the store: the newest data as the server sent
 * it (bounded, redacted), the fields that do not fit the Destination structure, and the last data seen
 * marked as deleted or unreachable, never a blank page.
 */
import { Destination, isRecord, type ListedDestination } from '../api/schemas';
import { issueText } from '../api/issues';
import { bounded, DEFAULT_LIMITS } from './bounded';
import { destinationStatus, type DestinationStatus } from './status';
import type { HistorySeries } from './history';
import type { DestinationStore } from './store';

/** A field of a record that does not have the type the reference page gives it. */
export interface FieldProblem {
  /** `sendRateMax`, `transferDefaults.priority`; empty for the record as a whole. */
  field: string;
  message: string;
}

/** live: as the server last sent it; deleted: the server no longer has it; unreachable: last known data. */
export type Liveness = 'live' | 'deleted' | 'unreachable';

/** What is known of one destination now. */
export interface DestinationDetails {
  server: string;
  /** The record as the server sent it, bounded in size and depth, secrets redacted. */
  destination: Record<string, unknown>;
  problems: FieldProblem[];
  status: DestinationStatus;
  liveness: Liveness;
  /** Why the server cannot be reached, when it cannot. */
  problem?: string | undefined;
  history: HistorySeries;
}

/** A destination's details, or why there are none to show. */
export type Details = DestinationDetails | { unavailable: string };

const checked = new WeakMap<object, FieldProblem[]>();
const MAX_PROBLEMS = 20;

/**
 * Every field of a destination read whole (ListedDestination.raw) that does not fit the full
 * structure; checked once per record the server sent.
 */
export function fieldProblems(d: ListedDestination): FieldProblem[] {
  // A record that is not even an object is known by the store's record of it, new with each snapshot too.
  const key = typeof d.raw === 'object' && d.raw !== null ? d.raw : d;
  const known = checked.get(key);
  if (known) return known;
  const r = Destination.safeParse(d.raw);
  const problems: FieldProblem[] = r.success
    ? []
    : r.error.issues.slice(0, MAX_PROBLEMS).map((i) => ({ field: i.path.map(String).join('.'), message: issueText(i).message }));
  if (d.problem && !problems.length) problems.push({ field: '', message: d.problem });
  checked.set(key, problems);
  return problems;
}

export class DetailsSource {
  /** The last data seen, kept so a deleted or unreachable destination is marked, not blanked. */
  private last: ListedDestination | undefined;

  constructor(
    private readonly store: DestinationStore,
    readonly server: string,
    readonly destinationKey: string,
    /** What to say when the server's profile is gone, or the destination is; localised by the caller. */
    private readonly words: { notConfigured: string; gone: string },
  ) {}

  details(): Details | undefined {
    const state = this.store.server(this.server);
    const listed = state?.destinations.get(this.destinationKey);
    if (listed) this.last = listed;
    const d = this.last;
    if (!d) {
      // Nothing was ever seen (a panel restored after a reload): say why, once the server has answered.
      const why = !state
        ? this.words.notConfigured
        : state.phase === 'error'
          ? state.error?.message
          : state.phase === 'ok'
            ? this.words.gone
            : undefined;
      return why ? { unavailable: why } : undefined;
    }
    // The panel's destination is kept whole from the snapshot after it opened (Engine.watch): until then
    // only a failure is worth showing.
    if (d.raw === undefined) return state?.phase === 'error' ? { unavailable: state.error?.message ?? this.words.gone } : undefined;
    const gone = state?.phase === 'ok' && !listed;
    const liveness: Liveness = !state || state.phase === 'error' ? 'unreachable' : gone ? 'deleted' : 'live';
    const redact = state?.redact ?? ((t: string) => t);
    return {
      server: this.server,
      // A record that is not even an object (null, a number, a list) is shown as its row, as the page
      // draws only an object (webview/messages.ts isSnapshot drops the rest, leaving it waiting).
      destination: bounded(isRecord(d.raw) ? d.raw : d, DEFAULT_LIMITS, redact) as Record<string, unknown>,
      problems: fieldProblems(d).map((p) => ({ field: p.field, message: redact(p.message) })),
      status: destinationStatus(d, state?.serverTime ?? null),
      liveness,
      problem: liveness === 'unreachable' ? (state?.error?.message ?? this.words.notConfigured) : undefined,
      history: this.store.history(this.server, this.destinationKey),
    };
  }
}
