/**
 * The one way a client is opened: from a profile and its secret. A pinned certificate is read once,
 * here, and a missing one is one clear error. The request timeout is not the client's: the store
 * passes it with every call, so a changed setting needs no new client.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { JetStreamClient } from '../api/client';
import { JetStreamError } from '../api/errors';
import { l10n } from '../api/l10n';
import { clientEndpoint, needsSecret, type Secret, type ServerProfile } from './profiles';

export async function openClient(profile: ServerProfile, secret: Secret | undefined): Promise<JetStreamClient> {
  if (needsSecret(profile) && !secret) {
    throw new JetStreamError(
      'AuthRequired',
      l10n.t("No password is stored for user {0} on server '{1}'. Use Sign In to enter it.", profile.user ?? '', profile.name),
      {
        server: profile.name,
      },
    );
  }
  let ca: string | undefined;
  if (profile.ca) {
    try {
      ca = await readFile(profile.ca, 'utf8');
    } catch (e) {
      throw new JetStreamError(
        'TlsIdentity',
        l10n.t("Cannot read the certificate file {0} of server '{1}': {2}", profile.ca, profile.name, (e as Error).message),
        {
          server: profile.name,
        },
      );
    }
  }
  const client = JetStreamClient.create(clientEndpoint(profile, secret ?? {}, ca));
  if (secret) credentials.set(client, credentialOf(profile, secret));
  return client;
}

/** Each client's credential, as a digest: the store tells a secret the server refused from a new one by it. */
const credentials = new WeakMap<JetStreamClient, string>();

/** The digest of the credential a client was opened with; undefined when it sends none. */
export function clientCredential(client: JetStreamClient): string | undefined {
  return credentials.get(client);
}

function credentialOf(profile: ServerProfile, secret: Secret): string {
  return createHash('sha256')
    .update(JSON.stringify([profile.user ?? null, secret.password ?? null, secret.token ?? null]))
    .digest('hex');
}
