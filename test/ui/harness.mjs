// Helpers for UI tests that look at the extension as a person sees it: the packaged .vsix installed into a fresh
// code-server (VS Code 1.139 in the browser), driven by headless Debian Chromium through playwright-core.
//
//   import { startCodeServer, openBrowser, screenshot, openViewContainer, treeRows } from '../ui/harness.mjs';
//   const server = await startCodeServer({ vsix: 'jetstream-destinations-0.1.0.vsix', settings: { 'jetstream.servers': [...] } });
//   const { page, close } = await openBrowser(server.url);
//   await openViewContainer(page, 'JetStream');
//   await screenshot(page, 'tree');
//   await close(); await server.stop();
//
// Everything started here is also stopped (process trees killed by PID, temp dirs removed) on SIGINT/SIGTERM and
// when the process exits. Set HOST_KEEP=1 to keep the server's data dir (logs) for debugging.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, ensureChromium, launchBrowser, startProcess, startCodeServer as startServer } from '../../scripts/host/lib.mjs';

export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'screenshots');

/** Newest jetstream-destinations-*.vsix in the repo root (what `npm run package` writes), or undefined. */
export function newestVsix(dir = ROOT, prefix = 'jetstream-destinations-') {
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.vsix'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

/**
 * Install `vsix` into a fresh extensions dir, write user settings (merged over quiet defaults), start code-server
 * on 127.0.0.1 (`--auth none --disable-workspace-trust --reconnection-grace-time 5`, a free port unless `port`).
 * options: { vsix (default: newest in repo root), settings, port, folder (default: an empty temp folder), env }
 * Returns { url (workbench URL with the folder), baseUrl, port, folder, dataDir, logFile, stop() }.
 */
export async function startCodeServer({ vsix = newestVsix(), settings = {}, port, folder, env } = {}) {
  if (!vsix) throw new Error('no .vsix given and none in the repo root: run `npm run package` first');
  ensureChromium(); // UI tests need the browser next: install both up front
  const server = await startServer({ vsix, settings, port, folder, env });
  return server;
}

/**
 * The embedded simulator (dist/sim.js, built by `node scripts/build.mjs`) on a free loopback port, without
 * sign-in, with `args` added (e.g. ['--destinations', '12', '--seed', '11']). Tracked: stopped on exit too.
 * Returns { url, api(command, params) (POST /api/<command>, the result or a thrown error), stop() }.
 */
export async function startSimulator(args = []) {
  const sim = startProcess(process.execPath, [path.join(ROOT, 'dist/sim.js'), '--port', '0', '--no-auth', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    name: 'simulator',
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    sim.child.stdout.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    sim.exited.then((code) => reject(new Error(`simulator exited with ${code}`)));
  });
  const api = async (command, params = {}) => {
    const res = await fetch(`${url}/api/${command}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`${command}: ${body.error?.message}`);
    return body.result;
  };
  return { url, api, stop: sim.stop };
}

/**
 * Headless Chromium (fresh profile) on `url`, waiting until the workbench is there.
 * Returns { page, context, close() }.
 */
export async function openBrowser(url, { viewport = { width: 1280, height: 800 }, timeout = 60000 } = {}) {
  const browser = await launchBrowser({ viewport });
  try {
    if (url) {
      await browser.page.goto(url);
      await browser.page.waitForSelector('.monaco-workbench', { timeout });
    }
  } catch (e) {
    await browser.close();
    throw e;
  }
  return browser;
}

/** Save a PNG of the page to test-results/screenshots/<name>.png; returns its path. `settleMs` lets animations
 *  (notification toasts, hover fades) finish first. */
export async function screenshot(page, name, { settleMs = 300 } = {}) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  if (settleMs) await page.waitForTimeout(settleMs);
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

// --- selectors that work on VS Code 1.139 (code-server) ----------------------------------------------------

/** The activity-bar icon whose title starts with `title` (a view container contributed by the extension). */
export const activityBarItem = (page, title) => page.locator(`.activitybar [aria-label^="${title.replace(/"/g, '\\"')}"]`).first();

/** Click a view container's activity-bar icon (waits for it: it appears once the extension is registered). */
export async function openViewContainer(page, title, { timeout = 60000 } = {}) {
  const icon = activityBarItem(page, title);
  await icon.waitFor({ timeout });
  // clicking the icon of the container that is already open closes the side bar: only click when it is closed
  const open = await icon.evaluate((el) => {
    const item = el.closest('.action-item') ?? el;
    return item.classList.contains('checked') || [el, item].some((e) => e.getAttribute('aria-expanded') === 'true');
  });
  if (!open) {
    await icon.click();
    await page.mouse.move(0, 0); // no hover tooltip over the side bar in screenshots
  }
  return icon;
}

/** Rows of the trees in the side bar (optionally only those containing `hasText`). */
export const treeRows = (page, hasText) => page.locator('.pane-body .monaco-list-row', hasText ? { hasText } : {});

/** The tree's row of server `name`: a top-level row whose label is exactly `name` (a destination row may contain it). */
export const serverRow = (page, name) =>
  page.locator('.pane-body .monaco-list-row[aria-level="1"]', { has: page.locator('.label-name').getByText(name, { exact: true }) });

/** Expand or fold a tree row (a twistie click toggles, so look first). */
export async function setExpanded(row, expanded) {
  // A row VS Code has not yet made collapsible has no aria-expanded: a click then would toggle the wrong way.
  await row.and(row.page().locator('[aria-expanded]')).waitFor({ timeout: 20000 });
  if ((await row.getAttribute('aria-expanded')) !== String(expanded)) await row.locator('.monaco-tl-twistie').click();
  await row.and(row.page().locator(`[aria-expanded="${expanded}"]`)).waitFor({ timeout: 10000 });
}

/** Run a command from the palette (F1) by its title, e.g. 'JetStream: Add Server'. The row titled exactly so is
 *  clicked, else the first that contains it: Enter would run the palette's best match, which may be another command
 *  ('Preferences: Color Theme' lists 'Preferences: Browse Color Themes in Marketplace' first). */
export async function runCommand(page, title, { timeout = 10000 } = {}) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout });
  await input.fill(`>${title}`);
  const rows = page.locator('.quick-input-list .monaco-list-row', { hasText: title });
  await rows.first().waitFor({ timeout });
  const exact = rows.filter({ has: page.locator('.label-name').getByText(title, { exact: true }) });
  await ((await exact.count()) ? exact : rows).first().click();
}

