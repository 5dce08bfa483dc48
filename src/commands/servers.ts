/** Server profiles: add (tested before it is saved), edit, remove, sign in, superuser view, demo server. */
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { JetStreamClient } from '../api/client';
import { JetStreamError } from '../api/errors';
import { clientEndpoint, sendsCredentialsInClear, ServerProfile, type Secret } from '../model/profiles';
import { askSecret } from '../secrets';
import { requestTimeoutMs, writeProfiles } from '../settings';
import { pickServer, reportError, type Services, type Target } from './services';

/** A profile as a script may pass it to Add Server, with its secret beside it. */
type ProfileInput = Partial<ServerProfile> & { password?: string; token?: string };

export function registerServerCommands(s: Services): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('jetstream.addServer', (input?: ProfileInput) => addServer(s, input)),
    vscode.commands.registerCommand('jetstream.editServer', async (target?: Target) => {
      const name = await pickServer(s, target);
      const state = name ? s.store.server(name) : undefined;
      if (state) await addServer(s, undefined, state.profile);
    }),
    vscode.commands.registerCommand('jetstream.removeServer', (target?: Target) => removeServer(s, target)),
    vscode.commands.registerCommand('jetstream.signIn', (target?: Target, secret?: Secret) => signIn(s, target, secret)),
    vscode.commands.registerCommand('jetstream.toggleSuperuser', async (target?: Target) => {
      const name = await pickServer(s, target);
      if (!name) return;
      const profiles = s.store
        .servers()
        .map((st) => (st.profile.name === name ? { ...st.profile, superuser: !st.profile.superuser } : st.profile));
      await writeProfiles(profiles);
    }),
    vscode.commands.registerCommand('jetstream.startDemoServer', () => startDemoServer(s)),
  ];
}

async function addServer(s: Services, input?: ProfileInput, existing?: ServerProfile): Promise<string | undefined> {
  const given = input?.name !== undefined ? input : undefined;
  const draft = given ? collectGiven(given) : await askProfile(s, existing);
  if (!draft) return undefined;
  const { profile } = draft;
  let { secret } = draft;
  if (!given && sendsCredentialsInClear(profile)) {
    const send = vscode.l10n.t('Use Unencrypted HTTP');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t("The password or token for '{0}' would travel unencrypted over http:// to {1}.", profile.name, profile.url ?? ''),
      { modal: true, detail: vscode.l10n.t('Anyone on the network path can read it. Use an https:// URL where the server offers one.') },
      send,
    );
    if (choice !== send) return undefined;
  }
  for (;;) {
    const tested = await testConnection(profile, secret);
    if (tested === true || given) break;
    // A refused password is never saved to be sent again: ask for another one or stop.
    if (tested.refused && profile.user) {
      const again = vscode.l10n.t('Enter Again');
      const choice = await vscode.window.showWarningMessage(tested.message, { modal: true }, again);
      if (choice !== again) return undefined;
      secret = await askSecret(profile.name, profile.user, tested.message);
      if (!secret) return undefined;
      continue;
    }
    const saveAnyway = vscode.l10n.t('Save Anyway');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t("Could not connect to '{0}': {1}", profile.name, tested.message),
      { modal: true },
      saveAnyway,
    );
    if (choice !== saveAnyway) return undefined;
    break;
  }
  if (existing) await s.secrets.delete(existing);
  if (secret) await s.secrets.store(profile, secret);
  const others = s.store
    .servers()
    .map((st) => st.profile)
    .filter((p) => p.name !== profile.name && p.name !== existing?.name);
  const index = existing ? s.store.servers().findIndex((st) => st.profile.name === existing.name) : -1;
  const profiles = [...others];
  profiles.splice(index >= 0 ? index : profiles.length, 0, profile);
  s.store.forgetClient(profile.name);
  await writeProfiles(profiles);
  s.log.info(`server '${profile.name}' ${existing ? 'updated' : 'added'}`);
  return profile.name;
}

function collectGiven(input: ProfileInput): { profile: ServerProfile; secret?: Secret } | undefined {
  const { password, token, ...rest } = input;
  const parsed = ServerProfile.safeParse(rest);
  if (!parsed.success) throw new Error(vscode.l10n.t('Invalid server profile: {0}', parsed.error.issues[0]?.message ?? ''));
  return { profile: parsed.data, secret: password !== undefined || token !== undefined ? { password, token } : undefined };
}

