/** Plan and Export of destinations files: every kind of change, worked out before anything is sent. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JetStreamClient } from '../../src/api/client';
import { Destination } from '../../src/api/schemas';
import { DestinationsFile, destinationsFileJsonSchema } from '../../src/model/destinationsFile';
import { exportFile, plan } from '../../src/model/plan';
import { startSimulator, type Simulator } from '../../sim/server';
import { record } from '../fixtures/records';

const on = (i: number, over: Record<string, unknown> = {}) => Destination.parse(record(i, over));
const file = (destinations: unknown[], prune = false) => DestinationsFile.parse({ server: 'lab', prune, destinations });

describe('plan', () => {
  it('creates what the server lacks and leaves alone what matches, identified by address and port', () => {
    const actual = [on(1), on(2, { destinationPort: 9000 })];
    const p = plan(
      file([
        { destinationAddress: 'RX-1.example.com' },
        { destinationAddress: 'rx-2.example.com', destinationPort: 9000 },
        { destinationAddress: 'rx-2.example.com', sendRateMax: 5000 },
      ]),
      actual,
    );
    assert.equal(p.unchanged, 2, 'the address in another case and the default port 8886 name the same destination');
    assert.deepEqual(p.steps, [
      { kind: 'create', label: 'rx-2.example.com:8886', params: { destinationAddress: 'rx-2.example.com', sendRateMax: 5000 } },
    ]);
  });

  it('sets and removes only the userData keys the file names, with their values now', () => {
    const actual = [on(1, { userData: { keep: 'me', note: 'old', gone: 'soon' } })];
    const p = plan(
      file([{ destinationAddress: 'rx-1.example.com', userData: { note: 'new', added: 'yes', gone: null, never: null } }]),
      actual,
    );
    assert.deepEqual(p.steps, [
      {
        kind: 'userData',
        label: 'rx-1.example.com:8886',
        id: 'd-1',
        set: { note: { now: 'old', wanted: 'new' }, added: { now: undefined, wanted: 'yes' } },
        remove: { gone: 'soon' },
      },
    ]);
  });

  it('replaces a destination whose other parameters differ, keeping its userData under the file’s', () => {
    const actual = [on(1, { sendRateMax: 1000, userData: { keep: 'me', note: 'old' }, priorityLanes: { b: 0.5, a: 0.25 } })];
    const p = plan(
      file([{ destinationAddress: 'rx-1.example.com', sendRateMax: 2000, priorityLanes: { a: 0.25, b: 0.5 }, userData: { note: 'new' } }]),
      actual,
    );
    assert.equal(p.steps.length, 1);
    const step = p.steps[0]!;
    assert.equal(step.kind, 'replace');
    if (step.kind !== 'replace') return;
    assert.deepEqual(step.differences, [{ field: 'sendRateMax', now: 1000, wanted: 2000 }], 'lanes in another order are the same lanes');
    assert.deepEqual(step.params.userData, { keep: 'me', note: 'new' });
  });

  it('deletes what the file does not list only with prune', () => {
    const actual = [on(1), on(2)];
    assert.deepEqual(plan(file([{ destinationAddress: 'rx-1.example.com' }]), actual).steps, []);
    assert.deepEqual(plan(file([{ destinationAddress: 'rx-1.example.com' }], true), actual).steps, [
      { kind: 'delete', label: 'rx-2.example.com:8886', id: 'd-2' },
    ]);
  });

  it('refuses a file that is not valid, saying where', () => {
    const bad = DestinationsFile.safeParse({
      server: 'lab',
      destinations: [{ destinationAddress: 'not an address!' }, { destinationAddress: 'a.example.com', colour: 'red' }],
    });
    assert.equal(bad.success, false);
    const where = bad.error!.issues.map((i) => i.path.join('.'));
    assert.ok(where.includes('destinations.0.destinationAddress'), where.join(', '));
    assert.ok(
      where.some((w) => w.startsWith('destinations.1')),
      where.join(', '),
    );
    const lanes = DestinationsFile.safeParse({
      server: 'lab',
      destinations: [{ destinationAddress: 'a.example.com', transferDefaults: { priorityLane: 'fast' } }],
    });
    assert.match(lanes.error!.issues[0]!.message, /"fast" is not one of the destination's priority lanes/);
  });

  it('gives the editor a JSON schema of the same fields', () => {
    const schema = destinationsFileJsonSchema() as { properties: { destinations: { items: { properties: Record<string, unknown> } } } };
    const fields = Object.keys(schema.properties.destinations.items.properties).sort();
    assert.ok(fields.includes('destinationAddress') && fields.includes('userData') && fields.includes('priorityLanes'), fields.join(', '));
  });
});

describe('export', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ port: 0, tickMs: 0, seed: 21, destinations: 40 });
    await sim.world.handle('sim.tick', { count: 3 }, { user: 'admin', password: 'admin' }, false);
  });
  after(() => sim.close());

  it('writes a file that plans to no change against the same server', async () => {
    const c = JetStreamClient.create({ transport: 'http', name: 'lab', url: sim.url, user: 'admin', password: 'admin', superuser: true });
    const actual = await c.getDestinations();
    const { file: exported } = exportFile('lab', actual);
    assert.equal(exported.destinations.length, actual.length);
    const reread = DestinationsFile.parse(JSON.parse(JSON.stringify(exported)));
    assert.deepEqual(plan(reread, actual), { server: 'lab', steps: [], unchanged: actual.length });
    await c.close();
  });
});
