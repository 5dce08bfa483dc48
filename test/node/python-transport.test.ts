/**
 * The python transport against the real simulator and the stand-in for the vendor's library (sim/python):
 * one sign-in per bridge, the superuser view, secrets kept out of argv, environment and messages, setup
 * mistakes in words a user can act on, and every way a bridge can fail, each survived without a process left.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { JetStreamClient, type ClientEndpoint } from '../../src/api/client';
import { JetStreamError } from '../../src/api/errors';
import type { PythonServerEndpoint } from '../../src/api/pythonTransport';
import { postCommand } from '../../sim/client';
import { startSimulator, type Simulator } from '../../sim/server';

// The stand-in prints debug noise on stdout for every call; the bridges of this file inherit it.
process.env.JETSTREAM_STANDIN_STDOUT_NOISE = '1';

const root = path.resolve(import.meta.dirname, '../..');
const LIBRARY = path.join(root, 'sim/python');
const BRIDGE = path.join(root, 'src/api/python/jetstream_bridge.py');
const CAROL = { name: 'carol', password: `S3cret-${process.pid}-pw` };

let sim: Simulator;
before(async () => {
  sim = await startSimulator({ port: 0, tickMs: 0, seed: 7, destinations: 20, users: { users: [CAROL] } });
});
after(() => sim.close());

type Options = Partial<PythonServerEndpoint>;

function client(options: Options = {}): JetStreamClient {
  const endpoint: ClientEndpoint = {
    transport: 'python',
    name: 'lab',
    host: '127.0.0.1',
    port: sim.port,
    pythonLibraryPath: LIBRARY,
    bridgePath: BRIDGE,
    ...options,
  };
  return JetStreamClient.create(endpoint);
}

const demo = (options: Options = {}) => client({ user: 'demo', password: 'demo', ...options });

async function control(command: string, params: Record<string, unknown> = {}): Promise<unknown> {
  const answer = await postCommand(sim.url, command, params, { user: 'admin', password: 'admin' });
  assert.equal(answer.status, 200, answer.text);
  return (JSON.parse(answer.text) as { result: unknown }).result;
}

async function attempts(user: string): Promise<{ ok: number; failed: number } | undefined> {
  const stats = (await control('sim.getStats')) as { credentialAttempts: Record<string, { ok: number; failed: number }> };
  return stats.credentialAttempts[user];
}

async function failure(p: Promise<unknown>): Promise<JetStreamError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof JetStreamError, `expected a JetStreamError, got ${e}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

/** The bridges this test process runs. */
function bridges(): number[] {
  const found = spawnSync('pgrep', ['-P', String(process.pid), '-f', 'jetstream_bridge'], { encoding: 'utf8' }).stdout;
  return found.split('\n').filter(Boolean).map(Number);
}

function onlyBridge(): number {
  const pids = bridges();
  assert.equal(pids.length, 1, `one bridge, found ${pids.join(', ') || 'none'}`);
  return pids[0]!;
}

/** Every process of a process group, found in /proc (the bridge leads its own group). */
function group(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may hold spaces, so count from its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

async function gone(pid: number): Promise<void> {
  for (let i = 0; i < 50 && group(pid).length; i++) await delay(20);
  assert.deepEqual(group(pid), [], `nothing of process group ${pid} is left`);
}

async function noBridgeLeft(): Promise<void> {
  for (let i = 0; i < 50 && bridges().length; i++) await delay(20);
  assert.deepEqual(bridges(), [], 'no bridge is left running');
}

async function closing(c: JetStreamClient, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } finally {
    await c.close();
    await control('sim.setFaults', { latencyMs: 0, errorRate: 0 });
  }
  await noBridgeLeft();
}

