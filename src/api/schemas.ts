/**
 * zod schemas for every JetStream structure the extension reads, after the vendor's reference pages
 * (shared/spec/destination-structure.txt, jetstream-facts.md) and the HTTP convention (PROTOCOL.md).
 * Types are inferred from these schemas and never written twice. What a user types and the extension
 * sends is checked in `inputSchemas.ts`.
 *
 * Objects are `looseObject`s: a newer server may send fields we do not know, and they pass through.
 * Fields that arrived in later server versions are optional, so an older server still validates.
 */
import * as z from 'zod';
import { l10n } from './l10n';

/**
 * Microseconds since the Unix epoch (UTC), or null while not yet valid. The docs say integers; a
 * fraction from a server that computes them is accepted rather than refused.
 */
export const Timestamp = z.number().nonnegative().nullable();
/** `Timestamp` as a plain test, for the loop that runs once per destination and snapshot. */
export const isTimestamp = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0);

/**
 * An id as the server sent it. The docs show both kinds (`'destinationId': 'receiver01:8886'`, integer
 * transfer ids), so either is accepted; calls send it back unchanged, and maps key it by `idKey`.
 */
export const Id = z.union([z.string().min(1), z.number().finite()]);
export type Id = z.infer<typeof Id>;
/** `Id` as a plain test, for the loop that runs once per destination and snapshot. */
export const isId = (v: unknown): v is Id => (typeof v === 'string' ? v.length > 0 : typeof v === 'number' && Number.isFinite(v));

/** An id as text: the key of maps and tree rows. */
export function idKey(id: Id): string {
  return String(id);
}

export const EncryptedConnectionState = z.enum(['disconnected', 'negotiating', 'connected']);
export type EncryptedConnectionState = z.infer<typeof EncryptedConnectionState>;

/** A JSON object: not null, not a list. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * userData as a server sends it: keys to values of any JSON type (only text values are editable). The
 * object is kept as it came, so a key like `__proto__` is shown as the text it is.
 */
export const UserData = z.custom<Record<string, unknown>>(isRecord, { error: () => l10n.t('expected an object of keys and values') });
export type UserData = Record<string, unknown>;

/** userData whose values are all text: what this extension writes. */
export type TextUserData = Record<string, string>;

/** Lane name → proportion of the destination's bandwidth, each in (0, 1], adding up to at most 1. */
export const PriorityLanes = z
  .record(z.string().min(1), z.number().gt(0).lte(1))
  .refine((lanes) => Object.values(lanes).reduce((a, b) => a + b, 0) <= 1 + 1e-9, {
    error: () => l10n.t('priority lane proportions add up to more than 1'),
  });
export type PriorityLanes = z.infer<typeof PriorityLanes>;

/** The lanes as a map of proportions when a server sends that shape; undefined for any other shape, shown raw. */
export function lanesOf(value: unknown): PriorityLanes | undefined {
  const r = PriorityLanes.safeParse(value);
  return r.success ? r.data : undefined;
}

/**
 * Destination Transfer Defaults Structure. sendRateMax and priorityLane since 1.6.1, overwriteMode
 * since 1.7.0. checkpointFrequencySeconds "is None" when checkpoints are disabled.
 */
export const TransferDefaults = z.looseObject({
  checkpointFrequencySeconds: z.number().nonnegative().nullable(),
  overwriteMode: z.number().int().min(0).max(5).optional(),
  priority: z.number().int(),
  priorityLane: z.string().nullable().optional(),
  sendRateMax: z.number().nonnegative().nullable().optional(),
  transferFlags: z.number().int().nonnegative(),
});
export type TransferDefaults = z.infer<typeof TransferDefaults>;

const Port = z.number().int().min(0).max(65535);

/** lastError: "the last critical error", with lastErrorMessage beside it, so it may be a code: text or a number. */
const ErrorValue = z.union([z.string(), z.number()]).nullable().optional();

