/**
 * What people type into the input boxes, read: send rates with the units people write (100 Mbit/s,
 * 100Mbit, 2.5G, 100 MB/s), `name=value` lists, host:port. Each answer says what was understood, so
 * the input box can show it as the user types.
 */
import { formatRate } from './format';
import type { L10n } from '../api/l10n';

export type Parsed<T> = { value: T; understood: string } | { error: string };

/** Prefixes in kbit/s. */
const BIT_UNITS: Record<string, number> = { '': 1, k: 1, m: 1_000, g: 1_000_000, t: 1_000_000_000 };

/**
 * A rate in kbit/s (the unit the server uses). A bare number is kbit/s; `b`/`bit`/`bps` are bits and
 * `B` (upper case) bytes, so 100 MB/s is 800 Mbit/s.
 */
export function parseRate(text: string, l10n: L10n): Parsed<number> | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const m = /^(\d+(?:[.,]\d+)?)\s*([kKmMgGtT])?\s*(bits?|bps|b|B|bytes?|Bps)?\s*(?:\/\s*s(?:ec)?|ps)?$/.exec(t);
  if (!m) return { error: l10n.t('Use a number with an optional unit, e.g. 800 kbit/s, 100 Mbit/s, 1 Gbit/s or 100 MB/s.') };
  const number = Number(m[1]!.replace(',', '.'));
  const prefix = (m[2] ?? '').toLowerCase();
  const unit = m[3] ?? '';
  const bytes = unit === 'B' || unit === 'Bps' || /^bytes?$/.test(unit);
  // A bare number is kbit/s; a unit without a prefix (500 bit/s, 1000 B/s) is bits or bytes.
  const scale = prefix === '' && unit ? 0.001 : BIT_UNITS[prefix]!;
  const kbps = number * scale * (bytes ? 8 : 1);
  if (!(kbps > 0)) return { error: l10n.t('The rate must be more than 0.') };
  if (kbps > 1e9) return { error: l10n.t('That is more than 1 Tbit/s.') };
  return { value: kbps, understood: formatRate(kbps) };
}

/** `name=value name2=value2` (spaces or commas between) → object, numbers where `numeric`. */
export function parsePairs(text: string, numeric: boolean, l10n: L10n): Parsed<Record<string, string | number>> {
  const out: Record<string, string | number> = {};
  for (const pair of text.split(/[\s,]+/).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return { error: l10n.t('"{0}" is not name=value.', pair) };
    const value = pair.slice(eq + 1);
    if (numeric && !Number.isFinite(Number(value))) return { error: l10n.t('"{0}" is not a number.', value) };
    Object.defineProperty(out, pair.slice(0, eq), {
      value: numeric ? Number(value) : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return {
    value: out,
    understood:
      Object.entries(out)
        .map(([k, v]) => `${k} = ${v}`)
        .join(', ') || l10n.t('nothing'),
  };
}

/** `host` or `host:port`, `defaultPort` when the port is left out; IPv6 in brackets. */
export function parseHostPort(text: string, defaultPort: number, l10n: L10n): Parsed<{ host: string; port: number }> {
  const t = text.trim();
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+)(?::(\d{1,5}))?$/.exec(t);
  if (!m) return { error: l10n.t('Use host or host:port, e.g. jetstream.example.com:8886.') };
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (port < 1 || port > 65535) return { error: l10n.t('The port is 1 to 65535.') };
  const host = m[1]!.replace(/^\[(.*)\]$/, '$1');
  return { value: { host, port }, understood: l10n.t('{0}, port {1}', host, port) };
}
