// The habits of a person using the view and the panel for a while, in the packaged extension in code-server:
// the view's title-bar Filter, Clear Filter and Sort buttons, addresses in natural order, a tooltip held over a
// row whose numbers move every second, a half-typed userData entry across a tab switch, a theme change with a
// panel open, and the panel at about 400 px wide.
/* global document, getComputedStyle -- page.evaluate bodies run in the browser */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  editorTab,
  hoverWidget,
  openBrowser,
  openViewContainer,
  quickInput,
  quickInputRows,
  runCommand,
  screenshot,
  startCodeServer,
  startSimulator,
  treeRows,
  treeViewMessage,
  viewTitleAction,
  waitUntil,
  webviewFrame,
} from './harness.mjs';

// Addresses a plain string sort gets wrong (it puts 10.0.0.100 before 10.0.0.17 before 10.0.0.5, rx-10 before rx-2).
const NATURAL = ['10.0.0.5', '10.0.0.17', '10.0.0.100', 'rx-2.example.com', 'rx-10.example.com'];
// Never resolves on the simulator: in error within two snapshots, and last by address.
const BROKEN = 'zz-down.invalid';
// The destination whose details panel the panel tests use.
const PANEL = 'habits-panel.example.com';

let sim;
let codeServer;
let browser;
let page;

before(async () => {
  // A snapshot every second, as a real server: rates and queues move while the tests look.
  sim = await startSimulator(['--destinations', '8', '--seed', '11', '--tick-ms', '1000']);
  for (const destinationAddress of [...NATURAL, BROKEN]) await sim.api('send.createDestination', { destinationAddress });
  await sim.api('send.createDestination', { destinationAddress: PANEL, sendRateMax: 80000, userData: { team: 'media' } });
  codeServer = await startCodeServer({ settings: { 'jetstream.servers': [{ name: 'Demo', url: sim.url }] } });
  ({ page, close: browser } = await openBrowser(codeServer.url));
  await openViewContainer(page, 'JetStream');
  await treeRows(page, PANEL).waitFor({ timeout: 30000 });
});

after(async () => {
  await browser?.();
  await codeServer?.stop();
  await sim?.stop();
});

/** The destination rows under the server (level 2), as their labels, top to bottom. */
const destinationLabels = () => page.locator('.pane-body .monaco-list-row[aria-level="2"] .label-name').allInnerTexts();

/** A destination's row by its exact label (`rx-2.example.com` is not `rx-2.vfx.example.com`). */
const destinationRow = (label) =>
  page.locator('.pane-body .monaco-list-row[aria-level="2"]', { has: page.locator('.label-name').getByText(label, { exact: true }) });

/** Picks `label` in the quick pick that is open, typing it first (long lists only render the rows in view);
 *  resolves with every row's text as it was shown before. */
async function pick(label) {
  await quickInputRows(page).first().waitFor({ timeout: 10000 });
  const shown = await quickInputRows(page).allInnerTexts();
  await quickInput(page).locator('input').fill(label);
  const row = quickInputRows(page).filter({ has: page.locator('.label-name').getByText(label, { exact: true }) });
  await row.waitFor({ timeout: 10000 });
  await row.click();
  await quickInput(page).waitFor({ state: 'hidden', timeout: 10000 });
  return shown;
}

async function sortBy(label) {
  await viewTitleAction(page, 'Sort Destinations By…').click();
  return pick(label);
}

