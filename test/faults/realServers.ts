/**
 * Fault rows for what a real server does to a client that our simulator never does: a refused
 * password polled for a minute, consoles that time out, and servers and consoles that echo the secret
 * they were given. Each row counts what a user (or a PAM lockout) would notice.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JetStreamClient } from '../../src/api/client';
import { setUserData } from '../../src/commands/userData';
import { describeOutcome } from '../../src/views/editWords';
import { startSimulator } from '../../sim/server';
import { record } from '../fixtures/records';
import { startCannedServer } from '../support/cannedServer';
import { harness, sleep } from './harness';

export interface Row {
  fault: string;
  server: string;
  expected: string;
  seen: string;
  recoveryMs: number | null;
  limitMs: number;
  problems: string[];
}

const ROOT = path.resolve(__dirname, '..');
const VENDOR_CONSOLE = path.join(ROOT, 'sim/python/bin/jetstream');
const LIBRARY = path.join(ROOT, 'sim/python');
const ADMIN = { user: 'admin', password: 'admin' };

/**
 * A minute of polling every 200 ms, with a manual Refresh now and then, against a server that refused
 * the password: the server must see exactly one attempt per profile (PAM locks an account after a few).
 */
export async function refusedPasswordRows(seconds: number): Promise<Row[]> {
  const sim = await startSimulator({
    port: 0,
    tickMs: 200,
    seed: 31,
    destinations: 5,
    users: { users: [{ name: 'carol', password: 'carol' }] },
  });
  const port = Number(new URL(sim.url).port);
  const h = harness({ intervalMs: 200, timeoutMs: 1000 });
  h.setProfiles([
    { name: 'http', transport: 'http', url: sim.url, user: 'demo', superuser: false, secret: { password: 'refused-1' } },
    {
      name: 'console',
      transport: 'cli',
      host: '127.0.0.1',
      port,
      user: 'bob',
      superuser: false,
      consolePath: VENDOR_CONSOLE,
      secret: { password: 'refused-2' },
    },
    {
      name: 'python',
      transport: 'python',
      host: '127.0.0.1',
      port,
      user: 'carol',
      superuser: false,
      pythonLibraryPath: LIBRARY,
      secret: { password: 'refused-3' },
    },
  ]);
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await sleep(2000);
    await h.refresh();
  }
  const stats = (await sim.world.handle('sim.getStats', {}, ADMIN, false)) as {
    credentialAttempts: Record<string, { ok: number; failed: number }>;
  };
  const rows = [
    ['http', 'demo'],
    ['console', 'bob'],
    ['python', 'carol'],
  ].map(([server, user]): Row => {
    const attempts = stats.credentialAttempts[user!] ?? { ok: 0, failed: 0 };
    const v = h.mirror.server(server!)!;
    const problems: string[] = [];
    if (attempts.failed !== 1) problems.push(`${attempts.failed} attempts with the refused password, not 1`);
    if (!v.summary.credentialsRefused) problems.push('the server is not marked as refusing the credentials');
    return {
      fault: `refused password, ${seconds} s of polling (${server})`,
      server: server!,
      expected: '1 attempt',
      seen: `${attempts.failed} attempt${attempts.failed === 1 ? '' : 's'}, ${v.error?.code ?? v.summary.phase}`,
      recoveryMs: null,
      limitMs: 0,
      problems,
    };
  });
  h.dispose();
  await sim.close();
  return rows;
}

