/** The nodes of the Destinations tree. Node objects are plain data; the provider keeps one per id. */
import type { ProfileNotice } from '../model/profiles';

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
/** The filter in use, above the servers: what it is, what it shows, and a click that clears it. */
export interface FilterNode {
  readonly kind: 'filter';
}
export type Node = ServerNode | DestinationNode | UserDataNode | ProblemNode | InvalidProfileNode | MessageNode | NoticeNode | FilterNode;

/** Tree ids that stay apart for any server name, destination id and userData key (JSON, not a joined path). */
export function nodeId(...parts: string[]): string {
  return JSON.stringify(parts);
}

const ids = new WeakMap<Node, string>();

/** A node's tree id, made once per node object. */
export function idOfNode(n: Node): string {
  let id = ids.get(n);
  if (id === undefined) ids.set(n, (id = makeId(n)));
  return id;
}

function makeId(n: Node): string {
  switch (n.kind) {
    case 'server':
      return nodeId('s', n.server);
    case 'destination':
      return nodeId('d', n.server, n.destinationId);
    case 'userData':
      return nodeId('u', n.server, n.destinationId, n.key);
    case 'problem':
      return nodeId('p', n.server);
    case 'invalidProfile':
      return nodeId('invalid', String(n.index));
    case 'message':
      return nodeId('m', n.server);
    case 'notice':
      return nodeId('n', n.server, n.notice);
    case 'filter':
      return nodeId('f');
  }
}

/** Whether a value a command received is one of this tree's nodes (VS Code passes its own arguments too). */
export function isNode(value: unknown): value is Node {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return (
    typeof kind === 'string' &&
    ['server', 'destination', 'userData', 'problem', 'invalidProfile', 'message', 'notice', 'filter'].includes(kind)
  );
}

/**
 * One node object per id, so VS Code keeps expansion and selection across refreshes; destination nodes,
 * the most numerous, by server and key. Nodes of destinations and servers that are gone are dropped, so a
 * tree open for weeks does not grow.
 */
export class NodeCache {
  private readonly nodes = new Map<string, Node>();
  private readonly destinations = new Map<string, Map<string, DestinationNode>>();

  get<T extends Node>(n: T): T {
    const id = idOfNode(n);
    let known = this.nodes.get(id);
    if (!known) this.nodes.set(id, (known = n));
    return known as T;
  }

  destination(server: string, destinationId: string): DestinationNode {
    let byKey = this.destinations.get(server);
    if (!byKey) this.destinations.set(server, (byKey = new Map()));
    let node = byKey.get(destinationId);
    if (!node) byKey.set(destinationId, (node = { kind: 'destination', server, destinationId }));
    return node;
  }

  /** Drops the nodes of a server's destinations that `present` no longer has; returns their keys. */
  forgetGone(server: string, present: ReadonlyMap<string, unknown>): string[] {
    const gone: string[] = [];
    const byKey = this.destinations.get(server);
    for (const key of byKey?.keys() ?? []) {
      if (present.has(key)) continue;
      byKey!.delete(key);
      gone.push(key);
    }
    for (const [id, node] of this.nodes) {
      if ((node.kind === 'destination' || node.kind === 'userData') && node.server === server && !present.has(node.destinationId)) {
        this.nodes.delete(id);
      }
    }
    return gone;
  }

  /** Drops every node of servers not in `names`. */
  keepServers(names: ReadonlySet<string>): void {
    for (const name of [...this.destinations.keys()]) if (!names.has(name)) this.destinations.delete(name);
    for (const [id, node] of this.nodes) if ('server' in node && !names.has(node.server)) this.nodes.delete(id);
  }
}
