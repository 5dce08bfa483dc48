/** The simulator's protocol and the vendor's semantics: errors, permissions, userData, life, schemas, state, auth. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { request } from 'undici';
import * as z from 'zod';
import { Connection, Destination, ErrorEnvelope, ServerInfo } from '../../src/api/schemas';
import { type CallAuth, postCommand } from '../../sim/client';
import { startSimulator, type Simulator } from '../../sim/server';
import { start } from '../support/simulators';
import { RawJson, World } from '../../sim/world';

const DEMO: CallAuth = { user: 'demo', password: 'demo' };
const BOB: CallAuth = { user: 'bob', password: 'bob' };
const ADMIN: CallAuth = { user: 'admin', password: 'admin' };
const SUPER: CallAuth = { ...ADMIN, superuser: true };
const Destinations = z.array(Destination);
const Connections = z.array(Connection);

async function call(sim: Simulator, command: string, params: unknown = {}, auth: CallAuth = DEMO) {
  const answer = await postCommand(sim.url, command, params, auth);
  return { status: answer.status, body: JSON.parse(answer.text) as { result?: unknown; error?: { code: string; message: string } } };
}

/** Calls a command that must succeed and validates its result with `schema`. */
async function ok<S extends z.ZodType>(sim: Simulator, schema: S, command: string, params: unknown = {}, auth: CallAuth = DEMO) {
  const { status, body } = await call(sim, command, params, auth);
  assert.equal(status, 200, `${command}: ${JSON.stringify(body)}`);
  return schema.parse(body.result);
}

/** Calls a command that must fail with `code` and `status`; returns the error message. */
async function fails(sim: Simulator, code: string, status: number, command: string, params: unknown = {}, auth: CallAuth = DEMO) {
  const answer = await call(sim, command, params, auth);
  assert.equal(answer.status, status, `${command}: ${JSON.stringify(answer.body)}`);
  const { error } = ErrorEnvelope.parse(answer.body);
  assert.equal(error.code, code, error.message);
  assert.ok(error.message.length > 0);
  return error.message;
}

async function raw(sim: Simulator, path: string, body: string, method = 'POST') {
  const response = await request(`${sim.url}${path}`, {
    method,
    body: method === 'GET' ? undefined : body,
    headers: { authorization: 'Basic ZGVtbzpkZW1v' },
  });
  return { status: response.statusCode, body: ErrorEnvelope.parse(await response.body.json()) };
}

const create = (sim: Simulator, params: Record<string, unknown>, auth: CallAuth = DEMO) =>
  ok(sim, Destination, 'send.createDestination', params, auth);
const tick = (sim: Simulator, count = 1) => ok(sim, z.unknown(), 'sim.tick', { count }, ADMIN);

describe('server information', () => {
  test('answers without credentials, with the documented fields; serverId changes on restart, serverUid does not', async () => {
    const sim = await start();
    const info = await ok(sim, ServerInfo, 'getServerInfo', {}, {});
    assert.equal(info.apiVersion, 40);
    assert.equal(info.version, '2.9.2');
    assert.equal(info.authRequired, true);
    assert.equal(info.APITokensAvailable, true);
    for (const field of ['serverName', 'hostName', 'serverId', 'serverUid', 'publicKey'] as const) assert.ok(info[field], field);
    const restarted = await ok(sim, ServerInfo, 'sim.restart', {}, ADMIN);
    assert.notEqual(restarted.serverId, info.serverId);
    assert.equal(restarted.serverUid, info.serverUid);
    assert.equal((await ok(sim, ServerInfo, 'getServerInfo', {}, {})).serverId, restarted.serverId);
  });
});

