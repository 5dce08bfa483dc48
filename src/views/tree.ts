/**
 * The Destinations tree: servers → destinations → userData entries, from the main thread's mirror of
 * the engine. Node objects are kept per id so VS Code keeps expansion and selection across refreshes;
 * status lives in icons and descriptions, never in ids. A snapshot repaints only the rows whose shown
 * text changed; a server's row (which repaints its whole list) only when its own words or its order
 * change; and the row the pointer rests on keeps its tooltip while only its numbers move: that is
 * `treeChanges.ts`, which this provider tells what it painted.
 */
import * as vscode from 'vscode';
import { arrange, formatFilter, isFiltered, matches, NO_FILTER, type DestinationFilter, type SortOrder } from '../model/filter';
import type { Row } from '../model/engine/protocol';
import type { DestinationMirror } from '../model/mirror';
import { profileNotices, type ProfileNotice } from '../model/profiles';
import {
  destinationItem,
  destinationTooltip,
  filterItem,
  invalidProfileItem,
  noticeItem,
  problemItem,
  serverItem,
  userDataItem,
} from './treeItems';
import { TreeChanges } from './treeChanges';
import { HoverHold } from './hoverHold';
import { idOfNode, NodeCache, type DestinationNode, type Node, type ServerNode, type UserDataNode } from './treeNodes';

export type { DestinationNode, Node, ProblemNode, ServerNode, UserDataNode } from './treeNodes';

export { HOVER_HOLD_MS } from './hoverHold';

