/**
 * What the extension bundle gets for `import { Pool } from 'undici'` (an esbuild alias): undici is a
 * bundle of its own, dist/undici.js, loaded when the first http server is contacted, so activation
 * does not pay for half a megabyte it may not need yet.
 */
import * as path from 'node:path';
import type * as Undici from 'undici';

let undici: typeof Undici | undefined;

function load(): typeof Undici {
  // A computed path: esbuild leaves this require to run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand on purpose
  return (undici ??= require(path.join(__dirname, 'undici.js')) as typeof Undici);
}

export const Pool = function Pool(...args: ConstructorParameters<typeof Undici.Pool>) {
  return new (load().Pool)(...args);
} as unknown as typeof Undici.Pool;
