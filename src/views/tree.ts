/**
 * The Destinations tree: servers → destinations → userData entries. Node objects are kept per id so
 * VS Code keeps expansion and selection across refreshes; status lives only in icons and
 * descriptions, never in ids. A refresh fires events only for rows whose shown data changed, and
 * for a server only when its rows come, go or move.
 */
import * as vscode from 'vscode';
import type { JetStreamError } from '../api/errors';
import type { ListedDestination } from '../api/schemas';
import { arrange, formatFilter, isFiltered, NO_FILTER, type DestinationFilter, type SortOrder } from '../model/filter';
import { formatCount, formatRate, formatRatePair, formatTimestamp, truncate } from '../model/format';
import type { InvalidProfile } from '../model/profiles';
import { destinationStatus, STATUS_LABELS, type DestinationStatus } from '../model/status';
import type { DestinationStore, ServerState, StoreChange } from '../model/store';

export interface ServerNode {
  readonly kind: 'server';
  readonly server: string;
}
export interface DestinationNode {
  readonly kind: 'destination';
  readonly server: string;
  readonly destinationId: string;
}
export interface UserDataNode {
  readonly kind: 'userData';
  readonly server: string;
  readonly destinationId: string;
  readonly key: string;
}
/** Why a server cannot be shown, with the action that fixes it. */
export interface ProblemNode {
  readonly kind: 'problem';
  readonly server: string;
}
/** A `jetstream.servers` entry that could not be read. */
export interface InvalidProfileNode {
  readonly kind: 'invalidProfile';
  readonly index: number;
}
export interface MessageNode {
  readonly kind: 'message';
  readonly server: string;
  readonly text: string;
}
export type Node = ServerNode | DestinationNode | UserDataNode | ProblemNode | InvalidProfileNode | MessageNode;

const STATUS_ICONS: Record<DestinationStatus, [string, string]> = {
  connected: ['pass-filled', 'testing.iconPassed'],
  negotiating: ['sync', 'charts.yellow'],
  disconnected: ['debug-disconnect', 'disabledForeground'],
  error: ['error', 'errorForeground'],
  stale: ['history', 'descriptionForeground'],
};

export function statusIcon(status: DestinationStatus): vscode.ThemeIcon {
  const [id, color] = STATUS_ICONS[status];
  return new vscode.ThemeIcon(id, new vscode.ThemeColor(color));
}

/** What a row shows; a change of this string is what makes a row worth repainting. */
interface Shown {
  status: DestinationStatus;
  description: string;
  userData: string;
}

const MAX_VALUE_IN_ROW = 200;

