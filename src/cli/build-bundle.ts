// The one-file command line and its code cache (bundle.ts), as `npm run
// build` makes them after tsc (npm-build.ts). The cache holds what V8
// compiled while the bundle loaded and ran `-t` on each example, which is
// the code every `tskad -t` runs; code it lacks (the daemon's) is compiled
// when first run, as without a cache. The warm-up only reads: `-t` writes
// nothing.
import { build } from 'esbuild';
import { readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_FILE, CODE_CACHE_FILE, IMPORT_META, runBundle } from './bundle.js';
import { packageRoot } from './package.js';
import type { Io } from './io.js';

/**
 * Packages left in node_modules, as the ES module build left them: the native
 * addons, and what only the daemon loads (pino runs its transports from files).
 */
const EXTERNAL = ['pino', 'nodemailer', 'prom-client', 'netlink', 'raw-socket', 'unix-dgram'];

/** Bundles `entry` (entry.ts, or its tsc output) into `dir`, beside the bundle.ts that will load it. */
export async function buildBundle(entry: string, dir: string): Promise<void> {
  const bundle = join(dir, BUNDLE_FILE);
  const cache = join(dir, CODE_CACHE_FILE);
  // a cache of an older bundle of the same length would pass V8's check
  rmSync(cache, { force: true });
  await build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    define: { 'import.meta': IMPORT_META },
    // no comments, so that the file is ASCII (esbuild escapes the rest) for bundle.ts to read as latin1
    minifyWhitespace: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  const source = readFileSync(bundle, 'latin1');
  const nonAscii = /[^\x00-\x7f]/.exec(source);
  if (nonAscii) throw new Error(`${bundle}: a non-ASCII character at offset ${nonAscii.index}, which bundle.ts would misread`);
  const { front, script } = runBundle(bundle, source);
  const quiet: Io = { stdout: () => {}, stderr: () => {} };
  const examples = join(packageRoot(), 'examples');
  for (const name of readdirSync(examples).filter((n) => n.endsWith('.conf'))) front.runCli(['-t', '-f', join(examples, name)], quiet);
  writeFileSync(`${cache}.tmp`, script.createCachedData());
  renameSync(`${cache}.tmp`, cache);
}
