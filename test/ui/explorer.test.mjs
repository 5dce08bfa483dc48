// The packaged extension in code-server, driven in headless Chromium as a person would: open the
// JetStream view, see live destinations with their icons, edit a userData value with the inline
// action and in the details panel, over http, the vendor's console and the vendor's Python library, and check
// on the simulator that only that key changed.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  notifications,
  openBrowser,
  openViewContainer,
  quickInput,
  runCommand,
  screenshot,
  serverRow,
  setExpanded,
  startCodeServer,
  startSimulator,
  treeRows,
  webviewFrame,
} from './harness.mjs';

const root = path.resolve(import.meta.dirname, '../..');
let sim;
let simUrl;
let api;
let codeServer;
let browser;
let page;

before(async () => {
  sim = await startSimulator(['--destinations', '12', '--seed', '11']);
  ({ url: simUrl, api } = sim);
  // The destination this test edits: a known address with two userData keys.
  await api('send.createDestination', {
    destinationAddress: 'edit-me.example.com',
    destinationPort: 8886,
    sendRateMax: 80000,
    userData: { keep: 'untouched', note: 'before' },
  });
  // The destinations the console and python tests edit.
  for (const route of ['console', 'python'])
    await api('send.createDestination', {
      destinationAddress: `${route}-edit.example.com`,
      destinationPort: 8886,
      userData: { keep: 'untouched', ticket: 'before' },
    });
  const port = Number(new URL(simUrl).port);
  codeServer = await startCodeServer({
    settings: {
      'jetstream.servers': [
        { name: 'Demo', url: simUrl },
        // The console as the vendor documents it (sim/python), on the same simulator.
        { name: 'Console', transport: 'cli', host: '127.0.0.1', port, consolePath: path.join(root, 'sim/python/bin/jetstream') },
        // The vendor's Python library as it documents it (sim/python/jetstream), on the same simulator.
        { name: 'Python', transport: 'python', host: '127.0.0.1', port, pythonLibraryPath: path.join(root, 'sim/python') },
      ],
    },
  });
  ({ page, close: browser } = await openBrowser(codeServer.url));
});

after(async () => {
  await browser?.();
  await codeServer?.stop();
  await sim?.stop();
});