describe('errors: each code with its status', () => {
  test('InvalidRequest 400 for a body that is not JSON or not an object; 405 for GET', async () => {
    const sim = await start();
    for (const body of ['not json', '[1,2]', '"text"', '42', 'null', '{"a":']) {
      const { status, body: envelope } = await raw(sim, '/api/send.getDestinations', body);
      assert.equal(status, 400, body);
      assert.equal(envelope.error.code, 'InvalidRequest', body);
    }
    const get = await raw(sim, '/api/getServerInfo', '', 'GET');
    assert.deepEqual([get.status, get.body.error.code], [405, 'InvalidRequest']);
  });

  test('InvalidParameter 400 names the parameter: missing, wrong type, out of range, unknown', async () => {
    const sim = await start();
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['send.createDestination', {}, /missing parameter 'destinationAddress'/],
      ['send.createDestination', { destinationAddress: 42 }, /'destinationAddress'/],
      ['send.createDestination', { destinationAddress: 'has space' }, /'destinationAddress'.*not a host name/],
      ['send.createDestination', { destinationAddress: 'a.example', destinationPort: 70000 }, /'destinationPort'/],
      ['send.createDestination', { destinationAddress: 'a.example', sendRateMax: 0 }, /'sendRateMax'/],
      ['send.createDestination', { destinationAddress: 'a.example', colour: 'red' }, /unknown parameter 'colour'/],
      [
        'send.createDestination',
        { destinationAddress: 'a.example', transferDefaults: { speed: 1 } },
        /unknown parameter 'transferDefaults.speed'/,
      ],
      ['send.createDestination', { destinationAddress: 'a.example', priorityLanes: { a: 0.7, b: 0.7 } }, /'priorityLanes'.*more than 1/],
      ['send.createDestination', { destinationAddress: 'a.example', relayPort: 8887 }, /'relayPort'.*relayAddress/],
      [
        'send.createDestination',
        { destinationAddress: 'a.example', transferDefaults: { priorityLane: 'x' } },
        /'transferDefaults.priorityLane'/,
      ],
      ['send.createDestination', { destinationAddress: 'a.example', userData: { '': 'v' } }, /'userData'/],
      ['send.getDestinations', { verbose: true }, /unknown parameter 'verbose'/],
      ['send.getDestination', { destinationId: 7 }, /'destinationId'/],
      ['send.updateObjectUserData', { objectId: 'x', userData: { k: 1 } }, /'userData.k'/],
      ['send.deleteObjectUserData', { objectId: 'x', keys: 'k' }, /'keys'/],
    ];
    for (const [command, params, pattern] of cases) {
      assert.match(await fails(sim, 'InvalidParameter', 400, command, params), pattern, JSON.stringify(params));
    }
  });

  test('AuthRequired 401 without credentials; AuthFailed 401 for a wrong password, unknown user, token or scheme', async () => {
    const sim = await start();
    await fails(sim, 'AuthRequired', 401, 'send.getDestinations', {}, {});
    await fails(sim, 'AuthFailed', 401, 'send.getDestinations', {}, { user: 'demo', password: 'wrong' });
    await fails(sim, 'AuthFailed', 401, 'send.getDestinations', {}, { user: 'mallory', password: 'demo' });
    await fails(sim, 'AuthFailed', 401, 'send.getDestinations', {}, { token: 'no-such-token' });
    const response = await request(`${sim.url}/api/send.getDestinations`, {
      method: 'POST',
      body: '{}',
      headers: { authorization: 'Digest x' },
    });
    assert.equal(response.statusCode, 401);
    assert.equal(ErrorEnvelope.parse(await response.body.json()).error.code, 'AuthFailed');
  });

  test('UnknownCommand 404 for an unknown command or path; NotFound 404 for an unknown id', async () => {
    const sim = await start();
    assert.match(await fails(sim, 'UnknownCommand', 404, 'send.frobnicate'), /send\.frobnicate/);
    const other = await raw(sim, '/status', '{}');
    assert.deepEqual([other.status, other.body.error.code], [404, 'UnknownCommand']);
    await fails(sim, 'NotFound', 404, 'send.getDestination', { destinationId: 'nope' });
    await fails(sim, 'NotFound', 404, 'send.deleteDestination', { destinationId: 'nope' });
    await fails(sim, 'NotFound', 404, 'send.getConnection', { connectionId: 'nope' });
    await fails(sim, 'NotFound', 404, 'send.updateObjectUserData', { objectId: 'nope', userData: {} });
  });

  test('PayloadTooLarge 413 over the body limit (default 1 MiB), and the server keeps serving', async () => {
    const small = await start({ bodyLimit: 1000 });
    // Many keys, each within the value limit, so that only the body's size is at stake.
    const pad = (n: number) => ({
      destinationAddress: 'a.example',
      userData: Object.fromEntries(Array.from({ length: Math.ceil(n / 500) }, (_, i) => [`k${i}`, 'x'.repeat(Math.min(500, n - i * 500))])),
    });
    await fails(small, 'PayloadTooLarge', 413, 'send.createDestination', pad(2000));
    await create(small, pad(900));
    const standard = await start();
    await fails(standard, 'PayloadTooLarge', 413, 'send.createDestination', pad(1.5 * 2 ** 20));
    await create(standard, pad(0.9 * 2 ** 20));
    await ok(standard, ServerInfo, 'getServerInfo');
  });

  test('ServerError 500 (an injected fault: the only way the simulator fails)', async () => {
    const sim = await start({ faults: { errorRate: 1 } });
    await fails(sim, 'ServerError', 500, 'send.getDestinations');
  });

  test('malformed input never crashes or hangs the server', async () => {
    const sim = await start({ bodyLimit: 10_000 });
    // A request that stops in the middle of its body, then a connection that sends garbage.
    await new Promise<void>((resolve) => {
      const socket = connect(sim.port, '127.0.0.1', () => {
        socket.write('POST /api/send.getDestinations HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"a":');
        setTimeout(() => socket.destroy(), 20);
        resolve();
      });
    });
    await new Promise<void>((resolve) => {
      const socket = connect(sim.port, '127.0.0.1', () => socket.end('\x00\x01garbage\r\n\r\n'));
      socket.resume(); // read the server's 400 so that the socket can close
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    for (const body of ['\uFFFF\u0000', '{"destinationAddress":{"__proto__":1}}', '{'.repeat(5000), `{"x":${'['.repeat(3000)}`]) {
      const { status } = await raw(sim, '/api/send.createDestination', body);
      assert.ok(status === 400, `${status} for ${body.slice(0, 20)}`);
    }
    await ok(sim, ServerInfo, 'getServerInfo');
  });
});

describe('permissions', () => {
  test('a destination is its owner’s: others get PermissionDenied, the superuser view sees all', async () => {
    const sim = await start();
    const mine = await create(sim, { destinationAddress: 'owned.example.com' });
    assert.equal(mine.owner, 'demo');
    const id = { destinationId: mine.destinationId };

    assert.deepEqual(await ok(sim, Destinations, 'send.getDestinations', {}, BOB), []);
    await fails(sim, 'PermissionDenied', 403, 'send.getDestination', id, BOB);
    await fails(sim, 'PermissionDenied', 403, 'send.deleteDestination', id, BOB);
    await fails(sim, 'PermissionDenied', 403, 'send.updateObjectUserData', { objectId: mine.destinationId, userData: { a: 'b' } }, BOB);
    await fails(sim, 'PermissionDenied', 403, 'send.deleteObjectUserData', { objectId: mine.destinationId, keys: ['a'] }, BOB);
    // A superuser without the header is an ordinary user; with it, sees and may change everything.
    assert.deepEqual(await ok(sim, Destinations, 'send.getDestinations', {}, ADMIN), []);
    await fails(sim, 'PermissionDenied', 403, 'send.getDestination', id, ADMIN);
    assert.deepEqual(
      (await ok(sim, Destinations, 'send.getDestinations', {}, SUPER)).map((d) => d.destinationId),
      [mine.destinationId],
    );
    assert.equal((await ok(sim, Destination, 'send.getDestination', id, SUPER)).owner, 'demo');
    // The header from someone who is not a superuser is refused.
    assert.match(await fails(sim, 'PermissionDenied', 403, 'send.getDestinations', {}, { ...DEMO, superuser: true }), /not a superuser/);
    // Simulator control is for superusers.
    await fails(sim, 'PermissionDenied', 403, 'sim.tick', {}, DEMO);
    await fails(sim, 'AuthRequired', 401, 'sim.tick', {}, {});
    await ok(sim, z.null(), 'send.deleteDestination', id, SUPER);
    await fails(sim, 'NotFound', 404, 'send.getDestination', id);
  });
});

describe('createDestination', () => {
  test('is idempotent per owner, address and port: the existing destination comes back unchanged', async () => {
    const sim = await start();
    const first = await create(sim, { destinationAddress: 'same.example.com', userData: { a: '1' }, sendRateMax: 5000 });
    const again = await create(sim, { destinationAddress: 'SAME.example.com', userData: { b: '2' }, sendRateMax: 9000 });
    assert.deepEqual(again, first);
    const otherPort = await create(sim, { destinationAddress: 'same.example.com', destinationPort: 9000 });
    const otherOwner = await create(sim, { destinationAddress: 'same.example.com' }, BOB);
    assert.equal(new Set([first.destinationId, otherPort.destinationId, otherOwner.destinationId]).size, 3);
    assert.equal((await ok(sim, Destinations, 'send.getDestinations')).length, 2);
  });

  test('fills documented defaults and keeps what was given', async () => {
    const sim = await start();
    const d = await create(sim, {
      destinationAddress: 'full.example.com',
      destinationPort: 9001,
      senderPort: 7000,
      sendRateMax: 250_000,
      relayAddress: 'relay.example.com',
      priorityLanes: { fast: 0.75, slow: 0.25 },
      transferDefaults: { priority: 3, priorityLane: 'fast', overwriteMode: 5 },
      userData: { team: 'vfx' },
      permittedDestinationPublicKey: 'abc',
    });
    assert.equal(d.encryptedConnectionState, 'disconnected');
    assert.equal(d.destinationPort, 9001);
    assert.equal(d.senderPort, 7000);
    assert.equal(d.relayPort, 8887);
    assert.deepEqual(d.priorityLanes, { fast: 0.75, slow: 0.25 });
    assert.deepEqual(d.transferDefaults, {
      checkpointFrequencySeconds: 60,
      overwriteMode: 5,
      priority: 3,
      priorityLane: 'fast',
      sendRateMax: 250_000,
      transferFlags: 0,
    });
    assert.deepEqual(d.userData, { team: 'vfx' });
    assert.equal(d.permittedDestinationPublicKey, 'abc');
    assert.equal(d.snapshotTime, (await ok(sim, Destination, 'send.getDestination', { destinationId: d.destinationId })).snapshotTime);
  });
});

describe('userData', () => {
  test('update merges keys, delete removes the listed ones; both return the whole userData', async () => {
    const sim = await start();
    const { destinationId } = await create(sim, { destinationAddress: 'ud.example.com', userData: { a: '1', b: '2' } });
    assert.deepEqual(await ok(sim, z.unknown(), 'send.updateObjectUserData', { objectId: destinationId, userData: { b: 'two', c: '3' } }), {
      a: '1',
      b: 'two',
      c: '3',
    });
    assert.deepEqual(await ok(sim, z.unknown(), 'send.deleteObjectUserData', { objectId: destinationId, keys: ['a', 'missing'] }), {
      b: 'two',
      c: '3',
    });
    assert.deepEqual((await ok(sim, Destination, 'send.getDestination', { destinationId })).userData, { b: 'two', c: '3' });
  });

  test('50 concurrent writes of different keys all survive', async () => {
    const sim = await start();
    const { destinationId } = await create(sim, { destinationAddress: 'race.example.com', userData: { keep: 'yes' } });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        ok(sim, z.unknown(), 'send.updateObjectUserData', { objectId: destinationId, userData: { [`k${i}`]: String(i) } }),
      ),
    );
    const { userData } = await ok(sim, Destination, 'send.getDestination', { destinationId });
    assert.equal(Object.keys(userData ?? {}).length, 51);
    for (let i = 0; i < 50; i++) assert.equal(userData?.[`k${i}`], String(i));
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        ok(sim, z.unknown(), 'send.deleteObjectUserData', { objectId: destinationId, keys: [`k${i * 2}`] }),
      ),
    );
    assert.equal(Object.keys((await ok(sim, Destination, 'send.getDestination', { destinationId })).userData ?? {}).length, 26);
  });
});

