// Packages the built extension (dist/) as a .vsix with @vscode/vsce: the one place its flags live.
// usage: node scripts/package.mjs [outDir]   (default: the repo root)
// --no-dependencies: everything is bundled; --allow-missing-repository: no public repository yet;
// --no-rewrite-relative-links: the README's screenshots stay relative links.
// Prints one line (file, size, time); vsce's own listing of the files is printed only when it fails.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const started = performance.now();
const root = path.resolve(import.meta.dirname, '..');
const out = path.resolve(process.argv[2] ?? root);
const { name, version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const file = path.join(out, `${name}-${version}.vsix`);
const vsce = path.join(root, 'node_modules', '.bin', 'vsce');
const r = spawnSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', file], {
  cwd: root,
  // No stdin: a question from vsce fails the packaging (its output says which) instead of waiting unseen.
  stdio: ['ignore', 'pipe', 'pipe'],
  encoding: 'utf8',
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (r.status !== 0) {
  process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  const why = r.error ? r.error.message : r.status === null ? `signal ${r.signal}` : `exit ${r.status}`;
  console.error(`package: vsce failed (${why}) after ${seconds} s`);
  process.exit(1);
}
const shown = out === root ? path.basename(file) : file;
console.log(`packaged ${shown} (${Math.round(statSync(file).size / 1024).toLocaleString('en-US')} KB) in ${seconds} s`);
