/**
 * Server data of any shape made safe to show and copy: nesting, strings, keys and items bounded, so a
 * hostile record (100,000 levels deep, a 10 MB string, a million keys) reaches the details panel and
 * Copy as JSON as a readable excerpt instead of overflowing the stack or freezing the page.
 */

export interface Limits {
  depth: number;
  /** Characters of one string. */
  string: number;
  /** Keys of one object, items of one array. */
  items: number;
  /** Values in all. */
  total: number;
}

export const DEFAULT_LIMITS: Limits = { depth: 12, string: 100_000, items: 1_000, total: 20_000 };

export const TRUNCATED = '…';

/**
 * A copy of `value` within the limits; what is cut is replaced by a string that says so. `text` maps
 * every string on the way (the profile's redactor).
 */
export function bounded(value: unknown, limits: Limits = DEFAULT_LIMITS, text: (s: string) => string = (s) => s): unknown {
  let left = limits.total;
  const walk = (v: unknown, depth: number): unknown => {
    left--;
    if (typeof v === 'string')
      return text(v.length > limits.string ? `${v.slice(0, limits.string)}${TRUNCATED} (${v.length} characters)` : v);
    if (typeof v !== 'object' || v === null) return v;
    if (depth >= limits.depth) return `${TRUNCATED} (nested deeper than ${limits.depth} levels)`;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        if (i >= limits.items || left <= 0) {
          out.push(`${TRUNCATED} (${v.length - i} more items)`);
          break;
        }
        out.push(walk(v[i], depth + 1));
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    const keys = Object.keys(v);
    for (let i = 0; i < keys.length; i++) {
      if (i >= limits.items || left <= 0) {
        define(out, TRUNCATED, `${keys.length - i} more keys`);
        break;
      }
      const k = keys[i]!;
      define(out, k.length > 1000 ? `${k.slice(0, 1000)}${TRUNCATED}` : k, walk((v as Record<string, unknown>)[k], depth + 1));
    }
    return out;
  };
  return walk(value, 0);
}

/** Sets an own property, also for a key such as `__proto__` that plain assignment would treat specially. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Short text for a value of any type: text as it is, anything else as bounded JSON; cut at `max`. */
export function valueText(value: unknown, max = 200): string {
  const text =
    typeof value === 'string' ? value : (JSON.stringify(bounded(value, { depth: 4, string: max, items: 50, total: 200 })) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}${TRUNCATED}` : text;
}

/** Pretty JSON of a value of any shape, within the default limits. */
export function boundedJson(value: unknown, text?: (s: string) => string): string {
  return JSON.stringify(bounded(value, DEFAULT_LIMITS, text), null, 2) ?? 'null';
}
