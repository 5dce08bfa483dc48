/**
 * Secret storage as VS Code's behaves: reads and writes are asynchronous and every write fires a change
 * event. A change event counts as another window's sign-in only when the value differs from what this
 * window read or wrote itself.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import type { ServerProfile } from '../../src/model/profiles';
import { ServerSecrets } from '../../src/secrets';
import { deferred } from './stubClient';

const profile: ServerProfile = { name: 'lab', transport: 'http', url: 'http://lab', user: 'demo', superuser: false };

/** A SecretStorage whose next read can be held back, as a slow round trip to the window holds it. */
function slowStorage() {
  const values = new Map<string, string>();
  const listeners: ((e: vscode.SecretStorageChangeEvent) => unknown)[] = [];
  let hold: Promise<void> | undefined;
  const storage = {
    get: async (key: string) => {
      const value = values.get(key); // read now, answered when the hold is released
      const h = hold;
      hold = undefined;
      if (h) await h;
      return value;
    },
    // The change event comes after the write is done, as VS Code's comes back from the window.
    store: async (key: string, value: string) => {
      values.set(key, value);
      setTimeout(() => listeners.forEach((l) => void l({ key })), 5);
    },
    delete: async (key: string) => {
      values.delete(key);
      setTimeout(() => listeners.forEach((l) => void l({ key })), 5);
    },
    keys: async () => [...values.keys()],
    onDidChange: (l: (e: vscode.SecretStorageChangeEvent) => unknown) => {
      listeners.push(l);
      return { dispose: () => undefined };
    },
  } as unknown as vscode.SecretStorage;
  return { storage, holdNextRead: (until: Promise<void>) => (hold = until) };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('ServerSecrets', () => {
  it('does not take its own Sign In for another window’s, when a read that began before it answers after', async () => {
    const { storage, holdNextRead } = slowStorage();
    const secrets = new ServerSecrets(storage, () => [profile]);
    const changed: string[] = [];
    secrets.onDidChange((name) => changed.push(name));
    // The engine asks for the secret (none yet); the user signs in before the answer comes.
    const answer = deferred<void>();
    holdNextRead(answer.promise);
    const read = secrets.get(profile);
    await secrets.store(profile, { password: 'new' });
    answer.resolve();
    assert.equal(await read, undefined, 'the read answers what was stored when it began');
    await settle();
    assert.deepEqual(changed, [], 'no second sign-in: the new password is sent once');
  });

  it('does not take two sign-ins in a row for another window’s, when the first one’s change event reads late', async () => {
    const { storage, holdNextRead } = slowStorage();
    const secrets = new ServerSecrets(storage, () => [profile]);
    const changed: string[] = [];
    secrets.onDidChange((name) => changed.push(name));
    const answer = deferred<void>();
    holdNextRead(answer.promise); // the change event's read of the first sign-in answers late
    await secrets.store(profile, { password: 'first' });
    await new Promise((r) => setTimeout(r, 10)); // its change event came, its read is on the way
    await secrets.store(profile, { password: 'second' });
    answer.resolve();
    await settle();
    assert.deepEqual(changed, [], 'both writes were this window’s own');
  });

  it('does not take Edit Server’s delete and store for another window’s', async () => {
    const { storage, holdNextRead } = slowStorage();
    const secrets = new ServerSecrets(storage, () => [profile]);
    await secrets.store(profile, { password: 'old' });
    await settle();
    const changed: string[] = [];
    secrets.onDidChange((name) => changed.push(name));
    const answer = deferred<void>();
    holdNextRead(answer.promise);
    await secrets.delete(profile); // saveProfile deletes the replaced profile's secret ...
    await new Promise((r) => setTimeout(r, 10));
    await secrets.store(profile, { password: 'new' }); // ... then stores the new one
    answer.resolve();
    await settle();
    assert.deepEqual(changed, []);
  });

  it('tells of another window’s sign-in', async () => {
    const { storage } = slowStorage();
    const secrets = new ServerSecrets(storage, () => [profile]);
    await secrets.store(profile, { password: 'mine' });
    const changed: string[] = [];
    secrets.onDidChange((name) => changed.push(name));
    // Another window writes the same storage.
    const other = new ServerSecrets(storage, () => [profile]);
    await other.store(profile, { password: 'theirs' });
    await settle();
    assert.deepEqual(changed, ['lab']);
    assert.deepEqual(await secrets.get(profile), { password: 'theirs', token: undefined });
  });
});
