/**
 * Addresses in the order a person expects: IPv4 numerically (10.0.0.5 before 10.0.0.17), IPv6 by
 * its groups, host names label by label with numbers as numbers (rx-2 before rx-10). Each address
 * becomes a sort key once, so sorting 50,000 rows compares plain strings.
 */

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Runs of digits as length-prefixed numbers; label separators below every other character. */
function nameKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/\d+/g, (digits) => {
      const n = digits.replace(/^0+(?=\d)/, '');
      return `${String.fromCharCode(1 + Math.min(n.length, 60))}${n}`;
    })
    .replace(/\./g, '\u0000');
}

function ipv6Key(address: string): string | undefined {
  if (!/^[0-9a-f:]+$/i.test(address) || !address.includes(':')) return undefined;
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => g.padStart(4, '0')).join(':');
}

/** The key an address sorts by: IPv4 first, then IPv6, then names. */
export function addressSortKey(address: string): string {
  const v4 = IPV4.exec(address);
  if (v4)
    return `0${v4
      .slice(1)
      .map((o) => o.padStart(3, '0'))
      .join('.')}`;
  const v6 = ipv6Key(address);
  if (v6) return `1${v6}`;
  return `2${nameKey(address)}`;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
