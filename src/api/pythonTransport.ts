/**
 * The `python` transport: the vendor's Python library, in one long-lived bridge process per server
 * (src/api/python/jetstream_bridge.py). One signed-in session serves every call, which is what the
 * library's examples show and what a server that locks accounts after repeated logins needs. The secret
 * travels once, on the bridge's stdin; the bridge runs calls one at a time, in the order they were sent.
 */
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { classifyConsoleFailure } from './consoleText';
import { JetStreamError, localError, protocolError, type ErrorContext } from './errors';
import { l10n } from './l10n';
import { abortError, Bridge, type BridgeError, type Ending } from './pythonBridge';
import { redactor, type Redact } from './redact';
import { callSignal, errorContext, SEND_PREFIX, type CallOptions, type Params, type ServerEndpoint, type Transport } from './transport';

export interface PythonServerEndpoint extends ServerEndpoint {
  host: string;
  port: number;
  /** The interpreter; `python3` on PATH by default. */
  pythonPath?: string | undefined;
  /** A folder holding the vendor's `jetstream` package, searched before the interpreter's own path. */
  pythonLibraryPath?: string | undefined;
  /** The bridge script; by default the one shipped next to the bundle. */
  bridgePath?: string | undefined;
}

/** Where a command of PROTOCOL.md lives in the library: `send.X` on `api.send`, everything else on `api.server`. */
function libraryMethod(command: string): { interface: 'server' | 'send'; method: string } {
  return command.startsWith(SEND_PREFIX)
    ? { interface: 'send', method: command.slice(SEND_PREFIX.length) }
    : { interface: 'server', method: command };
}

const FIRST_RESTART_DELAY_MS = 1000;
const LAST_RESTART_DELAY_MS = 60_000;

export class PythonTransport implements Transport {
  readonly endpoint: string;
  private readonly redact: Redact;
  private bridge: Bridge | undefined;
  /** A refused sign-in: kept, and every later call fails with it without starting a bridge. */
  private refusal: BridgeError | undefined;
  private closed = false;
  /** Bridges that ended since the last answered call, and why the last one did. */
  private restarts = 0;
  private restartAt = 0;
  private lastEnding: Ending | undefined;

  constructor(private readonly server: PythonServerEndpoint) {
    this.endpoint = `${server.host}:${server.port}`;
    this.redact = redactor(server);
  }

  sentAs(command: string): string {
    const m = libraryMethod(command);
    return `api.${m.interface}.${m.method}`;
  }

  async call(command: string, params: Params, options: CallOptions): Promise<unknown> {
    const ctx = errorContext(this.server, command, this.endpoint, this.redact);
    this.refuseEarly(ctx);
    if (this.server.user !== undefined && this.server.password === undefined && !this.server.token) {
      // An empty password would be one more refused attempt on the user's account.
      throw localError(
        'AuthRequired',
        l10n.t("Server '{0}' needs the password of user {1}: sign in to store it.", ctx.server, this.server.user),
        ctx,
      );
    }
    const { signal, timeoutMs } = callSignal(options);
    await this.waitForRestart(ctx, signal, timeoutMs);
    this.refuseEarly(ctx);
    this.bridge ??= this.start();
    return this.bridge.request({ ...libraryMethod(command), params }, ctx, signal, timeoutMs);
  }

  /** A closed client, or a sign-in the server refused: nothing is started or sent. */
  private refuseEarly(ctx: ErrorContext): void {
    if (this.closed) throw closedError(ctx);
    if (this.refusal) throw this.failure(this.refusal, ctx);
  }

  async close(): Promise<void> {
    this.closed = true;
    const bridge = this.bridge;
    this.bridge = undefined;
    await bridge?.stop(closedError);
  }

  private start(): Bridge {
    const s = this.server;
    const interpreter = s.pythonPath || 'python3';
    const args = [s.bridgePath || path.join(__dirname, 'jetstream_bridge.py')];
    if (s.pythonLibraryPath) args.push('--library-path', s.pythonLibraryPath);
    const hello = { host: s.host, port: s.port, user: s.user, password: s.password, token: s.token, superuser: !!s.superuser };
    return new Bridge(interpreter, args, JSON.stringify(hello), {
      failure: (e, ctx) => this.failure(e, ctx),
      answered: () => {
        this.restarts = 0;
      },
      refused: (e) => {
        // Only the sign-in itself: a call's words that merely mention a password must not lock the profile out.
        if (e.kind !== 'refused') return false;
        this.refusal = e;
        return true;
      },
      ended: (bridge, ending, healthy) => {
        if (this.bridge !== bridge) return;
        this.bridge = undefined;
        this.lastEnding = ending;
        // A bridge stopped because the server hung was itself fine: the next one starts at once, and the
        // refreshes' own backoff paces the tries. One that died or printed garbage waits, ever longer.
        if (healthy) return;
        this.restarts++;
        this.restartAt = Date.now() + Math.min(FIRST_RESTART_DELAY_MS * 2 ** (this.restarts - 1), LAST_RESTART_DELAY_MS);
      },
    });
  }

