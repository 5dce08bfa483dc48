/**
 * What the page shows of a destination: its sections, each field's label and how its value reads.
 * Labels are translated where they are defined (strings.ts has the translations before this runs);
 * in Node, for the tests, they are the English.
 */
import { valueText } from '../model/bounded';
import { formatBytes, formatRate } from '../model/format';
import type { DestinationStatus } from '../model/status';
import * as l10n from './strings';

export type Format = (value: unknown) => string;

/** The longest text one cell shows; the Raw JSON and Copy give the whole value. */
export const CELL_TEXT_MAX = 10_000;

const count = (n: number) => n.toLocaleString('en-US');

export const plain: Format = (v) =>
  v === undefined ? l10n.t('absent (not sent by this server)') : v === null ? l10n.t('none') : valueText(v, CELL_TEXT_MAX);

/** "61.5 Mbit/s (61,500 kbit/s)", but "0 kbit/s": the raw figure only when the unit differs. */
export const rate: Format = (v) => {
  if (typeof v !== 'number') return plain(v);
  const shown = formatRate(v);
  return shown.endsWith(' kbit/s') ? shown : l10n.t('{0} ({1} kbit/s)', shown, count(v));
};

export const bytes: Format = (v) => {
  if (typeof v !== 'number') return plain(v);
  return Math.abs(v) < 1024 ? l10n.t('{0} bytes', count(v)) : l10n.t('{0} ({1} bytes)', formatBytes(v), count(v));
};

const pad = (n: number) => String(n).padStart(2, '0');

/** HH:MM:SS, 24-hour local time: the one clock format of the panel, plots included. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function dateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clockTime(ms)}`;
}

export function age(ms: number): string {
  if (ms < 0) return l10n.t('in the future');
  const s = Math.round(ms / 1000);
  if (s < 2) return l10n.t('just now');
  if (s < 90) return l10n.t('{0} s ago', s);
  const m = Math.round(s / 60);
  if (m < 90) return l10n.t('{0} min ago', m);
  const hours = Math.round(m / 60);
  if (hours < 36) return l10n.t('{0} h ago', hours);
  return l10n.t('{0} days ago', Math.round(hours / 24));
}

/** A JetStream timestamp (µs since the epoch) as local date and time with its age. */
export const time: Format = (v) => {
  if (v === null) return l10n.t('never');
  if (typeof v !== 'number') return plain(v);
  const ms = v / 1000;
  return l10n.t('{0} ({1})', dateTime(ms), age(Date.now() - ms));
};

const yesNo: Format = (v) => (typeof v === 'boolean' ? (v ? l10n.t('yes') : l10n.t('no')) : plain(v));
const ms: Format = (v) => (typeof v === 'number' ? l10n.t('{0} ms', v) : plain(v));
const seconds: Format = (v) => (typeof v === 'number' ? l10n.t('{0} s', v) : plain(v));
const overwriteMode: Format = (v) => {
  if (typeof v !== 'number') return plain(v);
  return l10n.t('{0}: {1}', v, OVERWRITE_MODE_WORDS[v] ?? l10n.t('unknown mode'));
};
const flags: Format = (v) => (v === 0 ? l10n.t('0 (none)') : typeof v === 'number' ? l10n.t('{0} (bits {1})', v, bitsOf(v)) : plain(v));

function bitsOf(n: number): string {
  const bits: number[] = [];
  for (let i = 0; i < 32; i++) if (n & (1 << i)) bits.push(i);
  return bits.join(', ');
}

/** What a status and an overwrite mode are called on the page, each word a literal the bundle generator finds. */
export const STATUS_WORDS: Readonly<Record<DestinationStatus, string>> = {
  connected: l10n.t('Connected'),
  negotiating: l10n.t('Negotiating'),
  disconnected: l10n.t('Disconnected'),
  error: l10n.t('Error'),
  stale: l10n.t('Stale (no new snapshot)'),
  invalid: l10n.t('Unexpected data'),
};

export const OVERWRITE_MODE_WORDS: Readonly<Record<number, string>> = {
  0: l10n.t('In place, never overwrite'),
  1: l10n.t('In place, always overwrite'),
  2: l10n.t('In place, same size only (OVERWRITE_IN_PLACE_SAME_SIZE)'),
  3: l10n.t('Part file, never overwrite (OVERWRITE_NEVER)'),
  4: l10n.t('Part file, always overwrite (OVERWRITE_ALWAYS)'),
  5: l10n.t('Part file with .jetbak backup'),
};

export interface FieldSpec {
  /** The path in the record: `sendRateMax`, `transferDefaults.priority`. */
  path: string;
  label: string;
  format?: Format;
  copy?: boolean;
}

