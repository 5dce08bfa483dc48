/**
 * The one way userData is edited, whoever asks (the tree's inline edit and delete, the details panel's
 * table, a Retry): only the keys touched are sent, and the answer says what happened on the server.
 *
 * - landed: the server has the change (its answer, or a read-back, says so);
 * - rejected: the server has not got it (it refused, or a read-back after a lost answer shows so);
 * - partial: an edit that sets and removes had its set land and its removal refused: what the server
 *   holds comes with it, so the view shows the keys that changed at once;
 * - unknown: the answer was lost and the server could not be asked either, or the engine carrying the
 *   edit stopped and the next one did not find it landed (it may still land);
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
  /** The keys set landed (`landed`), the removal of `missed` did not. */
  | { result: 'partial'; landed: string[]; missed: string[]; error: EditFailure; userData: UserData }
  | { result: 'unknown'; error: EditFailure }
  | { result: 'conflict'; current: Record<string, string | null>; userData: UserData };

/** Failures after which the server may have applied the change all the same. */
const UNCERTAIN = new Set<string>(['Unreachable', 'Timeout', 'ServerError', 'InvalidResponse', 'Aborted']);

function failure(e: unknown): EditFailure {
  return e instanceof JetStreamError
    ? { code: e.code, message: e.message }
    : { code: 'Internal', message: e instanceof Error ? e.message : String(e) };
}

/**
 * An edit whose request got no answer from the engine that carries it: `maybeSent` when the engine
 * stopped while the edit was in flight and no check by the next engine found it landed (unknown), not
 * when the edit was never handed over (a restarting engine: it did not land).
 */
export function unanswered(e: unknown, maybeSent: boolean): EditOutcome {
  return maybeSent ? { result: 'unknown', error: failure(e) } : { result: 'rejected', error: failure(e) };
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
  // The set's answer, once it is in: after it, a refused removal leaves an edit that partly landed.
  let afterSet: UserData | undefined;
  const { setting, removing } = parts(change);
  try {
    if (setting) afterSet = await client.updateObjectUserData(id, setting);
    const userData = removing ? await client.deleteObjectUserData(id, removing) : afterSet;
    return { result: 'landed', userData: userData ?? {} };
  } catch (e) {
    const uncertain = e instanceof JetStreamError && UNCERTAIN.has(e.code);
    if (!uncertain)
      return afterSet && removing ? partly(afterSet, change, removing, failure(e)) : { result: 'rejected', error: failure(e) };
    return checkedEdit(client, id, change, failure(e), afterSet);
  }
}

/**
 * An edit whose answer was lost, not the change (a lost reply, or the engine carrying it stopped): the
 * server is asked before saying either way, and it is unknown only if it cannot be. `afterSet`: the
 * set's own answer, when that came.
 */
export async function checkedEdit(
  client: JetStreamClient,
  id: Id,
  change: UserDataChange,
  error: EditFailure,
  afterSet?: UserData,
): Promise<EditOutcome> {
  let now: UserData;
  try {
    now = (await client.getDestination(id)).userData ?? {};
  } catch {
    return { result: 'unknown', error };
  }
  if (applied(now, change)) return { result: 'landed', userData: now };
  const { setting, removing } = parts(change);
  // A set whose own answer was lost has landed when the server holds every value it sets.
  const setLanded = afterSet !== undefined || (setting !== undefined && applied(now, { set: setting }));
  return setLanded && removing ? partly(now, change, removing, error) : { result: 'rejected', error, userData: now };
}

/** What an edit sends: its set and its removal, each only when it has keys. */
function parts(change: UserDataChange): { setting?: TextUserData | undefined; removing?: string[] | undefined } {
  return {
    setting: change.set && Object.keys(change.set).length ? change.set : undefined,
    removing: change.remove?.length ? change.remove : undefined,
  };
}

/** The set landed and the removal did not: which keys changed, which did not, and what the server holds. */
function partly(userData: UserData, change: UserDataChange, removing: string[], error: EditFailure): EditOutcome {
  return {
    result: 'partial',
    landed: Object.keys(change.set ?? {}),
    missed: removing.some((k) => Object.hasOwn(userData, k)) ? removing.filter((k) => Object.hasOwn(userData, k)) : removing,
    error,
    userData,
  };
}
