/**
 * What a command acts on. A command is run from many places (view title, context menu, inline button,
 * palette, keybinding, a script), each handing it different arguments: a tree node, the selection,
 * VS Code's own objects, or nothing. It takes what is its own and ignores the rest; with nothing of
 * its own it acts on the selected row or the active details panel, and only then asks.
 */
import * as vscode from 'vscode';
import type { Row } from '../model/engine/protocol';
import type { DestinationMirror, ServerView } from '../model/mirror';
import { portOf } from '../model/profiles';
import { STATUS_ICONS, statusWord } from '../model/rowText';
import type { DetailsPanels, PanelTarget } from '../views/detailsPanel';
import type { DestinationsTreeProvider } from '../views/tree';
import { isNode, nodeId, type Node, type UserDataNode } from '../views/treeNodes';

export interface Targets {
  readonly mirror: DestinationMirror;
  readonly tree: DestinationsTreeProvider;
  readonly treeView: vscode.TreeView<Node>;
  readonly panels: DetailsPanels;
}

/** A plain `{ server, destinationId?, key? }` a keybinding or script may pass, as the node it names. */
function plainNode(arg: unknown): Node | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const { server, destinationId, key } = arg as Record<string, unknown>;
  if (typeof server !== 'string' || !server) return undefined;
  if (typeof destinationId !== 'string') return { kind: 'server', server };
  return typeof key === 'string' ? { kind: 'userData', server, destinationId, key } : { kind: 'destination', server, destinationId };
}

/** The fields each kind of node needs: a node-shaped object without them (a script's) is not one. */
const NODE_FIELDS: Readonly<Record<Node['kind'], readonly string[]>> = {
  server: ['server'],
  destination: ['server', 'destinationId'],
  userData: ['server', 'destinationId', 'key'],
  problem: ['server'],
  message: ['server'],
  notice: ['server'],
  invalidProfile: [],
  filter: [],
};

/** The argument as one of this tree's nodes (or a plain target), undefined when it is neither. */
function ownNode(arg: unknown): Node | undefined {
  if (!isNode(arg)) return plainNode(arg);
  const fields = arg as unknown as Record<string, unknown>;
  return NODE_FIELDS[arg.kind].every((f) => typeof fields[f] === 'string') ? arg : undefined;
}

/**
 * The nodes a command was run on: its argument's (a clicked node, an array of nodes, a plain target);
 * when the argument holds nothing of its own (palette, key, title button, a Uri, a string), the tree's
 * selection, and `given` is false.
 */
function nodesOf(t: Targets, arg: unknown): { nodes: Node[]; given: boolean } {
  const own = (Array.isArray(arg) ? arg : [arg]).map(ownNode).filter((n) => n !== undefined);
  return own.length ? { nodes: own, given: true } : { nodes: [...t.treeView.selection], given: false };
}

const serverIn = (n: Node): string | undefined => ('server' in n ? n.server : undefined);

function configured(t: Targets, server: string | undefined): string | undefined {
  return server && t.mirror.server(server) ? server : undefined;
}

/** The server of the node run on (a problem or notice row names one too), else the active panel's, else one asked for. */
export async function serverOf(t: Targets, arg: unknown): Promise<string | undefined> {
  const { nodes } = nodesOf(t, arg);
  const known = configured(t, nodes.map(serverIn).find(Boolean) ?? t.panels.active?.server);
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
      description: v.profile.transport === 'http' ? (v.profile.url ?? '') : `${v.profile.host}:${portOf(v.profile)}`,
      detail: serverDetail(v),
    })),
    { title: vscode.l10n.t('Choose a server'), placeHolder: vscode.l10n.t('Server') },
  );
  return pick?.label;
}

/** A server as the tree's server row tells it: its problem, that it is loading, or its destinations and errors. */
function serverDetail(v: ServerView): string {
  if (v.error) return v.error.message;
  if (v.summary.phase === 'loading') return vscode.l10n.t('Loading…');
  const count = v.rows.size === 1 ? vscode.l10n.t('1 destination') : vscode.l10n.t('{0} destinations', v.rows.size);
  return v.errors ? vscode.l10n.t('{0}, {1} in error', count, v.errors) : count;
}

/**
 * The destinations a command acts on: the rows run on (every selected row when the clicked one is
 * among them), else with nothing of its own the selected rows, then the active panel's; else one asked
 * for, of the server run on when there is one.
 */
export async function destinationsOf(t: Targets, arg: unknown, selected: unknown): Promise<PanelTarget[]> {
  const { nodes, given } = nodesOf(t, arg);
  const many = Array.isArray(selected) ? selected.map(ownNode).filter((n) => n !== undefined) : [];
  const chosen = given && nodes.length === 1 && many.length > 1 && many.includes(nodes[0]!) ? many : nodes;
  const targets = new Map<string, PanelTarget>();
  // A destination's userData rows act on the destination, once.
  for (const n of chosen)
    if ('destinationId' in n) targets.set(nodeId(n.server, n.destinationId), { server: n.server, key: n.destinationId });
  if (targets.size) return [...targets.values()];
  if (!given && t.panels.active) return [t.panels.active];
  const picked = await pickDestination(t, configured(t, chosen.map(serverIn).find(Boolean)));
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
  const node = nodesOf(t, arg).nodes[0];
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
