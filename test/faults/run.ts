/**
 * `npm run test:faults`: the engine (on its worker thread), the main thread's mirror, the tree provider
 * and the details panel's feed, as the extension runs them (only `vscode` stood in for), against
 * simulators over loopback while one of them injects faults: one at a time, then mixed at random for a
 * bounded soak. For every fault: nothing unhandled, the affected server shows a clear error (or keeps
 * working where the fault is survivable data), no other server is disturbed, the tree never flickers
 * to empty, the details panel keeps its destination, and polling recovers within two intervals.
 *
 * Beside them, what real servers do that the simulator does not (realServers.ts), the Python bridge's
 * faults (bridge.ts), and the engine's worker crashing.
 *
 * usage: node dist/faults.js [--soak-seconds N] [--refused-seconds N]   Last line: `N faults injected, N survived`.
 */
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { JetStreamClient } from '../../src/api/client';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../sim/server';
import { bridgeRows } from './bridge';
import { harness, sleep, waitFor } from './harness';
import { consoleTimeoutRow, echoedSecretRow, refusedPasswordRows, type Row } from './realServers';

const { values: opts } = parseArgs({
  options: { 'soak-seconds': { type: 'string', default: '30' }, 'refused-seconds': { type: 'string', default: '60' } },
});
const INTERVAL_MS = 200;
const TIMEOUT_MS = 1000;
const ADMIN = { user: 'admin', password: 'admin' };

