/**
 * Checks a `send.getDestinations` answer at the cost the refresh can afford every second, and
 * leniently: one record that does not fit never blanks its server. A new destination's row fields and
 * userData are checked whole, a known one's only where they moved since the previous snapshot; a record
 * that does not fit is kept as an anomaly (its readable fields and what was unexpected), a repeated id is shown once.
 */
import * as z from 'zod';
import { describeIssue, unreadableAnswer } from './issues';
import { l10n } from './l10n';
import {
  Destination,
  DestinationRow,
  EncryptedConnectionState,
  Id,
  idKey,
  isId,
  isTimestamp,
  Timestamp,
  UserData,
  type ListedDestination,
} from './schemas';

/** A checked list and how it differs from the previous one. */
export interface DestinationList {
  /** Each destination once by its key, in the server's order; anomalies carry `problem`. */
  destinations: Map<string, ListedDestination>;
  /** Keys of destinations whose row fields or userData changed (snapshotTime, new every second, aside). */
  changed: string[];
  /** For changed destinations compared with their previous record, the fields that moved. */
  moved: Map<string, readonly string[]>;
  /** Destinations came or went. */
  listChanged: boolean;
  /** Records left out because an earlier one had the same id. */
  duplicates: number;
  /** Records that did not fit the structure. */
  anomalies: number;
  /**
   * The server's clock (µs): the snapshotTime most destinations share. One record with an odd clock
   * (far ahead, or behind) cannot move it, so it neither marks the others stale nor freezes the plots.
   */
  serverTime: number | null;
}

/** The key of a listed destination: its id as text, or its place in the list when the id is unreadable. */
export function destinationKey(d: Pick<ListedDestination, 'destinationId'>): string {
  return idKey(d.destinationId);
}

/**
 * Checks and compares in one pass: a destination that fitted in the previous snapshot has its new
 * snapshotTime and the fields that moved checked; any other is checked against the row schema, and its
 * userData.
 */
export function checkDestinationList(
  raw: unknown,
  previous: ReadonlyMap<string, ListedDestination> | undefined,
  ctx: { server: string; command: string },
): DestinationList {
  if (!Array.isArray(raw)) throw unreadableAnswer(ctx.server, ctx.command, l10n.t('it is not a list'));
  const items = raw as Record<string, unknown>[];
  const destinations = new Map<string, ListedDestination>();
  const changed: string[] = [];
  const moved = new Map<string, readonly string[]>();
  let listChanged = false;
  let matched = 0;
  let duplicates = 0;
  let anomalies = 0;
  const clock = new Clock();
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const record = typeof item === 'object' && item !== null && !Array.isArray(item);
    const key = record && isId(item.destinationId) ? idKey(item.destinationId) : `#${i + 1}`;
    if (destinations.has(key)) {
      duplicates++;
      continue;
    }
    const old = previous?.get(key);
    if (old) matched++;
    else listChanged = true;
    // A record that fitted before was checked but for the fields that moved: only those are checked
    // again, which keeps a snapshot where half the rates move cheap.
    const fields = old && !old.problem && record ? movedFields(old, item) : undefined;
    let d: ListedDestination;
    if (fields && isTimestamp(item.snapshotTime) && fields.every((f) => fieldFits(f, item[f]))) {
      d = item as unknown as ListedDestination;
      if (fields.length) {
        changed.push(key);
        moved.set(key, fields);
      }
    } else {
      const row = record ? DestinationRow.safeParse(item) : undefined;
      const userData = row?.success && item.userData !== undefined ? UserData.safeParse(item.userData) : undefined;
      d =
        !record || !row
          ? anomaly(item, key, i, l10n.t('it is not an object'))
          : !row.success
            ? anomaly(item, key, i, describeIssue(row.error, item))
            : userData && !userData.success
              ? anomaly(item, key, i, describeIssue(userData.error, item, { field: 'userData' }))
              : (item as unknown as ListedDestination);
      if (old && (!d.problem || d.problem !== old.problem)) changed.push(key);
    }
    if (d.problem) anomalies++;
    else clock.count(d.snapshotTime);
    destinations.set(key, d);
  }
  if (matched !== (previous?.size ?? 0)) listChanged = true;
  return { destinations, changed, moved, listChanged, duplicates, anomalies, serverTime: clock.time() };
}

