/**
 * Checks a `send.getDestinations` answer at the cost the refresh can afford every second, and
 * leniently: one record that does not fit never blanks its server. A new destination's row fields and
 * userData are checked whole, a known one's only where they moved since the previous snapshot; a record
 * that does not fit is kept as an anomaly (its readable fields and what was unexpected), a repeated id is shown once.
 */
import * as z from 'zod';
import { JetStreamError } from './errors';
import { describeIssue, unreadableAnswer } from './issues';
import { l10n } from './l10n';
import {
  Destination,
  DestinationRow,
  EncryptedConnectionState,
  Id,
  idKey,
  isId,
  isRecord,
  isTimestamp,
  Timestamp,
  UserData,
  type ListedDestination,
} from './schemas';

/**
 * The records of a snapshot in the server's order, with their keys: the next snapshot, most often in
 * the same order, walks them by position instead of looking each one up.
 */
export interface DestinationOrder {
  readonly keys: readonly string[];
  readonly records: readonly ListedDestination[];
}

/** What a check compares with: the previous snapshot, as the store keeps it. */
export interface PreviousList {
  destinations: ReadonlyMap<string, ListedDestination>;
  order: DestinationOrder;
}

/** A checked list and how it differs from the previous one. */
export interface DestinationList {
  /** Each destination once by its key, in the server's order; anomalies carry `problem`. */
  destinations: Map<string, ListedDestination>;
  order: DestinationOrder;
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
 * Checks and compares in one pass. The records of the previous snapshot are updated in place and
 * returned, and nothing of the server's answer is kept but what moved: a snapshot that kept the
 * parsed answer would make the garbage collector copy all of it, every second, which cost as much
 * as the parse. A destination that fitted before has its new snapshotTime and the fields that moved
 * checked; any other is checked against the row schema, and its userData. The whole record, as the
 * server sent it, is kept as `raw` for a record that does not fit and for those `whole` asks for.
 */
export function checkDestinationList(
  raw: unknown,
  previous: PreviousList | undefined,
  ctx: { server: string; command: string },
  whole?: (key: string) => boolean,
): DestinationList {
  if (!Array.isArray(raw)) throw unreadableAnswer(ctx.server, ctx.command, l10n.t('it is not a list'));
  const items = raw as Record<string, unknown>[];
  // While the answer lists the previous snapshot's destinations in its order, its map and order are
  // reused; from the first difference on, new ones are built.
  let aligned = previous !== undefined;
  let destinations = (previous?.destinations as Map<string, ListedDestination> | undefined) ?? new Map<string, ListedDestination>();
  let keys = (previous?.order.keys as string[] | undefined) ?? [];
  let records = (previous?.order.records as ListedDestination[] | undefined) ?? [];
  /** The first `n` records of the previous order, as a map and an order of this answer's own. */
  const own = (n: number) => {
    keys = keys.slice(0, n);
    records = records.slice(0, n);
    destinations = new Map(keys.map((k, j) => [k, records[j]!]));
    aligned = false;
  };
  const changed: string[] = [];
  const moved = new Map<string, readonly string[]>();
  let listChanged = false;
  let matched = 0;
  let duplicates = 0;
  let anomalies = 0;
  const clock = new Clock();
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const record = isRecord(item);
    const key = record && isId(item.destinationId) ? idKey(item.destinationId) : `#${i + 1}`;
    let old: ListedDestination | undefined;
    if (aligned && i < keys.length && keys[i] === key) {
      old = records[i];
    } else {
      // The first difference: the records so far start a map and an order of their own.
      if (aligned) own(i);
      if (destinations.has(key)) {
        duplicates++;
        continue;
      }
      old = previous?.destinations.get(key);
    }
    if (old) matched++;
    else listChanged = true;
    const d = update(old, item, record, key, i, whole?.(key) ?? false, changed, moved);
    if (d.problem) anomalies++;
    else clock.count(d.snapshotTime);
    if (aligned) {
      if (d !== old) {
        records[i] = d;
        destinations.set(key, d);
      }
    } else {
      keys.push(key);
      records.push(d);
      destinations.set(key, d);
    }
  }
  // The previous snapshot's destinations in order, but fewer: those after the last are gone.
  if (aligned && items.length < keys.length) own(items.length);
  if (matched !== (previous?.destinations.size ?? 0)) listChanged = true;
  return {
    destinations,
    order: { keys, records },
    changed,
    moved,
    listChanged,
    duplicates,
    anomalies,
    serverTime: clock.time(),
  };
}

/**
 * One destination of the answer as the store keeps it: its previous record updated in place where
 * only fields that still fit moved, else a record checked whole (or an anomaly).
 */
