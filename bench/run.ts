/**
 * `npm run bench`: what the extension costs at 1 Hz against the simulator on loopback, each figure beside
 * its floor (fetching the bytes and a bare JSON.parse of them), so a noisy machine still compares.
 *
 * usage: node dist/bench.js [--quick] [--json FILE]
 * The store and tree provider are the extension's own code; only the `vscode` module is stood in for.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { JetStreamClient } from '../src/api/client';
import { CliTransport } from '../src/api/cliTransport';
import { destinationKey } from '../src/api/destinationList';
import { ServerHistory } from '../src/model/history';
import type { ServerProfile } from '../src/model/profiles';
import { RefreshScheduler } from '../src/model/scheduler';
import { DestinationStore } from '../src/model/store';
import { DestinationsTreeProvider } from '../src/views/tree';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    sizes: { type: 'string' },
    'only-ticks': { type: 'boolean', default: false },
  },
});
const root = path.resolve(__dirname, '..');
const SIZES = opts.sizes ? opts.sizes.split(',').map(Number) : [100, 1_000, 10_000, 50_000];
const ADMIN = { user: 'admin', password: 'admin' };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await f();
  return [performance.now() - t0, r];
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

interface Sim {
  url: string;
  proc: ChildProcess;
}

/** Simulators still running: killed however the benchmark ends. */
const simulators = new Set<ChildProcess>();
process.on('exit', () => simulators.forEach((p) => p.kill()));

function startSim(n: number): Promise<Sim> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [path.join(root, 'dist/sim.js'), '--port', '0', '--destinations', String(n), '--seed', '1', '--tick-ms', '0'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, proc });
    });
    simulators.add(proc);
    proc.on('exit', (code) => {
      simulators.delete(proc);
      reject(new Error(`simulator exited with ${code}`));
    });
  });
}

function profile(url: string): ServerProfile {
  return { name: 'bench', transport: 'http', url, user: 'admin', superuser: true };
}

async function sizeRun(n: number, figures: Record<string, number | null>, rows: string[][]): Promise<void> {
  const sim = await startSim(n);
  const admin = JetStreamClient.create({ transport: 'http', name: 'admin', url: sim.url, ...ADMIN, superuser: true });
  const raw = new Pool(new URL(sim.url).origin, { connections: 1 });
  const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
  const rawFetch = async () => {
    const res = await raw.request({
      method: 'POST',
      path: '/api/send.getDestinations',
      headers: { 'content-type': 'application/json', authorization: auth, 'jetstream-superuser': 'true' },
      body: '{}',
    });
    return res.body.text();
  };
  const store = new DestinationStore(async (p) =>
    JetStreamClient.create({ transport: 'http', name: p.name, url: p.url!, ...ADMIN, superuser: true }),
  );
  store.setProfiles([profile(sim.url)]);
  const tree = new DestinationsTreeProvider(store);
  const serverNode = tree.serverNode('bench');
  const paint = () => {
    for (const child of tree.getChildren(serverNode)) tree.getTreeItem(child);
  };
  await store.refresh('bench');
  paint();

  const reps = n >= 50_000 ? (opts.quick ? 3 : 5) : opts.quick ? 5 : 10;
  const fetchMs: number[] = [];
  const floors: number[] = [];
  const ticks: number[] = [];
  let bytes = 0;
  for (let i = 0; i < reps; i++) {
    await admin.callRaw('sim.tick', {});
    await rawFetch(); // the simulator renders a new snapshot once, on its first request: neither side pays it
    gc();
    const [f, text] = await timed(rawFetch);
    const [p] = await timed(async () => JSON.parse(text));
    bytes = text.length;
    fetchMs.push(f);
    floors.push(f + p);
    gc();
    const [t] = await timed(() => store.refresh('bench'));
    ticks.push(t);
  }
  // Unchanged: the same snapshot again.
  let events = tree.eventsFired;
  const [unchangedMs] = await timed(() => store.refresh('bench'));
  const eventsUnchanged = tree.eventsFired - events;
  // 1 %: userData edited on one destination in a hundred.
  const ids = [...store.server('bench')!.destinations.keys()];
  const touched = ids.filter((_, i) => i % 100 === 0);
  for (const id of touched) await admin.updateObjectUserData(id, { bench: String(Date.now()) });
  let changed = 0;
  const sub = store.onDidChange((c) => (changed = c.changed.length));
  events = tree.eventsFired;
  await store.refresh('bench');
  const eventsOnePercent = tree.eventsFired - events;
  sub.dispose();
  const [paintMs] = await timed(async () => paint());

  const floor = median(floors);
  const tick = median(ticks);
  rows.push([
    n.toLocaleString('en-US'),
    `${round(bytes / 1e6, 2)} MB`,
    `${round(median(fetchMs))} ms`,
    `${round(floor)} ms`,
    `${round(tick)} ms ± ${round(spread(ticks))}`,
    `${round(tick / floor, 2)}×`,
    `${round(unchangedMs)} ms / ${eventsUnchanged} ev`,
    `${eventsOnePercent} ev / ${changed} chg`,
    `${round(paintMs)} ms`,
  ]);
  if (n === 10_000 || n === 50_000) {
    const k = n === 10_000 ? '10k' : '50k';
    figures[`tickMs${k}`] = round(tick);
    figures[`floorMs${k}`] = round(floor);
    figures[`tickRatio${k}`] = round(tick / floor, 2);
    figures[`paintMs${k}`] = round(paintMs);
  }
  if (n === 10_000) {
    figures.eventsUnchanged = eventsUnchanged;
    figures.eventsOnePercent = eventsOnePercent;
    figures.changedOnePercent = changed;
    figures.simGetDestinationsMs10k = round(median(fetchMs));
    if (!opts['only-ticks']) figures.heapMb10k = round(await heapWithHistory(store), 1);
  }
  if (n === 50_000) figures.pollCpuShare50k = round(await pollCpuShare(store, opts.quick ? 1 : 3), 3);
  tree.dispose();
  store.dispose();
  await raw.close();
  await admin.close();
  sim.proc.kill();
}

