/**
 * The engine's thread has no console anyone reads: a listener that fails there must reach the main
 * thread as a log line (the JetStream log), with its stack. Nor has it vscode.l10n: it says its words,
 * and the api's, in the language of the bundle it is started with.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { FromEngine } from '../../src/model/engine/protocol';
import { DestinationMirror } from '../../src/model/mirror';

const src = path.join(__dirname, '../../src/model');

describe('the engine worker', () => {
  it('sends a failing listener to the main thread’s log', { timeout: 20_000 }, async () => {
    // The worker entry as it starts, then a listener on its thread that throws.
    const worker = new Worker(
      `require('tsx/cjs');
       require(${JSON.stringify(path.join(src, 'engine/worker.ts'))});
       const { Emitter } = require(${JSON.stringify(path.join(src, 'events.ts'))});
       const emitter = new Emitter();
       emitter.event(() => { throw new TypeError('a listener broke'); });
       emitter.fire(1);`,
      { eval: true },
    );
    try {
      const logged = await new Promise<FromEngine>((resolve, reject) => {
        worker.on('message', (m: FromEngine) => m.type === 'log' && resolve(m));
        worker.on('error', reject);
      });
      assert.equal(logged.type === 'log' && logged.level, 'error');
      assert.match(logged.type === 'log' ? logged.message : '', /^an event listener failed: TypeError: a listener broke\n\s+at /);
    } finally {
      await worker.terminate();
    }
  });

  it(
    'says its own words and the api’s by the bundle it is started with, English where the bundle has none',
    { timeout: 20_000 },
    async (t) => {
      // A port nothing listens on: the refresh fails in the http transport, whose words the bundle translates.
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const { port } = closed.address() as { port: number };
      await new Promise((r) => closed.close(r));
      const mirror = new DestinationMirror({
        script: path.join(__dirname, '../support/worker-from-source.cjs'),
        bundle: {
          "Cannot reach server '{0}' at {1}: {2}.": '[fr] {0} injoignable ({2})',
          "There is no server named '{0}'.": '[fr] pas de serveur {0}',
        },
        secret: async () => undefined,
        log: () => undefined,
      });
      t.after(() => mirror.dispose());
      mirror.setPolling({ active: false, intervalMs: 1000, timeoutMs: 5000 });
      mirror.setProfiles([{ name: 'lab', transport: 'http', url: `http://127.0.0.1:${port}`, superuser: false }]);
      while (mirror.server('lab')?.summary.phase !== 'error') await new Promise((r) => setTimeout(r, 20));
      assert.equal(mirror.server('lab')?.error?.code, 'Unreachable');
      assert.equal(mirror.server('lab')?.error?.message, '[fr] lab injoignable (the connection was refused (is the server running?))');
      await assert.rejects(mirror.request({ op: 'compat', server: 'gone' }), { code: 'NotFound', message: '[fr] pas de serveur gone' });
    },
  );
});
