/**
 * The messages between the extension host's main thread and the engine's worker thread. The worker
 * owns the transports, the fetch, the parse, the check and the diff; the main thread sends it the
 * profiles, secrets and polling decisions, and per snapshot receives only what changed: rows that
 * came, went or changed, a server's summary when it changed, and the details of the destinations
 * whose panels are visible. Whole records are asked for when they are needed.
 */
import type { JetStreamErrorCode } from '../../api/errors';
import type { Id, TextUserData } from '../../api/schemas';
import type { CreateDestinationParams } from '../../api/inputSchemas';
import type { CompatReport } from '../compat';
import type { DestinationsFile } from '../destinationsFile';
import type { Details } from '../details';
import type { Exported, Plan } from '../plan';
import type { Secret, ServerProfile } from '../profiles';
import type { RecreatePlan } from '../recreate';
import type { DestinationStatus } from '../status';
import type { EditFailure, EditOutcome } from '../userDataEdit';

/** A userData entry as a row shows it: the key, its value as text, and whether it is text (editable). */
export type UserDataEntry = [key: string, value: string, editable: boolean];

/** What the tree, the filter, the sort and the pickers know of a destination. */
export interface Row {
  /** The destination's id as text: the key of maps and tree nodes. */
  key: string;
  /** The id as the server sent it, for calls. */
  id: Id;
  /** Address and port as the row's label, cut and redacted. */
  label: string;
  address: string;
  port: number;
  /** Orders addresses naturally (naturalSort.ts). */
  sortKey: string;
  status: DestinationStatus;
  sendRateAverage: number;
  sendRateMax: number;
  numTransfersQueued: number;
  /** The last round trip the server measured, in ms; null before one was measured (the table's column). */
  roundTripTimeMs?: number | null | undefined;
  owner: string;
  /** The destination's error in the server's words, redacted; empty without one. */
  error: string;
  /** Why the record did not fit the structure; empty when it did. */
  problem: string;
  userData: UserDataEntry[];
}

/** A failure as it crosses threads: enough to rebuild the JetStreamError the views show. */
export interface WireError {
  code: JetStreamErrorCode;
  message: string;
  serverMessage?: string | undefined;
  credential?: 'password' | 'token' | undefined;
  status?: number | undefined;
  exitCode?: number | undefined;
}

export interface ServerSummary {
  phase: 'loading' | 'ok' | 'error';
  version?: string | undefined;
  apiVersion?: number | undefined;
  serverName?: string | undefined;
  serverId?: string | undefined;
  error?: WireError | undefined;
  credentialsRefused: boolean;
  /** The superuser view was refused: the rows are the user's own destinations. */
  superuserRefused: boolean;
  count: number;
  anomalies: number;
  duplicates: number;
  lastRefreshMs: number;
  /** The delay between refreshes as things stand (stretched for size, or backing off). */
  intervalMs: number;
  /** When a failing server is tried next (ms since the epoch). */
  nextTryAt?: number | undefined;
}

export interface Delta {
  type: 'delta';
  server: string;
  summary?: ServerSummary | undefined;
  /** Rows that came, or whose shown fields changed. */
  upserts: Row[];
  /** Keys of rows that went. */
  removed: string[];
  /** The whole list is in this delta (the first after a profile change): rows not in it are gone. */
  complete: boolean;
  /** More parts of this delta follow: a large list arrives in parts, so no message blocks the main thread long. */
  continues?: boolean | undefined;
  /** Visible panels' destinations, per snapshot. */
  details?: { key: string; details: Details }[] | undefined;
}

/** Tooltip fields of one destination, asked for when the pointer rests on its row. */
export interface TooltipFields {
  label: string;
  status: DestinationStatus;
  problem: string;
  error: string;
  errorCode: string;
  sendRateAverage: number;
  sendRateMax: number;
  roundTripTimeMs: number | null;
  numTransfersQueued: number;
  encryptionEnabled: boolean;
  relay: string;
  owner: string;
  lastSendTime: number | null;
  id: string;
}

