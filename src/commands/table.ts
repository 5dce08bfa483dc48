/**
 * JetStream: Open Destinations Table, and what the table's actions do. Open Details and Delete go
 * through their commands (the same confirmation naming the count and the first few, progress and
 * Undo as in the tree); setting and removing a userData key on many destinations go through the one
 * userData edit (setUserData, deleteUserData) and its rules: keys and values checked by the shared
 * schemas, JSON that is not text never rewritten as text, a removal undone by writing back the text
 * values. Each shows progress and ends with a summary of what did not land.
 */
import { inputProblem } from '../api/issues';
import * as vscode from 'vscode';
import { UserDataKey, UserDataValue } from '../api/inputSchemas';
import type { Row } from '../model/engine/protocol';
import type { EditOutcome } from '../model/userDataEdit';
import type { PanelTarget } from '../views/detailsPanel';
import { describeOutcome } from '../views/editWords';
import { DestinationsTable } from '../views/tablePanel';
import type { UndoLast } from '../views/undo';
import type { Targets } from './targets';
import { deleteUserData, setUserData } from './userData';

/** Edits sent at once: enough to keep a slow server busy, few enough not to flood it. */
const AT_ONCE = 4;
/** Failures named in the summary; the log has them all. */
const NAMED = 3;

export interface TableDeps extends Targets {
  readonly log: vscode.LogOutputChannel;
  readonly undo: UndoLast;
  /** Where the table's columns, sort and filter are remembered. */
  readonly state: vscode.Memento;
  readonly extensionUri: vscode.Uri;
  /** The table showed or hid: polling follows what someone can see. */
  onDidChangeVisible(visible: boolean): void;
}

export function registerTableCommands(d: TableDeps): vscode.Disposable[] {
  const table = new DestinationsTable(d.mirror, d.extensionUri, d.state, d.log, {
    open: (t) => vscode.commands.executeCommand('jetstream.openDetails', { server: t.server, destinationId: t.key }),
    delete: (targets) =>
      vscode.commands.executeCommand(
        'jetstream.deleteDestination',
        targets.map((t) => ({ server: t.server, destinationId: t.key })),
      ),
    setUserData: (targets) => setOnMany(d, targets),
    removeUserData: (targets) => removeFromMany(d, targets),
  });
  return [
    table,
    table.onDidChangeVisible((visible) => d.onDidChangeVisible(visible)),
    vscode.commands.registerCommand('jetstream.openTable', (arg?: unknown) => table.show(tableTarget(arg))),
  ];
}

/** A `{ server, destinationId }` (a script's, an alert's, a tree node's): the row to select. Any other argument selects none. */
export function tableTarget(arg: unknown): PanelTarget | undefined {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return undefined;
  const { server, destinationId } = arg as Record<string, unknown>;
  return typeof server === 'string' && server && typeof destinationId === 'string' && destinationId
    ? { server, key: destinationId }
    : undefined;
}

interface Edited {
  target: PanelTarget;
  label: string;
  outcome: EditOutcome;
}

interface Skipped {
  label: string;
  why: string;
}

/** The targets that still exist, with their rows. */
function rowsOf(d: TableDeps, targets: PanelTarget[]): { target: PanelTarget; row: Row }[] {
  return targets.flatMap((target) => {
    const row = d.mirror.row(target.server, target.key);
    return row ? [{ target, row }] : [];
  });
}

async function setOnMany(d: TableDeps, targets: PanelTarget[]): Promise<void> {
  const rows = rowsOf(d, targets);
  if (!rows.length) return;
  const many = rows.length === 1 ? rows[0]!.row.label : vscode.l10n.t('{0} destinations', rows.length);
  const key = await vscode.window.showInputBox({
    title: vscode.l10n.t('Set userData on {0} (1/2)', many),
    prompt: vscode.l10n.t('Key'),
    ignoreFocusOut: true,
    validateInput: (v) => inputProblem(UserDataKey, v),
  });
  if (key === undefined) return;
  const having = rows.filter(({ row }) => row.userData.some(([k]) => k === key)).length;
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Set userData on {0} (2/2)', many),
    prompt: having
      ? vscode.l10n.t('Value of {0}; {1} of them have it already, and their value is replaced', key, having)
      : vscode.l10n.t('Value of {0}', key),
    ignoreFocusOut: true,
    validateInput: (v) => inputProblem(UserDataValue, v),
  });
  if (value === undefined) return;
  const skipped: Skipped[] = [];
  const todo = rows.filter(({ row }) => {
    const entry = row.userData.find(([k]) => k === key);
    if (entry && !entry[2]) skipped.push({ label: row.label, why: vscode.l10n.t('it holds JSON that is not text') });
    return !entry || entry[2];
  });
  const edited = await onEach(todo, vscode.l10n.t("Setting userData '{0}'", key), (t) => setUserData(d, t.server, t.key, key, value));
  await summarize(d, key, 'set', edited, rows.length, skipped);
}