export class DestinationsTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | Node[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly nodes = new NodeCache();
  private readonly expanded = new Set<string>();
  private filter: DestinationFilter = NO_FILTER;
  private sortOrder: SortOrder = 'address';
  private readonly hover = new HoverHold<Node>((nodes) => this.fire(nodes));
  private readonly changes: TreeChanges;
  private readonly subscriptions: { dispose(): void }[] = [];
  /** Counts change events fired, for tests and benchmarks. */
  eventsFired = 0;

  private readonly moreNotices: (server: string) => ProfileNotice[];
  private onFirstChildren: (() => void) | undefined;

  constructor(
    private readonly mirror: DestinationMirror,
    options: {
      /** Notices only the extension knows of, e.g. that the embedded demo is not running. */
      moreNotices?: (server: string) => ProfileNotice[];
      /** Called once, when the tree first returns its servers: the end of activation as a user sees it. */
      onFirstChildren?: () => void;
    } = {},
  ) {
    this.moreNotices = options.moreNotices ?? (() => []);
    this.onFirstChildren = options.onFirstChildren;
    this.changes = new TreeChanges({
      mirror,
      nodes: this.nodes,
      hover: this.hover,
      view: () => ({ filter: this.filter, sortOrder: this.sortOrder }),
      fire: (nodes) => this.fire(nodes),
    });
    this.subscriptions.push(
      mirror.onDidChange((c) => this.changes.onChange(c)),
      mirror.onDidChangeServers(() => {
        this.changes.forgetServers();
        this.fire(undefined);
      }),
    );
  }

  setView(filter: DestinationFilter, sortOrder: SortOrder): void {
    this.filter = filter;
    this.sortOrder = sortOrder;
    this.changes.viewChanged();
    this.fire(undefined);
  }

  get filterText(): string | undefined {
    return isFiltered(this.filter) ? formatFilter(this.filter) : undefined;
  }

  get sort(): SortOrder {
    return this.sortOrder;
  }

  /** Repaints every row, e.g. when something only the extension knows changed (the demo stopped). */
  repaintAll(): void {
    this.fire(undefined);
  }

  /** A manual Refresh sorts afresh, even a live sort that sorted a moment ago. */
  resort(server?: string): void {
    this.changes.resort(server);
  }

  /** Rows the filter shows, of all destinations, over every server. */
  counts(): { shown: number; total: number } {
    let shown = 0;
    let total = 0;
    for (const v of this.mirror.servers()) {
      total += v.rows.size;
      shown += this.changes.currentOrder(v).length;
    }
    return { shown, total };
  }

  setExpanded(node: Node, expanded: boolean): void {
    if (expanded) this.expanded.add(idOfNode(node));
    else this.expanded.delete(idOfNode(node));
  }

  serverNode(server: string): ServerNode {
    return this.node({ kind: 'server', server });
  }

  destinationNode(server: string, destinationId: string): DestinationNode {
    return this.nodes.destination(server, destinationId);
  }

  userDataNode(server: string, destinationId: string, key: string): UserDataNode {
    return this.node({ kind: 'userData', server, destinationId, key });
  }

  private node<T extends Node>(n: T): T {
    return this.nodes.get(n);
  }

  getChildren(element?: Node): Node[] {
    if (!element) {
      const top: Node[] = [];
      if (isFiltered(this.filter)) top.push(this.node({ kind: 'filter' }));
      for (const v of this.mirror.servers()) top.push(this.serverNode(v.profile.name));
      for (const p of this.mirror.invalid()) top.push(this.node({ kind: 'invalidProfile', index: p.index }));
      this.onFirstChildren?.();
      this.onFirstChildren = undefined;
      return top;
    }
    if (element.kind === 'server') return this.serverChildren(element.server);
    if (element.kind === 'destination') {
      const row = this.mirror.row(element.server, element.destinationId);
      return (row?.userData ?? []).map(([key]) => this.userDataNode(element.server, element.destinationId, key));
    }
    return [];
  }

  private serverChildren(server: string): Node[] {
    const view = this.mirror.server(server);
    if (!view) return [];
    const children: Node[] = [];
    if (view.error) children.push(this.node({ kind: 'problem', server }));
    const notices = [
      ...profileNotices(view.profile),
      ...(view.summary.superuserRefused ? (['superuserRefused'] as const) : []),
      ...this.moreNotices(server),
    ];
    for (const notice of notices) children.push(this.node({ kind: 'notice', server, notice }));
    const keys = this.changes.currentOrder(view);
    for (const key of keys) children.push(this.destinationNode(server, key));
    if (!keys.length && !view.error) {
      const text =
        view.summary.phase === 'loading'
          ? vscode.l10n.t('Loading…')
          : view.rows.size
            ? vscode.l10n.t('No destination matches the filter')
            : vscode.l10n.t('No destinations yet');
      // Not cached: the same row says "Loading…" first and something else later.
      children.push({ kind: 'message', server, text });
    }
    return children;
  }

  getParent(element: Node): Node | undefined {
    switch (element.kind) {
      case 'destination':
      case 'message':
      case 'notice':
      case 'problem':
        return this.serverNode(element.server);
      case 'userData':
        return this.destinationNode(element.server, element.destinationId);
      default:
        return undefined;
    }
  }

  getTreeItem(element: Node): vscode.TreeItem {
    switch (element.kind) {
      case 'server': {
        const view = this.mirror.server(element.server);
        if (!view) return new vscode.TreeItem(element.server);
        const item = serverItem(element, view, this.changes.countsOf(view));
        this.changes.paintedServer(element.server, item);
        return item;
      }
      case 'destination': {
        const row = this.mirror.row(element.server, element.destinationId);
        const item = destinationItem(element, row, this.expanded.has(idOfNode(element)));
        if (row) this.changes.paintedRow(element.server, row, item);
        return item;
      }
      case 'userData': {
        const entry = this.mirror.row(element.server, element.destinationId)?.userData.find(([k]) => k === element.key);
        return userDataItem(element.server, element.destinationId, entry ?? [element.key, '', false]);
      }
      case 'problem':
        return problemItem(this.serverNode(element.server), this.mirror.server(element.server)!);
      case 'notice':
        return noticeItem(element, this.serverNode(element.server));
      case 'invalidProfile':
        return invalidProfileItem(
          element.index,
          this.mirror.invalid().find((p) => p.index === element.index),
        );
      case 'message': {
        const item = new vscode.TreeItem(element.text);
        item.id = idOfNode(element);
        return item;
      }
      case 'filter': {
        const { shown, total } = this.counts();
        return filterItem(this.filterText ?? '', shown, total);
      }
    }
  }

  /** Tooltips are asked of the engine when the pointer rests on a row, so they are always the newest. */
  async resolveTreeItem(item: vscode.TreeItem, element: Node): Promise<vscode.TreeItem> {
    if (element.kind !== 'destination') return item;
    this.hover.hold(idOfNode(element));
    try {
      const fields = await this.mirror.request({ op: 'tooltip', server: element.server, key: element.destinationId });
      if (fields) item.tooltip = destinationTooltip(fields);
    } catch {
      // No tooltip rather than an error: the row itself still says what it is.
    }
    return item;
  }

  /** All of a server's rows in the tree's sort order (not filtered): what pickers list. */
  ordered(server: string): Row[] {
    const view = this.mirror.server(server);
    return view ? arrange(view.rows.values(), NO_FILTER, this.sortOrder) : [];
  }

  /** Whether a destination is shown with the filter in use. */
  isShown(server: string, key: string): boolean {
    const row = this.mirror.row(server, key);
    return !!row && matches(row, this.filter);
  }

  private fire(nodes: Node | Node[] | undefined): void {
    this.eventsFired += Array.isArray(nodes) ? nodes.length : 1;
    this.emitter.fire(nodes);
  }

  dispose(): void {
    this.hover.dispose();
    this.subscriptions.forEach((s) => s.dispose());
    this.emitter.dispose();
  }
}
