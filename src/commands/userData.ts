/**
 * userData entries: add, edit, delete (with Undo). Each goes through the engine's one userData edit,
 * which sends only the key touched and says whether the change landed, was refused, or is unknown.
 */
import { inputProblem } from '../api/issues';
import * as vscode from 'vscode';
import { UserDataKey, UserDataValue } from '../api/inputSchemas';
import type { DestinationMirror } from '../model/mirror';
import type { EditOutcome } from '../model/userDataEdit';
import { describeOutcome } from '../views/editWords';
import type { UndoLast } from '../views/undo';
import { destinationOf, entryOf, type Targets } from './targets';

/** How long a new entry is waited for before it is revealed, at most. */
const REVEAL_WAIT_MS = 3000;

export interface UserDataDeps extends Targets {
  readonly log: vscode.LogOutputChannel;
  readonly undo: UndoLast;
}

/**
 * Sets one key and logs what happened. `before`, for a Retry or an add: the value the user saw when the
 * edit began (null: absent), so a colleague's newer value is never overwritten.
 */
export async function setUserData(
  d: { mirror: DestinationMirror; log: vscode.LogOutputChannel },
  server: string,
  key: string,
  entry: string,
  value: string,
  before?: string | null,
): Promise<EditOutcome> {
  const outcome = await d.mirror.editUserData(server, key, { set: { [entry]: value }, expect: expectation(entry, before) });
  const words = describeOutcome(outcome, entry);
  d.log[outcome.result === 'landed' ? 'info' : 'warn'](`${words.log} on destination ${key} ('${server}')`);
  return outcome;
}

/** Removes one key and logs what happened; `before` as for setUserData: a Retry never removes a colleague's newer value. */
export async function deleteUserData(
  d: { mirror: DestinationMirror; log: vscode.LogOutputChannel },
  server: string,
  key: string,
  entry: string,
  before?: string,
): Promise<EditOutcome> {
  const outcome = await d.mirror.editUserData(server, key, { remove: [entry], expect: expectation(entry, before) });
  d.log[outcome.result === 'landed' ? 'info' : 'warn'](
    `${describeOutcome(outcome, entry).log} (delete) on destination ${key} ('${server}')`,
  );
  return outcome;
}

const expectation = (entry: string, before: string | null | undefined) => (before === undefined ? undefined : { [entry]: before });

export function registerUserDataCommands(d: UserDataDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('jetstream.addUserData', (arg?: unknown) => add(d, arg)),
    vscode.commands.registerCommand('jetstream.editUserData', (arg?: unknown) => edit(d, arg)),
    vscode.commands.registerCommand('jetstream.deleteUserData', (arg?: unknown) => remove(d, arg)),
  ];
}

const valueProblem = (v: string): string | undefined => inputProblem(UserDataValue, v);

/** Shows an outcome that did not land, with Retry where trying again makes sense. */
async function tell(d: UserDataDeps, outcome: EditOutcome, entry: string, retry?: () => Promise<unknown>): Promise<void> {
  if (outcome.result === 'landed') return;
  const { shown } = describeOutcome(outcome, entry);
  const again = vscode.l10n.t('Retry');
  const choice = await (outcome.result === 'conflict' || !retry
    ? vscode.window.showWarningMessage(shown ?? '')
    : vscode.window.showErrorMessage(shown ?? '', again));
  if (choice === again) await retry?.();
}

async function add(d: UserDataDeps, arg: unknown): Promise<void> {
  const target = await destinationOf(d, arg);
  const row = target && d.mirror.row(target.server, target.key);
  if (!target || !row) return;
  const existing = new Set(row.userData.map(([k]) => k));
  const key = await vscode.window.showInputBox({
    title: vscode.l10n.t('Add userData Entry to {0} (1/2)', row.label),
    prompt: vscode.l10n.t('Key'),
    ignoreFocusOut: true,
    validateInput: (v) => {
      const wrong = inputProblem(UserDataKey, v);
      if (wrong) return wrong;
      return existing.has(v) ? vscode.l10n.t('This key exists already; edit it instead.') : undefined;
    },
  });
  if (key === undefined) return;
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Add userData Entry to {0} (2/2)', row.label),
    prompt: vscode.l10n.t('Value of {0}', key),
    ignoreFocusOut: true,
    validateInput: valueProblem,
  });
  if (value === undefined) return;
  const outcome = await setUserData(d, target.server, target.key, key, value, null);
  if (outcome.result === 'landed') await revealEntry(d, target.server, target.key, key);
  await tell(d, outcome, key, () => setUserData(d, target.server, target.key, key, value, null));
}

