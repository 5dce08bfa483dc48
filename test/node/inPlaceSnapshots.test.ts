/**
 * A snapshot updated in place, against the orders of events around it: what runs between its check and
 * its apply, the whole records panels ask for while a poll is on its way, and the server reads of Copy
 * as JSON (redacted with the password that sent them, never for a stand-in id).
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { isSnapshot } from '../../src/webview/messages';
import { JetStreamError } from '../../src/api/errors';
import { DetailsSource } from '../../src/model/details';
import { Engine } from '../../src/model/engine/engine';
import type { Secret } from '../../src/model/profiles';
import { ServerHistory } from '../../src/model/history';
import { DestinationStore } from '../../src/model/store';
import { record, T } from '../fixtures/records';
import { startCannedServer } from '../support/cannedServer';
import { deferred, stubClient, type Deferred } from './stubClient';

const INFO = { apiVersion: 40, version: '2.9.2', authRequired: false };

/** An engine with polling off on a canned server answering `answer`, after its first list of server 'lab'. */
async function engineOn(
  t: TestContext,
  answer: Parameters<typeof startCannedServer>[0],
  { user, secret }: { user?: string; secret?: () => Secret | undefined } = {},
): Promise<Engine> {
  const canned = await startCannedServer(answer);
  const engine = new Engine({ post: () => undefined, secret: async () => secret?.() });
  t.after(async () => {
    engine.dispose();
    await canned.close();
  });
  engine.handle({ type: 'polling', active: false, intervalMs: 1000, timeoutMs: 30_000 });
  engine.handle({
    type: 'profiles',
    profiles: [{ name: 'lab', transport: 'http', url: canned.url, ...(user ? { user } : {}), superuser: false }],
  });
  await engine.run({ op: 'refresh', server: 'lab', manual: false });
  return engine;
}
const words = { notConfigured: 'not configured', gone: 'gone' };

describe('the in-place snapshot and what runs between its check and its apply', () => {
  it('keeps the map and the order on one record when an edit is confirmed between the check and the apply', async () => {
    let list = [record(1, { userData: { note: 'old' } }), record(2)];
    const { client } = stubClient(async (command) => {
      if (command === 'getServerInfo') return INFO;
      return list;
    });
    // Whatever else is ready to run when the list's answer has been checked (another call's answer
    // read in the same turn) runs before the store takes the answer.
    let between: (() => void) | undefined;
    const listDestinations = client.listDestinations.bind(client);
    client.listDestinations = async (...args) => {
      const answer = await listDestinations(...args);
      const run = between;
      between = undefined;
      run?.();
      return answer;
    };
    const store = new DestinationStore(async () => client);
    store.setProfiles([{ name: 'lab', transport: 'http', url: 'http://stub', superuser: false }]);
    await store.refresh('lab');
    const agree = (label: string) => {
      const s = store.server('lab')!;
      s.order.keys.forEach((k, i) => assert.equal(s.order.records[i], s.destinations.get(k), `${label}: ${k} in the map and the order`));
    };
    list = [record(1, { userData: { note: 'old' }, snapshotTime: T + 1e6 }), record(2, { snapshotTime: T + 1e6 })];
    between = () => store.acceptUserData('lab', 'd-1', { note: 'new' });
    await store.refresh('lab');
    agree('after the confirmed edit');
    // The edit landed; the rates move: what the map gives (tooltips, details) follows the server.
    list = [record(1, { userData: { note: 'new' }, snapshotTime: T + 2e6, sendRateAverage: 777 }), record(2, { snapshotTime: T + 2e6 })];
    await store.refresh('lab');
    agree('a snapshot later');
    assert.equal(store.destination('lab', 'd-1')!.sendRateAverage, 777, 'the map follows the server');
  });
});

