/**
 * Destinations: refresh, copy, open details, and the registration of create (`createFlow.ts`) and
 * delete with Undo (`deleteFlow.ts`).
 */
import * as vscode from 'vscode';
import type { Row } from '../model/engine/protocol';
import { create, type CreateDeps } from './createFlow';
import { remove, type DeleteDeps } from './deleteFlow';
import { destinationOf, type Targets } from './targets';

export function registerDestinationCommands(d: CreateDeps & DeleteDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('jetstream.refresh', async (arg?: unknown) => {
      const server =
        typeof arg === 'object' && arg && typeof (arg as { server?: unknown }).server === 'string'
          ? (arg as { server: string }).server
          : undefined;
      // A refused password is never sent again by a Refresh: the user signs in instead.
      if (server && d.mirror.server(server)?.summary.credentialsRefused) {
        await vscode.commands.executeCommand('jetstream.signIn', { server });
        return;
      }
      d.tree.resort(server);
      await d.mirror.request({ op: 'refresh', server, manual: true });
    }),
    vscode.commands.registerCommand('jetstream.createDestination', (arg?: unknown) => create(d, arg)),
    vscode.commands.registerCommand('jetstream.deleteDestination', (arg?: unknown, selected?: unknown) => remove(d, arg, selected)),
    vscode.commands.registerCommand('jetstream.openDetails', async (arg?: unknown) => {
      const target = await destinationOf(d, arg);
      // A click in the tree opens a preview; the palette, a key or a script opens a panel to keep.
      if (target) d.panels.open(target, { preview: typeof arg === 'object' && arg !== null && 'kind' in arg });
    }),
    vscode.commands.registerCommand('jetstream.copyDestinationId', (arg?: unknown) => copy(d, arg, (row) => row.key)),
    vscode.commands.registerCommand('jetstream.copyDestinationAddress', (arg?: unknown) =>
      copy(d, arg, (row) => `${row.address}:${row.port}`),
    ),
    vscode.commands.registerCommand('jetstream.copyDestinationJson', async (arg?: unknown) => {
      const target = await destinationOf(d, arg);
      if (!target) return;
      const label = d.mirror.row(target.server, target.key)?.label ?? target.key;
      try {
        // The whole record is read from the server: the extension keeps only what the tree shows.
        const json = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Reading destination {0}…', label) },
          () => d.mirror.request({ op: 'json', ...target }),
        );
        await toClipboard(json);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        d.log.error(`could not copy destination ${target.key} of '${target.server}' as JSON: ${message}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('Could not copy destination {0} as JSON: {1}', label, message));
      }
    }),
  ];
}

async function toClipboard(text: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied'), 2000);
}

async function copy(d: Targets, arg: unknown, text: (row: Row) => string): Promise<void> {
  const target = await destinationOf(d, arg);
  const row = target && d.mirror.row(target.server, target.key);
  if (row) await toClipboard(text(row));
}
