/**
 * Copy as Console Command: the copied text, run in a shell against the console stand-in written from
 * the vendor's docs, does what the action does; it is quoted for the shell and holds no secret.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JetStreamClient } from '../../src/api/client';
import { consoleCommand } from '../../src/model/consoleCommand';
import type { ServerProfile } from '../../src/model/profiles';
import { startSimulator, type Simulator } from '../../sim/server';

const VENDOR_CONSOLE = path.resolve(__dirname, '../../sim/python/bin/jetstream');
let sim: Simulator;
let profile: ServerProfile;
let demo: JetStreamClient;

before(async () => {
  sim = await startSimulator({ port: 0, tickMs: 0, seed: 5, destinations: 3 });
  const port = Number(new URL(sim.url).port);
  profile = { name: 'lab', transport: 'cli', host: '127.0.0.1', port, user: 'demo', superuser: false, consolePath: VENDOR_CONSOLE };
  demo = JetStreamClient.create({ transport: 'http', name: 'x', url: sim.url, user: 'demo', password: 'demo' });
});
after(async () => {
  await demo.close();
  await sim.close();
});

/** Runs a copied command line as a user's shell would, with the password where the console reads it (not blocking: the simulator answers on this thread). */
async function run(line: string): Promise<string> {
  const { stdout } = await promisify(execFile)('sh', ['-c', line], {
    encoding: 'utf8',
    env: { ...process.env, JETSTREAM_API_PASSWORD: 'demo' },
  });
  return stdout;
}

describe('console commands', () => {
  it('creates, sets userData on, reads and deletes a destination when run in a shell', async () => {
    const params = { destinationAddress: 'copied.example.com', sendRateMax: 50_000, userData: { note: "it's quoted; $HOME stays" } };
    await run(consoleCommand(profile, 'send.createDestination', params, 'posix'));
    const created = (await demo.getDestinations()).find((d) => d.destinationAddress === 'copied.example.com');
    assert.ok(created, 'created by the copied command');
    assert.equal(created.sendRateMax, 50_000);
    assert.deepEqual(created.userData, { note: "it's quoted; $HOME stays" });

    await run(
      consoleCommand(profile, 'send.updateObjectUserData', { objectId: created.destinationId, userData: { ticket: 'OPS 7' } }, 'posix'),
    );
    assert.equal((await demo.getDestination(created.destinationId)).userData?.ticket, 'OPS 7');

    const shown = JSON.parse(
      await run(consoleCommand(profile, 'send.getDestination', { destinationId: created.destinationId }, 'posix')),
    ) as {
      destinationAddress: string;
    };
    assert.equal(shown.destinationAddress, 'copied.example.com');

    await run(consoleCommand(profile, 'send.deleteDestination', { destinationId: created.destinationId }, 'posix'));
    assert.ok(!(await demo.getDestinations()).some((d) => d.destinationAddress === 'copied.example.com'));
  });

  it('names the bare command and the documented options, with no secret', () => {
    const line = consoleCommand({ ...profile, consolePath: undefined }, 'send.getDestination', { destinationId: 'rx 1' }, 'posix');
    assert.equal(
      line,
      `jetstream api --host 127.0.0.1 --api-control-port ${profile.port} --user demo getDestination '--destinationId=rx 1'`,
    );
    assert.doesNotMatch(line, /demo.*demo.*demo|password/i);
  });

  it('quotes for PowerShell on Windows, and reaches an http profile’s host on the API port', () => {
    const http: ServerProfile = { name: 'gw', transport: 'http', url: 'https://gw.example.com:8443', user: 'ops', superuser: false };
    assert.equal(
      consoleCommand(http, 'send.updateObjectUserData', { objectId: 'a', userData: { k: "it's" } }, 'powershell'),
      `jetstream api --host gw.example.com --api-control-port 8886 --user ops updateObjectUserData --objectId=a '--userData={"k":"it''s"}'`,
    );
    assert.match(
      consoleCommand({ ...profile, consolePath: 'C:\\Program Files\\JetStream\\jetstream.exe' }, 'getServerInfo', {}, 'powershell'),
      /^& 'C:\\Program Files/,
    );
  });
});