/** Destination Structure: every field of the reference page. */
export const Destination = z.looseObject({
  connectionId: Id.nullable(),
  destinationAddress: z.string(),
  destinationId: Id,
  destinationIP: z.string().nullable(),
  destinationPort: Port,
  destinationPublicKey: z.string().nullable(),
  encryptedConnectionState: EncryptedConnectionState,
  encryptionEnabled: z.boolean(),
  lastDestinationServerId: Id.nullable(),
  lastDestinationServerUid: Id.nullable(),
  // 1.7.0
  lastError: ErrorValue,
  lastErrorMessage: z.string().nullable().optional(),
  lastRecvTime: Timestamp,
  lastSendTime: Timestamp,
  numTransfersQueued: z.number().int().nonnegative(),
  owner: z.string().nullable().optional(),
  // 2.4.0
  ownerToken: z.string().nullable().optional(),
  ownerTokenSession: z.string().nullable().optional(),
  permittedDestinationPublicKey: z.string().nullable().optional(),
  // 1.6.1; "a mapping of the priority lanes" of no documented shape: see lanesOf
  priorityLanes: z.unknown().optional(),
  relayIP: z.string().nullable(),
  relayPort: Port.nullable(),
  roundTripTimeMs: z.number().nonnegative().nullable(),
  senderIP: z.string().nullable(),
  senderPort: Port.nullable(),
  sendRateAverage: z.number().nonnegative(),
  sendRateMax: z.number().nonnegative(),
  snapshotTime: Timestamp,
  socketRecvBufferSize: z.number().int().nonnegative(),
  socketSendBufferSize: z.number().int().nonnegative(),
  transferDefaults: TransferDefaults,
  userData: UserData.optional(),
});
export type Destination = z.infer<typeof Destination>;

/** Every field name of the reference page, in its order: the details panel and the schema tests walk it. */
export const DESTINATION_FIELDS = Object.keys(Destination.shape) as (keyof typeof Destination.shape)[];
export const TRANSFER_DEFAULTS_FIELDS = Object.keys(TransferDefaults.shape) as (keyof typeof TransferDefaults.shape)[];

/**
 * The fields the tree, its tooltips, the filter and the sort read: checked on every snapshot. A plain
 * object schema (not loose) is many times faster, and is used as a check only. The full Destination
 * schema checks the rest when the whole structure is used (details panel, copy as JSON, undo of a delete).
 */
const ROW_FIELDS = [
  'destinationId',
  'destinationAddress',
  'destinationPort',
  'encryptedConnectionState',
  'encryptionEnabled',
  'lastError',
  'lastErrorMessage',
  'lastSendTime',
  'numTransfersQueued',
  'owner',
  'relayIP',
  'relayPort',
  'roundTripTimeMs',
  'sendRateAverage',
  'sendRateMax',
  'snapshotTime',
] as const satisfies readonly (keyof typeof Destination.shape)[];
type RowShape = Pick<typeof Destination.shape, (typeof ROW_FIELDS)[number]>;
export const DestinationRow = z.object(Object.fromEntries(ROW_FIELDS.map((f) => [f, Destination.shape[f]])) as RowShape);

/**
 * A destination as the store keeps it: the row fields and userData, checked, updated in place by each
 * snapshot. `problem` marks a record that did not fit (its row fields are then the readable ones, or
 * stand-ins).
 */
export type ListedDestination = z.infer<typeof DestinationRow> & {
  userData?: UserData | undefined;
  problem?: string | undefined;
  /**
   * The record as the server sent it in the last snapshot: kept for a record that did not fit, and for
   * one asked for whole (a details panel, Copy as JSON, the undo of a delete, a plan).
   */
  raw?: unknown;
};

/** Connection Structure (send.getConnection / send.getConnections). */
export const Connection = z.looseObject({
  connectionId: Id,
  destinationId: Id.nullable().optional(),
  destinationAddress: z.string().nullable().optional(),
  destinationPort: Port.nullable().optional(),
  remoteIP: z.string().nullable().optional(),
  remotePort: Port.nullable().optional(),
  state: z.string().optional(),
  encrypted: z.boolean().optional(),
  roundTripTimeMs: z.number().nonnegative().nullable().optional(),
  sendRateAverage: z.number().nonnegative().optional(),
  establishedTime: Timestamp.optional(),
  snapshotTime: Timestamp.optional(),
});
export type Connection = z.infer<typeof Connection>;

/** Server Information structure (getServerInfo). */
export const ServerInfo = z.looseObject({
  apiVersion: z.number().int().nonnegative(),
  version: z.string(),
  serverName: z.string().optional(),
  hostName: z.string().optional(),
  serverId: Id.optional(),
  serverUid: Id.optional(),
  authRequired: z.boolean(),
  allowRemoteControl: z.boolean().optional(),
  encryptionAvailable: z.boolean().optional(),
  APITokensAvailable: z.boolean().optional(),
  publicKey: z.string().nullable().optional(),
});
export type ServerInfo = z.infer<typeof ServerInfo>;

export const ERROR_CODES = [
  'InvalidRequest',
  'InvalidParameter',
  'AuthRequired',
  'AuthFailed',
  'PermissionDenied',
  'NotFound',
  'UnknownCommand',
  'PayloadTooLarge',
  'ServerError',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The error envelope of a failed HTTP call. An unknown code from a newer server is kept as a string. */
export const ErrorEnvelope = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;
