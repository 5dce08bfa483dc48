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
}

export function detailsHtml(p: DetailsPageParts): string {
  const csp = [
    "default-src 'none'",
    `img-src ${p.cspSource} data:`,
    `style-src ${p.cspSource} 'nonce-${p.nonce}'`,
    `font-src ${p.cspSource}`,
    `script-src 'nonce-${p.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(p.styleUri)}" nonce="${p.nonce}">
<title>Destination details</title>
</head>
<body data-panel-state="${escapeAttribute(JSON.stringify(p.state))}">
<main id="app"><p class="loading">Loading…</p></main>
<script nonce="${p.nonce}" src="${escapeAttribute(p.scriptUri)}"></script>
</body>
</html>`;
}

export function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
