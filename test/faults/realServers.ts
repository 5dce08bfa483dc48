/**
 * Fault rows for what a real server does to a client that our simulator never does: a refused
 * password polled for a minute, consoles that time out, and servers and consoles that echo the secret
 * they were given. Each row counts what a user (or a PAM lockout) would notice.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JetStreamClient, type ClientEndpoint } from '../../src/api/client';
import { DetailsSource } from '../../src/model/details';
import type { ServerProfile } from '../../src/model/profiles';
import { RefreshScheduler } from '../../src/model/scheduler';
import { DestinationStore } from '../../src/model/store';
import { setEntry } from '../../src/commands/userData';
import type { Services } from '../../src/commands/services';
import { DestinationsTreeProvider, type Node } from '../../src/views/tree';
import { notifications } from '../support/vscode-stub';
import { startSimulator } from '../../sim/server';
import { record } from '../fixtures/records';
import { startCannedServer } from '../support/cannedServer';

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
const ADMIN = { user: 'admin', password: 'admin' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Profiles with their secrets, and a store that opens clients for them as the extension does. */
function storeOf(profiles: (ServerProfile & { secret: { password?: string } })[], timeoutMs: number) {
  const logged: string[] = [];
  const store = new DestinationStore(
    async (p) => {
      const given = profiles.find((x) => x.name === p.name)!;
      const common = { name: p.name, user: p.user, ...given.secret };
      const endpoint: ClientEndpoint =
        p.transport === 'cli'
          ? { transport: 'cli', ...common, host: p.host!, port: p.port!, consolePath: p.consolePath }
          : { transport: 'http', ...common, url: p.url! };
      return JetStreamClient.create(endpoint, { timeoutMs });
    },
    { log: (level, m) => logged.push(`${level}: ${m}`) },
  );
  store.setProfiles(profiles.map(({ secret: _secret, ...p }) => p));
  return { store, logged };
}

/**
 * A minute of polling every 200 ms, with a manual Refresh now and then, against a server that refused
 * the password: the server must see exactly one attempt per profile (PAM locks an account after a few).
 */
export async function refusedPasswordRows(seconds: number): Promise<Row[]> {
  const sim = await startSimulator({ port: 0, tickMs: 200, seed: 31, destinations: 5 });
  const port = Number(new URL(sim.url).port);
  const { store } = storeOf(
    [
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
    ],
    1000,
  );
  const scheduler = new RefreshScheduler(store, { intervalMs: 200 });
  scheduler.setActive(true);
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await sleep(2000);
    await scheduler.refreshNow(undefined, { manual: true });
  }
  scheduler.dispose();
  const stats = (await sim.world.handle('sim.getStats', {}, ADMIN, false)) as {
    credentialAttempts: Record<string, { ok: number; failed: number }>;
  };
  const rows = [
    ['http', 'demo'],
    ['console', 'bob'],
  ].map(([server, user]): Row => {
    const attempts = stats.credentialAttempts[user!] ?? { ok: 0, failed: 0 };
    const state = store.server(server!)!;
    const problems: string[] = [];
    if (attempts.failed !== 1) problems.push(`${attempts.failed} attempts with the refused password, not 1`);
    if (!state.credentialsRefused) problems.push('the server is not marked as refusing the credentials');
    return {
      fault: `refused password, ${seconds} s of polling (${server})`,
      server: server!,
      expected: '1 attempt',
      seen: `${attempts.failed} attempt${attempts.failed === 1 ? '' : 's'}, ${state.error?.code ?? state.phase}`,
      recoveryMs: null,
      limitMs: 0,
      problems,
    };
  });
  store.dispose();
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
              record(2, { destinationAddress: `rx-${secret}.example.com`, sendRateMax: secret }),
            ],
          };
    }
    if (command === 'send.updateObjectUserData') return { status: 500, error: { code: 'ServerError', message: said } };
    return undefined;
  });
  const sim = await startSimulator({ port: 0, tickMs: 0, seed: 33, destinations: 3 });
  const port = Number(new URL(sim.url).port);
  const { store, logged } = storeOf(
    [
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
    ],
    2000,
  );
  const tree = new DestinationsTreeProvider(store);
  const seen: string[] = [];
  const look = () => {
    const walk = (node?: Node) => {
      for (const child of tree.getChildren(node)) {
        const item = tree.resolveTreeItem(tree.getTreeItem(child), child);
        seen.push(JSON.stringify([item.label, item.description, item.tooltip, item.accessibilityInformation]));
        walk(child);
      }
    };
    walk();
    for (const key of ['d-1', 'd-2'])
      seen.push(JSON.stringify(new DetailsSource(store, 'echo-http', key, { notConfigured: '', gone: '' }).message()));
  };
  for (let i = 0; i < 6; i++) {
    await Promise.all([store.refresh('echo-http'), store.refresh('echo-console')]);
    look();
  }
  const services = { store, scheduler: new RefreshScheduler(store, { intervalMs: 1000 }), log: logOf(logged) } as unknown as Services;
  await setEntry(services, 'echo-http', 'd-1', 'note', 'x');
  services.scheduler.dispose();
  const places: [string, string][] = [
    ['rows and tooltips', seen.join('\n')],
    ['notifications', notifications.join('\n')],
    ['the log', logged.join('\n')],
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
  if (!store.server('echo-console')?.error) problems.push('the console did not refuse the echoed password');
  if (!notifications.length) problems.push('no notification was checked');
  tree.dispose();
  store.dispose();
  await echo.close();
  await sim.close();
  return {
    fault: 'servers and consoles that echo the secret',
    server: 'echo-*',
    expected: '0 hits',
    seen: `${hits} hits in ${seen.length} rows and panels, ${notifications.length} notifications, ${logged.length} log lines`,
    recoveryMs: null,
    limitMs: 0,
    problems,
  };
}

function logOf(lines: string[]) {
  const at = (level: string) => (m: string) => lines.push(`${level}: ${m}`);
  return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), trace: at('trace') };
}
