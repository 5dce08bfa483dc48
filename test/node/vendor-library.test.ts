/** The stand-in for the vendor's Python library (sim/python/jetstream), driven by small python3 snippets against the simulator. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { type CallAuth, postCommand } from '../../sim/client';
import { type Simulator, startSimulator } from '../../sim/server';
import { start } from '../support/simulators';

const ROOT = resolve(__dirname, '../..');
const DEMO: CallAuth = { user: 'demo', password: 'demo' };
const ADMIN: CallAuth = { user: 'admin', password: 'admin' };

/**
 * Run before every snippet: `api` for the simulator, `control()` for its sim.* commands, `fails()` for the
 * exception a call raises as [class name, message], `pause()` to let the test act (see `python`).
 */
const PRELUDE = `
import base64, inspect, json, os, sys, time, urllib.request
import jetstream
from jetstream import JetStream
PORT = int(os.environ['SIM_PORT'])
def control(command, params=None):
    request = urllib.request.Request('http://127.0.0.1:%d/api/%s' % (PORT, command), data=json.dumps(params or {}).encode(),
        headers={'Authorization': 'Basic ' + base64.b64encode(b'admin:admin').decode()})
    return json.load(urllib.request.urlopen(request))['result']
def fails(call):
    try:
        call()
    except BaseException as e:
        return [type(e).__name__, str(e)]
    raise AssertionError('did not raise')
def pause():
    print('pause', flush=True)
    sys.stdin.readline()
def out(value):
    print(json.dumps(value))
api = JetStream().api('127.0.0.1', PORT)
`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a snippet; each `pause()` in it waits for `onPause`. The snippet's last stdout line is its result (`out()`). */
function python(sim: Simulator, code: string, options: { env?: Record<string, string>; onPause?: () => Promise<void> } = {}) {
  return new Promise<Run>((done, fail) => {
    const child = spawn('python3', ['-c', PRELUDE + code], {
      env: {
        PATH: process.env.PATH ?? '',
        PYTHONPATH: join(ROOT, 'sim', 'python'),
        PYTHONDONTWRITEBYTECODE: '1',
        SIM_PORT: String(sim.port),
        ...options.env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!stdout.endsWith('pause\n')) return;
      stdout = stdout.slice(0, -'pause\n'.length);
      void (options.onPause ?? (() => Promise.resolve()))().then(() => child.stdin.write('\n'), fail);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (exitCode) => done({ code: exitCode, stdout, stderr }));
  });
}

/** The snippet's `out()` value; the snippet must have succeeded. */
async function result(sim: Simulator, code: string, options: Parameters<typeof python>[2] = {}): Promise<unknown> {
  const run = await python(sim, code, options);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '');
}

async function control(sim: Simulator, command: string, params: unknown = {}): Promise<unknown> {
  const answer = await postCommand(sim.url, command, params, ADMIN);
  assert.equal(answer.status, 200, answer.text);
  return (JSON.parse(answer.text) as { result: unknown }).result;
}

