/**
 * TreeItems of the Destinations tree: thin adapters of the model's rows and words (model/rowText.ts)
 * to VS Code. Every server string goes in as text; tooltips are untrusted Markdown without HTML.
 */
import * as vscode from 'vscode';
import type { Row, TooltipFields, UserDataEntry } from '../model/engine/protocol';
import { formatCount, formatRate, formatTimestamp, truncate } from '../model/format';
import type { ServerView } from '../model/mirror';
import { portOf, sendsCredentialsInClear, type InvalidProfile, type ProfileNotice } from '../model/profiles';
import { MAX_ROW_TEXT } from '../model/rows';
import { describeRow, destinationCount, errorCount, serverProblem, STATUS_ICONS, statusWord, type Fix } from '../model/rowText';
import type { DestinationStatus } from '../model/status';
import { idOfNode, nodeId, type DestinationNode, type NoticeNode, type ServerNode } from './treeNodes';

export const FIX_COMMANDS: Record<Fix, { command: string; title: () => string }> = {
  signIn: { command: 'jetstream.signIn', title: () => vscode.l10n.t('Sign In') },
  editServer: { command: 'jetstream.editServer', title: () => vscode.l10n.t('Edit Server') },
  retry: { command: 'jetstream.refresh', title: () => vscode.l10n.t('Retry') },
  showLog: { command: 'jetstream.showLog', title: () => vscode.l10n.t('Show Log') },
  superuser: { command: 'jetstream.toggleSuperuser', title: () => vscode.l10n.t('Toggle Superuser View') },
};

export function statusIcon(status: DestinationStatus): vscode.ThemeIcon {
  const { icon, color } = STATUS_ICONS[status];
  return new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
}

/** 14:03:07: when a failing server is tried next. */
export function clockTime(ms: number): string {
  const t = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
}

function line(md: vscode.MarkdownString, label: string, value: string): void {
  md.appendMarkdown(`${label}: `);
  md.appendText(truncate(value, 500));
  md.appendMarkdown('  \n');
}

function markdown(title: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown('**');
  md.appendText(title);
  md.appendMarkdown('**\n\n');
  return md;
}

/** Why a failing server shows nothing new, and when it is tried again. */
export function failureWords(view: ServerView): string {
  if (!view.error) return '';
  const title = serverProblem(view.error, vscode.l10n).title;
  if (view.summary.credentialsRefused) return vscode.l10n.t('{0}: sign in to try again', title);
  const at = view.summary.nextTryAt;
  return at === undefined ? title : vscode.l10n.t('{0} · next try {1}', title, clockTime(at));
}

export interface ServerCounts {
  /** Rows the filter shows. */
  shown: number;
  filtered: boolean;
  errors: number;
}