const temporary: string[] = [];
after(() => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

describe('python transport: one session per server', () => {
  it('signs in once however many calls follow, several at a time', async () => {
    await control('sim.resetStats');
    const c = demo();
    await closing(c, async () => {
      await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? c.getDestinations() : c.getServerInfo())));
      for (let i = 0; i < 10; i++) await c.getDestinations();
      assert.deepEqual(await attempts('demo'), { ok: 1, failed: 0 });
      assert.equal(c.sentAs('send.getDestinations'), 'api.send.getDestinations');
      assert.equal(c.sentAs('getServerInfo'), 'api.server.getServerInfo');
    });
  });

  it('gives a superuser profile every owner’s destinations as admin, and PermissionDenied as demo', async () => {
    const admin = client({ user: 'admin', password: 'admin', superuser: true });
    await closing(admin, async () => {
      const all = await admin.getDestinations();
      assert.ok(new Set(all.map((d) => d.owner)).size >= 2);
    });
    const c = demo({ superuser: true });
    await closing(c, async () => {
      const e = await failure(c.getDestinations());
      assert.equal(e.code, 'PermissionDenied');
      assert.match(e.message, /^Server 'lab' refused the superuser view for user demo/);
      assert.equal((await failure(c.getServerInfo())).code, 'PermissionDenied', 'every later call');
    });
  });

  it('keeps the password out of the bridge’s argv and environment, and out of every message', async () => {
    const c = client({ user: CAROL.name, password: CAROL.password });
    await closing(c, async () => {
      await c.getDestinations();
      const pid = onlyBridge();
      for (const file of ['cmdline', 'environ']) {
        const text = readFileSync(`/proc/${pid}/${file}`, 'utf8');
        assert.ok(text.length > 0);
        assert.ok(!text.includes(CAROL.password), `the password is in /proc/${pid}/${file}`);
      }
    });
    const wrong = `Wr0ng-${process.pid}-pw`;
    const refused = client({ user: CAROL.name, password: wrong });
    await closing(refused, async () => {
      const e = await failure(refused.getDestinations());
      assert.equal(e.code, 'AuthFailed');
      assert.equal(e.message, "Server 'lab' refused the password for user carol.");
      assert.match(e.details.serverMessage ?? '', /Login failed for user 'carol' with password '\*\*\*'/, 'the library echoes it');
      assert.ok(!JSON.stringify({ message: e.message, details: e.details }).includes(wrong));
    });
  });

  it('sends a refused password exactly once, and starts no bridge for it again', async () => {
    await control('sim.resetStats');
    const c = demo({ password: 'wrong-pw' });
    await closing(c, async () => {
      const first = await Promise.all([failure(c.getServerInfo()), failure(c.getDestinations())]);
      for (const e of first) assert.equal(e.code, 'AuthFailed');
      await noBridgeLeft();
      for (let i = 0; i < 5; i++) assert.equal((await failure(c.getDestinations())).code, 'AuthFailed');
      assert.deepEqual(bridges(), []);
      assert.deepEqual(await attempts('demo'), { ok: 0, failed: 1 });
    });
  });

  it('connects again on a later call when the server was down at first', async () => {
    const later = await startSimulator({ port: 0, tickMs: 0, seed: 3, destinations: 2 });
    const port = later.port;
    await later.close();
    const c = demo({ port });
    let back: Simulator | undefined;
    await closing(c, async () => {
      const e = await failure(c.getServerInfo());
      assert.equal(e.code, 'Unreachable');
      assert.match(e.message, new RegExp(`Cannot reach server 'lab' at 127\\.0\\.0\\.1:${port}`));
      const pid = onlyBridge();
      back = await startSimulator({ port, tickMs: 0, seed: 3, destinations: 2 });
      assert.equal((await c.getServerInfo()).apiVersion, 40);
      assert.ok(Array.isArray(await c.getDestinations()));
      assert.equal(onlyBridge(), pid, 'the same bridge');
    }).finally(() => back?.close());
  });
});

