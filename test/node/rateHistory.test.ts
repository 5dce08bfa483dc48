/**
 * The table's sparklines from the plot history: a destination's send rate over the last minutes in a
 * few equal slices (the mean of each, null where there was no sample), and the engine's operation that
 * reads them for many destinations at once, against the real simulator.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Engine } from '../../src/model/engine/engine';
import { RATE_HISTORY_POINTS } from '../../src/model/engine/protocol';
import { ServerHistory, type Sample } from '../../src/model/history';
import { startSimulator, type Simulator } from '../../sim/server';
import { inOrder } from '../fixtures/records';

const sample = (rate: number): Sample => ({ sendRateAverage: rate, sendRateMax: 1000, roundTripTimeMs: 1, problem: '' });

describe('recent send rates for sparklines', () => {
  it('gives the mean of each equal slice of the span, up to the latest snapshot, oldest first', () => {
    const h = new ServerHistory(300);
    for (let i = 0; i < 300; i++) {
      const samples = new Map([['a', sample(i)]]);
      // 'b' came 10 s before the end.
      if (i >= 290) samples.set('b', sample(7));
      h.record(i * 1000, inOrder(samples));
    }
    const a = h.recentRates('a', 60, 300_000)!;
    assert.equal(a.length, 60);
    // The span is (-1 s, 299 s] in slices of 5 s: the first holds 0..4 s, the last 295..299 s.
    assert.equal(a[0], 2);
    assert.equal(a[1], 7);
    assert.equal(a[59], 297);
    const b = h.recentRates('b', 60, 300_000)!;
    assert.deepEqual(b.slice(0, 58), Array(58).fill(null), 'no sample before it came: gaps');
    assert.deepEqual(b.slice(58), [7, 7]);
    assert.deepEqual(h.recentRates('a', 5, 10_000), [290.5, 292.5, 294.5, 296.5, 298.5], 'a shorter span reads only its end');
    assert.equal(h.recentRates('nobody', 60, 300_000), undefined);
  });

  it('leaves out snapshots that had a problem, and reads nothing from an empty history', () => {
    const h = new ServerHistory(10);
    assert.equal(h.recentRates('a', 4, 4000), undefined);
    h.record(1000, inOrder(new Map([['a', sample(4)]])));
    h.record(2000, inOrder(new Map([['a', { ...sample(100), problem: 'bad record' }]])));
    h.record(3000, inOrder(new Map([['a', sample(8)]])));
    assert.deepEqual(h.recentRates('a', 3, 3000), [4, null, 8]);
  });
});

describe('the engine’s rateHistory operation', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ port: 0, tickMs: 0, seed: 3, destinations: 40 });
  });
  after(() => sim.close());

  it('answers for many destinations in one call: a series each, null for one it has no history of', async () => {
    const engine = new Engine({ post: () => {}, secret: async () => ({ password: 'admin' }) });
    engine.handle({ type: 'polling', active: false, intervalMs: 1000, timeoutMs: 30_000 });
    engine.handle({ type: 'profiles', profiles: [{ name: 'lab', transport: 'http', url: sim.url, user: 'admin', superuser: true }] });
    try {
      for (let i = 0; i < 3; i++) {
        await sim.world.handle('sim.tick', {}, { user: 'admin', password: 'admin' }, false);
        await engine.run({ op: 'refresh', server: 'lab', manual: false });
      }
      const keys = [...engine.store.server('lab')!.destinations.keys()].slice(0, 3);
      const answer = await engine.run({
        op: 'rateHistory',
        targets: [...keys.map((key) => ({ server: 'lab', key })), { server: 'lab', key: 'nobody' }, { server: 'gone', key: keys[0]! }],
        points: 60,
        spanMs: 300_000,
      });
      assert.equal(answer.length, 5);
      for (const [i, series] of answer.slice(0, 3).entries()) {
        assert.equal(series?.length, 60, `series ${i}`);
        assert.notEqual(series!.at(-1), null, 'the last slice holds the latest snapshot');
        assert.ok(series!.filter((v) => v !== null).length >= 1 && series!.filter((v) => v !== null).length <= 3);
      }
      assert.deepEqual(answer.slice(3), [null, null]);
      const capped = await engine.run({ op: 'rateHistory', targets: [{ server: 'lab', key: keys[0]! }], points: 10_000, spanMs: 300_000 });
      assert.equal(capped[0]?.length, RATE_HISTORY_POINTS, 'points are capped');
    } finally {
      engine.dispose();
    }
  });
});
