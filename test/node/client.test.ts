/**
 * One conformance suite for the typed client, run through both transports (http and the console API
 * shim) against the real simulator over loopback sockets.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JetStreamClient, type ClientEndpoint } from '../../src/api/client';
import { consoleArgs } from '../../src/api/cliTransport';
import { JetStreamError } from '../../src/api/errors';
import { DESTINATION_FIELDS, Destination } from '../../src/api/schemas';
import { startSimulator, type Simulator } from '../../sim/server';

const root = path.resolve(import.meta.dirname, '../..');
const shimPath = path.join(root, 'bin/jetstream');
/** A console written only from the vendor's documentation (sim/python): bare names, argparse, tracebacks. */
const vendorConsolePath = path.join(root, 'sim/python/bin/jetstream');
if (!existsSync(path.join(root, 'dist/jetstream-console.js'))) throw new Error('run the build first: npm run build');

let sim: Simulator;
before(async () => {
  sim = await startSimulator({ port: 0, tickMs: 0, seed: 42, destinations: 30 });
});
after(() => sim.close());

type Who = { user?: string; password?: string; token?: string; superuser?: boolean };

/** The routes to a server: each runs the whole conformance suite. */
const ROUTES = {
  http: { transport: 'http' },
  'cli, our console shim': { transport: 'cli', consolePath: shimPath },
  'cli, a console as the vendor documents it': { transport: 'cli', consolePath: vendorConsolePath },
  'python, the vendor library as documented': {
    transport: 'python',
    pythonLibraryPath: path.join(root, 'sim/python'),
    bridgePath: path.join(root, 'src/api/python/jetstream_bridge.py'),
  },
} as const;
type Route = keyof typeof ROUTES;

