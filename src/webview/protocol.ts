/**
 * Every message between the extension and a details panel. Both sides import this file. Messages from
 * the page are validated with zod in the extension, so a malformed or forged one is dropped, never
 * obeyed; messages to the page come from the extension itself and are typed only.
 */
import * as z from 'zod';
import { UserDataKey, UserDataValue } from '../api/inputSchemas';
import type { DestinationDetails } from '../model/details';

export type { FieldProblem, Liveness } from '../model/details';
export type { HistorySeries as History } from '../model/history';

/** A destination's details as the page draws them: the model's fields as they are. */
export interface SnapshotMessage extends DestinationDetails {
  type: 'snapshot';
}

/** Why there are no details to draw (the server is gone, or so is the destination). */
export interface ProblemMessage {
  type: 'problem';
  text: string;
}

export interface UserDataResultMessage {
  type: 'userDataResult';
  requestId: number;
  key: string;
  ok: boolean;
  error?: string | undefined;
}

export type ToWebview = SnapshotMessage | ProblemMessage | UserDataResultMessage;

export const FromWebview = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('setUserData'), requestId: z.number().int(), key: UserDataKey, value: UserDataValue }),
  z.object({ type: z.literal('deleteUserData'), requestId: z.number().int(), key: UserDataKey }),
  z.object({ type: z.literal('copy'), text: z.string().max(10_000_000) }),
  z.object({ type: z.literal('refresh') }),
]);
export type FromWebview = z.infer<typeof FromWebview>;

/** What the webview persists (vscode.setState) so the panel comes back after a window reload. */
export const PanelState = z.object({ server: z.string(), destinationId: z.string() });
export type PanelState = z.infer<typeof PanelState>;