/** The quick input (palette / showQuickPick / showInputBox) and its rows. */
export const quickInput = (page) => page.locator('.quick-input-widget');
export const quickInputRows = (page, hasText) => page.locator('.quick-input-list .monaco-list-row', hasText ? { hasText } : {});

/** Notification toasts (showInformationMessage & co.). */
export const notifications = (page, hasText) => page.locator('.notifications-toasts .notification-toast', hasText ? { hasText } : {});

/** An editor tab by its label. */
export const editorTab = (page, hasText) => page.locator('.tabs-container .tab', { hasText });

/**
 * Content of the active webview (a panel's HTML): outer iframe.webview.ready → inner iframe#active-frame.
 * It shows about 3 s after its tab; wait on a locator inside it.
 */
export const webviewFrame = (page) => page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

/** A visible action in the side bar view's title bar by its label, e.g. 'Filter Destinations…' (a view alone in its
 *  container shows its actions in the container's title; the pane header's copy is hidden). */
export const viewTitleAction = (page, label) =>
  page
    .locator(`.sidebar .title-actions .action-label[aria-label="${label.replace(/"/g, '\\"')}"]`)
    .filter({ visible: true })
    .first();

/** The line a TreeView's `message` shows above its rows. */
export const treeViewMessage = (page) => page.locator('.sidebar .tree-explorer-viewlet-tree-view > .message');

/** The workbench hover (a tree item's tooltip, a title action's label). */
export const hoverWidget = (page, hasText) => page.locator('.workbench-hover-container .monaco-hover', hasText ? { hasText } : {}).first();

/**
 * Calls `probe` until it returns a truthy value and returns that; after `timeout` ms it throws with `message` and the
 * last value. For what no locator can wait on: numbers on the simulator, pixels in a canvas.
 */
export async function waitUntil(probe, { timeout = 10000, interval = 100, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${message} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