export function serverItem(node: ServerNode, view: ServerView, counts: ServerCounts): vscode.TreeItem {
  const s = view.summary;
  const item = new vscode.TreeItem(truncate(node.server, MAX_ROW_TEXT), vscode.TreeItemCollapsibleState.Expanded);
  item.id = nodeId('s', node.server);
  const version = s.version !== undefined ? `JetStream ${truncate(s.version, 40)} · API ${s.apiVersion ?? '?'}` : '';
  const odd = [
    errorCount(counts.errors, vscode.l10n),
    s.anomalies ? vscode.l10n.t('{0} unreadable', formatCount(s.anomalies)) : '',
    s.duplicates ? vscode.l10n.t('{0} repeated ids', formatCount(s.duplicates)) : '',
  ].filter(Boolean);
  const count = destinationCount(counts.shown, s.count, counts.filtered, vscode.l10n);
  item.description =
    s.phase === 'error'
      ? failureWords(view)
      : s.phase === 'loading'
        ? vscode.l10n.t('connecting…')
        : // Nothing here may move every snapshot: a server's row repaints its whole list (the interval is in the tooltip).
          [version, count, ...odd].filter(Boolean).join(' · ');
  item.iconPath =
    s.phase === 'error'
      ? new vscode.ThemeIcon('server', new vscode.ThemeColor('errorForeground'))
      : s.phase === 'loading'
        ? new vscode.ThemeIcon('loading~spin')
        : new vscode.ThemeIcon('server', new vscode.ThemeColor('testing.iconPassed'));
  const p = view.profile;
  const md = markdown(node.server);
  const how = { cli: vscode.l10n.t('console API'), python: vscode.l10n.t('Python library'), http: '' }[p.transport];
  line(md, vscode.l10n.t('Where'), p.transport === 'http' ? (p.url ?? '') : `${p.host}:${portOf(p)} (${how})`);
  line(
    md,
    vscode.l10n.t('User'),
    p.user ? `${p.user}${p.superuser ? vscode.l10n.t(' (superuser view)') : ''}` : vscode.l10n.t('none (server needs no sign-in)'),
  );
  if (sendsCredentialsInClear(p))
    line(md, vscode.l10n.t('Warning'), vscode.l10n.t('the password or token travels unencrypted (http:// to another machine)'));
  if (s.version !== undefined) line(md, vscode.l10n.t('Version'), `${s.version} (API ${s.apiVersion ?? '?'})`);
  if (s.serverName) line(md, vscode.l10n.t('Server name'), s.serverName);
  if (s.serverId) line(md, vscode.l10n.t('Server id'), s.serverId);
  line(md, vscode.l10n.t('Destinations'), count);
  if (counts.errors) line(md, vscode.l10n.t('In error'), formatCount(counts.errors));
  if (s.anomalies)
    line(
      md,
      vscode.l10n.t('Unreadable'),
      vscode.l10n.t('{0} destinations sent data of an unexpected shape (marked with a warning)', formatCount(s.anomalies)),
    );
  if (s.duplicates)
    line(
      md,
      vscode.l10n.t('Repeated ids'),
      vscode.l10n.t('{0} records repeated the id of another and are shown once', formatCount(s.duplicates)),
    );
  line(
    md,
    vscode.l10n.t('Refresh'),
    s.phase === 'ok'
      ? vscode.l10n.t('every {0} s (last took {1} ms)', Math.round(s.intervalMs / 100) / 10, s.lastRefreshMs)
      : s.credentialsRefused
        ? vscode.l10n.t('paused until you sign in')
        : failureWords(view),
  );
  if (view.error) line(md, vscode.l10n.t('Problem'), view.error.message);
  const said = view.error?.details.serverMessage;
  if (said && !view.error!.message.includes(said)) line(md, vscode.l10n.t('The server said'), said);
  item.tooltip = md;
  item.contextValue = `server${p.superuser ? ' superuser' : ''}${s.phase === 'ok' ? ' reachable' : ''}${p.user ? ' user' : ''}`;
  return item;
}

export function problemItem(node: ServerNode, view: ServerView): vscode.TreeItem {
  const error = view.error;
  const problem = error ? serverProblem(error, vscode.l10n) : undefined;
  const fix = problem ? FIX_COMMANDS[problem.fix] : undefined;
  const item = new vscode.TreeItem(failureWords(view));
  item.id = nodeId('p', node.server);
  item.description = error?.message;
  item.tooltip = error ? [error.message, error.details.serverMessage].filter(Boolean).join('\n\n') : undefined;
  item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  if (fix) item.command = { command: fix.command, title: fix.title(), arguments: [node] };
  item.contextValue = `problem ${problem?.fix ?? ''}`.trim();
  return item;
}

export function noticeItem(node: NoticeNode, server: ServerNode): vscode.TreeItem {
  const notices: Record<ProfileNotice, { text: string; command: string; title: string; context: string }> = {
    consoleSuperuser: {
      text: vscode.l10n.t('The console API cannot switch to the superuser view: showing your own destinations. The python transport can.'),
      command: 'jetstream.editServer',
      title: vscode.l10n.t('Edit Server'),
      context: 'editServer',
    },
    superuserRefused: {
      text: vscode.l10n.t('The server refused the superuser view to this user: showing your own destinations.'),
      command: 'jetstream.toggleSuperuser',
      title: vscode.l10n.t('Toggle Superuser View'),
      context: 'superuser',
    },
    demoStopped: {
      text: vscode.l10n.t('The embedded demo server is not running (it stops with the window). Click to start it.'),
      command: 'jetstream.startDemoServer',
      title: vscode.l10n.t('Start Demo Server'),
      context: 'startDemo',
    },
  };
  const n = notices[node.notice];
  const item = new vscode.TreeItem(n.text);
  item.id = nodeId('n', node.server, node.notice);
  item.tooltip = n.text;
  item.iconPath = new vscode.ThemeIcon('info');
  item.command = { command: n.command, title: n.title, arguments: [server] };
  item.contextValue = `notice ${n.context}`;
  return item;
}

