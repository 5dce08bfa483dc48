#!/usr/bin/env node
// `npm start` (after the build): try the extension in a real VS Code in your browser.
//   1. installs Node 24 and code-server into tools/ if needed (once; about 90 s)
//   2. starts the JetStream simulator: node dist/sim.js --port 0 --no-auth --destinations 24 --seed 7
//   3. packages the extension if the newest jetstream-destinations-*.vsix is missing or older than the build
//      (scripts/package.mjs; `npm run package` if nothing is built), installs it into a fresh
//      code-server with the user setting jetstream.servers = [{ name: 'Demo', url: <simulator> }]
//   4. serves VS Code on 127.0.0.1 (port: $PORT, or the first free one from 8080) and prints the URL to open
// Runs in the foreground (needs no stdin); Ctrl-C / SIGTERM stops everything it started.
//
// usage: node scripts/start.mjs [--port <n>] [--folder <dir>] [--vsix <file>] [--no-package]
// env:   PORT, JETSTREAM_SIM (simulator script instead of dist/sim.js), JETSTREAM_SIM_ARGS (more simulator flags,
//        e.g. "--destinations 40"), HOST_KEEP=1 (keep the temp data dir)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import {
  ROOT,
  ensureCodeServer,
  isPortFree,
  isShuttingDown,
  log,
  setSignalExitCode,
  startCodeServer,
  startProcess,
  stopAll,
  tailFile,
  parseOptions,
} from './host/lib.mjs';

const USAGE = 'usage: node scripts/start.mjs [--port <n>] [--folder <dir>] [--vsix <file>] [--no-package]';
const opts = parseOptions(
  {
    port: { type: 'string', default: process.env.PORT || undefined },
    folder: { type: 'string' },
    vsix: { type: 'string' },
    'no-package': { type: 'boolean', default: false },
  },
  USAGE,
);

setSignalExitCode(0); // Ctrl-C is the normal way to stop: no npm error block
const SIM = path.resolve(ROOT, process.env.JETSTREAM_SIM || 'dist/sim.js');
const fail = async (msg) => {
  if (isShuttingDown()) await new Promise(() => {}); // Ctrl-C / SIGTERM: the signal handler stops everything and exits
  console.error(`start: ${msg}`);
  await stopAll();
  process.exit(1);
};

// newest mtime of the files that go into the .vsix (the build output and the manifest)
function buildTime() {
  let newest = 0;
  const walk = (p) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      if (path.basename(p) === 'test') return; // dist/test is not packaged
      for (const f of fs.readdirSync(p)) walk(path.join(p, f));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  walk(path.join(ROOT, 'dist'));
  walk(path.join(ROOT, 'package.json'));
  return newest;
}

function newestVsix() {
  return fs
    .readdirSync(ROOT)
    .filter((f) => /^jetstream-destinations-.*\.vsix$/.test(f))
    .map((f) => ({ file: path.join(ROOT, f), mtime: fs.statSync(path.join(ROOT, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime)[0];
}

function packageVsix() {
  // `npm start` has just built: package that build (same flags as the `package` script, which would build again);
  // without a build, `npm run package` builds and packages. Each step prints its own line with its time
  // (and vsce's output only when it fails), so npm's banner of the script it runs is left out.
  const built = fs.existsSync(path.join(ROOT, 'dist', 'extension.js'));
  const [cmd, args] = built ? [process.execPath, [path.join(ROOT, 'scripts', 'package.mjs')]] : ['npm', ['run', '--silent', 'package']];
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** Start the simulator and resolve with its URL once it prints `listening on http://...`. */
async function startSim() {
  if (!fs.existsSync(SIM)) throw new Error(`no simulator at ${SIM}: run the build first (npm run build)`);
  const extra = (process.env.JETSTREAM_SIM_ARGS ?? '').split(/\s+/).filter(Boolean); // e.g. "--destinations 40"
  const sim = startProcess(process.execPath, [SIM, '--port', '0', '--no-auth', '--destinations', '24', '--seed', '7', ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    name: 'simulator',
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the simulator did not report "listening on http://..." within 30 s')), 30000);
    const onLine = (line) => {
      console.log(`[sim] ${line}`);
      const m = /listening on (https?:\/\/[^\s,;)]+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    };
    readline.createInterface({ input: sim.child.stdout }).on('line', onLine);
    readline.createInterface({ input: sim.child.stderr }).on('line', onLine);
    sim.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the simulator exited with ${code} before it was ready`));
    });
  });
  return { ...sim, url };
}

try {
  await ensureCodeServer();

  let vsix = opts.vsix && path.resolve(opts.vsix);
  if (!vsix) {
    let found = newestVsix();
    if (!opts['no-package'] && (!found || found.mtime < buildTime())) {
      packageVsix();
      found = newestVsix();
    }
    if (!found) throw new Error('no jetstream-destinations-*.vsix in the repo root (npm run package)');
    vsix = found.file;
  }

  if (opts.port && !(await isPortFree(Number(opts.port)))) throw new Error(`port ${opts.port} is already in use on 127.0.0.1`);
  const sim = await startSim();
  log(`simulator at ${sim.url}`);

  const server = await startCodeServer({
    vsix,
    port: opts.port,
    firstPort: 8080,
    folder: opts.folder,
    settings: { 'jetstream.servers': [{ name: 'Demo', url: sim.url }] },
  });

  console.log(`\nJetStream Destinations (${path.basename(vsix)}) in VS Code, with the simulator as server "Demo". Open:\n`);
  console.log(server.url);
  console.log(`\n(from another machine: ssh -L ${server.port}:127.0.0.1:${server.port} <this host>)  Stop with Ctrl-C.\n`);

  // foreground until a signal (lib's handlers stop everything) or until one of the two dies
  const which = await Promise.race([server.exited.then((c) => ['code-server', c]), sim.exited.then((c) => ['simulator', c])]);
  if (which[0] === 'code-server' && !isShuttingDown()) console.error(tailFile(server.logFile, 30));
  await fail(`${which[0]} exited unexpectedly (code ${which[1]})`);
} catch (e) {
  await fail(e.message);
}
