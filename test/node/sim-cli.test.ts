/** The command lines end to end: the console shim (bundled and run through bin/jetstream) and the simulator's own CLI. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import * as z from 'zod';
import { Destination, ServerInfo } from '../../src/api/schemas';
import { postCommand } from '../../sim/client';
import { type Simulator, startSimulator } from '../../sim/server';

const ROOT = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'jetstream-cli-'));
const jetstream = join(work, 'bin', 'jetstream');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with only PATH and `env` in its environment (no password leaks in from the test's). */
function run(program: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(program, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The last stderr line, as the cli transport reads it: `Code: message`. */
const failure = (r: Run) => /^(\w+): (.*)$/.exec(r.stderr.trim().split('\n').pop() ?? '')?.slice(1) ?? [];

describe('console shim: jetstream api', () => {
  let sim: Simulator;
  let target: string[];
  const api = (args: string[], env: Record<string, string> = {}) => run(jetstream, ['api', ...target, ...args], env);
  const asDemo = { JETSTREAM_API_PASSWORD: 'demo' };

  before(async () => {
    // The layout of a build: bin/jetstream next to dist/jetstream-console.js.
    mkdirSync(join(work, 'bin'));
    copyFileSync(join(ROOT, 'bin', 'jetstream'), jetstream);
    chmodSync(jetstream, 0o755);
    await build({
      entryPoints: [join(ROOT, 'sim', 'console.ts')],
      outfile: join(work, 'dist', 'jetstream-console.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'error',
    });
    sim = await startSimulator({ tickMs: 0 });
    target = ['--host', '127.0.0.1', '--api-control-port', String(sim.port)];
  });
  after(() => sim.close());

  test('getServerInfo needs no user; the result is JSON on stdout and exit code 0', async () => {
    const r = await api(['getServerInfo']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(ServerInfo.parse(JSON.parse(r.stdout)).apiVersion, 40);
    assert.equal(r.stderr, '');
  });

  test('parameters: --name=value and --name value; JSON for objects and numbers; ids and addresses stay strings', async () => {
    const r = await api(
      [
        '--user',
        'demo',
        'send.createDestination',
        '--destinationAddress',
        '1e3',
        '--destinationPort=9000',
        '--userData={"k":"v w"}',
        '--sendRateMax',
        '5000',
      ],
      asDemo,
    );
    assert.equal(r.code, 0, r.stderr);
    const d = Destination.parse(JSON.parse(r.stdout));
    assert.deepEqual([d.destinationAddress, d.destinationPort, d.sendRateMax, d.userData], ['1e3', 9000, 5000, { k: 'v w' }]);
    const keys = await api(['--user=demo', 'send.deleteObjectUserData', `--objectId=${d.destinationId}`, '--keys=["k"]'], asDemo);
    assert.equal(keys.code, 0, keys.stderr);
    assert.deepEqual(JSON.parse(keys.stdout), {});
  });

  test('the password comes from JETSTREAM_API_PASSWORD only: a wrong one exits 3 with a clear stderr', async () => {
    const wrong = await api(['--user', 'demo', 'send.getDestinations'], { JETSTREAM_API_PASSWORD: 'nope' });
    assert.equal(wrong.code, 3);
    assert.equal(wrong.stdout, '');
    assert.deepEqual(failure(wrong)[0], 'AuthFailed');
    const missing = await api(['--user', 'demo', 'send.getDestinations']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /JETSTREAM_API_PASSWORD/);
    const flag = await api(['--user', 'demo', '--password', 'demo', 'send.getDestinations']);
    assert.equal(flag.code, 2, 'there is no password option');
    const anonymous = await api(['send.getDestinations']);
    assert.deepEqual([anonymous.code, failure(anonymous)[0]], [3, 'AuthRequired']);
    const right = await api(['--user', 'demo', 'send.getDestinations'], asDemo);
    assert.equal(right.code, 0, right.stderr);
    z.array(Destination).parse(JSON.parse(right.stdout));
  });

  test('without --user an API token comes from JETSTREAM_API_TOKEN', async () => {
    const { token } = z
      .object({ token: z.string() })
      .parse(JSON.parse((await postCommand(sim.url, 'createAPIToken', {}, { user: 'bob', password: 'bob' })).text).result);
    const r = await api(['send.createDestination', '--destinationAddress=token.example.com'], { JETSTREAM_API_TOKEN: token });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(Destination.parse(JSON.parse(r.stdout)).owner, 'bob');
  });

  test('exit codes by error class: 4 permission/not found/unknown command, 5 invalid, 6 unreachable or bad answer, 2 usage', async () => {
    const superDemo = await api(['--user', 'demo', '--superuser', 'send.getDestinations'], asDemo);
    assert.deepEqual([superDemo.code, failure(superDemo)[0]], [4, 'PermissionDenied']);
    const superAdmin = await api(['--user', 'admin', '--superuser', 'send.getDestinations'], { JETSTREAM_API_PASSWORD: 'admin' });
    assert.equal(superAdmin.code, 0, superAdmin.stderr);
    assert.ok((JSON.parse(superAdmin.stdout) as unknown[]).length >= 2, 'the superuser view shows demo’s and bob’s');
    const notFound = await api(['--user', 'demo', 'send.getDestination', '--destinationId=00000000'], asDemo);
    assert.deepEqual([notFound.code, failure(notFound)[0]], [4, 'NotFound']);
    const unknown = await api(['--user', 'demo', 'send.frobnicate'], asDemo);
    assert.deepEqual([unknown.code, failure(unknown)[0]], [4, 'UnknownCommand']);
    const invalid = await api(
      ['--user', 'demo', 'send.createDestination', '--destinationPort=99999', '--destinationAddress=a.example'],
      asDemo,
    );
    assert.deepEqual([invalid.code, failure(invalid)[0]], [5, 'InvalidParameter']);
    assert.match(invalid.stderr, /destinationPort/);

    const closed = await startSimulator({ tickMs: 0 });
    await closed.close();
    const unreachable = await run(jetstream, ['api', '--host', '127.0.0.1', '--api-control-port', String(closed.port), 'getServerInfo']);
    assert.deepEqual([unreachable.code, failure(unreachable)[0]], [6, 'Unreachable']);

    const truncating = await startSimulator({ tickMs: 0, faults: { truncateRate: 1 } });
    const cut = await run(jetstream, ['api', '--host', '127.0.0.1', '--api-control-port', String(truncating.port), 'getServerInfo']);
    await truncating.close();
    assert.deepEqual([cut.code, failure(cut)[0]], [6, 'InvalidResponse']);

    for (const args of [
      [],
      ['status'],
      ['api'],
      ['api', '--api-control-port', 'x', 'getServerInfo'],
      ['api', 'getServerInfo', 'stray'],
      ['api', '--tls-ca', join(work, 'no-ca.pem'), 'getServerInfo'],
    ]) {
      const r = await run(jetstream, args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(failure(r)[0], 'UsageError');
    }
    const help = await run(jetstream, ['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: jetstream api/);
  });
});

describe('simulator CLI: sim/main.ts', () => {
  const main = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'sim/main.ts', ...args]);

  test('bad options exit 2 with a message naming the option', async () => {
    for (const [args, pattern] of [
      [['--port', 'abc'], /--port must be an integer/],
      [['--fault-500', '2'], /--fault-500 must be a number from 0 to 1/],
      [['--bogus'], /--bogus/],
      [['--users', join(work, 'missing.json')], /--users .*missing\.json/],
    ] as const) {
      const r = await main([...args]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, pattern);
    }
    const help = await main(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--fault-truncate/);
  });

  test('prints one "listening on URL" line, serves, and on SIGTERM writes its state file and exits 0', async () => {
    const stateFile = join(work, 'cli-state.json');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'sim/main.ts', '--port', '0', '--tick-ms', '0', '--seed', '5', '--destinations', '4', '--state', stateFile],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    const exited = new Promise<number | null>((done) => child.on('close', done));
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const line = /^JetStream simulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
        if (line) done(line[1]!);
      });
      child.on('close', () => fail(new Error(`exited before listening: ${out}`)));
    });
    const created = await postCommand(
      url,
      'send.createDestination',
      { destinationAddress: 'cli.example.com' },
      { user: 'bob', password: 'bob' },
    );
    assert.equal(created.status, 200);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { destinations: { destination: { destinationAddress: string } }[] };
    assert.equal(state.destinations.length, 5);
    assert.ok(state.destinations.some((d) => d.destination.destinationAddress === 'cli.example.com'));
  });
});
