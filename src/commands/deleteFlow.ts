/**
 * Delete Destination: the confirmation, the deletes one by one keeping what recreates each, and the
 * Undo that recreates them (through the one create) and says what could not be restored.
 */
import * as vscode from 'vscode';
import type { Recreate } from '../model/engine/protocol';
import type { DestinationMirror } from '../model/mirror';
import type { LostPart } from '../model/recreate';
import type { PanelTarget } from '../views/detailsPanel';
import type { UndoLast } from '../views/undo';
import { copyConsoleCommands } from './consoleCommands';
import { createDestination } from './createFlow';
import { destinationsOf, type Targets } from './targets';

export interface DeleteDeps extends Targets {
  readonly log: vscode.LogOutputChannel;
  readonly undo: UndoLast;
}

export interface DeleteResult {
  deleted: { target: PanelTarget; label: string; plan: Recreate | { unavailable: string } }[];
  failed: { target: PanelTarget; label: string; message: string }[];
}

/** Deletes destinations one by one, keeping what recreates each for an Undo. */
export async function deleteDestinations(
  d: { mirror: DestinationMirror; log: vscode.LogOutputChannel },
  targets: PanelTarget[],
  onEach?: (label: string) => boolean,
): Promise<DeleteResult> {
  const result: DeleteResult = { deleted: [], failed: [] };
  for (const target of targets) {
    const label = d.mirror.row(target.server, target.key)?.label ?? target.key;
    if (onEach && !onEach(label)) break;
    const plan = await d.mirror.request({ op: 'recreate', ...target }).catch((e: unknown) => ({ unavailable: String(e) }));
    try {
      await d.mirror.request({ op: 'delete', ...target });
      d.log.info(`deleted destination ${target.key} on '${target.server}'`);
      result.deleted.push({ target, label, plan });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      d.log.error(`destination ${target.key} on '${target.server}' was not deleted: ${message}`);
      result.failed.push({ target, label, message });
    }
  }
  return result;
}

/** The Delete Destination command: confirm (or copy the console command), delete, offer Undo. */
export async function remove(d: DeleteDeps, arg: unknown, selected: unknown): Promise<void> {
  const targets = (await destinationsOf(d, arg, selected)).filter((t) => d.mirror.row(t.server, t.key));
  if (!targets.length) return;
  const names = targets.map((t) => d.mirror.row(t.server, t.key)!.label);
  const list =
    names.length <= 10 ? names.join('\n') : `${names.slice(0, 10).join('\n')}\n${vscode.l10n.t('and {0} more', names.length - 10)}`;
  const del = vscode.l10n.t('Delete');
  const asCommand = vscode.l10n.t('Copy as Console Command');
  const choice = await vscode.window.showWarningMessage(
    targets.length === 1
      ? vscode.l10n.t('Delete destination {0}?', names[0]!)
      : vscode.l10n.t('Delete these {0} destinations?', targets.length),
    {
      modal: true,
      detail: `${list}\n\n${targets.length === 1 ? vscode.l10n.t('Transfers queued to it are dropped by the server.') : vscode.l10n.t('Transfers queued to them are dropped by the server.')}`,
    },
    del,
    asCommand,
  );
  if (choice === asCommand) {
    // Per server: each server's console is its own command line.
    for (const server of new Set(targets.map((t) => t.server))) {
      const ids = targets.filter((t) => t.server === server).map((t) => ({ destinationId: d.mirror.row(t.server, t.key)!.id }));
      await copyConsoleCommands(d, server, 'send.deleteDestination', ids);
    }
    return;
  }
  if (choice !== del) return;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Deleting destinations'), cancellable: true },
    (progress, token) =>
      deleteDestinations(d, targets, (label) => {
        progress.report({ message: label, increment: 100 / targets.length });
        return !token.isCancellationRequested;
      }),
  );
  for (const f of result.failed)
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not delete destination {0}: {1}', f.label, f.message));
  if (!result.deleted.length) return;
  const what =
    result.deleted.length === 1
      ? vscode.l10n.t('delete of destination {0}', result.deleted[0]!.label)
      : vscode.l10n.t('delete of {0} destinations', result.deleted.length);
  const offer = d.undo.offer(what, () => undoDeletes(d, result));
  const undoWord = vscode.l10n.t('Undo');
  const done =
    result.deleted.length === 1
      ? vscode.l10n.t('Deleted destination {0}.', result.deleted[0]!.label)
      : vscode.l10n.t('Deleted {0} destinations.', result.deleted.length);
  if ((await vscode.window.showInformationMessage(done, undoWord)) === undoWord) await d.undo.run(offer);
}

/** Recreates what a delete removed (new ids); open panels follow; says what could not be restored. */
async function undoDeletes(d: DeleteDeps, result: DeleteResult): Promise<void> {
  for (const gone of result.deleted) {
    if ('unavailable' in gone.plan) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Destination {0} cannot be recreated: {1}', gone.label, gone.plan.unavailable));
      continue;
    }
    try {
      const row = await createDestination(d, gone.target.server, gone.plan.params);
      d.panels.follow(gone.target, { server: gone.target.server, key: row.key });
      if (gone.plan.lost.length)
        void vscode.window.showWarningMessage(
          vscode.l10n.t('Destination {0} was recreated without {1}.', gone.label, gone.plan.lost.map(lostWords).join(', ')),
        );
    } catch (e) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Could not recreate destination {0}: {1}', gone.label, e instanceof Error ? e.message : String(e)),
      );
    }
  }
}

function lostWords(part: LostPart): string {
  switch (part.part) {
    case 'relay':
      return vscode.l10n.t('its relay (not resolved yet when it was deleted)');
    case 'lanes':
      return vscode.l10n.t('its priority lanes (of a shape this extension cannot send back)');
    case 'userData':
      return vscode.l10n.t('userData that is not text ({0})', part.keys.join(', '));
  }
}