describe('python transport: setup mistakes, in words a user can act on', () => {
  it('says when there is no interpreter at pythonPath', async () => {
    const c = demo({ pythonPath: '/nonexistent/python3' });
    await closing(c, async () => {
      const e = await failure(c.getServerInfo());
      assert.equal(e.code, 'PythonSetup');
      assert.match(e.message, /No Python interpreter '\/nonexistent\/python3' was found for server 'lab'; set "pythonPath"/);
      // Started again only after a pause: a call that cannot wait that long says so at once.
      const soon = await failure(c.getServerInfo({ timeoutMs: 300 }));
      assert.equal(soon.code, 'PythonSetup');
      assert.match(soon.message, /The Python bridge is started again in 1 s\.$/);
    });
  });

  it('says when no jetstream package can be imported, and to set pythonLibraryPath', async () => {
    const empty = tempDir('no-library-');
    const c = demo({ pythonLibraryPath: empty });
    await closing(c, async () => {
      const e = await failure(c.getServerInfo());
      assert.equal(e.code, 'PythonSetup');
      assert.match(e.message, /no 'jetstream' package was found in '.*no-library-\w+' \(pythonLibraryPath\)/);
      assert.match(e.message, /set "pythonLibraryPath"/);
    });
  });

  it('names the method and the library when the installed library lacks it', async () => {
    const dir = tempDir('old-library-');
    mkdirSync(path.join(dir, 'jetstream'));
    // A library that knows less than the server: no getConnections.
    writeFileSync(
      path.join(dir, 'jetstream', '__init__.py'),
      `__version__ = '0.9-old'
class _Server:
    def auth(self, user, password):
        pass
    def getServerInfo(self):
        return {'apiVersion': 27}
class _Send:
    def getDestinations(self):
        return []
class _Api:
    server = _Server()
    send = _Send()
    def connect(self):
        pass
class JetStream:
    def api(self, host='localhost', port=8886):
        return _Api()
`,
    );
    const c = demo({ pythonLibraryPath: dir });
    await closing(c, async () => {
      assert.deepEqual(await c.callRaw('send.getDestinations'), []);
      const e = await failure(c.getConnections());
      assert.equal(e.code, 'UnknownCommand');
      assert.match(
        e.message,
        /cannot run send\.getConnections: the Python library jetstream 0\.9-old at .*old-library-\w+\/jetstream\/__init__\.py has no api\.send\.getConnections/,
      );
    });
  });

  it('says when the interpreter is too old', async () => {
    const dir = tempDir('old-python-');
    const python = path.join(dir, 'python3');
    // Python 3.6 in all but name: the bridge checks sys.version_info before anything else.
    writeFileSync(
      python,
      `#!/bin/sh\nexec python3 -c 'import sys; sys.version_info = (3, 6, 9, "final", 0); sys.argv = sys.argv[1:]; exec(compile(open(sys.argv[0]).read(), sys.argv[0], "exec"))' "$@"\n`,
      { mode: 0o755 },
    );
    const c = demo({ pythonPath: python });
    await closing(c, async () => {
      const e = await failure(c.getServerInfo());
      assert.equal(e.code, 'PythonSetup');
      assert.match(e.message, /Python 3\.8 or later is needed; .* is Python 3\.6\.9: set "pythonPath"/);
    });
  });
});

