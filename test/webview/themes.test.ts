/**
 * The page in VS Code's themes and at panel widths from wide to narrow: plots that follow a theme
 * change, lanes told apart in high contrast, labels and values laid out on one grid, an automated
 * accessibility check (axe-core) in every theme, and the screenshots in docs/.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { destination, Harness, root, snapshot, type PanelPage } from './harness';
import { THEMES, type ThemeName } from './themes';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LANES = { interactive: 0.3, bulk: 0.35, backup: 0.15, media: 0.1 };

let harness: Harness;
const open: PanelPage[] = [];

before(async () => {
  harness = await Harness.start();
});
after(() => harness?.close());
afterEach(async () => {
  for (const p of open.splice(0)) {
    assert.deepEqual(p.errors, [], 'no error on the page');
    await p.page.close();
  }
});

async function panel(...args: Parameters<Harness['open']>): Promise<PanelPage> {
  const p = await harness.open(...args);
  open.push(p);
  return p;
}

/** Pixels of a canvas by exact colour, "r,g,b,a" → count. */
function canvasColours(page: Page, selector: string): Promise<Record<string, number>> {
  return page.locator(selector).evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const seen: Record<string, number> = {};
    for (let i = 0; i < data.length; i += 4) {
      if (!data[i + 3]) continue;
      const k = `${data[i]},${data[i + 1]},${data[i + 2]},${data[i + 3]}`;
      seen[k] = (seen[k] ?? 0) + 1;
    }
    return seen;
  });
}

/** "r,g,b,a" of a theme colour (#rrggbb or #rrggbbaa). */
function rgba(hex: string): string {
  const n = (i: number) => parseInt(hex.slice(i, i + 2), 16);
  return `${n(1)},${n(3)},${n(5)},${hex.length > 7 ? n(7) : 255}`;
}

function luminance([r, g, b]: number[]): number {
  const c = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * c(r!) + 0.7152 * c(g!) + 0.0722 * c(b!);
}

function contrast(a: number[], b: number[]): number {
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1! + 0.05) / (l2! + 0.05);
}

/** The r, g, b of a computed CSS colour. */
const channels = (css: string) => (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);

