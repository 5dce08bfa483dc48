/**
 * Checks a `send.getDestinations` answer at the cost the refresh can afford every second: every
 * destination's row fields always, its userData only when it differs from the previous snapshot's.
 */
import * as z from 'zod';
import { describeIssue, unreadableAnswer } from './issues';
import { Destination, DestinationRow, Timestamp, UserData, type ListedDestination } from './schemas';

const List = z.array(z.unknown());

/** A checked list and how it differs from the previous one. */
export interface DestinationList {
  list: ListedDestination[];
  /** Destinations whose fields changed (apart from snapshotTime, new every second). */
  changed: string[];
  /** Destinations came or went. */
  listChanged: boolean;
}

/**
 * Checks and compares in one pass: a destination equal to its previous record but for snapshotTime was
 * checked before, so only its new snapshotTime is; any other is checked against the row schema, and its
 * userData when that changed.
 */
export function checkDestinationList(
  raw: unknown,
  previous: ReadonlyMap<string, ListedDestination> | undefined,
  ctx: { server: string; command: string },
): DestinationList {
  const parsed = List.safeParse(raw);
  if (!parsed.success) throw unreadableAnswer(ctx.server, ctx.command, 'it is not a list');
  const list = parsed.data as ListedDestination[];
  const changed: string[] = [];
  let listChanged = list.length !== (previous?.size ?? 0);
  for (let i = 0; i < list.length; i++) {
    const item = list[i]!;
    const old = typeof item === 'object' && item !== null ? previous?.get(item.destinationId) : undefined;
    if (old && sameDestination(old, item)) {
      const time = Timestamp.safeParse(item.snapshotTime);
      if (!time.success)
        throw unreadableAnswer(ctx.server, ctx.command, describeIssue(time.error, item, { index: i, field: 'snapshotTime' }));
      continue;
    }
    const row = DestinationRow.safeParse(item);
    if (!row.success) throw unreadableAnswer(ctx.server, ctx.command, describeIssue(row.error, item, { index: i }));
    if (item.userData !== undefined && !sameFlat(old?.userData, item.userData)) {
      const userData = UserData.safeParse(item.userData);
      if (!userData.success)
        throw unreadableAnswer(ctx.server, ctx.command, describeIssue(userData.error, item, { index: i, field: 'userData' }));
    }
    if (old) changed.push(item.destinationId);
    else listChanged = true;
  }
  return { list, changed, listChanged };
}

/** Field-by-field comparison, ignoring snapshotTime; nested records are flat and compared by entries. */
export function sameDestination(a: ListedDestination, b: ListedDestination): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let count = 0;
  for (const k in y) {
    count++;
    if (k === 'snapshotTime') continue;
    const u = x[k];
    const v = y[k];
    if (u !== v && !(typeof v === 'object' && sameFlat(u, v))) return false;
  }
  let before = 0;
  for (const _ in x) before++;
  return before === count;
}

/** Shallow equality of two flat records (userData, priority lanes, transfer defaults). */
export function sameFlat(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if ((a as Record<string, unknown>)[k] !== (b as Record<string, unknown>)[k]) return false;
  return true;
}

const checkedFull = new WeakMap<object, Destination>();

/** The whole Destination structure of a listed destination, checked once per object it is asked for. */
export function fullDestination(d: ListedDestination, server: string): Destination {
  const known = checkedFull.get(d);
  if (known) return known;
  const r = Destination.safeParse(d);
  if (!r.success) throw unreadableAnswer(server, 'send.getDestinations', describeIssue(r.error, d, { label: 'destination' }));
  checkedFull.set(d, r.data);
  return r.data;
}
