/**
 * JetStream Destinations: wires the engine (on its worker thread), the views and the commands. The
 * main thread only paints what changed; nothing here talks to a server.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { useWords } from './api/l10n';
import { registerCompatibilityCommands } from './commands/compat';
import { isStoppedDemo, startDemoServer } from './commands/demo';
import { createDestination } from './commands/createFlow';
import { deleteDestinations } from './commands/deleteFlow';
import { registerDestinationCommands } from './commands/destinations';
import { registerConsoleCommands } from './commands/consoleCommands';
import { applyPlan, planOf, registerDestinationsFileCommands, type ApplyResult } from './commands/destinationsFile';
import { registerServerCommands, saveProfile, signIn } from './commands/servers';
import { registerTableCommands } from './commands/table';
import { deleteUserData, registerUserDataCommands, setUserData } from './commands/userData';
import { FILTER_KEY, registerViewCommands, sortLabel, storedSort } from './commands/view';
import { DemoServer } from './demoServer';
import { reportListenerErrors } from './model/events';
import { formatCount } from './model/format';
import { NO_FILTER, parseFilter } from './model/filter';
import { DestinationMirror } from './model/mirror';
import { PollingGate } from './model/pollingGate';
import { ServerSecrets } from './secrets';
import { affectsPolling, affectsProfiles, autoRefresh, readProfiles, refreshIntervalMs, requestTimeoutMs } from './settings';
import { DestinationAlerts } from './views/alerts';
import { DetailsPanels } from './views/detailsPanel';
import { ReportDocuments } from './views/reportDocument';
import { ServerStatusBar } from './views/statusBar';
import { DestinationsTreeProvider } from './views/tree';
import type { Node } from './views/treeNodes';
import { UndoLast } from './views/undo';
import { DestinationsFileFeatures } from './views/destinationsFiles';
import type { Exported, Plan } from './model/plan';

/** What the extension hands to code that drives it: its tests, scripts and other extensions. */
export interface JetStreamApi {
  readonly mirror: DestinationMirror;
  readonly tree: DestinationsTreeProvider;
  readonly treeView: vscode.TreeView<Node>;
  readonly panels: DetailsPanels;
  /** Alerts in force and their status bar item. */
  readonly alerts: DestinationAlerts;
  /** Where the extension's log files go (the JetStream output channel among them). */
  readonly logUri: vscode.Uri;
  /** How long activation took as a user sees it: from activate() to the tree's first rows, in ms. */
  readonly activation: Promise<number>;
  signIn: (server: string, secret: { password?: string; token?: string }) => Promise<void>;
  saveProfile: (profile: Parameters<typeof saveProfile>[1], secret?: Parameters<typeof saveProfile>[2]) => Promise<void>;
  createDestination: (server: string, params: Parameters<typeof createDestination>[2]) => ReturnType<typeof createDestination>;
  deleteDestinations: (targets: Parameters<typeof deleteDestinations>[1]) => ReturnType<typeof deleteDestinations>;
  setUserData: (server: string, key: string, entry: string, value: string) => ReturnType<typeof setUserData>;
  deleteUserData: (server: string, key: string, entry: string) => ReturnType<typeof deleteUserData>;
  startDemoServer: () => Promise<string | undefined>;
  /** Destinations files, for scripts: the plan of a file, Apply of a plan (no confirmation asked), and Export. */
  planFile: (uri: vscode.Uri) => Promise<Plan | undefined>;
  applyPlan: (plan: Plan) => Promise<ApplyResult>;
  exportDestinations: (server: string) => Promise<Exported>;
}