describe('habits: the view and the panel as a person uses them', () => {
  it('lists addresses in natural order: 10.0.0.5 before 10.0.0.17, rx-2 before rx-10', async () => {
    // Every destination is listed once all have arrived (8 generated + ours).
    const total = (await sim.api('send.getDestinations')).length;
    const labels = await waitUntil(
      async () => {
        const l = await destinationLabels();
        return l.length === total && l;
      },
      { timeout: 20000, message: `${total} destination rows` },
    );
    const at = (label) => {
      const i = labels.indexOf(label);
      assert.ok(i >= 0, `${label} is listed, without :8886 (rows: ${labels.join(', ')})`);
      return i;
    };
    assert.ok(at('10.0.0.5') < at('10.0.0.17') && at('10.0.0.17') < at('10.0.0.100'), `IPv4 by number: ${labels.join(', ')}`);
    assert.ok(at('rx-2.example.com') < at('rx-10.example.com'), `numbers in names as numbers: ${labels.join(', ')}`);
    // The whole list as a person orders it (numbers compared as numbers), which is not the plain string order.
    const natural = [...labels].sort(new Intl.Collator('en', { numeric: true }).compare);
    assert.deepEqual(labels, natural);
    assert.notDeepEqual(labels, [...labels].sort(), 'the plain string order differs, so this test tells them apart');
    await screenshot(page, 'habits-natural-sort');
  });

  it('filters, clears the filter and sorts from the view title bar', async () => {
    const total = (await sim.api('send.getDestinations')).length;
    await destinationRow(BROKEN).locator('.codicon-error').waitFor({ timeout: 20000 }); // the one problem is in error

    // Filter: the funnel button asks for the filter in an input box.
    await viewTitleAction(page, 'Filter Destinations…').click();
    const input = quickInput(page).locator('input');
    await input.waitFor({ timeout: 10000 });
    await input.fill('status:connected');
    await page.keyboard.press('Enter');
    const message = treeViewMessage(page);
    await message.filter({ hasText: 'Filtered: status:connected' }).waitFor({ timeout: 10000 });
    const [, shown, of] = /^Filtered: status:connected — (\d+) of (\d+)$/.exec((await message.innerText()).trim()) ?? [];
    assert.equal(Number(of), total, `"of" counts every destination: ${await message.innerText()}`);
    assert.ok(Number(shown) >= 1 && Number(shown) < total, `"N" counts the connected ones: ${await message.innerText()}`);
    // A row above the servers says so (and clears it); the server follows with only the connected destinations.
    const rows = treeRows(page);
    assert.match(await rows.nth(0).innerText(), /^Filtered: status:connected/);
    assert.equal(await rows.nth(0).locator('.codicon-filter').count(), 1, 'the filter row has the funnel icon');
    assert.match(await rows.nth(1).innerText(), /^Demo/, 'the server row comes after the filter row');
    await waitUntil(async () => (await destinationLabels()).length === Number(shown), { message: `${shown} rows shown` });
    assert.equal(await destinationRow(BROKEN).count(), 0, 'the destination in error is filtered out');
    const connected = await page.locator('.pane-body .monaco-list-row[aria-level="2"] .codicon-pass-filled').count();
    assert.equal(connected, Number(shown), 'every row shown has the connected icon');
    await page.mouse.move(700, 600); // the title action's own tooltip would cover the message
    await screenshot(page, 'habits-filtered');

    // Clear Filter takes the funnel's place in the title bar; the message and the filter row go.
    await viewTitleAction(page, 'Clear Filter').click();
    await message.filter({ hasText: 'Filtered' }).waitFor({ state: 'detached', timeout: 10000 });
    await treeRows(page, 'Filtered:').waitFor({ state: 'detached', timeout: 10000 });
    await destinationRow(BROKEN).waitFor({ timeout: 10000 });
    assert.equal((await destinationLabels()).length, total, 'every destination back');
    await viewTitleAction(page, 'Filter Destinations…').waitFor({ timeout: 10000 });

    // Sort: the quick pick marks the order in use; the view's message names any order but the default.
    const offered = await sortBy('Problems first');
    assert.ok(
      offered.some((t) => /^Address\s*in use$/.test(t)),
      `Address is marked in use: ${offered.join(' | ')}`,
    );
    await message.filter({ hasText: /^Sorted by problems first$/ }).waitFor({ timeout: 10000 });
    await waitUntil(async () => (await destinationLabels())[0] === BROKEN, { message: `${BROKEN} first` });
    await page.mouse.move(700, 600);
    await screenshot(page, 'habits-sorted-problems-first');

    // Back to the default: the message goes, and the broken one is last again.
    const again = await sortBy('Address');
    assert.ok(
      again.some((t) => /^Problems first\s*in use$/.test(t)),
      `Problems first is marked in use: ${again.join(' | ')}`,
    );
    await message.filter({ hasText: 'Sorted by' }).waitFor({ state: 'detached', timeout: 10000 });
    await waitUntil(async () => (await destinationLabels()).at(-1) === BROKEN, { message: `${BROKEN} last` });
  });

  it('keeps a tooltip open while the pointer rests on a row whose numbers move', async () => {
    // A connected destination with transfers queued: its rate moves with every snapshot for a while yet.
    const busy = await waitUntil(
      async () =>
        (await sim.api('send.getDestinations'))
          .filter((d) => d.encryptedConnectionState === 'connected' && d.numTransfersQueued >= 2 && !d.destinationAddress.includes(':'))
          .sort((a, b) => b.numTransfersQueued - a.numTransfersQueued)[0],
      { timeout: 30000, message: 'a busy connected destination' },
    );
    const address = busy.destinationAddress;
    // VS Code asks for a row's tooltip 500 ms after the pointer enters it; a repaint of the row before then cancels it
    // until the pointer moves again, and this row repaints every second. So, like a hand that settles, the pointer
    // moves between the row's label and its numbers until the tooltip shows; from then on it stays perfectly still.
    const row = destinationRow(address);
    const tooltip = hoverWidget(page, address);
    await waitUntil(
      async () => {
        for (const part of ['.label-name', '.label-description']) {
          await row.locator(part).hover();
          if (
            await tooltip.waitFor({ timeout: 1500 }).then(
              () => true,
              () => false,
            )
          )
            return true;
        }
      },
      { timeout: 30000, interval: 0, message: `the tooltip of ${address}` },
    );
    const shownAt = Date.now();
    // Keep the pointer still for 4 s: the tooltip must stay, the very same element (not closed and opened again).
    const element = await tooltip.elementHandle();
    const rates = new Set();
    while (Date.now() - shownAt < 4000) {
      const d = (await sim.api('send.getDestinations')).find((x) => x.destinationId === busy.destinationId);
      rates.add(`${d.sendRateAverage} ${d.numTransfersQueued}`);
      assert.ok(await element.isVisible(), `tooltip still shown after ${Date.now() - shownAt} ms`);
      await page.waitForTimeout(100);
    }
    assert.ok(await element.evaluate((el) => el.isConnected), 'the same tooltip, never closed');
    assert.ok(rates.size > 1, `the numbers moved meanwhile: ${[...rates].join(', ')}`);
    await screenshot(page, 'habits-tooltip-held', { settleMs: 0 });
    // Away, and the tooltip gone: it would take the next test's click.
    await page.mouse.move(700, 600);
    await page.keyboard.press('Escape');
    await tooltip.waitFor({ state: 'hidden', timeout: 10000 });
  });

  it('keeps a half-typed userData entry in the panel across a tab switch', async () => {
    // A double click keeps the panel: a single click would open a preview tab that the next editor replaces.
    // The row repaints as its numbers move (every second here), and a click that lands on the element being
    // replaced is lost, so a person double-clicks again: so does the test, a few times at most.
    const tab = editorTab(page, PANEL);
    await waitUntil(
      async () => {
        await destinationRow(PANEL).locator('.label-name').dblclick();
        return tab.waitFor({ timeout: 5000 }).then(
          () => true,
          () => false,
        );
      },
      { timeout: 30000, message: `the panel of ${PANEL} open` },
    );
    const panel = webviewFrame(page);
    await panel.locator('[data-field="sendRateMax"]').filter({ hasText: '80 Mbit/s' }).waitFor({ timeout: 30000 });
    await panel.getByRole('textbox', { name: 'New key' }).pressSequentially('ticket');
    await panel.getByRole('textbox', { name: 'New value' }).pressSequentially('OPS-4');

    // Another editor in front: the panel's page is hidden (VS Code may drop it and load it again on return).
    await runCommand(page, 'File: New Untitled Text File');
    await editorTab(page, 'Untitled-1').and(page.locator('.tab.active')).waitFor({ timeout: 10000 });
    await tab.waitFor({ timeout: 5000 }); // still open
    await tab.click();
    await tab.and(page.locator('.tab.active')).waitFor({ timeout: 10000 });

    await panel.locator('[data-field="sendRateMax"]').waitFor({ timeout: 30000 });
    assert.equal(await panel.getByRole('textbox', { name: 'New key' }).inputValue(), 'ticket', 'the key typed');
    assert.equal(await panel.getByRole('textbox', { name: 'New value' }).inputValue(), 'OPS-4', 'the value typed so far');
    const d = (await sim.api('send.getDestinations')).find((x) => x.destinationAddress === PANEL);
    assert.deepEqual(d.userData, { team: 'media' }, 'nothing saved: the entry was only typed');
    await screenshot(page, 'habits-typed-after-tab-switch');
    // Not part of the theme screenshots that follow.
    await panel.getByRole('textbox', { name: 'New key' }).fill('');
    await panel.getByRole('textbox', { name: 'New value' }).fill('');
  });

  it('re-colours the open panel’s plots when the colour theme changes', async (t) => {
    const panel = webviewFrame(page);
    const chart = panel.locator('#rate-chart canvas').first();
    await chart.waitFor({ timeout: 20000 });
    await chart.scrollIntoViewIfNeeded();
    await page.mouse.move(1100, 18); // an empty spot of the title bar: no tab tooltip, no plot cursor
    let before;
    for (const [theme, kind, file] of [
      ['Light Modern', 'vscode-light', 'habits-theme-light'],
      ['Dark Modern', 'vscode-dark', 'habits-theme-dark'],
      ['Dark High Contrast', 'vscode-high-contrast', 'habits-theme-high-contrast'],
    ]) {
      await runCommand(page, 'Preferences: Color Theme');
      await pick(theme);
      await panel.locator(`body.${kind}`).waitFor({ timeout: 10000 });
      // The plot is drawn again in the new theme's colours: axis labels, grid and the maximum's line.
      const seen = await waitUntil(
        async () => {
          const s = await plotColours(chart, before?.colours);
          return s.counts.foreground > 20 && s.counts.lines > 100 && s.counts.red > 30 && s;
        },
        { timeout: 10000, message: `the plot in ${theme}'s colours` },
      );
      if (before) {
        assert.notEqual(seen.colours.foreground, before.colours.foreground, `${theme} has another chart foreground`);
        for (const [name, n] of Object.entries(seen.previous))
          assert.equal(n, 0, `no ${name} of the previous theme left in ${theme} (${before.colours[name]} → ${seen.colours[name]})`);
      }
      t.diagnostic(`${theme}: ${JSON.stringify(seen.colours)} → pixels ${JSON.stringify(seen.counts)}`);
      await screenshot(page, file);
      before = seen;
    }
  });

  it('reflows the panel at about 400 px: labels above values, nothing wider than the panel', async () => {
    const viewport = page.viewportSize();
    try {
      // The side bar closed and the window narrowed until the editor (where the panel is) is 400 px wide.
      await runCommand(page, 'View: Close Primary Side Bar');
      await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: 10000 });
      const editor = await page.locator('.part.editor').boundingBox();
      await page.setViewportSize({ width: Math.round(viewport.width - (editor.width - 400)), height: viewport.height });
      const panel = webviewFrame(page);
      const width = await waitUntil(
        async () => {
          const w = await panel.locator('html').evaluate((el) => el.clientWidth);
          return w > 350 && w <= 420 && w;
        },
        { timeout: 10000, message: 'the panel about 400 px wide' },
      );
      const layout = await panel.locator('html').evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        fields: [...document.querySelectorAll('.sections .field')]
          .map((f) => {
            const dt = f.querySelector('dt').getBoundingClientRect();
            const dd = f.querySelector('dd').getBoundingClientRect();
            return {
              label: f.querySelector('dt').textContent,
              dtLeft: dt.left,
              dtBottom: dt.bottom,
              ddLeft: dd.left,
              ddTop: dd.top,
              shown: dt.height > 0,
            };
          })
          .filter((r) => r.shown),
        widest: Math.max(...[...document.querySelectorAll('body *')].map((el) => el.getBoundingClientRect().right)),
      }));
      assert.ok(layout.fields.length > 20, `fields shown: ${layout.fields.length}`);
      for (const r of layout.fields) {
        assert.ok(r.ddTop >= r.dtBottom - 1, `${r.label}: value below its label (${r.dtBottom} → ${r.ddTop})`);
        assert.ok(Math.abs(r.ddLeft - r.dtLeft) < 1, `${r.label}: label and value on the same left edge`);
      }
      assert.ok(layout.scrollWidth <= width, `no sideways scrolling (${layout.scrollWidth} in ${width} px)`);
      assert.ok(layout.widest <= width + 0.5, `nothing reaches past the panel's right edge (${layout.widest} > ${width})`);
      await screenshot(page, 'habits-panel-narrow');
    } finally {
      await page.setViewportSize(viewport);
    }
  });
});

