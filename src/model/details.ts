/**
 * What a details panel shows for one destination, from the store: the newest data checked against the
 * full structure, or the last good data marked as deleted, unreachable or invalid, never a blank page.
 */
import { fullDestination } from '../api/destinationList';
import type { Destination } from '../api/schemas';
import type { ToWebview } from '../webview/protocol';
import { destinationStatus } from './status';
import type { DestinationStore } from './store';

export class DetailsSource {
  /** The last data that fitted the structure, kept so a deleted or unreachable destination is marked, not blanked. */
  private last: Destination | undefined;

  constructor(
    private readonly store: DestinationStore,
    readonly server: string,
    readonly destinationId: string,
    /** What to say when the server's profile is gone, or the destination is; localised by the caller. */
    private readonly words: { notConfigured: string; gone: string },
  ) {}

  message(): ToWebview | undefined {
    const state = this.store.server(this.server);
    const listed = state?.destinations.get(this.destinationId);
    let invalid: string | undefined;
    if (listed) {
      try {
        this.last = fullDestination(listed, this.server);
      } catch (e) {
        invalid = e instanceof Error ? e.message : String(e);
      }
    }
    const d = this.last;
    if (!d) {
      // Nothing good was ever seen (a panel restored after a reload): say why, once the server has answered.
      const why =
        invalid ??
        (!state
          ? this.words.notConfigured
          : state.phase === 'error'
            ? state.error?.message
            : state.phase === 'ok'
              ? this.words.gone
              : undefined);
      return why ? { type: 'problem', text: why } : undefined;
    }
    const gone = state?.phase === 'ok' && !listed;
    const liveness = invalid ? 'invalid' : !state ? 'unreachable' : gone ? 'deleted' : state.phase === 'error' ? 'unreachable' : 'live';
    return {
      type: 'snapshot',
      server: this.server,
      destination: d,
      status: destinationStatus(d, state?.newestSnapshotTime ?? null),
      liveness,
      problem:
        liveness === 'invalid' ? invalid : liveness === 'unreachable' ? (state?.error?.message ?? this.words.notConfigured) : undefined,
      history: this.store.history(this.server, this.destinationId),
    };
  }
}
