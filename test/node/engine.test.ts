/**
 * The engine on this thread, against the real simulator: what it posts after each snapshot is what the
 * main thread paints, so a status change must be in the delta of the snapshot that saw it, moving
 * numbers may wait (a few hundred rows a snapshot), and nothing may be lost or left stale for good.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Engine } from '../../src/model/engine/engine';
import { NUMERIC_BUDGET } from '../../src/model/engine/painter';
import type { Delta, FromEngine, Row } from '../../src/model/engine/protocol';
import { sameRow, toRow } from '../../src/model/rows';
import { startSimulator, type Simulator } from '../../sim/server';
import { record, T } from '../fixtures/records';
import { startCannedServer } from '../support/cannedServer';

let sim: Simulator;
const ADMIN = { user: 'admin', password: 'admin' };

before(async () => {
  sim = await startSimulator({ port: 0, tickMs: 0, seed: 4, destinations: 1500 });
  // Past the first snapshots, where every destination connects: the ordinary churn follows.
  await sim.world.handle('sim.tick', { count: 10 }, ADMIN, false);
});
after(() => sim.close());

/** An engine with the rows the main thread would hold, built only from what it posts. */
function engineWithRows(url = sim.url) {
  const rows = new Map<string, Row>();
  const deltas: Delta[] = [];
  const engine = new Engine({
    post: (m: FromEngine) => {
      if (m.type !== 'delta') return;
      deltas.push(m);
      if (m.complete) rows.clear();
      for (const r of m.upserts) rows.set(r.key, r);
      for (const k of m.removed) rows.delete(k);
    },
    secret: async () => ({ password: 'admin' }),
  });
  engine.handle({ type: 'polling', active: false, intervalMs: 1000, timeoutMs: 30_000 });
  engine.handle({ type: 'profiles', profiles: [{ name: 'lab', transport: 'http', url, user: 'admin', superuser: true }] });
  const refresh = async () => {
    deltas.length = 0;
    await engine.run({ op: 'refresh', server: 'lab', manual: false });
    return deltas.flatMap((d) => d.upserts);
  };
  /** The rows the records would give now, to compare what the main thread holds with. */
  const truth = () => {
    const state = engine.store.server('lab')!;
    return new Map([...state.destinations].map(([k, d]) => [k, toRow(d, state.serverTime, state.redact)]));
  };
  return { engine, rows, refresh, truth };
}

describe('the engine', () => {
  it('sends every status change in the snapshot that saw it, and moving numbers within a few snapshots', async () => {
    const { engine, rows, refresh, truth } = engineWithRows();
    await refresh();
    assert.equal(rows.size, 1500);

    await sim.world.handle('sim.tick', {}, ADMIN, false);
    const upserts = await refresh();
    const now = truth();
    const numbersBehind = [...now].filter(([k, r]) => !sameRow(r, rows.get(k)!)).length;
    for (const [k, r] of now) assert.equal(rows.get(k)!.status, r.status, `${k}: its status is painted in the same snapshot`);
    assert.ok(numbersBehind > NUMERIC_BUDGET, `the simulator moves many rates a snapshot (${numbersBehind})`);
    assert.ok(upserts.length < now.size / 2, `not every moved rate is repainted at once (${upserts.length})`);

    // No new snapshot: the rows waiting for their numbers arrive, NUMERIC_BUDGET at a time, then nothing.
    let refreshes = 0;
    while ((await refresh()).length) {
      assert.ok(++refreshes <= Math.ceil(1500 / NUMERIC_BUDGET), 'the waiting rows drain');
    }
    for (const [k, r] of truth()) assert.ok(sameRow(r, rows.get(k)!), `${k} ends up as the record says`);
    engine.dispose();
  });

  it('sends a changed userData and a removed destination at once, whatever else moves', async () => {
    const { engine, rows, refresh } = engineWithRows();
    await refresh();
    const [first, second] = [...rows.keys()];
    await sim.world.handle('send.updateObjectUserData', { objectId: first, userData: { note: 'landed' } }, ADMIN, true);
    await sim.world.handle('send.deleteDestination', { destinationId: rows.get(second!)!.id }, ADMIN, true);
    await sim.world.handle('sim.tick', {}, ADMIN, false);
    const upserts = await refresh();
    assert.ok(upserts.some((r) => r.key === first && r.userData.some(([k, v]) => k === 'note' && v === 'landed')));
    assert.equal(rows.has(second!), false);
    engine.dispose();
  });

  it('paints a destination stale in the snapshot where it stops updating, though only its rate moved', async (t) => {
    // More rows move their rate than a snapshot repaints for numbers alone; the one that stops is last.
    const n = NUMERIC_BUDGET * 2;
    const at = (t: number, rate: number) =>
      Array.from({ length: n }, (_, i) => record(i, { snapshotTime: i === n - 1 ? T : t, sendRateAverage: rate }));
    let list = at(T, 100);
    const canned = await startCannedServer((command) => (command === 'send.getDestinations' ? { result: list } : undefined));
    const { engine, rows, refresh } = engineWithRows(canned.url);
    t.after(async () => {
      engine.dispose();
      await canned.close();
    });
    await refresh();
    assert.equal(rows.get(`d-${n - 1}`)!.status, 'connected');
    list = at(T + 20e6, 200);
    await refresh();
    assert.equal(rows.get(`d-${n - 1}`)!.status, 'stale');
    assert.equal(rows.get('d-0')!.status, 'connected');
  });

  it('paints every waiting number and status right when the server lists its destinations in another order', async (t) => {
    const n = NUMERIC_BUDGET * 3;
    const at = (time: number, rate: (i: number) => number, order: (i: number) => number = (i) => i) =>
      Array.from({ length: n }, (_, i) => record(order(i), { snapshotTime: time, sendRateAverage: rate(order(i)) }));
    let list = at(T, () => 1);
    const canned = await startCannedServer((command) => (command === 'send.getDestinations' ? { result: list } : undefined));
    const { engine, rows, refresh, truth } = engineWithRows(canned.url);
    t.after(async () => {
      engine.dispose();
      await canned.close();
    });
    await refresh();
    // Every rate moves: most rows wait for their numbers. Then the same list comes reversed, one
    // destination in error, and another order again, with rows still waiting.
    list = at(T + 1e6, (i) => 10 + i);
    await refresh();
    list = at(
      T + 2e6,
      (i) => 10 + i,
      (i) => n - 1 - i,
    ).map((r) => (r.destinationId === 'd-5' ? { ...r, lastError: 9 } : r));
    await refresh();
    assert.equal(rows.get('d-5')!.status, 'error', 'a status change in the reordered snapshot is painted in it');
    list = [...list.slice(n / 2), ...list.slice(0, n / 2)].map((r) => ({ ...r, snapshotTime: T + 3e6 }));
    let refreshes = 0;
    while ((await refresh()).length) assert.ok(++refreshes <= n / NUMERIC_BUDGET + 1, 'the waiting rows drain');
    for (const [k, r] of truth()) assert.ok(sameRow(r, rows.get(k)!), `${k} ends up as the record says`);
  });
});
