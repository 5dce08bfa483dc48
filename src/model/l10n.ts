/**
 * How model code says words without knowing VS Code: it calls `l10n.t(...)` on what it is given,
 * vscode.l10n in the extension (so the words are translated and the bundle generator finds them),
 * `english` in tests and in the engine's thread.
 */
export interface L10n {
  t(message: string, ...args: (string | number | boolean)[]): string;
}

export const english: L10n = {
  t: (message, ...args) => message.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole)),
};
