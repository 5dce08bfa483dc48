/**
 * Validation problems in words a person can act on: which item, which field, what is wrong. One place
 * for every schema check of the client, so a bad answer reads the same wherever it is caught.
 */
import * as z from 'zod';
import { localError, type JetStreamError } from './errors';

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

/**
 * Where a validation problem is and what it is, in words: `sendRateMax` + `must be a number` rather than
 * zod's `Invalid input: expected number, received string`. A message a schema here gives is kept.
 */
export function issueText(issue: z.core.$ZodIssue): { path: string; message: string } {
  const path = issue.path.map(String);
  if (issue.code === 'invalid_key') {
    const key = path.pop() ?? '';
    const shownKey = JSON.stringify(key.length > 40 ? `${key.slice(0, 39)}…` : key);
    return { path: path.join('.'), message: `invalid key ${shownKey}: ${innerWords(issue.issues[0]) ?? issue.message}` };
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
    return { path: path.join('.'), message: issue.keys.length === 1 ? `unknown field ${keys}` : `unknown fields ${keys}` };
  }
  const words = ownWords(issue);
  return { path: path.join('.'), message: words === undefined ? issue.message : path.length ? words : `the value ${words}` };
}

/** What is wrong with `value` for `schema`, in words for an input box (its first problem); undefined when it fits. */
export function inputProblem(schema: z.ZodType, value: unknown): string | undefined {
  const r = schema.safeParse(value);
  return r.success ? undefined : r.error.issues[0] && issueText(r.error.issues[0]).message;
}

/** Words for an issue nested in another (a record's key, a union's alternative), without a subject. */
function innerWords(issue: z.core.$ZodIssue | undefined): string | undefined {
  return issue && (ownWords(issue) ?? issue.message);
}

/** zod's own text for an issue, as its locale words it: what tells a schema's message from zod's. */
function zodText(issue: z.core.$ZodIssue): string | undefined {
  const m = z.core.config().localeError?.(issue as unknown as z.core.$ZodRawIssue);
  return typeof m === 'string' ? m : m?.message;
}

/** Plain words for an issue that carries zod's wording; undefined when a schema here gave its own message. */
function ownWords(issue: z.core.$ZodIssue): string | undefined {
  const zods = zodText(issue);
  // The final issue holds no input, so zod's text of it says "received undefined": equal only when nothing was given.
  if (issue.code === 'invalid_type') return issue.message === zods ? 'is required' : typeWords(issue);
  if (issue.message !== zods) return undefined;
  switch (issue.code) {
    case 'too_big':
      return sizeWords(issue.origin, issue.inclusive ? 'at most' : 'less than', Number(issue.maximum), issue.exact);
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1 && !issue.exact) return 'cannot be empty';
      return sizeWords(issue.origin, issue.inclusive ? 'at least' : 'more than', Number(issue.minimum), issue.exact);
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${shown(issue.values[0])}` : `must be one of ${oneOf(issue.values.map(shown))}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_format':
      return formatWords(issue);
    case 'invalid_union':
      return unionWords(issue);
    case 'invalid_element':
      return `has an invalid entry: ${innerWords(issue.issues[0]) ?? 'not readable'}`;
    default:
      return 'is not valid';
  }
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  null: 'null',
  object: 'an object',
  record: 'an object of keys and values',
  map: 'an object of keys and values',
  array: 'a list',
  tuple: 'a list',
  set: 'a list',
  date: 'a date',
};
const typeName = (expected: string) => TYPE_WORDS[expected] ?? expected;

function typeWords(issue: z.core.$ZodIssueInvalidType): string {
  // zod keeps `received` on the issue only for a number that is not one: NaN (text typed for a number) reads as any other.
  if ((issue as { received?: string }).received === 'Infinity') return 'must be a finite number';
  return `must be ${typeName(issue.expected)}`;
}

function sizeWords(origin: string, bound: string, n: number, exact: boolean | undefined): string {
  const limit = exact ? 'exactly' : bound;
  const count = (one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
  switch (origin) {
    case 'string':
      return `must be ${limit} ${count('character', 'characters')}`;
    case 'array':
    case 'set':
      return `must have ${limit} ${count('item', 'items')}`;
    case 'object':
    case 'record':
    case 'map':
      return `must have ${limit} ${count('entry', 'entries')}`;
    case 'file':
      return `must be ${limit} ${count('byte', 'bytes')}`;
    case 'date':
      return `must be ${bound === 'at most' || bound === 'less than' ? 'no later than' : 'no earlier than'} ${new Date(n).toISOString()}`;
    default:
      return `must be ${limit} ${n.toLocaleString('en-US')}`;
  }
}

function formatWords(issue: z.core.$ZodIssueInvalidStringFormat): string {
  const { format, prefix, suffix, includes } = issue as { format: string; prefix?: string; suffix?: string; includes?: string };
  if (format === 'starts_with') return `must start with ${JSON.stringify(prefix)}`;
  if (format === 'ends_with') return `must end with ${JSON.stringify(suffix)}`;
  if (format === 'includes') return `must contain ${JSON.stringify(includes)}`;
  if (format === 'regex') return 'is not in the expected form';
  return `must be a valid ${format === 'url' ? 'URL' : format === 'email' ? 'email address' : format}`;
}

/** A value that fits none of a union's forms: the one whose type fitted, or the types it may have. */
function unionWords(issue: z.core.$ZodIssueInvalidUnion): string {
  const fitted = issue.errors.find((e) => e.length && e.every((i) => i.code !== 'invalid_type'));
  if (fitted) return innerWords(fitted[0]) ?? 'is not valid';
  const wrongTypes = issue.errors.flatMap((e) => e.filter((i) => i.code === 'invalid_type'));
  if (wrongTypes.length && wrongTypes.every((i) => ownWords(i) === 'is required')) return 'is required';
  const types = wrongTypes.map((i) => typeName(i.expected));
  return types.length ? `must be ${oneOf([...new Set(types)])}` : 'is not one of the accepted forms';
}

function shown(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function oneOf(words: string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}
