// The keyboard and the tabs as a person who works in the view all day uses them, in the packaged extension
// in code-server: a single click opens a preview tab that the next single click replaces and a double
// click keeps; with two servers the tab names its server; the view follows the active tab; and on a
// focused row Enter opens, F2 edits a userData value, Ctrl+C copies the address, Delete asks first.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  openBrowser,
  openViewContainer,
  screenshot,
  serverRow,
  setExpanded,
  startCodeServer,
  startSimulator,
  treeRows,
  waitUntil,
} from './harness.mjs';

const FIRST = 'keys-first.example.com';
const SECOND = 'keys-second.example.com';

let sim;
let codeServer;
let browser;
let page;

before(async () => {
  sim = await startSimulator(['--destinations', '3', '--seed', '5']);
  await sim.api('send.createDestination', { destinationAddress: FIRST, userData: { ticket: 'OPS-1' } });
  await sim.api('send.createDestination', { destinationAddress: SECOND });
  codeServer = await startCodeServer({
    settings: {
      'jetstream.servers': [
        { name: 'Demo', url: sim.url },
        // A second server, so tab titles must say which one a destination is on.
        { name: 'Lab', url: sim.url },
      ],
    },
  });
  const b = await openBrowser(codeServer.url);
  ({ page, close: browser } = b);
  await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(codeServer.url).origin });
  await openViewContainer(page, 'JetStream');
  await setExpanded(serverRow(page, 'Lab'), false);
  await treeRows(page, FIRST).first().waitFor({ timeout: 30000 });
});

after(async () => {
  await browser?.();
  await codeServer?.stop();
  await sim?.stop();
});

/** A destination row of the first server by its exact label. */
const row = (label) =>
  page
    .locator('.pane-body .monaco-list-row[aria-level="2"]', { has: page.locator('.label-name').getByText(label, { exact: true }) })
    .first();
/** Clicks a row until the view has the keyboard focus (a panel opening beside it may take it first). */
async function focusRow(label, target = row(label)) {
  await waitUntil(
    async () => {
      await target.click();
      return target.evaluate((e) => e.closest('.monaco-list')?.matches(':focus-within'));
    },
    { message: `the view focused on ${label}`, interval: 500 },
  );
}
const tabs = () => page.locator('.tabs-container .tab');
const tab = (text) => tabs().filter({ hasText: text });

describe('keys and tabs', () => {
  it('a single click opens a preview that keeps the keyboard in the view and the next single click replaces; a double click keeps it', async () => {
    await row(FIRST).click();
    await tab(FIRST).waitFor({ timeout: 20000 });
    assert.equal(await row(FIRST).evaluate((e) => e.closest('.monaco-list')?.matches(':focus-within')), true, 'the view keeps focus');
    await row(SECOND).click();
    await tab(SECOND).waitFor({ timeout: 20000 });
    await waitUntil(async () => (await tab(FIRST).count()) === 0, { message: 'the preview tab replaced' });
    assert.equal(await tabs().count(), 1, 'one tab');
    await row(SECOND).dblclick();
    await row(FIRST).click();
    await tab(FIRST).waitFor({ timeout: 20000 });
    assert.equal(await tabs().count(), 2, 'the kept tab stays beside the new preview');
    await screenshot(page, 'keys-tabs');
  });

  it('a tab names its server when more than one is configured, and the view follows the active tab', async () => {
    assert.match(await tab(SECOND).innerText(), new RegExp(`${SECOND.replace(/\./g, '\\.')}.*Demo`), 'the server in the title');
    await tab(SECOND).click();
    await waitUntil(async () => (await row(SECOND).getAttribute('aria-selected')) === 'true', {
      message: 'the second row selected when its tab is active',
    });
    await tab(FIRST).click();
    await waitUntil(async () => (await row(FIRST).getAttribute('aria-selected')) === 'true', {
      message: 'the first row selected when its tab is active',
    });
    await page.keyboard.press('Control+K');
    await page.keyboard.press('W'); // close all editors: the key tests start from an empty editor area
    await waitUntil(async () => (await tabs().count()) === 0, { message: 'no tabs' });
  });

  it('on a focused row: Enter opens, Ctrl+C copies the address, Delete asks first, F2 edits a userData value', async () => {
    // Enter on a row reached from the keyboard opens its details (moving there alone does not).
    await row(SECOND).click();
    await tab(SECOND).waitFor({ timeout: 20000 });
    await page.keyboard.press('ArrowUp');
    await waitUntil(async () => (await row(FIRST).getAttribute('class'))?.includes('focused'), { message: 'the first row focused' });
    assert.equal(await tab(FIRST).count(), 0, 'not opened by moving to it');
    await page.keyboard.press('Enter');
    await tab(FIRST).waitFor({ timeout: 20000 });

    // Ctrl+C on the focused row copies its address.
    await focusRow(FIRST);
    await page.keyboard.press('Control+C');
    const copied = await waitUntil(
      async () => {
        const text = await page.evaluate(() => navigator.clipboard.readText());
        return text.startsWith(FIRST) && text;
      },
      { message: 'the address on the clipboard' },
    );
    assert.match(copied, new RegExp(`^${FIRST.replace(/\./g, '\\.')}(:8886)?$`));

    // Delete asks, naming the destination; Cancel keeps it.
    await focusRow(FIRST);
    await page.keyboard.press('Delete');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 10000 });
    assert.match(await dialog.innerText(), new RegExp(`Delete destination ${FIRST.replace(/\./g, '\\.')}`));
    await screenshot(page, 'keys-delete-asks');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 5000 });
    assert.ok(
      (await sim.api('send.getDestinations')).some((d) => d.destinationAddress === FIRST),
      'still on the server',
    );

    // F2 on a userData row edits its value, prefilled.
    await setExpanded(row(FIRST), true);
    await focusRow('ticket', treeRows(page, 'ticket').first());
    await page.keyboard.press('F2');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10000 });
    assert.equal(await input.inputValue(), 'OPS-1', 'prefilled with the value');
    await input.fill('OPS-2');
    await page.keyboard.press('Enter');
    await waitUntil(
      async () => (await sim.api('send.getDestinations')).find((d) => d.destinationAddress === FIRST).userData.ticket === 'OPS-2',
      { message: 'the new value on the server' },
    );
  });
});