/**
 * Pixels of a plot's canvas in the theme's chart colours, read from the webview's CSS variables; and, given the
 * colours of the theme before, how many pixels still have one of those (where it differs from the new one).
 * Colours are compared after being drawn on a scratch canvas, so translucent ones round the same way.
 */
function plotColours(canvas, previous) {
  return canvas.evaluate((c, previous) => {
    const style = getComputedStyle(document.body);
    const colours = {
      foreground: style.getPropertyValue('--vscode-charts-foreground').trim(),
      lines: style.getPropertyValue('--vscode-charts-lines').trim(),
      red: style.getPropertyValue('--vscode-charts-red').trim(),
    };
    const scratch = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    const drawn = (css) => {
      scratch.clearRect(0, 0, 1, 1);
      scratch.fillStyle = css;
      scratch.fillRect(0, 0, 1, 1);
      return [...scratch.getImageData(0, 0, 1, 1).data];
    };
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const count = (css) => {
      const want = drawn(css);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (want.every((v, k) => Math.abs(data[i + k] - v) <= 2)) n++;
      return n;
    };
    const counts = Object.fromEntries(Object.entries(colours).map(([k, css]) => [k, css ? count(css) : 0]));
    const left = Object.fromEntries(
      Object.entries(previous ?? {})
        .filter(([k, css]) => css && drawn(css).join() !== drawn(colours[k]).join())
        .map(([k, css]) => [k, count(css)]),
    );
    return { colours, counts, previous: left };
  }, previous);
}
