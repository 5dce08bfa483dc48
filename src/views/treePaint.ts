/**
 * What the tree last painted, to repaint only what changed: per server, its own row's words and a
 * status and hash per destination row.
 */
import type { Row } from '../model/engine/protocol';
import type { DestinationStatus } from '../model/status';

/** What a destination row showed when last painted: its status, and a hash of its words. */
export interface Painted {
  status: DestinationStatus;
  hash: number;
}

export interface ServerPaint {
  /** What the server's own row showed when last painted: it repaints only when this changes. */
  row: string;
  rows: Map<string, Painted>;
}

/** FNV-1a over a row's label, description and userData: cheap to keep for 50,000 rows, and to compare. */
export function hashRow(row: Row, description: string): number {
  let h = 0x811c9dc5;
  const add = (text: string) => {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0x1f, 0x01000193);
  };
  add(row.label);
  add(description);
  for (const [k, v, editable] of row.userData) {
    add(k);
    add(v.length > 1000 ? `${v.slice(0, 1000)}${v.length}` : v);
    add(editable ? 't' : 'f');
  }
  return h >>> 0;
}
