/** Fault injection: every fault by option and by sim.setFaults, and sim.* commands staying exempt. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as z from 'zod';
import { Connection, Destination, ErrorEnvelope, ServerInfo } from '../../src/api/schemas';
import { type CallAuth, postCommand } from '../../sim/client';
import type { Simulator } from '../../sim/server';
import { start } from '../support/simulators';

const DEMO: CallAuth = { user: 'demo', password: 'demo' };
const ADMIN: CallAuth = { user: 'admin', password: 'admin' };

async function setFaults(sim: Simulator, faults: Record<string, number | string[]>) {
  const answer = await postCommand(sim.url, 'sim.setFaults', faults, ADMIN);
  assert.equal(answer.status, 200, answer.text);
}

async function result(sim: Simulator, command: string, params: unknown = {}, auth: CallAuth = DEMO): Promise<unknown> {
  const answer = await postCommand(sim.url, command, params, auth);
  assert.equal(answer.status, 200, answer.text);
  return (JSON.parse(answer.text) as { result: unknown }).result;
}

const destinationCount = async (sim: Simulator) => ((await result(sim, 'send.getDestinations')) as unknown[]).length;

describe('faults', () => {
  test('latencyMs delays every answer except sim.* commands', async () => {
    const sim = await start();
    await setFaults(sim, { latencyMs: 1500 });
    let started = performance.now();
    await result(sim, 'getServerInfo', {}, {});
    assert.ok(performance.now() - started >= 1490, 'getServerInfo is delayed');
    started = performance.now();
    await result(sim, 'send.getDestinations');
    assert.ok(performance.now() - started >= 1490, 'send.getDestinations is delayed');
    started = performance.now();
    await result(sim, 'sim.getFaults', {}, ADMIN);
    assert.ok(performance.now() - started < 1490, 'sim.getFaults is not');
  });

  test('errorRate 1: every command answers ServerError 500 before it runs; sim.* still works', async () => {
    const sim = await start({ faults: { errorRate: 1 } });
    for (const [command, params] of [
      ['getServerInfo', {}],
      ['send.createDestination', { destinationAddress: 'never.example.com' }],
    ] as const) {
      const answer = await postCommand(sim.url, command, params, DEMO);
      assert.equal(answer.status, 500);
      assert.equal(ErrorEnvelope.parse(JSON.parse(answer.text)).error.code, 'ServerError');
    }
    assert.equal(((await result(sim, 'sim.getFaults', {}, ADMIN)) as { errorRate: number }).errorRate, 1);
    await setFaults(sim, { errorRate: 0 });
    assert.equal(await destinationCount(sim), 0, 'the failed create did not happen');
  });

  test('errorRate 0.5 fails about half the calls, the same ones for the same seed', async () => {
    const statuses = async () => {
      const sim = await start({ seed: 11, faults: { errorRate: 0.5 } });
      const seen: number[] = [];
      for (let i = 0; i < 40; i++) seen.push((await postCommand(sim.url, 'getServerInfo', {})).status);
      return seen;
    };
    const first = await statuses();
    const failures = first.filter((s) => s === 500).length;
    assert.ok(failures > 8 && failures < 32, `${failures} of 40 failed`);
    assert.ok(first.every((s) => s === 200 || s === 500));
    assert.deepEqual(await statuses(), first);
  });

  test('resetRate 1: the connection drops in the middle of the body; the command did run', async () => {
    const sim = await start();
    await setFaults(sim, { resetRate: 1 });
    await assert.rejects(postCommand(sim.url, 'send.createDestination', { destinationAddress: 'reset.example.com' }, DEMO));
    await assert.rejects(postCommand(sim.url, 'getServerInfo', {}));
    await setFaults(sim, { resetRate: 0 });
    assert.equal(await destinationCount(sim), 1);
  });

  test('truncateRate 1: a 200 whose JSON is cut short', async () => {
    const sim = await start({ faults: { truncateRate: 1 } });
    const answer = await postCommand(sim.url, 'getServerInfo', {});
    assert.equal(answer.status, 200);
    assert.ok(answer.text.startsWith('{"result":{"apiVersion":40'));
    assert.throws(() => JSON.parse(answer.text), SyntaxError);
  });

  test('schemaRate 1: a 200 with valid JSON that fails the schema of every result', async () => {
    const sim = await start({ destinations: 12, seed: 2 });
    const { destinationId } = Destination.parse(await result(sim, 'send.createDestination', { destinationAddress: 'schema.example.com' }));
    await result(sim, 'sim.tick', { count: 3 }, ADMIN);
    const everything = { ...ADMIN, superuser: true };
    const cases: [string, unknown, z.ZodType][] = [
      ['getServerInfo', {}, ServerInfo],
      ['send.getDestinations', {}, z.array(Destination)],
      ['send.getDestination', { destinationId }, Destination],
      ['send.getConnections', {}, z.array(Connection)],
      // The simulator's userData is text: a value of another type is what the fault breaks.
      ['send.updateObjectUserData', { objectId: destinationId, userData: { k: 'v' } }, z.record(z.string(), z.string())],
      ['send.deleteDestination', { destinationId }, z.null()],
    ];
    for (const [command, params, schema] of cases) {
      await setFaults(sim, { schemaRate: 0 });
      if (command !== 'send.deleteDestination')
        assert.ok(schema.safeParse(await result(sim, command, params, everything)).success, `${command} is valid without the fault`);
      await setFaults(sim, { schemaRate: 1 });
      assert.equal(schema.safeParse(await result(sim, command, params, everything)).success, false, `${command} breaks its schema`);
    }
  });

  test('hugeBodyBytes pads every answer, which stays valid', async () => {
    const sim = await start({ faults: { hugeBodyBytes: 3 * 2 ** 20 } });
    const answer = await postCommand(sim.url, 'getServerInfo', {});
    assert.ok(answer.text.length > 3 * 2 ** 20);
    assert.equal(ServerInfo.parse((JSON.parse(answer.text) as { result: unknown }).result).apiVersion, 40);
  });

  test('sim.setFaults validates its fields, merges them, and is for superusers only', async () => {
    const sim = await start();
    const refuse = async (params: unknown, auth: CallAuth, code: string, pattern: RegExp) => {
      const answer = await postCommand(sim.url, 'sim.setFaults', params, auth);
      const { error } = ErrorEnvelope.parse(JSON.parse(answer.text));
      assert.equal(error.code, code);
      assert.match(error.message, pattern);
    };
    await refuse({ errorRate: 1.5 }, ADMIN, 'InvalidParameter', /'errorRate'/);
    await refuse({ latencyMs: -1 }, ADMIN, 'InvalidParameter', /'latencyMs'/);
    await refuse({ dropRate: 0.1 }, ADMIN, 'InvalidParameter', /unknown parameter 'dropRate'/);
    await refuse({ errorRate: 0.1 }, DEMO, 'PermissionDenied', /superusers/);
    await setFaults(sim, { truncateRate: 0.25 });
    await setFaults(sim, { latencyMs: 5 });
    assert.deepEqual(await result(sim, 'sim.getFaults', {}, ADMIN), {
      latencyMs: 5,
      errorRate: 0,
      resetRate: 0,
      truncateRate: 0.25,
      schemaRate: 0,
      hugeBodyBytes: 0,
      only: [],
    });
  });

  test('faults only the commands named in `only`, so one write can lose its answer while reads work', async () => {
    const sim = await start({ destinations: 3, seed: 4 });
    const { destinationId } = Destination.parse(await result(sim, 'send.createDestination', { destinationAddress: 'only.example.com' }));
    await setFaults(sim, { errorRate: 1, only: ['send.updateObjectUserData'] });
    const write = await postCommand(sim.url, 'send.updateObjectUserData', { objectId: destinationId, userData: { k: 'v' } }, DEMO);
    assert.equal(write.status, 500);
    assert.ok(Destination.safeParse(await result(sim, 'send.getDestination', { destinationId })).success, 'a read is not faulted');
  });
});
