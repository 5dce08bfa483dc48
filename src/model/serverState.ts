/**
 * What the store keeps of each server (`ServerState`), and how a refresh's outcome is written into it:
 * a failure as the error the tree shows, its cost in CPU time. Apart from the store, which decides when
 * to fetch and what changed.
 */
import { performance } from 'node:perf_hooks';
import { JetStreamError } from '../api/errors';
import { l10n } from '../api/l10n';
import type { DestinationOrder } from '../api/destinationList';
import type { Redact } from '../api/redact';
import type { ListedDestination, ServerInfo } from '../api/schemas';
import type { ServerProfile } from './profiles';

export type ServerPhase = 'loading' | 'ok' | 'error';

export interface ServerState {
  readonly profile: ServerProfile;
  phase: ServerPhase;
  info?: ServerInfo | undefined;
  /** The last good snapshot, by destination key (its id as text), in the server's order. */
  destinations: Map<string, ListedDestination>;
  /** The same records in order, for the next snapshot to compare by position. */
  order: DestinationOrder;
  /** Set while the last refresh failed; cleared by the next success. */
  error?: JetStreamError | undefined;
  /**
   * Set when the server refused the password or token (or there is none to send): nothing is sent to
   * it again until the user signs in, the secret changes or the profile is edited. PAM locks an OS
   * account after a few refused attempts.
   */
  credentialsRefused: boolean;
  /**
   * Counts the user's sign-ins and secret changes: a refusal of a client whose secret was read before
   * the latest one is about the old secret, and must not mark the new one refused before it is tried.
   */
  signIns: number;
  /**
   * The credentials the server refused (their digests, clients.ts) and its refusals: a client opened
   * with one again (another window stored it, a read raced a sign-in) sends nothing and fails with the
   * refusal, until the user signs in here.
   */
  refused: Map<string, JetStreamError>;
  /**
   * The profile asks for the superuser view and the server refused it: the user's own destinations
   * are shown instead, and the row says so.
   */
  superuserRefused: boolean;
  /** The server's clock of the last good snapshot (µs): staleness of a destination is measured against it. */
  serverTime: number | null;
  /** In the last snapshot: records left out because they repeated an earlier id, and records that did not fit. */
  duplicates: number;
  anomalies: number;
  consecutiveFailures: number;
  /** Removes the profile's secrets from text the server sent, before it is shown or logged. */
  redact: Redact;
  /** How long the last successful refresh took, in ms of wall time. */
  lastRefreshMs: number;
  /**
   * CPU time of this process during the last successful refresh, in ms: the scheduler stretches the
   * interval by it. Waiting on a slow network costs no CPU, so it does not stretch anything.
   */
  lastRefreshCpuMs: number;
  lastSuccessAt?: number | undefined;
}

/** A line about a refresh, for the log (see StoreOptions.log). */
export type RefreshLog = (level: 'debug' | 'warn' | 'error', message: string) => void;

/** A server's state before its first answer. */
export function emptyState(profile: ServerProfile): ServerState {
  return {
    profile,
    phase: 'loading',
    destinations: new Map(),
    order: { keys: [], records: [] },
    serverTime: null,
    credentialsRefused: false,
    signIns: 0,
    refused: new Map(),
    superuserRefused: false,
    duplicates: 0,
    anomalies: 0,
    redact: (text) => text,
    consecutiveFailures: 0,
    lastRefreshMs: 0,
    lastRefreshCpuMs: 0,
  };
}

/** A request for a server that is not (or no longer) configured. */
export function noServer(name: string): JetStreamError {
  return new JetStreamError('NotFound', l10n.t("There is no server named '{0}'.", name));
}

/**
 * Any failure as the error the tree shows. A JetStreamError is the server's or the network's; anything
 * else is a bug in this extension: logged with its stack and shown as such, never as a server error.
 */
export function asJetStreamError(e: unknown, server: string, log?: RefreshLog): JetStreamError {
  if (e instanceof JetStreamError) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  log?.('error', `internal error while refreshing '${server}': ${err.stack ?? err.message}`);
  return new JetStreamError(
    'Internal',
    l10n.t("An internal error of this extension stopped the refresh of server '{0}': {1}. See the JetStream log.", server, err.message),
    {
      server,
    },
  );
}

/**
 * CPU time of this thread in ms: what a refresh costs the thread it runs on. Node 23.9 measures it
 * per thread; before, the event loop's busy time stands in (waiting on the network is idle time).
 */
export function threadCpuMs(): number {
  const perThread = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
  if (perThread) {
    const u = perThread.call(process);
    return (u.user + u.system) / 1000;
  }
  return performance.eventLoopUtilization().active;
}
