/**
 * Validation problems in words a person can act on: which item, which field, what is wrong. One place
 * for every schema check of the client, so a bad answer reads the same wherever it is caught.
 */
import type * as z from 'zod';
import { localError, type JetStreamError } from './errors';
import { issueText } from './schemas';

export interface IssuePlace {
  /** The item's position in a list, when the value is one item of it. */
  index?: number;
  /** What the value is, when it is not an item of a list: `destination`. */
  label?: string;
  /** The field the checked value sits in, when only that field was checked. */
  field?: string;
}

/** The first problem, named by its place, e.g. `item 3 (id d-17), field sendRateMax: expected number`. */
export function describeIssue(error: z.ZodError, raw: unknown, place: IssuePlace = {}): string {
  const issue = error.issues[0];
  if (!issue) return 'it does not match the expected structure';
  const text = issueText(issue);
  const path = text.path ? text.path.split('.') : [];
  let { index } = place;
  let item = raw;
  if (index === undefined && Array.isArray(raw) && typeof issue.path[0] === 'number') {
    index = Number(path.shift());
    item = raw[index];
  }
  const id =
    typeof (item as { destinationId?: unknown })?.destinationId === 'string'
      ? ` (id ${(item as { destinationId: string }).destinationId.slice(0, 64)})`
      : '';
  const parts: string[] = [];
  if (index !== undefined) parts.push(`item ${index + 1}${id}`);
  else if (place.label) parts.push(`${place.label}${id}`);
  const field = [place.field, ...path].filter(Boolean);
  if (field.length) parts.push(`field ${field.join('.')}`);
  return `${parts.length ? `${parts.join(', ')}: ` : ''}${text.message}`;
}

/** The error for an answer that does not fit its schema. */
export function unreadableAnswer(server: string, command: string, what: string): JetStreamError {
  return localError('InvalidResponse', `Server '${server}' sent data this extension cannot read for ${command}: ${what}.`, {
    server,
    command,
  });
}