describe('vendor library stand-in: the published surface', () => {
  test('JetStream().api(), server/send/recv, DEFAULT_TIMEOUT_SECONDS; unknown names raise AttributeError', async () => {
    const sim = await start();
    const r = await result(
      sim,
      `
before_connect = fails(lambda: api.server.getServerInfo())
api.connect()
info = api.server.getServerInfo()
out({
    'timeout': jetstream.DEFAULT_TIMEOUT_SECONDS,
    'interfaces': [type(api.server).__name__, type(api.send).__name__, type(api.recv).__name__],
    'defaults': [p.default for p in inspect.signature(JetStream().api).parameters.values()],
    'missing': [fails(lambda: api.send.frobnicate)[0], fails(lambda: api.getDestinations)[0], fails(lambda: api.recv.getDestinations)[0]],
    'notImplemented': fails(lambda: api.server.getRequestResult(1))[0],
    'beforeConnect': before_connect,
    'info': [type(info).__name__, info['apiVersion']],
    'exceptions': sorted(name for name in dir(jetstream) if name.endswith('Exception')),
    'hierarchy': all(issubclass(getattr(jetstream, name), jetstream.JetStreamException) for name in dir(jetstream) if name.endswith('Exception')),
})
`,
    );
    assert.deepEqual(r, {
      timeout: 10,
      interfaces: ['ServerInterface', 'SendInterface', 'RecvInterface'],
      defaults: ['localhost', 8886],
      missing: ['AttributeError', 'AttributeError', 'AttributeError'],
      notImplemented: 'NotImplementedError',
      beforeConnect: ['JetStreamConnectionException', `Not connected to 127.0.0.1:${sim.port}; call connect() first`],
      info: ['dict', 40],
      exceptions: ['JetStreamAuthenticationException', 'JetStreamConnectionException', 'JetStreamException', 'JetStreamRequestException'],
      hierarchy: true,
    });
  });

  test('results are plain values; updateObjectUserData and deleteObjectUserData return None', async () => {
    const sim = await start();
    const r = (await result(
      sim,
      `
api.connect()
api.server.auth('demo', 'demo')
created = api.send.createDestination('lib.example.com', sendRateMax=5000, destinationPort=9000, userData={'k': 'v'})
destination_id = created['destinationId']
out({
    'created': [created['owner'], created['destinationPort'], created['sendRateMax'], created['userData']],
    'list': [type(api.send.getDestinations()).__name__, len(api.send.getDestinations())],
    'update': api.send.updateObjectUserData(destination_id, {'a': '1'}),
    'delete': api.send.deleteObjectUserData(objectId=destination_id, keys=['k']),
    'userData': api.send.getDestination(destinationId=destination_id)['userData'],
    'connections': api.send.getConnections(),
    'notFound': fails(lambda: api.send.getDestination('nope')),
    'invalid': fails(lambda: api.send.createDestination('a.example', colour='red')),
    'deleted': api.send.deleteDestination(destination_id),
    'gone': len(api.send.getDestinations()),
})
`,
    )) as Record<string, unknown>;
    assert.deepEqual(r, {
      created: ['demo', 9000, 5000, { k: 'v' }],
      list: ['list', 1],
      update: null,
      delete: null,
      userData: { a: '1' },
      connections: [],
      notFound: ['JetStreamRequestException', "send.getDestination failed: No destination with id 'nope'"],
      invalid: ['JetStreamRequestException', "send.createDestination failed: unknown parameter 'colour'"],
      deleted: null,
      gone: 0,
    });
  });
});

