// The one-file command line (src/cli/bundle.ts): run as a CommonJS module
// with the ES module's import.meta, with V8's code cache when it fits and
// without when it does not, and not at all when missing or older than the
// modules. One test builds the real bundle as `npm run build` does and checks
// that this node takes its cache.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUNDLE_FILE, CODE_CACHE_FILE, currentBundle, IMPORT_META, loadBundledCli, runBundle } from '../../../src/cli/bundle.js';
import { buildBundle } from '../../../src/cli/build-bundle.js';

const dir = mkdtempSync(join(tmpdir(), 'tskad-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in bundle: what it sees of its module, and a command line that answers 7. */
const FAKE = `
const path = require('node:path');
exports.seen = { filename: __filename, dirname: __dirname, url: ${IMPORT_META}.url, strict: (function () { return this; })() === undefined, join: path.join('a', 'b') };
exports.runCli = () => 7;
exports.processIo = { stdout() {}, stderr() {} };
`;

test('a bundle runs as a CommonJS module, in strict mode, with its own file as import.meta.url', () => {
  const file = join(dir, BUNDLE_FILE);
  writeFileSync(file, FAKE);
  const { front } = runBundle(file, FAKE);
  assert.equal(front.runCli([], front.processIo), 7);
  assert.deepEqual((front as unknown as { seen: unknown }).seen, { filename: file, dirname: dir, url: pathToFileURL(file).href, strict: true, join: 'a/b' });
});

// V8 keeps what it compiled per file name and source, and then neither takes
// nor rejects a cache: each compilation below has a name of its own.
let compilations = 0;
const fresh = (): string => join(dir, `bundle-${++compilations}.cjs`);

test('its code cache is taken when it fits, and a cache that does not fit only costs the compilation', () => {
  const cache = runBundle(fresh(), FAKE).script.createCachedData();
  assert.equal(runBundle(fresh(), FAKE, cache).script.cachedDataRejected, false);
  const other = runBundle(fresh(), `${FAKE}exports.more = 1;\n`, cache);
  assert.equal(other.script.cachedDataRejected, true);
  assert.equal(other.front.runCli([], other.front.processIo), 7);
  const garbage = runBundle(fresh(), FAKE, Buffer.from('not a code cache'));
  assert.equal(garbage.script.cachedDataRejected, true);
  assert.equal(garbage.front.runCli([], garbage.front.processIo), 7);
});

test('loadBundledCli loads the bundle in a directory, with or without its cache', () => {
  const file = join(dir, BUNDLE_FILE);
  writeFileSync(file, FAKE);
  rmSync(join(dir, CODE_CACHE_FILE), { force: true });
  assert.equal(loadBundledCli(dir)?.runCli([], { stdout: () => {}, stderr: () => {} }), 7);
  writeFileSync(join(dir, CODE_CACHE_FILE), 'stale');
  assert.equal(loadBundledCli(dir)?.runCli([], { stdout: () => {}, stderr: () => {} }), 7);
});

test('no bundle, or one older than the modules (tsc alone rebuilt them), is no bundle: main.ts imports the modules', () => {
  const empty = mkdtempSync(join(dir, 'empty-'));
  assert.equal(loadBundledCli(empty), undefined);
  assert.equal(currentBundle(empty), undefined);
  const old = mkdtempSync(join(dir, 'old-'));
  writeFileSync(join(old, BUNDLE_FILE), FAKE);
  assert.equal(currentBundle(old), join(old, BUNDLE_FILE));
  utimesSync(join(old, BUNDLE_FILE), new Date('2001-01-01'), new Date('2001-01-01'));
  assert.equal(loadBundledCli(old), undefined);
  assert.equal(currentBundle(old), undefined);
});

test('the real bundle, built as `npm run build` builds it: ASCII, its cache taken by this node, and a working -t', async () => {
  const out = mkdtempSync(join(dir, 'build-'));
  const here = fileURLToPath(new URL('.', import.meta.url));
  const entry = here.includes('/dist/') ? join(here, '../../../src/cli/entry.js') : join(here, '../../../src/cli/entry.ts');
  await buildBundle(entry, out);
  const file = join(out, BUNDLE_FILE);
  const source = readFileSync(file, 'latin1');
  assert.doesNotMatch(source, /[^\x00-\x7f]/);
  const { front, script } = runBundle(fresh(), source, readFileSync(join(out, CODE_CACHE_FILE)));
  assert.equal(script.cachedDataRejected, false);
  const conf = join(out, 'k.conf');
  writeFileSync(conf, 'global_defs {\n    router_idd lb1\n}\n');
  let stderr = '';
  const code = front.runCli(['-t', '-f', conf], { stdout: () => {}, stderr: (t) => void (stderr += t) });
  assert.equal(code, 5);
  assert.match(stderr, /k\.conf:2:5: error: unknown keyword 'router_idd' .*\[TSKAD_E_UNKNOWN_KEYWORD\]\n$/);
});
