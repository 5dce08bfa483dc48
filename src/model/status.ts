/**
 * What state a destination is in, as the user sees it. A destination with an error shows the error
 * whatever its connection state; one whose snapshot lags the server's newest is stale.
 */
import type { ListedDestination } from '../api/schemas';

export type DestinationStatus = 'connected' | 'negotiating' | 'disconnected' | 'error' | 'stale';

export const DESTINATION_STATUSES: readonly DestinationStatus[] = ['connected', 'negotiating', 'disconnected', 'error', 'stale'];

/** A snapshot this far behind the server's newest (µs) means the destination stopped being updated. */
export const STALE_AFTER_US = 10_000_000;

export function destinationStatus(d: ListedDestination, newestSnapshotTime: number | null): DestinationStatus {
  if (d.lastError) return 'error';
  if (d.snapshotTime !== null && newestSnapshotTime !== null && newestSnapshotTime - d.snapshotTime > STALE_AFTER_US) return 'stale';
  return d.encryptedConnectionState;
}

export const STATUS_LABELS: Record<DestinationStatus, string> = {
  connected: 'Connected',
  negotiating: 'Negotiating',
  disconnected: 'Disconnected',
  error: 'Error',
  stale: 'Stale (no new snapshot)',
};