function update(
  old: ListedDestination | undefined,
  item: Record<string, unknown>,
  record: boolean,
  key: string,
  index: number,
  keepWhole: boolean,
  changed: string[],
  moved: Map<string, readonly string[]>,
): ListedDestination {
  // A record that fitted before was checked but for the fields that moved: only those are checked
  // again, which keeps a snapshot where half the rates move cheap.
  const fields = old && !old.problem && record ? movedFields(old, item) : undefined;
  if (old && fields && isTimestamp(item.snapshotTime) && allFit(fields, item)) {
    const o = old as unknown as Record<string, unknown>;
    for (const f of fields) o[f] = item[f];
    old.snapshotTime = item.snapshotTime;
    old.raw = keepWhole ? item : undefined;
    if (fields.length) {
      changed.push(key);
      moved.set(key, fields);
    }
    return old;
  }
  const row = record ? DestinationRow.safeParse(item) : undefined;
  const userData = row?.success && item.userData !== undefined ? UserData.safeParse(item.userData) : undefined;
  const d =
    !record || !row
      ? anomaly(item, key, index, l10n.t('it is not an object'))
      : !row.success
        ? anomaly(item, key, index, describeIssue(row.error, item))
        : userData && !userData.success
          ? anomaly(item, key, index, describeIssue(userData.error, item, { field: 'userData' }))
          : listed(item, keepWhole);
  if (old && (!d.problem || d.problem !== old.problem)) changed.push(key);
  return d;
}

/**
 * The store's record of a destination that fits: its row fields and userData, in one shape for all,
 * and the whole record when it is asked for.
 */
export function listed(item: Record<string, unknown> | Destination, keepWhole: boolean): ListedDestination {
  const r = item as Record<string, unknown>;
  const d: Record<string, unknown> = {};
  for (const f of ROW_FIELD_NAMES) d[f] = r[f];
  d.userData = r.userData;
  d.problem = undefined;
  d.raw = keepWhole ? item : undefined;
  return d as unknown as ListedDestination;
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
const ROW_FIELD_NAMES = Object.keys(rowShape);
/** What a listed destination is compared by: the row fields but snapshotTime, and userData. */
export const COMPARED_FIELDS = [...Object.keys(rowShape).filter((f) => f !== 'snapshotTime'), 'userData'];

/** Whether a field's value moved; a nested value (userData, an odd server's object) by its contents. */
const differs = (u: unknown, v: unknown) => u !== v && !(typeof v === 'object' && sameValue(u, v, 0));

const NONE: readonly string[] = Object.freeze([]);
const scratch: string[] = [];

/**
 * The compared fields whose values differ, in COMPARED_FIELDS order. Written out, because named reads
 * are many times faster than keyed ones and this runs for every destination every second; a test
 * holds it to COMPARED_FIELDS. Nothing is allocated for a destination where nothing moved: the
 * check runs while the whole parsed answer is alive, and each allocation brings the collection that
 * copies it nearer.
 */
export function movedFields(a: ListedDestination, b: Record<string, unknown>): readonly string[] {
  const m = scratch;
  m.length = 0;
  if (differs(a.destinationId, b.destinationId)) m.push('destinationId');
  if (differs(a.destinationAddress, b.destinationAddress)) m.push('destinationAddress');
  if (differs(a.destinationPort, b.destinationPort)) m.push('destinationPort');
  if (differs(a.encryptedConnectionState, b.encryptedConnectionState)) m.push('encryptedConnectionState');
  if (differs(a.encryptionEnabled, b.encryptionEnabled)) m.push('encryptionEnabled');
  if (differs(a.lastError, b.lastError)) m.push('lastError');
  if (differs(a.lastErrorMessage, b.lastErrorMessage)) m.push('lastErrorMessage');
  if (differs(a.lastSendTime, b.lastSendTime)) m.push('lastSendTime');
  if (differs(a.numTransfersQueued, b.numTransfersQueued)) m.push('numTransfersQueued');
  if (differs(a.owner, b.owner)) m.push('owner');
  if (differs(a.relayIP, b.relayIP)) m.push('relayIP');
  if (differs(a.relayPort, b.relayPort)) m.push('relayPort');
  if (differs(a.roundTripTimeMs, b.roundTripTimeMs)) m.push('roundTripTimeMs');
  if (differs(a.sendRateAverage, b.sendRateAverage)) m.push('sendRateAverage');
  if (differs(a.sendRateMax, b.sendRateMax)) m.push('sendRateMax');
  if (differs(a.userData, b.userData)) m.push('userData');
  return m.length ? m.slice() : NONE;
}

/** Whether every field that moved still fits. */
function allFit(fields: readonly string[], item: Record<string, unknown>): boolean {
  for (const f of fields) if (!fieldFits(f, item[f])) return false;
  return true;
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

/**
 * The whole Destination structure of a listed destination, checked once per record the server sent.
 * Only a record kept whole has it (see checkDestinationList): one that was not asked for whole fails.
 */
export function fullDestination(d: ListedDestination, server: string): Destination {
  const whole = d.raw;
  if (whole === undefined) {
    throw new JetStreamError(
      'Internal',
      l10n.t("The whole record of destination {0} of server '{1}' was not read.", idKey(d.destinationId), server),
      { server },
    );
  }
  // A list item that is not even an object is known by the store's record of it.
  const key = typeof whole === 'object' && whole !== null ? whole : d;
  const known = checkedFull.get(key);
  if (known) return known;
  const r = Destination.safeParse(whole);
  if (!r.success) throw unreadableAnswer(server, 'send.getDestinations', describeIssue(r.error, whole, { label: l10n.t('destination') }));
  checkedFull.set(key, r.data);
  return r.data;
}
