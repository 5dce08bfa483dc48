/**
 * Opening a client from a profile and its secret: what the server's row says when the pinned
 * certificate file is missing, or the password is.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JetStreamError } from '../../src/api/errors';
import { openClient } from '../../src/model/clients';
import { english } from '../../src/api/l10n';
import type { ServerProfile } from '../../src/model/profiles';
import { serverProblem } from '../../src/model/rowText';
import { DestinationStore } from '../../src/model/store';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'jetstream-clients-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const lab = (over: Partial<ServerProfile> = {}): ServerProfile => ({
  name: 'Lab',
  transport: 'http',
  url: 'https://127.0.0.1:9',
  superuser: false,
  ...over,
});

describe('openClient', () => {
  it('names the missing certificate file and the server, and the row offers Edit Server', async () => {
    const ca = path.join(dir, 'gone-ca.pem');
    const store = new DestinationStore((p) => openClient(p, undefined));
    store.setProfiles([lab({ ca })]);
    await store.refresh('Lab');
    const error = store.server('Lab')!.error;
    assert.ok(error instanceof JetStreamError);
    assert.equal(error.code, 'TlsIdentity');
    assert.match(error.message, /^Cannot read the certificate file .*gone-ca\.pem of server 'Lab': ENOENT/);
    assert.deepEqual(serverProblem(error, english), { title: "Server identity can't be verified", fix: 'editServer' });
  });

  it('reads the file again on the next try, so creating it is enough', async () => {
    const ca = path.join(dir, 'later-ca.pem');
    const store = new DestinationStore((p) => openClient(p, undefined));
    store.setProfiles([lab({ ca })]);
    await store.refresh('Lab');
    assert.equal(store.server('Lab')!.error?.code, 'TlsIdentity');
    await writeFile(ca, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
    await store.refresh('Lab');
    assert.equal(store.server('Lab')!.error?.code, 'Unreachable', 'past the file: now the server itself is tried');
  });

  it('asks for a sign-in, sending nothing, when a user has no stored password', async () => {
    await assert.rejects(openClient(lab({ user: 'ops' }), undefined), (e: unknown) => {
      assert.ok(e instanceof JetStreamError);
      assert.equal(e.code, 'AuthRequired');
      assert.equal(e.message, "No password is stored for user ops on server 'Lab'. Use Sign In to enter it.");
      return true;
    });
  });
});
