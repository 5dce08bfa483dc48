// What the extension costs where a user pays it: the packaged .vsix in code-server (VS Code's real
// extension host, its own tree bookkeeping included) and Debian's Chromium showing the view.
//   - extHostCpu10k: the extension host process's CPU share over 60 s with 10,000 destinations and the
//     Destinations view visible; then with the view hidden (no polling at all).
//   - intervalS10k: the mean time between two refreshes of the 10,000 server meanwhile.
//   - activationMs: from the start of activate() to the first tree items returned, with three servers
//     configured and the view visible at start (the extension logs it); activateOwnMs: activate() alone.
// usage: node bench/exthost.mjs --vsix FILE --sim dist/sim.js [--seconds 60] [--only cpu|activation]
// prints one JSON line.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser, processTree, startCodeServer, stopAll } from '../scripts/host/lib.mjs';

const { values: opts } = parseArgs({
  options: { vsix: { type: 'string' }, sim: { type: 'string' }, seconds: { type: 'string', default: '60' }, only: { type: 'string' } },
});
const SECONDS = Number(opts.seconds);
const TICK = 100; // Linux clock ticks per second for /proc/<pid>/stat

function startSim(n) {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [opts.sim, '--port', '0', '--no-auth', '--destinations', String(n), '--seed', '3', '--tick-ms', '1000'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    proc.stdout.on('data', (c) => {
      out += c;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve({ url: m[1], stop: () => proc.kill() });
    });
    proc.on('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
  });
}

/** The extension host: code-server's node child started with --type=extensionHost. */
function extensionHost(serverPid) {
  for (const pid of processTree(serverPid)) {
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('extensionHost')) return pid;
    } catch {
      /* gone */
    }
  }
  return undefined;
}

function cpuTicks(pid) {
  const rest = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(rest[11]) + Number(rest[12]); // utime + stime
}

async function cpuShare(pid, seconds) {
  const t0 = Date.now();
  const c0 = cpuTicks(pid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return (cpuTicks(pid) - c0) / TICK / ((Date.now() - t0) / 1000);
}

async function openView(page) {
  const icon = page.locator('.activitybar [aria-label^="JetStream"]').first();
  await icon.waitFor({ timeout: 60000 });
  await icon.click();
}

/** The mean time between two refreshes of a server from t0 to t1 (ms since the epoch), in s, from the extension's debug log. */
function refreshInterval(dataDir, server, t0, t1) {
  const at = [...jetStreamLog(dataDir).matchAll(new RegExp(`^(\\S+ \\S+) \\[debug\\] ${server}: \\d+ destinations in`, 'gm'))]
    .map((m) => new Date(m[1].replace(' ', 'T')).getTime())
    .filter((t) => t >= t0 && t <= t1);
  return at.length > 1 ? Math.round((at.at(-1) - at[0]) / (at.length - 1) / 100) / 10 : null;
}

function jetStreamLog(dataDir) {
  const logs = [];
  const walk = (dir) => {
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (name === 'JetStream.log') logs.push(fs.readFileSync(p, 'utf8'));
    }
  };
  walk(path.join(dataDir, 'user', 'logs'));
  return logs.join('\n');
}

/** The last figure the extension logged with this pattern (the reloaded window's). */
const lastLogged = (log, pattern) => [...log.matchAll(pattern)].map((m) => Number(m[1])).at(-1) ?? null;

const result = {};
const big = await startSim(10_000);
const small = await startSim(100);
try {
  if (opts.only !== 'activation') await measureCpu();
  if (opts.only !== 'cpu') await measureActivation();
} finally {
  big.stop();
  small.stop();
  await stopAll();
}
console.log(JSON.stringify(result));

/** CPU with 10,000 destinations, the view visible and then hidden. */
async function measureCpu() {
  // The debug log has a line per refresh, for the interval polling stretched to.
  const cs = await startCodeServer({
    vsix: opts.vsix,
    args: ['--log', 'debug'],
    settings: { 'jetstream.servers': [{ name: 'Big', url: big.url }] },
  });
  const browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
  await browser.page.goto(cs.url);
  await browser.page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  await openView(browser.page);
  await browser.page.locator('.pane-body .monaco-list-row', { hasText: 'destinations' }).first().waitFor({ timeout: 120000 });
  const host = extensionHost(cs.pid);
  if (!host) throw new Error('no extension host process found');
  await new Promise((r) => setTimeout(r, 5000)); // past the first list
  const t0 = Date.now();
  result.extHostCpu10k = Math.round((await cpuShare(host, SECONDS)) * 1000) / 10;
  result.intervalS10k = refreshInterval(cs.dataDir, 'Big', t0, Date.now());
  // Hidden: another view container in front.
  await browser.page.keyboard.press('Control+Shift+E');
  await new Promise((r) => setTimeout(r, 3000));
  result.extHostCpuHidden10k = Math.round((await cpuShare(host, SECONDS)) * 1000) / 10;
  await browser.close();
  await cs.stop();
}

/** Activation with three servers, the view visible at start: open it once, then reload the window. */
async function measureActivation() {
  const cs2 = await startCodeServer({
    vsix: opts.vsix,
    settings: { 'jetstream.servers': ['A', 'B', 'C'].map((name) => ({ name, url: small.url })) },
  });
  const b2 = await launchBrowser({ viewport: { width: 1280, height: 800 } });
  await b2.page.goto(cs2.url);
  await b2.page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  await openView(b2.page);
  await b2.page.locator('.pane-body .monaco-list-row', { hasText: 'destinations' }).first().waitFor({ timeout: 60000 });
  await new Promise((r) => setTimeout(r, 6000)); // the reconnection grace time: the next window gets a new host
  await b2.page.reload();
  await b2.page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  await b2.page.locator('.pane-body .monaco-list-row', { hasText: 'destinations' }).first().waitFor({ timeout: 60000 });
  await new Promise((r) => setTimeout(r, 1000));
  const log = jetStreamLog(cs2.dataDir);
  result.activationMs = lastLogged(log, /activated in ([\d.]+) ms/g);
  // activate()'s own part; the rest is the host's other work (its built-in extensions starting).
  result.activateOwnMs = lastLogged(log, /activate\(\) returned after ([\d.]+) ms/g);
  await b2.close();
  await cs2.stop();
}
