/**
 * Every user-visible string of the page goes through `t`, called as `l10n.t('…')` with the English
 * text itself as a literal key, as with vscode.l10n: so the host can hand over its bundle as it is, in
 * `<body data-l10n='{"Refresh":"…"}'>`, and a tool can collect the page's strings from the source.
 * A missing map or entry leaves the English as written.
 */

/** Read once, when the page loads (before any module that says words); none where there is no page (Node tests). */
const translations: Readonly<Record<string, string>> = read(typeof document === 'undefined' ? undefined : document.body?.dataset.l10n);

function read(json: string | undefined): Record<string, string> {
  if (!json) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    // Only text entries: a broken map must not put `undefined` or objects on the screen.
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    // An unreadable map leaves the page in English rather than blank.
    return {};
  }
}

/** `l10n.t('Copy {0}', 'Address')`: the translation of `message` with `{n}` replaced by the n-th argument. */
export function t(message: string, ...args: (string | number)[]): string {
  const text = Object.hasOwn(translations, message) ? translations[message]! : message;
  return args.length ? text.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole)) : text;
}
