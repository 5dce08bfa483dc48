/**
 * Entry of dist/worker.js: the engine on a worker thread of the extension host, so that fetching,
 * parsing and diffing a large server never blocks the thread every other extension shares.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { bundleWords, useWords } from '../../api/l10n';
import { reportListenerErrors } from '../events';
import type { Secret } from '../profiles';
import { Engine } from './engine';
import type { EngineStart, FromEngine, ToEngine } from './protocol';

const port = parentPort;
if (!port) throw new Error('dist/worker.js runs as a worker thread of the extension');

// A worker started without workerData (a test's) speaks English.
useWords(bundleWords((workerData as EngineStart | undefined)?.bundle));

const waiting = new Map<number, (secret: Secret | undefined) => void>();
let asked = 0;
const post = (m: FromEngine) => port.postMessage(m);
// A worker's console goes nowhere the user looks: a failing listener is told to the JetStream log.
reportListenerErrors((e) =>
  post({ type: 'log', level: 'error', message: `an event listener failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` }),
);

const engine = new Engine({
  post,
  secret: (server) =>
    new Promise((resolve) => {
      const id = ++asked;
      waiting.set(id, resolve);
      post({ type: 'needSecret', id, server });
    }),
});

port.on('message', (m: ToEngine) => {
  if (m.type !== 'secret') return engine.handle(m);
  waiting.get(m.id)?.(m.secret);
  waiting.delete(m.id);
});
port.on('close', () => engine.dispose());