const problems: string[] = [];
let unhandled = 0;
process.on('unhandledRejection', (e) => {
  unhandled++;
  problems.push(`unhandled rejection: ${String(e)}`);
});
process.on('uncaughtException', (e) => {
  unhandled++;
  problems.push(`uncaught exception: ${e.message}`);
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Fault {
  name: string;
  server: string;
  /** The error code the server should show, 'keeps working' for data the extension can take, 'records marked' for records it cannot read. */
  expected: string;
  inject(): Promise<void>;
  clear(): Promise<void>;
  /** Time a request already in flight may still take after the fault ends. */
  inFlightMs?: number;
}

async function main(): Promise<void> {
  // A minute of polling a server that refused the password, beside everything else.
  const refused = refusedPasswordRows(Number(opts['refused-seconds']));
  const port = await freePort();
  const simOptions: SimulatorOptions = {
    port,
    tickMs: INTERVAL_MS,
    seed: 21,
    destinations: 40,
    stateFile: path.join(mkdtempSync(path.join(tmpdir(), 'faults-')), 'state.json'),
    stateDebounceMs: 10,
  };
  let faulty: Simulator = await startSimulator(simOptions);
  const healthy = await startSimulator({ port: 0, tickMs: INTERVAL_MS, seed: 22, destinations: 40 });
  const call = async (command: string, params: Record<string, unknown> = {}) => {
    const c = JetStreamClient.create({ transport: 'http', name: 'control', url: faulty.url, ...ADMIN });
    try {
      return await c.callRaw(command, params);
    } finally {
      await c.close();
    }
  };
  const newToken = async () => {
    const c = JetStreamClient.create({ transport: 'http', name: 'x', url: faulty.url, user: 'demo', password: 'demo' });
    const { token } = (await c.callRaw('createAPIToken', {})) as { token: string };
    await c.close();
    return token;
  };
  let token = await newToken();

  const h = harness({ intervalMs: INTERVAL_MS, timeoutMs: TIMEOUT_MS });
  const profiles = [
    { name: 'faulty', transport: 'http' as const, url: faulty.url, user: 'demo', superuser: false, secret: { password: 'demo' } },
    { name: 'token', transport: 'http' as const, url: faulty.url, user: 'demo', superuser: false, secret: { token } },
    { name: 'healthy', transport: 'http' as const, url: healthy.url, user: 'demo', superuser: false, secret: { password: 'demo' } },
  ];
  h.setProfiles(profiles);
  await h.refresh();
  const view = (name: string) => h.mirror.server(name)!;
  for (const p of profiles)
    if (view(p.name).summary.phase !== 'ok') throw new Error(`${p.name} did not start: ${view(p.name).error?.message}`);
  const watched = view('faulty').rows.keys().next().value as string;
  let lastDetails: { key: string; liveness?: string } | undefined;
  h.mirror.onDidReceiveDetails((d) => {
    if (d.server === 'faulty') lastDetails = { key: d.key, liveness: 'liveness' in d.details ? d.details.liveness : undefined };
  });
  // A details panel open on one destination, as a user opens it: on a healthy server, which reads its
  // whole record at once. From then on, no fault may take it away.
  h.mirror.watch([{ server: 'faulty', key: watched }]);
  const shownBy = Date.now() + 10_000;
  while (lastDetails?.liveness !== 'live') {
    if (Date.now() > shownBy) throw new Error('the details panel did not show its destination');
    await new Promise((r) => setTimeout(r, 20));
  }

  // Invariants, checked on every delta of every server.
  let current: Row | undefined;
  const fail = (text: string) => {
    if (current) current.problems.push(text);
    else problems.push(text);
  };
  h.mirror.onDidChange((change) => {
    const v = view(change.server);
    const rows = h.tree.getChildren(h.tree.serverNode(change.server));
    for (const r of rows) h.tree.getTreeItem(r);
    if (!rows.some((r) => r.kind === 'destination'))
      fail(`${change.server}: the tree shows no destination (${v.error?.message ?? v.summary.phase})`);
    if (v.summary.phase === 'error' && !rows.some((r) => r.kind === 'problem')) fail(`${change.server}: an error without a problem row`);
    // The engine's crash is every server's, by its nature; any other fault is one server's alone.
    if (change.server === 'healthy' && v.summary.phase !== 'ok' && !current?.fault.includes('engine'))
      fail(`healthy server disturbed: ${v.error?.message ?? v.summary.phase}`);
    if (change.server === 'faulty' && lastDetails && (lastDetails.key !== watched || lastDetails.liveness === undefined))
      fail('the details panel lost its destination');
  });
  const deltas = (server: string, count: number, ms: number) =>
    new Promise<void>((resolve) => {
      let seen = 0;
      const timer = setTimeout(done, ms);
      const sub = h.mirror.onDidChange((c) => c.server === server && ++seen >= count && done());
      function done() {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });

  const rows: Row[] = [];
  const faults: Fault[] = [
    {
      name: 'latency beyond the timeout',
      server: 'faulty',
      expected: 'Timeout',
      inject: () => call('sim.setFaults', { latencyMs: TIMEOUT_MS + 500 }).then(() => undefined),
      clear: () => call('sim.setFaults', { latencyMs: 0 }).then(() => undefined),
      inFlightMs: TIMEOUT_MS,
    },
    ...(
      [
        ['HTTP 500 on every call', 'errorRate', 1, 'ServerError'],
        ['connection reset mid-body', 'resetRate', 1, 'Unreachable'],
        ['truncated JSON', 'truncateRate', 1, 'InvalidResponse'],
        ['JSON that breaks the schema', 'schemaRate', 1, 'records marked'],
        ['50 MB body', 'hugeBodyBytes', 50 * 2 ** 20, 'keeps working'],
      ] as const
    ).map(([name, field, value, expected]) => ({
      name,
      server: 'faulty',
      expected,
      inject: () => call('sim.setFaults', { [field]: value }).then(() => undefined),
      clear: () => call('sim.setFaults', { [field]: 0 }).then(() => undefined),
      inFlightMs: field === 'hugeBodyBytes' ? TIMEOUT_MS : 0,
    })),
    {
      name: 'connection refused (server down)',
      server: 'faulty',
      expected: 'Unreachable',
      inject: () => faulty.close(),
      clear: async () => {
        faulty = await startSimulator(simOptions);
      },
    },
    {
      name: 'server restarted with a new serverId',
      server: 'faulty',
      expected: 'keeps working',
      inject: () => call('sim.restart').then(() => undefined),
      clear: async () => undefined,
    },
    {
      name: 'password changed under a running session',
      server: 'faulty',
      expected: 'AuthFailed',
      inject: () => call('sim.setPassword', { user: 'demo', password: 'changed-elsewhere' }).then(() => undefined),
      // The fault ends when the old password works again and the user signs in with it: a refused
      // password is never tried again by itself.
      clear: async () => {
        await call('sim.setPassword', { user: 'demo', password: 'demo' });
        void h.signIn('faulty', { password: 'demo' });
      },
    },
    {
      name: 'API token expired',
      server: 'token',
      expected: 'AuthFailed',
      inject: () => call('sim.expireToken', { token }).then(() => undefined),
      clear: async () => {
        token = await newToken();
        void h.signIn('token', { token });
      },
    },
    {
      name: "the engine's worker thread crashes",
      server: 'faulty',
      expected: 'Internal',
      inject: async () => {
        await h.mirror.crashEngineForTest();
      },
      clear: async () => undefined,
      // The worker starts again a second later; its first snapshot takes a poll.
      inFlightMs: 1500,
    },
  ];

  for (const fault of faults) {
    const row: Row = {
      fault: fault.name,
      server: fault.server,
      expected: fault.expected,
      seen: '',
      recoveryMs: null,
      limitMs: 0,
      problems: [],
    };
    current = row;
    rows.push(row);
    await fault.inject();
    const v = () => view(fault.server);
    if (fault.expected === 'keeps working') {
      await deltas(fault.server, 3, 30_000);
      row.seen = v().summary.phase === 'ok' ? 'kept working' : `${v().error?.code}`;
      if (v().summary.phase !== 'ok') row.problems.push(`expected to keep working, got ${v().error?.message}`);
    } else if (fault.expected === 'records marked') {
      const marked = await waitFor(() => v().summary.phase === 'ok' && v().summary.anomalies > 0, TIMEOUT_MS + INTERVAL_MS * 10);
      row.seen = `${v().summary.anomalies} of ${v().rows.size} records marked unreadable, ${v().summary.phase}`;
      if (!marked) row.problems.push(`expected unreadable records marked, saw ${row.seen}`);
    } else {
      // Within the interval polling keeps (stretched by what the in-process simulators cost too), and the timeout.
      const shown = await waitFor(
        () => v().summary.phase === 'error' && v().error?.code === fault.expected,
        TIMEOUT_MS + Math.max(INTERVAL_MS, v().summary.intervalMs) * 10,
      );
      row.seen = v().error ? `${v().error!.code}: ${v().error!.message}` : v().summary.phase;
      if (!shown) row.problems.push(`expected ${fault.expected}, saw ${row.seen}`);
    }
    const ended = Date.now();
    await fault.clear();
    // Two intervals of the possibly backed-off schedule, a refresh's own time, and any request in flight.
    row.limitMs = 2 * Math.max(INTERVAL_MS, v().summary.intervalMs) + (fault.inFlightMs ?? 0) + 250;
    const recovered = await waitFor(() => v().summary.phase === 'ok' && v().summary.anomalies === 0, row.limitMs + 5_000);
    row.recoveryMs = recovered ? Date.now() - ended : null;
    if (!recovered) row.problems.push('did not recover');
    else if (row.recoveryMs! > row.limitMs) row.problems.push(`recovered after ${row.recoveryMs} ms, over ${row.limitMs} ms`);
    // A slow answer stretches the interval for a while (of every server on that simulator): start the
    // next fault from the normal pace.
    await waitFor(() => profiles.every((p) => view(p.name).summary.intervalMs <= INTERVAL_MS * 2), 30_000);
  }

  // Soak: rate faults mixed at random, several at a time, for a bounded time.
  const soakMs = Number(opts['soak-seconds']) * 1000;
  const soak: Row = {
    fault: `random mix for ${soakMs / 1000} s`,
    server: 'faulty',
    expected: 'errors come and go',
    seen: '',
    recoveryMs: null,
    limitMs: 0,
    problems: [],
  };
  current = soak;
  rows.push(soak);
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const end = Date.now() + soakMs;
  let mixes = 0;
  let errorsSeen = 0;
  const countErrors = h.mirror.onDidChange((c) => c.server === 'faulty' && view('faulty').summary.phase === 'error' && errorsSeen++);
  while (Date.now() < end) {
    mixes++;
    await call('sim.setFaults', {
      errorRate: random() < 0.5 ? random() * 0.5 : 0,
      resetRate: random() < 0.3 ? random() * 0.3 : 0,
      truncateRate: random() < 0.3 ? random() * 0.3 : 0,
      schemaRate: random() < 0.3 ? random() * 0.3 : 0,
      latencyMs: random() < 0.2 ? Math.round(random() * TIMEOUT_MS * 1.5) : 0,
    });
    await sleep(500 + random() * 1000);
  }
  countErrors.dispose();
  const soakEnded = Date.now();
  await call('sim.setFaults', { errorRate: 0, resetRate: 0, truncateRate: 0, schemaRate: 0, latencyMs: 0 });
  soak.limitMs = 2 * Math.max(INTERVAL_MS, view('faulty').summary.intervalMs) + TIMEOUT_MS + 250;
  const recovered = await waitFor(
    () => view('faulty').summary.phase === 'ok' && view('faulty').summary.anomalies === 0,
    soak.limitMs + 5_000,
  );
  soak.recoveryMs = recovered ? Date.now() - soakEnded : null;
  soak.seen = `${mixes} mixes, ${errorsSeen} failed refreshes`;
  if (!recovered) soak.problems.push('did not recover');
  else if (soak.recoveryMs! > soak.limitMs) soak.problems.push(`recovered after ${soak.recoveryMs} ms, over ${soak.limitMs} ms`);
  if (errorsSeen === 0) soak.problems.push('the soak injected nothing the store noticed');
  current = undefined;
  h.dispose();
  await faulty.close();
  await healthy.close();

  rows.push(await consoleTimeoutRow(), await echoedSecretRow(), ...(await bridgeRows()), ...(await refused));
  report(rows);
}

function report(rows: Row[]): void {
  const survived = rows.filter((r) => !r.problems.length).length;
  const width = Math.max(...rows.map((r) => r.fault.length));
  console.log(`\n| ${'fault'.padEnd(width)} | server  | expected           | survived | recovery        | seen`);
  console.log(`|${'-'.repeat(width + 2)}|---------|--------------------|----------|-----------------|-----`);
  for (const r of rows) {
    const recovery = r.recoveryMs === null ? 'none' : `${r.recoveryMs} ms (≤ ${r.limitMs})`;
    console.log(
      `| ${r.fault.padEnd(width)} | ${r.server.padEnd(7)} | ${r.expected.padEnd(18)} | ${(r.problems.length ? 'NO' : 'yes').padEnd(8)} | ${recovery.padEnd(15)} | ${r.seen.slice(0, 100)}`,
    );
    for (const p of r.problems) console.log(`    problem: ${p}`);
  }
  for (const p of problems) console.log(`problem outside any fault: ${p}`);
  // A problem outside any fault (an unhandled rejection between rows) fails the run as one fault more.
  const failed = rows.length - survived + (problems.length ? 1 : 0);
  console.log(`\nunhandled rejections or exceptions: ${unhandled}`);
  console.log(`${rows.length} faults injected, ${Math.max(0, rows.length - failed)} survived`);
  process.exit(failed ? 1 : 0);
}

main().catch((e: unknown) => {
  console.error(e);
  console.log('0 faults injected, 0 survived');
  process.exit(1);
});
