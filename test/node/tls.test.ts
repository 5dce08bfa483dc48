/**
 * TLS between the http transport and the simulator served over HTTPS, with certificates made here by
 * the `openssl` command line: a self-signed certificate is refused by default, accepted when pinned,
 * refused again when the pin is another certificate for the same name, and refused when it is pinned but
 * names another host (the host name check stays on).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { JetStreamClient } from '../../src/api/client';
import { JetStreamError } from '../../src/api/errors';
import { startSimulator, type Simulator } from '../../sim/server';

const root = path.resolve(import.meta.dirname, '../..');

interface Pem {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

let dir: string;
/** The server's certificate, for CN and IP SAN 127.0.0.1. */
let good: Pem;
/** Another self-signed certificate for the same name: the wrong pin. */
let other: Pem;
/** A self-signed certificate for a name that is not the server's. */
let elsewhere: Pem;
let sim: Simulator;
let simElsewhere: Simulator;

/** Runs openssl, failing (never skipping) with a clear message when it is missing or refuses. */
function openssl(args: string[]): string {
  try {
    return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    const why = e.code === 'ENOENT' ? 'it is not installed or not on PATH' : `${e.message}${e.stderr ? `\n${e.stderr}` : ''}`;
    throw new Error(`The TLS tests generate their certificates with the openssl command line, and \`openssl ${args[0]}\` failed: ${why}`, {
      cause: error,
    });
  }
}

function selfSigned(name: string, subject: string, altName: string): Pem {
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    `/CN=${subject}`,
    '-addext',
    `subjectAltName=${altName}`,
  ]);
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
}

before(async () => {
  assert.match(openssl(['version']), /^OpenSSL \d/);
  dir = mkdtempSync(path.join(tmpdir(), 'jetstream-tls-'));
  good = selfSigned('good', '127.0.0.1', 'IP:127.0.0.1');
  other = selfSigned('other', '127.0.0.1', 'IP:127.0.0.1');
  elsewhere = selfSigned('elsewhere', 'other.example', 'DNS:other.example');
  assert.notEqual(good.cert, other.cert);
  sim = await startSimulator({ tickMs: 0, seed: 42, destinations: 30, tls: { cert: good.cert, key: good.key } });
  simElsewhere = await startSimulator({ tickMs: 0, tls: { cert: elsewhere.cert, key: elsewhere.key } });
});

