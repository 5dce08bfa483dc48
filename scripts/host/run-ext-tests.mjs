#!/usr/bin/env node
// Run the extension's mocha tests inside code-server's real (Node) extension host, driven by headless Chromium.
//
// usage: node scripts/host/run-ext-tests.mjs --extension <dir> --tests <abs path to dist/test/vscode/index.js>
//          [--workspace <dir>] [--settings <settings.json>] [--port <n>] [--timeout <ms>] [--keep] [--verbose]
//          [--debug-browser]
//
// The workbench reads the `payload` URL parameter (extensionDevelopmentPath, extensionTestsPath) when code-server
// runs with `--vscode-option enable-smoke-test-driver`, runs `run()` of the tests entry in the extension host, and
// reports through window.codeAutomationLog(type, args) (test output) and window.codeAutomationExit(code).
// code-server is started with this process's environment, so the extension host sees e.g. JETSTREAM_TEST_SIM_URL.
// Exit code: the tests' exit code (1 on timeout or harness error); on failure the server log tail is printed.
import fs from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import {
  ensureChromium,
  extHostLogs,
  isShuttingDown,
  launchBrowser,
  log,
  startCodeServer,
  stopAll,
  tailFile,
  parseOptions,
} from './lib.mjs';

const USAGE =
  'usage: node scripts/host/run-ext-tests.mjs --extension <dir> --tests <dist/test/vscode/index.js> ' +
  '[--workspace <dir>] [--settings <settings.json>] [--port <n>] [--timeout <ms>] [--keep] [--verbose] [--debug-browser]';

// Workbench chatter that also reaches codeAutomationLog; hidden unless --verbose (the test output is what matters).
const CHATTER = [
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket \(/,
  /^\[reconnection-grace-time\]/,
  /^\[Service Worker\]/,
  /^\[AgentHost:/,
  /^\[AccountPolicyGate\]/,
  /^Ignoring fetching additional builtin extensions from gallery/,
  /^Updating additional builtin extensions cache/,
];

const opts = parseOptions(
  {
    extension: { type: 'string' },
    tests: { type: 'string' },
    workspace: { type: 'string' },
    settings: { type: 'string' },
    port: { type: 'string' },
    timeout: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'debug-browser': { type: 'boolean', default: !!process.env.DEBUG_BROWSER },
    verbose: { type: 'boolean', short: 'v', default: !!process.env.VERBOSE },
  },
  USAGE,
);
if (!opts.extension || !opts.tests) {
  console.error(USAGE);
  process.exit(2);
}

const extension = path.resolve(opts.extension);
const tests = path.resolve(opts.tests);
const workspace = opts.workspace ? path.resolve(opts.workspace) : undefined;
const timeoutMs = Number(opts.timeout ?? process.env.TEST_TIMEOUT_MS ?? 180000);
for (const [what, p] of [
  ['extension folder', path.join(extension, 'package.json')],
  ['tests entry', tests],
  ...(workspace ? [['workspace', workspace]] : []),
]) {
  if (!fs.existsSync(p)) {
    console.error(`run-ext-tests: no ${what}: ${p}`);
    process.exit(2);
  }
}
let settings = {};
if (opts.settings) {
  try {
    settings = JSON.parse(fs.readFileSync(opts.settings, 'utf8'));
  } catch (e) {
    console.error(`run-ext-tests: cannot read settings ${opts.settings}: ${e.message}`);
    process.exit(2);
  }
}

const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
let code;
let server;
try {
  ensureChromium();
  server = await startCodeServer({
    port: opts.port,
    settings,
    folder: workspace,
    keepDataDir: opts.keep || undefined,
    args: ['--vscode-option', 'enable-smoke-test-driver'],
  });
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extension)],
    ['extensionTestsPath', remote(tests)],
    ['skipWelcome', 'true'],
  ];
  const url = `${server.url}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  const browser = await launchBrowser();
  try {
    const { page } = browser;
    let exited;
    const done = new Promise((resolve) => (exited = resolve));
    await page.exposeFunction('codeAutomationLog', (level, message) => {
      const text = Array.isArray(message) ? format(...message) : String(message); // mocha logs printf-style
      if (!opts.verbose && CHATTER.some((re) => re.test(text))) return;
      (level === 'error' || level === 'warn' ? console.error : console.log)(text);
    });
    await page.exposeFunction('codeAutomationExit', (c) => exited(Number(c)));
    if (opts['debug-browser']) page.on('console', (m) => console.error('[browser]', m.type(), m.text().slice(0, 500)));
    page.on('pageerror', (e) => opts['debug-browser'] && console.error('[browser pageerror]', e.message));
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no result after ${timeoutMs} ms (raise with --timeout)`)), timeoutMs);
    });
    const serverDied = server.exited.then((c) => {
      throw new Error(`code-server exited with ${c} during the tests`);
    });
    serverDied.catch(() => {}); // also rejects when we stop it at the end
    await page.goto(url);
    code = await Promise.race([done, timeout, serverDied]);
    clearTimeout(timer);
  } finally {
    await browser.close();
  }
} catch (e) {
  if (isShuttingDown()) await new Promise(() => {}); // a signal handler is stopping everything and will exit
  console.error(`run-ext-tests: ${e.message}`);
  code = 1;
}
if (!Number.isInteger(code)) code = 1;
if (code !== 0 && server) {
  console.error(`--- code-server log (${server.logFile}), last 40 lines ---\n${tailFile(server.logFile, 40)}`);
  const [exthost] = extHostLogs(server.dataDir);
  if (exthost) console.error(`--- extension host log (${path.basename(exthost)}), last 40 lines ---\n${tailFile(exthost, 40)}`);
}
await stopAll();
log(`extension tests finished with exit code ${code} in ${secs()} s`);
process.exit(code);
