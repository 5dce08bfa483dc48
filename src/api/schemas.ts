/**
 * zod schemas for every JetStream structure the extension reads, after the vendor's reference pages
 * (shared/spec/destination-structure.txt, jetstream-facts.md) and the HTTP convention (PROTOCOL.md).
 * Types are inferred from these schemas and never written twice.
 *
 * Objects are `looseObject`s: a newer server may send fields we do not know, and they pass through.
 * Fields that arrived in later server versions are optional, so an older server still validates.
 */
import * as z from 'zod';

/** Integer microseconds since the Unix epoch (UTC), or null while not yet valid. */
export const Timestamp = z.number().int().nonnegative().nullable();

export const EncryptedConnectionState = z.enum(['disconnected', 'negotiating', 'connected']);
export type EncryptedConnectionState = z.infer<typeof EncryptedConnectionState>;

/** Overwrite modes by number (2.9.x constant names); the number is what the server sends. */
export const OVERWRITE_MODE_NAMES: Readonly<Record<number, string>> = {
  0: 'In place, never overwrite',
  1: 'In place, always overwrite',
  2: 'In place, same size only (OVERWRITE_IN_PLACE_SAME_SIZE)',
  3: 'Part file, never overwrite (OVERWRITE_NEVER)',
  4: 'Part file, always overwrite (OVERWRITE_ALWAYS)',
  5: 'Part file with .jetbak backup',
};

export const UserData = z.record(z.string(), z.string());
export type UserData = z.infer<typeof UserData>;

/** Lane name → proportion of the destination's bandwidth, each in (0, 1], adding up to at most 1. */
export const PriorityLanes = z
  .record(z.string().min(1), z.number().gt(0).lte(1))
  .refine((lanes) => Object.values(lanes).reduce((a, b) => a + b, 0) <= 1 + 1e-9, {
    message: 'priority lane proportions add up to more than 1',
  });
export type PriorityLanes = z.infer<typeof PriorityLanes>;

/** Destination Transfer Defaults Structure. sendRateMax and priorityLane since 1.6.1, overwriteMode since 1.7.0. */
export const TransferDefaults = z.looseObject({
  checkpointFrequencySeconds: z.number().nonnegative(),
  overwriteMode: z.number().int().min(0).max(5).optional(),
  priority: z.number().int(),
  priorityLane: z.string().nullable().optional(),
  sendRateMax: z.number().nonnegative().optional(),
  transferFlags: z.number().int().nonnegative(),
});
export type TransferDefaults = z.infer<typeof TransferDefaults>;

/** The partial form accepted by createDestination. */
export const TransferDefaultsInput = z.strictObject({
  checkpointFrequencySeconds: z.number().nonnegative().optional(),
  overwriteMode: z.number().int().min(0).max(5).optional(),
  priority: z.number().int().optional(),
  priorityLane: z.string().nullable().optional(),
  sendRateMax: z.number().positive().optional(),
  transferFlags: z.number().int().nonnegative().optional(),
});
export type TransferDefaultsInput = z.infer<typeof TransferDefaultsInput>;

const Port = z.number().int().min(0).max(65535);

