/**
 * Fault rows for the Python bridge (the python transport's one process per server): killed mid-call,
 * hanging past the timeout, printing garbage, the library raising, the session dropping. Each must be
 * survived, with recovery, and no bridge process left behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator } from '../../sim/server';
import { harness, sleep, waitFor } from './harness';
import type { Row } from './realServers';

const ROOT = path.resolve(__dirname, '..');
const ADMIN = { user: 'admin', password: 'admin' };
const INTERVAL_MS = 200;
const TIMEOUT_MS = 1000;
/** The transport waits this long before it starts a bridge again. */
const RESTART_MS = 1000;

/** Processes whose command line holds `marker`. */
function processes(marker: string): number[] {
  return spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
}

export async function bridgeRows(): Promise<Row[]> {
  const sim = await startSimulator({ port: 0, tickMs: INTERVAL_MS, seed: 41, destinations: 10 });
  const port = Number(new URL(sim.url).port);
  const dir = mkdtempSync(path.join(tmpdir(), 'faults-bridge-'));
  // A folder of its own for the library, so this run's bridges can be told apart by their command line.
  const library = path.join(dir, 'library');
  symlinkSync(path.join(ROOT, 'sim/python'), library);
  // An interpreter that prints a line of garbage on the reply channel the first time it starts a bridge.
  const noisy = path.join(dir, 'python-noisy');
  const once = path.join(dir, 'printed-once');
  writeFileSync(
    noisy,
    `#!/bin/sh\nif [ ! -e '${once}' ]; then touch '${once}'; echo 'Traceback? no: garbage on stdout'; fi\nexec python3 "$@"\n`,
    { mode: 0o755 },
  );
  const control = async (command: string, params: Record<string, unknown> = {}): Promise<unknown> =>
    sim.world.handle(command, params, ADMIN, false);
  const attempts = async () =>
    ((await control('sim.getStats')) as { credentialAttempts: Record<string, { ok: number }> }).credentialAttempts.demo?.ok ?? 0;

  const h = harness({ intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS });
  const profile = {
    name: 'python',
    transport: 'python' as const,
    host: '127.0.0.1',
    port,
    user: 'demo',
    superuser: false,
    pythonLibraryPath: library,
  };
  h.setProfiles([{ ...profile, secret: { password: 'demo' } }]);
  await waitFor(() => h.mirror.server('python')?.summary.phase === 'ok', 10_000);
  const v = () => h.mirror.server('python')!;

  const rows: Row[] = [];
  const run = async (
    name: string,
    expected: string,
    inject: () => Promise<void>,
    clear: () => Promise<void>,
    check?: () => Promise<string | undefined>,
  ) => {
    const row: Row = { fault: `python bridge: ${name}`, server: 'python', expected, seen: '', recoveryMs: null, limitMs: 0, problems: [] };
    rows.push(row);
    await inject();
    if (expected === 'keeps working') {
      await sleep(INTERVAL_MS * 5);
      row.seen = v().summary.phase === 'ok' ? 'kept working' : `${v().error?.code}: ${v().error?.message}`;
      if (v().summary.phase !== 'ok') row.problems.push(`expected to keep working, saw ${row.seen}`);
    } else {
      const shown = await waitFor(
        () => v().summary.phase === 'error' && expected.split(' or ').includes(v().error?.code ?? ''),
        TIMEOUT_MS * 3 + RESTART_MS,
      );
      row.seen = v().error ? `${v().error!.code}: ${v().error!.message}` : v().summary.phase;
      if (!shown) row.problems.push(`expected ${expected}, saw ${row.seen}`);
    }
    const ended = Date.now();
    await clear();
    row.limitMs = 2 * Math.max(INTERVAL_MS, v().summary.intervalMs) + RESTART_MS + TIMEOUT_MS + 250;
    const recovered = await waitFor(() => v().summary.phase === 'ok', row.limitMs + 5000);
    row.recoveryMs = recovered ? Date.now() - ended : null;
    if (!recovered) row.problems.push('did not recover');
    else if (row.recoveryMs! > row.limitMs) row.problems.push(`recovered after ${row.recoveryMs} ms, over ${row.limitMs} ms`);
    const extra = await check?.();
    if (extra) row.problems.push(extra);
    await waitFor(() => v().summary.intervalMs <= INTERVAL_MS * 2, 30_000);
  };

  await run(
    'killed mid-call',
    'Unreachable or Timeout',
    async () => {
      await control('sim.setFaults', { latencyMs: 800, only: ['send.getDestinations'] });
      await sleep(INTERVAL_MS * 2);
      for (const pid of processes(library)) process.kill(pid, 'SIGKILL');
    },
    async () => {
      await control('sim.setFaults', { latencyMs: 0, only: [] });
    },
  );
  await run(
    'hangs past the timeout',
    'Timeout',
    async () => {
      await control('sim.setFaults', { latencyMs: TIMEOUT_MS * 3, only: ['send.getDestinations'] });
    },
    async () => {
      await control('sim.setFaults', { latencyMs: 0, only: [] });
    },
  );
  await run(
    'the library raises',
    'ServerError',
    async () => {
      await control('sim.setFaults', { errorRate: 1, only: ['send.getDestinations'] });
    },
    async () => {
      await control('sim.setFaults', { errorRate: 0, only: [] });
    },
  );
  let before = 0;
  await run(
    'the session drops',
    'keeps working',
    async () => {
      before = await attempts();
      await control('sim.dropSessions');
    },
    async () => undefined,
    async () => {
      const logins = (await attempts()) - before;
      return logins === 1 ? undefined : `${logins} sign-ins after the session dropped, not 1`;
    },
  );
  h.setProfiles([{ ...profile, pythonPath: noisy, secret: { password: 'demo' } }]);
  await run(
    'prints garbage',
    'InvalidResponse',
    async () => {
      await waitFor(() => existsSync(once), 5000);
    },
    async () => undefined,
  );

  h.dispose();
  await sleep(500);
  const left = processes(library);
  rows.push({
    fault: 'python bridge: processes left after all of the above',
    server: 'python',
    expected: '0 processes',
    seen: `${left.length} left`,
    recoveryMs: null,
    limitMs: 0,
    problems: left.length ? [`${left.length} bridge processes left running`] : [],
  });
  await sim.close();
  return rows;
}