describe('python transport: faults, each survived', () => {
  it('replaces a bridge killed in the middle of a call', async () => {
    const c = demo();
    await closing(c, async () => {
      await c.getServerInfo();
      const pid = onlyBridge();
      await control('sim.setFaults', { latencyMs: 1500 });
      const call = failure(c.getDestinations());
      await delay(300);
      process.kill(pid, 'SIGKILL');
      const e = await call;
      assert.equal(e.code, 'Unreachable');
      assert.match(e.message, /its Python bridge was stopped by SIGKILL/);
      await gone(pid);
      await control('sim.setFaults', { latencyMs: 0 });
      assert.ok((await c.getDestinations()).length > 0);
      assert.notEqual(onlyBridge(), pid);
    });
  });

  it('stops a bridge that hangs past the timeout, failing every call in flight, and starts a new one', async () => {
    const c = demo();
    await closing(c, async () => {
      await c.getServerInfo();
      const pid = onlyBridge();
      await control('sim.setFaults', { latencyMs: 3000 });
      const [hung, behind] = await Promise.all([failure(c.getDestinations({ timeoutMs: 500 })), failure(c.getServerInfo())]);
      assert.equal(hung.code, 'Timeout');
      assert.match(hung.message, /did not answer send\.getDestinations within 0\.5 s/);
      assert.equal(behind.code, 'Timeout');
      await gone(pid);
      await control('sim.setFaults', { latencyMs: 0 });
      assert.ok((await c.getDestinations()).length > 0);
    });
  });

  it('stops a bridge that prints garbage, alive or exiting, with what it started', async () => {
    const dir = tempDir('garbage-');
    const python = path.join(dir, 'python3');
    const marker = `61.${process.pid}`;
    // First start: garbage, then it stays (with a child); second: garbage, then it exits; third: the real bridge.
    writeFileSync(
      python,
      `#!/bin/sh
n=$(cat "${dir}/starts" 2>/dev/null || echo 0)
echo $((n + 1)) > "${dir}/starts"
case $n in
  0) sleep ${marker} & echo 'Traceback? not a reply'; wait ;;
  1) echo 'still not a reply'; exit 0 ;;
  *) exec python3 "$@" ;;
esac
`,
      { mode: 0o755 },
    );
    const c = demo({ pythonPath: python });
    await closing(c, async () => {
      const alive = await failure(c.getServerInfo());
      assert.equal(alive.code, 'InvalidResponse');
      assert.match(alive.message, /wrote "Traceback\? not a reply" where a reply belongs/);
      for (let i = 0; i < 50 && spawnSync('pgrep', ['-f', `sleep ${marker}`]).status === 0; i++) await delay(20);
      assert.equal(spawnSync('pgrep', ['-f', `sleep ${marker}`]).status, 1, 'its child went with it');
      const exiting = await failure(c.getServerInfo());
      assert.equal(exiting.code, 'InvalidResponse');
      assert.equal((await c.getServerInfo()).apiVersion, 40);
    });
  });

  it('passes on what the library raises, keeping the bridge and its session', async () => {
    await control('sim.resetStats');
    const c = demo();
    await closing(c, async () => {
      await c.getServerInfo();
      const pid = onlyBridge();
      await control('sim.setFaults', { errorRate: 1 });
      const e = await failure(c.getDestinations());
      assert.equal(e.code, 'ServerError');
      assert.match(e.message, /^Server 'lab' failed to run send\.getDestinations: send\.getDestinations failed: Injected fault/);
      await control('sim.setFaults', { errorRate: 0 });
      assert.ok((await c.getDestinations()).length > 0);
      assert.equal(onlyBridge(), pid);
      assert.deepEqual(await attempts('demo'), { ok: 1, failed: 0 });
    });
  });

  it('signs in again once when the server drops the session, and the call still succeeds', async () => {
    await control('sim.resetStats');
    const c = demo();
    await closing(c, async () => {
      await c.getDestinations();
      const pid = onlyBridge();
      await control('sim.dropSessions');
      assert.ok((await c.getDestinations()).length > 0);
      await c.getServerInfo();
      assert.deepEqual(await attempts('demo'), { ok: 2, failed: 0 });
      assert.equal(onlyBridge(), pid);
    });
  });

  it('keeps the replies clean while the library prints on stdout', async () => {
    const noisy = spawnSync(
      'python3',
      ['-c', `from jetstream import JetStream\napi = JetStream().api('127.0.0.1', ${sim.port})\napi.connect()\napi.server.getServerInfo()`],
      { env: { ...process.env, PYTHONPATH: LIBRARY }, encoding: 'utf8' },
    );
    assert.match(noisy.stdout, /jetstream: DEBUG calling getServerInfo/, 'the library is noisy in this test');
    const c = demo();
    await closing(c, async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, () => c.getDestinations()));
      for (const list of answers) assert.ok(list.every((d) => d.owner === 'demo'));
    });
  });

  it('forgets a cancelled call without stopping the bridge', async () => {
    const c = demo();
    await closing(c, async () => {
      await c.getServerInfo();
      const pid = onlyBridge();
      await control('sim.setFaults', { latencyMs: 500 });
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 100);
      assert.equal((await failure(c.getDestinations({ signal: abort.signal }))).code, 'Aborted');
      await control('sim.setFaults', { latencyMs: 0 });
      assert.equal((await c.getServerInfo()).apiVersion, 40);
      assert.equal(onlyBridge(), pid);
    });
  });

  it('close() ends the bridge at once, also with a call in flight, and nothing starts afterwards', async () => {
    const c = demo();
    await c.getServerInfo();
    const pid = onlyBridge();
    await control('sim.setFaults', { latencyMs: 2000 });
    try {
      const call = failure(c.getDestinations());
      await delay(100);
      await c.close();
      assert.deepEqual(group(pid), [], 'gone when close() returns');
      assert.equal((await call).code, 'Aborted');
      assert.equal((await failure(c.getServerInfo())).code, 'Aborted');
      assert.deepEqual(bridges(), []);
    } finally {
      await control('sim.setFaults', { latencyMs: 0 });
    }
  });
});
