/**
 * The check updates the previous snapshot's records in place and walks them by position while the
 * server lists them in the same order. Whatever the server does between snapshots (reorders, adds,
 * drops, repeats an id, sends an odd record, moves numbers), the result must be what a check of the
 * same answer from nothing gives, and name exactly the destinations whose row changed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDestinationList, COMPARED_FIELDS, fullDestination, movedFields, type DestinationList } from '../../src/api/destinationList';
import { ServerHistory } from '../../src/model/history';
import { record, T } from '../fixtures/records';

const ctx = { server: 'lab', command: 'send.getDestinations' };

/** A small deterministic random source, so a failure can be replayed from its seed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return s / 2 ** 32;
  };
}

/** What a user sees of a record: its row fields, userData and problem, not how the store holds it. */
const shown = (l: DestinationList) =>
  [...l.destinations].map(([k, d]) => [k, { ...d, raw: undefined, problem: d.problem?.replace(/^item \d+/, 'item') }]);

describe('a snapshot compared with the previous one in place', () => {
  it('gives what a check from nothing gives, over 300 random snapshots, and names the changed rows', () => {
    const rnd = random(7);
    const pick = <X>(xs: X[]) => xs[Math.floor(rnd() * xs.length)]!;
    let server: Record<string, unknown>[] = Array.from({ length: 30 }, (_, i) => record(i));
    let previous: DestinationList | undefined;
    let next = 30;
    for (let step = 0; step < 300; step++) {
      const t = T + step * 1_000_000;
      server = server.map((r) => ({ ...r, snapshotTime: t }));
      const what = pick(['same', 'same', 'same', 'rates', 'rates', 'swap', 'add', 'drop', 'repeat', 'odd', 'userData', 'error', 'tail']);
      const i = Math.floor(rnd() * server.length);
      if (what === 'rates') for (const r of server) if (rnd() < 0.5) r.sendRateAverage = Math.floor(rnd() * 1000);
      if (what === 'swap' && server.length > 1) {
        const j = Math.floor(rnd() * server.length);
        [server[i], server[j]] = [server[j]!, server[i]!];
      }
      if (what === 'add') server.splice(i, 0, record(next++, { snapshotTime: t }));
      if (what === 'drop') server.splice(i, 1);
      if (what === 'tail') server = server.slice(0, Math.max(1, server.length - 3));
      if (what === 'odd' && server[i]) server[i] = { ...server[i], sendRateMax: rnd() < 0.5 ? 'fast' : 5 };
      if (what === 'userData' && server[i]) server[i] = { ...server[i], userData: { note: `n${step}` } };
      if (what === 'error' && server[i]) server[i] = { ...server[i], lastError: rnd() < 0.5 ? 7 : null };
      // An answer that repeats an id lists it twice only this once.
      const answer =
        what === 'repeat' && server.length > 2 ? [...server.slice(0, i + 1), { ...server[i]! }, ...server.slice(i + 1)] : server;
      const fresh = checkDestinationList(structuredClone(answer), undefined, ctx);
      const before = previous && new Map([...previous.destinations].map(([k, d]) => [k, { ...d }]));
      const got = checkDestinationList(structuredClone(answer), previous, ctx);
      const label = `step ${step} (${what})`;
      assert.deepEqual(shown(got), shown(fresh), label);
      assert.deepEqual(got.order.keys, [...got.destinations.keys()], `${label}: the order is the map's`);
      assert.deepEqual(got.order.records, [...got.destinations.values()], `${label}: the order holds the map's records`);
      assert.equal(got.duplicates, fresh.duplicates, label);
      assert.equal(got.anomalies, fresh.anomalies, label);
      if (before) {
        const came = [...got.destinations.keys()].some((k) => !before.has(k));
        const went = [...before.keys()].some((k) => !got.destinations.has(k));
        assert.equal(got.listChanged, came || went, `${label}: listChanged`);
        const rowOf = (d: object) => JSON.stringify({ ...d, snapshotTime: 0, raw: 0, problem: 0 });
        // An odd record's row shows its problem: it changes when the problem does.
        const changed = [...got.destinations].filter(([k, d]) => {
          const b = before.get(k);
          return b && (b.problem || d.problem ? b.problem !== d.problem : rowOf(b) !== rowOf(d));
        });
        assert.deepEqual([...got.changed].sort(), changed.map(([k]) => k).sort(), `${label}: the changed rows`);
      }
      previous = got;
    }
  });

  it('keeps nothing of the answer but the row fields, unless a record is asked for whole', () => {
    const answer = [record(1), record(2)];
    const first = checkDestinationList(answer, undefined, ctx, (key) => key === 'd-2');
    const [one, two] = first.order.records;
    assert.equal(one!.raw, undefined);
    assert.equal('senderIP' in one!, false, 'a field the tree does not show is not kept');
    assert.equal(two!.raw, answer[1], 'a record asked for whole is kept as the server sent it');
    const next = checkDestinationList([record(1, { snapshotTime: T + 1e6 }), record(2, { snapshotTime: T + 1e6 })], first, ctx);
    assert.equal(next.order.records[0], one, 'the same record, updated in place');
    assert.equal(next.order.records[0]!.snapshotTime, T + 1e6);
    assert.equal(next.order.records[1]!.raw, undefined, 'no longer asked for: no longer kept');
  });

  it('refuses the whole structure of a list item that is not even an object as unreadable, naming it', () => {
    const list = checkDestinationList([record(1), 'surprise'], undefined, ctx);
    assert.throws(() => fullDestination(list.order.records[1]!, 'lab'), /Server 'lab' sent data this extension cannot read/);
    assert.throws(() => fullDestination(list.order.records[0]!, 'lab'), /was not read/, 'a record not asked for whole');
  });

  it('keeps each destination’s plot history with it when the server lists them in another order', () => {
    const h = new ServerHistory(10);
    let list = checkDestinationList([record(1, { sendRateAverage: 1 }), record(2, { sendRateAverage: 2 })], undefined, ctx);
    h.record(1000, list.order, list.listChanged);
    list = checkDestinationList([record(1, { sendRateAverage: 10 }), record(2, { sendRateAverage: 20 })], list, ctx);
    h.record(2000, list.order, list.listChanged);
    list = checkDestinationList([record(2, { sendRateAverage: 200 }), record(1, { sendRateAverage: 100 })], list, ctx);
    h.record(3000, list.order, list.listChanged);
    assert.deepEqual(h.get('d-1').sendRateAverage, [1, 10, 100]);
    assert.deepEqual(h.get('d-2').sendRateAverage, [2, 20, 200]);
  });
});

describe('the fields a snapshot compares', () => {
  it('are every row field but snapshotTime, and userData, each noticed when it alone moves', () => {
    const before = checkDestinationList([record(1, { userData: { a: '1' } })], undefined, ctx).order.records[0]!;
    const item = { ...before } as Record<string, unknown>;
    assert.deepEqual(movedFields(before, item), [], 'nothing moved');
    assert.deepEqual(movedFields(before, { ...item, userData: { a: '1' } }), [], 'equal userData, another object');
    for (const f of COMPARED_FIELDS) {
      assert.deepEqual(movedFields(before, { ...item, [f]: { moved: f } }), [f], f);
    }
    assert.deepEqual(movedFields(before, { ...item, snapshotTime: T + 1 }), [], 'snapshotTime moves every second');
  });
});