  /** Bridges that keep ending are started again ever more slowly; a call that cannot wait that long fails at once. */
  private async waitForRestart(ctx: ErrorContext, signal: AbortSignal, timeoutMs: number): Promise<void> {
    const wait = this.restartAt - Date.now();
    if (this.bridge || !this.lastEnding || wait <= 0) return;
    if (wait >= timeoutMs) {
      const last = this.lastEnding(ctx);
      throw new JetStreamError(
        last.code,
        l10n.t('{0} The Python bridge is started again in {1} s.', last.message, Math.ceil(wait / 1000)),
        last.details,
      );
    }
    try {
      await delay(wait, undefined, { signal });
    } catch {
      throw abortError(signal, ctx, timeoutMs);
    }
  }

  /** A bridge's error reply in the words a user acts on; the library's words are redacted, since it may echo the secret. */
  private failure(e: BridgeError, ctx: ErrorContext): JetStreamError {
    const said = this.redact(e.message);
    const failure = (code: JetStreamError['code'], message: string) =>
      new JetStreamError(code, message, { serverMessage: said, command: ctx.command, server: ctx.server });
    switch (e.kind) {
      case 'setup':
        return failure('PythonSetup', l10n.t("The Python library for server '{0}' is not usable: {1}.", ctx.server, said));
      case 'unsupported':
        // The bridge's words finish the sentence: "…, and <what the library cannot do>."
        return failure(
          'Unsupported',
          l10n.t("Server '{0}' is reached through the Python library, and {1}. Sign in with a password.", ctx.server, said),
        );
      case 'missingMethod':
        return failure(
          'UnknownCommand',
          l10n.t("Server '{0}' cannot run {1}: the Python library {2}; it may be older than the server.", ctx.server, ctx.command, said),
        );
      case 'refused':
        return protocolError('AuthFailed', e.message, ctx);
      case 'superuser':
        return failure(
          'PermissionDenied',
          ctx.user
            ? l10n.t("Server '{0}' refused the superuser view for user {1}: {2}", ctx.server, ctx.user, said)
            : l10n.t("Server '{0}' refused the superuser view for an anonymous caller: {1}", ctx.server, said),
        );
      case 'connection': {
        const timedOut = /timeout|timed out/i.test(`${e.class} ${e.message}`);
        return failure(
          timedOut ? 'Timeout' : 'Unreachable',
          l10n.t("Cannot reach server '{0}' at {1}: {2}", ctx.server, ctx.endpoint ?? '', said),
        );
      }
      case 'unreadable':
        return failure(
          'InvalidResponse',
          l10n.t("Server '{0}' sent an answer to {1} that the Python library could not pass on: {2}", ctx.server, ctx.command, said),
        );
      case 'request':
        return failure(
          'Internal',
          l10n.t("The Python bridge for server '{0}' did not understand the request for {1}: {2}", ctx.server, ctx.command, said),
        );
      default:
        return libraryFailure(e, ctx);
    }
  }
}

/** An exception the library raised in a call, classified by its class and words as a console's are; the user reads the words. */
function libraryFailure(e: BridgeError, ctx: ErrorContext): JetStreamError {
  const { code } = classifyConsoleFailure(`${e.class}: ${e.message}`);
  const words = e.message.trim() || e.class;
  const said = ctx.redact ? ctx.redact(words) : words;
  if (code === 'Unreachable' || code === 'Timeout')
    return localError(code, l10n.t("Cannot reach server '{0}' at {1}: {2}", ctx.server, ctx.endpoint ?? '', said), ctx);
  if (code === 'InvalidResponse')
    return localError(
      'InvalidResponse',
      l10n.t("Server '{0}' sent an incomplete or malformed answer to {1} ({2})", ctx.server, ctx.command, said),
      ctx,
    );
  return protocolError(code, words, ctx);
}

function closedError(ctx: ErrorContext): JetStreamError {
  return localError('Aborted', l10n.t("{0} on server '{1}' was cancelled: its client was closed.", ctx.command, ctx.server), ctx);
}