export function invalidProfileItem(index: number, p: InvalidProfile | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(truncate(p?.name ?? 'jetstream.servers', MAX_ROW_TEXT));
  item.id = nodeId('invalid', String(index));
  item.description = vscode.l10n.t('invalid profile: {0}', p?.problem ?? '');
  item.tooltip = item.description;
  item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  item.command = { command: 'workbench.action.openSettingsJson', title: vscode.l10n.t('Open Settings (JSON)') };
  item.contextValue = 'invalidProfile';
  return item;
}

export function destinationItem(node: DestinationNode, row: Row | undefined, expanded: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(row?.label ?? truncate(node.destinationId, MAX_ROW_TEXT));
  item.id = idOfNode(node);
  if (!row) return item;
  item.collapsibleState = !row.userData.length
    ? vscode.TreeItemCollapsibleState.None
    : expanded
      ? vscode.TreeItemCollapsibleState.Expanded
      : vscode.TreeItemCollapsibleState.Collapsed;
  item.iconPath = statusIcon(row.status);
  item.description = describeRow(row, vscode.l10n);
  item.accessibilityInformation = { label: `${row.label}, ${statusWord(row.status, vscode.l10n)}, ${item.description}` };
  item.contextValue = `destination ${row.status}`;
  item.command = { command: 'jetstream.openDetails', title: vscode.l10n.t('Open Details'), arguments: [node] };
  return item;
}

export function userDataItem(server: string, destinationId: string, entry: UserDataEntry): vscode.TreeItem {
  const [key, value, editable] = entry;
  const item = new vscode.TreeItem(truncate(key, MAX_ROW_TEXT));
  item.id = nodeId('u', server, destinationId, key);
  item.description = truncate(value, MAX_ROW_TEXT);
  item.tooltip = `${truncate(key, 1000)} = ${truncate(value, 4000)}${editable ? '' : `\n\n${vscode.l10n.t('Not text: this value can be read here but not edited.')}`}`;
  item.iconPath = new vscode.ThemeIcon(editable ? 'symbol-key' : 'symbol-object');
  item.contextValue = editable ? 'userData' : 'userData readonly';
  return item;
}

export function filterItem(text: string, shown: number, total: number): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('Filtered: {0}', text));
  item.id = nodeId('f');
  item.description = vscode.l10n.t('{0} of {1} · click to clear', formatCount(shown), formatCount(total));
  item.tooltip = vscode.l10n.t('The destinations shown match "{0}". Click to show all of them.', text);
  item.iconPath = new vscode.ThemeIcon('filter');
  item.command = { command: 'jetstream.clearFilter', title: vscode.l10n.t('Clear Filter') };
  item.contextValue = 'filter';
  return item;
}

/** Key fields of a destination, asked of the engine when the pointer rests on its row. */
export function destinationTooltip(f: TooltipFields): vscode.MarkdownString {
  const md = markdown(f.label);
  line(md, vscode.l10n.t('Status'), statusWord(f.status, vscode.l10n));
  if (f.problem) line(md, vscode.l10n.t('Unexpected data'), vscode.l10n.t('{0} (the details panel shows the record as sent)', f.problem));
  if (f.status === 'error') line(md, vscode.l10n.t('Last error'), [f.errorCode, f.error].filter(Boolean).join(': '));
  line(md, vscode.l10n.t('Send rate'), vscode.l10n.t('{0} of {1}', formatRate(f.sendRateAverage), formatRate(f.sendRateMax)));
  line(md, vscode.l10n.t('Round trip'), f.roundTripTimeMs === null ? '—' : `${f.roundTripTimeMs} ms`);
  line(md, vscode.l10n.t('Queued transfers'), formatCount(f.numTransfersQueued));
  line(md, vscode.l10n.t('Encryption'), f.encryptionEnabled ? vscode.l10n.t('enabled') : vscode.l10n.t('off'));
  if (f.relay) line(md, vscode.l10n.t('Relay'), f.relay);
  if (f.owner) line(md, vscode.l10n.t('Owner'), f.owner);
  line(md, vscode.l10n.t('Last send'), formatTimestamp(f.lastSendTime));
  line(md, vscode.l10n.t('Destination ID'), f.id);
  return md;
}
