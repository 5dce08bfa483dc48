/**
 * Every message between the extension and a details panel, as zod schemas: both sides import this
 * file and validate what they receive, so a malformed or forged message is dropped, never obeyed.
 */
import * as z from 'zod';
import { Destination } from '../api/schemas';

export const DestinationStatus = z.enum(['connected', 'negotiating', 'disconnected', 'error', 'stale']);

export const History = z.object({
  t: z.array(z.number()),
  sendRateAverage: z.array(z.number().nullable()),
  sendRateMax: z.array(z.number().nullable()),
  roundTripTimeMs: z.array(z.number().nullable()),
});
export type History = z.infer<typeof History>;

/**
 * live: the destination as the server last sent it; deleted: the server no longer has it; unreachable:
 * last known data; invalid: the server's newest data for it does not fit the Destination structure.
 */
export const Liveness = z.enum(['live', 'deleted', 'unreachable', 'invalid']);
export type Liveness = z.infer<typeof Liveness>;

export const SnapshotMessage = z.object({
  type: z.literal('snapshot'),
  server: z.string(),
  destination: Destination,
  status: DestinationStatus,
  liveness: Liveness,
  /** Why the server cannot be reached, when it cannot. */
  problem: z.string().optional(),
  history: History,
});
export type SnapshotMessage = z.infer<typeof SnapshotMessage>;

export const UserDataResultMessage = z.object({
  type: z.literal('userDataResult'),
  requestId: z.number().int(),
  key: z.string(),
  ok: z.boolean(),
  error: z.string().optional(),
});
export type UserDataResultMessage = z.infer<typeof UserDataResultMessage>;

/** Nothing can be shown yet: the words say why. */
export const ProblemMessage = z.object({ type: z.literal('problem'), text: z.string() });

export const ToWebview = z.discriminatedUnion('type', [SnapshotMessage, UserDataResultMessage, ProblemMessage]);
export type ToWebview = z.infer<typeof ToWebview>;

const Key = z.string().min(1).max(256);
const Value = z.string().max(65_536);

export const FromWebview = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('setUserData'), requestId: z.number().int(), key: Key, value: Value }),
  z.object({ type: z.literal('deleteUserData'), requestId: z.number().int(), key: Key }),
  z.object({ type: z.literal('copy'), text: z.string().max(10_000_000) }),
  z.object({ type: z.literal('refresh') }),
]);
export type FromWebview = z.infer<typeof FromWebview>;

/** What the webview persists (vscode.setState) so the panel comes back after a window reload. */
export const PanelState = z.object({ server: z.string(), destinationId: z.string() });
export type PanelState = z.infer<typeof PanelState>;
