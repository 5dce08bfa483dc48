/**
 * Data read leniently: one odd record among many never blanks its server; the types the vendor's docs
 * leave open are accepted; hostile shapes are bounded before they are shown or copied.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDestinationList, destinationKey } from '../../src/api/destinationList';
import { Id, isId, isTimestamp, Timestamp, type ListedDestination } from '../../src/api/schemas';
import { bounded, boundedJson, valueText } from '../../src/model/bounded';
import { fieldProblems } from '../../src/model/details';
import { ServerHistory } from '../../src/model/history';
import { destinationStatus } from '../../src/model/status';
import { inOrder, record, T } from '../fixtures/records';

const ctx = { server: 'lab', command: 'send.getDestinations' };
/**
 * The check, with its destinations as a list in the server's order for the assertions; each record
 * kept whole, as for a details panel or Copy as JSON.
 */
const check = (raw: unknown, previous?: ReadonlyMap<string, ListedDestination>) => {
  const r = checkDestinationList(raw, previous && { destinations: previous, order: inOrder(previous) }, ctx, () => true);
  return { ...r, list: [...r.destinations.values()] };
};
const asMap = (list: ListedDestination[]) => new Map(list.map((d) => [destinationKey(d), d]));

describe('one odd record among many', () => {
  it('keeps every other destination and marks the odd one with its address and the unexpected field', () => {
    const raw = Array.from({ length: 50 }, (_, i) => record(i));
    raw[17] = record(17, { sendRateMax: 'fast' });
    const r = check(raw);
    assert.equal(r.list.length, 50);
    assert.equal(r.anomalies, 1);
    const odd = r.list.find((d) => d.problem)!;
    assert.equal(odd.destinationAddress, 'rx-17.example.com');
    assert.equal(destinationKey(odd), 'd-17');
    assert.match(odd.problem!, /item 18: field sendRateMax: .*number/i);
    assert.equal(destinationStatus(odd, r.serverTime), 'invalid');
    assert.equal(r.list.filter((d) => destinationStatus(d, r.serverTime) === 'connected').length, 49);
  });

  it('keeps a record that is not even an object, under its place in the list', () => {
    const r = check([record(1), 'surprise', record(2)]);
    assert.equal(r.list.length, 3);
    assert.equal(destinationKey(r.list[1]!), '#2');
    assert.match(r.list[1]!.problem!, /not an object/);
  });

  it('accepts the plausible types the docs leave open', () => {
    const r = check([
      record(1, { destinationId: 7, connectionId: 12 }),
      record(2, { lastError: 1042, lastErrorMessage: 'Connection timed out' }),
      record(3, { transferDefaults: { checkpointFrequencySeconds: null, priority: 1, transferFlags: 0 } }),
      record(4, { userData: { count: 3, nested: { a: [1, 2] }, flag: true } }),
      record(5, { priorityLanes: [{ name: 'bulk', share: 0.5 }] }),
    ]);
    assert.equal(r.anomalies, 0, r.list.map((d) => d.problem).join('; '));
    assert.equal(destinationKey(r.list[0]!), '7');
    assert.equal(r.list[0]!.destinationId, 7, 'a numeric id is kept as a number, to be sent back as the server knows it');
    assert.equal(destinationStatus(r.list[1]!, r.serverTime), 'error', 'a numeric lastError is an error');
    assert.deepEqual(fieldProblems(r.list[2]!), []);
  });

  it('shows a repeated id once and does not call the list changed on every snapshot because of it', () => {
    const raw = [record(1), record(2), record(1, { destinationAddress: 'impostor.example.com' })];
    const first = check(raw);
    assert.equal(first.list.length, 2);
    assert.equal(first.duplicates, 1);
    assert.equal(first.list[0]!.destinationAddress, 'rx-1.example.com');
    const again = check(
      raw.map((d) => ({ ...d, snapshotTime: T + 1_000_000 })),
      asMap(first.list),
    );
    assert.equal(again.listChanged, false);
    assert.deepEqual(again.changed, []);
  });

  it('tells a destination that came or went apart from one that changed', () => {
    const first = check([record(1), record(2)]);
    const changed = check([record(1, { sendRateAverage: 500 }), record(2)], asMap(first.list));
    assert.deepEqual(changed.changed, ['d-1']);
    assert.equal(changed.listChanged, false);
    const swapped = check([record(1), record(3)], asMap(first.list));
    assert.equal(swapped.listChanged, true, 'same count, another destination');
  });

  it('checks again what moved in a known destination, and names the fields that moved', () => {
    const first = check([record(1), record(2), record(3)]);
    const next = check(
      [
        record(1, { sendRateAverage: 'fast' }),
        Object.fromEntries(Object.entries(record(2)).filter(([k]) => k !== 'destinationAddress')),
        record(3, { sendRateAverage: 7, numTransfersQueued: 2, snapshotTime: T + 1e6 }),
      ],
      asMap(first.list),
    );
    assert.match(next.list[0]!.problem ?? '', /sendRateAverage/, 'a rate turned into text is marked');
    assert.match(next.list[1]!.problem ?? '', /destinationAddress/, 'a field that went is marked');
    assert.equal(next.list[2]!.problem, undefined);
    assert.deepEqual(next.moved.get('d-3'), ['numTransfersQueued', 'sendRateAverage']);
  });

  it('takes the clock most destinations share, so one far-ahead snapshotTime marks nothing stale', () => {
    const raw = Array.from({ length: 20 }, (_, i) => record(i));
    raw[3] = record(3, { snapshotTime: T + 3600 * 1e6 });
    const r = check(raw);
    assert.equal(r.serverTime, T);
    assert.equal(r.list.filter((d) => destinationStatus(d, r.serverTime) === 'stale').length, 0);
    const lagging = check(
      raw.map((d, i) => (i === 5 ? { ...d, snapshotTime: T - 60e6 } : d)),
      asMap(r.list),
    );
    assert.equal(destinationStatus(lagging.list[5]!, lagging.serverTime), 'stale', 'one that stopped updating still is');
  });
});

