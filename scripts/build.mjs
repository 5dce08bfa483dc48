// One esbuild bundle per entry: the extension host, the webview, the simulator, the console shim,
// and the tests that run inside VS Code. `--dev` keeps bundles readable for debugging.
// Prints one line when done (what, how long); esbuild speaks only for a warning or an error.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const started = performance.now();
const dev = process.argv.includes('--dev');
const root = path.resolve(import.meta.dirname, '..');
const at = (p) => path.join(root, p);
rmSync(at('dist'), { recursive: true, force: true });
// The python transport runs this script next to the bundle (path.join(__dirname, 'jetstream_bridge.py')).
mkdirSync(at('dist'), { recursive: true });
copyFileSync(at('src/api/python/jetstream_bridge.py'), at('dist/jetstream_bridge.py'));

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: dev ? 'inline' : 'linked',
  minify: !dev,
  logLevel: 'warning',
  legalComments: 'none',
  // ES module builds first: jsonc-parser's `main` is a UMD build whose requires esbuild cannot follow.
  mainFields: ['module', 'main'],
};

// A webview page: one script (and the stylesheet it imports) for the panel's browser.
const browser = {
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  sourcemap: dev ? 'inline' : false,
  minify: !dev,
  logLevel: 'warning',
};

const vscodeTests = existsSync(at('test/vscode'))
  ? readdirSync(at('test/vscode'))
      .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
      .map((f) => at(`test/vscode/${f}`))
  : [];

await Promise.all([
  build({ ...node, entryPoints: [at('src/extension.ts')], outfile: at('dist/extension.js'), external: ['vscode'] }),
  // The engine's worker thread: transports, fetch, parse, check and diff, off the extension host's main thread.
  build({ ...node, entryPoints: [at('src/model/engine/worker.ts')], outfile: at('dist/worker.js') }),
  build({ ...node, entryPoints: [at('sim/main.ts')], outfile: at('dist/sim.js') }),
  build({ ...node, entryPoints: [at('sim/console.ts')], outfile: at('dist/jetstream-console.js') }),
  build({
    ...node,
    minify: false,
    entryPoints: [at('bench/run.ts')],
    outfile: at('dist/bench.js'),
    alias: { vscode: at('test/support/vscode-stub.ts') },
  }),
  build({
    ...node,
    minify: false,
    entryPoints: [at('test/faults/run.ts')],
    outfile: at('dist/faults.js'),
    alias: { vscode: at('test/support/vscode-stub.ts') },
  }),
  existsSync(at('src/webview/main.ts')) && build({ ...browser, entryPoints: [at('src/webview/main.ts')], outfile: at('dist/webview.js') }),
  // The destinations table's page: its own bundle and stylesheet (dist/table.js + .css).
  existsSync(at('src/webview/table/main.ts')) &&
    build({ ...browser, entryPoints: [at('src/webview/table/main.ts')], outfile: at('dist/table.js') }),
  vscodeTests.length &&
    build({
      ...node,
      minify: false,
      sourcemap: 'inline',
      entryPoints: vscodeTests,
      outdir: at('dist/test/vscode'),
      external: ['vscode', 'mocha'],
    }),
]);

// The JSON schema of destinations files (contributes.jsonValidation), made from the same zod schema the
// client and Plan use, so the editor's validation and what is sent never disagree.
const schemaModule = at('dist/destinations-file-schema.cjs');
await build({ ...node, minify: false, sourcemap: false, entryPoints: [at('src/model/destinationsFile.ts')], outfile: schemaModule });
const { destinationsFileJsonSchema } = createRequire(import.meta.url)(schemaModule);
writeFileSync(at('dist/destinations-file.schema.json'), `${JSON.stringify(destinationsFileJsonSchema(), null, 2)}\n`);
rmSync(schemaModule);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`built dist/${dev ? ' (development, readable bundles)' : ''} in ${seconds} s`);
