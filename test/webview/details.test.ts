/**
 * The details page's real bundle (dist/webview.js + .css) in headless Chromium, in the very HTML the
 * panel sets, with a stand-in for acquireVsCodeApi that records what the page posts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DESTINATION_FIELDS, TRANSFER_DEFAULTS_FIELDS, type Destination } from '../../src/api/schemas';
import { detailsHtml } from '../../src/views/detailsHtml';
import type { SnapshotMessage } from '../../src/webview/protocol';
import { HOSTILE_STRINGS } from '../fixtures/hostile';

const root = path.resolve(import.meta.dirname, '../..');
const shots = path.join(root, 'test-results/screenshots');
mkdirSync(shots, { recursive: true });
const NONCE = 'dGVzdC1ub25jZS0xMjM0NTY3OA==';

let server: Server;
let origin: string;
let browser: Browser;
let page: Page;

const THEMES: Record<string, string> = {
  dark: '--vscode-foreground:#cccccc;--vscode-editor-background:#1e1e1e;--vscode-descriptionForeground:#9d9d9d;--vscode-charts-blue:#3794ff;--vscode-charts-red:#f14c4c;--vscode-charts-green:#89d185;--vscode-editorWidget-border:#454545;--vscode-button-secondaryBackground:#3a3d41;--vscode-button-secondaryForeground:#ccc;--vscode-input-background:#3c3c3c;--vscode-input-foreground:#ccc;--vscode-testing-iconPassed:#73c991;--vscode-errorForeground:#f48771;--vscode-textCodeBlock-background:#2a2a2a;--vscode-font-family:sans-serif;--vscode-editor-font-family:monospace;--vscode-font-size:13px',
};

function destination(over: Partial<Destination> = {}): Destination {
  return {
    connectionId: 'c-1',
    destinationAddress: 'receiver.example.com',
    destinationId: 'd-1',
    destinationIP: '192.0.2.10',
    destinationPort: 8886,
    destinationPublicKey: 'PUBKEY-AAAA',
    encryptedConnectionState: 'connected',
    encryptionEnabled: true,
    lastDestinationServerId: 'srv-instance',
    lastDestinationServerUid: 'srv-uid',
    lastError: null,
    lastErrorMessage: null,
    lastRecvTime: 1_790_000_000_000_000,
    lastSendTime: 1_790_000_000_000_000,
    numTransfersQueued: 3,
    owner: 'demo',
    permittedDestinationPublicKey: null,
    priorityLanes: { interactive: 0.3, bulk: 0.5 },
    relayIP: null,
    relayPort: null,
    roundTripTimeMs: 42,
    senderIP: '198.51.100.2',
    senderPort: 40000,
    sendRateAverage: 61_500,
    sendRateMax: 100_000,
    snapshotTime: 1_790_000_000_000_000,
    socketRecvBufferSize: 4_194_304,
    socketSendBufferSize: 8_388_608,
    transferDefaults: {
      checkpointFrequencySeconds: 30,
      overwriteMode: 3,
      priority: 2,
      priorityLane: 'bulk',
      sendRateMax: 50_000,
      transferFlags: 0,
    },
    userData: { team: 'media', ticket: 'OPS-42' },
    ...over,
  } as Destination;
}

function snapshot(d: Destination, over: Partial<SnapshotMessage> = {}): SnapshotMessage {
  const t = Array.from({ length: 60 }, (_, i) => 1_790_000_000_000 + i * 1000);
  return {
    type: 'snapshot',
    server: 'Lab',
    destination: d,
    problems: [],
    status: 'connected',
    liveness: 'live',
    history: {
      t,
      sendRateAverage: t.map((_, i) => 50_000 + 10_000 * Math.sin(i / 5)),
      sendRateMax: t.map(() => 100_000),
      roundTripTimeMs: t.map((_, i) => 40 + (i % 7)),
    },
    ...over,
  };
}

async function post(message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
  await page.waitForTimeout(30);
}

async function posted(): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
}

before(async () => {
  const files: Record<string, [string, string]> = {
    '/webview.js': ['text/javascript', readFileSync(path.join(root, 'dist/webview.js'), 'utf8')],
    '/webview.css': ['text/css', readFileSync(path.join(root, 'dist/webview.css'), 'utf8')],
  };
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      const theme = THEMES[url.searchParams.get('theme') ?? ''] ?? '';
      const html = detailsHtml({
        cspSource: origin,
        nonce: NONCE,
        scriptUri: `${origin}/webview.js`,
        styleUri: `${origin}/webview.css`,
        state: { server: 'Lab', destinationId: 'd-1' },
      }).replace('<html lang="en">', `<html lang="en" style="${theme}">`);
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    const file = files[url.pathname];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  // The stand-in VS Code gives the page: it records every message the page posts.
  // A string, not a function: the TypeScript loader would wrap a function's names in helpers the page lacks.
  await page.addInitScript(`
    window.__posted = [];
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), setState: (s) => { window.__state = s; } });
  `);
  page.on('pageerror', (e) => console.error('[page error]', e.message));
  await page.goto(`${origin}/?theme=dark`);
  await page.waitForSelector('#title', { state: 'attached' });
});

describe('details page', () => {
  it('says it is ready, then shows every field of the Destination structure', async () => {
    assert.deepEqual((await posted())[0], { type: 'ready' });
    await post(snapshot(destination()));
    for (const field of DESTINATION_FIELDS) {
      if (field === 'transferDefaults') continue;
      assert.equal(await page.locator(`[data-field="${field}"]`).count(), 1, `${field} shown once`);
    }
    for (const field of TRANSFER_DEFAULTS_FIELDS)
      assert.equal(await page.locator(`[data-field="transferDefaults.${field}"]`).count(), 1, field);
    const text = (sel: string) => page.locator(sel).innerText();
    assert.equal(await text('#title'), 'receiver.example.com:8886');
    assert.equal(await text('[data-field="sendRateAverage"]'), '61.5 Mbit/s (61,500 kbit/s)');
    assert.equal(await text('[data-field="socketSendBufferSize"]'), '8 MiB (8,388,608 bytes)');
    assert.equal(await text('[data-field="transferDefaults.overwriteMode"]'), '3: Part file, never overwrite (OVERWRITE_NEVER)');
    assert.equal(await text('[data-field="transferDefaults.transferFlags"]'), '0 (none)');
    assert.match(await text('[data-field="snapshotTime"]'), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(.+\)$/);
    assert.match(await text('[data-field="priorityLanes"]'), /interactive: 30 %[\s\S]*bulk: 50 %[\s\S]*unassigned: 20 %/);
    assert.equal(await page.locator('.lane-bar .lane').count(), 3);
    assert.match((await page.locator('pre.raw').textContent()) ?? '', /"destinationId": "d-1"/);
    await page.screenshot({ path: path.join(shots, 'details-dark.png'), fullPage: true });
  });

  it('marks fields an older server does not send as absent, not as errors', async () => {
    const d = destination();
    delete (d as Partial<Destination>).ownerToken;
    delete (d as Partial<Destination>).priorityLanes;
    await post(snapshot(d));
    assert.match(await page.locator('[data-field="ownerToken"]').innerText(), /absent/);
    assert.match(await page.locator('[data-field="priorityLanes"]').innerText(), /absent/);
  });

  it('draws the send-rate and round-trip plots from the history', async () => {
    await post(snapshot(destination()));
    await page.waitForTimeout(200);
    for (const id of ['#rate-chart', '#rtt-chart']) {
      const inked = await page.locator(`${id} canvas`).evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n;
      });
      assert.ok(inked > 500, `${id} has drawn pixels (${inked})`);
    }
  });

  it('patches a live update in place, keeping an edit in progress and its focus', async () => {
    await post(snapshot(destination()));
    await page.locator('tr[data-key="team"] button', { hasText: 'Edit' }).click();
    const input = page.locator('tr[data-key="team"] input');
    await input.fill('half-typed');
    await post(snapshot(destination({ sendRateAverage: 12_000, userData: { team: 'changed-elsewhere', ticket: 'OPS-43', extra: 'new' } })));
    assert.equal(await input.inputValue(), 'half-typed');
    assert.ok(await input.evaluate((el) => el === document.activeElement), 'focus stays in the edit');
    assert.equal(await page.locator('[data-field="sendRateAverage"]').innerText(), '12 Mbit/s (12,000 kbit/s)');
    assert.equal(await page.locator('tr[data-key="ticket"] td.value').innerText(), 'OPS-43');
    assert.equal(await page.locator('tr[data-key="extra"] td.value').innerText(), 'new');
    await input.press('Enter');
    const last = (await posted()).at(-1)!;
    assert.deepEqual({ ...last, requestId: 0 }, { type: 'setUserData', requestId: 0, key: 'team', value: 'half-typed' });
  });

  it('shows a userData change the server refused next to its row', async () => {
    await post(snapshot(destination()));
    await page.locator('tr[data-key="ticket"] button', { hasText: 'Delete' }).click();
    const request = (await posted()).at(-1)!;
    assert.equal(request.type, 'deleteUserData');
    await post({
      type: 'userDataResult',
      requestId: request.requestId,
      key: 'ticket',
      ok: false,
      error: "Server 'Lab' denied user demo permission",
    });
    assert.equal(await page.locator('tr[data-key="ticket"] .row-error').innerText(), "Server 'Lab' denied user demo permission");
  });

  it('adds a userData entry, refusing an empty key before anything is sent', async () => {
    await post(snapshot(destination()));
    const before = (await posted()).length;
    await page.locator('tfoot button', { hasText: 'Add' }).click();
    assert.equal((await posted()).length, before, 'nothing sent');
    assert.equal(await page.locator('tfoot .row-error').innerText(), 'Enter a key.');
    await page.locator('tfoot input[aria-label="New key"]').fill('owner-team');
    await page.locator('tfoot input[aria-label="New value"]').fill('ops');
    await page.locator('tfoot input[aria-label="New value"]').press('Enter');
    const m = (await posted()).at(-1)!;
    assert.equal(m.type, 'setUserData');
    assert.equal(m.key, 'owner-team');
    assert.equal(m.value, 'ops');
  });

  it('marks a deleted destination instead of blanking it', async () => {
    await post(snapshot(destination()));
    await post(snapshot(destination(), { liveness: 'deleted' }));
    assert.match(await page.locator('#banner').innerText(), /no longer exists/);
    assert.equal(await page.locator('#title').innerText(), 'receiver.example.com:8886');
  });

  it('ignores messages that do not match the protocol', async () => {
    await post(snapshot(destination()));
    await post({ type: 'snapshot', destination: { destinationAddress: 'forged' } });
    await post({ type: 'evil', html: '<img src=x onerror=alert(1)>' });
    assert.equal(await page.locator('#title').innerText(), 'receiver.example.com:8886');
  });

  it('renders every hostile string as inert text', async () => {
    const errors: string[] = [];
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    for (const hostile of HOSTILE_STRINGS) {
      await post(
        snapshot(
          destination({
            destinationAddress: hostile,
            lastError: hostile,
            lastErrorMessage: hostile,
            owner: hostile,
            userData: { [hostile.slice(0, 256) || 'k']: hostile, plain: hostile },
            priorityLanes: { [hostile.slice(0, 100) || 'lane']: 0.5 },
          }),
        ),
      );
      assert.equal(
        await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
        undefined,
        `executed: ${JSON.stringify(hostile).slice(0, 80)}`,
      );
      const shown = await page.locator('[data-field="lastErrorMessage"]').textContent();
      assert.equal(shown, hostile, 'shown as the very text');
    }
    assert.equal(await page.locator('#app img, #app script, #app iframe, #app a[href]').count(), 0, 'no element came from server data');
    assert.deepEqual(errors, []);
  });

  it('lets the Content-Security-Policy block an injected inline script', async () => {
    const violations = await page.evaluate(async () => {
      const seen: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective));
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = 1';
      document.body.append(s);
      await new Promise((r) => setTimeout(r, 100));
      return seen;
    });
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.ok(
      violations.some((v) => v.startsWith('script-src')),
      `violations: ${violations}`,
    );
  });
});