describe('life: snapshots and connection states', () => {
  test('a reachable destination goes disconnected → negotiating → connected and gets a connection', async () => {
    const sim = await start();
    const { destinationId } = await create(sim, { destinationAddress: 'live.example.com', sendRateMax: 100_000 });
    const get = () => ok(sim, Destination, 'send.getDestination', { destinationId });
    const before = await get();
    assert.equal(before.connectionId, null);
    await tick(sim);
    const negotiating = await get();
    assert.equal(negotiating.encryptedConnectionState, 'negotiating');
    assert.ok(negotiating.destinationIP);
    assert.ok(negotiating.snapshotTime! >= before.snapshotTime!);
    await tick(sim);
    const connected = await get();
    assert.equal(connected.encryptedConnectionState, 'connected');
    assert.ok(connected.connectionId);
    assert.ok(connected.roundTripTimeMs! > 0);
    assert.ok(connected.lastDestinationServerId && connected.lastDestinationServerUid);
    assert.deepEqual(
      (await ok(sim, Connections, 'send.getConnections')).map((c) => c.connectionId),
      [connected.connectionId],
    );
    const connection = await ok(sim, Connection, 'send.getConnection', { connectionId: connected.connectionId });
    assert.equal(connection.destinationId, destinationId);
    await fails(sim, 'PermissionDenied', 403, 'send.getConnection', { connectionId: connected.connectionId }, BOB);
    // Over many snapshots transfers queue and drain, the rate stays below the maximum.
    const queues = new Set<number>();
    for (let i = 0; i < 60; i++) {
      await tick(sim);
      const d = await get();
      queues.add(d.numTransfersQueued);
      assert.ok(d.sendRateAverage < d.sendRateMax);
      if (d.numTransfersQueued > 0) assert.equal(d.lastSendTime, d.snapshotTime);
    }
    assert.ok(queues.has(0) && queues.size > 2, `queue lengths seen: ${[...queues].join(',')}`);
    await ok(sim, z.null(), 'send.deleteDestination', { destinationId });
    assert.deepEqual(await ok(sim, Connections, 'send.getConnections'), []);
  });

  test('an unresolvable address negotiates, then is disconnected with lastError; "unreachable" times out', async () => {
    const sim = await start();
    const bad = await create(sim, { destinationAddress: 'nowhere.invalid' });
    const slow = await create(sim, { destinationAddress: 'unreachable.example.net', destinationPort: 9999 });
    const get = (d: Destination) => ok(sim, Destination, 'send.getDestination', { destinationId: d.destinationId });
    await tick(sim);
    assert.equal((await get(bad)).encryptedConnectionState, 'negotiating');
    await tick(sim);
    const failed = await get(bad);
    assert.equal(failed.encryptedConnectionState, 'disconnected');
    assert.equal(failed.lastError, 'HostNotFound');
    assert.equal(failed.lastErrorMessage, "Could not resolve host name 'nowhere.invalid'");
    assert.equal(failed.connectionId, null);
    assert.equal((await get(slow)).encryptedConnectionState, 'negotiating');
    await tick(sim, 2);
    const timedOut = await get(slow);
    assert.deepEqual([timedOut.encryptedConnectionState, timedOut.lastError], ['disconnected', 'ConnectionTimedOut']);
    assert.match(timedOut.lastErrorMessage ?? '', /unreachable\.example\.net:9999/);
    await tick(sim, 10);
    assert.equal((await get(bad)).lastError, 'HostNotFound');
  });

  test('snapshots come by themselves every tickMs', async () => {
    const sim = await start({ tickMs: 20 });
    const { destinationId } = await create(sim, { destinationAddress: 'auto.example.com' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await ok(sim, Destination, 'send.getDestination', { destinationId })).encryptedConnectionState, 'connected');
    assert.ok(sim.world.ticks >= 3);
  });

  test('sim.restart disconnects everything; connections come back with new ids', async () => {
    const sim = await start();
    const { destinationId } = await create(sim, { destinationAddress: 'again.example.com' });
    await tick(sim, 2);
    const before = await ok(sim, Destination, 'send.getDestination', { destinationId });
    await ok(sim, ServerInfo, 'sim.restart', {}, ADMIN);
    const after = await ok(sim, Destination, 'send.getDestination', { destinationId });
    assert.deepEqual([after.encryptedConnectionState, after.connectionId], ['disconnected', null]);
    await tick(sim, 2);
    const reconnected = await ok(sim, Destination, 'send.getDestination', { destinationId });
    assert.equal(reconnected.encryptedConnectionState, 'connected');
    assert.notEqual(reconnected.connectionId, before.connectionId);
  });
});

