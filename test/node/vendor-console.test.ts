/** The stand-in for the vendor's console (sim/python/bin/jetstream), spawned against the simulator's built-in users. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { before, describe, test } from 'node:test';
import * as z from 'zod';
import { Connection, Destination, ServerInfo } from '../../src/api/schemas';
import { type CallAuth, postCommand } from '../../sim/client';
import { type Simulator, startSimulator } from '../../sim/server';
import { start } from '../support/simulators';

const ROOT = resolve(__dirname, '../..');
const CONSOLE = join(ROOT, 'sim', 'python', 'bin', 'jetstream');
const ADMIN: CallAuth = { user: 'admin', password: 'admin' };
const AS_DEMO = { JETSTREAM_API_PASSWORD: 'demo' };
const Stats = z.object({
  credentialAttempts: z.record(z.string(), z.object({ ok: z.number(), failed: z.number() })),
  sessions: z.number(),
  requests: z.number(),
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the console with only PATH and `env` in its environment, `stdin` as its input (then end of file), and in a
 * session of its own: without a controlling terminal, as under the extension, getpass reads stdin.
 */
function run(args: string[], env: Record<string, string> = {}, stdin = ''): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(CONSOLE, args, { env: { PATH: process.env.PATH ?? '', PYTHONDONTWRITEBYTECODE: '1', ...env }, detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** A run that must succeed: its stdout parsed as JSON. */
function json(r: Run): unknown {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const stats = async (sim: Simulator) => Stats.parse(JSON.parse((await postCommand(sim.url, 'sim.getStats', {}, ADMIN)).text).result);
const resetStats = (sim: Simulator) => postCommand(sim.url, 'sim.resetStats', {}, ADMIN);

describe('vendor console stand-in: jetstream api', () => {
  let sim: Simulator;
  let target: string[];
  const api = (args: string[], env: Record<string, string> = {}, stdin = '') => run(['api', ...target, ...args], env, stdin);

  before(async () => {
    sim = await start();
    target = ['--host', '127.0.0.1', '--api-control-port', String(sim.port)];
  });

  test('getServerInfo needs no user: the result as JSON indented by one space on stdout, exit 0', async () => {
    const r = await api(['getServerInfo']);
    const info = json(r);
    assert.equal(ServerInfo.parse(info).apiVersion, 40);
    assert.equal(r.stdout, `${JSON.stringify(info, null, 1)}\n`);
    assert.match(r.stdout, /^\{\n "apiVersion": 40,\n/);
    assert.equal(r.stderr, '');
  });

  test('bare command names reach the library; --name=value and --name value; JSON values when they parse', async () => {
    const created = Destination.parse(
      json(
        await api(
          [
            '--user',
            'demo',
            'createDestination',
            '--destinationAddress',
            'bare.example.com',
            '--sendRateMax=100000',
            '--destinationPort',
            '9000',
            '--userData={"k":"v w"}',
          ],
          AS_DEMO,
        ),
      ),
    );
    assert.deepEqual(
      [created.owner, created.destinationAddress, created.destinationPort, created.sendRateMax, created.userData],
      ['demo', 'bare.example.com', 9000, 100000, { k: 'v w' }],
    );
    const id = String(created.destinationId);
    const quoted = `--destinationId=${JSON.stringify(id)}`;
    assert.equal(Destination.parse(json(await api(['--user', 'demo', 'getDestination', quoted], AS_DEMO))).destinationId, id);
    const list = z.array(Destination).parse(json(await api(['--user=demo', 'getDestinations'], AS_DEMO)));
    assert.deepEqual(
      list.map((d) => d.destinationId),
      [id],
    );

    sim.world.tick();
    sim.world.tick();
    const connections = z.array(Connection).parse(json(await api(['--user', 'demo', 'getConnections'], AS_DEMO)));
    assert.equal(connections.length, 1);
    const connectionId = JSON.stringify(connections[0]!.connectionId);
    assert.equal(
      Connection.parse(json(await api(['--user', 'demo', 'getConnection', `--connectionId=${connectionId}`], AS_DEMO))).destinationId,
      id,
    );

    // The docs do not say that userData comes back: the stand-in answers null.
    const update = await api(
      ['--user', 'demo', 'updateObjectUserData', `--objectId=${JSON.stringify(id)}`, '--userData={"a":"1"}'],
      AS_DEMO,
    );
    assert.equal(update.stdout, 'null\n');
    const keys = await api(['--user', 'demo', 'deleteObjectUserData', '--objectId', JSON.stringify(id), '--keys', '["k"]'], AS_DEMO);
    assert.equal(keys.stdout, 'null\n');
    assert.deepEqual(Destination.parse(json(await api(['--user', 'demo', 'getDestination', quoted], AS_DEMO))).userData, { a: '1' });

    // A value that parses as JSON is JSON: an all-digit id becomes a number, which the server refuses.
    const digits = await api(['--user', 'demo', 'getDestination', '--destinationId', '1234'], AS_DEMO);
    assert.equal(digits.code, 1);
    assert.match(digits.stderr, /JetStreamRequestException: send\.getDestination failed: parameter 'destinationId'/);

    assert.equal((await api(['--user', 'demo', 'deleteDestination', quoted], AS_DEMO)).stdout, 'null\n');
  });

  test('prefixed and unknown command names are refused before connecting: exit 2, "unknown command"', async () => {
    await resetStats(sim);
    for (const name of ['send.getDestinations', 'send.createDestination', 'server.getServerInfo', 'frobnicate', '_call']) {
      const r = await api(['--user', 'demo', name], AS_DEMO);
      assert.equal(r.code, 2, `${name}: ${r.stderr}`);
      assert.match(r.stderr, /^usage: jetstream api /m);
      assert.ok(r.stderr.includes(`jetstream api: error: unknown command '${name}'`), r.stderr);
      assert.equal(r.stdout, '');
    }
    assert.equal((await stats(sim)).requests, 0);
  });

  test('only --host, --api-control-port and --user: any other option is refused as argparse refuses, exit 2', async () => {
    for (const option of [
      ['--superuser'],
      ['--token', 'secret'],
      ['--token=secret'],
      ['--password', 'demo'],
      ['--https'],
      ['--tls-ca', 'ca.pem'],
    ]) {
      const r = await api(['--user', 'demo', ...option, 'getDestinations'], AS_DEMO);
      assert.equal(r.code, 2, `${option.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^usage: jetstream /m);
      assert.ok(r.stderr.includes(`error: unrecognized arguments: ${option[0]!}`), r.stderr);
    }
    for (const [args, pattern] of [
      [[], /the following arguments are required: command/],
      [['--api-control-port', 'x', 'getServerInfo'], /argument --api-control-port: invalid int value: 'x'/],
      [['getDestination', '--destinationId'], /argument --destinationId: expected one argument/],
      [['getDestinations', 'stray'], /expected --name=value or --name value, not 'stray'/],
    ] as const) {
      const r = await run(['api', ...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, pattern);
    }
    assert.equal((await run(['status'])).code, 2);
    const help = await run(['api', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--host.*--api-control-port.*--user/s);
    assert.doesNotMatch(help.stdout, /--superuser|--token|--password/);
  });

  test('the password: JETSTREAM_API_PASSWORD, else a prompt that reads stdin; at its end a traceback with EOFError', async () => {
    await resetStats(sim);
    const eof = await api(['--user', 'demo', 'getDestinations']);
    assert.notEqual(eof.code, 0);
    assert.match(eof.stderr, /Password: /);
    assert.match(eof.stderr, /Traceback \(most recent call last\)/);
    assert.match(eof.stderr, /^EOFError/m);
    assert.equal(eof.stdout, '');
    assert.deepEqual((await stats(sim)).credentialAttempts, {}, 'nothing reached the server');

    z.array(Destination).parse(json(await api(['--user', 'demo', 'getDestinations'], {}, 'demo\n')));
    z.array(Destination).parse(json(await api(['--user', 'demo', 'getDestinations'], AS_DEMO, 'wrong\n')));
    assert.deepEqual((await stats(sim)).credentialAttempts, { demo: { ok: 2, failed: 0 } });
  });

  test('failures are tracebacks with exit 1; a refused login echoes the password', async () => {
    const refused = await api(['--user', 'demo', 'getDestinations'], { JETSTREAM_API_PASSWORD: 'wrong-pw' });
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /^Traceback \(most recent call last\)/m);
    assert.ok(refused.stderr.includes("JetStreamAuthenticationException: Login failed for user 'demo' with password 'wrong-pw'"));

    const anonymous = await api(['getDestinations']);
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /JetStreamAuthenticationException: send\.getDestinations needs a login/);

    const notFound = await api(['--user', 'demo', 'getDestination', '--destinationId=nope'], AS_DEMO);
    assert.equal(notFound.code, 1);
    assert.match(notFound.stderr, /JetStreamRequestException: send\.getDestination failed: No destination with id 'nope'/);

    const closed = await startSimulator({ tickMs: 0 });
    await closed.close();
    const unreachable = await run(['api', '--host', '127.0.0.1', '--api-control-port', String(closed.port), 'getServerInfo']);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /^ConnectionRefusedError/m);
  });

  test('one connection and one login per process: sim.getStats counts one credential attempt per invocation', async () => {
    await resetStats(sim);
    for (const args of [['getDestinations'], ['getServerInfo'], ['createDestination', '--destinationAddress=stats.example.com']]) {
      json(await api(['--user', 'demo', ...args], AS_DEMO));
    }
    json(await api(['--user', 'admin', 'getDestinations'], { JETSTREAM_API_PASSWORD: 'admin' }));
    json(await api(['getServerInfo'])); // without --user: no login
    assert.equal((await api(['--user', 'bob', 'getDestinations'], { JETSTREAM_API_PASSWORD: 'nope' })).code, 1);
    assert.deepEqual(await stats(sim), {
      credentialAttempts: { demo: { ok: 3, failed: 0 }, admin: { ok: 1, failed: 0 }, bob: { ok: 0, failed: 1 } },
      sessions: 4,
      requests: 4 * 2 + 1 + 1,
    });
  });

  test('no superuser on the console: admin sees only its own destinations', async () => {
    const demo = await postCommand(
      sim.url,
      'send.createDestination',
      { destinationAddress: 'demo-only.example.com' },
      {
        user: 'demo',
        password: 'demo',
      },
    );
    assert.equal(demo.status, 200);
    const mine = Destination.parse(
      json(
        await api(['--user', 'admin', 'createDestination', '--destinationAddress=admin.example.com'], { JETSTREAM_API_PASSWORD: 'admin' }),
      ),
    );
    const seen = z.array(Destination).parse(json(await api(['--user', 'admin', 'getDestinations'], { JETSTREAM_API_PASSWORD: 'admin' })));
    assert.deepEqual(
      seen.map((d) => d.destinationId),
      [mine.destinationId],
    );
  });

  test('a server without authentication: no --user, no login, every destination', async () => {
    const open = await start({ noAuth: true, destinations: 5 });
    const r = await run(['api', '--host', '127.0.0.1', '--api-control-port', String(open.port), 'getDestinations']);
    assert.equal((json(r) as unknown[]).length, 5);
    assert.deepEqual((await stats(open)).credentialAttempts, {});
  });
});