/** Counts snapshot times to find the one most destinations share; ties go to the newer. */
class Clock {
  private readonly counts = new Map<number, number>();
  private best: number | null = null;
  private bestCount = 0;

  count(t: number | null): void {
    if (t === null) return;
    const n = (this.counts.get(t) ?? 0) + 1;
    this.counts.set(t, n);
    if (n > this.bestCount || (n === this.bestCount && this.best !== null && t > this.best)) {
      this.best = t;
      this.bestCount = n;
    }
  }

  time(): number | null {
    return this.best;
  }
}

const pick = <T>(schema: z.ZodType<T>, value: unknown, fallback: T): T => {
  const r = schema.safeParse(value);
  return r.success ? r.data : fallback;
};
const Text = z.string();
const Count = z.number().nonnegative();

/**
 * A record that does not fit, as a row: its readable fields, stand-ins for the rest, what was
 * unexpected, and the record itself for the details panel.
 */
function anomaly(item: unknown, key: string, index: number, problem: string): ListedDestination {
  const r = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  const id = Id.safeParse(r.destinationId);
  return {
    destinationId: id.success ? id.data : key,
    destinationAddress: pick(Text, r.destinationAddress, ''),
    destinationPort: pick(DestinationRow.shape.destinationPort, r.destinationPort, 0),
    encryptedConnectionState: pick(EncryptedConnectionState, r.encryptedConnectionState, 'disconnected'),
    encryptionEnabled: r.encryptionEnabled === true,
    lastError: pick(DestinationRow.shape.lastError, r.lastError, null),
    lastErrorMessage: pick(DestinationRow.shape.lastErrorMessage, r.lastErrorMessage, null),
    lastSendTime: pick(Timestamp, r.lastSendTime, null),
    numTransfersQueued: pick(Count, r.numTransfersQueued, 0),
    owner: pick(DestinationRow.shape.owner, r.owner, null),
    relayIP: pick(DestinationRow.shape.relayIP, r.relayIP, null),
    relayPort: pick(DestinationRow.shape.relayPort, r.relayPort, null),
    roundTripTimeMs: pick(DestinationRow.shape.roundTripTimeMs, r.roundTripTimeMs, null),
    sendRateAverage: pick(Count, r.sendRateAverage, 0),
    sendRateMax: pick(Count, r.sendRateMax, 0),
    snapshotTime: pick(Timestamp, r.snapshotTime, null),
    userData: pick(UserData, r.userData, undefined),
    problem: l10n.t('item {0}: {1}', index + 1, problem),
    raw: item,
  };
}

const rowShape = DestinationRow.shape as Record<string, z.ZodType>;
/** What a listed destination is compared by: the row fields but snapshotTime, and userData. */
const COMPARED = [...Object.keys(rowShape).filter((f) => f !== 'snapshotTime'), 'userData'];

/** The compared fields whose values differ; nested values (userData) by their contents. */
function movedFields(before: ListedDestination, after: Record<string, unknown>): string[] {
  const x = before as Record<string, unknown>;
  const moved: string[] = [];
  for (const f of COMPARED) {
    const u = x[f];
    const v = after[f];
    if (u !== v && !(typeof v === 'object' && sameValue(u, v, 0))) moved.push(f);
  }
  return moved;
}

/** Whether a field that moved still fits: row fields and userData are checked, the rest when the panel needs it. */
function fieldFits(field: string, value: unknown): boolean {
  if (field === 'userData') return UserData.safeParse(value).success;
  const schema = rowShape[field];
  return schema ? schema.safeParse(value).success : true;
}

/** Deep equality of JSON values, a few levels deep: anything deeper counts as changed, which is safe. */
function sameValue(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || depth > 4) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth + 1)) return false;
  }
  return true;
}

const checkedFull = new WeakMap<object, Destination>();

/** The whole Destination structure of a listed destination, checked once per object it is asked for. */
export function fullDestination(d: ListedDestination, server: string): Destination {
  const known = checkedFull.get(d);
  if (known) return known;
  const r = Destination.safeParse(d.raw ?? d);
  if (!r.success)
    throw unreadableAnswer(server, 'send.getDestinations', describeIssue(r.error, d.raw ?? d, { label: l10n.t('destination') }));
  checkedFull.set(d, r.data);
  return r.data;
}
