/**
 * The Add Server / Edit Server form and the connection test run before a profile is saved. Apart from
 * `servers.ts`, which saves what they return, because the guided input is most of the servers' code.
 */
import { inputProblem } from '../api/issues';
import * as vscode from 'vscode';
import { parseHostPort } from '../model/inputs';
import type { DestinationMirror } from '../model/mirror';
import { DEFAULT_API_PORT, portOf, profileFromAnswers, ServerProfile, type ProfileAnswers, type Secret } from '../model/profiles';
import { MultiStepInput, type Step } from '../views/multiStepInput';

/** The guided Add Server / Edit Server: each step validated as it is typed, with Back; Edit starts from the profile. */
export async function askProfile(d: { mirror: DestinationMirror }, existing?: ServerProfile): Promise<ServerProfile | undefined> {
  const title = existing ? vscode.l10n.t('Edit JetStream Server') : vscode.l10n.t('Add JetStream Server');
  const taken = new Set(
    d.mirror
      .servers()
      .map((v) => v.profile.name)
      .filter((n) => n !== existing?.name),
  );
  const draft: ProfileAnswers = existing ? { ...existing } : { transport: 'python', superuser: false };
  const extra = () => (draft.transport === 'python' ? 2 : draft.transport === 'cli' ? 1 : 0);
  const total = () => 4 + extra();

  const name: Step = async (input) => {
    draft.name = (
      await input.showInputBox({
        title,
        step: 1,
        totalSteps: total(),
        prompt: vscode.l10n.t('A name for this server, as it will appear in the tree'),
        value: draft.name,
        validate: (v) => {
          // The schema's own limits here, not only when the server is saved three steps later.
          const wrong = v.trim() ? inputProblem(ServerProfile.shape.name, v) : vscode.l10n.t('Enter a name.');
          if (wrong !== undefined) return { error: wrong };
          return taken.has(v.trim()) ? { error: vscode.l10n.t('Another server already has this name.') } : undefined;
        },
      })
    ).trim();
    return transport;
  };
  const transport: Step = async (input) => {
    const items = [
      {
        label: vscode.l10n.t('Python library'),
        description: vscode.l10n.t("the vendor's jetstream package: one sign-in, superuser view"),
        value: 'python' as const,
      },
      { label: vscode.l10n.t('Console API'), description: vscode.l10n.t("the vendor's `jetstream api` command"), value: 'cli' as const },
      {
        label: 'HTTP',
        description: vscode.l10n.t('JSON over HTTP(S): the simulator, or a gateway in front of a server'),
        value: 'http' as const,
      },
    ];
    const picked = await input.showQuickPick({
      title,
      step: 2,
      totalSteps: total(),
      placeholder: vscode.l10n.t('How to reach the server'),
      items,
      active: items.find((i) => i.value === draft.transport),
    });
    draft.transport = picked.value;
    return where;
  };
  const where: Step = async (input) => {
    if (draft.transport === 'http') {
      draft.url = (
        await input.showInputBox({
          title,
          step: 3,
          totalSteps: total(),
          prompt: vscode.l10n.t('The server URL'),
          value: draft.url ?? 'http://127.0.0.1:18886',
          validate: (v) => {
            const wrong = inputProblem(ServerProfile, { name: 'x', url: v.trim() });
            return wrong === undefined ? undefined : { error: wrong };
          },
        })
      ).trim();
    } else {
      const text = await input.showInputBox({
        title,
        step: 3,
        totalSteps: total(),
        prompt: vscode.l10n.t('Host and API control port, e.g. jetstream.example.com:8886'),
        value: draft.host ? `${draft.host}:${portOf(draft)}` : `localhost:${DEFAULT_API_PORT}`,
        validate: (v) => {
          const r = parseHostPort(v, DEFAULT_API_PORT, vscode.l10n);
          return 'error' in r ? r : { understood: vscode.l10n.t('Understood: {0}', r.understood) };
        },
      });
      const r = parseHostPort(text, DEFAULT_API_PORT, vscode.l10n);
      if ('value' in r) Object.assign(draft, r.value);
    }
    return user;
  };
  /** A free-text step whose empty answer means "use the default". */
  const textStep =
    (
      step: number,
      prompt: string,
      field: 'user' | 'consolePath' | 'pythonPath' | 'pythonLibraryPath',
      next: () => Step | undefined,
    ): Step =>
    async (input) => {
      const v = await input.showInputBox({ title, step, totalSteps: total(), prompt, value: draft[field] ?? '' });
      draft[field] = v.trim() || undefined;
      return next();
    };
  const libraryPath = textStep(
    6,
    vscode.l10n.t("A folder holding the vendor's jetstream package; leave empty when the interpreter imports it already"),
    'pythonLibraryPath',
    () => undefined,
  );
  const pythonPath = textStep(
    5,
    vscode.l10n.t('The Python interpreter (3.8 or later); leave empty for python3 on PATH'),
    'pythonPath',
    () => libraryPath,
  );
  const consolePath = textStep(
    5,
    vscode.l10n.t('The jetstream console executable; leave empty for jetstream on PATH'),
    'consolePath',
    () => undefined,
  );
  const user = textStep(4, vscode.l10n.t('User name; leave empty for a server that needs no sign-in'), 'user', () =>
    draft.transport === 'cli' ? consolePath : draft.transport === 'python' ? pythonPath : undefined,
  );
  if (!(await MultiStepInput.run(name))) return undefined;
  const made = profileFromAnswers(draft);
  if ('error' in made) {
    void vscode.window.showErrorMessage(made.error);
    return undefined;
  }
  return made.profile;
}

/** true, or why the server could not be reached with these settings (and whether it refused the credentials). */
export async function testConnection(
  d: { mirror: DestinationMirror },
  profile: ServerProfile,
  secret: Secret,
): Promise<true | { message: string; refused: boolean }> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Connecting to '{0}'…", profile.name) },
    async () => {
      try {
        return await d.mirror.request({ op: 'test', profile, secret });
      } catch (e) {
        return { message: e instanceof Error ? e.message : String(e), refused: (e as { code?: string }).code === 'AuthFailed' };
      }
    },
  );
}
