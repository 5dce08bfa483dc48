/** The view's own commands: filter, sort, show log, and the keys on a row (Delete, F2). */
import * as vscode from 'vscode';
import { formatFilter, parseFilter, SORT_ORDERS, type SortOrder } from '../model/filter';
import type { Node } from '../views/treeNodes';

export const FILTER_KEY = 'jetstream.filter';
export const SORT_KEY = 'jetstream.sort';

export interface ViewDeps {
  readonly state: vscode.Memento;
  readonly treeView: vscode.TreeView<Node>;
  readonly log: vscode.LogOutputChannel;
  /** Applies the filter and sort order in the state to the tree. */
  applyView(): void;
}

/** The sort order remembered, reading the name an older version stored. */
export function storedSort(state: vscode.Memento): SortOrder {
  const s = state.get<string>(SORT_KEY, 'address');
  const order = (s === 'status' ? 'problems' : s) as SortOrder;
  return SORT_ORDERS.includes(order) ? order : 'address';
}

export function sortLabel(order: SortOrder): string {
  switch (order) {
    case 'address':
      return vscode.l10n.t('Address');
    case 'problems':
      return vscode.l10n.t('Problems first');
    case 'rate':
      return vscode.l10n.t('Send rate (highest first)');
    case 'queue':
      return vscode.l10n.t('Queued transfers (most first)');
  }
}

export function registerViewCommands(d: ViewDeps): vscode.Disposable[] {
  return [
    // Whatever VS Code passes (the clicked node, nothing) is not a filter: the filter is always typed.
    vscode.commands.registerCommand('jetstream.filter', async () => {
      const line = await vscode.window.showInputBox({
        title: vscode.l10n.t('Filter Destinations'),
        prompt: vscode.l10n.t(
          'Words match address, id, owner, error and userData; narrow with status:connected|negotiating|disconnected|error|stale|invalid and owner:NAME',
        ),
        value: d.state.get<string>(FILTER_KEY, ''),
        validateInput: (v) => {
          const r = parseFilter(v);
          return 'error' in r ? r.error : undefined;
        },
      });
      if (line === undefined) return;
      const r = parseFilter(line);
      if ('error' in r) return;
      await d.state.update(FILTER_KEY, formatFilter(r.filter));
      d.log.info(`filter: ${formatFilter(r.filter) || '(none)'}`);
      d.applyView();
    }),
    vscode.commands.registerCommand('jetstream.clearFilter', async () => {
      await d.state.update(FILTER_KEY, '');
      d.log.info('filter cleared');
      d.applyView();
    }),
    vscode.commands.registerCommand('jetstream.sort', async () => {
      const current = storedSort(d.state);
      const items = SORT_ORDERS.map((o) => ({
        label: sortLabel(o),
        description: o === current ? vscode.l10n.t('in use') : undefined,
        order: o,
      }));
      const picked = await vscode.window.showQuickPick(items, {
        title: vscode.l10n.t('Sort Destinations By'),
        placeHolder: vscode.l10n.t('Live sorts keep rows in place between changes of the list, and re-sort every 10 s'),
      });
      if (!picked) return;
      await d.state.update(SORT_KEY, picked.order);
      d.log.info(`sort: ${picked.order}`);
      d.applyView();
    }),
    vscode.commands.registerCommand('jetstream.showLog', () => d.log.show()),
    // Keys on a row act on the selection: Delete deletes what is selected, F2 edits a userData value.
    vscode.commands.registerCommand('jetstream.deleteSelection', async () => {
      const [first] = d.treeView.selection;
      if (first?.kind === 'destination') await vscode.commands.executeCommand('jetstream.deleteDestination', first, d.treeView.selection);
      else if (first?.kind === 'userData') await vscode.commands.executeCommand('jetstream.deleteUserData', first);
    }),
    vscode.commands.registerCommand('jetstream.editSelection', async () => {
      const [first] = d.treeView.selection;
      if (first?.kind === 'userData') await vscode.commands.executeCommand('jetstream.editUserData', first);
      else if (first?.kind === 'destination') await vscode.commands.executeCommand('jetstream.addUserData', first);
      else if (first?.kind === 'server') await vscode.commands.executeCommand('jetstream.editServer', first);
    }),
  ];
}
