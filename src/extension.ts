/**
 * JetStream Destinations: wires the store, the refresh scheduler, the views and the commands.
 * Nothing here talks to a server directly: commands call the client, the store announces changes.
 */
import * as vscode from 'vscode';
import { registerCompatibilityCommands } from './commands/compat';
import { registerDestinationCommands } from './commands/destinations';
import type { Services } from './commands/services';
import { registerServerCommands } from './commands/servers';
import { registerUserDataCommands } from './commands/userData';
import { FILTER_KEY, registerViewCommands, SORT_KEY } from './commands/view';
import { DemoServer } from './demoServer';
import { NO_FILTER, parseFilter, SORT_ORDERS, type SortOrder } from './model/filter';
import { RefreshScheduler } from './model/scheduler';
import { DestinationStore } from './model/store';
import { ServerSecrets } from './secrets';
import { affectsPolling, affectsProfiles, autoRefresh, readProfiles, refreshIntervalMs, requestTimeoutMs } from './settings';
import { registerDetailsPanels } from './views/detailsPanel';
import { ReportDocuments } from './views/reportDocument';
import { ServerStatusBar } from './views/statusBar';
import { DestinationsTreeProvider, type Node } from './views/tree';

/** What the extension hands to code that drives it: its tests and other extensions. */
export interface JetStreamApi {
  readonly store: DestinationStore;
  readonly scheduler: RefreshScheduler;
  readonly tree: DestinationsTreeProvider;
  readonly treeView: vscode.TreeView<Node>;
  /** Where the extension's log files go (the JetStream output channel among them). */
  readonly logUri: vscode.Uri;
}

export function activate(context: vscode.ExtensionContext): JetStreamApi {
  const log = vscode.window.createOutputChannel('JetStream', { log: true });
  const secrets = new ServerSecrets(context.secrets, () => store.servers().map((st) => st.profile));
  const store: DestinationStore = new DestinationStore((profile) => secrets.connect(profile, requestTimeoutMs()), {
    log: (level, m) => log[level](m),
  });
  const scheduler = new RefreshScheduler(store, { intervalMs: refreshIntervalMs() });
  const tree = new DestinationsTreeProvider(
    store,
    (name) => scheduler.effectiveIntervalMs(name),
    (name) => scheduler.nextTryAt(name),
  );
  const treeView = vscode.window.createTreeView('jetstream.destinations', {
    treeDataProvider: tree,
    showCollapseAll: true,
    canSelectMany: true,
  });
  const demo = new DemoServer(context.extensionPath, log);
  const reports = new ReportDocuments();

  const updateView = () => {
    const parsed = parseFilter(context.globalState.get<string>(FILTER_KEY, ''));
    const sort = context.globalState.get<SortOrder>(SORT_KEY, 'address');
    tree.setView('filter' in parsed ? parsed.filter : NO_FILTER, SORT_ORDERS.includes(sort) ? sort : 'address');
    treeView.description = tree.filterDescription;
    void vscode.commands.executeCommand('setContext', 'jetstream.filtered', !!tree.filterDescription);
  };
  // Poll only while someone can see the result: the tree or a details panel, in a focused window.
  const updatePolling = () =>
    scheduler.setActive((treeView.visible || panels.anyVisible()) && vscode.window.state.focused && autoRefresh());
  const services: Services = { store, scheduler, tree, treeView, secrets, log, demo, context, updateView, updatePolling };
  const panels = registerDetailsPanels(services);

  const applyProfiles = () => {
    const { profiles, invalid } = readProfiles();
    store.setProfiles(profiles, invalid);
    for (const p of invalid) log.warn(`jetstream.servers: '${p.name}' is ignored: ${p.problem}`);
    void vscode.commands.executeCommand('setContext', 'jetstream.hasServers', profiles.length + invalid.length > 0);
    if (scheduler.isActive) void scheduler.refreshNow();
  };

  log.info(`JetStream Destinations ${context.extension.packageJSON.version as string} activated`);
  applyProfiles();
  updateView();
  updatePolling();

  context.subscriptions.push(
    log,
    store,
    scheduler,
    tree,
    treeView,
    demo,
    new ServerStatusBar(store),
    { dispose: scheduler.onDidChangeInterval((name) => tree.repaintServer(name)).dispose },
    treeView.onDidChangeVisibility(updatePolling),
    // A new password or token (this window's Sign In, or another window's) may be tried once.
    secrets.onDidChange((profile) => {
      store.credentialsChanged(profile);
      if (scheduler.isActive) void scheduler.refreshNow(profile);
    }),
    vscode.window.onDidChangeWindowState(updatePolling),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsProfiles(e)) applyProfiles();
      if (affectsPolling(e)) {
        for (const s of store.servers()) store.forgetClient(s.profile.name);
        scheduler.setOptions({ intervalMs: refreshIntervalMs() });
        updatePolling();
      }
    }),
    ...registerServerCommands(services),
    ...registerDestinationCommands(services),
    ...registerUserDataCommands(services),
    ...registerViewCommands(services),
    reports,
    ...registerCompatibilityCommands(services, reports),
    ...panels.disposables,
  );
  return { store, scheduler, tree, treeView, logUri: context.logUri };
}

export function deactivate(): void {}
