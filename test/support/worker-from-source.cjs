// The engine's worker run from TypeScript, for node tests: tsx compiles it as it loads.
require('tsx/cjs');
require('../../src/model/engine/worker.ts');
