/**
 * The Destinations tree: servers → destinations → userData entries. Node objects are kept per id so
 * VS Code keeps expansion and selection across refreshes; status lives only in icons and
 * descriptions, never in ids. A refresh fires events only for rows whose shown data changed, and
 * for a server only when its rows come, go or move.
 */
import * as vscode from 'vscode';
import { destinationKey } from '../api/destinationList';
import type { Redact } from '../api/redact';
import { idKey, type ListedDestination } from '../api/schemas';
import { arrange, formatFilter, isFiltered, NO_FILTER, type DestinationFilter, type SortOrder } from '../model/filter';
import { formatCount, formatRate, formatTimestamp, truncate } from '../model/format';
import { profileNotices, sendsCredentialsInClear, type InvalidProfile, type ProfileNotice } from '../model/profiles';
import {
  describeDestination,
  destinationError,
  destinationLabel,
  MAX_ROW_TEXT,
  serverProblem,
  STATUS_ICONS,
  userDataText,
  type Fix,
} from '../model/rows';
import { destinationStatus, STATUS_LABELS, type DestinationStatus } from '../model/status';
import type { DestinationStore, ServerState, StoreChange } from '../model/store';

export interface ServerNode {
  readonly kind: 'server';
  readonly server: string;
}
export interface DestinationNode {
  readonly kind: 'destination';
  readonly server: string;
  /** The destination's key: its id as text. */
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
/** Something the user should know about a server's profile, e.g. that its transport cannot give the superuser view. */
export interface NoticeNode {
  readonly kind: 'notice';
  readonly server: string;
  readonly notice: ProfileNotice;
}
export type Node = ServerNode | DestinationNode | UserDataNode | ProblemNode | InvalidProfileNode | MessageNode | NoticeNode;

export function statusIcon(status: DestinationStatus): vscode.ThemeIcon {
  const { icon, color } = STATUS_ICONS[status];
  return new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
}

/** For text of our own (the profile, our messages): a user named like the password is not starred out. */
const asIs: Redact = (text) => text;

/** Tree ids that stay apart for any server name, destination id and userData key (JSON, not a joined path). */
function nodeId(...parts: string[]): string {
  return JSON.stringify(parts);
}

const FIX_COMMANDS: Record<Fix, { command: string; title: () => string }> = {
  signIn: { command: 'jetstream.signIn', title: () => vscode.l10n.t('Sign In') },
  editServer: { command: 'jetstream.editServer', title: () => vscode.l10n.t('Edit Server') },
  retry: { command: 'jetstream.refresh', title: () => vscode.l10n.t('Retry') },
  showLog: { command: 'jetstream.showLog', title: () => vscode.l10n.t('Show Log') },
  superuser: { command: 'jetstream.toggleSuperuser', title: () => vscode.l10n.t('Toggle Superuser View') },
};

/** What a row shows; a change of this string is what makes a row worth repainting. */
interface Shown {
  status: DestinationStatus;
  description: string;
  userData: string;
}

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
    /** When a failing server is tried next (ms since the epoch). */
    private readonly nextTryOf: (server: string) => number | undefined = () => undefined,
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
    return this.node(nodeId('s', server), () => ({ kind: 'server', server }));
  }

  destinationNode(server: string, destinationId: string): DestinationNode {
    return this.node(nodeId('d', server, destinationId), () => ({ kind: 'destination', server, destinationId }));
  }

  private userDataNode(server: string, destinationId: string, key: string): UserDataNode {
    return this.node(nodeId('u', server, destinationId, key), () => ({ kind: 'userData', server, destinationId, key }));
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
        servers.push(this.node(nodeId('invalid', String(p.index)), () => ({ kind: 'invalidProfile', index: p.index })));
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
    if (state.error) children.push(this.node(nodeId('p', server), () => ({ kind: 'problem', server })));
    for (const notice of profileNotices(state.profile))
      children.push(this.node(nodeId('n', server, notice), () => ({ kind: 'notice', server, notice })));
    const visible = arrange(state.destinations.values(), this.filter, this.sortOrder, state.serverTime);
    this.remember(state, visible);
    for (const d of visible) children.push(this.destinationNode(server, destinationKey(d)));
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
    if (element.kind === 'destination' || element.kind === 'message' || element.kind === 'notice') return this.serverNode(element.server);
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
        item.id = nodeId('m', element.server);
        return item;
      }
      case 'notice':
        return this.noticeItem(element);
    }
  }

  /** Tooltips are built when hovered, so they always show the newest snapshot and cost nothing per tick. */
  resolveTreeItem(item: vscode.TreeItem, element: Node): vscode.TreeItem {
    if (element.kind === 'destination') {
      const state = this.store.server(element.server);
      const d = state?.destinations.get(element.destinationId);
      if (state && d) item.tooltip = destinationTooltip(d, destinationStatus(d, state.serverTime), state.redact);
    }
    return item;
  }

  private serverItem(server: string): vscode.TreeItem {
    const state = this.store.server(server)!;
    const item = new vscode.TreeItem(truncate(server, MAX_ROW_TEXT), vscode.TreeItemCollapsibleState.Expanded);
    item.id = nodeId('s', server);
    const info = state.info;
    const count = state.destinations.size;
    const version = info ? `JetStream ${truncate(String(info.version), 40)} · API ${info.apiVersion}` : '';
    const interval = this.intervalOf(server);
    const slow = state.phase === 'ok' && interval > 1500 ? ` · every ${Math.round(interval / 100) / 10} s` : '';
    const odd = [
      state.anomalies ? vscode.l10n.t('{0} unreadable', formatCount(state.anomalies)) : '',
      state.duplicates ? vscode.l10n.t('{0} repeated ids', formatCount(state.duplicates)) : '',
    ].filter(Boolean);
    item.description =
      state.phase === 'error'
        ? this.failureWords(server, state)
        : state.phase === 'loading'
          ? vscode.l10n.t('connecting…')
          : `${version} · ${formatCount(count)} destination${count === 1 ? '' : 's'}${odd.length ? ` (${odd.join(', ')})` : ''}${slow}`;
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
    const how = { cli: 'console API', python: 'Python library', http: '' }[p.transport];
    line(md, 'Where', asIs, p.transport === 'http' ? (p.url ?? '') : `${p.host}:${p.port ?? 8886} (${how})`);
    line(md, 'User', asIs, p.user ? `${p.user}${p.superuser ? ' (superuser view)' : ''}` : 'none (server needs no sign-in)');
    if (sendsCredentialsInClear(p)) line(md, 'Warning', asIs, 'the password or token travels unencrypted (http:// to another machine)');
    if (info) {
      line(md, 'Version', state.redact, `${info.version} (API ${info.apiVersion})`);
      if (info.serverName) line(md, 'Server name', state.redact, info.serverName);
      if (info.serverId !== undefined) line(md, 'Server id', state.redact, String(info.serverId));
    }
    line(md, 'Destinations', asIs, formatCount(count));
    if (state.anomalies)
      line(md, 'Unreadable', asIs, `${formatCount(state.anomalies)} destinations sent data of an unexpected shape (marked with a warning)`);
    if (state.duplicates)
      line(md, 'Repeated ids', asIs, `${formatCount(state.duplicates)} records repeated the id of another and are shown once`);
    line(
      md,
      'Refresh',
      asIs,
      state.phase === 'ok'
        ? `every ${interval / 1000} s (last took ${state.lastRefreshMs} ms)`
        : state.credentialsRefused
          ? 'paused until you sign in'
          : this.failureWords(server, state),
    );
    if (state.error) line(md, 'Problem', asIs, state.error.message);
    if (state.error?.details.serverMessage && !state.error.message.includes(state.error.details.serverMessage))
      line(md, 'The server said', asIs, state.error.details.serverMessage);
    item.tooltip = md;
    item.contextValue = `server${p.superuser ? ' superuser' : ''}${state.phase === 'ok' ? ' reachable' : ''}`;
    return item;
  }

  /** Why a failing server shows nothing new, and when it is tried again. */
  private failureWords(server: string, state: ServerState): string {
    if (!state.error) return '';
    const title = vscode.l10n.t(serverProblem(state.error).title);
    if (state.credentialsRefused) return vscode.l10n.t('{0}: sign in to try again', title);
    const at = this.nextTryOf(server);
    return at === undefined ? title : vscode.l10n.t('{0} · next try {1}', title, clockTime(at));
  }

  private problemItem(server: string): vscode.TreeItem {
    const state = this.store.server(server);
    const error = state?.error;
    const problem = error ? serverProblem(error) : undefined;
    const fix = problem ? FIX_COMMANDS[problem.fix] : undefined;
    const item = new vscode.TreeItem(state && error ? this.failureWords(server, state) : '');
    item.id = nodeId('p', server);
    item.description = error?.message;
    item.tooltip = error ? [error.message, error.details.serverMessage].filter(Boolean).join('\n\n') : undefined;
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    if (fix) item.command = { command: fix.command, title: fix.title(), arguments: [this.serverNode(server)] };
    item.contextValue = `problem ${problem?.fix ?? ''}`.trim();
    return item;
  }

  private noticeItem(node: NoticeNode): vscode.TreeItem {
    const text: Record<ProfileNotice, string> = {
      consoleSuperuser: vscode.l10n.t(
        'The console API cannot switch to the superuser view: showing your own destinations. The python transport can.',
      ),
    };
    const item = new vscode.TreeItem(text[node.notice]);
    item.id = nodeId('n', node.server, node.notice);
    item.tooltip = text[node.notice];
    item.iconPath = new vscode.ThemeIcon('info');
    item.command = { command: 'jetstream.editServer', title: vscode.l10n.t('Edit Server'), arguments: [this.serverNode(node.server)] };
    item.contextValue = 'notice editServer';
    return item;
  }

  private invalidProfileItem(index: number): vscode.TreeItem {
    const p: InvalidProfile | undefined = this.store.invalid().find((x) => x.index === index);
    const item = new vscode.TreeItem(truncate(p?.name ?? 'jetstream.servers', MAX_ROW_TEXT));
    item.id = nodeId('invalid', String(index));
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
    const item = new vscode.TreeItem(d ? destinationLabel(d, state?.redact) : truncate(node.destinationId, MAX_ROW_TEXT));
    item.id = nodeId('d', node.server, node.destinationId);
    if (!d || !state) return item;
    const status = destinationStatus(d, state.serverTime);
    item.collapsibleState = Object.keys(d.userData ?? {}).length
      ? vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None;
    item.iconPath = statusIcon(status);
    item.description = describeDestination(d, status, state.redact);
    item.accessibilityInformation = { label: `${item.label}, ${STATUS_LABELS[status]}, ${item.description}` };
    item.contextValue = `destination ${status}`;
    item.command = { command: 'jetstream.openDetails', title: vscode.l10n.t('Open Details'), arguments: [node] };
    return item;
  }

  private userDataItem(node: UserDataNode): vscode.TreeItem {
    const redact = this.store.server(node.server)?.redact ?? ((t: string) => t);
    const userData = this.store.destination(node.server, node.destinationId)?.userData;
    const value = userData && Object.hasOwn(userData, node.key) ? userData[node.key] : '';
    const text = typeof value === 'string';
    const item = new vscode.TreeItem(redact(truncate(node.key, MAX_ROW_TEXT)));
    item.id = nodeId('u', node.server, node.destinationId, node.key);
    item.description = userDataText(value, MAX_ROW_TEXT, redact);
    item.tooltip = `${redact(truncate(node.key, 1000))} = ${userDataText(value, 4000, redact)}${text ? '' : `\n\n${vscode.l10n.t('Not text: this value can be read here but not edited.')}`}`;
    item.iconPath = new vscode.ThemeIcon(text ? 'symbol-key' : 'symbol-object');
    item.contextValue = text ? 'userData' : 'userData readonly';
    return item;
  }

  /** Remembers what a server's rows show, so the next store change can tell which rows to repaint. */
  private remember(state: ServerState, visible: ListedDestination[]): void {
    const rows = new Map<string, Shown>();
    for (const d of visible) rows.set(destinationKey(d), shownOf(d, state.serverTime, state.redact));
    this.shown.set(state.profile.name, { order: visible.map(destinationKey), rows });
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
        : arrange(state.destinations.values(), this.filter, this.sortOrder, state.serverTime).map(destinationKey);
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
        const now = shownOf(d, state.serverTime, state.redact);
        if (before.status === now.status && before.description === now.description && before.userData === now.userData) continue;
        view.rows.set(id, now);
      } else {
        const status = destinationStatus(d, state.serverTime);
        if (status === before.status) continue;
        view.rows.set(id, { ...before, status, description: describeDestination(d, status, state.redact) });
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

function shownOf(d: ListedDestination, serverTime: number | null, redact: Redact): Shown {
  const status = destinationStatus(d, serverTime);
  return { status, description: describeDestination(d, status, redact), userData: d.userData ? userDataText(d.userData, 100_000) : '' };
}

/** 14:03:07: when a failing server is tried next. */
function clockTime(ms: number): string {
  const t = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
}

function line(md: vscode.MarkdownString, label: string, redact: Redact, value: string): void {
  md.appendMarkdown(`${label}: `);
  md.appendText(redact(truncate(value, 500)));
  md.appendMarkdown('  \n');
}

/** Key fields of a destination; every server string goes in as text, and the tooltip is not trusted. */
export function destinationTooltip(d: ListedDestination, status: DestinationStatus, redact: Redact): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown('**');
  md.appendText(destinationLabel(d, redact));
  md.appendMarkdown('**\n\n');
  line(md, 'Status', redact, STATUS_LABELS[status]);
  if (d.problem) line(md, 'Unexpected data', redact, `${d.problem} (the details panel shows the record as sent)`);
  if (status === 'error') {
    const code = d.lastError === null || d.lastError === undefined ? '' : redact(String(d.lastError));
    line(md, 'Last error', redact, `${code}${d.lastErrorMessage ? `${code ? ': ' : ''}${destinationError(d, redact)}` : ''}`);
  }
  line(md, 'Send rate', redact, `${formatRate(d.sendRateAverage)} of ${formatRate(d.sendRateMax)}`);
  line(md, 'Round trip', redact, d.roundTripTimeMs === null ? '—' : `${d.roundTripTimeMs} ms`);
  line(md, 'Queued transfers', redact, formatCount(d.numTransfersQueued));
  line(md, 'Encryption', redact, d.encryptionEnabled ? 'enabled' : 'off');
  if (d.relayIP) line(md, 'Relay', redact, `${d.relayIP}:${d.relayPort ?? ''}`);
  if (d.owner) line(md, 'Owner', redact, d.owner);
  line(md, 'Last send', redact, formatTimestamp(d.lastSendTime));
  line(md, 'Destination ID', redact, idKey(d.destinationId));
  return md;
}
