// Node tests of modules that import 'vscode' (the tree provider) get the stand-in: only the classes a
// provider builds (TreeItem, ThemeIcon, EventEmitter…), no editor behind them.
const Module = require('node:module');
const path = require('node:path');

const stub = path.join(__dirname, 'vscode-stub.ts');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? stub : resolve.call(this, request, ...rest);
};
