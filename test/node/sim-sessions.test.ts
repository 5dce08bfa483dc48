/** Sessions (`auth`, `Authorization: Session`, `superuser`) and credential statistics (`sim.getStats`) of the simulator. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as z from 'zod';
import { Destination, ErrorEnvelope } from '../../src/api/schemas';
import { type CallAuth, postCommand } from '../../sim/client';
import type { Simulator } from '../../sim/server';
import { start } from '../support/simulators';

const DEMO: CallAuth = { user: 'demo', password: 'demo' };
const ADMIN: CallAuth = { user: 'admin', password: 'admin' };
const Owners = z.array(z.object({ owner: z.string() })).transform((list) => list.map((d) => d.owner).sort());
const Stats = z.object({
  credentialAttempts: z.record(z.string(), z.object({ ok: z.number(), failed: z.number() })),
  sessions: z.number(),
  requests: z.number(),
});

async function ok<S extends z.ZodType>(sim: Simulator, schema: S, command: string, params: unknown = {}, auth: CallAuth = {}) {
  const answer = await postCommand(sim.url, command, params, auth);
  assert.equal(answer.status, 200, `${command}: ${answer.text}`);
  return schema.parse((JSON.parse(answer.text) as { result: unknown }).result);
}

/** Calls a command that must fail with `code`; returns the error message. */
async function fails(sim: Simulator, code: string, command: string, params: unknown = {}, auth: CallAuth = {}) {
  const answer = await postCommand(sim.url, command, params, auth);
  const { error } = ErrorEnvelope.parse(JSON.parse(answer.text));
  assert.equal(error.code, code, `${command}: ${error.message}`);
  return error.message;
}

/** Signs in with the `auth` command (no Authorization header) and returns the session as call credentials. */
async function signIn(sim: Simulator, params: Record<string, string>): Promise<CallAuth> {
  const { session } = await ok(sim, z.strictObject({ session: z.string().min(16) }), 'auth', params);
  return { session };
}

const stats = (sim: Simulator) => ok(sim, Stats, 'sim.getStats', {}, ADMIN);
const create = (sim: Simulator, destinationAddress: string, auth: CallAuth) =>
  ok(sim, Destination, 'send.createDestination', { destinationAddress }, auth);