function endpoint(route: Route, who: Who, name = 'lab'): ClientEndpoint {
  const url = new URL(sim.url);
  const r = ROUTES[route];
  if (r.transport === 'python') {
    const { pythonLibraryPath, bridgePath } = r;
    return { transport: 'python', name, host: url.hostname, port: Number(url.port), pythonLibraryPath, bridgePath, ...who };
  }
  return r.transport === 'http'
    ? { transport: 'http', name, url: sim.url, ...who }
    : { transport: 'cli', name, host: url.hostname, port: Number(url.port), consolePath: r.consolePath, ...who };
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

async function admin(command: string, params: Record<string, unknown>) {
  const c = JetStreamClient.create(endpoint('http', { user: 'admin', password: 'admin' }));
  try {
    return await c.callRaw(command, params);
  } finally {
    await c.close();
  }
}

for (const transport of Object.keys(ROUTES) as Route[]) {
  const viaConsole = ROUTES[transport].transport === 'cli';
  // What a route can do: the library elevates its session with superuser(), but like the console it has
  // no documented token sign-in; only http signs in with a token.
  const elevates = !viaConsole;
  const signsInWithToken = ROUTES[transport].transport === 'http';
  const slug = transport.replace(/[^a-z]+/g, '-');
  describe(`client over ${transport}`, () => {
    const demo = () => JetStreamClient.create(endpoint(transport, { user: 'demo', password: 'demo' }));
    const bob = () => JetStreamClient.create(endpoint(transport, { user: 'bob', password: 'bob' }));

    it('reads server information without credentials', async () => {
      const info = await JetStreamClient.create(endpoint(transport, {})).getServerInfo();
      assert.equal(info.authRequired, true);
      assert.ok(info.apiVersion >= 27);
      assert.equal(typeof info.version, 'string');
    });

    it('lists only the caller’s own destinations, each a full Destination structure', async () => {
      const list = await demo().getDestinations();
      assert.ok(list.length > 0);
      for (const d of list) {
        assert.equal(d.owner, 'demo');
        for (const field of DESTINATION_FIELDS)
          if (field !== 'ownerToken' && field !== 'ownerTokenSession') assert.ok(field in d, `${field} missing`);
        assert.ok(Destination.safeParse(d).success);
      }
    });

    it('creates idempotently: the same owner, address and port give back the same destination', async () => {
      const c = demo();
      const a = await c.createDestination({
        destinationAddress: `idem-${slug}.example.com`,
        destinationPort: 9000,
        sendRateMax: 50_000,
      });
      const b = await c.createDestination({ destinationAddress: `idem-${slug}.example.com`, destinationPort: 9000 });
      assert.equal(b.destinationId, a.destinationId);
      assert.equal(b.sendRateMax, 50_000);
      assert.equal((await c.getDestination(a.destinationId)).destinationAddress, `idem-${slug}.example.com`);
    });

    it('merges userData and deletes single keys without touching the others', async () => {
      const c = demo();
      const d = await c.createDestination({ destinationAddress: `ud-${slug}.example.com`, userData: { keep: '1', change: 'old' } });
      assert.deepEqual(await c.updateObjectUserData(d.destinationId, { change: 'new', add: 'x' }), { keep: '1', change: 'new', add: 'x' });
      assert.deepEqual(await c.deleteObjectUserData(d.destinationId, ['add']), { keep: '1', change: 'new' });
    });

    it('deletes a destination, after which it is not found', async () => {
      const c = demo();
      const d = await c.createDestination({ destinationAddress: `del-${slug}.example.com` });
      await c.deleteDestination(d.destinationId);
      const e = await failure(c.getDestination(d.destinationId));
      assert.equal(e.code, 'NotFound');
      assert.match(e.message, /Server 'lab' has no such destination/);
    });

    it('says which password was refused, for which server and user', async () => {
      const e = await failure(JetStreamClient.create(endpoint(transport, { user: 'demo', password: 'wrong' })).getDestinations());
      assert.equal(e.code, 'AuthFailed');
      assert.equal(e.message, "Server 'lab' refused the password for user demo.");
      assert.equal(transport === 'http' ? e.details.status : e.details.exitCode !== 0, transport === 'http' ? 401 : true);
      assert.ok(e.isAuthentication);
    });

    it('asks for credentials when the server requires them', async () => {
      const e = await failure(JetStreamClient.create(endpoint(transport, {})).getDestinations());
      assert.equal(e.code, 'AuthRequired');
    });

    it("refuses another owner's destination with PermissionDenied, an unknown id with NotFound", async () => {
      const mine = await demo().createDestination({ destinationAddress: `perm-${slug}.example.com` });
      assert.equal((await failure(bob().getDestination(mine.destinationId))).code, 'PermissionDenied');
      assert.equal((await failure(bob().getDestination('no-such-destination'))).code, 'NotFound');
      assert.ok(!(await bob().getDestinations()).some((d) => d.destinationId === mine.destinationId));
    });

    if (elevates) {
      it('gives a superuser every destination, and refuses the superuser view to others', async () => {
        const all = await JetStreamClient.create(
          endpoint(transport, { user: 'admin', password: 'admin', superuser: true }),
        ).getDestinations();
        assert.ok(new Set(all.map((d) => d.owner)).size >= 2);
        const e = await failure(
          JetStreamClient.create(endpoint(transport, { user: 'demo', password: 'demo', superuser: true })).getDestinations(),
        );
        assert.equal(e.code, 'PermissionDenied');
      });
    } else {
      it('passes no option the docs do not name: a superuser profile gets the user’s own view', async () => {
        const mine = await JetStreamClient.create(
          endpoint(transport, { user: 'admin', password: 'admin', superuser: true }),
        ).getDestinations();
        assert.ok(mine.every((d) => d.owner === 'admin'));
      });
    }

    if (signsInWithToken) {
      it('authenticates with an API token and records it as the owner token', async () => {
        const created = (await demo().callRaw('createAPIToken', {})) as { token: string };
        const c = JetStreamClient.create(endpoint(transport, { token: created.token }));
        const d = await c.createDestination({ destinationAddress: `token-${slug}.example.com` });
        assert.equal(d.owner, 'demo');
        assert.ok(d.ownerToken);
        await admin('sim.expireToken', { token: created.token });
        const e = await failure(c.getDestinations());
        assert.equal(e.code, 'AuthFailed');
        assert.match(e.message, /refused the API token/);
      });
    } else {
      it('refuses a token: neither the console nor the library has a documented token sign-in', async () => {
        const e = await failure(
          JetStreamClient.create({
            ...endpoint(transport, { token: 'tok' }),
            consolePath: '/nonexistent/jetstream',
          } as ClientEndpoint).getServerInfo(),
        );
        assert.equal(e.code, 'Unsupported');
        assert.match(e.message, viaConsole ? /python transport/ : /no documented sign-in/);
      });
    }

    it('reports a parameter the server rejects, naming it', async () => {
      const e = await failure(demo().callRaw('send.createDestination', { destinationAddress: 'ok.example.com', destinationPort: 70000 }));
      assert.equal(e.code, 'InvalidParameter');
      assert.match(e.message, /destinationPort/);
    });

    it('refuses a bad request before sending it', async () => {
      const e = await failure(demo().createDestination({ destinationAddress: 'not a host!' }));
      assert.equal(e.code, 'InvalidParameter');
      assert.match(e.message, /Not sent to server 'lab'.*destinationAddress/);
    });

    it('reports an unknown command', async () => {
      const e = await failure(demo().callRaw('send.noSuchThing', {}));
      assert.equal(e.code, 'UnknownCommand');
    });

    it('lists connections of connected destinations', async () => {
      await admin('sim.tick', { count: 3 });
      const conns = await demo().getConnections();
      assert.ok(conns.length > 0);
      assert.equal((await demo().getConnection(conns[0]!.connectionId)).connectionId, conns[0]!.connectionId);
    });
  });
}

describe('userData edited by two clients at once', () => {
  it('keeps every key when the http client and both consoles edit different keys concurrently', async () => {
    const http = JetStreamClient.create(endpoint('http', { user: 'demo', password: 'demo' }));
    const shim = JetStreamClient.create(endpoint('cli, our console shim', { user: 'demo', password: 'demo' }));
    const vendor = JetStreamClient.create(endpoint('cli, a console as the vendor documents it', { user: 'demo', password: 'demo' }));
    const d = await http.createDestination({ destinationAddress: 'shared.example.com', userData: { before: 'kept' } });
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => http.updateObjectUserData(d.destinationId, { [`http-${i}`]: String(i) })),
      ...Array.from({ length: 4 }, (_, i) => shim.updateObjectUserData(d.destinationId, { [`shim-${i}`]: String(i) })),
      ...Array.from({ length: 4 }, (_, i) => vendor.updateObjectUserData(d.destinationId, { [`vendor-${i}`]: String(i) })),
    ]);
    const userData = (await http.getDestination(d.destinationId)).userData ?? {};
    assert.equal(Object.keys(userData).length, 29);
    assert.equal(userData.before, 'kept');
    for (let i = 0; i < 20; i++) assert.equal(userData[`http-${i}`], String(i));
    for (let i = 0; i < 4; i++) assert.equal(userData[`shim-${i}`], String(i));
    for (let i = 0; i < 4; i++) assert.equal(userData[`vendor-${i}`], String(i));
  });
});

