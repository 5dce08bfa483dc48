/**
 * Check Server Compatibility against the simulator (http and the console as documented) and against a
 * server whose answers differ from the reference page the way a newer or older one might.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JetStreamClient } from '../../src/api/client';
import { checkCompatibility, reportMarkdown } from '../../src/model/compat';
import { startSimulator, type Simulator } from '../../sim/server';
import { startCannedServer } from '../support/cannedServer';
import { record } from '../fixtures/records';

const root = path.resolve(import.meta.dirname, '../..');
let sim: Simulator;
before(async () => {
  sim = await startSimulator({ port: 0, tickMs: 0, seed: 3, destinations: 8 });
  await sim.world.handle('sim.tick', { count: 3 }, { user: 'admin', password: 'admin' }, false);
});
after(() => sim.close());

describe('Check Server Compatibility', () => {
  it('reports every read-only command working against the simulator, with how each was sent', async () => {
    const client = JetStreamClient.create({ transport: 'http', name: 'lab', url: sim.url, user: 'demo', password: 'demo' });
    const report = await checkCompatibility(client, { transport: 'http' });
    assert.deepEqual(
      report.steps.map((s) => [s.command, s.ok]),
      [
        ['getServerInfo', true],
        ['send.getDestinations', true],
        ['send.getDestination', true],
        ['send.getConnections', true],
      ],
    );
    assert.equal(report.version, '2.9.2');
    for (const s of report.steps) assert.deepEqual([s.unknownFields, s.mismatches], [[], []], s.command);
  });

  it('says which form the console accepted: the bare names of the vendor docs', async () => {
    const url = new URL(sim.url);
    const client = JetStreamClient.create({
      transport: 'cli',
      name: 'lab',
      host: url.hostname,
      port: Number(url.port),
      consolePath: path.join(root, 'sim/python/bin/jetstream'),
      user: 'demo',
      password: 'demo',
    });
    const report = await checkCompatibility(client, { transport: 'cli' });
    assert.ok(
      report.steps.every((s) => s.ok),
      JSON.stringify(report.steps),
    );
    assert.deepEqual(
      report.steps.map((s) => s.sentAs),
      ['getServerInfo', 'getDestinations', 'getDestination', 'getConnections'],
    );
  });

  it('lists unknown fields, missing fields and type mismatches, and a failing command, without any secret', async () => {
    const odd = record(1, { futureField: { x: 1 }, numTransfersQueued: 'many' });
    delete odd.socketSendBufferSize;
    const server = await startCannedServer((command) => {
      if (command === 'send.getDestinations') return { result: [odd, record(2)] };
      if (command === 'send.getDestination') return { result: odd };
      if (command === 'send.getConnections')
        return { status: 403, error: { code: 'PermissionDenied', message: "user 'jo' (password s3cret!) may not" } };
      return undefined;
    });
    try {
      const client = JetStreamClient.create({ transport: 'http', name: 'odd', url: server.url, user: 'jo', password: 's3cret!' });
      const report = await checkCompatibility(client, { transport: 'http' });
      const list = report.steps[1]!;
      assert.equal(list.ok, true);
      assert.equal(list.records, 2);
      assert.deepEqual(list.unknownFields, ['futureField']);
      assert.ok(list.missingFields.includes('socketSendBufferSize'));
      assert.deepEqual(
        list.mismatches.map((m) => [m.field, m.count]),
        [['numTransfersQueued', 1]],
      );
      assert.equal(report.steps[3]!.ok, false);
      assert.equal(report.steps[3]!.errorCode, 'PermissionDenied');
      const text = reportMarkdown(report, 'test');
      assert.match(text, /send\.getDestinations.*ok/);
      assert.match(text, /futureField/);
      assert.ok(!text.includes('s3cret'), text);
    } finally {
      await server.close();
    }
  });
});
