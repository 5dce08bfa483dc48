// The destinations table in code-server, as a person uses it: open it from the palette, sort by a
// column, filter, select three rows, set a userData key on them, and see the key in the tree and on
// the simulator. JETSTREAM_VSIX picks the .vsix to install (default: the newest in the repo root).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  notifications,
  openBrowser,
  openViewContainer,
  quickInput,
  runCommand,
  screenshot,
  setExpanded,
  startCodeServer,
  startSimulator,
  treeRows,
  waitUntil,
  webviewFrame,
} from './harness.mjs';

const ADDRESSES = ['table-a.example.com', 'table-b.example.com', 'table-c.example.com'];
let sim;
let codeServer;
let close;
let page;

before(async () => {
  sim = await startSimulator(['--destinations', '40', '--seed', '7']);
  for (const [i, destinationAddress] of ADDRESSES.entries())
    await sim.api('send.createDestination', { destinationAddress, destinationPort: 8886, sendRateMax: 10000 * (i + 1) });
  codeServer = await startCodeServer({
    vsix: process.env.JETSTREAM_VSIX,
    settings: { 'jetstream.servers': [{ name: 'Demo', url: sim.url }] },
  });
  ({ page, close } = await openBrowser(codeServer.url));
});

after(async () => {
  await close?.();
  await codeServer?.stop();
  await sim?.stop();
});

describe('the destinations table in VS Code', () => {
  const table = () => webviewFrame(page);

  it('opens from the palette with every destination', async () => {
    await openViewContainer(page, 'JetStream');
    await treeRows(page, '43 destinations').first().waitFor({ timeout: 30000 });
    await runCommand(page, 'JetStream: Open Destinations Table');
    await page.locator('.tabs-container .tab', { hasText: 'Destinations' }).waitFor({ timeout: 20000 });
    const count = table().locator('#count');
    await count.filter({ hasText: /^43 destinations/ }).waitFor({ timeout: 30000 });
    assert.ok((await table().locator('#grid .row:not([hidden])').count()) > 10);
  });

  it('sorts by a column', async () => {
    await table().locator('button.sort[data-column="queue"]').click();
    await table().locator('[role=columnheader][aria-sort="descending"] button[data-column="queue"]').waitFor({ timeout: 5000 });
    await table().locator('button.sort[data-column="address"]').click();
    await table().locator('[role=columnheader][aria-sort="ascending"] button[data-column="address"]').waitFor({ timeout: 5000 });
  });

  it('filters, selects three, and sets a userData key on them', async () => {
    await table().locator('#filter').fill('table- server:demo');
    await table()
      .locator('#count')
      .filter({ hasText: /^3 of 43 destinations/ })
      .waitFor({ timeout: 5000 });
    const rows = table().locator('#grid .row:not([hidden])');
    await rows.nth(0).click();
    await rows.nth(2).click({ modifiers: ['Shift'] });
    await table()
      .locator('#count')
      .filter({ hasText: /3 selected$/ })
      .waitFor({ timeout: 5000 });
    await screenshot(page, 'table-selected');
    await table().locator('#action-setUserData').click();
    const input = quickInput(page).locator('input');
    await quickInput(page).filter({ hasText: 'Set userData on 3 destinations (1/2)' }).waitFor({ timeout: 10000 });
    await input.fill('batch');
    await page.keyboard.press('Enter');
    await quickInput(page).filter({ hasText: 'Set userData on 3 destinations (2/2)' }).waitFor({ timeout: 10000 });
    await input.fill('from-the-table');
    await page.keyboard.press('Enter');
    await notifications(page, "Set userData 'batch' on 3 of 3 destinations.").waitFor({ timeout: 20000 });
    const onServer = await waitUntil(
      async () => {
        const list = await sim.api('send.getDestinations');
        const ours = list.filter((d) => ADDRESSES.includes(d.destinationAddress));
        return ours.every((d) => d.userData?.batch === 'from-the-table') && ours;
      },
      { message: 'the key on the simulator' },
    );
    assert.equal(onServer.length, 3);
    // The table shows it too, once the column is added.
    await table().locator('#columns-button').click();
    await table().locator('#columns input[data-column="userData.batch"]').check();
    await table().locator('#grid .row .cell', { hasText: 'from-the-table' }).first().waitFor({ timeout: 10000 });
    await screenshot(page, 'table-userdata');
  });

  it('shows the new key in the tree', async () => {
    // The tree lists only the rows in view: its filter brings this one up.
    await runCommand(page, 'JetStream: Filter Destinations');
    await quickInput(page).locator('input').fill(ADDRESSES[1]);
    await page.keyboard.press('Enter');
    // The destination's row (the filter's own row above it names the address too).
    const row = page.locator('.pane-body .monaco-list-row[aria-level="2"]', { hasText: ADDRESSES[1] }).first();
    await row.waitFor({ timeout: 10000 });
    await setExpanded(row, true);
    await treeRows(page, 'batch').first().waitFor({ timeout: 10000 });
    assert.match(await treeRows(page, 'batch').first().innerText(), /from-the-table/);
    await screenshot(page, 'table-tree');
  });
});
