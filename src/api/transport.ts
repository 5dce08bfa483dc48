/**
 * What a transport does: run one named command with named parameters and give back the raw `result`
 * value, or fail with a JetStreamError. Validation is the client's job, so both transports stay
 * interchangeable and one conformance suite covers them.
 */
import type { ErrorContext } from './errors';

export interface CallOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

export type Params = Record<string, unknown>;

export interface Transport {
  /** Where the server is, for messages: a URL or `host:port`. */
  readonly endpoint: string;
  call(command: string, params: Params, options: CallOptions): Promise<unknown>;
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

export function errorContext(server: ServerEndpoint, command: string, endpoint: string): ErrorContext {
  return { server: server.name, command, user: server.user, usedToken: !!server.token, endpoint };
}

/** A signal that fires on the caller's abort or on the timeout, whichever comes first. */
export function callSignal(options: CallOptions): { signal: AbortSignal; timeoutMs: number } {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  return { signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout, timeoutMs };
}
