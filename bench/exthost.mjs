// What the extension costs where a user pays it: the packaged .vsix in code-server (VS Code's real
// extension host, its own tree bookkeeping included) and Debian's Chromium showing the view.
//   - extHostCpu10k: the extension host process's CPU share over 60 s with 10,000 destinations and the
//     Destinations view visible; then with the view hidden (no polling at all).
//   - activationMs: from the start of activate() to the first tree items returned, with three servers
//     configured and the view visible at start (the extension logs it).
// usage: node bench/exthost.mjs --vsix FILE --sim dist/sim.js [--seconds 60]   prints one JSON line.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser, processTree, startCodeServer, stopAll } from '../scripts/host/lib.mjs';

const { values: opts } = parseArgs({
  options: { vsix: { type: 'string' }, sim: { type: 'string' }, seconds: { type: 'string', default: '60' } },
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

function activationMs(dataDir) {
  const logs = [];
  const walk = (dir) => {
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (name === 'JetStream.log') logs.push(fs.readFileSync(p, 'utf8'));
    }
  };
  walk(path.join(dataDir, 'user', 'logs'));
  const all = [...logs.join('\n').matchAll(/activated in ([\d.]+) ms/g)].map((m) => Number(m[1]));
  return all.at(-1);
}

const result = {};
const big = await startSim(10_000);
const small = await startSim(100);
try {
  // CPU with 10,000 destinations.
  const cs = await startCodeServer({ vsix: opts.vsix, settings: { 'jetstream.servers': [{ name: 'Big', url: big.url }] } });
  const browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
  await browser.page.goto(cs.url);
  await browser.page.waitForSelector('.monaco-workbench', { timeout: 60000 });
  await openView(browser.page);
  await browser.page.locator('.pane-body .monaco-list-row', { hasText: 'destinations' }).first().waitFor({ timeout: 120000 });
  const host = extensionHost(cs.pid);
  if (!host) throw new Error('no extension host process found');
  await new Promise((r) => setTimeout(r, 5000)); // past the first list
  result.extHostCpu10k = Math.round((await cpuShare(host, SECONDS)) * 1000) / 10;
  // Hidden: another view container in front.
  await browser.page.keyboard.press('Control+Shift+E');
  await new Promise((r) => setTimeout(r, 3000));
  result.extHostCpuHidden10k = Math.round((await cpuShare(host, SECONDS)) * 1000) / 10;
  await browser.close();
  await cs.stop();

  // Activation with three servers, the view visible at start: open it once, then reload the window.
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
  result.activationMs = activationMs(cs2.dataDir) ?? null;
  await b2.close();
  await cs2.stop();
} finally {
  big.stop();
  small.stop();
  await stopAll();
}
console.log(JSON.stringify(result));
