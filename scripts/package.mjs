// Packages the built extension (dist/) as a .vsix with @vscode/vsce: the one place its flags live.
// usage: node scripts/package.mjs [outDir]   (default: the repo root)
// --no-dependencies: everything is bundled; --allow-missing-repository: no public repository yet;
// --no-rewrite-relative-links: the README's screenshots stay relative links.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const out = path.resolve(process.argv[2] ?? root);
const vsce = path.join(root, 'node_modules', '.bin', 'vsce');
const r = spawnSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