export interface SectionSpec {
  id: string;
  title: string;
  fields: FieldSpec[];
}

export const SECTIONS: SectionSpec[] = [
  {
    id: 'status',
    title: l10n.t('Status'),
    fields: [
      { path: 'lastError', label: l10n.t('Last error') },
      { path: 'lastErrorMessage', label: l10n.t('Last error message') },
      { path: 'snapshotTime', label: l10n.t('Snapshot time'), format: time },
      { path: 'lastDestinationServerId', label: l10n.t('Last destination server instance') },
      { path: 'lastDestinationServerUid', label: l10n.t('Last destination server (persistent id)') },
    ],
  },
  {
    id: 'endpoint',
    title: l10n.t('Endpoint'),
    fields: [
      { path: 'destinationAddress', label: l10n.t('Address'), copy: true },
      { path: 'destinationIP', label: l10n.t('IP') },
      { path: 'destinationPort', label: l10n.t('UDP port') },
      { path: 'senderIP', label: l10n.t('Sender IP') },
      { path: 'senderPort', label: l10n.t('Sender port') },
      { path: 'relayIP', label: l10n.t('Relay IP') },
      { path: 'relayPort', label: l10n.t('Relay port') },
      { path: 'connectionId', label: l10n.t('Connection ID'), copy: true },
    ],
  },
  {
    id: 'security',
    title: l10n.t('Security'),
    fields: [
      { path: 'encryptionEnabled', label: l10n.t('Encryption enabled'), format: yesNo },
      { path: 'encryptedConnectionState', label: l10n.t('Connection state') },
      { path: 'destinationPublicKey', label: l10n.t('Destination public key'), copy: true },
      { path: 'permittedDestinationPublicKey', label: l10n.t('Permitted destination public key'), copy: true },
    ],
  },
  {
    id: 'performance',
    title: l10n.t('Performance'),
    fields: [
      { path: 'sendRateAverage', label: l10n.t('Send rate (average)'), format: rate },
      { path: 'sendRateMax', label: l10n.t('Send rate (maximum)'), format: rate },
      { path: 'roundTripTimeMs', label: l10n.t('Round-trip time'), format: ms },
      { path: 'lastSendTime', label: l10n.t('Last send'), format: time },
      { path: 'lastRecvTime', label: l10n.t('Last receive'), format: time },
    ],
  },
  { id: 'queue', title: l10n.t('Queue'), fields: [{ path: 'numTransfersQueued', label: l10n.t('Transfers queued') }] },
  {
    id: 'ownership',
    title: l10n.t('Ownership'),
    fields: [
      { path: 'destinationId', label: l10n.t('Destination ID'), copy: true },
      { path: 'owner', label: l10n.t('Owner') },
      { path: 'ownerToken', label: l10n.t('Owner token') },
      { path: 'ownerTokenSession', label: l10n.t('Owner token session') },
    ],
  },
  {
    id: 'buffers',
    title: l10n.t('Socket buffers'),
    fields: [
      { path: 'socketSendBufferSize', label: l10n.t('Send buffer'), format: bytes },
      { path: 'socketRecvBufferSize', label: l10n.t('Receive buffer'), format: bytes },
    ],
  },
];

const TRANSFER_DEFAULTS: Record<string, Omit<FieldSpec, 'path'>> = {
  checkpointFrequencySeconds: { label: l10n.t('Checkpoint frequency'), format: seconds },
  overwriteMode: { label: l10n.t('Overwrite mode'), format: overwriteMode },
  priority: { label: l10n.t('Priority (lower goes first)') },
  priorityLane: { label: l10n.t('Priority lane') },
  sendRateMax: { label: l10n.t('Send rate maximum'), format: rate },
  transferFlags: { label: l10n.t('Transfer flags'), format: flags },
};

/** A transfer default by field name; one a newer server added reads as plain JSON under its own name. */
export function transferDefaultSpec(field: string): FieldSpec {
  return { path: `transferDefaults.${field}`, label: field, ...TRANSFER_DEFAULTS[field] };
}

/** Fields with a place of their own (a table, a bar, a section of their own), not listed under Other fields. */
export const OWN_PLACE = ['transferDefaults', 'priorityLanes', 'userData'];

/** The value at a one- or two-level path; undefined when any part is missing. */
export function valueAt(record: Record<string, unknown>, path: string): unknown {
  const dot = path.indexOf('.');
  if (dot < 0) return own(record, path);
  const parent = own(record, path.slice(0, dot));
  return typeof parent === 'object' && parent !== null ? own(parent as Record<string, unknown>, path.slice(dot + 1)) : undefined;
}

/** Own properties only: a server's field named `__proto__` or `constructor` is data, not the prototype. */
function own(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}
