/**
 * The one way a client is opened: from a profile and its secret. A pinned certificate is read once,
 * here, and a missing one is one clear error. The request timeout is not the client's: the store
 * passes it with every call, so a changed setting needs no new client.
 */
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
  return JetStreamClient.create(clientEndpoint(profile, secret ?? {}, ca));
}
