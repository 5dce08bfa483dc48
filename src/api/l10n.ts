/**
 * How code without VS Code says words. Model functions that views call take an `L10n` (vscode.l10n in
 * the extension, `english` in tests). Code that runs far from a view (api errors, the engine on its
 * worker thread) says them through `l10n` below, which each thread points once at its words: the
 * extension at vscode.l10n, the worker at the bundle the extension hands it. Either way every text is a
 * literal `l10n.t('…')`, so the bundle generator (scripts/l10n.mjs) finds it.
 */
export interface L10n {
  t(message: string, ...args: (string | number | boolean)[]): string;
}

export const english: L10n = {
  t: (message, ...args) => message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole)),
};

/** Words from a bundle as vscode.l10n.bundle gives it (undefined for English): a key it lacks stays English. */
export function bundleWords(bundle: Readonly<Record<string, string>> | undefined): L10n {
  if (!bundle) return english;
  return { t: (message, ...args) => english.t(Object.hasOwn(bundle, message) ? bundle[message]! : message, ...args) };
}

let words: L10n = english;

/** This thread's words, for code that is given none. */
export const l10n: L10n = { t: (message, ...args) => words.t(message, ...args) };

/** Sets this thread's words, once at its start. */
export function useWords(w: L10n): void {
  words = w;
}
