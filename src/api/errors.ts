/**
 * The one error type every client call fails with. It keeps the machine-readable facts (protocol code,
 * HTTP status or console exit code) for code that decides what to do, and a message written for the
 * person who has to fix it.
 */
import type { Redact } from './redact';
import { ERROR_CODES, type ErrorCode } from './schemas';

/**
 * Protocol codes from PROTOCOL.md, plus what can go wrong before a server answers: `Unsupported` is a
 * request the route cannot make (a token over the console), `Internal` a bug in this extension.
 */
export type JetStreamErrorCode =
  | ErrorCode
  | 'Unreachable'
  | 'Timeout'
  | 'Aborted'
  | 'TlsIdentity'
  | 'InvalidResponse'
  | 'ConsoleNotFound'
  | 'PythonSetup'
  | 'Unsupported'
  | 'Internal';

const PROTOCOL_CODES = new Set<string>(ERROR_CODES);

/** A code a server sent: one of ours, or ServerError for one a newer server invented (kept as `serverCode`). */
export function knownCode(code: string): ErrorCode | undefined {
  return PROTOCOL_CODES.has(code) ? (code as ErrorCode) : undefined;
}

export interface ErrorContext {
  /** The server profile's name, as the user knows it. */
  server: string;
  /** The command that failed, e.g. `send.getDestinations`. */
  command: string;
  user?: string | undefined;
  /** Whether the call authenticated with an API token rather than a password. */
  usedToken?: boolean | undefined;
  /** Where the server is, for connection failures. */
  endpoint?: string | undefined;
  /** Whether the profile pins a certificate or CA, which changes what a TLS failure means. */
  pinned?: boolean | undefined;
  /** Removes the profile's secrets from a server's words before they go into a message. */
  redact?: Redact | undefined;
}

export class JetStreamError extends Error {
  override readonly name = 'JetStreamError';
  constructor(
    readonly code: JetStreamErrorCode,
    message: string,
    readonly details: {
      readonly status?: number | undefined;
      readonly exitCode?: number | undefined;
      /** The server's own words, when it gave any, with the profile's secrets redacted. */
      readonly serverMessage?: string | undefined;
      /** A code the server sent that this extension does not know. */
      readonly serverCode?: string | undefined;
      /** For a refused sign-in: what was refused. */
      readonly credential?: 'password' | 'token' | undefined;
      readonly command?: string | undefined;
      readonly server?: string | undefined;
    } = {},
  ) {
    super(message);
  }

  /** Errors a later try may not repeat: the server or the network, not the request. */
  get isTransient(): boolean {
    return this.code === 'Unreachable' || this.code === 'Timeout' || this.code === 'ServerError' || this.code === 'InvalidResponse';
  }

  /** Errors that a new password or token fixes. */
  get isAuthentication(): boolean {
    return this.code === 'AuthFailed' || this.code === 'AuthRequired';
  }
}

const COMMAND_OBJECTS: Record<string, string> = {
  'send.getDestination': 'destination',
  'send.deleteDestination': 'destination',
  'send.updateObjectUserData': 'destination',
  'send.deleteObjectUserData': 'destination',
  'send.getConnection': 'connection',
};

/** Builds the user-facing error for a protocol error code the server sent. */
export function protocolError(
  sent: string,
  rawServerMessage: string,
  ctx: ErrorContext,
  facts: { status?: number; exitCode?: number } = {},
): JetStreamError {
  const code = knownCode(sent) ?? 'ServerError';
  const serverMessage = truncateWords(ctx.redact ? ctx.redact(rawServerMessage) : rawServerMessage);
  const s = `Server '${ctx.server}'`;
  const who = ctx.user ? `user ${ctx.user}` : 'an anonymous caller';
  const said = serverMessage ? `: ${serverMessage}` : '';
  let message: string;
  switch (code) {
    case 'AuthFailed':
      message = ctx.usedToken
        ? `${s} refused the API token${said}`
        : /expired/i.test(serverMessage)
          ? `${s} refused the sign-in for ${who}${said}`
          : `${s} refused the password for ${who}.`;
      break;
    case 'AuthRequired':
      message = `${s} requires a user name and password; add a user to the server's profile.`;
      break;
    case 'PermissionDenied':
      message = `${s} denied ${who} permission for ${ctx.command}${said}`;
      break;
    case 'NotFound':
      message = `${s} has no such ${COMMAND_OBJECTS[ctx.command] ?? 'object'} visible to ${who}${said}`;
      break;
    case 'InvalidParameter':
    case 'InvalidRequest':
      message = `${s} rejected the request ${ctx.command}${said}`;
      break;
    case 'UnknownCommand':
      message = `${s} does not know the command ${ctx.command}; it may be an older JetStream version${said}`;
      break;
    case 'PayloadTooLarge':
      message = `${s} refused ${ctx.command} because the request is too large${said}`;
      break;
    default:
      message = `${s} failed to run ${ctx.command}${said}`;
  }
  return new JetStreamError(code, message, {
    ...facts,
    serverMessage,
    serverCode: code === sent ? undefined : sent,
    credential: code === 'AuthFailed' ? (ctx.usedToken ? 'token' : 'password') : undefined,
    command: ctx.command,
    server: ctx.server,
  });
}

/** A server's words are kept for the user, up to a length a notification can show. */
function truncateWords(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 999)}…` : text;
}

/** Builds the error for a failure that happened before or outside the protocol (network, TLS, bad data). */
export function localError(code: JetStreamErrorCode, message: string, ctx: ErrorContext, cause?: unknown): JetStreamError {
  const err = new JetStreamError(code, message, { command: ctx.command, server: ctx.server });
  if (cause !== undefined) (err as { cause?: unknown }).cause = cause;
  return err;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** Maps a Node/undici network error to words a user can act on. */
export function networkError(cause: unknown, ctx: ErrorContext, timeoutMs: number): JetStreamError {
  const e = cause as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.code ?? e?.cause?.code ?? '';
  const where = ctx.endpoint ? ` at ${ctx.endpoint}` : '';
  const s = `server '${ctx.server}'${where}`;
  if (
    e?.name === 'TimeoutError' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return localError('Timeout', `Server '${ctx.server}' did not answer ${ctx.command} within ${formatSeconds(timeoutMs)}.`, ctx, cause);
  }
  if (e?.name === 'AbortError') return localError('Aborted', `${ctx.command} on server '${ctx.server}' was cancelled.`, ctx, cause);
  if (TLS_CODES.has(code) || /certificate|self[- ]signed|altname/i.test(e?.message ?? '')) {
    const why = e?.cause?.message ?? e?.message ?? code;
    const advice =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? 'its certificate is for another host name. Check the URL: pinning cannot fix a name that does not match.'
        : ctx.pinned
          ? `its certificate is not the one pinned in the server's profile ("ca") (${why}). If the server's certificate changed on purpose, pin the new one.`
          : `${why}. Pin its certificate or CA in the server's profile ("ca") if you trust it.`;
    return localError('TlsIdentity', `Cannot verify the identity of ${s}: ${advice}`, ctx, cause);
  }
  const reason =
    code === 'ECONNREFUSED'
      ? 'the connection was refused (is the server running?)'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'its host name could not be resolved'
        : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE'
          ? 'the connection was dropped before the answer was complete'
          : code === 'EHOSTUNREACH' || code === 'ENETUNREACH'
            ? 'the network cannot reach it'
            : (e?.message ?? String(cause));
  return localError('Unreachable', `Cannot reach ${s}: ${reason}.`, ctx, cause);
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