describe('seeded worlds', () => {
  const pinnedClock = () => 1_750_000_000_000_000;
  const allText = (world: World) =>
    (world.handle('send.getDestinations', {}, { user: 'admin', password: 'admin' }, true) as RawJson).json.toString();

  test('are deterministic for a seed (with a pinned clock) and differ between seeds', () => {
    const run = (seed: number | string) => {
      const world = new World({ seed, destinations: 300, now: pinnedClock });
      for (let i = 0; i < 5; i++) world.tick();
      return allText(world);
    };
    assert.equal(run(7), run(7));
    assert.equal(run('studio'), run('studio'));
    assert.notEqual(run(7), run(8));
  });

  test('every destination and connection validates, spread over owners, states, relays, lanes, userData, encryption', async () => {
    const sim = await start({ destinations: 2000, seed: 3 });
    for (let round = 0; round < 3; round++) {
      const all = await ok(sim, Destinations, 'send.getDestinations', {}, SUPER);
      assert.equal(all.length, 2000);
      await ok(sim, Connections, 'send.getConnections', {}, SUPER);
      const count = (p: (d: Destination) => boolean) => all.filter(p).length;
      for (const owner of ['demo', 'bob', 'admin']) assert.ok(count((d) => d.owner === owner) > 400, owner);
      for (const state of ['disconnected', 'negotiating', 'connected'])
        assert.ok(count((d) => d.encryptedConnectionState === state) > 10, state);
      assert.ok(count((d) => d.lastError === 'HostNotFound') > 20);
      assert.ok(count((d) => d.relayIP !== null && d.relayPort !== null) > 100);
      assert.ok(count((d) => Object.keys(d.priorityLanes ?? {}).length > 0) > 300);
      assert.ok(count((d) => Object.keys(d.userData ?? {}).length > 0) > 500);
      assert.ok(count((d) => d.encryptionEnabled) > 500 && count((d) => !d.encryptionEnabled) > 500);
      assert.ok(count((d) => d.numTransfersQueued > 0) > 50);
      await tick(sim);
    }
    const demo = await ok(sim, Destinations, 'send.getDestinations');
    assert.ok(demo.every((d) => d.owner === 'demo'));
  });

  // How fast it answers is measured by `npm run bench`; here: that the cached answer stays right.
  test('send.getDestinations answers 10,000 destinations, the same after a snapshot as a fresh render', async () => {
    const sim = await start({ destinations: 10_000 });
    await call(sim, 'send.getDestinations', {}, SUPER); // the first call after a snapshot builds the cache
    await tick(sim); // a snapshot changes only some destinations
    const answer = await postCommand(sim.url, 'send.getDestinations', {}, SUPER);
    assert.equal(answer.status, 200);
    const list = (JSON.parse(answer.text) as { result: { snapshotTime: number }[] }).result;
    assert.equal(list.length, 10_000);
    assert.ok(
      list.every((d) => d.snapshotTime === sim.world.snapshotTime),
      'every destination carries the new snapshot',
    );
  });
});