/** The guided flow: each step validated as it is typed, Escape cancels the whole flow. */
async function askProfile(s: Services, existing?: ServerProfile): Promise<{ profile: ServerProfile; secret?: Secret } | undefined> {
  const title = existing ? vscode.l10n.t('Edit JetStream Server') : vscode.l10n.t('Add JetStream Server');
  const taken = new Set(
    s.store
      .servers()
      .map((st) => st.profile.name)
      .filter((n) => n !== existing?.name),
  );
  const name = await vscode.window.showInputBox({
    title: `${title} (1/4)`,
    prompt: vscode.l10n.t('A name for this server, as it will appear in the tree'),
    value: existing?.name ?? '',
    ignoreFocusOut: true,
    validateInput: (v) =>
      !v.trim() ? vscode.l10n.t('Enter a name.') : taken.has(v.trim()) ? vscode.l10n.t('Another server already has this name.') : undefined,
  });
  if (name === undefined) return undefined;
  const transport = await vscode.window.showQuickPick(
    [
      { label: 'HTTP', description: vscode.l10n.t('JSON over HTTP(S), e.g. the simulator or a gateway'), value: 'http' as const },
      { label: vscode.l10n.t('Console API'), description: vscode.l10n.t("the vendor's `jetstream api` command"), value: 'cli' as const },
    ],
    { title: `${title} (2/4)`, placeHolder: vscode.l10n.t('How to reach the server'), ignoreFocusOut: true },
  );
  if (!transport) return undefined;
  const draft: Record<string, unknown> = { name: name.trim(), transport: transport.value, superuser: existing?.superuser ?? false };
  if (existing?.ca) draft.ca = existing.ca;
  if (transport.value === 'http') {
    const url = await vscode.window.showInputBox({
      title: `${title} (3/4)`,
      prompt: vscode.l10n.t('The server URL'),
      value: existing?.url ?? 'http://127.0.0.1:18886',
      ignoreFocusOut: true,
      validateInput: (v) => {
        const r = ServerProfile.safeParse({ name: 'x', url: v.trim() });
        return r.success ? undefined : r.error.issues[0]?.message;
      },
    });
    if (url === undefined) return undefined;
    draft.url = url.trim();
  } else {
    const hostPort = await vscode.window.showInputBox({
      title: `${title} (3/4)`,
      prompt: vscode.l10n.t('Host and API control port, e.g. jetstream.example.com:8886'),
      value: existing?.host ? `${existing.host}:${existing.port ?? 8886}` : 'localhost:8886',
      ignoreFocusOut: true,
      validateInput: (v) => (/^[^\s:]+(:\d{1,5})?$/.test(v.trim()) ? undefined : vscode.l10n.t('Use host or host:port.')),
    });
    if (hostPort === undefined) return undefined;
    const [host, port] = hostPort.trim().split(':');
    draft.host = host;
    draft.port = port ? Number(port) : 8886;
    if (existing?.consolePath) draft.consolePath = existing.consolePath;
  }
  const user = await vscode.window.showInputBox({
    title: `${title} (4/4)`,
    prompt: vscode.l10n.t('User name; leave empty for a server that needs no sign-in'),
    value: existing?.user ?? '',
    ignoreFocusOut: true,
  });
  if (user === undefined) return undefined;
  if (user.trim()) draft.user = user.trim();
  const parsed = ServerProfile.safeParse(draft);
  if (!parsed.success) {
    void vscode.window.showErrorMessage(parsed.error.issues[0]?.message ?? '');
    return undefined;
  }
  const p = parsed.data;
  let secret: Secret | undefined;
  if (p.user) {
    // The stored secret goes along only while the profile points at the same server as the same user.
    const sameTarget =
      existing &&
      existing.transport === p.transport &&
      existing.user === p.user &&
      existing.url === p.url &&
      existing.host === p.host &&
      existing.port === p.port;
    secret = (sameTarget ? await s.secrets.get(existing) : undefined) ?? (await askSecret(p.name, p.user));
    if (!secret) return undefined;
  }
  return { profile: p, secret };
}

/** true, or why the server could not be reached with these settings (and whether it refused the credentials). */
async function testConnection(profile: ServerProfile, secret?: Secret): Promise<true | { message: string; refused: boolean }> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Connecting to '{0}'…", profile.name), cancellable: true },
    async (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let client: JetStreamClient | undefined;
      try {
        const ca = profile.ca ? await readFile(profile.ca, 'utf8') : undefined;
        client = JetStreamClient.create(clientEndpoint(profile, secret ?? {}, ca), { timeoutMs: requestTimeoutMs(), signal: abort.signal });
        const info = await client.getServerInfo();
        if (info.authRequired && !profile.user)
          return { message: vscode.l10n.t('the server requires a user name and password'), refused: false };
        if (profile.user) await client.listDestinations();
        return true;
      } catch (e) {
        const message = e instanceof JetStreamError || e instanceof Error ? e.message : String(e);
        return { message, refused: e instanceof JetStreamError && e.code === 'AuthFailed' };
      } finally {
        await client?.close();
      }
    },
  );
}

async function removeServer(s: Services, target?: Target): Promise<void> {
  const name = await pickServer(s, target);
  if (!name) return;
  const remove = vscode.l10n.t('Remove');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t("Remove server '{0}' from the list? Its destinations stay on the server; the stored password is deleted.", name),
    { modal: true },
    remove,
  );
  if (choice !== remove) return;
  const state = s.store.server(name);
  if (state) await s.secrets.delete(state.profile);
  await writeProfiles(
    s.store
      .servers()
      .map((st) => st.profile)
      .filter((p) => p.name !== name),
  );
}

async function signIn(s: Services, target?: Target, given?: Secret): Promise<void> {
  const name = await pickServer(s, target);
  const state = name ? s.store.server(name) : undefined;
  if (!name || !state) return;
  if (!state.profile.user) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Server '{0}' has no user in its profile. Edit the server to add one.", name));
    return;
  }
  const secret = given ?? (await askSecret(name, state.profile.user, state.error?.isAuthentication ? state.error.message : undefined));
  if (!secret) return;
  await s.secrets.store(state.profile, secret);
  s.store.credentialsChanged(name);
  s.log.info(`signed in again to '${name}'`);
  await s.scheduler.refreshNow(name, { manual: true });
}

async function startDemoServer(s: Services): Promise<string | undefined> {
  try {
    const url = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Starting the JetStream demo server…') },
      () => s.demo.start(),
    );
    const profiles = s.store.servers().map((st) => st.profile);
    const demo = profiles.find((p) => p.name === 'Demo');
    if (demo?.url !== url) {
      const next: ServerProfile = { name: 'Demo', transport: 'http', url, superuser: false };
      await writeProfiles(demo ? profiles.map((p) => (p.name === 'Demo' ? next : p)) : [...profiles, next]);
    }
    await vscode.commands.executeCommand('jetstream.destinations.focus');
    return url;
  } catch (e) {
    reportError(s, vscode.l10n.t('Could not start the demo server'), e);
    return undefined;
  }
}
