/**
 * The `cli` transport: the vendor's console API, one process per call, exactly as documented:
 * `jetstream api --host H --api-control-port P --user U <command> --name=value ...`, bare command
 * names, the password only in JETSTREAM_API_PASSWORD. Nothing the docs do not name is passed: the
 * console has no documented superuser or token option (see `unsupported`).
 */
import { cleanEnv, killGroup, spawnGroup } from './childProcess';
import { classifyConsoleFailure, parseConsoleOutput } from './consoleText';
import { localError, protocolError, type ErrorContext } from './errors';
import { l10n } from './l10n';
import { redactor, type Redact } from './redact';
import {
  bareName,
  callSignal,
  errorContext,
  SEND_PREFIX,
  type CallOptions,
  type Params,
  type ServerEndpoint,
  type Transport,
} from './transport';

export interface CliServerEndpoint extends ServerEndpoint {
  host: string;
  port: number;
  /** The console executable; `jetstream` on PATH by default. */
  consolePath?: string | undefined;
}

/** Linux refuses one argument over 32 pages (MAX_ARG_STRLEN, 128 KiB with its NUL) and all of them over ARG_MAX. */
const MAX_ARGUMENT_BYTES = 128 * 1024 - 1;
const MAX_ARGUMENTS_BYTES = 1024 * 1024;
const MAX_STDOUT_BYTES = 256 * 1024 * 1024;
const STDERR_TAIL_BYTES = 64 * 1024;

/** argv for one call: never holds a secret. */
export function consoleArgs(server: CliServerEndpoint, command: string, params: Params): string[] {
  const args = ['api', '--host', server.host, '--api-control-port', String(server.port)];
  if (server.user !== undefined) args.push('--user', server.user);
  args.push(command);
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    args.push(`--${name}=${argumentText(value)}`);
  }
  return args;
}

/**
 * Text as it is, as the documented examples pass it (`--destinationAddress <host>`); anything else as
 * JSON. A text that would read as another JSON value (an all-digit id, `true`) is passed JSON-quoted,
 * so a console that parses values as JSON still receives text.
 */
function argumentText(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  try {
    JSON.parse(value);
    return JSON.stringify(value);
  } catch {
    return value;
  }
}

/** Which spelling of a command a console takes: learned on the first call that says, kept for the profile's life. */
type CommandForm = 'bare' | 'prefixed';

export class CliTransport implements Transport {
  readonly endpoint: string;
  private form: CommandForm | undefined;
  private readonly redact: Redact;

  constructor(private readonly server: CliServerEndpoint) {
    this.endpoint = `${server.host}:${server.port}`;
    this.redact = redactor(server);
  }

  sentAs(command: string): string {
    return this.spelling(command, this.form ?? 'bare');
  }

  async call(command: string, params: Params, options: CallOptions): Promise<unknown> {
    const ctx = errorContext(this.server, command, this.endpoint, this.redact);
    if (this.server.token) {
      throw localError(
        'Unsupported',
        l10n.t(
          "Server '{0}' is reached through the console API, which has no documented sign-in with an API token. Sign in with a password, or use the python transport.",
          ctx.server,
        ),
        ctx,
      );
    }
    const prefixed = command.startsWith(SEND_PREFIX);
    if (!prefixed || this.form) return this.run(this.spelling(command, this.form ?? 'bare'), params, options, ctx);
    try {
      const result = await this.run(bareName(command), params, options, ctx);
      this.form = 'bare';
      return result;
    } catch (e) {
      // The documented bare name is unknown to this console: try the form the desktop client's raw console shows.
      if ((e as { code?: string }).code !== 'UnknownCommand') throw e;
      const result = await this.run(command, params, options, ctx).catch((second: unknown) => {
        throw (second as { code?: string }).code === 'UnknownCommand' ? e : second;
      });
      this.form = 'prefixed';
      return result;
    }
  }

  private spelling(command: string, form: CommandForm): string {
    return form === 'bare' ? bareName(command) : command;
  }