describe('the whole records details panels ask for', () => {
  it('shows a record that is not even an object as its row, which the panel can draw', async () => {
    const { client } = stubClient(async (command) => (command === 'getServerInfo' ? INFO : [record(1), null]));
    const store = new DestinationStore(async () => client);
    store.setProfiles([{ name: 'lab', transport: 'http', url: 'http://stub', superuser: false }]);
    store.wantWhole('lab', ['#2']);
    await store.refresh('lab');
    const details = new DetailsSource(store, 'lab', '#2', words).details();
    assert.ok(details && !('unavailable' in details), 'details are shown');
    assert.ok(isSnapshot({ type: 'snapshot', ...details }), 'the page draws them (it drops a snapshot whose destination is no object)');
  });

  it('says why a panel opened while its server cannot be read is empty, shows its destination once it answers, and keeps it through the next failure', async () => {
    let down = false;
    const { client } = stubClient(async (command) => {
      if (down) throw new JetStreamError('Unreachable', "Server 'lab' cannot be reached.", { server: 'lab' });
      return command === 'getServerInfo' ? INFO : [record(1)];
    });
    const store = new DestinationStore(async () => client);
    store.setProfiles([{ name: 'lab', transport: 'http', url: 'http://stub', superuser: false }]);
    await store.refresh('lab');
    down = true;
    // The panel opens: its record was not kept whole, and the read it asks for fails.
    store.wantWhole('lab', ['d-1']);
    await store.refresh('lab');
    const source = new DetailsSource(store, 'lab', 'd-1', words);
    assert.deepEqual(source.details(), { unavailable: "Server 'lab' cannot be reached." });
    down = false;
    await store.refresh('lab');
    assert.equal((source.details() as { liveness: string }).liveness, 'live');
    down = true;
    await store.refresh('lab');
    const kept = source.details() as unknown as { liveness: string; destination: Record<string, unknown> };
    assert.equal(kept.liveness, 'unreachable', 'marked, not blanked');
    assert.equal(kept.destination.destinationAddress, 'rx-1.example.com');
    assert.ok('socketSendBufferSize' in kept.destination, 'the whole record it had');
  });

  it('a panel reopened while a poll is on its way gets its whole record, with polling off', async (t) => {
    let held: { arrived: Deferred<void>; answer: Deferred<void> } | undefined;
    const list = [record(1), record(2)];
    // The canned server answers at once; the poll is held on the client's side, after it left.
    const engine = await engineOn(t, (command) => (command === 'send.getDestinations' ? { result: list } : undefined));
    const client = await engine.store.client('lab');
    const listDestinations = client.listDestinations.bind(client);
    client.listDestinations = async (...args) => {
      const h = held;
      held = undefined;
      if (h) {
        h.arrived.resolve();
        await h.answer.promise;
      }
      return listDestinations(...args);
    };
    const watch = (keys: string[]) => engine.handle({ type: 'watch', watched: keys.map((key) => ({ server: 'lab', key })) });
    watch(['d-1']);
    await engine.run({ op: 'refresh', server: 'lab', manual: false });
    assert.ok(engine.store.destination('lab', 'd-1')!.raw, 'the open panel’s record is whole');
    // A manual refresh is on its way when the user closes the panel and opens it again.
    held = { arrived: deferred<void>(), answer: deferred<void>() };
    const h = held;
    const refreshing = engine.run({ op: 'refresh', server: 'lab', manual: true });
    await h.arrived.promise;
    watch([]);
    watch(['d-1']);
    h.answer.resolve();
    await refreshing;
    await new Promise((r) => setTimeout(r, 200)); // any refresh the panel asked for
    const details = await engine.run({ op: 'details', server: 'lab', key: 'd-1' });
    assert.ok(details && !('unavailable' in details), 'the reopened panel shows its destination, not "Waiting for the server…"');
  });
});

describe('Copy as JSON reads the server', () => {
  it('redacts a password the server echoes that was signed in with after the last poll', async (t) => {
    let password = 'first-Pa55word';
    const engine = await engineOn(
      t,
      (command, _params, req) => {
        if (command === 'send.getDestinations') return { result: [record(1)] };
        if (command !== 'send.getDestination') return undefined;
        const sent = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
        // A server that echoes the credential it was given in a text field.
        return { result: record(1, { lastErrorMessage: `last login as ${sent}` }) };
      },
      { user: 'jo', secret: () => ({ password }) },
    );
    // The user signs in again with another password; polling is off, so no poll follows yet.
    password = 'second-Pa55word';
    engine.handle({ type: 'credentialsChanged', server: 'lab', signedIn: true });
    const json = await engine.run({ op: 'json', server: 'lab', key: 'd-1' });
    assert.match(json, /last login as/);
    assert.ok(!json.includes('second-Pa55word'), `the echoed password is redacted: ${json.match(/last login as [^"]*/)?.[0]}`);
  });
});

describe('Copy as JSON of a record whose id cannot be read', () => {
  it('copies the record as listed instead of asking the server for its stand-in id', async (t) => {
    const odd = { ...record(2), destinationId: { not: 'an id' } };
    const asked: unknown[] = [];
    const engine = await engineOn(t, (command, params) => {
      if (command === 'send.getDestinations') return { result: [record(1), odd] };
      if (command !== 'send.getDestination') return undefined;
      asked.push(params.destinationId);
      return { status: 404, error: { code: 'NotFound', message: `No destination ${String(params.destinationId)}` } };
    });
    assert.ok(engine.store.destination('lab', '#2')?.problem, 'the odd record is listed by its place');
    const json = await engine.run({ op: 'json', server: 'lab', key: '#2' });
    assert.deepEqual(asked, [], 'no destination is asked for by a stand-in id');
    assert.deepEqual(JSON.parse(json), odd, 'the record as the server listed it');
  });
});

describe('the plot history of a destination that turns odd', () => {
  it('has no point for a snapshot where its record did not fit, once the ring has wrapped', () => {
    const h = new ServerHistory(3);
    const keys = ['a'];
    const at = (rate: number, problem?: string) => ({
      keys,
      records: [{ sendRateAverage: rate, sendRateMax: 1, roundTripTimeMs: 1, problem }],
    });
    h.record(1000, at(1));
    h.record(2000, at(2));
    h.record(3000, at(3));
    h.record(4000, at(99, 'item 1: field sendRateMax: must be a number'));
    assert.deepEqual(h.get('a').t, [2000, 3000], 'the odd snapshot is a gap, not the point of three snapshots before');
    assert.deepEqual(h.get('a').sendRateAverage, [2, 3]);
  });
});
