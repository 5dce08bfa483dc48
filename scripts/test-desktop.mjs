// `npm run test:desktop`: the extension-host suite (dist/test/vscode) in desktop VS Code through
// @vscode/test-electron — the VS Code named by VSCODE_EXECUTABLE_PATH, or one it downloads (cached in
// .vscode-test/). Where neither can be had, as on machines without internet, it says so at once
// instead of waiting on a download; `npm test` runs the same suite in code-server. It builds only once
// it has a VS Code, so that answer does not wait on a build either.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tests = path.join(root, 'dist/test/vscode/index.js');
const DOWNLOAD_HOST = 'https://update.code.visualstudio.com/api/releases/stable';

function fail(message) {
  console.error(`test:desktop: ${message}`);
  process.exit(1);
}

async function reachable(url) {
  try {
    const res = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
    return res.status < 500;
  } catch {
    return false;
  }
}

async function vscode() {
  const named = process.env.VSCODE_EXECUTABLE_PATH;
  if (named) {
    if (!existsSync(named)) fail(`VSCODE_EXECUTABLE_PATH names ${named}, which does not exist.`);
    return named;
  }
  if (!(await reachable(DOWNLOAD_HOST))) {
    fail(
      'no desktop VS Code: VSCODE_EXECUTABLE_PATH is not set and the VS Code download server cannot be reached.\n' +
        'Set VSCODE_EXECUTABLE_PATH to a VS Code executable (e.g. /usr/share/code/code), or run where ' +
        'update.code.visualstudio.com can be reached. `npm test` runs the same suite in code-server.',
    );
  }
  return downloadAndUnzipVSCode({ version: 'stable', cachePath: path.join(root, '.vscode-test') });
}

const vscodeExecutablePath = await vscode();
const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
try {
  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: tests,
    // A profile of its own, and no other extension: the suite sees only this one.
    launchArgs: ['--disable-extensions', '--user-data-dir', mkdtempSync(path.join(tmpdir(), 'jetstream-desktop-'))],
  });
} catch (e) {
  fail(`the suite failed in desktop VS Code: ${e instanceof Error ? e.message : String(e)}`);
}