describe('state file', () => {
  test('destinations, userData, tokens and serverUid survive a restart; writes are atomic and debounced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jetstream-sim-'));
    const stateFile = join(dir, 'state', 'sim.json');
    const first = await start({ stateFile, stateDebounceMs: 30, destinations: 5 });
    const d = await create(first, { destinationAddress: 'persist.example.com', userData: { a: '1' } });
    await ok(first, z.unknown(), 'send.updateObjectUserData', { objectId: d.destinationId, userData: { b: '2' } });
    const { token } = await ok(first, z.object({ token: z.string() }), 'createAPIToken');
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.ok(existsSync(stateFile), 'written after the debounce, before close');
    const info = await ok(first, ServerInfo, 'getServerInfo');
    await first.close();
    assert.deepEqual(readdirSync(join(dir, 'state')), ['sim.json'], 'no temporary file left behind');

    const second = await start({ stateFile, destinations: 50 });
    const again = await ok(second, Destination, 'send.getDestination', { destinationId: d.destinationId });
    assert.deepEqual(again.userData, { a: '1', b: '2' });
    assert.equal(again.encryptedConnectionState, 'disconnected', 'live state starts again');
    const all = await ok(second, Destinations, 'send.getDestinations', {}, SUPER);
    assert.equal(all.length, 6, 'the state wins over --destinations');
    const info2 = await ok(second, ServerInfo, 'getServerInfo');
    assert.equal(info2.serverUid, info.serverUid);
    assert.notEqual(info2.serverId, info.serverId);
    const demos = all.filter((x) => x.owner === 'demo').map((x) => x.destinationId);
    assert.deepEqual(
      (await ok(second, Destinations, 'send.getDestinations', {}, { token })).map((x) => x.destinationId),
      demos,
    );
  });

  test('an unusable state file is refused with a clear error', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'jetstream-sim-')), 'bad.json');
    writeFileSync(stateFile, '{"serverUid": 3');
    await assert.rejects(startSimulator({ stateFile }), /state file .*bad\.json is not usable/);
  });
});

