// Destinations as code in the packaged extension in code-server, as a person uses it: a workspace with a
// demo.jetstream.json naming the configured server, opened from the explorer; the schema's errors for a misspelt
// field and a wrong type, the extension's for an unknown server and a destination listed twice, as squiggles and
// in the Problems panel; each entry's live status beside it; the CodeLens Plan | Apply; Plan's read-only preview;
// Apply from the palette (checked on the simulator), after which Plan and Apply have nothing to do; a replace
// after a modal, prune asking once more; and Export writing a file that plans to no change.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { notifications, openBrowser, quickInput, runCommand, screenshot, startCodeServer, startSimulator, waitUntil } from './harness.mjs';

const FILE = 'demo.jetstream.json';
// On the server before the test: the file sets one more userData key and never names `note`.
const KEPT = 'kept.example.com';
const NEW_A = 'new-a.example.com';
const NEW_B = 'new-b.example.com';
// As a person writes it by hand (the line of NEW_B is the one duplicated below; it ends in a comma).
const TEXT = `{
  "server": "Demo",
  "destinations": [
    {
      "destinationAddress": "${KEPT}",
      "userData": { "ticket": "OPS-7" }
    },
    { "destinationAddress": "${NEW_B}", "destinationPort": 9000 },
    {
      "destinationAddress": "${NEW_A}",
      "sendRateMax": 40000,
      "userData": { "team": "media" }
    }
  ]
}
`;

let sim;
let codeServer;
let browser;
let page;
let folder;

before(async () => {
  sim = await startSimulator(['--destinations', '3', '--seed', '11']);
  await sim.api('send.createDestination', { destinationAddress: KEPT, userData: { note: 'set on the server' } });
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'jetstream-files-ui-'));
  fs.writeFileSync(path.join(folder, FILE), TEXT);
  codeServer = await startCodeServer({
    folder,
    // No minimap: the screenshots show the lines with their status instead.
    settings: { 'jetstream.servers': [{ name: 'Demo', url: sim.url }], 'editor.minimap.enabled': false },
  });
  ({ page, close: browser } = await openBrowser(codeServer.url));
});

after(async () => {
  await browser?.();
  await codeServer?.stop();
  await sim?.stop();
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
});

const destinations = () => sim.api('send.getDestinations');
const onServer = async (address, port = 8886) =>
  (await destinations()).find((d) => d.destinationAddress === address && d.destinationPort === port);

/** An editor tab by its file's exact name (`demo.jetstream.json` is not `Plan of demo.jetstream.json.md`). */
const tab = (name) => page.locator(`.tabs-container .tab[data-resource-name="${name}"]`);
const activeTab = (name) => tab(name).and(page.locator('.tab.active'));

/** The editor in front (with two groups side by side, the left one). */
const editor = () => page.locator('.part.editor .editor-instance .monaco-editor').first();
/** Its visible lines as shown, inlay hints included, top to bottom. */
const lines = async () => {
  const rows = await editor()
    .locator('.view-line')
    .evaluateAll((els) => els.map((el) => ({ top: parseFloat(el.style.top), text: el.textContent.replace(/\u00a0/g, ' ') })));
  return rows.sort((a, b) => a.top - b.top).map((r) => r.text);
};
const shown = async () => (await lines()).join('\n');
/** A token of the editor's text, e.g. '"sendRateMax"' or '9000'. */
const token = (text) =>
  editor()
    .locator('.view-line span span')
    .filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });

/** Double-clicks a word as a person does to select it, and types over it. */
async function retype(word, text) {
  await token(word).first().dblclick();
  await page.keyboard.type(text);
}

/** The CodeLens above the destinations by its title. */
const codeLens = (title) => editor().locator('.codelens-decoration a', { hasText: title });

/** Rows of the Problems panel. */
const problemRows = () => page.locator('.markers-panel .monaco-list-row');

/** Waits until the Problems panel's rows say every one of `patterns`; returns their text. */
async function problemsSay(patterns, what) {
  let last = '';
  try {
    return await waitUntil(
      async () => {
        last = (await problemRows().allInnerTexts()).join('\n');
        return patterns.every((p) => p.test(last)) && last;
      },
      { timeout: 45000, message: what },
    );
  } catch (e) {
    throw new Error(`${e.message}; the Problems panel shows: ${last || '(nothing)'}`, { cause: e });
  }
}

/** The modal dialog (showWarningMessage with modal: true). */
const dialog = () => page.locator('.monaco-dialog-box');

