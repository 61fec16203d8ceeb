// The LVS configurations under test/fixtures/config/lvs/, each a case written
// as data: a line that should draw a diagnostic ends in `! expect: CODE[, CODE]`
// (a keepalived comment), and the header says what keepalived 2.2.7 -t said
// about the same file. Each file must load with exactly the diagnostics marked,
// on the lines marked, and survive parse → print → parse unchanged.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, loadConfigText } from '../../../src/config/load.js';
import { printConfig } from '../../../src/config/printer.js';

/** The repository root, whether run by tsx or compiled under dist/. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

const FIXTURES = join(repoRoot(), 'test/fixtures/config/lvs');
const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.conf')).sort();

/** `LINE CODE` for every marker in the file. */
function expected(text: string): string[] {
  return text.split('\n').flatMap((line, i) => {
    const m = /! expect: ([A-Z_, ]+)/.exec(line);
    return m ? m[1]!.split(',').map((code) => `${i + 1} ${code.trim()}`) : [];
  });
}

const byLine = (a: string, b: string) => parseInt(a) - parseInt(b) || a.localeCompare(b);

test('there are LVS fixtures', () => assert.ok(files.length >= 15, FIXTURES));

for (const name of files) {
  describe(name, () => {
    const path = join(FIXTURES, name);
    const loaded = loadConfig(path);

    test('reports exactly the marked diagnostics, on their lines', () => {
      const got = loaded.diagnostics.items.map((d) => `${d.loc?.line ?? 0} ${d.code}`);
      assert.deepEqual(got.sort(byLine), expected(readFileSync(path, 'utf8')).sort(byLine));
    });

    test('parse → print → parse gives the same model', () => {
      const again = loadConfigText(printConfig(loaded.config), `${name} (printed)`);
      assert.deepEqual(again.config, loaded.config);
      const before = new Set(loaded.diagnostics.items.map((d) => d.code));
      assert.deepEqual(again.diagnostics.items.filter((d) => !before.has(d.code)), []);
    });
  });
}
