/** Filtering the destinations table: the tree's filter terms plus server:NAME and userData.KEY:VALUE. */
import { parseFilter, type DestinationFilter } from './filter';
import { english, type L10n } from '../api/l10n';
import type { TableRow } from './table';

export interface TableFilter extends DestinationFilter {
  /** Server names, any case. */
  servers: string[];
  /** userData terms: the key as typed, the value in lower case or '*' for any. */
  userData: { key: string; value: string }[];
}

export const NO_TABLE_FILTER: TableFilter = { text: [], statuses: [], owners: [], servers: [], userData: [] };

const SERVER_TERM = /^server:(.*)$/i;
const USER_DATA_TERM = /^userdata\.([^:]+):(.*)$/i;

/**
 * The tree's syntax (`backup status:error owner:demo`) plus `server:NAME` and `userData.KEY:VALUE`
 * (`userData.KEY:*` for any value); the same term repeated allows either value.
 */
export function parseTableFilter(line: string, l10n: L10n = english): { filter: TableFilter } | { error: string } {
  const servers: string[] = [];
  const userData: TableFilter['userData'] = [];
  const rest: string[] = [];
  for (const word of line.trim().split(/\s+/).filter(Boolean)) {
    const server = SERVER_TERM.exec(word);
    const entry = USER_DATA_TERM.exec(word);
    if (server) {
      if (!server[1]) return { error: l10n.t('"{0}" needs a value after the colon', word) };
      servers.push(server[1].toLowerCase());
    } else if (entry) {
      if (!entry[2]) return { error: l10n.t('"{0}" needs a value after the colon; * for any value', word) };
      userData.push({ key: entry[1]!, value: entry[2].toLowerCase() });
    } else if (/^userdata[.:]?$/i.test(word) || /^userdata:/i.test(word)) {
      return { error: l10n.t('"{0}": write userData.KEY:VALUE, e.g. userData.team:media', word) };
    } else rest.push(word);
  }
  const parsed = parseFilter(rest.join(' '));
  if ('error' in parsed) return parsed;
  return { filter: { ...parsed.filter, servers, userData } };
}

export function formatTableFilter(f: TableFilter): string {
  return [
    ...f.text,
    ...f.statuses.map((s) => `status:${s}`),
    ...f.owners.map((o) => `owner:${o}`),
    ...f.servers.map((s) => `server:${s}`),
    ...f.userData.map((u) => `userData.${u.key}:${u.value}`),
  ].join(' ');
}

export function isTableFiltered(f: TableFilter): boolean {
  return f.text.length + f.statuses.length + f.owners.length + f.servers.length + f.userData.length > 0;
}

/** What words are searched in: made once per row version, in lower case. */
export function haystackOf(r: TableRow): string {
  const parts = [r.server, r.address, r.key, r.owner, r.error, r.problem];
  for (const [k, v] of r.userData) parts.push(k, v);
  return parts.join('\n').toLowerCase();
}

/** A row with its search text, made the first time words are looked for. */
export interface Searchable {
  row: TableRow;
  haystack: string | undefined;
}

/** The filter as one test: terms of one kind allow any of their values, kinds and words must all match. */
export function tableMatcher(f: TableFilter): (s: Searchable) => boolean {
  const statuses = f.statuses.length ? new Set(f.statuses) : undefined;
  const owners = f.owners.length ? new Set(f.owners) : undefined;
  const servers = f.servers.length ? new Set(f.servers) : undefined;
  const byKey = new Map<string, string[]>();
  for (const u of f.userData) byKey.set(u.key.toLowerCase(), [...(byKey.get(u.key.toLowerCase()) ?? []), u.value]);
  const words = f.text;
  return (s) => {
    const r = s.row;
    if (statuses && !statuses.has(r.status)) return false;
    if (owners && !owners.has(r.owner)) return false;
    if (servers && !servers.has(r.server.toLowerCase())) return false;
    for (const [key, values] of byKey) {
      const entry = r.userData.find(([k]) => k.toLowerCase() === key);
      if (!entry || !values.some((v) => v === '*' || v === entry[1].toLowerCase())) return false;
    }
    if (!words.length) return true;
    const text = (s.haystack ??= haystackOf(r));
    for (const w of words) if (!text.includes(w)) return false;
    return true;
  };
}
