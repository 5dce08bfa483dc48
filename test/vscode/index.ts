// Mocha entry for the tests that run inside a VS Code extension host (Node): code-server through
// scripts/host/run-ext-tests.mjs, or desktop VS Code through @vscode/test-electron (extensionTestsPath).
// esbuild bundles it to dist/test/vscode/index.js (CommonJS) beside the bundled *.test.js files; `mocha` stays
// external and resolves from the extension folder's node_modules (a devDependency of the repo).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  // JETSTREAM_TEST_GREP runs only the tests whose titles match, while working on them.
  const grep = process.env.JETSTREAM_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 20_000, ...(grep ? { grep } : {}) });
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  if (files.length === 0) return Promise.reject(new Error(`no *.test.js files in ${__dirname}`));
  for (const f of files) mocha.addFile(path.join(__dirname, f));

  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const stats = runner.stats;
        // the summary CI reads: alone on its line
        console.log(`${stats?.passes ?? 0} passed, ${failures} failed`);
        if (stats?.pending) console.log(`${stats.pending} pending`);
        if (failures > 0) reject(new Error(`${failures} test(s) failed`));
        else resolve();
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
