/**
 * The page's side of the protocol. What it sends is exactly a FromWebview (the extension checks it
 * with zod); what it receives is typed only, as the extension itself writes it. A message of an
 * unknown type, or a snapshot without its parts, is dropped rather than half drawn.
 */
import type { FromWebview, SnapshotMessage, ToWebview, UserDataResultMessage } from './protocol';

/** What VS Code gives the page through acquireVsCodeApi(). */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export type UserDataChange = Extract<FromWebview, { type: 'setUserData' | 'deleteUserData' }>;
/** A change before the channel numbers it (distributed over the union, so each kind keeps its fields). */
export type UnsentChange = UserDataChange extends infer C ? (C extends UserDataChange ? Omit<C, 'requestId'> : never) : never;
type Done = (ok: boolean, error?: string) => void;

export interface Handlers {
  snapshot(m: SnapshotMessage): void;
  problem(text: string): void;
}

export class Channel {
  private seq = 0;
  /** Changes sent and not yet answered, by request id. */
  private readonly pending = new Map<number, Done>();

  constructor(private readonly api: VsCodeApi) {}

  post(m: FromWebview): void {
    this.api.postMessage(m);
  }

  /** Sends a userData change; `done` gets the extension's answer for exactly this request. */
  request(change: UnsentChange, done: Done): void {
    const requestId = ++this.seq;
    this.pending.set(requestId, done);
    this.post({ ...change, requestId });
  }

  listen(handlers: Handlers): void {
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      const m = event.data;
      if (!isToWebview(m)) return;
      if (m.type === 'snapshot') handlers.snapshot(m);
      else if (m.type === 'problem') handlers.problem(m.text);
      else this.answer(m);
    });
  }

  private answer(m: UserDataResultMessage): void {
    const done = this.pending.get(m.requestId);
    this.pending.delete(m.requestId);
    done?.(m.ok, m.error);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isSnapshot(m: unknown): m is SnapshotMessage {
  return (
    isObject(m) &&
    m.type === 'snapshot' &&
    isObject(m.destination) &&
    Array.isArray(m.problems) &&
    isObject(m.history) &&
    ['t', 'sendRateAverage', 'sendRateMax', 'roundTripTimeMs'].every((k) => Array.isArray((m.history as Record<string, unknown>)[k]))
  );
}

/** The shape the page relies on, checked cheaply: the extension writes these, the check keeps a stray message out. */
function isToWebview(m: unknown): m is ToWebview {
  if (!isObject(m)) return false;
  switch (m.type) {
    case 'snapshot':
      return isSnapshot(m);
    case 'problem':
      return typeof m.text === 'string';
    case 'userDataResult':
      return typeof m.requestId === 'number' && typeof m.ok === 'boolean';
    default:
      return false;
  }
}