/** Console processes left behind after calls that timed out, also when the console is a launcher script. */
export async function consoleTimeoutRow(): Promise<Row> {
  const sim = await startSimulator({ port: 0, tickMs: 0, seed: 32, destinations: 3, faults: { latencyMs: 2000 } });
  const port = Number(new URL(sim.url).port);
  const dir = mkdtempSync(path.join(tmpdir(), 'faults-console-'));
  const launcher = path.join(dir, 'jetstream');
  // Not exec: the console runs as the launcher's child, the case a plain kill of the child misses.
  writeFileSync(launcher, `#!/bin/sh\n'${VENDOR_CONSOLE}' "$@"\n`, { mode: 0o755 });
  const client = JetStreamClient.create(
    { transport: 'cli', name: 'slow', host: '127.0.0.1', port, user: 'demo', password: 'demo', consolePath: launcher },
    { timeoutMs: 300 },
  );
  let timeouts = 0;
  for (let i = 0; i < 8; i++) {
    try {
      await client.getDestinations();
    } catch (e) {
      if ((e as { code?: string }).code === 'Timeout') timeouts++;
    }
  }
  await sleep(300);
  const left = spawnSync('pgrep', ['-f', `--api-control-port ${port}`], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .filter(Boolean);
  await sim.close();
  const problems: string[] = [];
  if (timeouts !== 8) problems.push(`${timeouts} of 8 calls timed out`);
  if (left.length) problems.push(`${left.length} console processes left running`);
  return {
    fault: 'console calls past the timeout, through a launcher script',
    server: 'slow',
    expected: '0 processes left',
    seen: `${timeouts} timeouts, ${left.length} processes left`,
    recoveryMs: null,
    limitMs: 0,
    problems,
  };
}

/**
 * Servers and consoles that echo the secret they were given, in error text and in destination fields:
 * the secret must appear nowhere a user or a log sees: rows, tooltips, notifications, the details panel, the log.
 */
export async function echoedSecretRow(): Promise<Row> {
  const secret = 'Echo-S3cret-5e1f';
  const basic = Buffer.from(`jo:${secret}`).toString('base64');
  let calls = 0;
  const echo = await startCannedServer((command, _params, req) => {
    calls++;
    const said = `credentials ${req.headers.authorization} (${secret}) rejected`;
    if (command === 'send.getDestinations') {
      return calls % 3 === 0
        ? { status: 500, error: { code: 'ServerError', message: said } }
        : {
            result: [
              record(1, { lastError: 'AuthFailed', lastErrorMessage: `relay login jo:${secret} failed` }),
              record(2, { destinationAddress: `rx-${secret}.example.com`, sendRateMax: secret, userData: { note: `pw ${secret}` } }),
            ],
          };
    }
    if (command === 'send.updateObjectUserData') return { status: 500, error: { code: 'ServerError', message: said } };
    if (command === 'send.getDestination') return { status: 500, error: { code: 'ServerError', message: said } };
    return undefined;
  });
  const sim = await startSimulator({ port: 0, tickMs: 0, seed: 33, destinations: 3 });
  const port = Number(new URL(sim.url).port);
  const h = harness({ intervalMs: 1000, timeoutMs: 2000 });
  h.setProfiles([
    { name: 'echo-http', transport: 'http', url: echo.url, user: 'jo', superuser: false, secret: { password: secret } },
    {
      name: 'echo-console',
      transport: 'cli',
      host: '127.0.0.1',
      port,
      user: 'demo',
      superuser: false,
      consolePath: VENDOR_CONSOLE,
      secret: { password: secret },
    },
    {
      name: 'echo-python',
      transport: 'python',
      host: '127.0.0.1',
      port,
      user: 'bob',
      superuser: false,
      pythonLibraryPath: LIBRARY,
      secret: { password: secret },
    },
  ]);
  const seen: string[] = [];
  const notes: string[] = [];
  // Both destinations in open details panels, which keep their whole records.
  h.mirror.watch(['d-1', 'd-2'].map((key) => ({ server: 'echo-http', key })));
  const said = (e: unknown) => (e instanceof Error ? e.message : String(e));
  for (let i = 0; i < 6; i++) {
    await h.refresh();
    seen.push(...(await h.paint()));
    for (const key of ['d-1', 'd-2']) seen.push(JSON.stringify(await h.mirror.request({ op: 'details', server: 'echo-http', key })));
    // Copy as JSON reads the record from the server, which refuses it echoing the secret: what the failure shows.
    seen.push(await h.mirror.request({ op: 'json', server: 'echo-http', key: 'd-2' }).catch(said));
  }
  // What an edit that fails shows in its notification.
  const outcome = await setUserData({ mirror: h.mirror, log: logOf(h.logged) as never }, 'echo-http', 'd-1', 'note', 'x');
  notes.push(describeOutcome(outcome, 'note').shown ?? '');
  const places: [string, string][] = [
    ['rows and tooltips', seen.join('\n')],
    ['notifications', notes.join('\n')],
    ['the log', h.logged.join('\n')],
  ];
  const problems: string[] = [];
  let hits = 0;
  for (const [where, text] of places) {
    for (const form of [secret, basic, `jo:${secret}`]) {
      const n = text.split(form).length - 1;
      hits += n;
      if (n) problems.push(`${n} in ${where}`);
    }
  }
  for (const name of ['echo-console', 'echo-python'])
    if (!h.mirror.server(name)?.error) problems.push(`${name} did not refuse the echoed password`);
  if (!notes[0]) problems.push('no notification was checked');
  if (!seen.some((s) => s.includes('"destination"'))) problems.push('no details panel showed its destination');
  h.dispose();
  await echo.close();
  await sim.close();
  return {
    fault: 'servers, consoles and the library echo the secret',
    server: 'echo-*',
    expected: '0 hits',
    seen: `${hits} hits in ${seen.length} rows, tooltips and panels, ${notes.length} notification, ${h.logged.length} log lines`,
    recoveryMs: null,
    limitMs: 0,
    problems,
  };
}

function logOf(lines: string[]) {
  const at = (level: string) => (m: string) => lines.push(`${level}: ${m}`);
  return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), trace: at('trace') };
}
