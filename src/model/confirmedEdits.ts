/**
 * userData a user's edit confirmed, per server and destination, with the edit's sequence number: a
 * poll that was asked for before the confirmation answers with what the server had then, and must not
 * paint the old value back. A poll asked for after it settles the edit: from then on the server speaks.
 */
import type { DestinationList } from '../api/destinationList';
import type { UserData } from '../api/schemas';

export class ConfirmedEdits {
  private readonly edits = new Map<string, Map<string, { seq: number; userData: UserData }>>();
  private seq = 0;

  /** Taken when a poll is asked for: the edits confirmed after it are newer than its answer. */
  mark(): number {
    return this.seq;
  }

  confirm(server: string, key: string, userData: UserData): void {
    let edits = this.edits.get(server);
    if (!edits) this.edits.set(server, (edits = new Map()));
    edits.set(key, { seq: ++this.seq, userData });
  }

  /**
   * After a poll taken at `mark`: edits confirmed since win over its userData (and are named changed);
   * older ones are settled and forgotten.
   */
  keep(
    server: string,
    mark: number,
    answer: Pick<DestinationList, 'destinations' | 'changed' | 'moved'>,
    /** Puts the confirmed userData into a destination's record. */
    replace: (key: string, userData: UserData) => void,
  ): void {
    const edits = this.edits.get(server);
    if (!edits) return;
    for (const [key, edit] of edits) {
      const d = answer.destinations.get(key);
      if (edit.seq <= mark || !d) {
        edits.delete(key);
        continue;
      }
      if (d.userData !== edit.userData) {
        replace(key, edit.userData);
        answer.moved.delete(key);
        if (!answer.changed.includes(key)) answer.changed.push(key);
      }
    }
  }
}
