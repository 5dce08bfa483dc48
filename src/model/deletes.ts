/** Deleting a destination so that a lost answer never turns a done delete into a failure. */
import type { JetStreamClient } from '../api/client';
import { JetStreamError } from '../api/errors';
import type { ListedDestination } from '../api/schemas';

/**
 * Deletes a destination. When the answer is lost (connection reset, timeout) the server may have done
 * it all the same: asking for the destination tells, and a destination that is gone was deleted.
 */
export async function deleteConfirmed(client: JetStreamClient, d: ListedDestination): Promise<void> {
  try {
    await client.deleteDestination(d.destinationId);
  } catch (e) {
    if (!(e instanceof JetStreamError) || (e.code !== 'Unreachable' && e.code !== 'Timeout')) throw e;
    try {
      await client.getDestination(d.destinationId);
    } catch (check) {
      if (check instanceof JetStreamError && check.code === 'NotFound') return;
    }
    throw e;
  }
}
