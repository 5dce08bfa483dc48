/**
 * The destinations table's page in Chromium, in the very HTML its panel sets: 100,000 rows with only
 * those in view in the DOM (with the figures: first paint, filter, frames while scrolling), sorting by
 * a header, filtering with every term, selection with the mouse and the keys, the actions it posts, the
 * column chooser, revealing a row, hostile text kept as text, and how it looks in every theme.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { formatRate } from '../../src/model/format';
import type { TableRow } from '../../src/model/table';
import { HOSTILE_STRINGS } from '../fixtures/hostile';
import { Harness, root, type PanelPage, type Posted } from './harness';
import { THEMES, type ThemeName } from './themes';
import { defineRowMaker, loadRows, measureTable, typeFilter } from './tablePerf';

const shots = path.join(root, 'test-results/screenshots');
mkdirSync(shots, { recursive: true });

let harness: Harness;
let panel: PanelPage;

before(async () => {
  harness = await Harness.start();
});
after(() => harness?.close());
afterEach(async () => {
  assert.deepEqual(panel.errors, [], 'no error on the page');
  await panel.page.close();
});

/** After the page's next frame, when what was just done is drawn. */
const frame = () => panel.page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
const count = async () => {
  await frame();
  return panel.text('#count');
};
const shownKeys = () =>
  panel.page.$$eval('#grid .row:not([hidden])', (rows) =>
    rows
      .map((r) => ({ i: Number(r.getAttribute('aria-rowindex')), text: r.children[1]?.textContent ?? '' }))
      .sort((a, b) => a.i - b.i)
      .map((r) => r.text),
  );
const posted = async (type: string): Promise<Posted[]> => (await panel.posted()).filter((m) => m.type === type);
const row = (i: number) => panel.page.locator(`#grid .row[aria-rowindex="${i + 2}"]`);

/** A row's recent send rate as the extension would answer: a slow wave, and a gap at the start for every fifth row (it came late). */
const ratesOf = (n: number) =>
  Array.from({ length: 60 }, (_, i) =>
    n % 5 === 0 && i < 15 ? null : Math.round(20_000 + 15_000 * Math.sin((i + n * 7) / 6) + ((n * 7919) % 40_000)),
  );

/** Waits for the page's request number `index` for the history of the rows in view, and answers it; the rows asked for. */
async function answerHistory(index = 0): Promise<number[]> {
  let asked: Posted[] = [];
  for (let i = 0; i < 60 && asked.length <= index; i++) {
    await panel.page.waitForTimeout(50);
    asked = await posted('history');
  }
  const rows = asked[index]?.rows as number[] | undefined;
  assert.ok(rows?.length, 'the page asks for the history of the rows in view');
  await panel.post({ type: 'history', spanMs: 300_000, series: rows.map((n) => ({ n, rates: ratesOf(n) })) });
  await frame();
  return rows;
}

async function small(n = 300): Promise<void> {
  panel = await harness.openTable({ width: 1400, height: 700 });
  await loadRows(panel, n);
}

describe('the destinations table with 100,000 rows', () => {
  it('paints the first rows at once, keeps only rows in view in the DOM while scrolling, and filters within frames', async () => {
    panel = await harness.openTable({ width: 1280, height: 800 });
    const f = await measureTable(panel, 100_000);
    console.log(
      `table, 100,000 rows in Chromium: first paint ${f.firstPaintMs} ms (all rows in ${f.allRowsMs} ms), filter status:error ${f.filterMs} ms, words ${f.filterWordsMs} ms, scrolling ${f.scrollFps} frames/s (longest frame ${f.longestFrameMs} ms), at most ${f.maxDomRows} row elements`,
    );
    writeFileSync(path.join(root, 'test-results/table-figures.json'), `${JSON.stringify(f, null, 2)}\n`);
    assert.ok(f.maxDomRows < 100, `${f.maxDomRows} row elements in the DOM`);
    assert.ok(f.firstPaintMs < 5000, `first paint ${f.firstPaintMs} ms`);
    // Bounds for a busy 2-core machine; the figures above are what it did.
    assert.ok(f.filterMs < 1000 && f.filterWordsMs < 1000, `filter ${f.filterMs} / ${f.filterWordsMs} ms`);
    assert.ok(f.scrollFps > 10, `${f.scrollFps} frames/s`);
    assert.match(await count(), /^100,000 destinations$/);
    assert.ok((await panel.page.locator('#grid').getAttribute('aria-rowcount')) === '100001');
  });
});