async function save() {
  await page.keyboard.press('Control+S');
  await tab(FILE).and(page.locator('.tab.dirty')).waitFor({ state: 'detached', timeout: 10000 });
}

describe('destinations files in the editor, as a person uses them', () => {
  it('opens the file from the explorer: live status beside each entry, Plan | Apply above the destinations', async () => {
    await runCommand(page, 'View: Show Explorer');
    const entry = page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE });
    await entry.waitFor({ timeout: 30000 });
    await entry.click();
    await activeTab(FILE).waitFor({ timeout: 20000 });
    await codeLens('Plan').waitFor({ timeout: 60000 }); // the extension activates for the workspace's file
    await codeLens('Apply').waitFor({ timeout: 10000 });
    // The lens sits on the line above "destinations".
    const text = await waitUntil(
      async () => {
        const t = await shown();
        return /not on the server[\s\S]*not on the server/.test(t) && /kept\.example\.com"\s+connected · /.test(t) && t;
      },
      { timeout: 30000, message: 'live status hints on every entry' },
    );
    const byLine = text.split('\n');
    const hintOf = (address) => byLine.find((l) => l.includes(`"${address}"`));
    assert.match(hintOf(KEPT), /"kept\.example\.com"\s+connected · [\d.]+ (\S+ )?\/ [\d.]+ \S+/, `status and rate of ${KEPT}`);
    assert.match(hintOf(NEW_A), /"new-a\.example\.com"\s+not on the server/);
    assert.match(hintOf(NEW_B), /"new-b\.example\.com"\s+not on the server/);
    await page.mouse.move(900, 700);
    await screenshot(page, 'destinations-file-status');
    // The schema's words on hover.
    await token('"server"').first().hover();
    await page.locator('.monaco-hover', { hasText: 'The name of a server profile in jetstream.servers.' }).waitFor({ timeout: 10000 });
    await page.mouse.move(900, 700);
  });

  it('shows the schema’s errors for a misspelt field and a wrong type as squiggles and in Problems', async () => {
    await retype('"sendRateMax"', 'sendRateMaks');
    await retype('9000', 'true');
    await page.keyboard.press('Control+Shift+M'); // the Problems panel
    await problemsSay([/Property sendRateMaks is not allowed\./, /Incorrect type\. Expected "integer"\./], 'the schema errors in Problems');
    await page.waitForTimeout(1500); // the extension's own check has run too
    const again = (await problemRows().allInnerTexts()).join('\n');
    assert.equal(again.match(/sendRateMaks/g)?.length, 1, `each mistake once: ${again}`);
    assert.equal(again.match(/integer|number/g)?.length, 1, `each mistake once: ${again}`);
    // The JSON schema's findings are warnings in VS Code, as in every JSON file with a schema.
    assert.ok((await editor().locator('.squiggly-warning').count()) >= 2, 'squiggles under both mistakes');
    await page.mouse.move(900, 300);
    await screenshot(page, 'destinations-file-schema-errors');
    // As it was.
    await retype('"sendRateMaks"', 'sendRateMax');
    await retype('true', '9000');
    await waitUntil(async () => !(await problemRows().count()), { timeout: 20000, message: 'no problems left' });
  });

  it('says what the schema cannot see: an unknown server, a destination listed twice', async () => {
    await retype('"Demo"', 'Dmeo');
    // The line of new-b, duplicated as a person copies an entry.
    await token(`"${NEW_B}"`).first().click();
    await runCommand(page, 'Copy Line Down');
    const text = await problemsSay(
      [/There is no server named 'Dmeo' in jetstream\.servers\.\s*JetStream/, /new-b\.example\.com:9000 is listed twice\.\s*JetStream/],
      'the unknown server and the duplicate in Problems',
    );
    assert.match(text, /Ln 9,/, `the duplicate is pointed at on the copied line: ${text}`);
    assert.ok((await editor().locator('.squiggly-error').count()) >= 2, 'squiggles under the server and the second entry');
    await page.mouse.move(900, 300);
    await screenshot(page, 'destinations-file-problems');
    // As it was: the copied line goes, the server's name is right again, and the file is saved.
    await page.keyboard.press('Control+Shift+K');
    await retype('"Dmeo"', 'Demo');
    await waitUntil(async () => !(await problemRows().count()), { timeout: 20000, message: 'no problems left' });
    assert.equal((await shown()).match(/new-b\.example\.com/g)?.length, 1, 'the copy is gone');
    await save();
    await waitUntil(() => fs.readFileSync(path.join(folder, FILE), 'utf8') === TEXT, { message: 'the file as it was, saved' });
    await runCommand(page, 'View: Hide Panel');
    await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 10000 });
  });

  it('Plan (the CodeLens) shows what Apply would do, in a read-only preview, before anything is sent', async () => {
    const before = (await destinations()).length;
    await codeLens('Plan').click();
    await activeTab(`Plan of ${FILE}.md`).waitFor({ timeout: 20000 });
    const text = await waitUntil(async () => /Plan for Demo/.test(await shown()) && (await shown()), { message: 'the plan' });
    assert.match(text, /2 to create, 1 with userData to change, 0 to replace, 0 to delete; 0 unchanged\./);
    assert.match(text, /\*\*create\*\* `new-a\.example\.com:8886`\s+- sendRateMax: `40000`\s+- userData `team`: `media`/);
    assert.match(text, /\*\*create\*\* `new-b\.example\.com:9000`/);
    assert.match(text, /\*\*userData\*\* `kept\.example\.com:8886`\s+- `ticket`: \(new\) → `OPS-7`/);
    assert.doesNotMatch(text, /note/, 'a key the file does not name is not in the plan');
    assert.equal((await destinations()).length, before, 'nothing sent');
    // Read-only: typing changes nothing.
    await editor().locator('.view-line').first().click();
    await page.keyboard.type('x');
    await editor().locator('.monaco-editor-overlaymessage', { hasText: 'read-only' }).waitFor({ timeout: 5000 });
    assert.equal(await shown(), text, 'the preview is unchanged');
    await page.mouse.move(900, 700);
    await screenshot(page, 'destinations-file-plan');

    // Side by side with the file, as a person compares them: the plan moved into a group on the right, the side bar
    // closed, in a wider window.
    const viewport = page.viewportSize();
    try {
      await runCommand(page, 'View: Move Editor into Right Group');
      await page.locator('.part.editor .editor-group-container').nth(1).waitFor({ timeout: 10000 });
      await runCommand(page, 'View: Close Primary Side Bar');
      await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: 10000 });
      await page.setViewportSize({ width: 1800, height: 600 });
      await editor().locator('.view-line').last().click(); // the cursor on the file's empty last line
      await page.mouse.move(400, 560); // below the file's last line: nothing to hover
      await screenshot(page, 'destinations-file-side-by-side', { settleMs: 1000 });
      await tab(`Plan of ${FILE}.md`).click();
      await activeTab(`Plan of ${FILE}.md`).waitFor({ timeout: 10000 });
      await runCommand(page, 'View: Close Editor');
      await page.locator('.part.editor .editor-group-container').nth(1).waitFor({ state: 'detached', timeout: 10000 });
    } finally {
      await page.setViewportSize(viewport);
    }
  });

  it('Apply from the palette creates and sets what the plan said; the server keeps keys the file does not name', async () => {
    // Back in the file, as a person who has read the plan (the palette offers Apply for a destinations file).
    await tab(FILE).click();
    await activeTab(FILE).waitFor({ timeout: 10000 });
    await runCommand(page, 'JetStream: Apply Destinations File');
    await notifications(page, `Applied ${FILE} to 'Demo': 3 steps.`).waitFor({ timeout: 30000 });
    const a = await onServer(NEW_A);
    assert.equal(a?.sendRateMax, 40000);
    assert.deepEqual(a?.userData, { team: 'media' });
    assert.ok(await onServer(NEW_B, 9000), `${NEW_B}:9000 created`);
    assert.deepEqual((await onServer(KEPT))?.userData, { note: 'set on the server', ticket: 'OPS-7' });
    await screenshot(page, 'destinations-file-applied');
  });

  it('then Plan says there is nothing to do, Apply changes nothing, and the entries show their status', async () => {
    await codeLens('Plan').click();
    await activeTab(`Plan of ${FILE}.md`).waitFor({ timeout: 20000 });
    await waitUntil(async () => /Nothing to do: the server has what the file says \(3 destinations\)\./.test(await shown()), {
      timeout: 20000,
      message: 'an empty plan',
    });
    const before = JSON.stringify((await destinations()).map((d) => [d.destinationId, d.destinationAddress, d.userData]));
    await tab(FILE).click();
    await activeTab(FILE).waitFor({ timeout: 10000 });
    await runCommand(page, 'JetStream: Apply Destinations File');
    await notifications(page, `Nothing to apply: 'Demo' has what ${FILE} says.`).waitFor({ timeout: 20000 });
    const now = JSON.stringify((await destinations()).map((d) => [d.destinationId, d.destinationAddress, d.userData]));
    assert.equal(now, before, 'applying twice changes nothing');
    await waitUntil(async () => !/not on the server/.test(await shown()), { timeout: 20000, message: 'every entry on the server' });
    await page.mouse.move(900, 700);
    await screenshot(page, 'destinations-file-status-applied');
  });

  it('a changed parameter is a replace, applied only after a modal naming it; prune asks once more', async () => {
    const old = await onServer(NEW_A);
    await retype('40000', '50000');
    await save();
    await runCommand(page, 'JetStream: Apply Destinations File');
    await dialog().filter({ hasText: "Apply changes destinations of 'Demo' that cannot be edited in place." }).waitFor({ timeout: 20000 });
    assert.match(await dialog().innerText(), /Replace \(delete, then create with the new parameters\): new-a\.example\.com:8886/);
    await screenshot(page, 'destinations-file-replace-modal');
    await dialog()
      .locator('.monaco-button', { hasText: /^Apply$/ })
      .click();
    await notifications(page, `Applied ${FILE} to 'Demo': 1 step.`).waitFor({ timeout: 30000 });
    const a = await onServer(NEW_A);
    assert.equal(a?.sendRateMax, 50000, 'recreated with the new maximum');
    assert.notEqual(a?.destinationId, old.destinationId, 'a new destination');
    assert.deepEqual(a?.userData, { team: 'media' }, 'with its userData');

    // "prune": true, typed with the schema's completion offering it.
    const count = (await destinations()).length;
    await token('"Demo"').first().click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('"pr');
    const suggest = page.locator('.suggest-widget .monaco-list-row', { hasText: 'prune' });
    await suggest.waitFor({ timeout: 10000 });
    await screenshot(page, 'destinations-file-completion');
    await page.keyboard.press('Escape');
    await page.keyboard.type('une": true,');
    await save();
    await codeLens('Plan').click();
    const plan = await waitUntil(async () => /3 to delete/.test(await shown()) && (await shown()), {
      timeout: 20000,
      message: 'a prune plan',
    });
    assert.equal(plan.match(/\*\*delete\*\* .*\(not in the file, and prune is on\)/g)?.length, 3, plan);
    await screenshot(page, 'destinations-file-prune-plan');
    await tab(FILE).click();
    await activeTab(FILE).waitFor({ timeout: 10000 });
    await runCommand(page, 'JetStream: Apply Destinations File');
    await dialog().filter({ hasText: 'Delete (not in the file, prune is on):' }).waitFor({ timeout: 20000 });
    await dialog()
      .locator('.monaco-button', { hasText: /^Cancel$/ })
      .click();
    await dialog().waitFor({ state: 'hidden', timeout: 10000 });
    await page.waitForTimeout(1000);
    assert.equal((await destinations()).length, count, 'nothing deleted');
    // Prune off again.
    await token('"prune"').first().click();
    await page.keyboard.press('Control+Shift+K');
    await save();
  });

  it('Export Destinations to File… writes a file of the server, which plans to no change', async () => {
    await runCommand(page, 'JetStream: Export Destinations to File…');
    // The save dialog (the simple one of the browser) suggests <server>.jetstream.json in the workspace.
    const input = quickInput(page).filter({ hasText: "Export the destinations of 'Demo'" }).locator('input');
    await waitUntil(async () => (await input.inputValue()) === path.join(codeServer.folder, 'Demo.jetstream.json'), {
      timeout: 20000,
      message: 'the suggested file',
    });
    await page.keyboard.press('Enter');
    await activeTab('Demo.jetstream.json').waitFor({ timeout: 20000 });
    const file = path.join(folder, 'Demo.jetstream.json');
    const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
    const all = await destinations();
    assert.equal(exported.server, 'Demo');
    assert.equal(exported.prune, false);
    assert.equal(exported.destinations.length, all.length);
    assert.deepEqual(exported.destinations.find((d) => d.destinationAddress === KEPT)?.userData, {
      note: 'set on the server',
      ticket: 'OPS-7',
    });
    await codeLens('Plan').waitFor({ timeout: 20000 });
    await page.mouse.move(900, 700);
    await screenshot(page, 'destinations-file-exported');
    await codeLens('Plan').click();
    await activeTab('Plan of Demo.jetstream.json.md').waitFor({ timeout: 20000 });
    await waitUntil(
      async () => new RegExp(`Nothing to do: the server has what the file says \\(${all.length} destinations\\)`).test(await shown()),
      {
        timeout: 20000,
        message: 'an exported file plans to no change',
      },
    );
  });
});