async function removeFromMany(d: TableDeps, targets: PanelTarget[]): Promise<void> {
  const rows = rowsOf(d, targets);
  if (!rows.length) return;
  const counts = new Map<string, number>();
  for (const { row } of rows) for (const [k] of row.userData) counts.set(k, (counts.get(k) ?? 0) + 1);
  if (!counts.size) {
    void vscode.window.showInformationMessage(
      rows.length === 1 ? vscode.l10n.t('This destination has no userData.') : vscode.l10n.t('None of these destinations has userData.'),
    );
    return;
  }
  const pick = await vscode.window.showQuickPick(
    [...counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([k, n]) => ({ label: k, description: vscode.l10n.t('on {0} of {1}', n, rows.length) })),
    { title: vscode.l10n.t('Remove a userData key from {0} destinations', rows.length), placeHolder: vscode.l10n.t('Key to remove') },
  );
  if (!pick) return;
  const key = pick.label;
  // What each held, to write back on Undo: only text can be written back as it was.
  const before = new Map<PanelTarget, { value: string; text: boolean }>();
  const todo = rows.filter(({ target, row }) => {
    const entry = row.userData.find(([k]) => k === key);
    if (entry) before.set(target, { value: entry[1], text: entry[2] });
    return !!entry;
  });
  const edited = await onEach(todo, vscode.l10n.t("Removing userData '{0}'", key), (t) => deleteUserData(d, t.server, t.key, key));
  const removed = edited.filter((e) => e.outcome.result === 'landed' && before.get(e.target)?.text);
  const undo = removed.length
    ? d.undo.offer(vscode.l10n.t("removal of userData '{0}' from {1} destinations", key, removed.length), async () => {
        const back = await onEach(
          removed.map((e) => ({ target: e.target, row: { label: e.label } })),
          vscode.l10n.t("Restoring userData '{0}'", key),
          (t) => setUserData(d, t.server, t.key, key, before.get(t)!.value, null),
        );
        await summarize(d, key, 'restored', back, back.length, []);
      })
    : undefined;
  await summarize(d, key, 'removed', edited, todo.length, [], undo);
}

/** Runs one edit per destination, a few at a time, with progress; stops starting new ones when cancelled. */
function onEach(
  rows: { target: PanelTarget; row: Pick<Row, 'label'> }[],
  title: string,
  edit: (t: PanelTarget) => Promise<EditOutcome>,
): Thenable<Edited[]> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const edited: Edited[] = [];
      let next = 0;
      const worker = async () => {
        while (next < rows.length && !token.isCancellationRequested) {
          const { target, row } = rows[next++]!;
          edited.push({ target, label: row.label, outcome: await edit(target) });
          progress.report({ increment: 100 / rows.length, message: vscode.l10n.t('{0} of {1}', edited.length, rows.length) });
        }
      };
      await Promise.all(Array.from({ length: Math.min(AT_ONCE, rows.length) }, worker));
      return edited;
    },
  );
}

/** One message for the whole batch: how many landed, and the first few that did not, with why. */
async function summarize(
  d: TableDeps,
  key: string,
  what: 'set' | 'removed' | 'restored',
  edited: Edited[],
  total: number,
  skipped: Skipped[],
  undo?: ReturnType<UndoLast['offer']>,
): Promise<void> {
  const failed = edited.filter((e) => e.outcome.result !== 'landed');
  const landed = edited.length - failed.length;
  const notDone = total - edited.length - skipped.length;
  const done =
    what === 'set'
      ? vscode.l10n.t("Set userData '{0}' on {1} of {2} destinations.", key, landed, total)
      : what === 'removed'
        ? vscode.l10n.t("Removed userData '{0}' from {1} of {2} destinations.", key, landed, total)
        : vscode.l10n.t("Restored userData '{0}' on {1} of {2} destinations.", key, landed, total);
  const problems = [
    ...failed.map((f) => `${f.label}: ${describeOutcome(f.outcome, key).shown ?? ''}`),
    ...skipped.map((s) => vscode.l10n.t('{0}: not changed, {1}', s.label, s.why)),
  ];
  for (const p of problems) d.log.warn(`table, userData '${key}': ${p}`);
  const undoWord = vscode.l10n.t('Undo');
  const buttons = undo ? [undoWord] : [];
  if (!problems.length && notDone <= 0) {
    const choice = await vscode.window.showInformationMessage(done, ...buttons);
    if (choice === undoWord) await d.undo.run(undo);
    return;
  }
  const named = problems.slice(0, NAMED).join('; ');
  const more = problems.length > NAMED ? ` ${vscode.l10n.t('and {0} more', problems.length - NAMED)}` : '';
  const cancelled = notDone > 0 ? ` ${vscode.l10n.t('{0} not tried (cancelled).', notDone)}` : '';
  const showLog = vscode.l10n.t('Show Log');
  const choice = await vscode.window.showWarningMessage(
    `${done}${cancelled}${problems.length ? ` ${named}${more}` : ''}`,
    ...buttons,
    ...(problems.length ? [showLog] : []),
  );
  if (choice === showLog) d.log.show();
  if (choice === undoWord) await d.undo.run(undo);
}