  private run(sent: string, params: Params, options: CallOptions, ctx: ErrorContext): Promise<unknown> {
    const args = consoleArgs(this.server, sent, params);
    const tooLong = args.find((a) => Buffer.byteLength(a) > MAX_ARGUMENT_BYTES);
    const total = args.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
    if (tooLong || total > MAX_ARGUMENTS_BYTES) {
      const size = Math.ceil((tooLong ? Buffer.byteLength(tooLong) : total) / 1024);
      const name = tooLong && /^--(\w+)=/.exec(tooLong)?.[1];
      throw localError(
        'PayloadTooLarge',
        !tooLong
          ? l10n.t(
              "Not sent to server '{0}': the arguments together would be {1} KB on the console's command line, more than the operating system takes (1 MB in all).",
              ctx.server,
              size,
            )
          : name
            ? l10n.t(
                "Not sent to server '{0}': {1} would be {2} KB on the console's command line, more than the operating system takes (128 KB for one argument).",
                ctx.server,
                name,
                size,
              )
            : l10n.t(
                "Not sent to server '{0}': an argument would be {1} KB on the console's command line, more than the operating system takes (128 KB for one argument).",
                ctx.server,
                size,
              ),
        ctx,
      );
    }
    const { signal, timeoutMs } = callSignal(options);
    const executable = this.server.consolePath || 'jetstream';
    const env = cleanEnv();
    if (this.server.password !== undefined) env.JETSTREAM_API_PASSWORD = this.server.password;

    return new Promise((resolve, reject) => {
      // stdin closed: a console that prompts for a password reads EOF at once instead of waiting.
      const child = spawnGroup(executable, args, env, 'ignore');
      const out: Buffer[] = [];
      let outBytes = 0;
      let err = Buffer.alloc(0);
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        // Whatever the console started goes with it, whether it ended by itself or not.
        killGroup(child);
        fn();
      };
      const onAbort = () => {
        const timedOut = (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
        finish(() =>
          reject(
            timedOut
              ? localError(
                  'Timeout',
                  l10n.t("Server '{0}' did not answer {1} within {2} s (console API).", ctx.server, ctx.command, timeoutMs / 1000),
                  ctx,
                )
              : localError('Aborted', l10n.t("{0} on server '{1}' was cancelled.", ctx.command, ctx.server), ctx),
          ),
        );
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (c: Buffer) => {
        outBytes += c.length;
        if (outBytes > MAX_STDOUT_BYTES) {
          finish(() =>
            reject(
              localError(
                'InvalidResponse',
                l10n.t(
                  "Server '{0}' sent an answer to {1} larger than {2} bytes through the console; it was not read.",
                  ctx.server,
                  ctx.command,
                  MAX_STDOUT_BYTES,
                ),
                ctx,
              ),
            ),
          );
        } else out.push(c);
      });
      child.stderr.on('data', (c: Buffer) => {
        err = Buffer.concat([err, c]);
        if (err.length > STDERR_TAIL_BYTES) err = err.subarray(err.length - STDERR_TAIL_BYTES);
      });
      child.on('error', (e: NodeJS.ErrnoException) =>
        finish(() =>
          reject(
            e.code === 'ENOENT'
              ? localError(
                  'ConsoleNotFound',
                  l10n.t(
                    "The JetStream console '{0}' was not found; set \"consolePath\" in the profile of server '{1}'.",
                    executable,
                    ctx.server,
                  ),
                  ctx,
                  e,
                )
              : localError(
                  'ConsoleNotFound',
                  l10n.t("Could not run the JetStream console '{0}' for server '{1}': {2}.", executable, ctx.server, e.message),
                  ctx,
                  e,
                ),
          ),
        ),
      );
      child.on('close', (exitCode, exitSignal) =>
        finish(() => {
          if (exitCode === 0) {
            const parsed = parseConsoleOutput(Buffer.concat(out).toString('utf8'));
            if (parsed.ok) resolve(parsed.value);
            else
              reject(
                localError(
                  'InvalidResponse',
                  l10n.t(
                    "Server '{0}' sent an incomplete or malformed answer to {1} (console output is not JSON).",
                    ctx.server,
                    ctx.command,
                  ),
                  ctx,
                ),
              );
            return;
          }
          const text = err.toString('utf8') || Buffer.concat(out).toString('utf8');
          reject(consoleFailure(text, exitCode, exitSignal, ctx));
        }),
      );
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A non-zero exit in the console's own words, classified by them. */
function consoleFailure(text: string, exitCode: number | null, exitSignal: NodeJS.Signals | null, ctx: ErrorContext) {
  const facts = exitCode === null ? {} : { exitCode };
  if (!text.trim()) {
    const words = exitSignal
      ? l10n.t('the console was stopped by {0} without a message', exitSignal)
      : l10n.t('the console exited with code {0} without a message', String(exitCode));
    return protocolError('ServerError', words, ctx, facts);
  }
  const { code, words } = classifyConsoleFailure(text);
  const said = ctx.redact ? ctx.redact(words) : words;
  if (code === 'Unreachable' || code === 'Timeout')
    return localError(code, l10n.t("Cannot reach server '{0}' at {1}: {2}", ctx.server, ctx.endpoint ?? '', said), ctx);
  if (code === 'InvalidResponse')
    return localError(
      'InvalidResponse',
      l10n.t("Server '{0}' sent an incomplete or malformed answer to {1} ({2})", ctx.server, ctx.command, said),
      ctx,
    );
  if (code === 'AuthRequired') {
    return localError(
      'AuthRequired',
      ctx.user
        ? l10n.t("The console asked for the password of user {0} on server '{1}': sign in to store it.", ctx.user, ctx.server)
        : l10n.t("The console asked for the password of a user on server '{0}': sign in to store it.", ctx.server),
      ctx,
    );
  }
  return protocolError(code, words, ctx, facts);
}
