/**
 * The tree's change handling: per server, the order its rows are shown in and what was last painted of
 * it, and from a mirror change the fewest rows to repaint. Apart from the provider, which answers what
 * VS Code asks; this is what the tree does on its own when the engine's rows move.
 */
import * as vscode from 'vscode';
import { isFiltered, type DestinationFilter, type SortOrder } from '../model/filter';
import type { Row } from '../model/engine/protocol';
import type { DestinationMirror, MirrorChange, ServerView } from '../model/mirror';
import { ServerOrder } from '../model/order';
import { describeRow } from '../model/rowText';
import type { HoverHold } from './hoverHold';
import { serverItem, type ServerCounts } from './treeItems';
import { idOfNode, type NodeCache, type Node } from './treeNodes';
import { hashRow, type ServerPaint } from './treePaint';

export class TreeChanges {
  private readonly orders = new Map<string, ServerOrder>();
  private readonly painted = new Map<string, ServerPaint>();

  constructor(
    private readonly d: {
      mirror: DestinationMirror;
      nodes: NodeCache;
      hover: HoverHold<Node>;
      /** The filter and sort in use. */
      view: () => { filter: DestinationFilter; sortOrder: SortOrder };
      fire: (nodes: Node | Node[]) => void;
    },
  ) {}

  /** The filter or sort changed: every server sorts afresh and every row counts as not painted yet. */
  viewChanged(): void {
    for (const o of this.orders.values()) o.invalidate();
    this.painted.clear();
  }

  /** A manual Refresh sorts afresh, even a live sort that sorted a moment ago. */
  resort(server?: string): void {
    for (const [name, o] of this.orders) if (!server || name === server) o.invalidate();
  }

  private orderOf(server: string): ServerOrder {
    let o = this.orders.get(server);
    if (!o) this.orders.set(server, (o = new ServerOrder()));
    return o;
  }

  /** A server's rows as shown, arranged now if the view changed since: counts asked for right after a new filter
   *  (the view's message, the filter and server rows) must not be those of the old one. */
  currentOrder(view: ServerView): string[] {
    const order = this.orderOf(view.profile.name);
    const { filter, sortOrder } = this.d.view();
    order.update(view.rows, filter, sortOrder, { listChanged: false, changed: [] }, Date.now());
    return order.current();
  }

  countsOf(view: ServerView): ServerCounts {
    const filtered = isFiltered(this.d.view().filter);
    return { shown: filtered ? this.currentOrder(view).length : view.rows.size, filtered, errors: view.errors };
  }

  private paintOf(server: string): ServerPaint {
    let p = this.painted.get(server);
    if (!p) this.painted.set(server, (p = { row: '', rows: new Map() }));
    return p;
  }

  /** Keeps what a server's row shows as it is painted; whether that differs from the paint before. */
  paintedServer(server: string, item: vscode.TreeItem): boolean {
    const paint = this.paintOf(server);
    const before = paint.row;
    paint.row = `${item.description}\n${(item.iconPath as vscode.ThemeIcon).id}`;
    return before !== paint.row;
  }

  /** Keeps what a destination's row shows as it is painted. */
  paintedRow(server: string, row: Row, item: vscode.TreeItem): void {
    this.paintOf(server).rows.set(row.key, { status: row.status, hash: hashRow(row, String(item.description)) });
  }

  onChange(change: MirrorChange): void {
    const view = this.d.mirror.server(change.server);
    if (!view) return;
    const { nodes } = this.d;
    const server = nodes.get({ kind: 'server', server: change.server });
    if (change.listChanged) this.forgetGone(change.server, view);
    const { filter, sortOrder } = this.d.view();
    const reordered = this.orderOf(change.server).update(view.rows, filter, sortOrder, change, Date.now());
    const paint = this.paintOf(change.server);
    // What the server's row would show now.
    const wordsChanged = this.paintedServer(change.server, serverItem(server, view, this.countsOf(view)));
    if (reordered || wordsChanged || change.listChanged) {
      // Rows come, go or move, or the server's own words changed: its row repaints with its list.
      this.d.fire(isFiltered(filter) ? [server, nodes.get({ kind: 'filter' })] : server);
      return;
    }
    const order = this.orderOf(change.server);
    const repaint: Node[] = [];
    for (const key of change.changed) {
      const row = view.rows.get(key);
      if (!row || !order.has(key)) continue;
      const was = paint.rows.get(key);
      if (was && was.status === row.status && was.hash === hashRow(row, describeRow(row, vscode.l10n))) continue;
      const node = nodes.destination(change.server, key);
      // The row under the pointer keeps its tooltip while only its numbers move; a new status shows at once.
      if (!(was?.status === row.status && this.d.hover.defer(idOfNode(node), node))) repaint.push(node);
    }
    if (repaint.length) this.d.fire(repaint);
  }

  /** Forgets what was painted of destinations that are gone, with their nodes. */
  private forgetGone(server: string, view: ServerView): void {
    const paint = this.painted.get(server);
    for (const key of this.d.nodes.forgetGone(server, view.rows)) paint?.rows.delete(key);
  }

  /** Forgets the order, paint and nodes of servers no longer in the list. */
  forgetServers(): void {
    const names = new Set(this.d.mirror.servers().map((v) => v.profile.name));
    for (const name of [...this.orders.keys()]) if (!names.has(name)) this.orders.delete(name);
    for (const name of [...this.painted.keys()]) if (!names.has(name)) this.painted.delete(name);
    this.d.nodes.keepServers(names);
  }
}