/** Heap with the store's snapshot and five minutes of 1 Hz plot history for every destination. */
async function heapWithHistory(store: DestinationStore): Promise<number> {
  const destinations = [...store.server('bench')!.destinations.values()];
  const history = new ServerHistory(300);
  for (let s = 0; s < 300; s++) history.record(s * 1000, destinations, false);
  gc();
  const mb = process.memoryUsage().heapUsed / 2 ** 20;
  if (!history.get(destinationKey(destinations[0]!)).t.length) throw new Error('history empty');
  return mb;
}

/**
 * CPU of this process (the extension's side) while the scheduler polls by itself, over whole polling
 * cycles: from the end of one refresh to the end of a later one.
 */
async function pollCpuShare(store: DestinationStore, cycles: number): Promise<number> {
  const scheduler = new RefreshScheduler(store, { intervalMs: 1000 });
  let refreshes = 0;
  let cpu0 = process.cpuUsage();
  let t0 = 0;
  const done = new Promise<{ cpu: NodeJS.CpuUsage; wall: number }>((resolve) => {
    const sub = store.onDidChange(() => {
      refreshes++;
      if (refreshes === 1) {
        cpu0 = process.cpuUsage();
        t0 = performance.now();
      } else if (refreshes === cycles + 1) {
        sub.dispose();
        resolve({ cpu: process.cpuUsage(cpu0), wall: performance.now() - t0 });
      }
    });
  });
  scheduler.setActive(true);
  const { cpu, wall } = await done;
  scheduler.dispose();
  return (cpu.user + cpu.system) / 1000 / wall;
}

