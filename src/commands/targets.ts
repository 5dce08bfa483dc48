/**
 * What a command acts on. A command is run from many places (view title, context menu, inline button,
 * palette, keybinding, a script), each handing it different arguments: a tree node, the selection,
 * VS Code's own objects, or nothing. It takes what is its own and ignores the rest; with nothing of
 * its own it acts on the selected row or the active details panel, and only then asks.
 */
import * as vscode from 'vscode';
import type { Row } from '../model/engine/protocol';
import type { DestinationMirror } from '../model/mirror';
import { STATUS_ICONS, statusWord } from '../model/rowText';
import type { DetailsPanels, PanelTarget } from '../views/detailsPanel';
import type { DestinationsTreeProvider } from '../views/tree';
import { isNode, type Node, type UserDataNode } from '../views/treeNodes';

export interface Targets {
  readonly mirror: DestinationMirror;
  readonly tree: DestinationsTreeProvider;
  readonly treeView: vscode.TreeView<Node>;
  readonly panels: DetailsPanels;
}

/** A plain `{ server, destinationId?, key? }` a keybinding or script may pass. */
function plain(arg: unknown): { server?: string; destinationId?: string; key?: string } | undefined {
  if (typeof arg !== 'object' || arg === null || isNode(arg)) return undefined;
  const o = arg as Record<string, unknown>;
  if (typeof o.server !== 'string') return undefined;
  return {
    server: o.server,
    destinationId: typeof o.destinationId === 'string' ? o.destinationId : undefined,
    key: typeof o.key === 'string' ? o.key : undefined,
  };
}

/** The node the command was run on: the clicked one, or the tree's selection when run from the palette or a key. */
function nodeOf(t: Targets, arg: unknown): Node | undefined {
  if (isNode(arg)) return arg;
  const p = plain(arg);
  if (p?.server && p.destinationId && p.key !== undefined)
    return { kind: 'userData', server: p.server, destinationId: p.destinationId, key: p.key };
  if (p?.server && p.destinationId) return { kind: 'destination', server: p.server, destinationId: p.destinationId };
  if (p?.server) return { kind: 'server', server: p.server };
  if (arg !== undefined) return undefined;
  return t.treeView.selection[0];
}

function configured(t: Targets, server: string | undefined): string | undefined {
  return server && t.mirror.server(server) ? server : undefined;
}

export async function serverOf(t: Targets, arg: unknown): Promise<string | undefined> {
  const node = nodeOf(t, arg);
  const known = configured(t, node && 'server' in node ? node.server : t.panels.active?.server);
  return known ?? pickServer(t);
}

export async function pickServer(t: Targets): Promise<string | undefined> {
  const servers = t.mirror.servers();
  if (servers.length === 1) return servers[0]!.profile.name;
  if (!servers.length) {
    const add = vscode.l10n.t('Add Server');
    const demo = vscode.l10n.t('Start Demo Server');
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('No JetStream server is configured yet.'), add, demo);
    if (choice === add) await vscode.commands.executeCommand('jetstream.addServer');
    if (choice === demo) await vscode.commands.executeCommand('jetstream.startDemoServer');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    servers.map((v) => ({
      label: v.profile.name,
      description: v.profile.transport === 'http' ? (v.profile.url ?? '') : `${v.profile.host}:${v.profile.port ?? 8886}`,
      detail: v.error ? v.error.message : vscode.l10n.t('{0} destinations', v.rows.size),
    })),
    { title: vscode.l10n.t('Choose a server'), placeHolder: vscode.l10n.t('Server') },
  );
  return pick?.label;
}

/** The destinations a command acts on: the clicked row, the selected rows it belongs to, the active panel's, or one asked for. */
export async function destinationsOf(t: Targets, arg: unknown, selected: unknown): Promise<PanelTarget[]> {
  const node = nodeOf(t, arg);
  const many = Array.isArray(selected) ? selected.filter(isNode) : [];
  const chosen = many.length > 1 && node && many.includes(node) ? many : node ? [node] : [];
  const targets = chosen
    .filter((n): n is Extract<Node, { destinationId: string }> => n.kind === 'destination' || n.kind === 'userData')
    .map((n) => ({ server: n.server, key: n.destinationId }));
  if (targets.length) return targets;
  if (arg === undefined && t.panels.active) return [t.panels.active];
  const server = node && 'server' in node ? node.server : undefined;
  const picked = await pickDestination(t, server);
  return picked ? [picked] : [];
}

export async function destinationOf(t: Targets, arg: unknown): Promise<PanelTarget | undefined> {
  return (await destinationsOf(t, arg, undefined))[0];
}

/** Destinations in the tree's order, with their status and server, across servers (or of one). */
export async function pickDestination(t: Targets, server?: string): Promise<PanelTarget | undefined> {
  const views = server ? [t.mirror.server(server)].filter((v) => !!v) : t.mirror.servers();
  const several = t.mirror.servers().length > 1;
  const items: (vscode.QuickPickItem & { target: PanelTarget })[] = [];
  for (const v of views) {
    const rows = t.tree.ordered(v.profile.name);
    for (const row of rows) items.push(rowItem(row, v.profile.name, several));
  }
  if (!items.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('There are no destinations you can see yet.'));
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Choose a destination'),
    placeHolder: vscode.l10n.t('Type to search addresses, ids, owners'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return pick?.target;
}

function rowItem(row: Row, server: string, several: boolean) {
  return {
    label: `$(${STATUS_ICONS[row.status].icon}) ${row.label}`,
    description: [several ? server : '', statusWord(row.status, vscode.l10n), row.owner].filter(Boolean).join(' · '),
    detail: row.key,
    target: { server, key: row.key },
  };
}

/** A userData entry: the clicked one, the selected one, or asked for on the destination in hand. */
export async function entryOf(t: Targets, arg: unknown): Promise<UserDataNode | undefined> {
  const node = nodeOf(t, arg);
  if (node?.kind === 'userData') return node;
  const d = node?.kind === 'destination' ? { server: node.server, key: node.destinationId } : await destinationOf(t, arg);
  if (!d) return undefined;
  const entries = t.mirror.row(d.server, d.key)?.userData ?? [];
  if (!entries.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('This destination has no userData.'));
    return undefined;
  }
  const key = await vscode.window.showQuickPick(
    entries.map(([k, v]) => ({ label: k, description: v.length > 80 ? `${v.slice(0, 79)}…` : v })),
    { title: vscode.l10n.t('Choose a userData entry') },
  );
  return key ? { kind: 'userData', server: d.server, destinationId: d.key, key: key.label } : undefined;
}
