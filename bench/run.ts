/**
 * `npm run bench`: what the extension costs at 1 Hz against the simulator, measured where the user pays
 * it. The engine runs on its worker thread and the tree provider on the main thread, as in the
 * extension (only `vscode` is stood in for); each figure beside its floor (fetching the same bytes
 * and a bare JSON.parse of them), so a noisy machine still compares. The full run also measures the
 * packaged extension in code-server (bench/exthost.mjs).
 *
 * usage: node dist/bench.js [--quick] [--json FILE] [--sizes 100,1000] [--no-exthost]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSim, stopSim } from './sims';
import { control, engineFor, eventsBySort, floor, median, memory, polling, round, tick } from './ticks';
import { tableFigures } from './table';
import { oneCall, perMinute } from './transports';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    sizes: { type: 'string' },
    'no-exthost': { type: 'boolean', default: false },
  },
});
const root = path.resolve(__dirname, '..');
const SIZES = opts.sizes ? opts.sizes.split(',').map(Number) : [100, 1_000, 10_000, 50_000];
type Figures = Record<string, number | null | Record<string, number>>;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function sizeRun(n: number, figures: Figures, rows: string[][]): Promise<void> {
  const sim = await startSim(n);
  // Past the simulator's first snapshots, where every destination connects: its ordinary churn follows.
  await control(sim, 'sim.tick', { count: 10 });
  const engine = await engineFor(sim, 1000, false);
  const reps = n >= 50_000 ? (opts.quick ? 3 : 5) : opts.quick ? 5 : 10;
  const floors: { ms: number; cpuMs: number; bytes: number }[] = [];
  const ticks: Awaited<ReturnType<typeof tick>>[] = [];
  for (let i = 0; i < reps; i++) {
    floors.push(await floor(sim));
    ticks.push(await tick(sim, engine));
  }
  const floorMs = median(floors.map((f) => f.ms));
  const floorCpu = median(floors.map((f) => f.cpuMs));
  const mainMs = median(ticks.map((t) => t.mainMs));
  const cpuMs = median(ticks.map((t) => t.cpuMs));
  const k = n === 10_000 ? '10k' : n === 50_000 ? '50k' : undefined;
  let bySort: Record<string, number> | undefined;
  if (n === 10_000) bySort = await eventsBySort(sim, engine);
  rows.push([
    n.toLocaleString('en-US'),
    `${round(floors[0]!.bytes / 1e6, 2)} MB`,
    `${round(floorMs)} ms`,
    `${round(mainMs)} ms`,
    `${round(mainMs / floorMs, 2)}×`,
    `${round(cpuMs)} ms`,
    `${round(cpuMs / floorCpu, 2)}×`,
    bySort
      ? Object.entries(bySort)
          .map(([o, e]) => `${o} ${e}`)
          .join(', ')
      : '',
  ]);
  if (k) {
    figures[`floorMs${k}`] = round(floorMs);
    figures[`tickMainMs${k}`] = round(mainMs);
    figures[`tickRatio${k}`] = round(mainMs / floorMs, 2);
    figures[`tickCpuRatio${k}`] = round(cpuMs / floorCpu, 2);
  }
  if (bySort) figures.eventsPerTickBySort = bySort;
  if (n === 10_000 && !opts.quick) figures.memoryMb10k = round(await memory(sim, engine, 300));
  engine.dispose();
  stopSim(sim);
  if (k) {
    // Polling by itself against a simulator with its ordinary churn (a snapshot a second).
    const live = await startSim(n, { tickMs: 1000 });
    const p = await polling(live, opts.quick ? 5 : 30);
    figures[`mainThreadMs${k}`] = round(p.mainMsPerTick, 1);
    figures[`pollCpuShare${k}`] = round(p.cpuShare, 3);
    if (n === 50_000) figures.eventLoopP99Ms50k = round(p.p99Ms, 1);
    stopSim(live);
  }
}

function sizes(figures: Figures): void {
  figures.extensionBundleBytes = statSync(path.join(root, 'dist/extension.js')).size;
  figures.workerBundleBytes = statSync(path.join(root, 'dist/worker.js')).size;
  figures.webviewBundleBytes = statSync(path.join(root, 'dist/webview.js')).size + statSync(path.join(root, 'dist/webview.css')).size;
  const out = mkdtempSync(path.join(tmpdir(), 'bench-vsix-'));
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/package.mjs'), out], { cwd: root, encoding: 'utf8' });
  const vsix = existsSync(out) ? readdirSync(out).find((f) => f.endsWith('.vsix')) : undefined;
  if (r.status !== 0 || !vsix) throw new Error(`vsce package failed: ${r.stderr}`);
  figures.vsixBytes = statSync(path.join(out, vsix)).size;
  if (opts.quick || opts['no-exthost']) return;
  // The packaged extension in code-server: what the extension host pays, and activation as a user sees it.
  const host = spawnSync(
    process.execPath,
    [path.join(root, 'bench/exthost.mjs'), '--vsix', path.join(out, vsix), '--sim', path.join(root, 'dist/sim.js')],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 10 * 60_000,
    },
  );
  const line = host.stdout.trim().split('\n').pop() ?? '';
  if (host.status !== 0 || !line.startsWith('{')) throw new Error(`the code-server measurement failed:\n${host.stderr.slice(-3000)}`);
  Object.assign(figures, JSON.parse(line) as Figures);
}

async function main(): Promise<void> {
  const started = Date.now();
  const figures: Figures = {};
  const rows: string[][] = [];
  for (const n of SIZES) await sizeRun(n, figures, rows);
  Object.assign(figures, await oneCall(opts.quick));
  Object.assign(figures, await perMinute(opts.quick ? 10 : 60));
  Object.assign(figures, tableFigures(root));
  sizes(figures);
  const f = (k: string) => figures[k] ?? 'not measured';
  console.log(
    `\nOne refresh of one server, a snapshot of the simulator's ordinary churn (median; floor = fetch + JSON.parse of the same bytes in one thread)\n`,
  );
  console.log(
    table(
      [
        'destinations',
        'bytes',
        'floor',
        'main thread',
        'main / floor',
        'CPU, both threads',
        'CPU / floor CPU',
        'tree events, 1 % changed, by sort',
      ],
      rows,
    ),
  );
  console.log(
    `\nPolling at 1 Hz with the simulator's churn: main thread ${f('mainThreadMs10k')} ms per tick at 10,000 (aim ≤ 10), ${f('mainThreadMs50k')} ms at 50,000 (aim ≤ 30); event loop p99 at 50,000: ${f('eventLoopP99Ms50k')} ms (aim ≤ 25)`,
  );
  console.log(
    `Memory, both threads, heap and array buffers, 10,000 destinations with 5 minutes of history: ${f('memoryMb10k')} MB (aim ≤ 100)`,
  );
  console.log(
    `Extension host in code-server, 10,000 destinations: ${f('extHostCpu10k')} % of a core with the view visible (aim ≤ 10), ${f('extHostCpuHidden10k')} % hidden (aim ≤ 3); the server then refreshes every ${f('intervalS10k')} s`,
  );
  console.log(
    `Activation in code-server, three servers: ${f('activationMs')} ms to the first rows (aim ≤ 50), of which activate() itself ${f('activateOwnMs')} ms`,
  );
  console.log(
    `\nOne getServerInfo call: raw undici ${f('rawCallMs')} ms, http ${f('httpCallMs')} ms (${f('httpRatio')}×), python ${f('pythonCallMs')} ms, console ${f('cliMs')} ms`,
  );
  console.log(
    `A minute of 1 Hz polling, after the first sign-in: sign-ins http ${f('loginsPerMinuteHttp')}, console ${f('loginsPerMinuteCli')}, python ${f('loginsPerMinutePython')}; process starts console ${f('processStartsPerMinuteCli')}, python ${f('processStartsPerMinutePython')}${opts.quick ? ' (from 10 s)' : ''}`,
  );
  console.log(
    `Destinations table, 100,000 rows in Chromium: first paint ${f('tableFirstPaintMs100k')} ms (all rows ${f('tableAllRowsMs100k')} ms), a filter answers in ${f('tableFilterMs100k')} ms (words ${f('tableFilterWordsMs100k')} ms), scrolling at ${f('tableScrollFps100k')} frames/s`,
  );
  console.log(
    `Bundles: extension ${f('extensionBundleBytes')} B, worker ${f('workerBundleBytes')} B, webview ${f('webviewBundleBytes')} B, .vsix ${f('vsixBytes')} B`,
  );
  console.log(`\n${JSON.stringify(figures)}`);
  console.log(`(${round((Date.now() - started) / 1000)} s, Node ${process.version}, ${process.platform} ${process.arch})`);
  if (opts.json) writeFileSync(opts.json, JSON.stringify(figures, null, 2) + '\n');
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
