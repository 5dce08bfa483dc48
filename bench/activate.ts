/**
 * Loads the bundled extension in a fresh process and prints how long loading it and running activate()
 * took, in ms: the extension's own code, with `vscode` stood in for.
 */
import Module from 'node:module';
import path from 'node:path';
import * as stub from '../test/support/vscode-stub';

const load = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
(Module as unknown as { _load: typeof load })._load = (request, ...rest) => (request === 'vscode' ? stub : load(request, ...rest));

const context = new Proxy(
  { subscriptions: [], extensionPath: path.resolve(__dirname, '..'), extension: { packageJSON: { version: 'bench' } } } as Record<
    string,
    unknown
  >,
  {
    get: (target, prop: string) => (prop in target ? target[prop] : stub.window),
  },
);
const t0 = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extension = require(path.resolve(__dirname, 'extension.js')) as { activate(context: unknown): unknown };
const t1 = performance.now();
extension.activate(context);
const t2 = performance.now();
// Total, then loading the bundle and running activate() apart.
process.stdout.write(`${(t2 - t0).toFixed(3)} ${(t1 - t0).toFixed(3)} ${(t2 - t1).toFixed(3)}\n`);
process.exit(0);