async function transports(figures: Record<string, number | null>, rows: string[][]): Promise<void> {
  const sim = await startSim(10);
  const client = JetStreamClient.create({ transport: 'http', name: 'bench', url: sim.url, ...ADMIN });
  const raw = new Pool(new URL(sim.url).origin, { connections: 4 });
  const rawCall = async () => {
    const res = await raw.request({
      method: 'POST',
      path: '/api/getServerInfo',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    return JSON.parse(await res.body.text());
  };
  const calls = opts.quick ? 200 : 1000;
  for (let i = 0; i < 50; i++) await Promise.all([rawCall(), client.getServerInfo()]);
  const rawTimes: number[] = [];
  const httpTimes: number[] = [];
  for (let i = 0; i < calls; i++) {
    rawTimes.push((await timed(rawCall))[0]);
    httpTimes.push((await timed(() => client.getServerInfo()))[0]);
  }
  const url = new URL(sim.url);
  const cli = new JetStreamClient(
    'bench',
    new CliTransport({
      name: 'bench',
      host: url.hostname,
      port: Number(url.port),
      ...ADMIN,
      consolePath: path.join(root, 'bin/jetstream'),
    }),
  );
  const cliTimes: number[] = [];
  for (let i = 0; i < (opts.quick ? 5 : 15); i++) cliTimes.push((await timed(() => cli.getServerInfo()))[0]);
  figures.rawCallMs = round(median(rawTimes), 3);
  figures.httpCallMs = round(median(httpTimes), 3);
  figures.httpRatio = round(median(httpTimes) / median(rawTimes), 2);
  figures.cliMs = round(median(cliTimes));
  rows.push([
    'getServerInfo',
    `raw undici ${figures.rawCallMs} ms`,
    `http transport ${figures.httpCallMs} ms (${figures.httpRatio}×)`,
    `cli transport ${figures.cliMs} ms`,
  ]);
  await client.close();
  await raw.close();
  sim.proc.kill();
}

/** Activation of the bundled extension in a fresh process, with `vscode` stood in for. */
function activation(figures: Record<string, number | null>): void {
  const runs: number[][] = [];
  for (let i = 0; i < 7; i++) {
    const r = spawnSync(process.execPath, [path.join(root, 'dist/bench-activate.js')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`activation run failed: ${r.stderr.slice(-2000)}`);
    runs.push(r.stdout.trim().split(' ').map(Number));
  }
  // activate() is the extension's own code; loading the bundle is mostly compiling it and zod setting up its schemas.
  figures.activationMs = round(median(runs.map((r) => r[2]!)), 2);
  figures.bundleLoadMs = round(median(runs.map((r) => r[1]!)), 2);
}

function sizes(figures: Record<string, number | null>): void {
  figures.extensionBundleBytes = statSync(path.join(root, 'dist/extension.js')).size;
  figures.webviewBundleBytes = statSync(path.join(root, 'dist/webview.js')).size + statSync(path.join(root, 'dist/webview.css')).size;
  const out = mkdtempSync(path.join(tmpdir(), 'bench-vsix-'));
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/package.mjs'), out], { cwd: root, encoding: 'utf8' });
  const vsix = existsSync(out) ? readdirSync(out).find((f) => f.endsWith('.vsix')) : undefined;
  if (r.status !== 0 || !vsix) throw new Error(`vsce package failed: ${r.stderr}`);
  figures.vsixBytes = statSync(path.join(out, vsix)).size;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const figures: Record<string, number | null> = {};
  const rows: string[][] = [];
  for (const n of SIZES) await sizeRun(n, figures, rows);
  if (opts['only-ticks']) {
    console.log(
      table(['destinations', 'bytes', 'fetch', 'floor', 'tick', 'tick/floor', 'unchanged', '1 % changed', 'paint all rows'], rows),
    );
    return;
  }
  const transportRows: string[][] = [];
  await transports(figures, transportRows);
  activation(figures);
  sizes(figures);
  console.log(`\nRefresh of one server (median of repeated snapshots; floor = fetch + JSON.parse of the same bytes)\n`);
  console.log(table(['destinations', 'bytes', 'fetch', 'floor', 'tick', 'tick/floor', 'unchanged', '1 % changed', 'paint all rows'], rows));
  console.log(`\nOne call\n`);
  console.log(table(['command', 'floor', 'http', 'cli'], transportRows));
  console.log(`\nPolling at 50,000 destinations: ${round((figures.pollCpuShare50k ?? 0) * 100, 1)} % of one core`);
  console.log(`Heap with 5 minutes of history at 10,000 destinations: ${figures.heapMb10k} MB`);
  console.log(
    `Activation: activate() ${figures.activationMs} ms after loading the bundle in ${figures.bundleLoadMs} ms; bundles: extension ${figures.extensionBundleBytes} B, webview ${figures.webviewBundleBytes} B, .vsix ${figures.vsixBytes} B`,
  );
  console.log(`\n${JSON.stringify(figures)}`);
  console.log(`(${round((Date.now() - started) / 1000)} s, Node ${process.version}, ${process.platform} ${process.arch})`);
  if (opts.json) writeFileSync(opts.json, JSON.stringify(figures, null, 2) + '\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
