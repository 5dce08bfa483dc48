/** The view's own commands: filter, sort, show log. */
import * as vscode from 'vscode';
import { formatFilter, parseFilter, SORT_ORDERS, type SortOrder } from '../model/filter';
import type { Services } from './services';

export const FILTER_KEY = 'jetstream.filter';
export const SORT_KEY = 'jetstream.sort';

export function registerViewCommands(s: Services): vscode.Disposable[] {
  const state = s.context.globalState;
  return [
    vscode.commands.registerCommand('jetstream.filter', async (given?: string) => {
      const line =
        given ??
        (await vscode.window.showInputBox({
          title: vscode.l10n.t('Filter Destinations'),
          prompt: vscode.l10n.t(
            'Words match address, id, owner or userData; narrow with status:connected|negotiating|disconnected|error|stale and owner:NAME',
          ),
          value: state.get<string>(FILTER_KEY, ''),
          validateInput: (v) => {
            const r = parseFilter(v);
            return 'error' in r ? r.error : undefined;
          },
        }));
      if (line === undefined) return;
      const r = parseFilter(line);
      if ('error' in r) return;
      await state.update(FILTER_KEY, formatFilter(r.filter));
      s.updateView();
    }),
    vscode.commands.registerCommand('jetstream.clearFilter', async () => {
      await state.update(FILTER_KEY, '');
      s.updateView();
    }),
    vscode.commands.registerCommand('jetstream.sort', async (given?: SortOrder) => {
      const labels: Record<SortOrder, string> = {
        address: vscode.l10n.t('Address'),
        status: vscode.l10n.t('Status (problems first)'),
        rate: vscode.l10n.t('Send rate (highest first)'),
        queue: vscode.l10n.t('Queued transfers (most first)'),
      };
      const current = state.get<SortOrder>(SORT_KEY, 'address');
      const order =
        given ??
        (
          await vscode.window.showQuickPick(
            SORT_ORDERS.map((o) => ({ label: labels[o], description: o === current ? vscode.l10n.t('current') : undefined, order: o })),
            { title: vscode.l10n.t('Sort Destinations By') },
          )
        )?.order;
      if (!order || !SORT_ORDERS.includes(order)) return;
      await state.update(SORT_KEY, order);
      s.updateView();
    }),
    vscode.commands.registerCommand('jetstream.showLog', () => s.log.show()),
  ];
}
