/**
 * Plan, Apply and Export of destinations files. Apply works out the plan afresh, asks before it
 * replaces or deletes anything, then runs one step at a time through the same engine operations as the
 * commands (create, delete, the userData edit that never overwrites a colleague's newer value), stops at
 * the first failure, and reports what was done and what was not.
 */
import * as vscode from 'vscode';
import { idKey } from '../api/schemas';
import type { Plan, PlanStep } from '../model/plan';
import { planMarkdown } from '../model/planText';
import { isDestinationsFile, readDestinationsFile } from '../views/destinationsFiles';
import { describeOutcome } from '../views/editWords';
import type { ReportDocuments } from '../views/reportDocument';
import { serverOf, type Targets } from './targets';

export interface DestinationsFileDeps extends Targets {
  readonly reports: ReportDocuments;
  readonly log: vscode.LogOutputChannel;
}

export function registerDestinationsFileCommands(d: DestinationsFileDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('jetstream.planFile', (uri?: unknown) => planFile(d, uri)),
    vscode.commands.registerCommand('jetstream.applyFile', (uri?: unknown) => applyFile(d, uri)),
    vscode.commands.registerCommand('jetstream.exportFile', (arg?: unknown) => exportFile(d, arg)),
  ];
}

const nameOf = (uri: vscode.Uri) => uri.path.split('/').pop() ?? uri.path;

/** The file a command acts on: the one it was given (CodeLens, explorer), else the active editor's. */
/** The file a command is for: the one it was given, the active editor's, or (from the palette, with a plan's preview
 *  in front) the open destinations file, picked when there are several. */
async function fileOf(uri: unknown): Promise<{ uri: vscode.Uri; text: string } | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  const open = vscode.workspace.textDocuments.filter(isDestinationsFile);
  const doc =
    uri instanceof vscode.Uri
      ? await vscode.workspace.openTextDocument(uri)
      : active && isDestinationsFile(active)
        ? active
        : open.length <= 1
          ? open[0]
          : (
              await vscode.window.showQuickPick(
                open.map((o) => ({ label: nameOf(o.uri), description: vscode.workspace.asRelativePath(o.uri), doc: o })),
                { title: vscode.l10n.t('Which destinations file?') },
              )
            )?.doc;
  if (!doc || !isDestinationsFile(doc)) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Open a destinations file (*.jetstream.json) first.'));
    return undefined;
  }
  return { uri: doc.uri, text: doc.getText() };
}

