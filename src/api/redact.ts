/**
 * A server or console may echo the secret it was given ("Login failed for user 'jo' with password
 * 'hunter2'"). Every text from a server passes through the profile's redactor before it reaches a
 * row, a tooltip, a notification, the details panel or the log.
 */

export interface Secrets {
  user?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
}

export type Redact = (text: string) => string;

export const REDACTED = '***';

const identity: Redact = (text) => text;

/** The forms a secret travels or is echoed in: as typed, `user:password`, Basic base64, URL- and JSON-escaped. */
function forms(s: Secrets): string[] {
  const out = new Set<string>();
  const add = (v: string | undefined) => {
    if (!v) return;
    out.add(v);
    out.add(encodeURIComponent(v));
    // Every other percent-encoder (Python's quote, for one) also encodes what encodeURIComponent leaves.
    out.add(
      Array.from(Buffer.from(v), (b) =>
        /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
      ).join(''),
    );
    out.add(JSON.stringify(v).slice(1, -1));
  };
  add(s.token);
  // A password that is the user name says nothing the user name, shown everywhere, does not: starring
  // it out would only garble every message that names the user (the demo's demo/demo).
  if (s.password !== s.user) add(s.password);
  if (s.password) {
    const pair = `${s.user ?? ''}:${s.password}`;
    add(pair);
    const basic = Buffer.from(pair).toString('base64');
    add(basic);
    add(basic.replace(/=+$/, ''));
  }
  return [...out];
}

export function redactor(s: Secrets): Redact {
  // Longest first, so `user:password` goes as a whole rather than leaving `user:`.
  const all = forms(s).sort((a, b) => b.length - a.length);
  if (!all.length) return identity;
  const pattern = new RegExp(all.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => (text ? text.replace(pattern, REDACTED) : text);
}