describe('the console as the vendor documents it', () => {
  const vendor = (who: Who) => JetStreamClient.create(endpoint('cli, a console as the vendor documents it', who));

  it('sends the documented bare names, and falls back to send. only for a console that does not know them', async () => {
    const bare = vendor({ user: 'demo', password: 'demo' });
    await bare.getDestinations();
    assert.equal(bare.sentAs('send.getDestinations'), 'getDestinations');
    const shim = JetStreamClient.create(endpoint('cli, our console shim', { user: 'demo', password: 'demo' }));
    await shim.getDestinations();
    assert.equal(shim.sentAs('send.getDestinations'), 'send.getDestinations', 'learned from the first call');
  });

  it('confirms a userData edit whose answer is null by reading the destination back', async () => {
    const c = vendor({ user: 'demo', password: 'demo' });
    const d = await c.createDestination({ destinationAddress: 'null-answer.example.com', userData: { keep: 'x' } });
    assert.deepEqual(await c.updateObjectUserData(d.destinationId, { set: '1' }), { keep: 'x', set: '1' });
    assert.deepEqual(await c.deleteObjectUserData(d.destinationId, ['keep']), { set: '1' });
  });

  it('passes an all-digit text value as text to a console that reads values as JSON', async () => {
    const c = vendor({ user: 'demo', password: 'demo' });
    const d = await c.createDestination({ destinationAddress: 'digits.example.com' });
    assert.deepEqual(await c.updateObjectUserData(d.destinationId, { code: '0042', flag: 'true' }), { code: '0042', flag: 'true' });
  });

  it('never shows the password a console echoes in its traceback', async () => {
    const e = await failure(vendor({ user: 'demo', password: 'Wr0ng-pass' }).getDestinations());
    assert.equal(e.code, 'AuthFailed');
    assert.equal(e.message, "Server 'lab' refused the password for user demo.");
    assert.ok(e.details.serverMessage, 'the console said something');
    assert.ok(!JSON.stringify({ message: e.message, details: e.details }).includes('Wr0ng-pass'), e.details.serverMessage);
  });

  it('says sign-in is needed when the console asks for a password, at once, without waiting on a prompt', async () => {
    const started = Date.now();
    const e = await failure(vendor({ user: 'demo' }).getDestinations());
    assert.equal(e.code, 'AuthRequired');
    assert.ok(Date.now() - started < 5000);
  });

  it('refuses a value too large for one command-line argument before starting the console', async () => {
    const c = JetStreamClient.create({
      ...endpoint('cli, a console as the vendor documents it', { user: 'demo', password: 'demo' }),
      consolePath: '/nonexistent/jetstream',
    } as ClientEndpoint);
    const e = await failure(c.updateObjectUserData('d-1', { big: '€'.repeat(60_000) }));
    assert.equal(e.code, 'PayloadTooLarge');
    assert.match(e.message, /userData would be \d+ KB on the console's command line/);
  });

  it('kills the whole process group on a timeout, also what a launcher script started', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'launcher-'));
    const marker = `61.${process.pid}`;
    const launcher = path.join(dir, 'jetstream');
    // A launcher that runs the real program as its child and waits, as wrapper scripts do.
    writeFileSync(launcher, `#!/bin/sh\nsleep ${marker}\n`, { mode: 0o755 });
    const c = JetStreamClient.create({ transport: 'cli', name: 'lab', host: '127.0.0.1', port: 1, consolePath: launcher });
    const e = await failure(c.getServerInfo({ timeoutMs: 300 }));
    assert.equal(e.code, 'Timeout');
    await new Promise((r) => setTimeout(r, 200));
    const left = spawnSync('pgrep', ['-f', `sleep ${marker}`], { encoding: 'utf8' }).stdout.trim();
    assert.equal(left, '', 'no process of the console is left running');
  });
});

