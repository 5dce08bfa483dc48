/** Server profiles: add and edit (a guided input, tested before it is saved), remove, sign in, superuser view. */
import * as vscode from 'vscode';
import type { DestinationMirror } from '../model/mirror';
import { sendsCredentialsInClear, type ServerProfile, type Secret } from '../model/profiles';
import { askSecret, type ServerSecrets } from '../secrets';
import { writeProfiles } from '../settings';
import { askProfile, testConnection } from './serverForm';
import { serverOf, type Targets } from './targets';

export interface ServerDeps extends Targets {
  readonly secrets: ServerSecrets;
  readonly log: vscode.LogOutputChannel;
}

/** Stores a secret for a server and tries it once: what Sign In does after asking. */
export async function signIn(
  d: { mirror: DestinationMirror; secrets: ServerSecrets; log: vscode.LogOutputChannel },
  server: string,
  secret: Secret,
): Promise<void> {
  const view = d.mirror.server(server);
  if (!view) return;
  await d.secrets.store(view.profile, secret);
  d.mirror.credentialsChanged(server, true);
  d.log.info(`signed in again to '${server}'`);
  await d.mirror.request({ op: 'refresh', server, manual: true });
}

/** Saves a profile (replacing `replacing`, in its place) and its secret. */
export async function saveProfile(
  d: { mirror: DestinationMirror; secrets: ServerSecrets; log: vscode.LogOutputChannel },
  profile: ServerProfile,
  secret: Secret | undefined,
  replacing?: ServerProfile,
): Promise<void> {
  if (replacing) await d.secrets.delete(replacing);
  if (secret) await d.secrets.store(profile, secret);
  const profiles = d.mirror.servers().map((v) => v.profile);
  const at = replacing ? profiles.findIndex((p) => p.name === replacing.name) : -1;
  const others = profiles.filter((p) => p.name !== profile.name && p.name !== replacing?.name);
  others.splice(at >= 0 ? at : others.length, 0, profile);
  await writeProfiles(others);
  // A password entered in Edit Server for an unchanged profile is a sign-in too.
  if (secret) d.mirror.credentialsChanged(profile.name, true);
  d.log.info(`server '${profile.name}' ${replacing ? 'updated' : 'added'}`);
}

export function registerServerCommands(d: ServerDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('jetstream.addServer', () => addOrEdit(d)),
    vscode.commands.registerCommand('jetstream.editServer', async (arg?: unknown) => {
      const name = await serverOf(d, arg);
      const view = name ? d.mirror.server(name) : undefined;
      if (view) await addOrEdit(d, view.profile);
    }),
    vscode.commands.registerCommand('jetstream.removeServer', (arg?: unknown) => removeServer(d, arg)),
    vscode.commands.registerCommand('jetstream.signIn', async (arg?: unknown) => {
      const name = await serverOf(d, arg);
      const view = name ? d.mirror.server(name) : undefined;
      if (!name || !view) return;
      if (!view.profile.user) {
        void vscode.window.showInformationMessage(
          vscode.l10n.t("Server '{0}' has no user in its profile. Edit the server to add one.", name),
        );
        return;
      }
      const refused = view.summary.credentialsRefused && view.error ? view.error.message : undefined;
      const secret = await askSecret(name, view.profile.user, refused);
      if (secret) await signIn(d, name, secret);
    }),
    vscode.commands.registerCommand('jetstream.toggleSuperuser', (arg?: unknown) => toggleSuperuser(d, arg)),
  ];
}

async function toggleSuperuser(d: ServerDeps, arg: unknown): Promise<void> {
  const name = await serverOf(d, arg);
  const view = name ? d.mirror.server(name) : undefined;
  if (!name || !view) return;
  const p = view.profile;
  if (!p.user) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t("Server '{0}' is reached without a user: a server that needs no sign-in shows every destination already.", name),
    );
    return;
  }
  const profiles = d.mirror.servers().map((v) => (v.profile.name === name ? { ...v.profile, superuser: !p.superuser } : v.profile));
  await writeProfiles(profiles);
  d.log.info(`superuser view of '${name}' turned ${p.superuser ? 'off' : 'on'}`);
}

async function removeServer(d: ServerDeps, arg: unknown): Promise<void> {
  const name = await serverOf(d, arg);
  const view = name ? d.mirror.server(name) : undefined;
  if (!name || !view) return;
  const secret = view.profile.user ? await d.secrets.get(view.profile) : undefined;
  const remove = vscode.l10n.t('Remove');
  const choice = await vscode.window.showWarningMessage(
    secret
      ? vscode.l10n.t("Remove server '{0}' from the list? Its destinations stay on the server; the stored password is deleted.", name)
      : vscode.l10n.t("Remove server '{0}' from the list? Its destinations stay on the server.", name),
    { modal: true },
    remove,
  );
  if (choice !== remove) return;
  if (secret) await d.secrets.delete(view.profile);
  await writeProfiles(
    d.mirror
      .servers()
      .map((v) => v.profile)
      .filter((p) => p.name !== name),
  );
  d.log.info(`server '${name}' removed`);
}

async function addOrEdit(d: ServerDeps, existing?: ServerProfile): Promise<void> {
  const profile = await askProfile(d, existing);
  if (!profile) return;
  if (sendsCredentialsInClear(profile)) {
    const send = vscode.l10n.t('Use Unencrypted HTTP');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t("The password or token for '{0}' would travel unencrypted over http:// to {1}.", profile.name, profile.url ?? ''),
      { modal: true, detail: vscode.l10n.t('Anyone on the network path can read it. Use an https:// URL where the server offers one.') },
      send,
    );
    if (choice !== send) return;
  }
  let secret: Secret | undefined;
  if (profile.user) {
    // The stored secret goes along only while the profile points at the same server as the same user.
    const same =
      existing &&
      existing.transport === profile.transport &&
      existing.user === profile.user &&
      existing.url === profile.url &&
      existing.host === profile.host &&
      existing.port === profile.port;
    secret = (same ? await d.secrets.get(existing) : undefined) ?? (await askSecret(profile.name, profile.user));
    if (!secret) return;
  }
  for (;;) {
    const tested = await testConnection(d, profile, secret ?? {});
    if (tested === true) break;
    // A refused password is never saved to be sent again: ask for another one or stop.
    if (tested.refused && profile.user) {
      const again = vscode.l10n.t('Enter Again');
      if ((await vscode.window.showWarningMessage(tested.message, { modal: true }, again)) !== again) return;
      secret = await askSecret(profile.name, profile.user, tested.message);
      if (!secret) return;
      continue;
    }
    const saveAnyway = vscode.l10n.t('Save Anyway');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t("Could not connect to '{0}': {1}", profile.name, tested.message),
      { modal: true },
      saveAnyway,
    );
    if (choice !== saveAnyway) return;
    break;
  }
  await saveProfile(d, profile, secret, existing);
}
