// The printer against the parser: every shipped example and every keepalived
// sample must survive parse → print → parse unchanged, print the same text
// twice, and (examples) match its golden file. Nothing here names a keyword,
// so keywords added to the schemas are covered as soon as they exist.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, loadConfigText, type LoadResult } from '../../../src/config/load.js';
import { formatDiagnostic } from '../../../src/config/diagnostics.js';
import { printConfig } from '../../../src/config/printer.js';

/** The repository root, found from here whether run by tsx or compiled under dist/. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

const ROOT = repoRoot();
const EXAMPLES = join(ROOT, 'examples');
const GOLDEN = join(ROOT, 'test/fixtures/printer');
// Debian's keepalived package ships these; on a host without it there are none to test.
const SAMPLES = '/usr/share/doc/keepalived/samples';

const confFiles = (dir: string, pick: (name: string) => boolean): string[] =>
  existsSync(dir) ? readdirSync(dir).filter(pick).sort().map((f) => join(dir, f)) : [];

const examples = confFiles(EXAMPLES, (f) => f.endsWith('.conf'));
const samples = confFiles(SAMPLES, (f) => f.startsWith('keepalived.conf.'));

const codesOf = (r: LoadResult) => new Set(r.diagnostics.items.map((d) => d.code));

/** The checks every configuration must pass; returns what loading it gave, and its printed text. */
function roundTrip(path: string): { first: LoadResult; printed: string } {
  const first = loadConfig(path);
  const printed = printConfig(first.config);
  const second = loadConfigText(printed, `${path} (printed)`);

  test('parse → print → parse gives the same model', () => {
    assert.deepEqual(second.config, first.config);
  });
  test('printing again gives the same text', () => {
    assert.equal(printConfig(second.config), printed);
  });
  test('the printed text raises no diagnostic the source did not', () => {
    const before = codesOf(first);
    const added = second.diagnostics.sorted().filter((d) => !before.has(d.code));
    assert.deepEqual(added.map(formatDiagnostic), []);
  });
  return { first, printed };
}

test('there are examples to test', () => {
  assert.ok(examples.length > 0, `no *.conf under ${EXAMPLES}`);
});

for (const path of examples) {
  const name = path.slice(EXAMPLES.length + 1);
  describe(`examples/${name}`, () => {
    const { first, printed } = roundTrip(path);
    test('loads without errors', () => {
      const errors = first.diagnostics.sorted().filter((d) => d.severity === 'error' || d.severity === 'fatal');
      assert.deepEqual(errors.map(formatDiagnostic), []);
    });
    // The golden file is the printed text as reviewed. After a deliberate change
    // (a keyword added to a schema, a layout change) run with UPDATE_GOLDEN=1 and review the diff.
    test('prints as its golden file', () => {
      const golden = join(GOLDEN, name);
      if (process.env.UPDATE_GOLDEN === '1') {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(golden, printed);
      }
      assert.ok(existsSync(golden), `no golden file ${golden}: create it with UPDATE_GOLDEN=1`);
      assert.equal(printed, readFileSync(golden, 'utf8'));
    });
  });
}

for (const path of samples) {
  describe(`keepalived sample ${path.slice(SAMPLES.length + 1)}`, () => {
    roundTrip(path);
  });
}

describe('layout', () => {
  const print = (text: string) => printConfig(loadConfigText(text).config);

  test('a header, blocks apart, four-space indentation, a final newline', () => {
    const text = print('global_defs {\nrouter_id lb1\n}\nvrrp_instance VI_1 {\nvirtual_router_id 51\n}\n');
    assert.equal(
      text,
      [
        '! keepalived.conf written by tskad from its configuration model:',
        '! keywords at their default are left out, and comments are not kept.',
        '',
        'global_defs {',
        '    router_id lb1',
        '}',
        '',
        'vrrp_instance VI_1 {',
        '    virtual_router_id 51',
        '}',
        '',
      ].join('\n'),
    );
  });

  test('words the lexer would split or cut are quoted, and read back the same', () => {
    for (const id of ['lb 1', 'lb#1', 'lb!1', '{lb}', "lb's", 'say "hi"', 'back\\slash', 'tab\there']) {
      const text = print(`global_defs {\nrouter_id ${JSON.stringify(id)}\n}\n`);
      assert.equal(loadConfigText(text).config.globalDefs.routerId, id, text);
    }
  });

  test('a model of defaults prints only the header', () => {
    assert.equal(print('').split('\n').filter((l) => l !== '' && !l.startsWith('!')).length, 0);
  });
});
