// The config benchmark's floor row cuts a file into the words tskad's lexer
// finds in it, so that the row times the same reading, minus tskad.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countWords } from '../../../bench/config/floor.js';
import { DEFAULT_SHAPE, generateConfig } from '../../../bench/config/generate.js';
import { lexLine } from '../../../src/config/lexer.js';
import { SourceText } from '../../../src/config/syntax/source-text.js';
import { decomment } from '../../../src/config/syntax/scan.js';

test('words are what blanks separate; ! and # comment out the rest of the line', () => {
  assert.equal(countWords(''), 0);
  assert.equal(countWords('global_defs {\n\trouter_id r1 # the id\n}\r\n'), 5);
  assert.equal(countWords('! a comment\n  priority 100\n#x\n'), 2);
});

test('the benchmark file has as many words as tskad lexes from it', () => {
  const text = generateConfig({ ...DEFAULT_SHAPE, virtualServers: 20, vrrpInstances: 10 });
  const lexed = text.split('\n').reduce((n, line, i) => n + lexLine(decomment(SourceText.at(line, { file: 'bench.conf', line: i + 1, col: 1 })).text).length, 0);
  assert.ok(lexed > 1000, `${lexed} words`);
  assert.equal(countWords(text), lexed);
});
