/**
 * The transports side by side: one call over each, and what a minute of polling at 1 Hz costs a real
 * server in sign-ins and the machine in process starts (the console logs in once per call; the Python
 * library once per session).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { JetStreamClient, type ClientEndpoint } from '../src/api/client';
import { DestinationMirror } from '../src/model/mirror';
import type { ServerProfile } from '../src/model/profiles';
import { startSim, stopSim } from './sims';
import { control, median, round } from './ticks';

const ROOT = path.resolve(__dirname, '..');
const VENDOR_CONSOLE = path.join(ROOT, 'sim/python/bin/jetstream');
const LIBRARY = path.join(ROOT, 'sim/python');

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

/** A launcher that counts its starts in a file, then runs the program. */
function counting(dir: string, name: string, program: string): { path: string; starts: () => number } {
  const log = path.join(dir, `${name}.starts`);
  writeFileSync(log, '');
  const launcher = path.join(dir, name);
  writeFileSync(launcher, `#!/bin/sh\necho >> '${log}'\nexec '${program}' "$@"\n`, { mode: 0o755 });
  return { path: launcher, starts: () => readFileSync(log, 'utf8').length };
}

export async function oneCall(quick: boolean): Promise<Record<string, number>> {
  const sim = await startSim(10);
  const url = new URL(sim.url);
  const where = { host: url.hostname, port: Number(url.port), user: 'admin', password: 'admin' };
  const raw = new Pool(url.origin, { connections: 4 });
  const rawCall = async () =>
    JSON.parse(
      await (
        await raw.request({ method: 'POST', path: '/api/getServerInfo', headers: { 'content-type': 'application/json' }, body: '{}' })
      ).body.text(),
    );
  const clients: Record<string, JetStreamClient> = {
    http: JetStreamClient.create({ transport: 'http', name: 'bench', url: sim.url, user: 'admin', password: 'admin' }),
    cli: JetStreamClient.create({ transport: 'cli', name: 'bench', ...where, consolePath: VENDOR_CONSOLE } as ClientEndpoint),
    python: JetStreamClient.create({
      transport: 'python',
      name: 'bench',
      ...where,
      pythonLibraryPath: LIBRARY,
      bridgePath: path.join(__dirname, 'jetstream_bridge.py'),
    } as ClientEndpoint),
  };
  const calls = quick ? 100 : 500;
  const times: Record<string, number[]> = { raw: [], http: [], cli: [], python: [] };
  for (let i = 0; i < 20; i++) await Promise.all([rawCall(), clients.http!.getServerInfo(), clients.python!.getServerInfo()]);
  for (let i = 0; i < calls; i++) {
    times.raw!.push(await timed(rawCall));
    times.http!.push(await timed(() => clients.http!.getServerInfo()));
    times.python!.push(await timed(() => clients.python!.getServerInfo()));
  }
  for (let i = 0; i < (quick ? 3 : 10); i++) times.cli!.push(await timed(() => clients.cli!.getServerInfo()));
  for (const c of Object.values(clients)) await c.close();
  await raw.close();
  stopSim(sim);
  return {
    rawCallMs: round(median(times.raw!), 3),
    httpCallMs: round(median(times.http!), 3),
    httpRatio: round(median(times.http!) / median(times.raw!), 2),
    pythonCallMs: round(median(times.python!), 3),
    cliMs: round(median(times.cli!)),
  };
}

/**
 * Polling three profiles, one per transport, at 1 Hz for `seconds` once each has answered: sign-ins the
 * server counted and processes started, per minute, after the first sign-in.
 */
export async function perMinute(seconds: number): Promise<Record<string, number>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-transports-'));
  const users = path.join(dir, 'users.json');
  writeFileSync(
    users,
    JSON.stringify({
      users: [
        { name: 'viahttp', password: 'p' },
        { name: 'viacli', password: 'p' },
        { name: 'viapython', password: 'p' },
      ],
    }),
  );
  const sim = await startSim(20, { tickMs: 1000, users });
  const url = new URL(sim.url);
  const consoleLauncher = counting(dir, 'jetstream', VENDOR_CONSOLE);
  const pythonLauncher = counting(dir, 'python3', 'python3');
  const profiles: ServerProfile[] = [
    { name: 'http', transport: 'http', url: sim.url, user: 'viahttp', superuser: false },
    {
      name: 'cli',
      transport: 'cli',
      host: url.hostname,
      port: Number(url.port),
      user: 'viacli',
      superuser: false,
      consolePath: consoleLauncher.path,
    },
    {
      name: 'python',
      transport: 'python',
      host: url.hostname,
      port: Number(url.port),
      user: 'viapython',
      superuser: false,
      pythonPath: pythonLauncher.path,
      pythonLibraryPath: LIBRARY,
    },
  ];
  const mirror = new DestinationMirror({
    script: path.join(__dirname, 'worker.js'),
    secret: async () => ({ password: 'p' }),
    log: () => undefined,
  });
  mirror.setProfiles(profiles);
  mirror.setPolling({ active: true, intervalMs: 1000, timeoutMs: 10_000 });
  // Counted from the moment every server has answered: the first sign-in and bridge start are set-up.
  while (!profiles.every((p) => mirror.server(p.name)?.summary.phase === 'ok')) await new Promise((r) => setTimeout(r, 50));
  type Stats = { credentialAttempts: Record<string, { ok: number; failed: number }> };
  const attempts = (stats: Stats, user: string) =>
    (stats.credentialAttempts[user]?.ok ?? 0) + (stats.credentialAttempts[user]?.failed ?? 0);
  const first = (await control(sim, 'sim.getStats')) as Stats;
  const started = { cli: consoleLauncher.starts(), python: pythonLauncher.starts() };
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const last = (await control(sim, 'sim.getStats')) as Stats;
  const starts = { cli: consoleLauncher.starts() - started.cli, python: pythonLauncher.starts() - started.python };
  mirror.dispose();
  stopSim(sim);
  const scale = 60 / seconds;
  const logins = (user: string) => round((attempts(last, user) - attempts(first, user)) * scale, 0);
  return {
    loginsPerMinuteHttp: logins('viahttp'),
    loginsPerMinuteCli: logins('viacli'),
    loginsPerMinutePython: logins('viapython'),
    processStartsPerMinuteHttp: 0,
    processStartsPerMinuteCli: round(starts.cli * scale, 0),
    processStartsPerMinutePython: round(starts.python * scale, 0),
  };
}