describe('client failures before the protocol', () => {
  it('says a server is unreachable when nothing listens', async () => {
    const port = await freePort();
    for (const route of Object.keys(ROUTES) as Route[]) {
      const r = ROUTES[route];
      const ep: ClientEndpoint =
        r.transport === 'http'
          ? { transport: 'http', name: 'dead', url: `http://127.0.0.1:${port}` }
          : ({ ...endpoint(route, {}, 'dead'), host: '127.0.0.1', port } as ClientEndpoint);
      const e = await failure(JetStreamClient.create(ep).getServerInfo());
      assert.equal(e.code, 'Unreachable', `${route}: ${e.message}`);
      assert.match(e.message, /server 'dead'/i);
    }
  });

  it('times out a slow answer, and honours a cancellation', async () => {
    await admin('sim.setFaults', { latencyMs: 1500 });
    try {
      const c = JetStreamClient.create(endpoint('http', { user: 'demo', password: 'demo' }));
      const e = await failure(c.getDestinations({ timeoutMs: 300 }));
      assert.equal(e.code, 'Timeout');
      assert.match(e.message, /did not answer send\.getDestinations within 0\.3 s/);
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 100);
      assert.equal((await failure(c.getDestinations({ signal: abort.signal }))).code, 'Aborted');
      for (const route of ['cli, our console shim', 'cli, a console as the vendor documents it'] as const) {
        const cli = JetStreamClient.create(endpoint(route, { user: 'demo', password: 'demo' }));
        assert.equal((await failure(cli.getDestinations({ timeoutMs: 300 }))).code, 'Timeout', route);
      }
    } finally {
      await admin('sim.setFaults', { latencyMs: 0 });
    }
  });

  for (const [fault, code] of [
    ['truncateRate', 'InvalidResponse'],
    ['schemaRate', 'InvalidResponse'],
    ['errorRate', 'ServerError'],
    ['resetRate', 'Unreachable'],
  ] as const) {
    it(`turns ${fault} into a clear ${code} error over our http and console routes`, async () => {
      await admin('sim.setFaults', { [fault]: 1 });
      try {
        for (const route of ['http', 'cli, our console shim'] as const) {
          const e = await failure(JetStreamClient.create(endpoint(route, { user: 'demo', password: 'demo' })).getDestinations());
          assert.equal(e.code, code, `${route}: ${e.message}`);
          assert.match(e.message, /'lab'/);
        }
      } finally {
        await admin('sim.setFaults', { [fault]: 0 });
      }
    });
  }

  it('refuses an oversized answer instead of exhausting memory', async () => {
    await admin('sim.setFaults', { hugeBodyBytes: 2_000_000 });
    try {
      const c = JetStreamClient.create({
        ...endpoint('http', { user: 'demo', password: 'demo' }),
        maxResponseBytes: 1_000_000,
      } as ClientEndpoint);
      const e = await failure(c.getDestinations());
      assert.equal(e.code, 'InvalidResponse');
      assert.match(e.message, /larger than 1000000 bytes/);
    } finally {
      await admin('sim.setFaults', { hugeBodyBytes: 0 });
    }
  });

  it('puts only the documented options on the console command line, and never a secret', () => {
    const args = consoleArgs(
      { name: 'x', host: 'h', port: 1, user: 'demo', password: 'hunter2', superuser: true },
      'updateObjectUserData',
      {
        objectId: 'id',
        userData: { a: 'b' },
      },
    );
    assert.deepEqual(args, [
      'api',
      '--host',
      'h',
      '--api-control-port',
      '1',
      '--user',
      'demo',
      'updateObjectUserData',
      '--objectId=id',
      '--userData={"a":"b"}',
    ]);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