export function activate(context: vscode.ExtensionContext): JetStreamApi {
  const started = performance.now();
  // api and model code on this thread (input checks, the engine link) speak VS Code's language too.
  useWords(vscode.l10n);
  let activated!: (ms: number) => void;
  const activation = new Promise<number>((resolve) => (activated = resolve));
  const log = vscode.window.createOutputChannel('JetStream', { log: true });
  reportListenerErrors((e) => log.error(`an event listener failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
  const secrets = new ServerSecrets(context.secrets, () => mirror.servers().map((v) => v.profile));
  const mirror: DestinationMirror = new DestinationMirror({
    script: path.join(context.extensionPath, 'dist', 'worker.js'),
    bundle: vscode.l10n.bundle,
    secret: async (server) => {
      const profile = mirror.server(server)?.profile;
      return profile ? secrets.get(profile) : undefined;
    },
    log: (level, message) => log[level](message),
  });
  const gate = new PollingGate();
  const demo = new DemoServer(context.extensionPath, log);
  const undo = new UndoLast();
  const reports = new ReportDocuments();
  const panels = new DetailsPanels(mirror, context.extensionUri, log);
  const demoDeps = { mirror, demo, log, state: context.globalState };
  const tree = new DestinationsTreeProvider(mirror, {
    moreNotices: (server) => (isStoppedDemo(demoDeps, server) ? ['demoStopped'] : []),
    onFirstChildren: () => {
      const ms = performance.now() - started;
      log.info(`activated in ${ms.toFixed(1)} ms (to the first rows of the tree)`);
      activated(ms);
    },
  });
  const treeView = vscode.window.createTreeView('jetstream.destinations', {
    treeDataProvider: tree,
    showCollapseAll: true,
    canSelectMany: true,
  });

  const polling = () => mirror.setPolling({ active: gate.active, intervalMs: refreshIntervalMs(), timeoutMs: requestTimeoutMs() });
  const applyView = () => {
    const parsed = parseFilter(context.globalState.get<string>(FILTER_KEY, ''));
    tree.setView('filter' in parsed ? parsed.filter : NO_FILTER, storedSort(context.globalState));
    void vscode.commands.executeCommand('setContext', 'jetstream.filtered', !!tree.filterText);
    showViewState();
  };
  // The view is alone in its container, where VS Code hides its description: filter and sort go in its message.
  const showViewState = () => {
    const sort = tree.sort === 'address' ? '' : vscode.l10n.t('Sorted by {0}', sortLabel(tree.sort).toLowerCase());
    const filter = tree.filterText;
    const { shown, total } = filter ? tree.counts() : { shown: 0, total: 0 };
    const filtered = filter ? vscode.l10n.t('Filtered: {0} — {1} of {2}', filter, formatCount(shown), formatCount(total)) : '';
    treeView.message = [filtered, sort].filter(Boolean).join(' · ') || undefined;
  };
  const applyProfiles = () => {
    const { profiles, invalid } = readProfiles();
    mirror.setProfiles(profiles, invalid);
    for (const p of invalid) log.warn(`jetstream.servers: '${p.name}' is ignored: ${p.problem}`);
    void vscode.commands.executeCommand('setContext', 'jetstream.hasServers', profiles.length + invalid.length > 0);
  };

  log.info(`JetStream Destinations ${context.extension.packageJSON.version as string} activated`);
  applyProfiles();
  applyView();
  gate.set({ treeVisible: treeView.visible, windowFocused: vscode.window.state.focused, autoRefresh: autoRefresh() });
  polling();

  const targets = { mirror, tree, treeView, panels };
  // The destinations table shows live data as a details panel does: polling runs while either is visible.
  let tableVisible = false;
  const alerts = new DestinationAlerts({ mirror, tree, treeView, log, gate });
  context.subscriptions.push(
    log,
    mirror,
    gate,
    tree,
    treeView,
    demo,
    undo,
    reports,
    panels,
    new ServerStatusBar(mirror),
    alerts,
    gate.onDidChange(polling),
    treeView.onDidChangeVisibility((e) => gate.set({ treeVisible: e.visible })),
    treeView.onDidExpandElement((e) => tree.setExpanded(e.element, true)),
    treeView.onDidCollapseElement((e) => tree.setExpanded(e.element, false)),
    vscode.window.onDidChangeWindowState((e) => gate.set({ windowFocused: e.focused })),
    panels.onDidChangeVisible(() => gate.set({ panelVisible: panels.anyVisible || tableVisible })),
    // The tree follows the panel in front, without taking the focus from it.
    panels.onDidBecomeActive((t) => {
      if (!treeView.visible || !mirror.row(t.server, t.key)) return;
      treeView.reveal(tree.destinationNode(t.server, t.key), { select: true, focus: false }).then(undefined, () => undefined);
    }),
    mirror.onDidChange(() => tree.filterText && showViewState()),
    demo.onDidChange(() => tree.repaintAll()),
    // Another window's new password or token may be tried once (one it saw refused is not sent again).
    secrets.onDidChange((server) => {
      mirror.credentialsChanged(server, false);
      void mirror.request({ op: 'refresh', server, manual: true });
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsProfiles(e)) applyProfiles();
      if (affectsPolling(e)) {
        gate.set({ autoRefresh: autoRefresh() });
        polling();
      }
    }),
    vscode.commands.registerCommand('jetstream.startDemoServer', () => startDemoServer(demoDeps)),
    vscode.commands.registerCommand('jetstream.undo', () => undo.run()),
    ...registerServerCommands({ ...targets, secrets, log }),
    ...registerDestinationCommands({ ...targets, log, undo }),
    ...registerUserDataCommands({ ...targets, log, undo }),
    ...registerViewCommands({ state: context.globalState, treeView, log, applyView }),
    ...registerCompatibilityCommands({ ...targets, reports, log, version: String(context.extension.packageJSON.version) }),
    new DestinationsFileFeatures(mirror),
    ...registerDestinationsFileCommands({ ...targets, reports, log }),
    ...registerConsoleCommands(targets),
    ...registerTableCommands({
      ...targets,
      log,
      undo,
      state: context.globalState,
      extensionUri: context.extensionUri,
      onDidChangeVisible: (visible) => {
        tableVisible = visible;
        gate.set({ panelVisible: panels.anyVisible || tableVisible });
      },
    }),
  );
  log.info(`activate() returned after ${(performance.now() - started).toFixed(1)} ms`);
  return {
    mirror,
    tree,
    treeView,
    panels,
    alerts,
    logUri: context.logUri,
    activation,
    signIn: (server, secret) => signIn({ mirror, secrets, log }, server, secret),
    saveProfile: (profile, secret) => saveProfile({ mirror, secrets, log }, profile, secret),
    createDestination: (server, params) => createDestination({ mirror, log }, server, params),
    deleteDestinations: (t) => deleteDestinations({ mirror, log }, t),
    setUserData: (server, key, entry, value) => setUserData({ mirror, log }, server, key, entry, value),
    deleteUserData: (server, key, entry) => deleteUserData({ mirror, log }, server, key, entry),
    startDemoServer: () => startDemoServer(demoDeps),
    planFile: async (uri) => (await planOf({ ...targets, reports, log }, uri))?.plan,
    applyPlan: (plan) => applyPlan({ ...targets, reports, log }, plan, 'script'),
    exportDestinations: (server) => mirror.request({ op: 'export', server }),
  };
}

export function deactivate(): void {}
