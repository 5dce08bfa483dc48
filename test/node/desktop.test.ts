/** `npm run test:desktop` says at once what it lacks, rather than failing deep inside a download or a launch. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { it } from 'node:test';

it('names the missing VS Code executable and exits', () => {
  const script = path.resolve(__dirname, '../../scripts/test-desktop.mjs');
  const started = Date.now();
  const r = spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    env: { ...process.env, VSCODE_EXECUTABLE_PATH: '/nonexistent/code' },
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /VSCODE_EXECUTABLE_PATH names \/nonexistent\/code, which does not exist/);
  assert.ok(Date.now() - started < 10_000);
});
