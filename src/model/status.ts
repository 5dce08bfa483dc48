/**
 * What state a destination is in, as the user sees it. A record that did not fit the structure is
 * `invalid` whatever it says; a destination with an error shows the error whatever its connection
 * state; one whose snapshot lags the server's clock is stale.
 */
import type { ListedDestination } from '../api/schemas';

export type DestinationStatus = 'connected' | 'negotiating' | 'disconnected' | 'error' | 'stale' | 'invalid';

export const DESTINATION_STATUSES: readonly DestinationStatus[] = ['connected', 'negotiating', 'disconnected', 'error', 'stale', 'invalid'];

/** A snapshot this far behind the server's clock (µs) means the destination stopped being updated. */
export const STALE_AFTER_US = 10_000_000;

export function destinationStatus(d: ListedDestination, serverTime: number | null): DestinationStatus {
  if (d.problem) return 'invalid';
  if (d.lastError !== null && d.lastError !== undefined && d.lastError !== '') return 'error';
  if (d.snapshotTime !== null && serverTime !== null && serverTime - d.snapshotTime > STALE_AFTER_US) return 'stale';
  return d.encryptedConnectionState;
}