describe('vendor library stand-in: sessions', () => {
  test('one auth is one credential attempt however many calls follow; before auth no credentials are sent', async () => {
    const sim = await start();
    await control(sim, 'sim.resetStats');
    const r = await result(
      sim,
      `
api.connect()
before_auth = fails(lambda: api.send.getDestinations())
api.server.auth('demo', 'demo')
api.send.createDestination('one-login.example.com')
for _ in range(25):
    api.send.getDestinations()
    api.server.getServerInfo()
out(before_auth)
`,
    );
    assert.deepEqual(r, ['JetStreamAuthenticationException', 'send.getDestinations needs a login: call server.auth() first']);
    assert.deepEqual(await control(sim, 'sim.getStats'), {
      credentialAttempts: { demo: { ok: 1, failed: 0 } },
      sessions: 1,
      requests: 1 + 1 + 1 + 50,
    });
  });

  test('a server without authentication just works without auth()', async () => {
    const sim = await start({ noAuth: true, destinations: 3 });
    assert.equal(await result(sim, `api.connect()\nout(len(api.send.getDestinations()))`), 3);
    assert.deepEqual(await control(sim, 'sim.getStats'), { credentialAttempts: {}, sessions: 0, requests: 1 });
  });

  test('a refused login raises with a message that echoes the password, and leaves the Api without a login', async () => {
    const sim = await start();
    const r = await result(
      sim,
      `
api.connect()
api.server.auth('demo', 'demo')
refused = fails(lambda: api.server.auth('demo', 'wrong-pw'))
after = fails(lambda: api.send.getDestinations())
api.server.auth('demo', 'demo')
out([refused, after[0], type(api.send.getDestinations()).__name__])
`,
    );
    assert.deepEqual(r, [
      ['JetStreamAuthenticationException', "Login failed for user 'demo' with password 'wrong-pw'"],
      'JetStreamAuthenticationException',
      'list',
    ]);
    assert.deepEqual(((await control(sim, 'sim.getStats')) as { credentialAttempts: unknown }).credentialAttempts, {
      demo: { ok: 2, failed: 1 },
    });
  });

  test('superuser() as admin elevates that session to every owner’s destinations; as demo it raises and nothing changes', async () => {
    const sim = await start();
    for (const [address, auth] of [
      ['demo.example.com', DEMO],
      ['bob.example.com', { user: 'bob', password: 'bob' }],
    ] as const) {
      assert.equal((await postCommand(sim.url, 'send.createDestination', { destinationAddress: address }, auth)).status, 200);
    }
    const r = await result(
      sim,
      `
def owners(a):
    return sorted(d['owner'] for d in a.send.getDestinations())
def signed_in(user):
    a = JetStream().api('127.0.0.1', PORT)
    a.connect()
    a.server.auth(user, user)
    return a
admin, other_admin, demo = signed_in('admin'), signed_in('admin'), signed_in('demo')
before = owners(admin)
elevated = admin.server.superuser()
refused = fails(demo.server.superuser)
out({'before': before, 'elevated': elevated, 'after': owners(admin), 'otherAdmin': owners(other_admin),
     'refused': refused, 'demo': owners(demo)})
`,
    );
    assert.deepEqual(r, {
      before: [],
      elevated: null,
      after: ['bob', 'demo'],
      otherAdmin: [],
      refused: ['JetStreamRequestException', "superuser failed: User 'demo' is not a superuser"],
      demo: ['demo'],
    });
  });

  test('a dropped session raises on the next call, saying the session was closed; connect() and auth() start again', async () => {
    const sim = await start();
    const r = await result(
      sim,
      `
api.connect()
api.server.auth('demo', 'demo')
api.send.getDestinations()
control('sim.dropSessions')
dropped = fails(lambda: api.send.getDestinations())
next_call = fails(lambda: api.send.getDestinations())
api.connect()
api.server.auth('demo', 'demo')
again = type(api.send.getDestinations()).__name__
control('sim.restart')
out({'dropped': dropped, 'next': next_call, 'again': again, 'restarted': fails(lambda: api.send.getDestinations())[0]})
`,
    );
    const where = `127.0.0.1:${sim.port}`;
    assert.deepEqual(r, {
      dropped: ['JetStreamConnectionException', `The server ${where} closed the session: connection lost; connect() and sign in again`],
      next: ['JetStreamConnectionException', `The connection to ${where} was lost; connect() and sign in again`],
      again: 'list',
      restarted: 'JetStreamConnectionException',
    });
  });

  test('the context manager connects and disconnects, also when its body raises', async () => {
    const sim = await start();
    const r = await result(
      sim,
      `
with api as entered:
    api.server.auth('demo', 'demo')
    inside = [entered is api, type(api.send.getDestinations()).__name__]
after = fails(lambda: api.send.getDestinations())
try:
    with api:
        api.server.auth('demo', 'demo')
        raise KeyError('boom')
except KeyError:
    raised_through = True
after_error = fails(lambda: api.send.getDestinations())
with api:
    without_login = fails(lambda: api.send.getDestinations())[0]
out({'inside': inside, 'after': after[1], 'raisedThrough': raised_through, 'afterError': after_error[1], 'withoutLogin': without_login})
`,
    );
    const notConnected = `Not connected to 127.0.0.1:${sim.port}; call connect() first`;
    assert.deepEqual(r, {
      inside: [true, 'list'],
      after: notConnected,
      raisedThrough: true,
      afterError: notConnected,
      withoutLogin: 'JetStreamAuthenticationException',
    });
  });
});

