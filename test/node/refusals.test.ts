/**
 * "A refused password is never sent again by itself" (PAM locks OS accounts after a few refusals), in
 * the orders a real session meets: operations after a refusal, overlapping edits, a profile edited or a
 * sign-in made while a call is on its way, another window storing secrets, a slow certificate read.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { JetStreamClient } from '../../src/api/client';
import { HttpTransport } from '../../src/api/httpTransport';
import { openClient } from '../../src/model/clients';
import { checkCompatibility } from '../../src/model/compat';
import { Engine } from '../../src/model/engine/engine';
import type { ServerProfile } from '../../src/model/profiles';
import { DestinationStore } from '../../src/model/store';
import type { Simulator } from '../../sim/server';
import { start } from '../support/simulators';

const ADMIN = { user: 'admin', password: 'admin' };
const root = path.resolve(import.meta.dirname, '../..');
const vendorConsole = path.join(root, 'sim/python/bin/jetstream');

const failedOf =
  (sim: Simulator) =>
  async (user = 'demo') =>
    ((await sim.world.handle('sim.getStats', {}, ADMIN, false)) as { credentialAttempts: Record<string, { failed: number }> })
      .credentialAttempts[user]?.failed ?? 0;
const faults = (sim: Simulator, f: Record<string, unknown>) => sim.world.handle('sim.setFaults', f, ADMIN, false);

const httpProfile = (sim: Simulator, over: Partial<ServerProfile> = {}): ServerProfile => ({
  name: 'lab',
  transport: 'http',
  url: sim.url,
  user: 'demo',
  superuser: false,
  ...over,
});
const cliProfile = (sim: Simulator): ServerProfile => {
  const u = new URL(sim.url);
  return {
    name: 'lab',
    transport: 'cli',
    host: u.hostname,
    port: Number(u.port),
    user: 'demo',
    superuser: false,
    consolePath: vendorConsole,
  };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a refused password, sent once', () => {
  it('Check Compatibility over the console sends a refused password once', async () => {
    const sim = await start({ destinations: 5 });
    const failed = failedOf(sim);
    const store = new DestinationStore((p) => openClient(p, { password: 'wrong' }));
    store.setProfiles([cliProfile(sim)]);
    await store.withClient('lab', (c) => checkCompatibility(c, { transport: 'cli' }));
    assert.equal(store.server('lab')!.credentialsRefused, true);
    assert.equal(await failed(), 1, 'refused attempts in one compatibility check');
  });

  it('two overlapping userData edits over the console: no read with the refused password after both were refused', async () => {
    const sim = await start({ destinations: 5 });
    const failed = failedOf(sim);
    let password = 'demo';
    const engine = new Engine({ post: () => undefined, secret: async () => ({ password }) });
    engine.store.setProfiles([cliProfile(sim)]);
    await engine.store.refresh('lab');
    const key = [...engine.store.server('lab')!.destinations.keys()][0]!;
    // The user signs in with a wrong password and at once makes two edits of one destination.
    password = 'wrong';
    engine.store.credentialsChanged('lab', { signedIn: true });
    await Promise.all([
      engine.run({ op: 'editUserData', server: 'lab', key, set: { note: 'a' } }),
      engine.run({ op: 'editUserData', server: 'lab', key, set: { note: 'b' } }),
    ]);
    engine.dispose();
    assert.equal(await failed(), 2, 'the two edits sent at once, and nothing after their refusal');
  });

  it('an edit refused for the old profile does not mark the edited profile refused', async () => {
    const sim = await start({ destinations: 5 });
    const failed = failedOf(sim);
    // The old profile's user has a wrong password; the edited one (another user) a right one.
    const passwords: Record<string, string> = { demo: 'wrong', admin: 'admin' };
    const store = new DestinationStore((p) => openClient(p, { password: passwords[p.user!] }));
    store.setProfiles([httpProfile(sim)]);
    await faults(sim, { latencyMs: 300, only: ['send.updateObjectUserData'] });
    const edit = store.withClient('lab', (c) => c.updateObjectUserData('1', { note: 'x' })).catch((e: Error) => e);
    await sleep(50); // the edit is on its way
    store.setProfiles([httpProfile(sim, { user: 'admin' })]); // settings.json edited: another user
    const e = await edit;
    await faults(sim, { latencyMs: 0, only: [] });
    assert.equal((e as { code?: string }).code, 'AuthFailed');
    await store.refresh('lab');
    const s = store.server('lab')!;
    assert.equal(await failed('demo'), 1);
    assert.equal(s.phase, 'ok', `the edited profile was tried: ${s.error?.message}; credentialsRefused=${s.credentialsRefused}`);
  });

  it('a change event that does not change the secret, during a refused refresh, does not send it again', async () => {
    const sim = await start({ destinations: 5 });
    const failed = failedOf(sim);
    const store = new DestinationStore((p) => openClient(p, { password: 'wrong' }));
    store.setProfiles([httpProfile(sim)]);
    await faults(sim, { latencyMs: 200, only: ['send.getDestinations'] });
    const first = store.refresh('lab');
    await sleep(50); // its request is on its way
    store.credentialsChanged('lab', { signedIn: false }); // e.g. a change event of this window's own writes
    await first;
    await faults(sim, { latencyMs: 0, only: [] });
    await store.refresh('lab');
    assert.equal(await failed(), 1, 'refused attempts with the one unchanged password');
  });

  it('another window storing A, B, then A again: this window does not send A a second time', async () => {
    const sim = await start({ destinations: 5 });
    const failed = failedOf(sim);
    let stored = 'wrong-a';
    const store = new DestinationStore((p) => openClient(p, { password: stored }));
    store.setProfiles([httpProfile(sim)]);
    await store.refresh('lab'); // A refused
    stored = 'wrong-b';
    store.credentialsChanged('lab', { signedIn: false });
    await store.refresh('lab'); // B refused
    stored = 'wrong-a';
    store.credentialsChanged('lab', { signedIn: false });
    await store.refresh('lab'); // A again?
    assert.equal(await failed(), 2, 'A and B once each');
  });

  it('a sign-in while the client is being opened (pinned certificate read) is tried', async () => {
    const sim = await start({ destinations: 5 });
    const dir = mkdtempSync(path.join(tmpdir(), 'review-ca-'));
    const ca = path.join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'.repeat(200));
    let password = 'wrong';
    const refreshes: Promise<void>[] = [];
    let opened = 0;
    const store = new DestinationStore(async (p, secretRead) => {
      const secret = { password }; // the secret is read (as host.secret answers) ...
      secretRead();
      if (opened++ === 0) {
        // ... and while openClient reads the pinned certificate, the user's Sign In reaches the engine.
        setImmediate(() => {
          password = 'demo';
          store.credentialsChanged('lab', { signedIn: true });
          refreshes.push(store.refresh('lab'));
        });
      }
      return openClient({ ...p, ca }, secret);
    });
    store.setProfiles([httpProfile(sim)]);
    const shown: string[] = [];
    store.onDidChange(
      () => store.server('lab')!.error && shown.push(`${store.server('lab')!.error!.code}: ${store.server('lab')!.error!.message}`),
    );
    refreshes.push(store.refresh('lab'));
    await sleep(100);
    await Promise.all(refreshes);
    const s = store.server('lab')!;
    assert.equal(s.phase, 'ok', `the new password was tried: ${s.error?.code} ${s.error?.message} (opened ${opened})`);
    assert.deepEqual(shown, [], 'no error shown on the way');
  });

  for (const transport of ['http', 'cli'] as const) {
    it(`${transport}: a sign-in between the secret read and the client's opening (openClient's readFile(ca)) is tried, and no error not the server's is shown`, async () => {
      const sim = await start({ destinations: 5 });
      let password = 'wrong';
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let opened = 0;
      const store = new DestinationStore(async (p, secretRead) => {
        const secret = { password };
        secretRead();
        if (opened++ === 0) await held; // readFile(profile.ca) in openClient
        return openClient(p, secret);
      });
      store.setProfiles([transport === 'http' ? httpProfile(sim) : cliProfile(sim)]);
      const shown: string[] = [];
      store.onDidChange(
        () => store.server('lab')!.error && shown.push(`${store.server('lab')!.error!.code}: ${store.server('lab')!.error!.message}`),
      );
      const refreshes = [store.refresh('lab')];
      await sleep(20);
      password = 'demo';
      store.credentialsChanged('lab', { signedIn: true });
      refreshes.push(store.refresh('lab'));
      release();
      await Promise.all(refreshes);
      const s = store.server('lab')!;
      assert.equal(s.phase, 'ok', `the new password was tried: ${s.error?.code} ${s.error?.message}`);
      assert.deepEqual(shown, [], 'no error shown on the way');
    });
  }

  it('tries the password the user signs in with, when a refresh with the old one is refused meanwhile', async () => {
    const sim = await start({ destinations: 5 });
    // The refresh with the old password is on its way when the user signs in; its refusal arrives after.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const passwords = ['wrong', 'demo'];
    const refreshes: Promise<void>[] = [];
    const store = new DestinationStore(async (p) => {
      const http = new HttpTransport({ name: p.name, url: p.url!, user: p.user, password: passwords.shift()! });
      const first = passwords.length === 1;
      return new JetStreamClient(p.name, {
        endpoint: http.endpoint,
        call: async (command, params, options) => {
          if (first) await held;
          return http.call(command, params, options);
        },
        sentAs: (command) => http.sentAs(command),
        // As undici's close: the refresh already on its way still gets its answers.
        close: async () => (first && (await refreshes[0]), http.close()),
      });
    });
    store.setProfiles([httpProfile(sim)]);
    refreshes.push(store.refresh('lab'));
    await new Promise((r) => setTimeout(r, 50));
    store.credentialsChanged('lab', { signedIn: true });
    refreshes.push(store.refresh('lab'));
    release();
    await Promise.all(refreshes);
    const state = store.server('lab')!;
    assert.equal(state.phase, 'ok', `the new password was tried (${state.error?.message ?? ''})`);
    assert.ok(state.destinations.size > 0);
  });

  it('sends a refused password once, also when it was read after the sign-in that stored it', async () => {
    const sim = await start({ destinations: 5 });
    const failed = failedOf(sim);
    // The first refresh asks for its secret before the user signs in, and gets it after: the new one.
    let password = 'wrong';
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let opened = 0;
    const store = new DestinationStore(async (p) => {
      if (opened++ === 0) await held;
      const http = new HttpTransport({ name: p.name, url: p.url!, user: p.user, password });
      // As the console's: closing a client does not stop a call it has yet to make.
      return new JetStreamClient(p.name, {
        endpoint: http.endpoint,
        call: http.call.bind(http),
        sentAs: http.sentAs.bind(http),
        close: async () => undefined,
      });
    });
    store.setProfiles([httpProfile(sim)]);
    const before = await failed();
    const refreshes = [store.refresh('lab')];
    password = 'still-wrong';
    store.credentialsChanged('lab', { signedIn: true });
    refreshes.push(store.refresh('lab'));
    release();
    await Promise.all(refreshes);
    await store.refresh('lab');
    assert.equal((await failed()) - before, 1, 'one attempt with the refused password');
    assert.equal(store.server('lab')!.credentialsRefused, true);
  });

  it('never sends a refused password again because another window stored it, only when the user signs in with it', async () => {
    const sim = await start({ destinations: 5 });
    const failed = failedOf(sim);
    let stored = 'wrong';
    const store = new DestinationStore((p) => openClient(p, { password: stored }));
    store.setProfiles([httpProfile(sim)]);
    const before = await failed();
    await store.refresh('lab');
    assert.equal((await failed()) - before, 1);
    // Another window stores the same password (its change event reaches this one).
    store.credentialsChanged('lab', { signedIn: false });
    await store.refresh('lab');
    assert.equal((await failed()) - before, 1, 'the refused password is not sent again');
    assert.equal(store.server('lab')!.error?.code, 'AuthFailed', 'the row still says it was refused');
    // The user signs in here with it: their choice (the account may have been unlocked).
    store.credentialsChanged('lab', { signedIn: true });
    await store.refresh('lab');
    assert.equal((await failed()) - before, 2);
    // Another window stores a new password: tried.
    stored = 'demo';
    store.credentialsChanged('lab', { signedIn: false });
    await store.refresh('lab');
    assert.equal(store.server('lab')!.phase, 'ok');
  });

  it('says nothing of a refresh a sign-in overtook: its caller gets the answer of the refresh after it', async () => {
    const sim = await start({ destinations: 5 });
    // The sign-in closes the client of the refresh under way, as it closes any client of the old secret.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const passwords = ['old', 'demo'];
    const store = new DestinationStore(async (p) => {
      const first = passwords.length === 2;
      const http = new HttpTransport({ name: p.name, url: p.url!, user: p.user, password: passwords.shift()! });
      return new JetStreamClient(p.name, {
        endpoint: http.endpoint,
        call: async (command, params, options) => (first && (await held), http.call(command, params, options)),
        sentAs: (command) => http.sentAs(command),
        close: () => http.close(),
      });
    });
    store.setProfiles([httpProfile(sim)]);
    const errors: string[] = [];
    store.onDidChange(() => store.server('lab')!.error && errors.push(store.server('lab')!.error!.message));
    const polled = store.refresh('lab');
    await new Promise((r) => setTimeout(r, 20)); // its client open, its call on the way
    store.credentialsChanged('lab', { signedIn: true });
    release();
    await polled;
    assert.equal(store.server('lab')!.phase, 'ok', `the poll answers with the new secret’s list (${store.server('lab')!.error?.message})`);
    assert.deepEqual(errors, [], 'no "client is closed" shown on the way');
  });

  it('an edit whose password is refused marks it refused: the polls after it do not send it again', async () => {
    const sim = await start({ destinations: 5 });
    const failed = failedOf(sim);
    const store = new DestinationStore((p) => openClient(p, { password: 'changed-on-the-server' }));
    store.setProfiles([httpProfile(sim)]);
    const before = await failed();
    await assert.rejects(
      store.withClient('lab', (c) => c.updateObjectUserData('d-1', { note: 'x' })),
      (e: Error) => /refused the password/.test(e.message),
    );
    for (let i = 0; i < 3; i++) await store.refresh('lab');
    assert.equal((await failed()) - before, 1, 'one attempt with the refused password');
    assert.equal(store.server('lab')!.credentialsRefused, true);
    assert.equal(store.server('lab')!.error?.code, 'AuthFailed');
  });
});
