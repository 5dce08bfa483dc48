/** The simulator's command line: `tsx sim/main.ts --port 18886 --destinations 1000 ...` (see --help). */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { startSimulator } from './server';
import { type Faults, UsersFile } from './world';

const USAGE = `Usage: jetstream-sim [options]
  --port P              port to listen on (default 18886; 0 = any free port)
  --host H              address to listen on (default 127.0.0.1)
  --seed S              seed of every random choice (number or text; default 1)
  --destinations N      destinations to generate when there is no state yet (default 0)
  --state FILE          keep destinations and API tokens in FILE across restarts
  --users FILE          users and tokens: {"users":[{"name","password","superuser"?}],"tokens":[...]}
  --no-auth             no authentication: every caller is "anonymous" and sees everything
  --tick-ms MS          milliseconds between snapshots (default 1000; 0 = only on sim.tick)
  --body-limit BYTES    largest request body (default 1048576)
  --tls-cert FILE       serve HTTPS with this PEM certificate (chain); needs --tls-key
  --tls-key FILE        the PEM private key of --tls-cert; needs --tls-cert
  --fault-latency MS    delay added to every answer
  --fault-500 RATE      share (0..1) of answers replaced by a ServerError 500
  --fault-reset RATE    share of answers cut off by dropping the connection
  --fault-truncate RATE share of answers sent as truncated JSON
  --fault-schema RATE   share of answers whose JSON breaks the schema
  --fault-huge-body B   pad every answer with B bytes of whitespace
  --help                show this text
`;

class UsageError extends Error {}

function number(flag: string, text: string | undefined, min: number, max: number, integer = true): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    throw new UsageError(`--${flag} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, not '${text}'`);
  }
  return n;
}

function readUsers(file: string | undefined): UsersFile | undefined {
  if (file === undefined) return undefined;
  try {
    return UsersFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    const why = error instanceof z.ZodError ? z.prettifyError(error) : error instanceof Error ? error.message : String(error);
    throw new UsageError(`--users ${file}: ${why}`);
  }
}

/** The PEM certificate and key of `--tls-cert` and `--tls-key`, both or neither, checked to belong together. */
function readTls(certFile: string | undefined, keyFile: string | undefined): { cert: string; key: string } | undefined {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw new UsageError(certFile === undefined ? '--tls-key needs --tls-cert as well' : '--tls-cert needs --tls-key as well');
  }
  const read = (flag: string, file: string, check: (pem: string) => unknown) => {
    try {
      const pem = readFileSync(file, 'utf8');
      check(pem);
      return pem;
    } catch (error) {
      throw new UsageError(`--${flag} ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const cert = read('tls-cert', certFile, (pem) => new X509Certificate(pem));
  const key = read('tls-key', keyFile, (pem) => createPrivateKey(pem));
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new UsageError(
      `--tls-key ${keyFile} does not belong to --tls-cert ${certFile}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { cert, key };
}

async function main(args: string[]): Promise<void> {
  let options;
  try {
    const { values: v } = parseArgs({
      args,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        destinations: { type: 'string' },
        state: { type: 'string' },
        users: { type: 'string' },
        'no-auth': { type: 'boolean' },
        'tick-ms': { type: 'string' },
        'body-limit': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'fault-latency': { type: 'string' },
        'fault-500': { type: 'string' },
        'fault-reset': { type: 'string' },
        'fault-truncate': { type: 'string' },
        'fault-schema': { type: 'string' },
        'fault-huge-body': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
    if (v.help) {
      process.stdout.write(USAGE);
      return;
    }
    const faults: Partial<Faults> = {
      latencyMs: number('fault-latency', v['fault-latency'], 0, 60_000),
      errorRate: number('fault-500', v['fault-500'], 0, 1, false),
      resetRate: number('fault-reset', v['fault-reset'], 0, 1, false),
      truncateRate: number('fault-truncate', v['fault-truncate'], 0, 1, false),
      schemaRate: number('fault-schema', v['fault-schema'], 0, 1, false),
      hugeBodyBytes: number('fault-huge-body', v['fault-huge-body'], 0, 256 * 2 ** 20),
    };
    options = {
      port: number('port', v.port, 0, 65535) ?? 18886,
      host: v.host ?? '127.0.0.1',
      seed: v.seed !== undefined && /^\d+$/.test(v.seed) ? Number(v.seed) : v.seed,
      destinations: number('destinations', v.destinations, 0, 1_000_000),
      stateFile: v.state,
      users: readUsers(v.users),
      noAuth: v['no-auth'],
      tickMs: number('tick-ms', v['tick-ms'], 0, 3_600_000),
      bodyLimit: number('body-limit', v['body-limit'], 1, 2 ** 31),
      tls: readTls(v['tls-cert'], v['tls-key']),
      faults: Object.fromEntries(Object.entries(faults).filter(([, value]) => value !== undefined)),
    };
  } catch (error) {
    process.stderr.write(`jetstream-sim: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }

  let sim;
  try {
    sim = await startSimulator(options);
  } catch (error) {
    process.stderr.write(`jetstream-sim: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  process.stdout.write(`JetStream simulator listening on ${sim.url}\n`);
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`jetstream-sim: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('disconnect', stop); // forked by a parent (the extension's demo server) that went away
}

void main(process.argv.slice(2));