/** The plan of a file, from a fresh list of its server; undefined (with the reason shown) when there is none. */
export async function planOf(d: DestinationsFileDeps, uri: unknown): Promise<{ plan: Plan; name: string } | undefined> {
  const at = await fileOf(uri);
  if (!at) return undefined;
  const name = nameOf(at.uri);
  const read = readDestinationsFile(at.text);
  if (!read.file || read.problems.length) {
    const p = read.problems[0];
    const where = p?.path.length ? ` (${p.path.join('.')})` : '';
    void vscode.window.showErrorMessage(vscode.l10n.t('{0} cannot be planned: {1}{2}', name, p?.message ?? '', where));
    return undefined;
  }
  const file = read.file;
  if (!d.mirror.server(file.server)) {
    void vscode.window.showErrorMessage(vscode.l10n.t("{0} names the server '{1}', which is not in jetstream.servers.", name, file.server));
    return undefined;
  }
  try {
    const plan = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Reading the destinations of '{0}'…", file.server) },
      () => d.mirror.request({ op: 'plan', server: file.server, file }),
    );
    return { plan, name };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    d.log.error(`could not plan ${name}: ${message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not plan {0}: {1}', name, message));
    return undefined;
  }
}

async function planFile(d: DestinationsFileDeps, uri: unknown): Promise<Plan | undefined> {
  const p = await planOf(d, uri);
  if (!p) return undefined;
  d.log.info(`plan of ${p.name} for '${p.plan.server}': ${p.plan.steps.length} steps`);
  await d.reports.show(`Plan of ${p.name}`, planMarkdown(p.plan, p.name, vscode.l10n));
  return p.plan;
}

/** Asks once for what cannot be undone by the file: replaced and deleted destinations, each named. */
async function confirmDestructive(plan: Plan): Promise<boolean> {
  const replaced = plan.steps.filter((s) => s.kind === 'replace').map((s) => s.label);
  const deleted = plan.steps.filter((s) => s.kind === 'delete').map((s) => s.label);
  if (!replaced.length && !deleted.length) return true;
  const list = (labels: string[]) =>
    labels.slice(0, 10).join(', ') + (labels.length > 10 ? vscode.l10n.t(' and {0} more', labels.length - 10) : '');
  const detail = [
    replaced.length ? vscode.l10n.t('Replace (delete, then create with the new parameters): {0}', list(replaced)) : '',
    deleted.length ? vscode.l10n.t('Delete (not in the file, prune is on): {0}', list(deleted)) : '',
  ]
    .filter(Boolean)
    .join('\n');
  const go = vscode.l10n.t('Apply');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t("Apply changes destinations of '{0}' that cannot be edited in place.", plan.server),
    { modal: true, detail },
    go,
  );
  return choice === go;
}

/** One step through the engine; throws with the words the commands use. */
async function run(d: DestinationsFileDeps, server: string, s: PlanStep): Promise<void> {
  switch (s.kind) {
    case 'create':
      await d.mirror.request({ op: 'create', server, params: s.params });
      return;
    case 'delete':
      await d.mirror.request({ op: 'delete', server, key: idKey(s.id) });
      return;
    case 'replace':
      await d.mirror.request({ op: 'delete', server, key: idKey(s.id) });
      await d.mirror.request({ op: 'create', server, params: s.params });
      return;
    case 'userData': {
      const expect: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(s.set)) expect[k] = v.now ?? null;
      for (const [k, v] of Object.entries(s.remove)) expect[k] = v;
      const set = Object.fromEntries(Object.entries(s.set).map(([k, v]) => [k, v.wanted]));
      const outcome = await d.mirror.editUserData(server, idKey(s.id), { set, remove: Object.keys(s.remove), expect });
      if (outcome.result === 'conflict') throw new Error(vscode.l10n.t('someone changed its userData since the plan; nothing was sent'));
      // What landed is said too: the view shows it already.
      if (outcome.result === 'partial') throw new Error(describeOutcome(outcome, s.label).shown);
      if (outcome.result !== 'landed') throw new Error(outcome.error.message);
    }
  }
}

export interface ApplyResult {
  done: PlanStep[];
  /** The step that failed and why; undefined when every step ran or Apply was cancelled. */
  failed?: { step: PlanStep; message: string } | undefined;
  left: PlanStep[];
}

/** Runs a plan's steps in order, stopping at the first failure or when `token` is cancelled. */
export async function applyPlan(
  d: DestinationsFileDeps,
  plan: Plan,
  name: string,
  progress?: vscode.Progress<{ message?: string; increment?: number }>,
  token?: vscode.CancellationToken,
): Promise<ApplyResult> {
  const done: PlanStep[] = [];
  let failed: ApplyResult['failed'];
  for (const step of plan.steps) {
    if (token?.isCancellationRequested) break;
    progress?.report({ message: `${step.kind} ${step.label}`, increment: 100 / plan.steps.length });
    try {
      await run(d, plan.server, step);
      done.push(step);
      d.log.info(`apply ${name}: ${step.kind} ${step.label}`);
    } catch (e) {
      failed = { step, message: e instanceof Error ? e.message : String(e) };
      d.log.error(`apply ${name}: ${step.kind} ${step.label} failed: ${failed.message}`);
      break;
    }
  }
  return { done, failed, left: plan.steps.slice(done.length) };
}

async function applyFile(d: DestinationsFileDeps, uri: unknown): Promise<void> {
  const p = await planOf(d, uri);
  if (!p) return;
  const { plan, name } = p;
  if (!plan.steps.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Nothing to apply: '{0}' has what {1} says.", plan.server, name));
    return;
  }
  if (!(await confirmDestructive(plan))) return;
  const { done, failed, left } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Applying {0} to '{1}'", name, plan.server), cancellable: true },
    (progress, token) => applyPlan(d, plan, name, progress, token),
  );
  if (!failed && !left.length) {
    void vscode.window.showInformationMessage(
      done.length === 1
        ? vscode.l10n.t("Applied {0} to '{1}': 1 step.", name, plan.server)
        : vscode.l10n.t("Applied {0} to '{1}': {2} steps.", name, plan.server, done.length),
    );
    return;
  }
  const lines = [
    `# ${vscode.l10n.t('Apply of {0} to {1}: stopped', name, plan.server)}`,
    '',
    failed ? vscode.l10n.t('Failed: {0} {1}: {2}', failed.step.kind, failed.step.label, failed.message) : vscode.l10n.t('Cancelled.'),
    '',
    `## ${vscode.l10n.t('Done ({0})', done.length)}`,
    ...done.map((s) => `- ${s.kind} \`${s.label}\``),
    '',
    `## ${vscode.l10n.t('Not done ({0})', left.length)}`,
    ...left.map((s) => `- ${s.kind} \`${s.label}\``),
    '',
  ];
  await d.reports.show(`Apply of ${name}`, lines.join('\n'));
  void vscode.window.showErrorMessage(
    vscode.l10n.t('Apply of {0} stopped after {1} of {2} steps; the report says what is left.', name, done.length, plan.steps.length),
  );
}

async function exportFile(d: DestinationsFileDeps, arg: unknown): Promise<vscode.Uri | undefined> {
  const server = await serverOf(d, arg);
  if (!server) return undefined;
  try {
    const exported = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Reading the destinations of '{0}'…", server) },
      () => d.mirror.request({ op: 'export', server }),
    );
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const suggested = `${server.replace(/[^\w.-]+/g, '-')}.jetstream.json`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, suggested) : undefined,
      // 'json', not 'jetstream.json': the browser's save dialog compares only the last extension with a filter's and
      // would make the suggested name Demo.jetstream.json.jetstream.json.
      filters: { [vscode.l10n.t('Destinations file')]: ['json'] },
      title: vscode.l10n.t("Export the destinations of '{0}'", server),
    });
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(`${JSON.stringify(exported.file, null, 2)}\n`));
    await vscode.window.showTextDocument(target);
    d.log.info(`exported ${exported.file.destinations.length} destinations of '${server}' to ${target.fsPath}`);
    if (exported.lost.length) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          '{0} destinations have parts a file cannot say (a relay known only by its port, lanes of an unknown shape, userData that is not text): {1}',
          exported.lost.length,
          exported.lost
            .map((l) => l.label)
            .slice(0, 5)
            .join(', '),
        ),
      );
    }
    return target;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    d.log.error(`could not export '${server}': ${message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t("Could not export the destinations of '{0}': {1}", server, message));
    return undefined;
  }
}
