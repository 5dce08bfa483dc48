/**
 * One server of N destinations, as the extension runs it: the engine on its worker thread, the mirror
 * and the tree provider on this (main) thread, with VS Code's part played by a listener that builds
 * every tree item a change event names, as VS Code does. Each figure beside its floor.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import path from 'node:path';
import { Pool } from 'undici';
import { JetStreamClient } from '../src/api/client';
import { NO_FILTER, SORT_ORDERS } from '../src/model/filter';
import { DestinationMirror } from '../src/model/mirror';
import { DestinationsTreeProvider, type Node } from '../src/views/tree';
import type { Sim } from './sims';

const ADMIN = { user: 'admin', password: 'admin' };
const HEADERS = {
  'content-type': 'application/json',
  authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`,
  'jetstream-superuser': 'true',
};
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const cpuMs = (since?: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

export interface Engine {
  mirror: DestinationMirror;
  tree: DestinationsTreeProvider;
  /** Tree events fired so far (rows VS Code would repaint). */
  events(): number;
  /** Waits for the next delta of the server. */
  delta(): Promise<void>;
  dispose(): void;
}

export async function engineFor(sim: Sim, intervalMs: number, active: boolean): Promise<Engine> {
  const mirror = new DestinationMirror({
    script: path.join(__dirname, 'worker.js'),
    secret: async () => ({ password: 'admin' }),
    log: () => undefined,
  });
  const tree = new DestinationsTreeProvider(mirror);
  let events = 0;
  // VS Code's part: each fired node's item is built again, and a fired server's children listed.
  tree.onDidChangeTreeData((e) => {
    const nodes: (Node | undefined)[] = Array.isArray(e) ? e : [e];
    for (const n of nodes) {
      events++;
      if (!n) continue;
      tree.getTreeItem(n);
      if (n.kind === 'server') for (const c of tree.getChildren(n)) tree.getTreeItem(c);
    }
  });
  mirror.setProfiles([{ name: 'bench', transport: 'http', url: sim.url, user: 'admin', superuser: true }]);
  mirror.setPolling({ active, intervalMs, timeoutMs: 60_000 });
  const waiting: (() => void)[] = [];
  mirror.onDidChange(() => waiting.splice(0).forEach((w) => w()));
  const engine: Engine = {
    mirror,
    tree,
    events: () => events,
    delta: () => new Promise<void>((resolve) => waiting.push(resolve)),
    dispose: () => {
      tree.dispose();
      mirror.dispose();
    },
  };
  // The first list, and the tree painted once, as VS Code does when the view opens.
  while (mirror.server('bench')?.summary.phase !== 'ok') await engine.delta();
  for (const c of tree.getChildren(tree.serverNode('bench'))) tree.getTreeItem(c);
  return engine;
}

/** The floor: fetching the same bytes with undici and a bare JSON.parse of them (wall ms and CPU ms). */
export async function floor(sim: Sim): Promise<{ ms: number; cpuMs: number; bytes: number }> {
  const pool = new Pool(new URL(sim.url).origin, { connections: 1 });
  const fetch = async () => {
    const res = await pool.request({ method: 'POST', path: '/api/send.getDestinations', headers: HEADERS, body: '{}' });
    return res.body.text();
  };
  await fetch(); // the simulator renders a snapshot once, on its first request: neither side pays it
  collect();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const text = await fetch();
  JSON.parse(text);
  const result = { ms: performance.now() - t0, cpuMs: cpuMs(c0), bytes: text.length };
  await pool.close();
  return result;
}

export interface TickFigures {
  /** Main-thread busy time of one refresh (event loop utilization over the tick). */
  mainMs: number;
  /** CPU of the whole tick, both threads. */
  cpuMs: number;
  wallMs: number;
}

/** One snapshot: the simulator ticks, the engine refreshes, the main thread applies and paints. */
export async function tick(sim: Sim, engine: Engine): Promise<TickFigures> {
  await control(sim, 'sim.tick');
  await warm(sim);
  const elu = performance.eventLoopUtilization();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const changed = engine.delta();
  await engine.mirror.request({ op: 'refresh', server: 'bench', manual: false });
  await changed;
  // Let queued repaint work run, as it would before the next tick.
  await new Promise((r) => setImmediate(r));
  const used = performance.eventLoopUtilization(elu);
  return { mainMs: used.active, cpuMs: cpuMs(c0), wallMs: performance.now() - t0 };
}

