/**
 * What a transport does: run one named command with named parameters and give back the raw `result`
 * value, or fail with a JetStreamError. Validation is the client's job, so both transports stay
 * interchangeable and one conformance suite covers them.
 */
import type { ErrorContext } from './errors';
import type { Redact } from './redact';

export interface CallOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

/** Command names as PROTOCOL.md spells them: sending-side methods carry `send.`. */
export const SEND_PREFIX = 'send.';

/** The console's documented form of a command: without the `send.` prefix. */
export function bareName(command: string): string {
  return command.startsWith(SEND_PREFIX) ? command.slice(SEND_PREFIX.length) : command;
}

export type Params = Record<string, unknown>;

export interface Transport {
  /** Where the server is, for messages: a URL or `host:port`. */
  readonly endpoint: string;
  call(command: string, params: Params, options: CallOptions): Promise<unknown>;
  /** How the last call of `command` was sent (`getDestinations`, `api.send.getDestinations`…), for the compatibility report. */
  sentAs(command: string): string;
  close(): Promise<void>;
}

/** How to reach and sign in to one server: a connection profile with its secret resolved. */
export interface ServerEndpoint {
  /** The profile's name, used in every message. */
  name: string;
  user?: string | undefined;
  password?: string | undefined;
  /** An API token; used instead of the password when present. */
  token?: string | undefined;
  /** Ask for the superuser view. */
  superuser?: boolean | undefined;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export function errorContext(server: ServerEndpoint, command: string, endpoint: string, redact: Redact): ErrorContext {
  return { server: server.name, command, user: server.user, usedToken: !!server.token, endpoint, redact };
}

/** A signal that fires on the caller's abort or on the timeout, whichever comes first. */
export function callSignal(options: CallOptions): { signal: AbortSignal; timeoutMs: number } {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  return { signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout, timeoutMs };
}
