/**
 * One bridge process of the `python` transport (src/api/python/jetstream_bridge.py): its hello, the
 * calls written to its stdin one JSON line each, their replies read from its stdout, and how it ended.
 * What the replies mean to the user, and when a bridge is started again, is the transport's.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { cleanEnv, killGroup, spawnGroup } from './childProcess';
import { classifyConsoleFailure } from './consoleText';
import { localError, type ErrorContext, type JetStreamError } from './errors';
import { l10n } from './l10n';
import type { Params } from './transport';

/** An error reply of the bridge: the library's exception, and what kind of failure the bridge saw. */
export interface BridgeError {
  class: string;
  message: string;
  kind: string;
}

type Reply = { id: number; result: unknown } | { id: number; error: BridgeError };

/** The error each call still waiting on a bridge gets when that bridge ends. */
export type Ending = (ctx: ErrorContext) => JetStreamError;

const MAX_LINE_BYTES = 256 * 1024 * 1024;
const STDERR_TAIL_BYTES = 64 * 1024;
/** Hello kinds after which the bridge exits: the same start would fail the same way. */
const FATAL_KINDS = new Set(['setup', 'unsupported', 'request']);

/** Why a call stopped waiting: its timeout, or the caller cancelled it. */
export function abortError(signal: AbortSignal, ctx: ErrorContext, timeoutMs: number): JetStreamError {
  const timedOut = (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
  return timedOut
    ? localError(
        'Timeout',
        l10n.t("Server '{0}' did not answer {1} within {2} s (Python library).", ctx.server, ctx.command, timeoutMs / 1000),
        ctx,
      )
    : localError('Aborted', l10n.t("{0} on server '{1}' was cancelled.", ctx.command, ctx.server), ctx);
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

export interface BridgeOwner {
  failure(e: BridgeError, ctx: ErrorContext): JetStreamError;
  /** A call was answered: the bridge works. */
  answered(): void;
  /** Keeps the error when it is a refused sign-in, which must never be tried again; says whether it was one. */
  refused(e: BridgeError): boolean;
  /** `healthy`: the bridge was stopped for the server's sake (a call hung), not its own. */
  ended(bridge: Bridge, ending: Ending, healthy: boolean): void;
}

/** One bridge process: its hello, the calls sent to it and not yet answered, and how it ended. */
export class Bridge {
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
                l10n.t(
                  "Server '{0}' did not answer {1} within {2} s (Python library); its bridge was stopped.",
                  other.server,
                  ctx.command,
                  timeoutMs / 1000,
                ),
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
    if (this.partialBytes > MAX_LINE_BYTES) this.garbage(l10n.t('a line longer than {0} bytes', MAX_LINE_BYTES));
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
        l10n.t(
          "The Python bridge for server '{0}' wrote {1} where a reply belongs; it was stopped.",
          ctx.server,
          ctx.redact ? ctx.redact(said) : said,
        ),
        ctx,
      ),
    );
  }

  private spawnFailure(e: NodeJS.ErrnoException): Ending {
    return (ctx) =>
      localError(
        'PythonSetup',
        e.code === 'ENOENT'
          ? l10n.t(
              "No Python interpreter '{0}' was found for server '{1}'; set \"pythonPath\" in its profile to a Python 3.8 or later.",
              this.interpreter,
              ctx.server,
            )
          : l10n.t(
              "Could not run the Python interpreter '{0}' for server '{1}': {2}; check \"pythonPath\" in its profile.",
              this.interpreter,
              ctx.server,
              e.message,
            ),
        ctx,
        e,
      );
  }

  private unexpectedEnd(code: number | null, signal: NodeJS.Signals | null): Ending {
    const how = signal ? l10n.t('was stopped by {0}', signal) : l10n.t('exited with code {0}', String(code));
    // A bridge that failed by itself says why last on stderr; one that was killed has only the library's chatter there.
    const text = signal ? '' : this.stderr.toString('utf8');
    const words = text.trim() ? classifyConsoleFailure(text).words : '';
    const started = this.queued === undefined;
    return (ctx) => {
      // The bridge's last words, if any, follow after a colon.
      const said = words ? `: ${ctx.redact ? ctx.redact(words) : words}` : '';
      return started
        ? localError('Unreachable', l10n.t("Cannot reach server '{0}': its Python bridge {1}{2}.", ctx.server, how, said), ctx)
        : localError(
            'PythonSetup',
            l10n.t(
              "The Python bridge for server '{0}' did not start: '{1}' {2}{3}. Check \"pythonPath\" in its profile.",
              ctx.server,
              this.interpreter,
              how,
              said,
            ),
            ctx,
          );
    };
  }
}

/** A line of the bridge as a reply, or undefined when it is none (the bridge is then stopped). */
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
