/**
 * zod schemas for every JetStream structure the extension reads, after the vendor's reference pages
 * (shared/spec/destination-structure.txt, jetstream-facts.md) and the HTTP convention (PROTOCOL.md).
 * Types are inferred from these schemas and never written twice.
 *
 * Objects are `looseObject`s: a newer server may send fields we do not know, and they pass through.
 * Fields that arrived in later server versions are optional, so an older server still validates.
 */
import { z } from 'zod';

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

/** A DNS name or an IPv4/IPv6 literal: what createDestination accepts as an address. */
export const HostAddress = z
  .string()
  .trim()
  .min(1, 'an address is required')
  .max(253, 'an address is at most 253 characters')
  .refine(
    (s) =>
      /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/.test(s) ||
      /^\d{1,3}(\.\d{1,3}){3}$/.test(s) ||
      (/^[0-9A-Fa-f:]+$/.test(s) && s.includes(':')),
    { message: 'not a host name or IP address' },
  );

/** Parameters of send.createDestination (PROTOCOL.md), the same schema for the extension's input and the simulator's checks. */
export const CreateDestinationParams = z.strictObject({
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
  userData: UserData.optional(),
});
export type CreateDestinationParams = z.infer<typeof CreateDestinationParams>;

export const UserDataKey = z.string().min(1, 'a key cannot be empty').max(256, 'a key is at most 256 characters');
