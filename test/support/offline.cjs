// Preloaded (NODE_OPTIONS) into each node process of a `npm run test:desktop` the desktop test starts:
// a machine without internet, where fetch fails. A build started there is written down in
// $OFFLINE_BUILD_LOG and skipped, so the test sees whether one ran without rewriting dist/ under the
// other node tests.
const { appendFileSync } = require('node:fs');
const path = require('node:path');

globalThis.fetch = () => Promise.reject(new TypeError('fetch failed'));
if (path.basename(process.argv[1] ?? '') === 'build.mjs') {
  appendFileSync(process.env.OFFLINE_BUILD_LOG, 'build\n');
  process.exit(0);
}