describe('vendor library stand-in: connection problems', () => {
  test('refused, timed out and reset connections raise Python’s own exceptions; then the Api says the connection was lost', async () => {
    const closed = await startSimulator({ tickMs: 0 });
    await closed.close();
    assert.deepEqual(await result(closed, `out(fails(api.connect)[0])`), 'ConnectionRefusedError');

    const sim = await start();
    const r = (await result(
      sim,
      `
jetstream.DEFAULT_TIMEOUT_SECONDS = 0.5
api.connect()
api.server.auth('demo', 'demo')
control('sim.setFaults', {'latencyMs': 1500})
timed_out = fails(lambda: api.send.getDestinations())[0]
lost = fails(lambda: api.send.getDestinations())
control('sim.setFaults', {'latencyMs': 0})
api.connect()
api.server.auth('demo', 'demo')
control('sim.setFaults', {'resetRate': 1})
reset = fails(lambda: api.send.getDestinations())[0]
control('sim.setFaults', {'resetRate': 0})
out({'timedOut': timed_out, 'lost': lost[1], 'reset': reset})
`,
    )) as { timedOut: string; lost: string; reset: string };
    assert.match(r.timedOut, /^(TimeoutError|timeout)$/);
    assert.equal(r.lost, `The connection to 127.0.0.1:${sim.port} was lost; connect() and sign in again`);
    assert.match(r.reset, /^(IncompleteRead|RemoteDisconnected|ConnectionResetError)$/);
  });

  test('a simulator that stops under an open connection: the next call raises ConnectionRefusedError', async () => {
    const sim = await startSimulator({ tickMs: 0 });
    const r = await result(
      sim,
      `
api.connect()
api.server.auth('demo', 'demo')
api.send.getDestinations()
pause()
out(fails(lambda: api.send.getDestinations())[0])
`,
      { onPause: () => sim.close() },
    );
    assert.equal(r, 'ConnectionRefusedError');
  });

  test('injected 500s and truncated answers raise library exceptions; the connection and the session go on', async () => {
    const sim = await start();
    const r = await result(
      sim,
      `
api.connect()
api.server.auth('demo', 'demo')
control('sim.setFaults', {'errorRate': 1})
server_error = fails(lambda: api.send.getDestinations())
control('sim.setFaults', {'errorRate': 0, 'truncateRate': 1})
truncated = fails(lambda: api.send.getDestinations())
control('sim.setFaults', {'truncateRate': 0})
out([server_error, truncated, type(api.send.getDestinations()).__name__])
`,
    );
    assert.deepEqual(r, [
      ['JetStreamRequestException', 'send.getDestinations failed: Injected fault: internal server error'],
      ['JetStreamException', `Malformed answer from 127.0.0.1:${sim.port} to send.getDestinations`],
      'list',
    ]);
    assert.equal(((await control(sim, 'sim.getStats')) as { sessions: number }).sessions, 1);
  });

  test('a connection the simulator closed while idle (after 5 s) is opened again under the same session', async () => {
    const sim = await start();
    await control(sim, 'sim.resetStats');
    const r = await result(
      sim,
      `
api.connect()
api.server.auth('demo', 'demo')
api.send.getDestinations()
time.sleep(5.5)
out(type(api.send.getDestinations()).__name__)
`,
    );
    assert.equal(r, 'list');
    assert.deepEqual(await control(sim, 'sim.getStats'), { credentialAttempts: { demo: { ok: 1, failed: 0 } }, sessions: 1, requests: 3 });
  });
});

describe('vendor library stand-in: stdout noise', () => {
  test('JETSTREAM_STANDIN_STDOUT_NOISE prints a line of debug noise on stdout for every call, and only then', async () => {
    const sim = await start();
    const snippet = `
api.connect()
api.server.auth('demo', 'demo')
api.send.getDestinations()
api.server.getServerInfo()
sys.stdout.flush()
`;
    const noisy = await python(sim, snippet, { env: { JETSTREAM_STANDIN_STDOUT_NOISE: '1' } });
    assert.equal(noisy.code, 0, noisy.stderr);
    const lines = noisy.stdout.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.ok(
      lines.every((line) => /^jetstream: DEBUG calling \S+ on 127\.0\.0\.1:\d+$/.test(line)),
      noisy.stdout,
    );
    const quiet = await python(sim, snippet);
    assert.deepEqual([quiet.code, quiet.stdout], [0, '']);
  });
});
