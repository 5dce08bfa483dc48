/**
 * The details page's real bundle (dist/webview.js + .css) in headless Chromium, in the very HTML the
 * panel sets (strict CSP and all), themed as VS Code themes a webview, with a stand-in for
 * acquireVsCodeApi that records what the page posts and keeps its state the way VS Code does: as JSON,
 * handed back by getState() when the page is loaded again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Destination } from '../../src/api/schemas';
import { detailsHtml, escapeAttribute } from '../../src/views/detailsHtml';
import { tableHtml } from '../../src/views/tableHtml';
import type { SnapshotMessage } from '../../src/webview/protocol';
import { THEMES, themeClasses, themeStyle, type ThemeName } from './themes';

export const root = path.resolve(import.meta.dirname, '../..');
const NONCE = 'dGVzdC1ub25jZS0xMjM0NTY3OA==';
const STATE_KEY = 'vscode-webview-state';

export interface OpenOptions {
  theme?: ThemeName;
  width?: number;
  height?: number;
  /** What getState() returns on the first load, as if VS Code had kept it. */
  state?: unknown;
  l10n?: Record<string, string>;
}

export interface Posted {
  type: string;
  [k: string]: unknown;
}

export class Harness {
  private constructor(
    private readonly server: Server,
    readonly origin: string,
    readonly browser: Browser,
  ) {}

  static async start(): Promise<Harness> {
    const files: Record<string, [string, string]> = {
      '/webview.js': ['text/javascript', readFileSync(path.join(root, 'dist/webview.js'), 'utf8')],
      '/webview.css': ['text/css', readFileSync(path.join(root, 'dist/webview.css'), 'utf8')],
    };
    for (const [file, type] of [
      ['table.js', 'text/javascript'],
      ['table.css', 'text/css'],
    ] as const)
      if (existsSync(path.join(root, 'dist', file))) files[`/${file}`] = [type, readFileSync(path.join(root, 'dist', file), 'utf8')];
    let origin = '';
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/' || url.pathname === '/table') {
        const theme = (url.searchParams.get('theme') ?? 'dark') as ThemeName;
        const l10n = url.searchParams.get('l10n');
        const parts = {
          cspSource: origin,
          nonce: NONCE,
          l10n: l10n ? (JSON.parse(l10n) as Record<string, string>) : undefined,
        };
        const html = (
          url.pathname === '/table'
            ? tableHtml({ ...parts, scriptUri: `${origin}/table.js`, styleUri: `${origin}/table.css` })
            : detailsHtml({
                ...parts,
                scriptUri: `${origin}/webview.js`,
                styleUri: `${origin}/webview.css`,
                state: { server: 'Lab', destinationId: 'd-1' },
              })
        )
          .replace('<html lang="en">', `<html lang="en" style="${escapeAttribute(themeStyle(theme))}">`)
          .replace('<body ', `<body class="${themeClasses(theme)}" data-vscode-theme-kind="${THEMES[theme].kind}" `);
        res.writeHead(200, { 'content-type': 'text/html' }).end(html);
        return;
      }
      const file = files[url.pathname];
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const browser = await chromium.launch({
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
    return new Harness(server, origin, browser);
  }

  async open(o: OpenOptions = {}): Promise<PanelPage> {
    return this.load('/', '#title', o);
  }

  /** The destinations table's page, in the HTML its panel sets. */
  async openTable(o: OpenOptions = {}): Promise<PanelPage> {
    return this.load('/table', '#grid', o);
  }

  private async load(where: string, ready: string, o: OpenOptions): Promise<PanelPage> {
    const page = await this.browser.newPage({ viewport: { width: o.width ?? 1100, height: o.height ?? 900 } });
    // A string, not a function: the TypeScript loader would wrap a function's names in helpers the page lacks.
    await page.addInitScript(`
      window.__posted = [];
      window.__states = 0;
      if (${JSON.stringify(o.state !== undefined)}) sessionStorage.setItem('${STATE_KEY}', ${JSON.stringify(JSON.stringify(o.state ?? null))});
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__posted.push(m),
        getState: () => { const s = sessionStorage.getItem('${STATE_KEY}'); return s === null ? undefined : JSON.parse(s); },
        setState: (s) => { window.__states++; sessionStorage.setItem('${STATE_KEY}', JSON.stringify(s)); },
      });
    `);
    const errors: string[] = [];
    page.on('pageerror', (e) => {
      errors.push(e.message);
      console.error('[page error]', e.message);
    });
    const query = new URLSearchParams({ theme: o.theme ?? 'dark' });
    if (o.l10n) query.set('l10n', JSON.stringify(o.l10n));
    await page.goto(`${this.origin}${where}?${query}`);
    await page.waitForSelector(ready, { state: 'attached' });
    return new PanelPage(page, errors, o);
  }

  /**
   * The tab switch: VS Code drops a hidden webview and loads it anew when it shows, with the same HTML;
   * getState() then returns `state`, the last state the page saved.
   */
  async reopen(old: PanelPage, state: unknown): Promise<PanelPage> {
    await old.page.close();
    return this.open({ ...old.options, state });
  }

  async close(): Promise<void> {
    await this.browser?.close();
    this.server?.close();
  }
}

export class PanelPage {
  constructor(
    readonly page: Page,
    readonly errors: string[],
    readonly options: OpenOptions,
  ) {}

  async post(message: unknown): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, '*'), message);
    await this.page.waitForTimeout(30);
  }

  posted(): Promise<Posted[]> {
    return this.page.evaluate(() => (window as unknown as { __posted: Posted[] }).__posted);
  }

  /** What the page last gave setState, as VS Code would keep it. */
  state(): Promise<Record<string, unknown> | undefined> {
    return this.page.evaluate((key) => {
      const s = sessionStorage.getItem(key);
      return s === null ? undefined : (JSON.parse(s) as Record<string, unknown>);
    }, STATE_KEY);
  }

  /**
   * A theme change as VS Code makes it: the body's classes, then each variable on <html> through the
   * CSSOM (the CSP would refuse a new style attribute).
   */
  async setTheme(name: ThemeName): Promise<void> {
    await this.page.evaluate(
      ([classes, kind, vars]) => {
        document.body.className = classes;
        document.body.dataset.vscodeThemeKind = kind;
        const style = document.documentElement.style;
        for (const p of [...style]) if (p.startsWith('--vscode-')) style.removeProperty(p);
        for (const [k, v] of Object.entries(vars)) style.setProperty(`--vscode-${k}`, v);
      },
      [themeClasses(name), THEMES[name].kind, THEMES[name].vars as Record<string, string>] as const,
    );
    await this.page.waitForTimeout(100);
  }

  text(selector: string): Promise<string> {
    return this.page.locator(selector).innerText();
  }
}

export function destination(over: Partial<Destination> = {}): Destination {
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

/** Sample times of the plots: a minute, one a second, ending at `end` (ms). */
export function snapshot(d: Destination, over: Partial<SnapshotMessage> = {}, end = 1_790_000_059_000): SnapshotMessage {
  const t = Array.from({ length: 60 }, (_, i) => end - (59 - i) * 1000);
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
