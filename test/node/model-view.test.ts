/**
 * The model's view logic, as pure functions: the filter, natural address order, an order that stays
 * put under live numbers, what input boxes read, and the words of a row and of a server's problem.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { JetStreamClient } from '../../src/api/client';
import { JetStreamError } from '../../src/api/errors';
import type { Row } from '../../src/model/engine/protocol';
import { arrange, formatFilter, parseFilter, type DestinationFilter } from '../../src/model/filter';
import { parseHostPort, parsePairs, parseRate } from '../../src/model/inputs';
import { english } from '../../src/api/l10n';
import { addressSortKey } from '../../src/model/naturalSort';
import { RESORT_MS, ServerOrder } from '../../src/model/order';
import { describeRow, destinationCount, serverProblem } from '../../src/model/rowText';
import { destinationStatus } from '../../src/model/status';
import { record, T } from '../fixtures/records';
import { row } from '../fixtures/rows';

const filter = (line: string): DestinationFilter => {
  const r = parseFilter(line);
  assert.ok('filter' in r, line);
  return r.filter;
};

const rowsOf = (...rows: Row[]) => new Map(rows.map((r) => [r.key, r]));

describe('filter', () => {
  it('reads words, status: in any case and owner:, and refuses unknown statuses', () => {
    assert.deepEqual(filter('Backup status:ERROR owner:bob'), { text: ['backup'], statuses: ['error'], owners: ['bob'] });
    assert.equal(formatFilter(filter('Backup status:Error owner:bob')), 'backup status:error owner:bob');
    const bad = parseFilter('status:sleepy');
    assert.ok('error' in bad && /unknown status "sleepy"/.test(bad.error));
  });

  it('matches address, owner, error, and userData keys and values', () => {
    const list = [
      row('1', { userData: [['team', 'backup', true]] }),
      row('2', { userData: [['ticket-owner', 'x', true]] }),
      row('3', { status: 'error', error: 'HostNotFound', owner: 'bob' }),
    ];
    const keys = (line: string) => arrange(list, filter(line), 'address').map((r) => r.key);
    assert.deepEqual(keys('backup'), ['1']);
    assert.deepEqual(keys('ticket-owner'), ['2'], 'a userData key is searched too');
    assert.deepEqual(keys('hostnotfound'), ['3']);
    assert.deepEqual(keys('status:error owner:bob'), ['3']);
  });
});

describe('natural order of addresses', () => {
  it('orders IPv4 numerically, names with numbers as numbers, IPv4 before IPv6 before names', () => {
    const addresses = ['rx-10.example.com', '10.0.0.17', 'rx-2.example.com', '10.0.0.5', '2001:db8::1', 'Alpha.example', '9.9.9.9'];
    const sorted = [...addresses].sort((a, b) => (addressSortKey(a) < addressSortKey(b) ? -1 : 1));
    assert.deepEqual(sorted, ['9.9.9.9', '10.0.0.5', '10.0.0.17', '2001:db8::1', 'Alpha.example', 'rx-2.example.com', 'rx-10.example.com']);
  });
});

describe('an order that stays put under live numbers', () => {
  it('keeps a rate sort between list changes, and re-sorts after RESORT_MS', () => {
    const order = new ServerOrder();
    const a = row('a', { sendRateAverage: 10 });
    const b = row('b', { sendRateAverage: 20 });
    assert.deepEqual(order.update(rowsOf(a, b), filter(''), 'rate', { listChanged: true, changed: [] }, 0), ['b', 'a']);
    const moved = rowsOf({ ...a, sendRateAverage: 99 }, b);
    assert.equal(
      order.update(moved, filter(''), 'rate', { listChanged: false, changed: ['a'] }, 1000),
      undefined,
      'no reorder under the pointer',
    );
    assert.deepEqual(order.update(moved, filter(''), 'rate', { listChanged: false, changed: ['a'] }, RESORT_MS + 1), ['a', 'b']);
  });

  it('adds and drops a row in place when its change makes it match the filter or not', () => {
    const order = new ServerOrder();
    const f = filter('status:error');
    const rows = rowsOf(row('a', { status: 'error' }), row('b'), row('c', { status: 'error' }));
    assert.deepEqual(order.update(rows, f, 'address', { listChanged: true, changed: [] }, 0), ['a', 'c']);
    rows.set('b', row('b', { status: 'error' }));
    assert.deepEqual(order.update(rows, f, 'address', { listChanged: false, changed: ['b'] }, 10), ['a', 'b', 'c']);
    rows.set('a', row('a'));
    assert.deepEqual(order.update(rows, f, 'address', { listChanged: false, changed: ['a'] }, 20), ['b', 'c']);
  });
});

describe('what input boxes read', () => {
  it('reads the units people write for rates, and says what it understood', () => {
    const kbps = (t: string) => {
      const r = parseRate(t, english);
      return r && 'value' in r ? [r.value, r.understood] : r;
    };
    assert.deepEqual(kbps('800'), [800, '800 kbit/s']);
    assert.deepEqual(kbps('100Mbit'), [100_000, '100 Mbit/s']);
    assert.deepEqual(kbps('100 Mbit/s'), [100_000, '100 Mbit/s']);
    assert.deepEqual(kbps('100 MB/s'), [800_000, '800 Mbit/s'], 'bytes are eight bits');
    assert.deepEqual(kbps('2.5G'), [2_500_000, '2.5 Gbit/s']);
    assert.deepEqual(kbps('1 Gbps'), [1_000_000, '1 Gbit/s']);
    assert.equal(parseRate('', english), undefined);
    for (const bad of ['fast', '-5', '0', '100 Tbit/s']) assert.ok('error' in parseRate(bad, english)!, bad);
  });

  it('reads name=value lists and host:port', () => {
    assert.deepEqual(parsePairs('a=0.3, b=0.7', true, english), { value: { a: 0.3, b: 0.7 }, understood: 'a = 0.3, b = 0.7' });
    assert.ok('error' in parsePairs('a=x', true, english));
    assert.deepEqual(parseHostPort('rx.example.com', 8886, english), {
      value: { host: 'rx.example.com', port: 8886 },
      understood: 'rx.example.com, port 8886',
    });
    assert.deepEqual(parseHostPort('[::1]:9000', 8886, english), { value: { host: '::1', port: 9000 }, understood: '::1, port 9000' });
    assert.ok('error' in parseHostPort('a:b:c', 8886, english));
  });
});

describe('the words of rows', () => {
  it('says the most important thing first', () => {
    assert.equal(
      describeRow(row('a', { sendRateAverage: 61_500, sendRateMax: 100_000, numTransfersQueued: 3 }), english),
      '61.5 / 100 Mbit/s · 3 queued',
    );
    assert.equal(describeRow(row('a', { status: 'error', error: 'Could not resolve host' }), english), 'error: Could not resolve host');
    assert.equal(describeRow(row('a', { status: 'disconnected', sendRateMax: 0 }), english), 'disconnected · max 0 kbit/s');
    assert.equal(destinationCount(3, 25, true, english), '3 of 25 destinations');
    assert.equal(destinationCount(1, 1, false, english), '1 destination');
  });

  it('gives each error kind its own words and fix', () => {
    const e = (code: JetStreamError['code'], details = {}) => serverProblem(new JetStreamError(code, 'm', details), english);
    assert.deepEqual(e('AuthFailed', { credential: 'password' }), { title: 'Password refused', fix: 'signIn' });
    assert.deepEqual(e('AuthFailed', { credential: 'token' }), { title: 'API token refused', fix: 'signIn' });
    assert.deepEqual(e('InvalidRequest'), { title: 'Request refused: is this the JetStream API?', fix: 'editServer' });
    assert.deepEqual(e('PermissionDenied'), { title: 'Permission denied', fix: 'superuser' });
    assert.deepEqual(e('Unreachable'), { title: 'Server unreachable', fix: 'retry' });
  });

  it('says a URL that answers HTTP 405 with a web page is likely not the API, and offers Edit Server, not Retry', async (t) => {
    // A web server where the API was expected: it refuses POST with its own page, no JetStream error.
    const web = createServer((_req, res) => res.writeHead(405, { 'content-type': 'text/html' }).end('<h1>Method Not Allowed</h1>'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    t.after(() => web.close());
    const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    const client = JetStreamClient.create({ transport: 'http', name: 'web', url });
    t.after(() => client.close());
    const error = await client.getServerInfo().then(
      () => assert.fail('a web page is no server info'),
      (e: unknown) => e as JetStreamError,
    );
    assert.match(error.message, /HTTP 405; is .* the JetStream API\?/);
    assert.deepEqual(serverProblem(error, english), { title: 'Request refused: is this the JetStream API?', fix: 'editServer' });
  });

  it('calls a destination stale when its snapshot lags the server clock by more than 10 s', () => {
    const d = (snapshotTime: number) => record(1, { snapshotTime }) as never;
    assert.equal(destinationStatus(d(T - 10_000_001), T), 'stale');
    assert.equal(destinationStatus(d(T - 1), T), 'connected');
  });
});