describe('the JetStream view in VS Code', () => {
  const servers = ['Demo', 'Console', 'Python'];
  it('shows the demo server with live destinations and their status icons', async () => {
    await openViewContainer(page, 'JetStream');
    await treeRows(page, 'edit-me.example.com').first().waitFor({ timeout: 30000 });
    await page.waitForTimeout(3000); // a few snapshots: destinations move from negotiating to connected
    const rows = treeRows(page);
    const labels = await rows.allInnerTexts();
    assert.ok(
      labels.some((l) => l.startsWith('Demo')),
      `server row in ${labels}`,
    );
    const icons = await page
      .locator(
        '.pane-body .monaco-list-row .codicon-pass-filled, .pane-body .monaco-list-row .codicon-sync, .pane-body .monaco-list-row .codicon-debug-disconnect, .pane-body .monaco-list-row .codicon-error',
      )
      .count();
    assert.ok(icons >= 10, `status icons on the destination rows: ${icons}`);
    await screenshot(page, 'sidebar');
  });

  it('edits a userData value with the inline action; the server keeps every other key', async () => {
    // The Demo server's row (the Console server lists the same destination further down).
    const row = treeRows(page, 'edit-me.example.com').first();
    await row.locator('.monaco-tl-twistie').click();
    const entry = treeRows(page, 'note').first();
    await entry.waitFor({ timeout: 10000 });
    await entry.hover();
    await entry.locator('.action-label[aria-label="Edit userData Entry"]').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 10000 });
    assert.equal(await input.inputValue(), 'before', 'the input box is prefilled with the value');
    await screenshot(page, 'edit-userdata');
    await input.fill('after, from the tree');
    await page.keyboard.press('Enter');
    const expected = { keep: 'untouched', note: 'after, from the tree' };
    let userData;
    for (let i = 0; i < 50; i++) {
      userData = (await api('send.getDestinations')).find((d) => d.destinationAddress === 'edit-me.example.com').userData;
      if (userData.note === expected.note) break;
      await page.waitForTimeout(100);
    }
    assert.deepEqual(userData, expected);
    await treeRows(page, 'after, from the tree').first().waitFor({ timeout: 5000 });
  });

  it('opens the details panel from the tree and edits userData in it', async () => {
    await treeRows(page, 'edit-me.example.com').first().click();
    await page.locator('.tabs-container .tab', { hasText: 'edit-me.example.com' }).waitFor({ timeout: 20000 });
    const panel = webviewFrame(page);
    await panel.locator('[data-field="sendRateMax"]').filter({ hasText: '80 Mbit/s' }).waitFor({ timeout: 30000 });
    await panel.locator('tr[data-key="note"] button', { hasText: 'Edit' }).click();
    await panel.locator('tr[data-key="note"] input').fill('after, from the panel');
    await panel.locator('tr[data-key="note"] input').press('Enter');
    await panel.locator('tr[data-key="note"] td.value', { hasText: 'after, from the panel' }).waitFor({ timeout: 10000 });
    const d = (await api('send.getDestinations')).find((x) => x.destinationAddress === 'edit-me.example.com');
    assert.deepEqual(d.userData, { keep: 'untouched', note: 'after, from the panel' });
    await page.waitForTimeout(500);
    await screenshot(page, 'details-panel');
  });

  for (const [server, route, words] of [
    ['Console', 'console', 'the console as the vendor documents it'],
    ['Python', 'python', 'the vendor’s Python library as it documents it'],
  ])
    it(`lists destinations through ${words}, and an inline edit there lands`, async () => {
      // The list only renders rows in view: fold the other servers to see this one's rows.
      for (const s of servers) await setExpanded(serverRow(page, s), s === server);
      const address = `${route}-edit.example.com`;
      const value = `after, over the ${route} route`;
      const row = treeRows(page, address).first();
      await row.waitFor({ timeout: 30000 });
      await setExpanded(row, true);
      const entry = treeRows(page, 'ticket').first();
      await entry.waitFor({ timeout: 10000 });
      await entry.hover();
      await entry.locator('.action-label[aria-label="Edit userData Entry"]').click();
      // The box names the key it edits: a click that landed on a row being repainted would edit another.
      await quickInput(page).filter({ hasText: 'Value of ticket' }).waitFor({ timeout: 10000 });
      const input = page.locator('.quick-input-widget input');
      await input.fill(value);
      await page.keyboard.press('Enter');
      // A console call is a process each (a read-back too): on a loaded machine this takes seconds.
      let userData;
      for (let i = 0; i < 200; i++) {
        userData = (await api('send.getDestinations')).find((d) => d.destinationAddress === address).userData;
        if (userData.ticket === value) break;
        await page.waitForTimeout(100);
      }
      if (userData.ticket !== value) await screenshot(page, `${route}-route-failed`);
      const said = await notifications(page).allInnerTexts();
      assert.deepEqual(
        userData,
        { keep: 'untouched', ticket: value },
        `the edit did not land; the window said: ${said.join(' | ') || 'nothing'}`,
      );
      await treeRows(page, value).first().waitFor({ timeout: 10000 });
      await screenshot(page, `${route}-route`);
      // Back as it was for the next test.
      for (const s of servers) await setExpanded(serverRow(page, s), s === 'Demo');
    });

  it('adds a server through the guided Add Server flow, from the keyboard', async () => {
    const input = page.locator('.quick-input-widget input');
    const answer = async (text, step) => {
      await page.locator('.quick-input-widget', { hasText: `Add JetStream Server (${step})` }).waitFor({ timeout: 10000 });
      await input.fill(text);
      await page.keyboard.press('Enter');
    };
    await runCommand(page, 'JetStream: Add Server');
    // Six steps for the python transport it suggests; four once HTTP is chosen.
    await answer('Second', '1/6');
    await answer('HTTP', '2/6');
    await answer(simUrl, '3/4');
    await answer('', '4/4');
    // The list only renders rows in view: fold the servers above to see the new one.
    for (const s of servers) await setExpanded(serverRow(page, s), false);
    await treeRows(page, 'Second').waitFor({ timeout: 20000 });
    await treeRows(page, 'edit-me.example.com').first().waitFor({ timeout: 20000 });
    await screenshot(page, 'added-server');
  });

  it('counts every server in the status bar', async () => {
    const item = page.locator('.statusbar-item', { has: page.locator('.codicon-broadcast') }).first();
    await item.waitFor({ timeout: 10000 });
    assert.match((await item.innerText()).trim(), /^4\/4\b/, 'four servers, all connected');
  });
});