export class DestinationsTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | Node[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly nodes = new Map<string, Node>();
  /** Per server: the ids shown, in order, and what each row showed when last painted. */
  private readonly shown = new Map<string, { order: string[]; rows: Map<string, Shown> }>();
  private filter: DestinationFilter = NO_FILTER;
  private sortOrder: SortOrder = 'address';
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Counts change events fired, for tests and benchmarks. */
  eventsFired = 0;

  constructor(
    private readonly store: DestinationStore,
    private readonly intervalOf: (server: string) => number = () => 1000,
  ) {
    this.subscriptions.push(
      { dispose: store.onDidChange((c) => this.onStoreChange(c)).dispose },
      { dispose: store.onDidChangeServers(() => this.fire(undefined)).dispose },
    );
  }

  setView(filter: DestinationFilter, sortOrder: SortOrder): void {
    this.filter = filter;
    this.sortOrder = sortOrder;
    this.fire(undefined);
  }

  /** Repaints a server's row, e.g. when its refresh interval stretched. */
  repaintServer(server: string): void {
    if (this.store.server(server)) this.fire(this.serverNode(server));
  }

  get filterDescription(): string | undefined {
    return isFiltered(this.filter) ? `Filtered: ${formatFilter(this.filter)}` : undefined;
  }

  serverNode(server: string): ServerNode {
    return this.node(`s/${server}`, () => ({ kind: 'server', server }));
  }

  destinationNode(server: string, destinationId: string): DestinationNode {
    return this.node(`d/${server}/${destinationId}`, () => ({ kind: 'destination', server, destinationId }));
  }

  private userDataNode(server: string, destinationId: string, key: string): UserDataNode {
    return this.node(`u/${server}/${destinationId}/${key}`, () => ({ kind: 'userData', server, destinationId, key }));
  }

  private node<T extends Node>(id: string, make: () => T): T {
    let n = this.nodes.get(id);
    if (!n) {
      n = make();
      this.nodes.set(id, n);
    }
    return n as T;
  }

  getChildren(element?: Node): Node[] {
    if (!element) {
      const servers: Node[] = this.store.servers().map((s) => this.serverNode(s.profile.name));
      for (const p of this.store.invalid())
        servers.push(this.node(`invalid/${p.index}`, () => ({ kind: 'invalidProfile', index: p.index })));
      return servers;
    }
    if (element.kind === 'server') return this.serverChildren(element.server);
    if (element.kind === 'destination') {
      const d = this.store.destination(element.server, element.destinationId);
      return Object.keys(d?.userData ?? {}).map((key) => this.userDataNode(element.server, element.destinationId, key));
    }
    return [];
  }

  private serverChildren(server: string): Node[] {
    const state = this.store.server(server);
    if (!state) return [];
    const children: Node[] = [];
    if (state.error) children.push(this.node(`p/${server}`, () => ({ kind: 'problem', server })));
    const visible = arrange(state.destinations.values(), this.filter, this.sortOrder, state.newestSnapshotTime);
    this.remember(state, visible);
    for (const d of visible) children.push(this.destinationNode(server, d.destinationId));
    if (!visible.length && !state.error) {
      const text =
        state.phase === 'loading'
          ? vscode.l10n.t('Loading…')
          : state.destinations.size
            ? vscode.l10n.t('No destination matches the filter')
            : vscode.l10n.t('No destinations yet');
      children.push({ kind: 'message', server, text });
    }
    return children;
  }

  getParent(element: Node): Node | undefined {
    if (element.kind === 'destination' || element.kind === 'message') return this.serverNode(element.server);
    if (element.kind === 'problem') return this.serverNode(element.server);
    if (element.kind === 'userData') return this.destinationNode(element.server, element.destinationId);
    return undefined;
  }

  getTreeItem(element: Node): vscode.TreeItem {
    switch (element.kind) {
      case 'server':
        return this.serverItem(element.server);
      case 'destination':
        return this.destinationItem(element);
      case 'userData':
        return this.userDataItem(element);
      case 'problem':
        return this.problemItem(element.server);
      case 'invalidProfile':
        return this.invalidProfileItem(element.index);
      case 'message': {
        const item = new vscode.TreeItem(element.text);
        item.id = `m/${element.server}`;
        return item;
      }
    }
  }

  /** Tooltips are built when hovered, so they always show the newest snapshot and cost nothing per tick. */
  resolveTreeItem(item: vscode.TreeItem, element: Node): vscode.TreeItem {
    if (element.kind === 'destination') {
      const state = this.store.server(element.server);
      const d = state?.destinations.get(element.destinationId);
      if (state && d) item.tooltip = destinationTooltip(d, destinationStatus(d, state.newestSnapshotTime));
    }
    return item;
  }

  private serverItem(server: string): vscode.TreeItem {
    const state = this.store.server(server)!;
    const item = new vscode.TreeItem(server, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `s/${server}`;
    const info = state.info;
    const count = state.destinations.size;
    const version = info ? `JetStream ${info.version} · API ${info.apiVersion}` : '';
    const interval = this.intervalOf(server);
    const slow = state.phase === 'ok' && interval > 1500 ? ` · every ${Math.round(interval / 100) / 10} s` : '';
    item.description =
      state.phase === 'error'
        ? vscode.l10n.t('unreachable or refused')
        : state.phase === 'loading'
          ? vscode.l10n.t('connecting…')
          : `${version} · ${formatCount(count)} destination${count === 1 ? '' : 's'}${slow}`;
    item.iconPath =
      state.phase === 'error'
        ? new vscode.ThemeIcon('server', new vscode.ThemeColor('errorForeground'))
        : state.phase === 'loading'
          ? new vscode.ThemeIcon('loading~spin')
          : new vscode.ThemeIcon('server', new vscode.ThemeColor('testing.iconPassed'));
    const p = state.profile;
    const md = new vscode.MarkdownString();
    md.appendMarkdown('**');
    md.appendText(server);
    md.appendMarkdown('**\n\n');
    line(md, 'Where', p.transport === 'cli' ? `${p.host}:${p.port ?? 8886} (console API)` : (p.url ?? ''));
    line(md, 'User', p.user ? `${p.user}${p.superuser ? ' (superuser view)' : ''}` : 'none (server needs no sign-in)');
    if (info) {
      line(md, 'Version', `${info.version} (API ${info.apiVersion})`);
      if (info.serverName) line(md, 'Server name', info.serverName);
      if (info.serverId) line(md, 'Server id', info.serverId);
    }
    line(md, 'Destinations', formatCount(count));
    line(
      md,
      'Refresh',
      state.phase === 'ok' ? `every ${interval / 1000} s (last took ${state.lastRefreshMs} ms)` : `retrying every ${interval / 1000} s`,
    );
    if (state.error) line(md, 'Problem', state.error.message);
    item.tooltip = md;
    item.contextValue = `server${p.superuser ? ' superuser' : ''}${state.phase === 'ok' ? ' reachable' : ''}`;
    return item;
  }

  private problemItem(server: string): vscode.TreeItem {
    const error = this.store.server(server)?.error;
    const fix = error ? fixFor(error) : undefined;
    const item = new vscode.TreeItem(error ? problemTitle(error) : '');
    item.id = `p/${server}`;
    item.description = error?.message;
    item.tooltip = error?.message;
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    if (fix) item.command = { command: fix.command, title: fix.title, arguments: [this.serverNode(server)] };
    item.contextValue = `problem ${fix?.context ?? ''}`.trim();
    return item;
  }

  private invalidProfileItem(index: number): vscode.TreeItem {
    const p: InvalidProfile | undefined = this.store.invalid().find((x) => x.index === index);
    const item = new vscode.TreeItem(p?.name ?? 'jetstream.servers');
    item.id = `invalid/${index}`;
    item.description = vscode.l10n.t('invalid profile: {0}', p?.problem ?? '');
    item.tooltip = item.description;
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.command = { command: 'workbench.action.openSettingsJson', title: vscode.l10n.t('Open Settings (JSON)') };
    item.contextValue = 'invalidProfile';
    return item;
  }

  private destinationItem(node: DestinationNode): vscode.TreeItem {
    const state = this.store.server(node.server);
    const d = state?.destinations.get(node.destinationId);
    const item = new vscode.TreeItem(d ? `${d.destinationAddress}:${d.destinationPort}` : node.destinationId);
    item.id = `d/${node.server}/${node.destinationId}`;
    if (!d || !state) return item;
    const status = destinationStatus(d, state.newestSnapshotTime);
    item.collapsibleState = Object.keys(d.userData ?? {}).length
      ? vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None;
    item.iconPath = statusIcon(status);
    item.description = describe(d, status);
    item.accessibilityInformation = { label: `${item.label}, ${STATUS_LABELS[status]}, ${item.description}` };
    item.contextValue = `destination ${status}`;
    item.command = { command: 'jetstream.openDetails', title: vscode.l10n.t('Open Details'), arguments: [node] };
    return item;
  }

  private userDataItem(node: UserDataNode): vscode.TreeItem {
    const value = this.store.destination(node.server, node.destinationId)?.userData?.[node.key] ?? '';
    const item = new vscode.TreeItem(truncate(node.key, MAX_VALUE_IN_ROW));
    item.id = `u/${node.server}/${node.destinationId}/${node.key}`;
    item.description = truncate(value, MAX_VALUE_IN_ROW);
    item.tooltip = `${truncate(node.key, 1000)} = ${truncate(value, 4000)}`;
    item.iconPath = new vscode.ThemeIcon('symbol-key');
    item.contextValue = 'userData';
    return item;
  }

  /** Remembers what a server's rows show, so the next store change can tell which rows to repaint. */
  private remember(state: ServerState, visible: ListedDestination[]): void {
    const rows = new Map<string, Shown>();
    for (const d of visible) rows.set(d.destinationId, shownOf(d, state.newestSnapshotTime));
    this.shown.set(state.profile.name, { order: visible.map((d) => d.destinationId), rows });
  }

  private onStoreChange(change: StoreChange): void {
    const state = this.store.server(change.server);
    if (!state) return;
    const view = this.shown.get(change.server);
    // By address and unfiltered, the rows can only come, go or move when the list itself changed.
    const orderFixed = !change.listChanged && this.sortOrder === 'address' && !isFiltered(this.filter);
    const order =
      orderFixed && view
        ? view.order
        : arrange(state.destinations.values(), this.filter, this.sortOrder, state.newestSnapshotTime).map((d) => d.destinationId);
    if (change.listChanged) this.forgetGone(change.server, state);
    if (change.serverChanged || change.listChanged || !view || !sameOrder(order, view.order)) {
      // Children come, go or move: the server node repaints with them (getChildren remembers the new rows).
      this.fire(this.serverNode(change.server));
      return;
    }
    const changed = new Set(change.changed);
    const repaint: Node[] = [];
    for (const id of order) {
      const d = state.destinations.get(id);
      const before = view.rows.get(id);
      if (!d || !before) continue;
      // Only changed records can show a new description or userData; any record can turn stale.
      if (changed.has(id)) {
        const now = shownOf(d, state.newestSnapshotTime);
        if (before.status === now.status && before.description === now.description && before.userData === now.userData) continue;
        view.rows.set(id, now);
      } else {
        const status = destinationStatus(d, state.newestSnapshotTime);
        if (status === before.status) continue;
        view.rows.set(id, { ...before, status, description: describe(d, status) });
      }
      repaint.push(this.destinationNode(change.server, id));
    }
    if (repaint.length) this.fire(repaint);
  }

  /** Drops cached nodes of destinations that are gone, so a tree open for weeks does not grow. */
  private forgetGone(server: string, state: ServerState): void {
    for (const [id, node] of this.nodes) {
      if (
        (node.kind === 'destination' || node.kind === 'userData') &&
        node.server === server &&
        !state.destinations.has(node.destinationId)
      ) {
        this.nodes.delete(id);
      }
    }
  }

  private fire(nodes: Node | Node[] | undefined): void {
    this.eventsFired += Array.isArray(nodes) ? nodes.length : 1;
    this.emitter.fire(nodes);
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.emitter.dispose();
  }
}

function sameOrder(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function shownOf(d: ListedDestination, newest: number | null): Shown {
  const status = destinationStatus(d, newest);
  return { status, description: describe(d, status), userData: d.userData ? JSON.stringify(d.userData) : '' };
}

function describe(d: ListedDestination, status: DestinationStatus): string {
  const queue = d.numTransfersQueued ? ` · ${formatCount(d.numTransfersQueued)} queued` : '';
  if (status === 'error') return `${truncate(d.lastErrorMessage || d.lastError || 'error', 80)}${queue}`;
  if (status === 'connected') return `${formatRatePair(d.sendRateAverage, d.sendRateMax)}${queue}`;
  return `${STATUS_LABELS[status].toLowerCase()} · max ${formatRate(d.sendRateMax)}${queue}`;
}

function line(md: vscode.MarkdownString, label: string, value: string): void {
  md.appendMarkdown(`${label}: `);
  md.appendText(truncate(value, 500));
  md.appendMarkdown('  \n');
}

/** Key fields of a destination; every server string goes in as text, and the tooltip is not trusted. */
export function destinationTooltip(d: ListedDestination, status: DestinationStatus): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown('**');
  md.appendText(`${d.destinationAddress}:${d.destinationPort}`);
  md.appendMarkdown('**\n\n');
  line(md, 'Status', STATUS_LABELS[status]);
  if (d.lastError) line(md, 'Last error', `${d.lastError}${d.lastErrorMessage ? `: ${d.lastErrorMessage}` : ''}`);
  line(md, 'Send rate', `${formatRate(d.sendRateAverage)} of ${formatRate(d.sendRateMax)}`);
  line(md, 'Round trip', d.roundTripTimeMs === null ? '—' : `${d.roundTripTimeMs} ms`);
  line(md, 'Queued transfers', formatCount(d.numTransfersQueued));
  line(md, 'Encryption', d.encryptionEnabled ? 'enabled' : 'off');
  if (d.relayIP) line(md, 'Relay', `${d.relayIP}:${d.relayPort ?? ''}`);
  if (d.owner) line(md, 'Owner', d.owner);
  line(md, 'Last send', formatTimestamp(d.lastSendTime));
  line(md, 'Destination ID', d.destinationId);
  return md;
}

function problemTitle(error: JetStreamError): string {
  switch (error.code) {
    case 'AuthFailed':
      return vscode.l10n.t('Sign-in refused');
    case 'AuthRequired':
      return vscode.l10n.t('Sign-in needed');
    case 'TlsIdentity':
      return vscode.l10n.t("Server identity can't be verified");
    case 'Unreachable':
    case 'Timeout':
      return vscode.l10n.t('Server unreachable');
    case 'InvalidResponse':
      return vscode.l10n.t('Server sent invalid data');
    case 'ConsoleNotFound':
      return vscode.l10n.t('Console API not found');
    case 'PermissionDenied':
      return vscode.l10n.t('Permission denied');
    default:
      return vscode.l10n.t('Server error');
  }
}

/** The command that fixes a server problem: offered as the problem row's click and inline action. */
export function fixFor(error: JetStreamError): { command: string; title: string; context: string } {
  if (error.isAuthentication) return { command: 'jetstream.signIn', title: vscode.l10n.t('Sign In Again'), context: 'signIn' };
  if (error.code === 'TlsIdentity' || error.code === 'ConsoleNotFound')
    return { command: 'jetstream.editServer', title: vscode.l10n.t('Edit Server'), context: 'edit' };
  if (error.code === 'PermissionDenied')
    return { command: 'jetstream.toggleSuperuser', title: vscode.l10n.t('Toggle Superuser View'), context: 'superuser' };
  if (error.code === 'InvalidResponse') return { command: 'jetstream.showLog', title: vscode.l10n.t('Show Log'), context: 'log' };
  return { command: 'jetstream.refresh', title: vscode.l10n.t('Retry'), context: 'retry' };
}