/** What an Undo needs to recreate a deleted destination, and what it cannot restore. */
export type Recreate = RecreatePlan;

export type Operation =
  | { op: 'details'; server: string; key: string }
  | { op: 'tooltip'; server: string; key: string }
  /** The destination's record as the server has it now, as JSON (bounded, secrets redacted). */
  | { op: 'json'; server: string; key: string }
  | { op: 'recreate'; server: string; key: string }
  | { op: 'create'; server: string; params: CreateDestinationParams }
  | { op: 'delete'; server: string; key: string }
  | {
      op: 'editUserData';
      server: string;
      key: string;
      set?: TextUserData | undefined;
      remove?: string[] | undefined;
      expect?: Record<string, string | null> | undefined;
    }
  /**
   * Whether an edit the last engine stopped carrying landed, from what the server holds now: by the
   * destination's id, as the new engine may not have listed it yet. `error`: why it was cut off.
   */
  | {
      op: 'checkUserData';
      server: string;
      id: Id;
      set?: TextUserData | undefined;
      remove?: string[] | undefined;
      error: EditFailure;
    }
  | { op: 'compat'; server: string }
  /** What Apply of a destinations file would do, from a fresh list of the server's destinations. */
  | { op: 'plan'; server: string; file: DestinationsFile }
  /** A destinations file of what the server has now. */
  | { op: 'export'; server: string }
  /** A connection test for a profile not saved yet (Add Server). */
  | { op: 'test'; profile: ServerProfile; secret: Secret }
  | { op: 'refresh'; server?: string | undefined; manual: boolean }
  /** The engine thread's own memory and CPU, for the benchmark and for diagnosing a slow host. */
  | { op: 'stats' }
  /**
   * Recent send rate of several destinations for the table's sparklines: per target, `points` means
   * over the last `spanMs` (history.ts recentRates), or null without history. At most RATE_HISTORY_TARGETS.
   */
  | { op: 'rateHistory'; targets: { server: string; key: string }[]; points: number; spanMs: number };

/** Targets one rateHistory request reads at most (a table shows a few dozen rows). */
export const RATE_HISTORY_TARGETS = 200;
/** Buckets one rateHistory series has at most. */
export const RATE_HISTORY_POINTS = 120;

export interface OperationResults {
  details: Details | undefined;
  tooltip: TooltipFields | undefined;
  json: string;
  recreate: Recreate | { unavailable: string };
  create: Row;
  delete: null;
  editUserData: EditOutcome;
  checkUserData: EditOutcome;
  compat: CompatReport;
  plan: Plan;
  export: Exported;
  test: true;
  refresh: null;
  stats: EngineStats;
  rateHistory: ((number | null)[] | null)[];
}

export interface EngineStats {
  /** The worker's heap in use and the array buffers it holds (the plot history), in bytes. */
  heapUsed: number;
  arrayBuffers: number;
  /** CPU time of the worker thread so far, in ms. */
  cpuMs: number;
}

/** What the worker is started with (its workerData). */
export interface EngineStart {
  /** vscode.l10n.bundle: the engine says its words in VS Code's language. */
  bundle: Readonly<Record<string, string>> | undefined;
}

export type ToEngine =
  | { type: 'profiles'; profiles: ServerProfile[] }
  | { type: 'polling'; active: boolean; intervalMs: number; timeoutMs: number }
  | { type: 'credentialsChanged'; server: string; signedIn: boolean }
  /** Destinations whose details panels are visible: their details come with every snapshot. */
  | { type: 'watch'; watched: { server: string; key: string }[] }
  | { type: 'request'; id: number; operation: Operation }
  | { type: 'secret'; id: number; secret: Secret | undefined };

export type FromEngine =
  | Delta
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: WireError }
  /** The engine needs a profile's stored secret to open its client. */
  | { type: 'needSecret'; id: number; server: string }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string };
