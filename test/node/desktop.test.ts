/** `npm run test:desktop` says at once what it lacks, rather than failing deep inside a download or a launch. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'node:test';

const root = path.resolve(__dirname, '../..');

it('names the missing VS Code executable and exits', () => {
  const script = path.join(root, 'scripts/test-desktop.mjs');
  const started = Date.now();
  const r = spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    env: { ...process.env, VSCODE_EXECUTABLE_PATH: '/nonexistent/code' },
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /VSCODE_EXECUTABLE_PATH names \/nonexistent\/code, which does not exist/);
  assert.ok(Date.now() - started < 10_000);
});

it('without internet or a VS Code, says so before it builds anything', () => {
  const log = path.join(mkdtempSync(path.join(tmpdir(), 'desktop-test-')), 'builds');
  const { VSCODE_EXECUTABLE_PATH: _named, ...env } = process.env;
  const r = spawnSync('npm', ['run', '--silent', 'test:desktop'], {
    shell: process.platform === 'win32', // npm is a .cmd there
    cwd: root,
    encoding: 'utf8',
    env: { ...env, NODE_OPTIONS: `--require "${path.join(root, 'test/support/offline.cjs')}"`, OFFLINE_BUILD_LOG: log },
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no desktop VS Code: VSCODE_EXECUTABLE_PATH is not set and the VS Code download server cannot be reached/);
  assert.equal(existsSync(log), false, 'no build ran');
});