describe('the destinations table', () => {
  it('says it is ready, counts, and sorts by a header click in both directions', async () => {
    await small();
    assert.deepEqual((await panel.posted())[0], { type: 'ready' });
    assert.equal(await count(), '300 destinations');
    assert.deepEqual((await shownKeys()).slice(0, 3), ['10.0.0.0:8886', '10.0.0.1:8886', '10.0.0.2:8886']);
    assert.equal(await panel.page.locator('[role=columnheader][aria-sort="ascending"]').innerText(), 'Address:port\n▲');
    await panel.page.click('button.sort[data-column="rate"]');
    await panel.page.waitForTimeout(400);
    const rates = await panel.page.$$eval('#grid .row:not([hidden])', (rows) =>
      rows
        .sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')))
        .map((r) => r.querySelector('.rate span')?.textContent ?? ''),
    );
    const values = rates.map((t) => parseFloat(t));
    assert.deepEqual(
      values,
      [...values].sort((a, b) => b - a),
      'highest rate first',
    );
    assert.equal(await panel.page.locator('[role=columnheader][aria-sort="descending"] .title').innerText(), 'Send rate / max');
    const view = (await posted('view')).pop();
    assert.deepEqual((view?.view as { sort: unknown }).sort, { column: 'rate', descending: true }, 'the sort is remembered');
    await panel.page.click('button.sort[data-column="rate"]');
    await panel.page.waitForTimeout(50);
    assert.equal(await panel.page.locator('[role=columnheader][aria-sort="ascending"] .title').innerText(), 'Send rate / max');
  });

  it('draws a sparkline of the recent send rate in each row in view, asked for as rows come into view, with its figures in words', async () => {
    await small();
    const rows = await answerHistory();
    const inView = await panel.page.$$eval('#grid .row:not([hidden])', (els) =>
      els.filter((el) => el.getBoundingClientRect().top < window.innerHeight).map((el) => Number(el.getAttribute('data-n'))),
    );
    assert.ok(rows.length <= 40 && rows.length >= inView.length - 2, `${rows.length} rows asked for, ${inView.length} in view`);
    assert.equal(rows[0], 1, 'the top row first');
    const spark = row(0).locator('.cell.rate svg.spark');
    const values = ratesOf(1).filter((v) => v !== null);
    assert.equal(await spark.getAttribute('role'), 'img');
    assert.equal(
      await spark.getAttribute('aria-label'),
      `Send rate over the last 5 minutes: min ${formatRate(Math.min(...values))}, max ${formatRate(Math.max(...values))}`,
    );
    assert.notEqual(await spark.locator('path.line').getAttribute('d'), '');
    // A row not asked about yet has no chart, and says nothing.
    const below = row(rows.length + 2).locator('.cell.rate svg.spark');
    assert.equal(await below.getAttribute('aria-label'), null);
    assert.equal(await below.getAttribute('aria-hidden'), 'true');
    // Scrolled: the page asks for the rows now in view, once the scroll stops.
    await panel.page.locator('#grid').evaluate((g) => (g.scrollTop = 24 * 100));
    const next = await answerHistory(1);
    assert.equal(next[0], 101);
    assert.match(
      (await row(100).locator('.cell.rate svg.spark').getAttribute('aria-label')) ?? '',
      /^Send rate over the last 5 minutes: min /,
    );
  });

  it('keeps a live sort in place while numbers move, and sorts again on Refresh', async () => {
    await small(20);
    await panel.page.click('button.sort[data-column="queue"]');
    await panel.page.waitForTimeout(50);
    const before = await shownKeys();
    // The last row's queue grows past every other: it stays where it is until the order is made again.
    const last = before[before.length - 1]!;
    const n = Number(last.split('.')[3]!.split(':')[0]) + 1;
    const changed = await panel.page.evaluate(
      `(() => { const r = window.__makeRows(1, ${n - 1})[0]; r.queue = 1000; window.postMessage({ type: 'rows', reset: false, upserts: [r], removed: [], done: true }, '*'); return r.address; })()`,
    );
    await panel.page.waitForTimeout(50);
    assert.deepEqual(await shownKeys(), before, 'no row moved');
    assert.equal(changed, last);
    await panel.page.click('#refresh');
    await panel.page.waitForTimeout(50);
    assert.equal((await shownKeys())[0], last, 'sorted again: the longest queue first');
    assert.equal((await posted('refresh')).length, 1);
    await panel.post({ type: 'resort' });
  });

  it('filters with the tree terms, server: and userData.KEY:VALUE, says what is wrong, and clears', async () => {
    await small();
    await typeFilter(panel, 'server:server-2');
    assert.equal(await count(), '60 of 300 destinations');
    await typeFilter(panel, 'userData.team:backup');
    assert.equal(await count(), '25 of 300 destinations');
    await typeFilter(panel, 'status:error owner:demo');
    assert.equal(await count(), '2 of 300 destinations');
    await panel.page.fill('#filter', 'status:sleepy');
    await panel.page.waitForTimeout(50);
    assert.match(await panel.text('#filter-error'), /unknown status "sleepy"/);
    assert.equal(await panel.page.locator('#filter').getAttribute('aria-invalid'), 'true');
    assert.equal(await count(), '2 of 300 destinations', 'the last filter that read stays');
    await typeFilter(panel, 'nothing-matches-this');
    assert.equal(await panel.text('#empty p'), 'No destination matches the filter.');
    await panel.page.click('#empty button');
    await panel.page.waitForTimeout(50);
    assert.equal(await count(), '300 destinations');
    assert.equal(await panel.page.locator('#filter').inputValue(), '');
  });

  it('selects with clicks, Shift and Ctrl, and with arrows, Shift+arrows, Space and Ctrl+A; every action from the keyboard', async () => {
    await small();
    await row(2).click();
    await row(5).click({ modifiers: ['Shift'] });
    await row(8).click({ modifiers: ['Control'] });
    assert.match(await count(), /· 5 selected$/);
    assert.equal(await panel.page.locator('#grid .row[aria-selected="true"]').count(), 5);
    await panel.page.click('#action-delete');
    const del = (await posted('delete')).pop()!;
    assert.equal((del.rows as number[]).length, 5);
    // Keyboard: back in the grid, arrows move and select, Shift extends, Ctrl moves the focus alone.
    await panel.page.focus('#grid');
    await panel.page.keyboard.press('ArrowDown');
    assert.match(await count(), /· 1 selected$/);
    await panel.page.keyboard.press('Shift+ArrowDown');
    await panel.page.keyboard.press('Shift+ArrowDown');
    assert.match(await count(), /· 3 selected$/);
    await panel.page.keyboard.press('Control+ArrowDown');
    await panel.page.keyboard.press('Control+ArrowDown');
    await panel.page.keyboard.press('Space');
    assert.match(await count(), /· 4 selected$/);
    await panel.page.keyboard.press('F2');
    assert.equal(((await posted('setUserData')).pop()!.rows as number[]).length, 4);
    await panel.page.keyboard.press('Shift+F2');
    assert.equal(((await posted('removeUserData')).pop()!.rows as number[]).length, 4);
    await panel.page.keyboard.press('Delete');
    assert.equal(((await posted('delete')).pop()!.rows as number[]).length, 4);
    await panel.page.keyboard.press('Enter');
    await frame();
    const focused = await panel.page.locator('#grid .row.focused').getAttribute('data-n');
    assert.deepEqual((await posted('open')).pop(), { type: 'open', n: Number(focused) });
    await panel.page.keyboard.press('Control+a');
    assert.match(await count(), /· 300 selected$/);
    await panel.page.keyboard.press('Escape');
    assert.equal(await count(), '300 destinations');
    await panel.page.keyboard.press('End');
    await frame();
    assert.equal(await panel.page.locator('#grid .row.focused').getAttribute('aria-rowindex'), '301', 'End goes to the last row');
    // A double click opens.
    await row(299).dblclick();
    assert.equal((await posted('open')).length, 2);
    // Ctrl+F puts the keyboard in the filter; Arrow Down from there back in the grid.
    await panel.page.keyboard.press('Control+f');
    assert.equal(await panel.page.evaluate(() => document.activeElement?.id), 'filter');
    await panel.page.keyboard.press('ArrowDown');
    assert.equal(await panel.page.evaluate(() => document.activeElement?.id), 'grid');
  });

  it('keeps only rows still shown selected when a filter hides some', async () => {
    await small();
    await panel.page.focus('#grid');
    await panel.page.keyboard.press('Control+a');
    await typeFilter(panel, 'server:server-1');
    assert.equal(await count(), '60 of 300 destinations · 60 selected');
  });

  it('chooses columns: hides one, adds a userData key from the rows or typed, and remembers them', async () => {
    await small();
    await panel.page.click('#columns-button');
    assert.equal(await panel.page.locator('#columns-button').getAttribute('aria-expanded'), 'true');
    await panel.page.uncheck('#columns input[data-column="owner"]');
    await panel.page.check('#columns input[data-column="userData.rack"]');
    await panel.page.fill('#add-column', 'ticket');
    await panel.page.keyboard.press('Enter');
    const headers = await panel.page.locator('.head .title').allInnerTexts();
    assert.deepEqual(headers, [
      'Server',
      'Address:port',
      'Status',
      'Send rate / max',
      'Round trip',
      'Queued',
      'Last error',
      'userData team',
      'userData rack',
      'userData ticket',
    ]);
    await panel.page.waitForTimeout(400);
    const view = (await posted('view')).pop()!.view as { columns: string[] };
    assert.deepEqual(view.columns.slice(-3), ['userData.team', 'userData.rack', 'userData.ticket']);
    assert.equal(await row(0).locator('.cell').nth(8).innerText(), 'r-0');
    await panel.page.keyboard.press('Escape');
    assert.equal(await panel.page.locator('#columns').isHidden(), true);
    assert.equal(await panel.page.evaluate(() => document.activeElement?.id), 'columns-button');
  });

  it('reveals a row it is asked to, clearing a filter that hides it', async () => {
    await small(5000);
    await typeFilter(panel, 'server:server-0');
    await panel.post({ type: 'reveal', n: 4002 });
    await panel.page.waitForTimeout(100);
    assert.equal(await count(), '5,000 destinations · 1 selected');
    const selected = panel.page.locator('#grid .row.selected');
    assert.equal(await selected.getAttribute('data-n'), '4002');
    assert.equal(await selected.isVisible(), true);
    assert.equal(await panel.page.evaluate(() => document.activeElement?.id), 'grid');
  });

  it('shows hostile text as text, and drops messages that do not fit the protocol', async () => {
    panel = await harness.openTable();
    await defineRowMaker(panel);
    const rows: TableRow[] = HOSTILE_STRINGS.map((s, i) => ({
      n: i + 1,
      server: s.slice(0, 50),
      key: `h-${i}`,
      address: s.slice(0, 300),
      sortKey: `2${i}`,
      port: 8886,
      status: 'error',
      rate: 1,
      rateMax: 2,
      rtt: null,
      queue: 0,
      owner: s.slice(0, 100),
      error: s.slice(0, 500),
      problem: '',
      userData: [['team', s.slice(0, 100)]],
    }));
    await panel.post({ type: 'rows', reset: true, upserts: rows, removed: [], done: true });
    await panel.post({ type: 'rows', reset: false, upserts: [{ n: 999, server: 'x' }], removed: [], done: true });
    await panel.post({ type: 'bogus' });
    assert.equal(await count(), `${HOSTILE_STRINGS.length} destinations`, 'the half row was dropped');
    assert.equal(await panel.page.evaluate(() => document.querySelectorAll('#grid img, #grid script, #grid a').length), 0);
    assert.equal(await panel.page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned), undefined);
    const shown = await panel.page.$$eval('#grid .row:not([hidden]) .cell:nth-child(2)', (cells) => cells.map((c) => c.textContent));
    assert.ok(shown.some((t) => t?.includes('<img')) || shown.some((t) => t?.includes('<script')), 'markup shown as text');
  });

  for (const theme of Object.keys(THEMES) as ThemeName[])
    it(`looks native in ${theme}`, async () => {
      panel = await harness.openTable({ theme, width: 1400, height: 520 });
      await loadRows(panel, 400);
      await answerHistory();
      await row(2).click();
      await row(4).click({ modifiers: ['Shift'] });
      await row(7).click({ modifiers: ['Control'] });
      // The pointer off the rows, and the frame that draws the last click.
      await panel.page.mouse.move(700, 10);
      await frame();
      await panel.page.screenshot({ path: path.join(shots, `table-${theme}.png`) });
      if (theme === 'dark') await panel.page.screenshot({ path: path.join(root, 'docs/table.png') });
      const selected = await row(2).evaluate((r) => getComputedStyle(r).backgroundColor);
      const plain = await row(1).evaluate((r) => getComputedStyle(r).backgroundColor);
      if (theme.startsWith('high-contrast')) {
        assert.match(await row(2).evaluate((r) => getComputedStyle(r).outlineStyle), /dashed|solid/);
      } else assert.notEqual(selected, plain, 'a selected row stands out');
      const error = row(0).locator('.cell.status');
      assert.equal(await error.innerText(), 'error');
      assert.equal(await error.locator('svg').count(), 1, 'an icon and words');
    });
});