/** Destination Structure: every field of the reference page. */
export const Destination = z.looseObject({
  connectionId: z.string().nullable(),
  destinationAddress: z.string(),
  destinationId: z.string().min(1),
  destinationIP: z.string().nullable(),
  destinationPort: Port,
  destinationPublicKey: z.string().nullable(),
  encryptedConnectionState: EncryptedConnectionState,
  encryptionEnabled: z.boolean(),
  lastDestinationServerId: z.string().nullable(),
  lastDestinationServerUid: z.string().nullable(),
  // 1.7.0
  lastError: z.string().nullable().optional(),
  lastErrorMessage: z.string().nullable().optional(),
  lastRecvTime: Timestamp,
  lastSendTime: Timestamp,
  numTransfersQueued: z.number().int().nonnegative(),
  owner: z.string().nullable().optional(),
  // 2.4.0
  ownerToken: z.string().nullable().optional(),
  ownerTokenSession: z.string().nullable().optional(),
  permittedDestinationPublicKey: z.string().nullable().optional(),
  // 1.6.1
  priorityLanes: PriorityLanes.nullable().optional(),
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
 * object schema (not loose) is many times faster, and is used as a check only: the server's object,
 * with every field it sent, is what the store keeps. The full Destination schema checks the rest when
 * the whole structure is used (details panel, copy as JSON, undo of a delete).
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
/** A destination as listed: the row fields and userData checked, everything else as the server sent it. */
export type ListedDestination = z.infer<typeof DestinationRow> & { userData?: UserData | undefined };

/** Connection Structure (send.getConnection / send.getConnections). */
export const Connection = z.looseObject({
  connectionId: z.string().min(1),
  destinationId: z.string().nullable().optional(),
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
  serverId: z.string().optional(),
  serverUid: z.string().optional(),
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

/** A key a user may set: not empty, not too long, and not a name JavaScript objects treat specially. */
export const UserDataKey = z
  .string()
  .min(1, 'a key cannot be empty')
  .max(256, 'a key is at most 256 characters')
  .refine((k) => k !== '__proto__', { message: 'the key "__proto__" is not allowed' });

/** userData as a user may send it: checked keys, string values. zod's record drops a `__proto__` key
 * silently, so it is refused before the record sees it. */
export const UserDataInput = z
  .unknown()
  .superRefine((v, ctx) => {
    if (typeof v === 'object' && v !== null && Object.hasOwn(v, '__proto__')) {
      ctx.addIssue({ code: 'custom', path: [], message: 'invalid key "__proto__": the key "__proto__" is not allowed' });
    }
  })
  .pipe(z.record(UserDataKey, z.string()));

const DNS_NAME = /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** IPv6 literals are checked by the URL parser, which exists alike in Node and in the webview. */
function isIPv6(s: string): boolean {
  if (!s.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(s)) return false;
  try {
    return new URL(`http://[${s}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

/** A DNS name or an IPv4/IPv6 literal: what createDestination accepts as an address. All-digit names are not names. */
export const HostAddress = z
  .string()
  .trim()
  .min(1, 'an address is required')
  .max(253, 'an address is at most 253 characters')
  .refine((s) => IPV4.test(s) || isIPv6(s) || (DNS_NAME.test(s) && !/^[\d.]+$/.test(s)), { message: 'not a host name or IP address' });

/** Parameters of send.createDestination (PROTOCOL.md), the same schema for the extension's input and the simulator's checks. */
export const CreateDestinationParams = z
  .strictObject({
    destinationAddress: HostAddress,
    destinationPort: z.number().int().min(1).max(65535).optional(),
    senderPort: z.number().int().min(0).max(65535).optional(),
    sendRateMax: z.number().positive().optional(),
    permittedDestinationPublicKey: z.string().max(4096).optional(),
    relayAddress: HostAddress.optional(),
    relayPort: z.number().int().min(1).max(65535).optional(),
    socketSendBufferSize: z.number().int().positive().optional(),
    socketRecvBufferSize: z.number().int().positive().optional(),
    transferDefaults: TransferDefaultsInput.optional(),
    priorityLanes: PriorityLanes.optional(),
    userData: UserDataInput.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.relayPort !== undefined && p.relayAddress === undefined) {
      ctx.addIssue({ code: 'custom', path: ['relayPort'], message: 'a relayPort needs a relayAddress' });
    }
    const lane = p.transferDefaults?.priorityLane;
    if (lane && !(p.priorityLanes && Object.hasOwn(p.priorityLanes, lane))) {
      ctx.addIssue({
        code: 'custom',
        path: ['transferDefaults', 'priorityLane'],
        message: `"${lane}" is not one of the destination's priority lanes`,
      });
    }
  });
export type CreateDestinationParams = z.infer<typeof CreateDestinationParams>;

/**
 * Where a validation problem is and what it is, in words: `userData` + `invalid key "": a key cannot be
 * empty` rather than zod's `userData.` + `Invalid key in record`.
 */
export function issueText(issue: z.core.$ZodIssue): { path: string; message: string } {
  const path = issue.path.map(String);
  if (issue.code === 'invalid_key') {
    const key = path.pop() ?? '';
    return { path: path.join('.'), message: `invalid key ${JSON.stringify(key)}: ${issue.issues[0]?.message ?? issue.message}` };
  }
  return { path: path.join('.'), message: issue.message };
}