describe('sessions', () => {
  test('auth is public, returns an opaque session, and refuses what Basic and Bearer refuse, with the same errors', async () => {
    const sim = await start();
    const a = await signIn(sim, { user: 'demo', password: 'demo' });
    const b = await signIn(sim, { user: 'demo', password: 'demo' });
    assert.notEqual(a.session, b.session, 'every login is a new session');
    assert.doesNotMatch(a.session ?? '', /demo/);

    const { token } = await ok(sim, z.object({ token: z.string() }), 'createAPIToken', {}, DEMO);
    await signIn(sim, { token });

    for (const [params, basic] of [
      [
        { user: 'demo', password: 'wrong' },
        { user: 'demo', password: 'wrong' },
      ],
      [
        { user: 'mallory', password: 'demo' },
        { user: 'mallory', password: 'demo' },
      ],
      [{ token: 'no-such-token' }, { token: 'no-such-token' }],
    ] as const) {
      const viaAuth = await fails(sim, 'AuthFailed', 'auth', params);
      assert.equal(viaAuth, await fails(sim, 'AuthFailed', 'send.getDestinations', {}, basic), JSON.stringify(params));
    }
    await ok(sim, z.null(), 'sim.expireToken', { token }, ADMIN);
    assert.match(await fails(sim, 'AuthFailed', 'auth', { token }), /expired/);

    assert.match(await fails(sim, 'InvalidParameter', 'auth', {}), /'user'.*'password'/);
    assert.match(await fails(sim, 'InvalidParameter', 'auth', { user: 'demo' }), /'password'/);
    assert.match(await fails(sim, 'InvalidParameter', 'auth', { user: 'demo', password: 'demo', token }), /either/);
    assert.match(await fails(sim, 'InvalidParameter', 'auth', { user: 'demo', password: 'demo', colour: 'red' }), /'colour'/);
  });

  test('Authorization: Session acts as the session’s user without checking a password again', async () => {
    const sim = await start();
    const demo = await signIn(sim, { user: 'demo', password: 'demo' });
    await create(sim, 'bob.example.com', { user: 'bob', password: 'bob' });
    const mine = await create(sim, 'session.example.com', demo);
    assert.equal(mine.owner, 'demo');
    assert.equal(mine.ownerToken, null);
    assert.deepEqual(await ok(sim, Owners, 'send.getDestinations', {}, demo), ['demo']);

    // One login: a password changed afterwards does not end the session.
    await ok(sim, z.null(), 'sim.setPassword', { user: 'demo', password: 'n3w' }, ADMIN);
    assert.deepEqual(await ok(sim, Owners, 'send.getDestinations', {}, demo), ['demo']);

    // A session opened with a token records it on new objects, as the token itself does.
    const issued = await ok(sim, z.object({ token: z.string(), tokenId: z.string(), session: z.string() }), 'createAPIToken', {}, demo);
    const viaToken = await create(sim, 'token-session.example.com', await signIn(sim, { token: issued.token }));
    assert.deepEqual([viaToken.owner, viaToken.ownerToken, viaToken.ownerTokenSession], ['demo', issued.tokenId, issued.session]);

    for (const session of ['unknown-session', `${demo.session}x`]) {
      assert.equal(await fails(sim, 'AuthRequired', 'send.getDestinations', {}, { session }), 'Session expired or unknown; sign in again');
    }
  });

  test('superuser elevates that session only; a non-superuser is refused and stays unelevated', async () => {
    const sim = await start();
    await create(sim, 'demo.example.com', DEMO);
    await create(sim, 'bob.example.com', { user: 'bob', password: 'bob' });
    await create(sim, 'admin.example.com', ADMIN);

    const admin = await signIn(sim, { user: 'admin', password: 'admin' });
    const otherAdmin = await signIn(sim, { user: 'admin', password: 'admin' });
    assert.deepEqual(await ok(sim, Owners, 'send.getDestinations', {}, admin), ['admin'], 'unelevated: only its own');
    assert.equal(await ok(sim, z.null(), 'superuser', {}, admin), null);
    assert.deepEqual(await ok(sim, Owners, 'send.getDestinations', {}, admin), ['admin', 'bob', 'demo']);
    const { destinationId } = (await ok(sim, z.array(Destination), 'send.getDestinations', {}, admin)).find((d) => d.owner === 'demo')!;
    assert.equal((await ok(sim, Destination, 'send.getDestination', { destinationId }, admin)).owner, 'demo');
    assert.deepEqual(await ok(sim, Owners, 'send.getDestinations', {}, otherAdmin), ['admin'], 'elevation belongs to one session');

    const demo = await signIn(sim, { user: 'demo', password: 'demo' });
    assert.equal(await fails(sim, 'PermissionDenied', 'superuser', {}, demo), "User 'demo' is not a superuser");
    assert.deepEqual(await ok(sim, Owners, 'send.getDestinations', {}, demo), ['demo']);
    await fails(
      sim,
      'PermissionDenied',
      'send.getDestination',
      { destinationId: (await create(sim, 'b2.example.com', { user: 'bob', password: 'bob' })).destinationId },
      demo,
    );

    // Elevation is a session's: with a password header there is nothing to elevate.
    assert.match(await fails(sim, 'PermissionDenied', 'superuser', {}, ADMIN), /session/);
    await fails(sim, 'AuthRequired', 'superuser');
  });

  test('sim.dropSessions and sim.restart end every session; signing in again works', async () => {
    const sim = await start();
    const before = [await signIn(sim, { user: 'demo', password: 'demo' }), await signIn(sim, { user: 'admin', password: 'admin' })];
    await ok(sim, z.null(), 'superuser', {}, before[1]);
    await fails(sim, 'PermissionDenied', 'sim.dropSessions', {}, DEMO);
    assert.equal(await ok(sim, z.null(), 'sim.dropSessions', {}, ADMIN), null);
    for (const auth of before) {
      assert.match(await fails(sim, 'AuthRequired', 'send.getDestinations', {}, auth), /^Session expired/);
    }
    const again = await signIn(sim, { user: 'demo', password: 'demo' });
    await ok(sim, Owners, 'send.getDestinations', {}, again);
    await ok(sim, z.unknown(), 'sim.restart', {}, ADMIN);
    assert.match(await fails(sim, 'AuthRequired', 'send.getDestinations', {}, again), /^Session expired/);
  });

  test('without auth (--no-auth) auth still answers a session and superuser is a no-op', async () => {
    const sim = await start({ noAuth: true });
    await create(sim, 'anon.example.com', {});
    const session = await signIn(sim, { user: 'whoever', password: 'x' });
    assert.equal(await ok(sim, z.null(), 'superuser', {}, session), null);
    assert.deepEqual(await ok(sim, Owners, 'send.getDestinations', {}, session), ['anonymous']);
    assert.deepEqual(await ok(sim, Stats, 'sim.getStats'), { credentialAttempts: {}, sessions: 1, requests: 4 });
  });
});