after(async () => {
  await sim?.close();
  await simElsewhere?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs `use` with a client of the profile 'secure', closing it afterwards. */
async function withClient<T>(
  options: { url?: string; ca?: string | undefined; password?: string },
  use: (c: JetStreamClient) => Promise<T>,
): Promise<T> {
  const c = JetStreamClient.create({
    transport: 'http',
    name: 'secure',
    url: options.url ?? sim.url,
    user: 'demo',
    password: options.password ?? 'demo',
    ca: options.ca,
  });
  try {
    return await use(c);
  } finally {
    await c.close();
  }
}

async function failure(p: Promise<unknown>): Promise<JetStreamError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof JetStreamError, `expected a JetStreamError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

/** The Node/undici error code underneath a JetStreamError. */
function causeCode(e: JetStreamError): string | undefined {
  const cause = (e as { cause?: { code?: string; cause?: { code?: string } } }).cause;
  return cause?.code ?? cause?.cause?.code;
}

function assertTlsIdentity(e: JetStreamError, nodeCode: string, advice: RegExp): void {
  assert.equal(e.code, 'TlsIdentity', e.message);
  assert.equal(causeCode(e), nodeCode, e.message);
  assert.equal(e.details.server, 'secure');
  assert.match(e.message, /server 'secure'/);
  assert.match(e.message, /Cannot verify the identity/);
  assert.match(e.message, advice);
  assert.ok(!e.isTransient, 'a certificate problem is not worth retrying');
}

describe('TLS: http transport against the simulator over HTTPS', () => {
  it('serves HTTPS when given a certificate', () => {
    assert.match(sim.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses a self-signed certificate by default, naming the server and asking for a pin', async () => {
    const e = await failure(withClient({}, (c) => c.getServerInfo()));
    assertTlsIdentity(e, 'DEPTH_ZERO_SELF_SIGNED_CERT', /self-signed certificate\. Pin its certificate or CA/);
    assert.equal(e.details.command, 'getServerInfo');
  });

  it('accepts the certificate when it is pinned', async () => {
    await withClient({ ca: good.cert }, async (c) => {
      const info = await c.getServerInfo();
      assert.ok(info.apiVersion >= 27);
      const list = await c.getDestinations();
      assert.ok(list.length > 0);
      assert.ok(list.every((d) => d.owner === 'demo'));
    });
    // Past the handshake, the protocol's own errors come through as usual.
    const e = await failure(withClient({ ca: good.cert, password: 'wrong' }, (c) => c.getDestinations()));
    assert.equal(e.code, 'AuthFailed');
  });

  it('refuses the server when the pin is another certificate for the same name', async () => {
    const e = await failure(withClient({ ca: other.cert }, (c) => c.getServerInfo()));
    assertTlsIdentity(e, 'DEPTH_ZERO_SELF_SIGNED_CERT', /is not the one pinned in the server's profile/);
  });

  it('refuses a pinned certificate that names another host: the host name check stays on', async () => {
    // The pin itself is good: the handshake succeeds as far as the chain goes, then the name does not match.
    const e = await failure(withClient({ url: simElsewhere.url, ca: elsewhere.cert }, (c) => c.getServerInfo()));
    assertTlsIdentity(e, 'ERR_TLS_CERT_ALTNAME_INVALID', /certificate is for another host name\. Check the URL/);
  });

  it('never puts the password into the error', async () => {
    const password = 'hunter2-tls-Secret';
    const basic = Buffer.from(`demo:${password}`).toString('base64');
    for (const ca of [undefined, other.cert]) {
      const e = await failure(withClient({ ca, password }, (c) => c.getDestinations()));
      assert.equal(e.code, 'TlsIdentity');
      for (const text of [e.message, String(e), inspect(e, { depth: Infinity }), JSON.stringify(e)]) {
        assert.ok(!text.includes(password), `password in: ${text}`);
        assert.ok(!text.includes(basic), `credentials in: ${text}`);
      }
    }
  });
});

describe('TLS: simulator CLI --tls-cert and --tls-key', () => {
  const main = (args: string[]) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sim/main.ts', '--port', '0', '--tick-ms', '0', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((done) =>
      child.on('close', (code) => done({ code, stdout, stderr })),
    );
    return { child, exited, stdout: () => stdout };
  };

  it('wants both or neither, and a key that belongs to the certificate; otherwise exits 2', async () => {
    for (const [args, pattern] of [
      [['--tls-cert', good.certFile], /--tls-cert needs --tls-key/],
      [['--tls-key', good.keyFile], /--tls-key needs --tls-cert/],
      [['--tls-cert', path.join(dir, 'missing.crt'), '--tls-key', good.keyFile], /--tls-cert .*missing\.crt/],
      [['--tls-cert', good.keyFile, '--tls-key', good.keyFile], /--tls-cert .*good\.key/],
      [['--tls-cert', good.certFile, '--tls-key', other.keyFile], /--tls-key .*other\.key does not belong to --tls-cert .*good\.crt/],
    ] as const) {
      const r = await main([...args]).exited;
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.ok(!r.stderr.includes('PRIVATE KEY'), 'no key material in the message');
    }
  });

  it('serves HTTPS with both, announcing an https:// URL', async () => {
    const run = main(['--tls-cert', good.certFile, '--tls-key', good.keyFile]);
    try {
      const url = await new Promise<string>((done, fail) => {
        run.child.stdout.on('data', () => {
          const line = /^JetStream simulator listening on (https:\/\/127\.0\.0\.1:\d+)\n/.exec(run.stdout());
          if (line) done(line[1]!);
        });
        void run.exited.then((r) => fail(new Error(`exited before listening: ${r.stdout}${r.stderr}`)));
      });
      const info = await withClient({ url, ca: good.cert }, (c) => c.getServerInfo());
      assert.ok(info.apiVersion >= 27);
    } finally {
      run.child.kill('SIGTERM');
    }
    assert.equal((await run.exited).code, 0);
  });
});
