/**
 * A destination as a row of the tree, made on the engine's thread from the record the server sent:
 * only what the tree, the filter, the sort and the pickers need, cut to what a row can show and with
 * the profile's secrets removed.
 */
import { l10n } from '../api/l10n';
import type { Redact } from '../api/redact';
import { idKey, type ListedDestination } from '../api/schemas';
import { valueText } from './bounded';
import type { Row, UserDataEntry } from './engine/protocol';
import { truncate } from './format';
import { addressSortKey } from './naturalSort';
import { destinationStatus } from './status';

/** Longest text a row shows of a server string; tooltips show more, the details panel everything. */
export const MAX_ROW_TEXT = 200;
/** The port most destinations use: a label names the port only when it is another. */
export const DEFAULT_DESTINATION_PORT = 8886;
/** Longest userData value kept in a row: what an edit box can take and the tree can show. */
const MAX_ROW_VALUE = 100_000;

const asIs: Redact = (text) => text;

/** The row's label: the address, and the port when it is not 8886; cut, the profile's secrets removed. */
export function destinationLabel(
  d: Pick<ListedDestination, 'destinationAddress' | 'destinationPort' | 'destinationId' | 'problem'>,
  redact: Redact = asIs,
): string {
  if (d.problem && !d.destinationAddress) return l10n.t('unreadable destination ({0})', redact(truncate(String(d.destinationId), 60)));
  const address = redact(truncate(d.destinationAddress, MAX_ROW_TEXT));
  return d.destinationPort === DEFAULT_DESTINATION_PORT ? address : `${address}:${d.destinationPort}`;
}

/** The error a destination reports, in the server's words with the profile's secrets removed. */
export function destinationError(d: ListedDestination, redact: Redact): string {
  const code = d.lastError === null || d.lastError === undefined ? '' : String(d.lastError);
  return redact(truncate(d.lastErrorMessage || code || 'error', 500));
}

export function toRow(d: ListedDestination, serverTime: number | null, redact: Redact): Row {
  const userData: UserDataEntry[] = [];
  for (const key of Object.keys(d.userData ?? {})) {
    const v = d.userData![key];
    userData.push([redact(key), typeof v === 'string' ? redact(v) : redact(valueText(v, MAX_ROW_VALUE)), typeof v === 'string']);
  }
  const status = destinationStatus(d, serverTime);
  return {
    key: idKey(d.destinationId),
    id: d.destinationId,
    label: destinationLabel(d, redact),
    address: redact(truncate(d.destinationAddress, 1000)),
    port: d.destinationPort,
    sortKey: addressSortKey(truncate(d.destinationAddress, 300)),
    status,
    sendRateAverage: d.sendRateAverage,
    sendRateMax: d.sendRateMax,
    numTransfersQueued: d.numTransfersQueued,
    roundTripTimeMs: d.roundTripTimeMs ?? null,
    owner: redact(truncate(d.owner ?? '', MAX_ROW_TEXT)),
    error: status === 'error' ? destinationError(d, redact) : '',
    problem: d.problem ? redact(truncate(d.problem, 500)) : '',
    userData,
  };
}

/** Record fields a row shows as numbers only, and fields it does not show (tooltips ask when they open). */
const ROW_NUMBERS: ReadonlySet<string> = new Set(['sendRateAverage', 'sendRateMax', 'numTransfersQueued', 'roundTripTimeMs']);
const NOT_IN_ROW: ReadonlySet<string> = new Set(['encryptionEnabled', 'lastSendTime', 'relayIP', 'relayPort']);

/**
 * What the moved fields of a record change in its row, its status aside: its text, only its numbers,
 * or nothing at all. Spares building 5,000 rows a second to learn that only rates moved.
 */
export function rowEffect(moved: readonly string[]): 'text' | 'numbers' | 'none' {
  let numbers = false;
  for (const f of moved) {
    if (ROW_NUMBERS.has(f)) numbers = true;
    else if (!NOT_IN_ROW.has(f)) return 'text';
  }
  return numbers ? 'numbers' : 'none';
}

/** Whether two rows differ only in the numbers that move every second (rate, queue). */
export function onlyNumbersDiffer(a: Row, b: Row): boolean {
  if (a.status !== b.status || a.label !== b.label || a.error !== b.error || a.problem !== b.problem || a.owner !== b.owner) return false;
  if (a.userData.length !== b.userData.length) return false;
  for (let i = 0; i < a.userData.length; i++) {
    const x = a.userData[i]!;
    const y = b.userData[i]!;
    if (x[0] !== y[0] || x[1] !== y[1] || x[2] !== y[2]) return false;
  }
  return true;
}

export function sameRow(a: Row, b: Row): boolean {
  return (
    onlyNumbersDiffer(a, b) &&
    a.sendRateAverage === b.sendRateAverage &&
    a.sendRateMax === b.sendRateMax &&
    a.numTransfersQueued === b.numTransfersQueued &&
    a.roundTripTimeMs === b.roundTripTimeMs
  );
}
