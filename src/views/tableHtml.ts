/**
 * The destinations table's HTML, set once per panel: the details page's policy and layout
 * (pageHtml), the table's own script and stylesheet, and no server data (rows arrive by postMessage).
 * Pure, so the webview tests load the very same page in Chromium.
 */
import { pageHtml, type PageParts } from './detailsHtml';

export function tableHtml(p: PageParts): string {
  return pageHtml(p, 'Destinations', 'data-page="table"');
}