describe('no-auth mode', () => {
  test('every caller is "anonymous", sees every destination and may control the simulator', async () => {
    const sim = await start({ noAuth: true, destinations: 30 });
    assert.equal((await ok(sim, ServerInfo, 'getServerInfo', {}, {})).authRequired, false);
    assert.equal((await ok(sim, Destinations, 'send.getDestinations', {}, {})).length, 30);
    const d = await create(sim, { destinationAddress: 'anon.example.com' }, {});
    assert.equal(d.owner, 'anonymous');
    assert.equal((await ok(sim, Destinations, 'send.getDestinations', {}, { user: 'whoever', password: 'x' })).length, 31);
    await tick(sim);
    assert.equal(sim.world.ticks, 1);
  });
});

describe('API tokens and users', () => {
  test('a token acts as its user; objects record the token id and session, never the secret; expiry refuses it', async () => {
    const sim = await start();
    const mine = await create(sim, { destinationAddress: 'by-password.example.com' });
    const issued = await ok(sim, z.object({ token: z.string(), tokenId: z.string(), session: z.string() }), 'createAPIToken');
    const auth = { token: issued.token };
    const d = await create(sim, { destinationAddress: 'by-token.example.com' }, auth);
    assert.equal(d.owner, 'demo');
    assert.equal(d.ownerToken, issued.tokenId);
    assert.notEqual(d.ownerToken, issued.token);
    assert.equal(d.ownerTokenSession, issued.session);
    assert.equal(mine.ownerToken, null);
    assert.equal((await ok(sim, Destinations, 'send.getDestinations', {}, auth)).length, 2);
    assert.equal((await ok(sim, Destinations, 'send.getDestinations')).length, 2);

    await fails(sim, 'PermissionDenied', 403, 'sim.expireToken', { token: issued.token }, DEMO);
    await ok(sim, z.null(), 'sim.expireToken', { token: issued.tokenId }, ADMIN);
    assert.match(await fails(sim, 'AuthFailed', 401, 'send.getDestinations', {}, auth), /expired/);
    await fails(sim, 'NotFound', 404, 'sim.expireToken', { token: 'nope' }, ADMIN);
  });

  test('a users file adds users and tokens (an expired one is refused); builtinUsers: false drops demo', async () => {
    const sim = await start({
      users: {
        builtinUsers: false,
        users: [
          { name: 'carol', password: 'c4rol', superuser: true },
          { name: 'dave', password: 'd' },
        ],
        tokens: [
          { token: 'carol-token', user: 'carol', session: 'S1' },
          { token: 'old-token', user: 'dave', expiresAt: 1_000_000 },
        ],
      },
    });
    await fails(sim, 'AuthFailed', 401, 'send.getDestinations', {}, DEMO);
    const d = await create(sim, { destinationAddress: 'carol.example.com' }, { token: 'carol-token' });
    assert.equal(d.ownerTokenSession, 'S1');
    await ok(sim, Destinations, 'send.getDestinations', {}, { user: 'carol', password: 'c4rol', superuser: true });
    await fails(sim, 'PermissionDenied', 403, 'send.getDestinations', {}, { user: 'dave', password: 'd', superuser: true });
    assert.match(await fails(sim, 'AuthFailed', 401, 'send.getDestinations', {}, { token: 'old-token' }), /expired at 1970/);
    assert.throws(() => new World({ users: { tokens: [{ token: 't', user: 'nobody' }] } }), /no user named 'nobody'/);
  });

  test('sim.setPassword changes a password at once', async () => {
    const sim = await start();
    await ok(sim, z.null(), 'sim.setPassword', { user: 'demo', password: 'n3w' }, ADMIN);
    await fails(sim, 'AuthFailed', 401, 'send.getDestinations', {}, DEMO);
    await ok(sim, Destinations, 'send.getDestinations', {}, { user: 'demo', password: 'n3w' });
    await fails(sim, 'NotFound', 404, 'sim.setPassword', { user: 'nobody', password: 'x' }, ADMIN);
    await fails(sim, 'InvalidParameter', 400, 'sim.setPassword', { user: 'demo' }, ADMIN);
  });
});