describe('credential statistics', () => {
  test('each password or token check counts once per user, ok or failed; session requests and sim.* do not', async () => {
    const sim = await start();
    assert.deepEqual(await stats(sim), { credentialAttempts: {}, sessions: 0, requests: 0 });

    await ok(sim, Owners, 'send.getDestinations', {}, DEMO); // Basic, ok
    await fails(sim, 'AuthFailed', 'send.getDestinations', {}, { user: 'demo', password: 'wrong' }); // Basic, failed
    const { token } = await ok(sim, z.object({ token: z.string() }), 'createAPIToken', {}, { user: 'bob', password: 'bob' });
    await ok(sim, Owners, 'send.getDestinations', {}, { token }); // Bearer, ok: counted as bob
    await fails(sim, 'AuthFailed', 'send.getDestinations', {}, { token: 'no-such-token' });
    await fails(sim, 'AuthFailed', 'auth', { user: 'demo', password: 'wrong' });
    await fails(sim, 'AuthFailed', 'auth', { user: 'mallory', password: 'x' });
    const session = await signIn(sim, { user: 'demo', password: 'demo' });
    for (let i = 0; i < 5; i++) await ok(sim, Owners, 'send.getDestinations', {}, session);
    await ok(sim, z.unknown(), 'getServerInfo'); // public: no check
    await fails(sim, 'AuthRequired', 'send.getDestinations'); // no credentials: no check
    await fails(sim, 'AuthFailed', 'send.getDestinations', {}, { user: 'demo', password: 'wrong', superuser: true });

    assert.deepEqual(await stats(sim), {
      credentialAttempts: {
        demo: { ok: 2, failed: 3 },
        bob: { ok: 2, failed: 0 },
        '(unknown token)': { ok: 0, failed: 1 },
        mallory: { ok: 0, failed: 1 },
      },
      sessions: 1,
      requests: 16,
    });
    assert.equal(await ok(sim, z.null(), 'sim.resetStats', {}, ADMIN), null);
    assert.deepEqual(await stats(sim), { credentialAttempts: {}, sessions: 0, requests: 0 });
    await fails(sim, 'PermissionDenied', 'sim.getStats', {}, DEMO);
    await fails(sim, 'PermissionDenied', 'sim.resetStats', {}, session);
  });
});

describe('faults on auth and superuser', () => {
  test('an injected 500 comes before the command runs: no session, no credential check, no elevation', async () => {
    const sim = await start();
    const admin = await signIn(sim, { user: 'admin', password: 'admin' });
    await create(sim, 'demo.example.com', DEMO);
    await ok(sim, z.unknown(), 'sim.resetStats', {}, ADMIN);
    await ok(sim, z.unknown(), 'sim.setFaults', { errorRate: 1 }, ADMIN);
    await fails(sim, 'ServerError', 'auth', { user: 'demo', password: 'demo' });
    await fails(sim, 'ServerError', 'superuser', {}, admin);
    await ok(sim, z.unknown(), 'sim.setFaults', { errorRate: 0 }, ADMIN);
    assert.deepEqual(await stats(sim), { credentialAttempts: {}, sessions: 0, requests: 2 });
    assert.deepEqual(await ok(sim, Owners, 'send.getDestinations', {}, admin), [], 'still unelevated: demo’s destination is not seen');
  });

  test('latency delays auth and superuser; a reset answer to auth still opened the session', async () => {
    const sim = await start();
    const admin = await signIn(sim, { user: 'admin', password: 'admin' });
    await ok(sim, z.unknown(), 'sim.setFaults', { latencyMs: 300 }, ADMIN);
    for (const [command, params, auth] of [
      ['auth', { user: 'demo', password: 'demo' }, {}],
      ['superuser', {}, admin],
    ] as const) {
      const started = performance.now();
      await ok(sim, z.unknown(), command, params, auth);
      assert.ok(performance.now() - started >= 290, `${command} is delayed`);
    }
    await ok(sim, z.unknown(), 'sim.setFaults', { latencyMs: 0, resetRate: 1 }, ADMIN);
    await assert.rejects(postCommand(sim.url, 'auth', { user: 'demo', password: 'demo' }));
    await ok(sim, z.unknown(), 'sim.setFaults', { resetRate: 0 }, ADMIN);
    assert.equal((await stats(sim)).sessions, 3);
  });
});
