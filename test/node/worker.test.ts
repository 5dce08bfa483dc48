/**
 * The engine's thread has no console anyone reads: a listener that fails there must reach the main
 * thread as a log line (the JetStream log), with its stack.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { FromEngine } from '../../src/model/engine/protocol';

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
});
