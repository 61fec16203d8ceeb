// The command line as one CommonJS file, compiled with V8's code cache.
// Node 20 keeps no compiled code for ES modules (module.enableCompileCache
// came in Node 22), and compiling tskad, zod and commander (1.2 MB) was a
// quarter of what `tskad -t` cost on a small file. So `npm run build`
// (build-bundle.ts) bundles entry.ts and all it reaches into BUNDLE_FILE —
// the daemon, lab and status too, which esbuild evaluates only when they are
// imported — runs the config test in it, and stores V8's code cache of what
// that compiled in CODE_CACHE_FILE. main.ts loads them here.
// A cache V8 rejects (another node, other V8 flags: V8 checks its version,
// its flags and the source's length) costs only the compilation; the build
// deletes the old cache before it writes a new bundle.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import type * as Entry from './entry.js';

// node:fs through require: importing it as an ES module reads all its
// exports, which loads its streams too (~3 ms)
const { readFileSync, statSync } = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');

export type Front = typeof Entry;

export const BUNDLE_FILE = 'tskad.cjs';
export const CODE_CACHE_FILE = 'tskad.cjs.v8cache';
/** What esbuild writes in place of `import.meta` (build-bundle.ts); the wrapper below binds it. */
export const IMPORT_META = '__tskadImportMeta';

export interface LoadedBundle {
  readonly front: Front;
  /** for the build to take the code cache from, after a warm-up */
  readonly script: vm.Script;
}

/**
 * Compiles and runs a bundle's source as Node runs a CommonJS module, in
 * strict mode as the ES modules it was built from. Its `import.meta` is that
 * of a module at `file`: `resolve` is this module's own, which is the same
 * as long as the bundle lies beside it (dist/src/cli/).
 */
export function runBundle(file: string, source: string, cachedData?: Buffer): LoadedBundle {
  const wrapped = `(function (exports, require, module, __filename, __dirname, ${IMPORT_META}) {"use strict";${source}\n})`;
  const script = new vm.Script(wrapped, {
    filename: file,
    ...(cachedData && { cachedData }),
    // esbuild inlines tskad's own dynamic imports; one of a package left out would load as from a module
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} as Front };
  const meta = { url: pathToFileURL(file).href, resolve: import.meta.resolve };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file), meta);
  return { front: module.exports, script };
}

/**
 * The bundle's path in `dir` (by default, this module's own directory), or
 * undefined when there is none, or only an earlier build's: one older than
 * this module, which tsc alone has rewritten since.
 */
export function currentBundle(dir: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  const file = join(dir, BUNDLE_FILE);
  const built = statSync(file, { throwIfNoEntry: false });
  return built === undefined || built.mtimeMs < statSync(fileURLToPath(import.meta.url)).mtimeMs ? undefined : file;
}

/** The command line from the current bundle in `dir` (currentBundle), or undefined without one. */
export function loadBundledCli(dir?: string): Front | undefined {
  const file = currentBundle(dir);
  if (file === undefined) return undefined;
  // the build makes the bundle ASCII, so latin1 reads it as it is, 3 times faster than UTF-8
  return runBundle(file, readFileSync(file, 'latin1'), codeCache(join(dirname(file), CODE_CACHE_FILE))).front;
}

/** The code cache, if the build made one: without, V8 compiles from source. */
function codeCache(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
