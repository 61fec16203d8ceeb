// docs/errors.md and docs/keywords.md are generated: they must be exactly what
// the renderers make of today's codes and schemas, so a code or keyword added
// without `npm run docs` fails here. And every code must be documented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderErrorsDoc, renderKeywordsDoc } from '../../src/config/docs.js';
import { CODES } from '../../src/config/codes/index.js';
import { root } from '../../src/config/schema/index.js';
import { blocksUnder } from '../../src/config/schema/dsl.js';
import { packageRoot } from '../../src/cli/package.js';

const doc = (name: string): string => readFileSync(join(packageRoot(import.meta.url), 'docs', name), 'utf8');

test('docs/errors.md is what renderErrorsDoc() makes now (else run `npm run docs`)', () => {
  assert.equal(doc('errors.md'), renderErrorsDoc());
});

test('docs/keywords.md is what renderKeywordsDoc() makes now (else run `npm run docs`)', () => {
  assert.equal(doc('keywords.md'), renderKeywordsDoc());
});

test('every code has a one-line summary and a help text, and a section in errors.md', () => {
  const errors = renderErrorsDoc();
  for (const [code, info] of Object.entries(CODES)) {
    assert.match(code, /^TSKAD_[FEWI]_[A-Z0-9_]+$/, code);
    assert.ok(info.summary.trim().length > 0 && !info.summary.includes('\n'), `${code}: summary`);
    assert.ok(info.help.trim().length > 0, `${code}: help`);
    assert.ok(errors.includes(`\n## ${code}\n`), `${code}: section`);
  }
});

test('keywords.md has a section for every block and a row for every keyword spelling', () => {
  const keywords = renderKeywordsDoc();
  for (const { name, block } of blocksUnder(root)) {
    assert.ok(keywords.includes(`\n## ${name}`), name);
    for (const spelling of block.byName.keys()) assert.ok(keywords.includes(`\`${spelling}\``), `${name}: ${spelling}`);
  }
});
