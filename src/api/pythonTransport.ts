/**
 * The `python` transport: the vendor's Python library, in one long-lived bridge process per server
 * (src/api/python/jetstream_bridge.py). One signed-in session serves every call, which is what the
 * library's examples show and what a server that locks accounts after repeated logins needs. The secret
 * travels once, on the bridge's stdin; the bridge runs calls one at a time, in the order they were sent.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { cleanEnv, killGroup, spawnGroup } from './childProcess';
import { classifyConsoleFailure } from './consoleText';
import { JetStreamError, localError, protocolError, type ErrorContext } from './errors';
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

/** An error reply of the bridge: the library's exception, and what kind of failure the bridge saw. */
interface BridgeError {
  class: string;
  message: string;
  kind: string;
}

type Reply = { id: number; result: unknown } | { id: number; error: BridgeError };

/** The error each call still waiting on a bridge gets when that bridge ends. */
type Ending = (ctx: ErrorContext) => JetStreamError;

const FIRST_RESTART_DELAY_MS = 1000;
const LAST_RESTART_DELAY_MS = 60_000;
const MAX_LINE_BYTES = 256 * 1024 * 1024;
const STDERR_TAIL_BYTES = 64 * 1024;
/** Hello kinds after which the bridge exits: the same start would fail the same way. */
const FATAL_KINDS = new Set(['setup', 'unsupported', 'request']);

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
      throw localError('AuthRequired', `Server '${ctx.server}' needs the password of user ${this.server.user}: sign in to store it.`, ctx);
    }
    const { signal, timeoutMs } = callSignal(options);
    await this.waitForRestart(ctx, signal, timeoutMs);
    this.refuseEarly(ctx);
    this.bridge ??= this.start();
    return this.bridge.request({ ...libraryMethod(command), params }, ctx, signal, timeoutMs);
  }

  /** A closed client, or a sign-in the server refused: nothing is started or sent. */
  private refuseEarly(ctx: ErrorContext): void {
    if (this.closed) throw localError('Aborted', `${ctx.command} on server '${ctx.server}' was cancelled: its client was closed.`, ctx);
    if (this.refusal) throw this.failure(this.refusal, ctx);
  }

  async close(): Promise<void> {
    this.closed = true;
    const bridge = this.bridge;
    this.bridge = undefined;
    await bridge?.stop((ctx) =>
      localError('Aborted', `${ctx.command} on server '${ctx.server}' was cancelled: its client was closed.`, ctx),
    );
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
        `${last.message} The Python bridge is started again in ${Math.ceil(wait / 1000)} s.`,
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
    const s = `Server '${ctx.server}'`;
    const failure = (code: JetStreamError['code'], message: string) =>
      new JetStreamError(code, message, { serverMessage: said, command: ctx.command, server: ctx.server });
    switch (e.kind) {
      case 'setup':
        return failure('PythonSetup', `The Python library for server '${ctx.server}' is not usable: ${said}.`);
      case 'unsupported':
        return failure('Unsupported', `${s} is reached through the Python library, and ${said}. Sign in with a password.`);
      case 'missingMethod':
        return failure('UnknownCommand', `${s} cannot run ${ctx.command}: the Python library ${said}; it may be older than the server.`);
      case 'refused':
        return protocolError('AuthFailed', e.message, ctx);
      case 'superuser':
        return failure(
          'PermissionDenied',
          `${s} refused the superuser view for ${ctx.user ? `user ${ctx.user}` : 'an anonymous caller'}: ${said}`,
        );
      case 'connection': {
        const timedOut = /timeout|timed out/i.test(`${e.class} ${e.message}`);
        return failure(timedOut ? 'Timeout' : 'Unreachable', `Cannot reach server '${ctx.server}' at ${ctx.endpoint}: ${said}`);
      }
      case 'unreadable':
        return failure('InvalidResponse', `${s} sent an answer to ${ctx.command} that the Python library could not pass on: ${said}`);
      case 'request':
        return failure(
          'Internal',
          `The Python bridge for server '${ctx.server}' did not understand the request for ${ctx.command}: ${said}`,
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
    return localError(code, `Cannot reach server '${ctx.server}' at ${ctx.endpoint}: ${said}`, ctx);
  if (code === 'InvalidResponse')
    return localError('InvalidResponse', `Server '${ctx.server}' sent an incomplete or malformed answer to ${ctx.command} (${said})`, ctx);
  return protocolError(code, words, ctx);
}

function abortError(signal: AbortSignal, ctx: ErrorContext, timeoutMs: number): JetStreamError {
  const timedOut = (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
  return timedOut
    ? localError('Timeout', `Server '${ctx.server}' did not answer ${ctx.command} within ${timeoutMs / 1000} s (Python library).`, ctx)
    : localError('Aborted', `${ctx.command} on server '${ctx.server}' was cancelled.`, ctx);
}

interface Request {
  id: number;
  line: string;
}

interface Pending {
  ctx: ErrorContext;
  resolve(value: unknown): void;
  reject(error: JetStreamError): void;
}

interface BridgeOwner {
  failure(e: BridgeError, ctx: ErrorContext): JetStreamError;
  /** A call was answered: the bridge works. */
  answered(): void;
  /** Keeps the error when it is a refused sign-in, which must never be tried again; says whether it was one. */
  refused(e: BridgeError): boolean;
  /** `healthy`: the bridge was stopped for the server's sake (a call hung), not its own. */
  ended(bridge: Bridge, ending: Ending, healthy: boolean): void;
}

/** One bridge process: its hello, the calls sent to it and not yet answered, and how it ended. */
class Bridge {
  private readonly child: ChildProcessWithoutNullStreams;
  /** Calls wait here until the hello is answered, so that they fail with the hello's error when it has one. */
  private queued: Request[] | undefined = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private stderr = Buffer.alloc(0);
  private ending: Ending | undefined;
  private readonly exited: Promise<void>;

  constructor(
    private readonly interpreter: string,
    args: string[],
    hello: string,
    private readonly owner: BridgeOwner,
  ) {
    this.child = spawnGroup(interpreter, args, cleanEnv(), 'pipe');
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.end(this.unexpectedEnd(code, signal));
        // Whatever a launcher script started goes with it.
        killGroup(this.child);
        resolve();
      });
      this.child.on('error', (e: NodeJS.ErrnoException) => {
        this.end(this.spawnFailure(e));
        resolve();
      });
    });
    // A bridge that died is reported by 'close'; a write into its closed stdin has nothing to add.
    this.child.stdin.on('error', () => undefined);
    this.child.stdout.on('data', (chunk: Buffer) => this.read(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = Buffer.concat([this.stderr, chunk]);
      if (this.stderr.length > STDERR_TAIL_BYTES) this.stderr = this.stderr.subarray(this.stderr.length - STDERR_TAIL_BYTES);
    });
    this.child.stdin.write(`${hello}\n`);
  }

  request(call: { interface: string; method: string; params: Params }, ctx: ErrorContext, signal: AbortSignal, timeoutMs: number) {
    return new Promise<unknown>((resolve, reject) => {
      if (this.ending) return reject(this.ending(ctx));
      if (signal.aborted) return reject(abortError(signal, ctx, timeoutMs));
      const id = this.nextId++;
      const request = { id, line: JSON.stringify({ id, ...call }) };
      const onAbort = () => {
        const error = abortError(signal, ctx, timeoutMs);
        if (error.code === 'Timeout') {
          // Calls run in order: one that hangs holds up every other, so the bridge goes.
          void this.stop(
            (other) =>
              localError(
                'Timeout',
                `Server '${other.server}' did not answer ${ctx.command} within ${timeoutMs / 1000} s (Python library); its bridge was stopped.`,
                other,
              ),
            true,
          );
          return;
        }
        // A cancelled call is forgotten; the bridge's late answer to it is dropped.
        this.pending.delete(id);
        if (this.queued) this.queued = this.queued.filter((r) => r.id !== id);
        this.hold();
        reject(error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const settle =
        <T>(fn: (value: T) => void) =>
        (value: T) => {
          signal.removeEventListener('abort', onAbort);
          fn(value);
        };
      this.pending.set(id, { ctx, resolve: settle(resolve), reject: settle(reject) });
      if (this.queued) this.queued.push(request);
      else this.child.stdin.write(`${request.line}\n`);
      this.hold();
    });
  }

  /** Kills the bridge and everything it started; every call still waiting gets the ending's error. */
  stop(ending: Ending, healthy = false): Promise<void> {
    this.end(ending, healthy);
    killGroup(this.child);
    // Until it is gone: whoever waits for close() sees no process left.
    if (this.child.exitCode === null && this.child.signalCode === null) this.hold(true);
    return this.exited;
  }

  private end(ending: Ending, healthy = false): void {
    if (this.ending) return;
    this.ending = ending;
    this.queued = undefined;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(ending(p.ctx));
    this.hold();
    this.owner.ended(this, ending, healthy);
  }

  /** An idle bridge does not keep the extension host (or a test run) alive; it exits when its stdin closes. */
  private hold(busy = !this.ending && this.pending.size > 0): void {
    for (const handle of [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as unknown as {
      ref(): void;
      unref(): void;
    }[])
      if (busy) handle.ref();
      else handle.unref();
  }

  private read(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1 && !this.ending; nl = chunk.indexOf(10, start)) {
      this.partial.push(chunk.subarray(start, nl));
      const line = Buffer.concat(this.partial).toString('utf8');
      this.partial = [];
      this.partialBytes = 0;
      start = nl + 1;
      if (line.trim()) this.line(line);
    }
    if (this.ending || start >= chunk.length) return;
    this.partial.push(chunk.subarray(start));
    this.partialBytes += chunk.length - start;
    if (this.partialBytes > MAX_LINE_BYTES) this.garbage(`a line longer than ${MAX_LINE_BYTES} bytes`);
  }

  private line(text: string): void {
    const reply = parseReply(text);
    const hello = reply?.id === 0 && this.queued !== undefined;
    if (!reply || (!hello && (reply.id === 0 || reply.id >= this.nextId))) {
      return this.garbage(`"${text.length > 80 ? `${text.slice(0, 79)}…` : text}"`);
    }
    if (hello) return this.helloAnswered(reply);
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    this.owner.answered();
    if ('result' in reply) p.resolve(reply.result);
    else this.failed(reply.error, p);
    this.hold();
  }

  private helloAnswered(reply: Reply): void {
    const queued = this.queued ?? [];
    this.queued = undefined;
    if ('error' in reply) {
      const e = reply.error;
      if (FATAL_KINDS.has(e.kind) || this.owner.refused(e)) return void this.stop((ctx) => this.owner.failure(e, ctx));
      // The server is down, or the superuser view was refused: these calls fail, the bridge stays for the next.
      for (const r of queued) {
        const p = this.pending.get(r.id);
        this.pending.delete(r.id);
        p?.reject(this.owner.failure(e, p.ctx));
      }
      this.hold();
      return;
    }
    for (const r of queued) this.child.stdin.write(`${r.line}\n`);
  }

  private failed(e: BridgeError, p: Pending): void {
    p.reject(this.owner.failure(e, p.ctx));
    // A refused sign-in ends the bridge: it must not sign in again.
    if (this.owner.refused(e)) void this.stop((ctx) => this.owner.failure(e, ctx));
  }

  private garbage(what: string): void {
    const said = what.replace(/[\r\n]+/g, ' ');
    void this.stop((ctx) =>
      localError(
        'InvalidResponse',
        `The Python bridge for server '${ctx.server}' wrote ${ctx.redact ? ctx.redact(said) : said} where a reply belongs; it was stopped.`,
        ctx,
      ),
    );
  }

  private spawnFailure(e: NodeJS.ErrnoException): Ending {
    return (ctx) =>
      localError(
        'PythonSetup',
        e.code === 'ENOENT'
          ? `No Python interpreter '${this.interpreter}' was found for server '${ctx.server}'; set "pythonPath" in its profile to a Python 3.8 or later.`
          : `Could not run the Python interpreter '${this.interpreter}' for server '${ctx.server}': ${e.message}; check "pythonPath" in its profile.`,
        ctx,
        e,
      );
  }

  private unexpectedEnd(code: number | null, signal: NodeJS.Signals | null): Ending {
    const how = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
    // A bridge that failed by itself says why last on stderr; one that was killed has only the library's chatter there.
    const text = signal ? '' : this.stderr.toString('utf8');
    const words = text.trim() ? classifyConsoleFailure(text).words : '';
    const started = this.queued === undefined;
    return (ctx) => {
      const said = words ? `: ${ctx.redact ? ctx.redact(words) : words}` : '';
      return started
        ? localError('Unreachable', `Cannot reach server '${ctx.server}': its Python bridge ${how}${said}.`, ctx)
        : localError(
            'PythonSetup',
            `The Python bridge for server '${ctx.server}' did not start: '${this.interpreter}' ${how}${said}. Check "pythonPath" in its profile.`,
            ctx,
          );
    };
  }
}

function parseReply(text: string): Reply | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { id?: unknown; result?: unknown; error?: unknown };
  if (typeof v.id !== 'number' || !Number.isSafeInteger(v.id) || v.id < 0) return undefined;
  if ('result' in v) return { id: v.id, result: v.result };
  const e = v.error as Partial<BridgeError> | undefined;
  if (typeof e?.class === 'string' && typeof e.message === 'string' && typeof e.kind === 'string')
    return { id: v.id, error: { class: e.class, message: e.message, kind: e.kind } };
  return undefined;
}
