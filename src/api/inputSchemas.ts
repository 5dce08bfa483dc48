/**
 * zod schemas for what a user types and the extension sends: userData keys and values, addresses, and
 * send.createDestination's parameters. The same schemas check the simulator's input, destinations
 * files and the details page's table; `schemas.ts` holds what servers send.
 */
import * as z from 'zod';
import { l10n } from './l10n';
import { PriorityLanes } from './schemas';

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

/** A key a user may set: not empty, not too long, and not a name JavaScript objects treat specially. */
export const UserDataKey = z
  .string()
  .min(1, { error: () => l10n.t('a key cannot be empty') })
  .max(256, { error: () => l10n.t('a key is at most {0} characters', 256) })
  .refine((k) => k !== '__proto__', { error: () => l10n.t('the key "__proto__" is not allowed') });

export const MAX_USER_DATA_VALUE = 65_536;

/** A value a user may set: text up to a size every transport can carry. */
export const UserDataValue = z
  .string()
  .max(MAX_USER_DATA_VALUE, { error: () => l10n.t('a value is at most {0} characters', MAX_USER_DATA_VALUE.toLocaleString('en-US')) });

/** userData as a user may send it: checked keys, text values. zod's record drops a `__proto__` key
 * silently, so it is refused before the record sees it. */
export const UserDataInput = z
  .unknown()
  .superRefine((v, ctx) => {
    if (typeof v === 'object' && v !== null && Object.hasOwn(v, '__proto__')) {
      ctx.addIssue({ code: 'custom', path: [], message: l10n.t('invalid key "__proto__": the key "__proto__" is not allowed') });
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
  .min(1, { error: () => l10n.t('an address is required') })
  .max(253, { error: () => l10n.t('an address is at most {0} characters', 253) })
  .refine((s) => IPV4.test(s) || isIPv6(s) || (DNS_NAME.test(s) && !/^[\d.]+$/.test(s)), {
    error: () => l10n.t('not a host name or IP address'),
  });

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
    ctx.addIssue({ code: 'custom', path: ['relayPort'], message: l10n.t('a relayPort needs a relayAddress') });
  }
  const lane = p.transferDefaults?.priorityLane;
  if (lane && !(p.priorityLanes && Object.hasOwn(p.priorityLanes, lane))) {
    ctx.addIssue({
      code: 'custom',
      path: ['transferDefaults', 'priorityLane'],
      message: l10n.t('"{0}" is not one of the destination\'s priority lanes', lane),
    });
  }
}

/** Parameters of send.createDestination (PROTOCOL.md), the same schema for the extension's input and the simulator's checks. */
export const CreateDestinationParams = z
  .strictObject({
    destinationAddress: HostAddress.describe('Host name or IP address of the receiving JetStream server.'),
    destinationPort: z.number().int().min(1).max(65535).optional().describe('UDP port of the destination (default 8886).'),
    senderPort: z.number().int().min(0).max(65535).optional().describe('UDP port to send from; 0 picks one.'),
    sendRateMax: z.number().positive().optional().describe('Maximum send rate, in kilobits per second (100000 = 100 Mbit/s).'),
    permittedDestinationPublicKey: z.string().max(4096).optional().describe('Public key the destination must present.'),
    relayAddress: HostAddress.optional().describe('Host name or IP address of a relay to send through.'),
    relayPort: z.number().int().min(1).max(65535).optional().describe('UDP port of the relay.'),
    socketSendBufferSize: z.number().int().positive().optional().describe('Socket send buffer, in bytes.'),
    socketRecvBufferSize: z.number().int().positive().optional().describe('Socket receive buffer, in bytes.'),
    transferDefaults: TransferDefaultsInput.optional().describe(
      'Defaults of transfers to this destination (priority, lane, rate, overwrite mode, …).',
    ),
    priorityLanes: PriorityLanes.optional().describe("Bandwidth lanes: each lane's name and its proportion of the rate."),
    userData: UserDataInput.optional().describe('Your own text keys and values.'),
  })
  .superRefine((p, ctx) => checkCreateParams(p, ctx));
export type CreateDestinationParams = z.infer<typeof CreateDestinationParams>;
