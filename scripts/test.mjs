// `npm test`: every check and every test, in the order that fails fastest, then one closing line
// `N passed, N failed` for all suites together. Stages:
//   build · typecheck · lint · format · setup (Chromium, Node 24, code-server; once) · node (client, simulator, model;
//   real sockets) · faults (injected into a simulator under the store, tree and panel) · bench --quick · webview (real Chromium)
//   · extension host (real VS Code: code-server) · package · UI (the .vsix in code-server, as a person)
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
const nodeTests = (dir) =>
  readdirSync(path.join(root, dir))
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => `${dir}/${f}`);

const stages = [
  { name: 'build', cmd: ['node', 'scripts/build.mjs'] },
  { name: 'typecheck', cmd: ['npx', 'tsc', '--noEmit', '-p', '.'] },
  { name: 'lint', cmd: ['npx', 'eslint', '--max-warnings', '0', '.'] },
  { name: 'format', cmd: ['npx', 'prettier', '--check', '.'] },
  { name: 'setup', cmd: ['node', 'scripts/host/setup.mjs'] },
  {
    name: 'node',
    cmd: [
      'node',
      '--require',
      './test/support/vscode-alias.cjs',
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      '--test-concurrency=1',
      ...nodeTests('test/node'),
    ],
    counts: nodeCounts,
  },
  { name: 'faults', cmd: ['node', 'dist/faults.js'], counts: faultCounts },
  // Figures only, no verdict: run so that a change that breaks the benchmark is seen at once.
  { name: 'bench', cmd: ['node', '--expose-gc', 'dist/bench.js', '--quick'] },
  { name: 'webview', cmd: ['node', '--import', 'tsx', '--test', '--test-reporter=spec', ...nodeTests('test/webview')], counts: nodeCounts },
  {
    name: 'extension host',
    cmd: ['node', 'scripts/host/run-ext-tests.mjs', '--extension', root, '--tests', path.join(root, 'dist/test/vscode/index.js')],
    counts: plainCounts,
  },
  {
    name: 'package',
    cmd: ['node', 'scripts/package.mjs'],
  },
  { name: 'ui', cmd: ['node', '--test', '--test-reporter=spec', '--test-concurrency=1', 'test/ui/'], counts: nodeCounts },
];

function nodeCounts(out) {
  const pass = /^[ℹ#] pass (\d+)/m.exec(out);
  const fail = /^[ℹ#] fail (\d+)/m.exec(out);
  return pass && fail ? { passed: +pass[1], failed: +fail[1] } : undefined;
}

function faultCounts(out) {
  const m = /^(\d+) faults injected, (\d+) survived$/m.exec(out);
  return m ? { passed: +m[2], failed: +m[1] - +m[2] } : undefined;
}

function plainCounts(out) {
  const m = [...out.matchAll(/^(\d+) passed, (\d+) failed$/gm)].pop();
  return m ? { passed: +m[1], failed: +m[2] } : undefined;
}

function run(stage) {
  return new Promise((resolve) => {
    const started = Date.now();
    console.log(`\n=== ${stage.name} ===`);
    const child = spawn(stage.cmd[0], stage.cmd.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let out = '';
    const tee = (stream, target) =>
      stream.on('data', (chunk) => {
        out += chunk;
        target.write(chunk);
      });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ code, out, seconds: (Date.now() - started) / 1000 }));
  });
}

let passed = 0;
let failed = 0;
const summary = [];
for (const stage of stages) {
  if (only.length && !only.includes(stage.name)) continue;
  const { code, out, seconds } = await run(stage);
  const counts = stage.counts?.(out);
  if (counts) {
    passed += counts.passed;
    failed += counts.failed;
  }
  // A suite that exits non-zero without reporting a failure (a crash, a hang cut short) counts as one.
  if (code !== 0 && !counts?.failed) failed++;
  summary.push(
    `${stage.name.padEnd(15)} ${code === 0 ? 'ok  ' : 'FAIL'} ${counts ? `${counts.passed} passed, ${counts.failed} failed` : ''} (${seconds.toFixed(1)} s)`,
  );
  if (code !== 0 && ['build', 'typecheck', 'setup', 'package'].includes(stage.name)) break;
}
console.log(`\n=== summary ===\n${summary.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
