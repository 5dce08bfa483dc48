/**
 * zod schemas for every JetStream structure the extension reads, after the vendor's reference pages
 * (shared/spec/destination-structure.txt, jetstream-facts.md) and the HTTP convention (PROTOCOL.md).
 * Types are inferred from these schemas and never written twice.
 *
 * Objects are `looseObject`s: a newer server may send fields we do not know, and they pass through.
 * Fields that arrived in later server versions are optional, so an older server still validates.
 */
import * as z from 'zod';

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

/** Overwrite modes by number (2.9.x constant names); the number is what the server sends. */
export const OVERWRITE_MODE_NAMES: Readonly<Record<number, string>> = {
  0: 'In place, never overwrite',
  1: 'In place, always overwrite',
  2: 'In place, same size only (OVERWRITE_IN_PLACE_SAME_SIZE)',
  3: 'Part file, never overwrite (OVERWRITE_NEVER)',
  4: 'Part file, always overwrite (OVERWRITE_ALWAYS)',
  5: 'Part file with .jetbak backup',
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * userData as a server sends it: keys to values of any JSON type (only text values are editable). The
 * object is kept as it came, so a key like `__proto__` is shown as the text it is.
 */
export const UserData = z.custom<Record<string, unknown>>(isRecord, { message: 'expected an object of keys and values' });
export type UserData = Record<string, unknown>;

/** userData whose values are all text: what this extension writes. */
export type TextUserData = Record<string, string>;

/** Lane name → proportion of the destination's bandwidth, each in (0, 1], adding up to at most 1. */
export const PriorityLanes = z
  .record(z.string().min(1), z.number().gt(0).lte(1))
  .refine((lanes) => Object.values(lanes).reduce((a, b) => a + b, 0) <= 1 + 1e-9, {
    message: 'priority lane proportions add up to more than 1',
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

/**
 * A destination as listed: the row fields and userData checked, everything else as the server sent it.
 * `problem` marks a record that did not fit (its row fields are then the readable ones, or stand-ins).
 */
export type ListedDestination = z.infer<typeof DestinationRow> & {
  userData?: UserData | undefined;
  problem?: string | undefined;
  /** The record as the server sent it, for a record that did not fit. */
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

/** A key a user may set: not empty, not too long, and not a name JavaScript objects treat specially. */
export const UserDataKey = z
  .string()
  .min(1, 'a key cannot be empty')
  .max(256, 'a key is at most 256 characters')
  .refine((k) => k !== '__proto__', { message: 'the key "__proto__" is not allowed' });

export const MAX_USER_DATA_VALUE = 65_536;

/** A value a user may set: text up to a size every transport can carry. */
export const UserDataValue = z
  .string()
  .max(MAX_USER_DATA_VALUE, `a value is at most ${MAX_USER_DATA_VALUE.toLocaleString('en-US')} characters`);

/** userData as a user may send it: checked keys, text values. zod's record drops a `__proto__` key
 * silently, so it is refused before the record sees it. */
export const UserDataInput = z
  .unknown()
  .superRefine((v, ctx) => {
    if (typeof v === 'object' && v !== null && Object.hasOwn(v, '__proto__')) {
      ctx.addIssue({ code: 'custom', path: [], message: 'invalid key "__proto__": the key "__proto__" is not allowed' });
    }
  })
  .pipe(z.record(UserDataKey, UserDataValue));

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

/** What createDestination's parameters must satisfy beyond their types (also checked in destinations files). */
export function checkCreateParams(
  p: {
    relayAddress?: string | undefined;
    relayPort?: number | undefined;
    transferDefaults?: { priorityLane?: string | null | undefined } | undefined;
    priorityLanes?: Record<string, number> | undefined;
  },
  ctx: z.RefinementCtx,
): void {
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
}

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
  .superRefine((p, ctx) => checkCreateParams(p, ctx));
export type CreateDestinationParams = z.infer<typeof CreateDestinationParams>;

/**
 * Where a validation problem is and what it is, in words: `sendRateMax` + `must be a number` rather than
 * zod's `Invalid input: expected number, received string`. A message a schema here gives is kept.
 */
export function issueText(issue: z.core.$ZodIssue): { path: string; message: string } {
  const path = issue.path.map(String);
  if (issue.code === 'invalid_key') {
    const key = path.pop() ?? '';
    const shownKey = JSON.stringify(key.length > 40 ? `${key.slice(0, 39)}…` : key);
    return { path: path.join('.'), message: `invalid key ${shownKey}: ${innerWords(issue.issues[0]) ?? issue.message}` };
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
    return { path: path.join('.'), message: issue.keys.length === 1 ? `unknown field ${keys}` : `unknown fields ${keys}` };
  }
  const words = ownWords(issue);
  return { path: path.join('.'), message: words === undefined ? issue.message : path.length ? words : `the value ${words}` };
}

/** Words for an issue nested in another (a record's key, a union's alternative), without a subject. */
function innerWords(issue: z.core.$ZodIssue | undefined): string | undefined {
  return issue && (ownWords(issue) ?? issue.message);
}

/** zod's own text for an issue, as its locale words it: what tells a schema's message from zod's. */
function zodText(issue: z.core.$ZodIssue): string | undefined {
  const m = z.core.config().localeError?.(issue as unknown as z.core.$ZodRawIssue);
  return typeof m === 'string' ? m : m?.message;
}

/** Plain words for an issue that carries zod's wording; undefined when a schema here gave its own message. */
function ownWords(issue: z.core.$ZodIssue): string | undefined {
  const zods = zodText(issue);
  // The final issue holds no input, so zod's text of it says "received undefined": equal only when nothing was given.
  if (issue.code === 'invalid_type') return issue.message === zods ? 'is required' : typeWords(issue);
  if (issue.message !== zods) return undefined;
  switch (issue.code) {
    case 'too_big':
      return sizeWords(issue.origin, issue.inclusive ? 'at most' : 'less than', Number(issue.maximum), issue.exact);
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1 && !issue.exact) return 'cannot be empty';
      return sizeWords(issue.origin, issue.inclusive ? 'at least' : 'more than', Number(issue.minimum), issue.exact);
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${shown(issue.values[0])}` : `must be one of ${oneOf(issue.values.map(shown))}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_format':
      return formatWords(issue);
    case 'invalid_union':
      return unionWords(issue);
    case 'invalid_element':
      return `has an invalid entry: ${innerWords(issue.issues[0]) ?? 'not readable'}`;
    default:
      return 'is not valid';
  }
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  null: 'null',
  object: 'an object',
  record: 'an object of keys and values',
  map: 'an object of keys and values',
  array: 'a list',
  tuple: 'a list',
  set: 'a list',
  date: 'a date',
};
const typeName = (expected: string) => TYPE_WORDS[expected] ?? expected;

function typeWords(issue: z.core.$ZodIssueInvalidType): string {
  // zod keeps `received` on the issue only for a number that is not one: NaN (text typed for a number) reads as any other.
  if ((issue as { received?: string }).received === 'Infinity') return 'must be a finite number';
  return `must be ${typeName(issue.expected)}`;
}

function sizeWords(origin: string, bound: string, n: number, exact: boolean | undefined): string {
  const limit = exact ? 'exactly' : bound;
  const count = (one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
  switch (origin) {
    case 'string':
      return `must be ${limit} ${count('character', 'characters')}`;
    case 'array':
    case 'set':
      return `must have ${limit} ${count('item', 'items')}`;
    case 'object':
    case 'record':
    case 'map':
      return `must have ${limit} ${count('entry', 'entries')}`;
    case 'file':
      return `must be ${limit} ${count('byte', 'bytes')}`;
    case 'date':
      return `must be ${bound === 'at most' || bound === 'less than' ? 'no later than' : 'no earlier than'} ${new Date(n).toISOString()}`;
    default:
      return `must be ${limit} ${n.toLocaleString('en-US')}`;
  }
}

function formatWords(issue: z.core.$ZodIssueInvalidStringFormat): string {
  const { format, prefix, suffix, includes } = issue as { format: string; prefix?: string; suffix?: string; includes?: string };
  if (format === 'starts_with') return `must start with ${JSON.stringify(prefix)}`;
  if (format === 'ends_with') return `must end with ${JSON.stringify(suffix)}`;
  if (format === 'includes') return `must contain ${JSON.stringify(includes)}`;
  if (format === 'regex') return 'is not in the expected form';
  return `must be a valid ${format === 'url' ? 'URL' : format === 'email' ? 'email address' : format}`;
}

/** A value that fits none of a union's forms: the one whose type fitted, or the types it may have. */
function unionWords(issue: z.core.$ZodIssueInvalidUnion): string {
  const fitted = issue.errors.find((e) => e.length && e.every((i) => i.code !== 'invalid_type'));
  if (fitted) return innerWords(fitted[0]) ?? 'is not valid';
  const wrongTypes = issue.errors.flatMap((e) => e.filter((i) => i.code === 'invalid_type'));
  if (wrongTypes.length && wrongTypes.every((i) => ownWords(i) === 'is required')) return 'is required';
  const types = wrongTypes.map((i) => typeName(i.expected));
  return types.length ? `must be ${oneOf([...new Set(types)])}` : 'is not one of the accepted forms';
}

function shown(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function oneOf(words: string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}
