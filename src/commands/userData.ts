/**
 * userData entries: add, edit, delete. Every change sends only the key the user touched
 * (updateObjectUserData merges, deleteObjectUserData removes), so keys someone else set meanwhile survive.
 */
import * as vscode from 'vscode';
import { UserDataKey } from '../api/schemas';
import type { UserDataNode } from '../views/tree';
import { idOf, pickDestination, reportError, type Services, type Target } from './services';

const MAX_VALUE_LENGTH = 65_536;

export function registerUserDataCommands(s: Services): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('jetstream.addUserData', (target?: Target, key?: string, value?: string) =>
      addEntry(s, target, key, value),
    ),
    vscode.commands.registerCommand('jetstream.editUserData', (target?: UserDataNode, value?: string) => editEntry(s, target, value)),
    vscode.commands.registerCommand('jetstream.deleteUserData', (target?: UserDataNode) => deleteEntry(s, target)),
  ];
}

function checkValue(v: string): string | undefined {
  return v.length > MAX_VALUE_LENGTH ? vscode.l10n.t('A value is at most {0} characters.', MAX_VALUE_LENGTH) : undefined;
}

/** Sends one key's new value and shows the server's answer; on failure says which edit did not land. */
export async function setEntry(s: Services, server: string, destinationId: string, key: string, value: string): Promise<boolean> {
  try {
    const userData = await (await s.store.client(server)).updateObjectUserData(idOf(s, server, destinationId), { [key]: value });
    s.store.acceptUserData(server, destinationId, userData);
    s.log.info(`userData '${key}' set on destination ${destinationId} ('${server}')`);
    return true;
  } catch (e) {
    // Show the server's true state again, and offer the same edit once more.
    void s.scheduler.refreshNow(server);
    const message = e instanceof Error ? e.message : String(e);
    s.log.error(`userData '${key}' on destination ${destinationId} ('${server}') did not land: ${message}`);
    const retry = vscode.l10n.t('Retry');
    void vscode.window
      .showErrorMessage(vscode.l10n.t("The change to userData '{0}' did not land: {1}", key, message), retry)
      .then((choice) => choice === retry && setEntry(s, server, destinationId, key, value));
    return false;
  }
}

export async function removeEntry(s: Services, server: string, destinationId: string, key: string): Promise<boolean> {
  try {
    const userData = await (await s.store.client(server)).deleteObjectUserData(idOf(s, server, destinationId), [key]);
    s.store.acceptUserData(server, destinationId, userData);
    s.log.info(`userData '${key}' deleted on destination ${destinationId} ('${server}')`);
    return true;
  } catch (e) {
    reportError(s, vscode.l10n.t("userData '{0}' was not deleted", key), e);
    void s.scheduler.refreshNow(server);
    return false;
  }
}

async function addEntry(s: Services, target?: Target, givenKey?: string, givenValue?: string): Promise<void> {
  const picked = await pickDestination(s, target);
  if (!picked) return;
  const existing = s.store.destination(picked.server, picked.destinationId)?.userData ?? {};
  const key =
    givenKey ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Add userData Entry'),
      prompt: vscode.l10n.t('Key'),
      ignoreFocusOut: true,
      validateInput: (v) => {
        const r = UserDataKey.safeParse(v);
        if (!r.success) return r.error.issues[0]?.message;
        return Object.hasOwn(existing, v) ? vscode.l10n.t('This key exists already; edit it instead.') : undefined;
      },
    }));
  if (key === undefined) return;
  const value =
    givenValue ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Add userData Entry'),
      prompt: vscode.l10n.t('Value of {0}', key),
      ignoreFocusOut: true,
      validateInput: checkValue,
    }));
  if (value === undefined) return;
  await setEntry(s, picked.server, picked.destinationId, key, value);
}

async function pickEntry(
  s: Services,
  target?: Partial<UserDataNode>,
): Promise<{ server: string; destinationId: string; key: string } | undefined> {
  if (target?.server && target.destinationId && target.key !== undefined)
    return { server: target.server, destinationId: target.destinationId, key: target.key };
  const picked = await pickDestination(s, target);
  if (!picked) return undefined;
  const keys = Object.keys(s.store.destination(picked.server, picked.destinationId)?.userData ?? {});
  if (!keys.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('This destination has no userData.'));
    return undefined;
  }
  const key = await vscode.window.showQuickPick(keys, { title: vscode.l10n.t('Choose a userData key') });
  return key === undefined ? undefined : { ...picked, key };
}

async function editEntry(s: Services, target?: UserDataNode, givenValue?: string): Promise<void> {
  const entry = await pickEntry(s, target);
  if (!entry) return;
  const userData = s.store.destination(entry.server, entry.destinationId)?.userData;
  if (!userData || !Object.hasOwn(userData, entry.key)) {
    void vscode.window.showWarningMessage(vscode.l10n.t("userData '{0}' no longer exists on this destination.", entry.key));
    return;
  }
  const current = userData[entry.key];
  if (typeof current !== 'string') {
    void vscode.window.showInformationMessage(
      vscode.l10n.t("userData '{0}' holds JSON that is not text; editing it as text would change its type.", entry.key),
    );
    return;
  }
  const value =
    givenValue ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Edit userData Entry'),
      prompt: vscode.l10n.t('Value of {0}', entry.key),
      value: current,
      ignoreFocusOut: true,
      validateInput: checkValue,
    }));
  if (value === undefined || value === current) return;
  await setEntry(s, entry.server, entry.destinationId, entry.key, value);
}

async function deleteEntry(s: Services, target?: UserDataNode): Promise<void> {
  const entry = await pickEntry(s, target);
  if (!entry) return;
  await removeEntry(s, entry.server, entry.destinationId, entry.key);
}
