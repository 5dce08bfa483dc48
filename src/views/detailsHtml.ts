/**
 * The details page's HTML, set once per panel: a strict Content-Security-Policy with a per-page nonce,
 * the script and stylesheet from the extension's own files, and no server data at all (that arrives
 * later by postMessage). Pure, so the webview tests load the very same page in Chromium.
 */
import type { PanelState } from '../webview/protocol';

export interface DetailsPageParts {
  /** The webview's `cspSource`: where the extension's own files are served from. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  state: PanelState;
  /**
   * The page's strings in the display language: English text → translation, as vscode.l10n keys
   * them (vscode.l10n.bundle can go in as it is). Absent, the page speaks English.
   */
  l10n?: Record<string, string> | undefined;
  /** The language of those strings (vscode.env.language), so screen readers pronounce them right. */
  lang?: string | undefined;
}

export function detailsHtml(p: DetailsPageParts): string {
  return pageHtml(p, 'Destination details', `data-panel-state="${escapeAttribute(JSON.stringify(p.state))}"`);
}

/** What every page of this extension is given: where its files are, its nonce, and its words. */
export type PageParts = Omit<DetailsPageParts, 'state'>;

/**
 * A page of this extension: a strict Content-Security-Policy with the page's nonce (its own files,
 * scripts only with the nonce), its stylesheet and script, the words in an escaped attribute, and
 * `body` (attributes, already escaped) on the body. No server data: that comes by postMessage.
 */
export function pageHtml(p: PageParts, title: string, body: string): string {
  const csp = [
    "default-src 'none'",
    `img-src ${p.cspSource} data:`,
    `style-src ${p.cspSource} 'nonce-${p.nonce}'`,
    `font-src ${p.cspSource}`,
    `script-src 'nonce-${p.nonce}'`,
  ].join('; ');
  const l10n = p.l10n && Object.keys(p.l10n).length ? ` data-l10n="${escapeAttribute(JSON.stringify(p.l10n))}"` : '';
  const say = (text: string) => escapeAttribute(p.l10n && Object.hasOwn(p.l10n, text) ? p.l10n[text]! : text);
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(p.lang ?? 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(p.styleUri)}" nonce="${p.nonce}">
<title>${say(title)}</title>
</head>
<body ${body}${l10n}>
<main id="app"><p class="loading">${say('Loading…')}</p></main>
<script nonce="${p.nonce}" src="${escapeAttribute(p.scriptUri)}"></script>
</body>
</html>`;
}

export function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
