/**
 * The destinations table's page with many rows in headless Chromium: the rows are made in the page and
 * posted as the extension posts them (parts of 5,000), then three figures are measured there:
 * - first paint: from the first message until a frame shows rows (and until all are in);
 * - filter: from a keystroke in the filter box until the frame that shows its answer;
 * - scrolling: frames a second while the grid scrolls ten rows a frame for two seconds, with the
 *   most row elements ever in the DOM.
 * `node --import tsx test/webview/tablePerf.ts [rows]` prints the figures as one JSON line (the benchmark).
 */
import type { PanelPage } from './harness';

export interface TableFigures {
  rows: number;
  firstPaintMs: number;
  allRowsMs: number;
  filterMs: number;
  filterWordsMs: number;
  scrollFps: number;
  longestFrameMs: number;
  maxDomRows: number;
}

/** Makes `count` rows in the page: five servers, a status mix with errors, userData on a quarter. */
const MAKE_ROWS = `
window.__makeRows = (count, from = 0) => {
  const statuses = ['connected', 'connected', 'negotiating', 'connected', 'disconnected'];
  const teams = ['media', 'backup', 'ops'];
  const rows = [];
  for (let i = from; i < from + count; i++) {
    const octets = [10, (i >> 16) & 255, (i >> 8) & 255, i & 255];
    const status = i % 97 === 0 ? 'error' : statuses[i % 5];
    rows.push({
      n: i + 1,
      server: 'server-' + (i % 5),
      key: 'd-' + i,
      address: octets.join('.') + ':8886',
      sortKey: '0' + octets.map((o) => String(o).padStart(3, '0')).join('.'),
      port: 8886,
      status,
      rate: (i * 7919) % 100000,
      rateMax: 100000,
      rtt: i % 13 === 0 ? null : (i % 50) + 1,
      queue: i % 11,
      owner: ['demo', 'bob', 'ops'][i % 3],
      error: status === 'error' ? 'HostNotFound: no such host' : '',
      problem: '',
      userData: i % 4 === 0 ? [['team', teams[i % 3]], ['rack', 'r-' + (i % 20)]] : [],
    });
  }
  return rows;
};
`;

/** Posts every row as the extension does, and resolves with the time to the first frame with rows and to the whole list. */
const LOAD = `
(async (count) => {
  const t0 = performance.now();
  let firstPaint = 0;
  const painted = new Promise((resolve) => {
    const check = () => {
      if (document.querySelector('#grid .row:not([hidden])')) resolve((firstPaint = performance.now() - t0));
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  window.postMessage({ type: 'view', view: { columns: ['server', 'address', 'status', 'rate', 'rtt', 'queue', 'owner', 'error', 'userData.team'], sort: { column: 'address', descending: false }, filter: '' } }, '*');
  const part = 5000;
  for (let i = 0; i < count || i === 0; i += part) {
    const upserts = window.__makeRows(Math.min(part, count - i), i);
    window.postMessage({ type: 'rows', reset: i === 0, upserts, removed: [], done: i + part >= count }, '*');
    // The extension awaits each postMessage: the page may run between parts.
    await new Promise((r) => setTimeout(r, 0));
  }
  await painted;
  const want = count.toLocaleString('en-US') + ' destinations';
  await new Promise((resolve) => {
    const check = () => (document.getElementById('count').textContent.startsWith(want) && !document.getElementById('count').textContent.includes('loading') ? resolve() : requestAnimationFrame(check));
    check();
  });
  // One more frame: the one that shows the whole list.
  await new Promise((r) => requestAnimationFrame(() => r()));
  return { firstPaintMs: firstPaint, allRowsMs: performance.now() - t0 };
})
`;

/** Types a filter and resolves with the time until the frame after the count changed. */
const FILTER = `
(async (line) => {
  const input = document.getElementById('filter');
  const count = document.getElementById('count');
  const before = count.textContent;
  const t0 = performance.now();
  input.value = line;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise((resolve) => {
    const check = () => (count.textContent !== before ? requestAnimationFrame(() => resolve()) : requestAnimationFrame(check));
    requestAnimationFrame(check);
  });
  return performance.now() - t0;
})
`;

const SCROLL = `
(async (ms) => {
  const grid = document.getElementById('grid');
  const canvas = grid.querySelector('.canvas');
  let frames = 0;
  let longest = 0;
  let maxRows = 0;
  const t0 = performance.now();
  let last = t0;
  await new Promise((resolve) => {
    const step = (now) => {
      frames++;
      longest = Math.max(longest, now - last);
      last = now;
      maxRows = Math.max(maxRows, canvas.childElementCount);
      grid.scrollTop += 240;
      if (now - t0 < ms) requestAnimationFrame(step);
      else resolve();
    };
    requestAnimationFrame(step);
  });
  return { fps: (frames * 1000) / (performance.now() - t0), longest, maxRows, scrollTop: grid.scrollTop };
})
`;

export async function defineRowMaker(panel: PanelPage): Promise<void> {
  await panel.page.evaluate(MAKE_ROWS);
}

export async function loadRows(panel: PanelPage, count: number): Promise<{ firstPaintMs: number; allRowsMs: number }> {
  await defineRowMaker(panel);
  return panel.page.evaluate(`${LOAD}(${count})`) as Promise<{ firstPaintMs: number; allRowsMs: number }>;
}

export async function typeFilter(panel: PanelPage, line: string): Promise<number> {
  return panel.page.evaluate(`${FILTER}(${JSON.stringify(line)})`) as Promise<number>;
}

export async function scrollFor(
  panel: PanelPage,
  ms: number,
): Promise<{ fps: number; longest: number; maxRows: number; scrollTop: number }> {
  return panel.page.evaluate(`${SCROLL}(${ms})`) as Promise<{ fps: number; longest: number; maxRows: number; scrollTop: number }>;
}

const round = (v: number) => Math.round(v * 10) / 10;

export async function measureTable(panel: PanelPage, rows = 100_000): Promise<TableFigures> {
  const load = await loadRows(panel, rows);
  // The words filter after the page had its idle time to make the rows' search text.
  await panel.page.waitForTimeout(1500);
  const filterMs = await typeFilter(panel, 'status:error');
  const filterWordsMs = await typeFilter(panel, 'backup');
  await typeFilter(panel, '');
  const scroll = await scrollFor(panel, 2000);
  return {
    rows,
    firstPaintMs: round(load.firstPaintMs),
    allRowsMs: round(load.allRowsMs),
    filterMs: round(filterMs),
    filterWordsMs: round(filterWordsMs),
    scrollFps: round(scroll.fps),
    longestFrameMs: round(scroll.longest),
    maxDomRows: scroll.maxRows,
  };
}

async function main(): Promise<void> {
  const { Harness } = await import('./harness');
  const harness = await Harness.start();
  try {
    const panel = await harness.openTable({ width: 1280, height: 800 });
    const figures = await measureTable(panel, Number(process.argv[2] ?? 100_000));
    console.log(JSON.stringify(figures));
  } finally {
    await harness.close();
  }
}

if (process.argv[1]?.endsWith('tablePerf.ts'))
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