/** The new entry in view: its destination's row expanded (it may have had no userData before). */
async function revealEntry(d: UserDataDeps, server: string, key: string, entry: string): Promise<void> {
  // The confirmed value reaches the tree with the next delta: the row has no such child to reveal before.
  const shown = () => d.mirror.row(server, key)?.userData.some(([k]) => k === entry) ?? false;
  if (!shown())
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      };
      const sub = d.mirror.onDidChange(() => shown() && done());
      const timer = setTimeout(done, REVEAL_WAIT_MS);
    });
  try {
    await d.treeView.reveal(d.tree.userDataNode(server, key, entry), { select: true, focus: false, expand: true });
  } catch {
    // A filter may hide it: it exists all the same.
  }
}

async function edit(d: UserDataDeps, arg: unknown): Promise<void> {
  const node = await entryOf(d, arg);
  if (!node) return;
  const entry = d.mirror.row(node.server, node.destinationId)?.userData.find(([k]) => k === node.key);
  if (!entry) {
    void vscode.window.showWarningMessage(vscode.l10n.t("userData '{0}' no longer exists on this destination.", node.key));
    return;
  }
  const [, current, editable] = entry;
  if (!editable) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t("userData '{0}' holds JSON that is not text; editing it as text would change its type.", node.key),
    );
    return;
  }
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Edit userData Entry'),
    prompt: vscode.l10n.t('Value of {0}', node.key),
    value: current,
    ignoreFocusOut: true,
    validateInput: valueProblem,
  });
  if (value === undefined || value === current) return;
  const run = async (): Promise<void> => {
    // A Retry checks the key still holds what the user saw, so a colleague's newer value is never overwritten.
    const outcome = await setUserData(d, node.server, node.destinationId, node.key, value, current);
    await tell(d, outcome, node.key, run);
  };
  const first = await setUserData(d, node.server, node.destinationId, node.key, value);
  await tell(d, first, node.key, run);
}

/** Whether the details panel asked: it shows a failure beside the entry itself. */
function fromPanel(arg: unknown): boolean {
  return typeof arg === 'object' && arg !== null && (arg as { from?: unknown }).from === 'panel';
}

/**
 * Deletes an entry and offers Undo, for the tree and the details panel alike. Resolves when the
 * delete is done, with its outcome (nothing when the entry is not known), not when the toast goes.
 */
async function remove(d: UserDataDeps, arg: unknown): Promise<EditOutcome | undefined> {
  const node = await entryOf(d, arg);
  if (!node) return undefined;
  const row = d.mirror.row(node.server, node.destinationId);
  const entry = row?.userData.find(([k]) => k === node.key);
  if (!row || !entry) return undefined;
  const [, value, editable] = entry;
  if (!editable) {
    // A value that is not text cannot be written back as it was, so there is no Undo: ask first instead.
    const del = vscode.l10n.t('Delete');
    const sure = await vscode.window.showWarningMessage(
      vscode.l10n.t("Delete userData '{0}' of {1}?", node.key, row.label),
      { modal: true, detail: vscode.l10n.t('Its value is not text: it cannot be restored by Undo.') },
      del,
    );
    if (sure !== del) return undefined;
  }
  const outcome = await deleteUserData(d, node.server, node.destinationId, node.key);
  if (outcome.result !== 'landed') {
    // A Retry checks the key still holds what the user saw, so a colleague's newer value is never removed.
    const retry = async (): Promise<void> => {
      const again = await deleteUserData(d, node.server, node.destinationId, node.key, value);
      await tell(d, again, node.key, retry);
    };
    if (!fromPanel(arg)) await tell(d, outcome, node.key, retry);
    return outcome;
  }
  if (!editable) return outcome;
  const what = vscode.l10n.t("delete of userData '{0}' on {1}", node.key, row.label);
  const undo = async () => {
    const back = await setUserData(d, node.server, node.destinationId, node.key, value, null);
    await tell(d, back, node.key);
  };
  const offer = d.undo.offer(what, undo);
  const undoWord = vscode.l10n.t('Undo');
  // Not awaited: the entry is deleted whatever happens to the toast; Undo stays in the status bar and the palette.
  void vscode.window
    .showInformationMessage(vscode.l10n.t("Deleted userData '{0}' of {1}.", node.key, row.label), undoWord)
    .then((choice) => (choice === undoWord ? d.undo.run(offer) : undefined));
  return outcome;
}
