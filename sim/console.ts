/**
 * A stand-in for the vendor's console API, speaking PROTOCOL.md's HTTP convention to a server (the simulator):
 *
 *   jetstream api [--host H] [--api-control-port P] [--user U] [--superuser] [--tls-ca FILE] [--https]
 *                 <command> [--name=value | --name value ...]
 *
 * Like the vendor's tool, the password comes only from JETSTREAM_API_PASSWORD (an API token, without
 * --user, from JETSTREAM_API_TOKEN), the result is printed as JSON on stdout, and a failure prints one
 * line `ErrorCode: message` on stderr with a non-zero exit code: the cli transport reads that line.
 */
import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import { ErrorEnvelope } from '../src/api/schemas';
import { postCommand } from './client';

const USAGE = `Usage: jetstream api [--host H] [--api-control-port P] [--user U] [--superuser] [--tls-ca FILE] [--https]
                     <command> [--name=value ...]
  Defaults: --host localhost --api-control-port 8886. The password is read from JETSTREAM_API_PASSWORD;
  without --user, an API token is read from JETSTREAM_API_TOKEN.
  Values are JSON (objects, lists, numbers, booleans) or else plain strings; ids and addresses stay strings.
Exit codes: 0 ok, 1 server error or other, 2 usage, 3 AuthRequired/AuthFailed,
  4 PermissionDenied/NotFound/UnknownCommand, 5 InvalidParameter/InvalidRequest/PayloadTooLarge,
  6 server unreachable or its answer unusable.
`;

const EXIT_USAGE = 2;
const EXIT_CONNECTION = 6;
const EXIT_BY_CODE: Readonly<Record<string, number>> = {
  AuthRequired: 3,
  AuthFailed: 3,
  PermissionDenied: 4,
  NotFound: 4,
  UnknownCommand: 4,
  InvalidParameter: 5,
  InvalidRequest: 5,
  PayloadTooLarge: 5,
};

/** Parameters that are strings even when their text looks like a JSON number (an all-digit id or host). */
const STRING_PARAMETERS = new Set([
  'destinationId',
  'objectId',
  'connectionId',
  'destinationAddress',
  'relayAddress',
  'permittedDestinationPublicKey',
  'user',
  'password',
  'token',
]);

class UsageError extends Error {}

interface Invocation {
  host: string;
  port: number;
  user: string | undefined;
  superuser: boolean;
  https: boolean;
  tlsCa: string | undefined;
  command: string;
  params: Record<string, unknown>;
}

function parameterValue(name: string, text: string): unknown {
  if (STRING_PARAMETERS.has(name)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function parse(argv: string[]): Invocation | 'help' {
  const args = [...argv];
  if (args[0] === '--help' || args[0] === '-h') return 'help';
  if (args.shift() !== 'api') throw new UsageError("the first argument must be 'api'");
  const inv: Invocation = {
    host: 'localhost',
    port: 8886,
    user: undefined,
    superuser: false,
    https: false,
    tlsCa: undefined,
    command: '',
    params: {},
  };
  while (args[0]?.startsWith('-')) {
    const arg = args.shift()!;
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const value = (): string => {
      const v = inline ?? args.shift();
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    const flag = (): true => {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      return true;
    };
    switch (name) {
      case '--host':
        inv.host = value();
        break;
      case '--api-control-port': {
        const text = value();
        inv.port = Number(text);
        if (!/^\d+$/.test(text) || inv.port < 1 || inv.port > 65535)
          throw new UsageError(`--api-control-port must be 1-65535, not '${text}'`);
        break;
      }
      case '--user':
        inv.user = value();
        break;
      case '--superuser':
        inv.superuser = flag();
        break;
      case '--https':
        inv.https = flag();
        break;
      case '--tls-ca':
        inv.tlsCa = value();
        break;
      case '--help':
      case '-h':
        return 'help';
      default:
        throw new UsageError(`unknown option ${name}`);
    }
  }
  const command = args.shift();
  if (!command) throw new UsageError('no command given');
  inv.command = command;
  while (args.length > 0) {
    const arg = args.shift()!;
    const match = /^--([A-Za-z_][\w.]*)(?:=([\s\S]*))?$/.exec(arg);
    if (!match) throw new UsageError(`expected --name=value, not '${arg}'`);
    const name = match[1]!;
    const text = match[2] ?? args.shift();
    if (text === undefined) throw new UsageError(`parameter --${name} needs a value`);
    inv.params[name] = parameterValue(name, text);
  }
  return inv;
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let inv: Invocation | 'help';
  let ca: Buffer | undefined;
  try {
    inv = parse(argv);
    if (inv === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (inv.user !== undefined && env.JETSTREAM_API_PASSWORD === undefined) {
      throw new UsageError(`no password for user '${inv.user}': set JETSTREAM_API_PASSWORD`);
    }
    ca = inv.tlsCa === undefined ? undefined : readFileSync(inv.tlsCa);
  } catch (error) {
    process.stderr.write(`UsageError: ${error instanceof Error ? error.message : String(error)} (see jetstream --help)\n`);
    return EXIT_USAGE;
  }

  const scheme = inv.https || ca ? 'https' : 'http';
  const base = `${scheme}://${inv.host.includes(':') ? `[${inv.host}]` : inv.host}:${inv.port}`;
  // An own agent, closed at the end, so that no kept-alive socket holds the process open.
  const agent = new Agent({ connect: ca ? { ca } : {} });
  let answer;
  try {
    const auth = inv.user === undefined ? { token: env.JETSTREAM_API_TOKEN } : { user: inv.user, password: env.JETSTREAM_API_PASSWORD };
    answer = await postCommand(base, inv.command, inv.params, { ...auth, superuser: inv.superuser }, agent);
  } catch (error) {
    process.stderr.write(`Unreachable: cannot talk to ${base}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_CONNECTION;
  } finally {
    await agent.close();
  }

  let envelope: unknown;
  try {
    envelope = JSON.parse(answer.text);
  } catch {
    process.stderr.write(`InvalidResponse: the server's answer (HTTP ${answer.status}) is not JSON\n`);
    return EXIT_CONNECTION;
  }
  if (answer.status === 200 && typeof envelope === 'object' && envelope !== null && 'result' in envelope) {
    process.stdout.write(`${JSON.stringify(envelope.result, null, 2)}\n`);
    return 0;
  }
  const failure = ErrorEnvelope.safeParse(envelope);
  if (!failure.success) {
    process.stderr.write(`InvalidResponse: unexpected answer (HTTP ${answer.status})\n`);
    return EXIT_CONNECTION;
  }
  process.stderr.write(`${failure.data.error.code}: ${failure.data.error.message}\n`);
  return EXIT_BY_CODE[failure.data.error.code] ?? 1;
}

void main(process.argv.slice(2), process.env).then((code) => {
  process.exitCode = code;
});
