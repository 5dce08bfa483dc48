/**
 * The details page's entry: wiring only. The page state is read first, so the last known data and
 * whatever was being typed are back before the extension sends anything; then the page says it is ready.
 */
// First, so each part's own stylesheet comes after the page's base.
import './style.css';
import { App } from './app';
import { onThemeChange } from './charts';
import { once } from './dom';
import { Channel, type VsCodeApi } from './messages';
import { PanelState } from './protocol';
import { PageStore } from './state';
import { restoreView, trackView } from './view';

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const panel = panelOf(document.body.dataset.panelState);
const store = new PageStore(api, panel);
const channel = new Channel(api);
const app = new App(document.getElementById('app')!, channel, store, panel);
// Kept aside: scrolling or clicking while the page waits for data must not change where it goes back to.
const saved = { scrollY: store.value.scrollY, focus: store.value.focus };
app.restore(store.value);
const firstContent = once(() => restoreView(saved));
if (store.value.last) firstContent();
trackView(store);
onThemeChange(() => app.charts.retheme());
channel.listen({
  snapshot(m) {
    app.apply(m);
    store.offerSnapshot(m);
    firstContent();
  },
  problem: (text) => app.problem(text),
});
channel.post({ type: 'ready' });

/** The panel's identity as the extension wrote it into the page. */
function panelOf(json: string | undefined): PanelState | undefined {
  try {
    const r = PanelState.safeParse(JSON.parse(json ?? 'null'));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
