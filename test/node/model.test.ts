/** The model (store, scheduler, filter, history, formatting) in plain Node, against the real simulator. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JetStreamClient } from '../../src/api/client';
import { HttpTransport } from '../../src/api/httpTransport';
import { idKey } from '../../src/api/schemas';
import { formatBytes, formatRate, formatRatePair, formatTimestamp } from '../../src/model/format';
import { ServerHistory } from '../../src/model/history';
import { inOrder } from '../fixtures/records';
import { parseProfiles, profileFromAnswers, type ServerProfile } from '../../src/model/profiles';
import { DetailsSource } from '../../src/model/details';
import { RefreshScheduler } from '../../src/model/scheduler';
import { threadCpuMs } from '../../src/model/serverState';
import { DestinationStore, type StoreChange } from '../../src/model/store';
import { startSimulator, type Simulator } from '../../sim/server';

let sim: Simulator;
const ADMIN = { user: 'admin', password: 'admin' };

before(async () => {
  sim = await startSimulator({ port: 0, tickMs: 0, seed: 9, destinations: 60 });
});
after(() => sim.close());

function storeFor(profiles: ServerProfile[], password = 'demo') {
  const store = new DestinationStore(async (p) =>
    JetStreamClient.create({ transport: 'http', name: p.name, url: p.url!, user: p.user, password, superuser: p.superuser }),
  );
  store.setProfiles(profiles);
  const changes: StoreChange[] = [];
  store.onDidChange((c) => changes.push(c));
  return { store, changes };
}

const lab = (over: Partial<ServerProfile> = {}): ServerProfile => ({
  name: 'lab',
  transport: 'http',
  url: sim.url,
  user: 'demo',
  superuser: false,
  ...over,
});

describe('DestinationStore', () => {
  it('announces nothing changed for an unchanged snapshot, and exactly the destinations that changed', async () => {
    const { store, changes } = storeFor([lab()]);
    await store.refresh('lab');
    assert.equal(store.server('lab')!.phase, 'ok');
    assert.ok(store.server('lab')!.destinations.size > 5);
    assert.equal(changes.at(-1)!.listChanged, true);

    await store.refresh('lab');
    assert.deepEqual(changes.at(-1), { server: 'lab', serverChanged: false, listChanged: false, changed: [], moved: new Map() });

    const [first, second] = [...store.server('lab')!.destinations.keys()];
    const client = await store.client('lab');
    await client.updateObjectUserData(first!, { note: 'x' });
    await client.updateObjectUserData(second!, { note: 'y' });
    await store.refresh('lab');
    assert.deepEqual(changes.at(-1)!.changed.sort(), [first, second].sort());
    assert.deepEqual(changes.at(-1)!.moved?.get(first!), ['userData'], 'what moved is named, so the tree knows a row text changed');
  });

  it('keeps the last snapshot and says why when the server fails, and recovers', async () => {
    const { store } = storeFor([lab()]);
    await store.refresh('lab');
    const before = store.server('lab')!.destinations.size;
    await sim.world.handle('sim.setFaults', { errorRate: 1 }, ADMIN, false);
    try {
      await store.refresh('lab');
    } finally {
      await sim.world.handle('sim.setFaults', { errorRate: 0 }, ADMIN, false);
    }
    const state = store.server('lab')!;
    assert.equal(state.phase, 'error');
    assert.equal(state.error?.code, 'ServerError');
    assert.equal(state.destinations.size, before, 'nothing flickers to empty');
    await store.refresh('lab');
    assert.equal(store.server('lab')!.phase, 'ok');
    assert.equal(store.server('lab')!.consecutiveFailures, 0);
  });

  it('never runs two refreshes of one server at once', async () => {
    // The real http transport, counting how many of its calls are in flight at once.
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    const store = new DestinationStore(async (p) => {
      const transport = new HttpTransport({ name: p.name, url: p.url!, user: 'demo', password: 'demo' });
      const counting = {
        endpoint: transport.endpoint,
        close: () => transport.close(),
        sentAs: (command: string) => transport.sentAs(command),
        call: async (...args: Parameters<HttpTransport['call']>) => {
          calls++;
          most = Math.max(most, ++inFlight);
          try {
            return await transport.call(...args);
          } finally {
            inFlight--;
          }
        },
      };
      return new JetStreamClient(p.name, counting);
    });
    store.setProfiles([lab()]);
    await Promise.all(Array.from({ length: 5 }, () => store.refresh('lab')));
    assert.equal(most, 1, 'one call at a time');
    assert.equal(calls, 3, 'server info, the running refresh, and one follow-up for the four callers that waited');
  });

  it('records plot history once per snapshot', async () => {
    const { store } = storeFor([lab()]);
    for (let i = 0; i < 3; i++) {
      await sim.world.handle('sim.tick', {}, ADMIN, false);
      await store.refresh('lab');
    }
    const id = [...store.server('lab')!.destinations.keys()][0]!;
    const h = store.history('lab', id);
    assert.equal(h.t.length, 3);
    assert.ok(h.t[2]! > h.t[0]!);
  });

  it('keeps servers apart: a failing one does not disturb another', async () => {
    const { store } = storeFor([lab(), lab({ name: 'dead', url: 'http://127.0.0.1:9' })]);
    await Promise.all([store.refresh('lab'), store.refresh('dead')]);
    assert.equal(store.server('lab')!.phase, 'ok');
    assert.equal(store.server('dead')!.error?.code, 'Unreachable');
  });
});

describe('details panel source', () => {
  it('says why when the destination it was opened for is not there, instead of loading for ever', async () => {
    const { store } = storeFor([lab()]);
    const words = { notConfigured: 'not configured', gone: 'gone' };
    const missing = new DetailsSource(store, 'lab', 'no-such-destination', words);
    assert.equal(missing.details(), undefined, 'nothing to say before the server answered');
    await store.refresh('lab');
    assert.deepEqual(missing.details(), { unavailable: 'gone' });
    assert.deepEqual(new DetailsSource(store, 'elsewhere', 'x', words).details(), { unavailable: 'not configured' });
  });

  it('marks a destination deleted after it was seen, keeping its last data', async () => {
    const { store } = storeFor([lab()]);
    const d = await (
      await JetStreamClient.create({ transport: 'http', name: 'x', url: sim.url, user: 'demo', password: 'demo' })
    ).createDestination({
      destinationAddress: 'seen-then-gone.example.com',
    });
    // Kept whole, as for an open panel (Engine.watch).
    store.wantWhole('lab', [idKey(d.destinationId)]);
    await store.refresh('lab');
    const source = new DetailsSource(store, 'lab', idKey(d.destinationId), { notConfigured: '', gone: '' });
    assert.equal((source.details() as { liveness: string }).liveness, 'live');
    await (await store.client('lab')).deleteDestination(d.destinationId);
    await store.refresh('lab');
    const m = source.details() as unknown as { liveness: string; destination: { destinationAddress: string } };
    assert.equal(m.liveness, 'deleted');
    assert.equal(m.destination.destinationAddress, 'seen-then-gone.example.com');
  });
});

describe('RefreshScheduler', () => {
  it('backs off exponentially up to 5 minutes, restarts it on a manual refresh, and does not stretch for a slow network', async () => {
    const { store } = storeFor([lab({ name: 'dead', url: 'http://127.0.0.1:9' }), lab()]);
    const scheduler = new RefreshScheduler(store, { intervalMs: 1000 });
    const seen: number[] = [];
    for (let i = 0; i < 11; i++) {
      await scheduler.refreshNow('dead');
      seen.push(scheduler.effectiveIntervalMs('dead'));
    }
    assert.deepEqual(seen, [1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000]);
    assert.equal(scheduler.nextTryAt('dead'), undefined, 'no next try to announce while polling is off');
    scheduler.setActive(true);
    const at = scheduler.nextTryAt('dead')!;
    assert.ok(Math.abs(at - (Date.now() + 300_000)) < 2000, 'the row can say when the next try is');
    await scheduler.refreshNow('dead', { manual: true });
    assert.equal(scheduler.effectiveIntervalMs('dead'), 1000, 'a manual Refresh starts the backoff afresh');

    // Warm: the first refresh of a process pays for compiling the schemas, which would stretch the interval.
    await scheduler.refreshNow('lab');
    await scheduler.refreshNow('lab');
    await sim.world.handle('sim.setFaults', { latencyMs: 300 }, ADMIN, false);
    try {
      await scheduler.refreshNow('lab');
    } finally {
      await sim.world.handle('sim.setFaults', { latencyMs: 0 }, ADMIN, false);
    }
    assert.ok(store.server('lab')!.lastRefreshMs >= 300);
    assert.equal(scheduler.effectiveIntervalMs('lab'), 1000, 'waiting on a slow network costs no CPU: no stretch');
    scheduler.dispose();
  });

  it('stretches the interval by the CPU a large server costs, to stay at 7 % of the time', async () => {
    const big = await startSimulator({ port: 0, tickMs: 0, seed: 1, destinations: 20_000 });
    try {
      const { store } = storeFor([lab({ name: 'big', url: big.url, user: 'admin', superuser: true })], 'admin');
      const scheduler = new RefreshScheduler(store, { intervalMs: 100 });
      await scheduler.refreshNow('big');
      const cpu = store.server('big')!.lastRefreshCpuMs;
      assert.ok(cpu > 10, `a 20,000 destination refresh costs CPU (${cpu} ms)`);
      assert.equal(scheduler.effectiveIntervalMs('big'), Math.ceil((cpu * (1 - 0.07)) / 0.07));
      scheduler.dispose();
    } finally {
      await big.close();
    }
  });

  it('stretches by what the whole process pays per refresh, measured while polling', async () => {
    const big = await startSimulator({ port: 0, tickMs: 0, seed: 1, destinations: 20_000 });
    try {
      const { store } = storeFor([lab({ name: 'big', url: big.url, user: 'admin', superuser: true })], 'admin');
      // Every ms this thread spends costs the process four: the rows repainted, the change applied.
      const scheduler = new RefreshScheduler(store, { intervalMs: 20, processCpuMs: () => 4 * threadCpuMs() });
      await scheduler.refreshNow('big');
      const alone = scheduler.effectiveIntervalMs('big') / store.server('big')!.lastRefreshCpuMs;
      scheduler.setActive(true);
      const until = Date.now() + 15_000;
      let ratio = alone;
      while (Date.now() < until && ratio < 2.5 * alone) {
        await new Promise((r) => setTimeout(r, 200));
        ratio = scheduler.effectiveIntervalMs('big') / store.server('big')!.lastRefreshCpuMs;
      }
      scheduler.dispose();
      assert.ok(ratio >= 2.5 * alone, `stretched ${ratio.toFixed(1)} ms per ms of refresh CPU, ${alone.toFixed(1)} for the refresh alone`);
      assert.ok(ratio <= 5 * alone, `no more than the process pays (${ratio.toFixed(1)} vs ${alone.toFixed(1)})`);
    } finally {
      await big.close();
    }
  });

  it('polls by itself only while active', async () => {
    const { store, changes } = storeFor([lab()]);
    // Not about stretching: the simulator shares this thread, and its work would count as the refresh's.
    const scheduler = new RefreshScheduler(store, { intervalMs: 50, maxBusyShare: 0.99 });
    scheduler.setActive(true);
    await new Promise((r) => setTimeout(r, 400));
    scheduler.setActive(false);
    const seen = changes.length;
    assert.ok(seen >= 3, `${seen} refreshes while active`);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(changes.length <= seen + 1, 'at most the refresh in flight finishes after stopping');
    scheduler.dispose();
  });
});

describe('formatting and profiles', () => {
  it('shows rates, buffers and timestamps in units people read', () => {
    assert.equal(formatRate(800), '800 kbit/s');
    assert.equal(formatRate(61_500), '61.5 Mbit/s');
    assert.equal(formatRate(2_500_000), '2.5 Gbit/s');
    assert.equal(formatRatePair(52_000, 1_000_000), '0.05 / 1 Gbit/s');
    assert.equal(formatBytes(8_388_608), '8 MiB');
    assert.equal(formatBytes(512), '512 bytes');
    assert.match(formatTimestamp(Date.UTC(2026, 0, 2) * 1000, Date.UTC(2026, 0, 2) + 5000), /^2026-01-0\d \d\d:\d\d:\d\d \(5 s ago\)$/);
    assert.equal(formatTimestamp(null), 'never');
  });

  it('keeps history compact and in order across the ring', () => {
    const h = new ServerHistory(3);
    for (let i = 0; i < 5; i++)
      h.record(i * 1000, inOrder(new Map([['a', { sendRateAverage: i, sendRateMax: 10, roundTripTimeMs: i === 4 ? null : 1 }]])));
    assert.deepEqual(h.get('a'), {
      t: [2000, 3000, 4000],
      sendRateAverage: [2, 3, 4],
      sendRateMax: [10, 10, 10],
      roundTripTimeMs: [1, 1, null],
    });
    h.record(4000, inOrder(new Map([['a', { sendRateAverage: 9, sendRateMax: 9, roundTripTimeMs: 9 }]])));
    assert.deepEqual(h.get('a').sendRateAverage, [2, 3, 4], 'the same snapshot polled again adds no point');
    h.record(5000, inOrder(new Map([['b', { sendRateAverage: 1, sendRateMax: 1, roundTripTimeMs: 1 }]])));
    assert.deepEqual(h.get('a').t, [], 'a destination that is gone loses its history');
    assert.deepEqual(h.get('b').t, [5000]);
  });

  it('reads profiles: a name and a url suffice; bad entries are reported, not dropped silently', () => {
    const { profiles, invalid } = parseProfiles([
      { name: 'a', url: 'http://x' },
      { name: 'b' },
      { name: 'a', url: 'http://y' },
      { url: 'ftp://z', name: 'c' },
    ]);
    assert.deepEqual(profiles, [{ name: 'a', url: 'http://x', transport: 'http', superuser: false }]);
    assert.deepEqual(
      invalid.map((p) => [p.name, p.problem]),
      [
        ['b', '"url": an http server needs a "url"'],
        ['a', 'another server has the same name'],
        ['c', '"url": the URL must start with http:// or https://'],
      ],
    );
  });

  it('saving Add Server names the field that is wrong, and keeps no field of a transport left behind', () => {
    assert.deepEqual(profileFromAnswers({ transport: 'http', name: 'x'.repeat(101), url: 'http://h', superuser: false }), {
      error: 'The server was not saved: field name: a server name is at most 100 characters.',
    });
    assert.deepEqual(
      profileFromAnswers({ transport: 'python', name: 'lab', url: 'http://h', host: 'h', port: 9000, consolePath: '/c', superuser: false }),
      { profile: { name: 'lab', transport: 'python', host: 'h', port: 9000, superuser: false } },
    );
  });
});
