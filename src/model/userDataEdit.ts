/**
 * The one way userData is edited, whoever asks (the tree's inline edit and delete, the details panel's
 * table, a Retry): only the keys touched are sent, and the answer says what happened on the server.
 *
 * - landed: the server has the change (its answer, or a read-back, says so);
 * - rejected: the server has not got it (it refused, or a read-back after a lost answer shows so);
 * - unknown: the answer was lost and the server could not be asked either;
 * - conflict: a Retry found that someone changed one of the keys since the edit began, and sent nothing.
 */
import type { JetStreamClient } from '../api/client';
import { JetStreamError } from '../api/errors';
import type { Id, TextUserData, UserData } from '../api/schemas';

export interface UserDataChange {
  set?: TextUserData | undefined;
  remove?: string[] | undefined;
  /**
   * For a Retry: each key's value when the edit began (null: absent). If the server holds something
   * else that is not the edit itself, a colleague changed it meanwhile and nothing is sent.
   */
  expect?: Record<string, string | null> | undefined;
}

export interface EditFailure {
  code: JetStreamError['code'];
  message: string;
}

export type EditOutcome =
  | { result: 'landed'; userData: UserData }
  | { result: 'rejected'; error: EditFailure; userData?: UserData | undefined }
  | { result: 'unknown'; error: EditFailure }
  | { result: 'conflict'; current: Record<string, string | null>; userData: UserData };

/** Failures after which the server may have applied the change all the same. */
const UNCERTAIN = new Set<string>(['Unreachable', 'Timeout', 'ServerError', 'InvalidResponse', 'Aborted']);

function failure(e: unknown): EditFailure {
  return e instanceof JetStreamError
    ? { code: e.code, message: e.message }
    : { code: 'Internal', message: e instanceof Error ? e.message : String(e) };
}

const valueIn = (userData: UserData, key: string): string | null => {
  if (!Object.hasOwn(userData, key)) return null;
  const v = userData[key];
  return typeof v === 'string' ? v : JSON.stringify(v);
};

/** Whether the server's userData shows the change. */
function applied(userData: UserData, change: UserDataChange): boolean {
  for (const [k, v] of Object.entries(change.set ?? {})) if (valueIn(userData, k) !== v) return false;
  for (const k of change.remove ?? []) if (Object.hasOwn(userData, k)) return false;
  return true;
}

/** The value the change gives a key (null: removed), or undefined for a key it does not touch. */
function wanted(change: UserDataChange, key: string): string | null | undefined {
  if (change.set && Object.hasOwn(change.set, key)) return change.set[key];
  return change.remove?.includes(key) ? null : undefined;
}

export async function editUserData(client: JetStreamClient, id: Id, change: UserDataChange): Promise<EditOutcome> {
  if (change.expect) {
    let now: UserData;
    try {
      now = (await client.getDestination(id)).userData ?? {};
    } catch (e) {
      return { result: 'rejected', error: failure(e) };
    }
    if (applied(now, change)) return { result: 'landed', userData: now };
    const current: Record<string, string | null> = {};
    let moved = false;
    for (const [k, before] of Object.entries(change.expect)) {
      current[k] = valueIn(now, k);
      // A key that already holds the edit's own value was set by an earlier try of it, not by a colleague.
      if (current[k] !== before && current[k] !== wanted(change, k)) moved = true;
    }
    if (moved) return { result: 'conflict', current, userData: now };
  }
  try {
    let userData: UserData | undefined;
    if (change.set && Object.keys(change.set).length) userData = await client.updateObjectUserData(id, change.set);
    if (change.remove?.length) userData = await client.deleteObjectUserData(id, change.remove);
    return { result: 'landed', userData: userData ?? {} };
  } catch (e) {
    if (!(e instanceof JetStreamError) || !UNCERTAIN.has(e.code)) return { result: 'rejected', error: failure(e) };
    // The answer was lost, not the change: ask the server before saying either way.
    try {
      const now = (await client.getDestination(id)).userData ?? {};
      return applied(now, change) ? { result: 'landed', userData: now } : { result: 'rejected', error: failure(e), userData: now };
    } catch {
      return { result: 'unknown', error: failure(e) };
    }
  }
}