describe('themes and layout', () => {
  it('re-colours the plots when the theme changes: series, axis labels and grid', async () => {
    const p = await panel({ theme: 'dark' });
    await p.post(snapshot(destination()));
    await p.page.waitForTimeout(150);
    const dark = THEMES.dark.vars;
    const light = THEMES.light.vars;
    // Within 2 per channel: a canvas keeps colours premultiplied by alpha, so a translucent grid reads back rounded.
    const count = (seen: Record<string, number>, hex: string) => {
      const want = rgba(hex).split(',').map(Number);
      let n = 0;
      for (const [k, c] of Object.entries(seen)) if (k.split(',').every((v, i) => Math.abs(Number(v) - want[i]!) <= 2)) n += c;
      return n;
    };
    const before = await canvasColours(p.page, '#rate-chart canvas');
    const rttBefore = await canvasColours(p.page, '#rtt-chart canvas');
    assert.ok(count(before, dark['charts-blue']) > 100, 'average in the dark theme blue');
    assert.ok(count(before, dark['charts-red']) > 50, 'maximum in its red');
    assert.ok(count(rttBefore, dark['charts-green']) > 100, 'round trip in its green');
    assert.ok(count(before, dark['charts-foreground']) > 20, 'axis labels in the chart foreground');
    assert.ok(count(before, dark['charts-lines']) > 200, 'grid in the chart lines colour');
    assert.equal(count(before, light['charts-blue']), 0);

    await p.setTheme('light');
    const afterwards = await canvasColours(p.page, '#rate-chart canvas');
    const rttAfter = await canvasColours(p.page, '#rtt-chart canvas');
    assert.ok(count(afterwards, light['charts-blue']) > 100, 'average in the light theme blue');
    assert.ok(count(afterwards, light['charts-red']) > 50);
    assert.ok(count(rttAfter, light['charts-green']) > 100);
    assert.ok(count(afterwards, light['charts-foreground']) > 20, 'axis labels re-read');
    assert.ok(count(afterwards, light['charts-lines']) > 200, 'grid re-read');
    for (const k of ['charts-blue', 'charts-red', 'charts-foreground', 'charts-lines'] as const)
      assert.equal(count(afterwards, dark[k]), 0, `no ${k} of the dark theme left`);
    const key = await p.page
      .locator('#rate-chart-legend .legend-key')
      .first()
      .evaluate((el) => getComputedStyle(el).borderTopColor);
    assert.deepEqual(channels(key), channels(`rgb(${rgba(light['charts-blue'])})`), 'the legend key too');
  });

  for (const theme of ['high-contrast', 'high-contrast-light'] as const) {
    it(`tells every priority lane apart in ${theme}: visible colours, patterns and outlines`, async () => {
      const p = await panel({ theme });
      await p.post(snapshot(destination({ priorityLanes: { a: 0.15, b: 0.15, c: 0.15, d: 0.15, e: 0.15, f: 0.15 } })));
      const lanes = await p.page.locator('.lane-bar .lane:not(.lane-free)').evaluateAll((els) =>
        els.map((el) => {
          const s = getComputedStyle(el);
          return { colour: s.backgroundColor, pattern: s.backgroundImage, outline: s.boxShadow };
        }),
      );
      assert.equal(lanes.length, 6);
      const background = channels(`rgb(${rgba(THEMES[theme].vars['editor-background'])})`);
      for (const [i, lane] of lanes.entries()) {
        const ratio = contrast(channels(lane.colour), background);
        assert.ok(ratio >= 3, `lane ${i} stands out from the background: ${lane.colour} at ${ratio.toFixed(2)}:1`);
        assert.match(lane.outline, /inset/, `lane ${i} outlined`);
      }
      assert.equal(new Set(lanes.map((l) => l.colour)).size, 6, 'six different colours');
      assert.equal(new Set(lanes.map((l) => l.pattern)).size, 6, 'six different patterns: colour is not the only signal');
      const list = p.page.getByRole('list', { name: 'Priority lanes' });
      assert.match(await list.innerText(), /a: 15 %[\s\S]*f: 15 %[\s\S]*unassigned: 10 %/, 'and the lanes as a list of text');
    });
  }

  it('aligns labels and values on one grid across all sections when wide', async () => {
    const p = await panel({ width: 1100 });
    await p.post(snapshot(destination()));
    const rows = await p.page.locator('.sections .field').evaluateAll((fields) =>
      fields
        .map((f) => {
          const dt = f.querySelector('dt')!.getBoundingClientRect();
          const dd = f.querySelector('dd')!.getBoundingClientRect();
          return { dtLeft: dt.left, dtTop: dt.top, ddLeft: dd.left, ddTop: dd.top, shown: dt.height > 0 };
        })
        .filter((r) => r.shown),
    );
    assert.ok(rows.length > 30);
    assert.equal(new Set(rows.map((r) => Math.round(r.ddLeft))).size, 1, 'one value column for every section');
    assert.equal(new Set(rows.map((r) => Math.round(r.dtLeft))).size, 1);
    for (const r of rows) assert.ok(Math.abs(r.ddTop - r.dtTop) < 6, 'label beside its value');
  });

  it('puts labels above values at 400 px, with nothing wider than the panel', async () => {
    const p = await panel({ width: 400 });
    await p.post(snapshot(destination()));
    const rows = await p.page.locator('.sections .field').evaluateAll((fields) =>
      fields.map((f) => {
        const dt = f.querySelector('dt')!.getBoundingClientRect();
        const dd = f.querySelector('dd')!.getBoundingClientRect();
        return { dtLeft: dt.left, dtBottom: dt.bottom, ddLeft: dd.left, ddTop: dd.top, shown: dt.height > 0 };
      }),
    );
    const shown = rows.filter((r) => r.shown);
    assert.ok(shown.length > 30);
    for (const r of shown) {
      assert.ok(r.ddTop >= r.dtBottom - 1, `value below its label (${r.dtBottom} → ${r.ddTop})`);
      assert.ok(Math.abs(r.ddLeft - r.dtLeft) < 1, 'both on the left edge');
    }
    assert.ok((await p.page.evaluate(() => document.documentElement.scrollWidth)) <= 400, 'no sideways scrolling');
  });

  it('never wraps a value in the middle of a word at 680 px', async () => {
    const p = await panel({ width: 680 });
    await p.post(snapshot(destination({ userData: { team: 'media and broadcast operations', ticket: 'OPS-42 escalated to networking' } })));
    const { words, broken } = await p.page.evaluate(() => {
      const out = { words: 0, broken: [] as string[] };
      for (const el of document.querySelectorAll('[data-field], td.key, td.value, td.value > *')) {
        const node = el.firstChild;
        if (!(node instanceof Text)) continue;
        for (const m of node.data.matchAll(/\S+/g)) {
          const r = document.createRange();
          r.setStart(node, m.index);
          r.setEnd(node, m.index + m[0].length);
          out.words++;
          if (new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1) out.broken.push(m[0]);
        }
      }
      return out;
    });
    assert.ok(words > 80, `every value looked at (${words} words)`);
    assert.deepEqual(broken, []);
  });

  for (const theme of ['light', 'dark', 'high-contrast', 'high-contrast-light'] as ThemeName[]) {
    it(`has no serious or critical accessibility violation (axe-core) in ${theme}`, async () => {
      const p = await panel({ theme });
      await p.post(
        snapshot(destination({ priorityLanes: LANES }), {
          liveness: 'unreachable',
          problem: 'connect ECONNREFUSED 127.0.0.1:18886.',
          problems: [{ field: 'sendRateMax', message: 'expected number, received string' }],
        }),
      );
      const page = p.page;
      // Every kind of control and message on screen: an edit open, an error shown, Raw JSON open.
      await page.locator('tr[data-key="team"] button', { hasText: 'Edit' }).click();
      await page.locator('tfoot button', { hasText: 'Add' }).click();
      await page.locator('#raw-details summary').click();
      await page.evaluate(axeSource);
      const results = await page.evaluate(() =>
        (
          window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }
        ).axe.run(),
      );
      const grave = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      assert.deepEqual(grave, []);
    });
  }

  for (const [theme, file, width] of [
    ['light', 'details-light.png', 1100],
    ['dark', 'details-dark.png', 1100],
    ['high-contrast', 'details-high-contrast.png', 1100],
    ['dark', 'details-narrow.png', 400],
  ] as const) {
    it(`screenshot: ${file}`, async () => {
      const p = await panel({ theme, width });
      await p.post(snapshot(destination({ priorityLanes: LANES, userData: { team: 'media', ticket: 'OPS-42', retries: 3 } })));
      await p.page.waitForTimeout(300);
      await p.page.screenshot({ path: path.join(root, 'docs', file), fullPage: true });
    });
  }
});