describe('hostile shapes', () => {
  it('bounds deep nesting, so the details panel and Copy as JSON never overflow the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const r = check([record(1, { extra: deep })]);
    assert.equal(r.anomalies, 0, 'an unknown field of any shape is kept');
    const text = boundedJson(r.list[0]);
    assert.match(text, /nested deeper than 12 levels/);
    assert.ok(text.length < 10_000);
  });

  it('shows a __proto__ key of server userData as text', () => {
    const raw = JSON.parse(
      `[${JSON.stringify(record(1)).slice(0, -1).replace('"userData":{}', '"userData":{"__proto__":"polluted?","ok":"yes"}')}}]`,
    );
    const r = check(raw);
    const d = r.list[0]!;
    assert.deepEqual(Object.keys(d.userData!), ['__proto__', 'ok']);
    const copy = bounded(d.userData) as Record<string, unknown>;
    assert.deepEqual(Object.keys(copy), ['__proto__', 'ok']);
    assert.equal(Object.getPrototypeOf(copy), Object.prototype, 'the copy is not re-prototyped');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('cuts a 10 MB string to what can be shown', () => {
    const huge = 'x'.repeat(10 * 2 ** 20);
    assert.ok(valueText(huge).length <= 200);
    assert.ok((bounded(huge) as string).length < 200_000);
  });
});

describe('plot history and the server clock', () => {
  it('starts again when the server clock steps back, instead of freezing', () => {
    const h = new ServerHistory(60);
    const d = (rate: number) => record(1, { sendRateAverage: rate }) as unknown as ListedDestination;
    h.record(10_000, inOrder(asMap([d(1)])));
    h.record(11_000, inOrder(asMap([d(2)])));
    h.record(11_000, inOrder(asMap([d(9)])));
    assert.deepEqual(h.get('d-1').sendRateAverage, [1, 2], 'the same snapshot twice is one point');
    h.record(5_000, inOrder(asMap([d(3)])));
    h.record(6_000, inOrder(asMap([d(4)])));
    assert.deepEqual(h.get('d-1').sendRateAverage, [3, 4]);
  });
});

describe('the plain tests beside the schemas', () => {
  it('agree with the Id and Timestamp schemas they stand in for', () => {
    const values = ['', 'a', 'rx-1:8886', 0, -1, 1.5, 7, Number.NaN, Infinity, -Infinity, null, undefined, true, {}, [], [1], '0'];
    for (const v of values) {
      assert.equal(isId(v), Id.safeParse(v).success, `isId(${String(v)})`);
      assert.equal(isTimestamp(v), Timestamp.safeParse(v).success, `isTimestamp(${String(v)})`);
    }
  });
});
