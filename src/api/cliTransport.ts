/**
 * The `cli` transport: the vendor's console API, one process per call
 * (`jetstream api --host H --api-control-port P --user U <command> --name=value ...`).
 * Spawned without a shell; the password travels only in JETSTREAM_API_PASSWORD, never in argv.
 */
import { spawn } from 'node:child_process';
import { localError, protocolError } from './errors';
import { ERROR_CODES } from './schemas';
import { callSignal, errorContext, type CallOptions, type Params, type ServerEndpoint, type Transport } from './transport';

export interface CliServerEndpoint extends ServerEndpoint {
  host: string;
  port: number;
  /** The console executable; `jetstream` on PATH by default. */
  consolePath?: string | undefined;
}

const KNOWN_CODES = new Set<string>(ERROR_CODES);

/** argv for one call: never holds a secret. */
export function consoleArgs(server: CliServerEndpoint, command: string, params: Params): string[] {
  const args = ['api', '--host', server.host, '--api-control-port', String(server.port)];
  if (server.user !== undefined && !server.token) args.push('--user', server.user);
  if (server.superuser) args.push('--superuser');
  args.push(command);
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    args.push(`--${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  return args;
}

export class CliTransport implements Transport {
  readonly endpoint: string;

  constructor(private readonly server: CliServerEndpoint) {
    this.endpoint = `${server.host}:${server.port}`;
  }

  call(command: string, params: Params, options: CallOptions): Promise<unknown> {
    const ctx = errorContext(this.server, command, this.endpoint);
    const { signal, timeoutMs } = callSignal(options);
    const executable = this.server.consolePath || 'jetstream';
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.JETSTREAM_API_PASSWORD;
    delete env.JETSTREAM_API_TOKEN;
    if (this.server.token) env.JETSTREAM_API_TOKEN = this.server.token;
    else if (this.server.password !== undefined) env.JETSTREAM_API_PASSWORD = this.server.password;

    return new Promise((resolve, reject) => {
      const child = spawn(executable, consoleArgs(this.server, command, params), { env, shell: false, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      const onAbort = () => {
        child.kill('SIGKILL');
        const timedOut = (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
        finish(() =>
          reject(
            timedOut
              ? localError('Timeout', `Server '${ctx.server}' did not answer ${command} within ${timeoutMs / 1000} s (console API).`, ctx)
              : localError('Aborted', `${command} on server '${ctx.server}' was cancelled.`, ctx),
          ),
        );
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.on('error', (e: NodeJS.ErrnoException) =>
        finish(() =>
          reject(
            e.code === 'ENOENT'
              ? localError(
                  'ConsoleNotFound',
                  `The JetStream console '${executable}' was not found; set "consolePath" in the profile of server '${ctx.server}'.`,
                  ctx,
                  e,
                )
              : localError(
                  'Unreachable',
                  `Could not run the JetStream console '${executable}' for server '${ctx.server}': ${e.message}.`,
                  ctx,
                  e,
                ),
          ),
        ),
      );
      child.on('close', (exitCode) =>
        finish(() => {
          if (exitCode === 0) {
            const text = Buffer.concat(out).toString('utf8');
            try {
              resolve(text.trim() === '' ? null : JSON.parse(text));
            } catch {
              reject(
                localError(
                  'InvalidResponse',
                  `Server '${ctx.server}' sent an incomplete or malformed answer to ${command} (console output is not JSON).`,
                  ctx,
                ),
              );
            }
            return;
          }
          reject(consoleFailure(Buffer.concat(err).toString('utf8'), exitCode ?? -1, ctx));
        }),
      );
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The console prints `Code: message` on stderr; anything else is kept as the server's words. */
function consoleFailure(stderr: string, exitCode: number, ctx: ReturnType<typeof errorContext>) {
  const line = stderr.trim().split('\n').pop() ?? '';
  const m = /^(\w+):\s*(.*)$/s.exec(line);
  if (m && KNOWN_CODES.has(m[1]!)) return protocolError(m[1]!, m[2]!, ctx, { exitCode });
  if (m && (m[1] === 'Unreachable' || m[1] === 'Timeout')) {
    return localError(m[1], `Cannot reach server '${ctx.server}' at ${ctx.endpoint}: ${m[2]}`, ctx);
  }
  if (m && m[1] === 'InvalidResponse') {
    return localError('InvalidResponse', `Server '${ctx.server}' sent an incomplete or malformed answer to ${ctx.command} (${m[2]})`, ctx);
  }
  return protocolError('ServerError', line || `console exited with code ${exitCode}`, ctx, { exitCode });
}
