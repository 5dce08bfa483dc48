/**
 * Validation problems in words a person can act on: which item, which field, what is wrong. One place
 * for every schema check of the client, so a bad answer reads the same wherever it is caught.
 */
import * as z from 'zod';
import { localError, type JetStreamError } from './errors';
import { l10n } from './l10n';

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
  if (!issue) return l10n.t('it does not match the expected structure');
  const text = issueText(issue);
  const path = text.path ? text.path.split('.') : [];
  let { index } = place;
  let item = raw;
  if (index === undefined && Array.isArray(raw) && typeof issue.path[0] === 'number') {
    index = Number(path.shift());
    item = raw[index];
  }
  const given = (item as { destinationId?: unknown })?.destinationId;
  const id = typeof given === 'string' ? given.slice(0, 64) : undefined;
  const parts: string[] = [];
  if (index !== undefined) parts.push(id ? l10n.t('item {0} (id {1})', index + 1, id) : l10n.t('item {0}', index + 1));
  else if (place.label) parts.push(id ? l10n.t('{0} (id {1})', place.label, id) : place.label);
  const field = [place.field, ...path].filter(Boolean);
  if (field.length) parts.push(l10n.t('field {0}', field.join('.')));
  return parts.length ? l10n.t('{0}: {1}', parts.join(', '), text.message) : text.message;
}

/** The error for an answer that does not fit its schema. */
export function unreadableAnswer(server: string, command: string, what: string): JetStreamError {
  return localError('InvalidResponse', l10n.t("Server '{0}' sent data this extension cannot read for {1}: {2}.", server, command, what), {
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
    return { path: path.join('.'), message: l10n.t('invalid key {0}: {1}', shownKey, innerWords(issue.issues[0]) ?? issue.message) };
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
    return {
      path: path.join('.'),
      message: issue.keys.length === 1 ? l10n.t('unknown field {0}', keys) : l10n.t('unknown fields {0}', keys),
    };
  }
  const words = ownWords(issue);
  return { path: path.join('.'), message: words === undefined ? issue.message : path.length ? words : l10n.t('the value {0}', words) };
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

/** A value of the wrong type that is zod's own final issue, which holds no input: "received undefined", nothing was given. */
function missing(issue: z.core.$ZodIssueInvalidType): boolean {
  return issue.message === zodText(issue);
}

/** Plain words for an issue that carries zod's wording; undefined when a schema here gave its own message. */
function ownWords(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === 'invalid_type') return missing(issue) ? l10n.t('is required') : typeWords(issue);
  if (issue.message !== zodText(issue)) return undefined;
  switch (issue.code) {
    case 'too_big':
      return sizeWords(issue.origin, 'max', !!issue.inclusive, Number(issue.maximum), issue.exact);
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1 && !issue.exact) return l10n.t('cannot be empty');
      return sizeWords(issue.origin, 'min', !!issue.inclusive, Number(issue.minimum), issue.exact);
    case 'invalid_value':
      return issue.values.length === 1
        ? l10n.t('must be {0}', shown(issue.values[0]))
        : l10n.t('must be one of {0}', oneOf(issue.values.map(shown)));
    case 'not_multiple_of':
      return l10n.t('must be a multiple of {0}', String(issue.divisor));
    case 'invalid_format':
      return formatWords(issue);
    case 'invalid_union':
      return unionWords(issue);
    case 'invalid_element':
      return l10n.t('has an invalid entry: {0}', innerWords(issue.issues[0]) ?? l10n.t('not readable'));
    default:
      return l10n.t('is not valid');
  }
}

/** A type as a value of it is named: `a number`; null, and a type zod adds, by its own name. */
function typeName(expected: string): string {
  const names: Readonly<Record<string, string>> = {
    string: l10n.t('text'),
    number: l10n.t('a number'),
    int: l10n.t('a whole number'),
    bigint: l10n.t('a whole number'),
    boolean: l10n.t('true or false'),
    object: l10n.t('an object'),
    record: l10n.t('an object of keys and values'),
    map: l10n.t('an object of keys and values'),
    array: l10n.t('a list'),
    tuple: l10n.t('a list'),
    set: l10n.t('a list'),
    date: l10n.t('a date'),
  };
  return names[expected] ?? expected;
}

function typeWords(issue: z.core.$ZodIssueInvalidType): string {
  // zod keeps `received` on the issue only for a number that is not one: NaN (text typed for a number) reads as any other.
  if ((issue as { received?: string }).received === 'Infinity') return l10n.t('must be a finite number');
  return l10n.t('must be {0}', typeName(issue.expected));
}

function sizeWords(origin: string, side: 'max' | 'min', inclusive: boolean, n: number, exact: boolean | undefined): string {
  const limit = exact
    ? l10n.t('exactly')
    : side === 'max'
      ? inclusive
        ? l10n.t('at most')
        : l10n.t('less than')
      : inclusive
        ? l10n.t('at least')
        : l10n.t('more than');
  const number = n.toLocaleString('en-US');
  switch (origin) {
    case 'string':
      return l10n.t('must be {0} {1}', limit, n === 1 ? l10n.t('{0} character', number) : l10n.t('{0} characters', number));
    case 'array':
    case 'set':
      return l10n.t('must have {0} {1}', limit, n === 1 ? l10n.t('{0} item', number) : l10n.t('{0} items', number));
    case 'object':
    case 'record':
    case 'map':
      return l10n.t('must have {0} {1}', limit, n === 1 ? l10n.t('{0} entry', number) : l10n.t('{0} entries', number));
    case 'file':
      return l10n.t('must be {0} {1}', limit, n === 1 ? l10n.t('{0} byte', number) : l10n.t('{0} bytes', number));
    case 'date': {
      const date = new Date(n).toISOString();
      return side === 'max' ? l10n.t('must be no later than {0}', date) : l10n.t('must be no earlier than {0}', date);
    }
    default:
      return l10n.t('must be {0} {1}', limit, number);
  }
}

function formatWords(issue: z.core.$ZodIssueInvalidStringFormat): string {
  const { format, prefix, suffix, includes } = issue as { format: string; prefix?: string; suffix?: string; includes?: string };
  switch (format) {
    case 'starts_with':
      return l10n.t('must start with {0}', JSON.stringify(prefix));
    case 'ends_with':
      return l10n.t('must end with {0}', JSON.stringify(suffix));
    case 'includes':
      return l10n.t('must contain {0}', JSON.stringify(includes));
    case 'regex':
      return l10n.t('is not in the expected form');
    case 'url':
      return l10n.t('must be a valid URL');
    case 'email':
      return l10n.t('must be a valid email address');
    default:
      return l10n.t('must be a valid {0}', format);
  }
}

/** A value that fits none of a union's forms: the one whose type fitted, or the types it may have. */
function unionWords(issue: z.core.$ZodIssueInvalidUnion): string {
  const fitted = issue.errors.find((e) => e.length && e.every((i) => i.code !== 'invalid_type'));
  if (fitted) return innerWords(fitted[0]) ?? l10n.t('is not valid');
  const wrongTypes = issue.errors.flatMap((e) => e.filter((i) => i.code === 'invalid_type'));
  if (wrongTypes.length && wrongTypes.every(missing)) return l10n.t('is required');
  const types = wrongTypes.map((i) => typeName(i.expected));
  return types.length ? l10n.t('must be {0}', oneOf([...new Set(types)])) : l10n.t('is not one of the accepted forms');
}

function shown(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function oneOf(words: string[]): string {
  return words.length < 2 ? (words[0] ?? '') : l10n.t('{0} or {1}', words.slice(0, -1).join(', '), words[words.length - 1]!);
}
