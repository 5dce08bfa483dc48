// First step of `npm start` and `npm test`: makes a fresh clone ready with no other command.
// Installs the locked dependencies (npm ci) when node_modules is missing or older than the lock file,
// and is silent otherwise. npm's output is shown only when it fails; its notices a user cannot act on
// (funding, audit, a newer npm) are not asked for.
// Only Node built-ins here: nothing else exists yet on a fresh clone.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const stamp = path.join(root, 'node_modules', '.lock-hash');
const hash = createHash('sha256')
  .update(readFileSync(path.join(root, 'package-lock.json')))
  .digest('hex');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== hash) {
  const started = performance.now();
  process.stdout.write('bootstrap: installing the locked dependencies (npm ci)… ');
  let out;
  try {
    out = execSync('npm ci --no-audit --no-fund --no-update-notifier --loglevel=error', { cwd: root, stdio: 'pipe', encoding: 'utf8' });
  } catch (e) {
    console.log('failed');
    process.stderr.write(`${e.stdout ?? ''}${e.stderr ?? ''}`);
    process.exit(e.status || 1);
  }
  // What npm's summary line ("added 412 packages in 21s") says was installed.
  const added = /^(added \d+ packages?|up to date)/m.exec(out)?.[0];
  console.log(`${added ?? 'done'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  writeFileSync(stamp, hash);
}
