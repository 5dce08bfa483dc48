#!/usr/bin/env node
// Install (once, idempotently) what the extension tests, UI tests and `npm start` need:
// Debian Chromium, Node 24 (tools/node24) and code-server (tools/code-server).
// usage: node scripts/host/setup.mjs [--no-chromium]
import { ensureAll, CODE_SERVER_BIN, NODE24_HOME, CHROMIUM } from './lib.mjs';

const chromium = !process.argv.includes('--no-chromium');
const t0 = Date.now();
await ensureAll({ chromium });
console.log(`node24:      ${NODE24_HOME}/bin/node`);
console.log(`code-server: ${CODE_SERVER_BIN}`);
if (chromium) console.log(`chromium:    ${CHROMIUM}`);
console.log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