export async function control(sim: Sim, command: string, params: Record<string, unknown> = {}): Promise<unknown> {
  const admin = JetStreamClient.create({ transport: 'http', name: 'admin', url: sim.url, ...ADMIN, superuser: true });
  try {
    return await admin.callRaw(command, params);
  } finally {
    await admin.close();
  }
}

/**
 * The simulator renders a snapshot on its first request after a tick: asked here, so no side pays it.
 * The answer is dropped unread, and the heap collected, so no garbage of it is collected during a measurement.
 */
async function warm(sim: Sim): Promise<void> {
  const pool = new Pool(new URL(sim.url).origin, { connections: 1 });
  const res = await pool.request({ method: 'POST', path: '/api/send.getDestinations', headers: HEADERS, body: '{}' });
  await res.body.dump({ limit: Infinity });
  await pool.close();
  collect();
}

/** A full collection, where the benchmark runs with --expose-gc. */
export const collect = () => (globalThis as { gc?: () => void }).gc?.();

/** Tree events of one refresh where one destination in a hundred changed, for each sort order. */
export async function eventsBySort(sim: Sim, engine: Engine): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const keys = [...engine.mirror.server('bench')!.rows.values()].map((r) => r.id);
  for (const order of SORT_ORDERS) {
    engine.tree.setView(NO_FILTER, order);
    for (const c of engine.tree.getChildren(engine.tree.serverNode('bench'))) engine.tree.getTreeItem(c);
    // Refreshes with nothing new first, until no row waits to be repainted for a moved number: the one
    // measured then brings only the edits.
    for (let quiet = 0; quiet < 100; quiet++) {
      const before = engine.events();
      await engine.mirror.request({ op: 'refresh', server: 'bench', manual: false });
      await new Promise((r) => setImmediate(r));
      if (engine.events() === before) break;
    }
    const c = JetStreamClient.create({ transport: 'http', name: 'admin', url: sim.url, ...ADMIN, superuser: true });
    for (let i = 0; i < keys.length; i += 100) await c.updateObjectUserData(keys[i]!, { bench: `${order}-${Date.now()}` });
    await c.close();
    const before = engine.events();
    await engine.mirror.request({ op: 'refresh', server: 'bench', manual: false });
    await new Promise((r) => setImmediate(r));
    out[order] = engine.events() - before;
  }
  engine.tree.setView(NO_FILTER, 'address');
  return out;
}

/**
 * Polling by itself at 1 Hz against a simulator that takes a snapshot every second (its ordinary
 * churn: half the rates move): main-thread busy time per tick and the event loop's p99 delay.
 */
export async function polling(sim: Sim, ticks: number): Promise<{ mainMsPerTick: number; p99Ms: number; cpuShare: number }> {
  const engine = await engineFor(sim, 1000, true);
  // Past the simulator's first snapshots, where every destination changes state: its ordinary churn follows.
  await new Promise((r) => setTimeout(r, 10_000));
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const elu = performance.eventLoopUtilization();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let seen = 0;
  while (seen < ticks) {
    await engine.delta();
    seen++;
  }
  const wall = performance.now() - t0;
  const used = performance.eventLoopUtilization(elu);
  delay.disable();
  // Per tick of the simulator's 1 Hz clock: busy ms per second of polling, whatever interval polling took.
  const result = { mainMsPerTick: used.active / (wall / 1000), p99Ms: delay.percentile(99) / 1e6, cpuShare: cpuMs(c0) / wall };
  engine.dispose();
  return result;
}

/** Heap and array buffers of both threads, with five minutes of plot history for every destination. */
export async function memory(sim: Sim, engine: Engine, snapshots: number): Promise<number> {
  for (let i = 0; i < snapshots; i++) {
    await control(sim, 'sim.tick');
    await engine.mirror.request({ op: 'refresh', server: 'bench', manual: false });
  }
  // Both threads collect their garbage first (the worker in its stats op): the figure is live memory.
  (globalThis as { gc?: () => void }).gc?.();
  const worker = await engine.mirror.request({ op: 'stats' });
  const main = process.memoryUsage();
  return (main.heapUsed + main.arrayBuffers + worker.heapUsed + worker.arrayBuffers) / 2 ** 20;
}
