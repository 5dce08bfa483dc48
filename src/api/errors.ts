/**
 * The one error type every client call fails with. It keeps the machine-readable facts (protocol code,
 * HTTP status or console exit code) for code that decides what to do, and a message written for the
 * person who has to fix it.
 */
import { l10n } from './l10n';
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

const DESTINATION_COMMANDS = new Set([
  'send.getDestination',
  'send.deleteDestination',
  'send.updateObjectUserData',
  'send.deleteObjectUserData',
]);

/** What a command that found nothing was looking for, in the words of its NotFound message. */
function soughtObject(command: string): string {
  if (DESTINATION_COMMANDS.has(command)) return l10n.t('destination');
  return command === 'send.getConnection' ? l10n.t('connection') : l10n.t('object');
}

/** Builds the user-facing error for a protocol error code the server sent. */
export function protocolError(
  sent: string,
  rawServerMessage: string,
  ctx: ErrorContext,
  facts: { status?: number; exitCode?: number } = {},
): JetStreamError {
  const code = knownCode(sent) ?? 'ServerError';
  const serverMessage = truncateWords(ctx.redact ? ctx.redact(rawServerMessage) : rawServerMessage);
  const { server, command } = ctx;
  const who = ctx.user ? l10n.t('user {0}', ctx.user) : l10n.t('an anonymous caller');
  // The server's own words follow ours, after a colon.
  const said = serverMessage ? `: ${serverMessage}` : '';
  let message: string;
  switch (code) {
    case 'AuthFailed':
      message = ctx.usedToken
        ? l10n.t("Server '{0}' refused the API token", server) + said
        : /expired/i.test(serverMessage)
          ? l10n.t("Server '{0}' refused the sign-in for {1}", server, who) + said
          : l10n.t("Server '{0}' refused the password for {1}.", server, who);
      break;
    case 'AuthRequired':
      message = l10n.t("Server '{0}' requires a user name and password; add a user to the server's profile.", server);
      break;
    case 'PermissionDenied':
      message = l10n.t("Server '{0}' denied {1} permission for {2}", server, who, command) + said;
      break;
    case 'NotFound':
      message = l10n.t("Server '{0}' has no such {1} visible to {2}", server, soughtObject(command), who) + said;
      break;
    case 'InvalidParameter':
    case 'InvalidRequest':
      message = l10n.t("Server '{0}' rejected the request {1}", server, command) + said;
      break;
    case 'UnknownCommand':
      message = l10n.t("Server '{0}' does not know the command {1}; it may be an older JetStream version", server, command) + said;
      break;
    case 'PayloadTooLarge':
      message = l10n.t("Server '{0}' refused {1} because the request is too large", server, command) + said;
      break;
    default:
      message = l10n.t("Server '{0}' failed to run {1}", server, command) + said;
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
  const { server, command } = ctx;
  if (
    e?.name === 'TimeoutError' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return localError(
      'Timeout',
      l10n.t("Server '{0}' did not answer {1} within {2}.", server, command, formatSeconds(timeoutMs)),
      ctx,
      cause,
    );
  }
  if (e?.name === 'AbortError') return localError('Aborted', l10n.t("{0} on server '{1}' was cancelled.", command, server), ctx, cause);
  if (TLS_CODES.has(code) || /certificate|self[- ]signed|altname/i.test(e?.message ?? '')) {
    const why = e?.cause?.message ?? e?.message ?? code;
    const advice =
      code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? l10n.t('its certificate is for another host name. Check the URL: pinning cannot fix a name that does not match.')
        : ctx.pinned
          ? l10n.t(
              'its certificate is not the one pinned in the server\'s profile ("ca") ({0}). If the server\'s certificate changed on purpose, pin the new one.',
              why,
            )
          : l10n.t('{0}. Pin its certificate or CA in the server\'s profile ("ca") if you trust it.', why);
    const message = ctx.endpoint
      ? l10n.t("Cannot verify the identity of server '{0}' at {1}: {2}", server, ctx.endpoint, advice)
      : l10n.t("Cannot verify the identity of server '{0}': {1}", server, advice);
    return localError('TlsIdentity', message, ctx, cause);
  }
  const reason =
    code === 'ECONNREFUSED'
      ? l10n.t('the connection was refused (is the server running?)')
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? l10n.t('its host name could not be resolved')
        : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE'
          ? l10n.t('the connection was dropped before the answer was complete')
          : code === 'EHOSTUNREACH' || code === 'ENETUNREACH'
            ? l10n.t('the network cannot reach it')
            : (e?.message ?? String(cause));
  const message = ctx.endpoint
    ? l10n.t("Cannot reach server '{0}' at {1}: {2}.", server, ctx.endpoint, reason)
    : l10n.t("Cannot reach server '{0}': {1}.", server, reason);
  return localError('Unreachable', message, ctx, cause);
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? l10n.t('{0} s', ms / 1000) : l10n.t('{0} s', (ms / 1000).toFixed(1));
}
