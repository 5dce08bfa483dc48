/**
 * The simulator's HTTP face: `POST /api/{command}` of PROTOCOL.md on node:http (node:https when given
 * `tls`), answering from a World, with the faults of `world.faults` injected into every command except
 * the `sim.*` control commands (so that a test can always switch faults off again).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ApiError, type Credentials, RawJson, World, type WorldOptions } from './world';

export interface SimulatorOptions extends WorldOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Milliseconds between snapshots, default 1000; 0 = snapshots only through `sim.tick`. */
  tickMs?: number;
  /** Largest accepted request body in bytes, default 1 MiB. */
  bodyLimit?: number;
  /** Serve HTTPS with this certificate (chain) and private key, both PEM text; `url` then starts with `https://`. */
  tls?: { cert: string; key: string } | undefined;
}

export interface Simulator {
  url: string;
  port: number;
  world: World;
  /** Stops listening, drops open connections and writes a pending state file. */
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const world = new World(options);
  const bodyLimit = options.bodyLimit ?? 2 ** 20;
  const host = options.host ?? '127.0.0.1';
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    serve(world, bodyLimit, req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendError(res, new ApiError('ServerError', `Internal error: ${error instanceof Error ? error.message : String(error)}`));
    });
  };
  // requestTimeout bounds how long a slow or stalled request body may hold a connection.
  const timeouts = { requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 };
  const server = options.tls
    ? createHttpsServer({ ...timeouts, cert: options.tls.cert, key: options.tls.key }, handler)
    : createServer(timeouts, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const tickMs = options.tickMs ?? 1000;
  const timer = tickMs > 0 ? setInterval(() => world.tick(), tickMs).unref() : undefined;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    world,
    async close() {
      clearInterval(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await world.flush();
    },
  };
}

async function serve(world: World, bodyLimit: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '').split('?')[0] ?? '';
  const command = /^\/api\/([\w.-]+)$/.exec(path)?.[1];
  if (!command) return sendError(res, new ApiError('UnknownCommand', `No such endpoint '${path}': use POST /api/{command}`));
  if (req.method !== 'POST') {
    return sendError(res, new ApiError('InvalidRequest', `Use POST for /api/${command}`), { allow: 'POST' }, 405);
  }
  if (!command.startsWith('sim.')) world.countRequest();
  const request = await readBody(req, bodyLimit);
  if (request === undefined) return; // the client went away
  if (request === TOO_LARGE) {
    // The rest of the body is not read: close the connection rather than reuse it.
    return sendError(res, new ApiError('PayloadTooLarge', `The request body is larger than ${bodyLimit} bytes`), { connection: 'close' });
  }
  let params: unknown;
  try {
    params = request.trim() === '' ? {} : JSON.parse(request);
  } catch {
    return sendError(res, new ApiError('InvalidRequest', 'The request body is not JSON'));
  }
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return sendError(res, new ApiError('InvalidRequest', 'The request body must be a JSON object of named parameters'));
  }

  const { faults } = world;
  const faulty = !command.startsWith('sim.') && (!faults.only.length || faults.only.includes(command));
  if (faulty && faults.latencyMs > 0) await delay(faults.latencyMs);
  // An injected 500 comes before the command runs; the other faults spoil the answer of a command that did run.
  if (faulty && world.rollFault(faults.errorRate))
    return sendError(res, new ApiError('ServerError', 'Injected fault: internal server error'));
  let result: unknown;
  try {
    result = world.handle(command, params as Record<string, unknown>, credentials(req.headers.authorization), wantsSuperuser(req));
  } catch (error) {
    if (error instanceof ApiError) return sendError(res, error);
    throw error;
  }
  const json = result instanceof RawJson ? result.json : Buffer.from(JSON.stringify(result));
  let body = Buffer.concat([RESULT_OPEN, json, RESULT_CLOSE]);
  if (faulty) {
    if (world.rollFault(faults.schemaRate)) {
      body = Buffer.from(JSON.stringify({ result: breakSchema(JSON.parse(json.toString('utf8'))) }));
    }
    if (faults.hugeBodyBytes > 0) body = Buffer.concat([body.subarray(0, -1), Buffer.alloc(faults.hugeBodyBytes, ' '), RESULT_CLOSE]);
    if (world.rollFault(faults.truncateRate)) body = body.subarray(0, Math.floor(body.length / 2));
    if (world.rollFault(faults.resetRate)) return resetMidBody(res, body);
  }
  send(res, 200, body);
}

const RESULT_OPEN = Buffer.from('{"result":');
const RESULT_CLOSE = Buffer.from('}');
const TOO_LARGE = Symbol('too large');

/** The body as text, TOO_LARGE past the limit, or undefined when the client aborted. */
function readBody(req: IncomingMessage, limit: number): Promise<string | typeof TOO_LARGE | undefined> {
  if (Number(req.headers['content-length']) > limit) return Promise.resolve(TOO_LARGE);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.resume(); // discard the rest
      resolve(TOO_LARGE);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
    req.on('close', () => resolve(undefined)); // no effect after 'end'
  });
}

function credentials(header: string | undefined): Credentials {
  if (!header) return null;
  const [, scheme = '', value = ''] = /^(\S+)\s*(.*)$/.exec(header.trim()) ?? [];
  switch (scheme.toLowerCase()) {
    case 'basic': {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon < 0 ? { invalid: 'Malformed Basic credentials' } : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    case 'bearer':
      return value ? { token: value } : { invalid: 'Empty bearer token' };
    case 'session':
      return value ? { session: value } : { invalid: 'Empty session id' };
    default:
      return { invalid: `Unsupported authorization scheme '${scheme}'` };
  }
}

function wantsSuperuser(req: IncomingMessage): boolean {
  return (
    String(req.headers['jetstream-superuser'] ?? '')
      .trim()
      .toLowerCase() === 'true'
  );
}

/** The same shape with every value of the wrong type, so the answer fails whatever schema it had. */
function breakSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [breakSchema(value[0])] : [42];
  if (value === null) return 0;
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length > 0 ? Object.fromEntries(entries.map(([k, v]) => [k, breakSchema(v)])) : 42;
  }
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return 42;
}

function send(res: ServerResponse, status: number, body: Buffer, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length, ...headers });
  res.end(body);
}

function sendError(res: ServerResponse, error: ApiError, headers: Record<string, string> = {}, status = error.status): void {
  send(res, status, Buffer.from(JSON.stringify({ error: { code: error.code, message: error.message } })), headers);
}

/** Announces the whole body, sends half of it, then drops the connection. */
function resetMidBody(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
}
