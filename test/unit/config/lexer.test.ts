// The lexer: words, quotes and C escapes as keepalived.conf(5) "Quoted
// strings" describes them, and the place each word was written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lexLine } from '../../../src/config/lexer.js';
import { Diagnostics } from '../../../src/config/diagnostics.js';
import { SourceText } from '../../../src/config/syntax/source-text.js';

const at = (col: number) => ({ file: 't.conf', line: 3, col });
const words = (text: string) => lexLine({ text, file: 't.conf', line: 3, col: 1 }).map((w) => w.text);

test('blanks of every kind separate words', () => {
  assert.deepEqual(words('  a\tb\fc\vd\re  '), ['a', 'b', 'c', 'd', 'e']);
});

test('quotes group text, keep blanks, and may sit inside a word', () => {
  assert.deepEqual(words('abcd" efg h jkl "mnop'), ['abcd efg h jkl mnop']);
  assert.deepEqual(words('abcd "efg h jkl" mnop'), ['abcd', 'efg h jkl', 'mnop']);
  assert.deepEqual(words(`'a "b" c' "d 'e' f"`), ['a "b" c', "d 'e' f"]);
  assert.deepEqual(words('x "" y'), ['x', '', 'y']);
});

test('C escapes, in quotes and out', () => {
  assert.deepEqual(words(String.raw`"\n\t\r\a\b\f\v\E"`), ['\n\t\r\x07\b\f\v\x1b']);
  assert.deepEqual(words(String.raw`\x41 \101\0 \cA\c[ "\"\\\q"`), ['A', 'A\0', '\x01\x1b', '"\\q']);
  // \xHH takes every hex digit that follows, kept to a byte as keepalived's char keeps it
  assert.deepEqual(words(String.raw`\x141 \x4a42`), ['A', 'B']);
  // \e is not one of keepalived's escapes: it is just 'e'
  assert.deepEqual(words(String.raw`\e`), ['e']);
});

test('a backslash at the end of the line stays', () => {
  assert.deepEqual(words('a b\\'), ['a', 'b\\']);
});

test('unquoted braces are words of their own; quoted or escaped ones are text', () => {
  const ws = lexLine({ text: 'a{b "{" \\} }', file: 't.conf', line: 1, col: 1 });
  assert.deepEqual(ws.map((w) => [w.text, w.quoted]), [['a', false], ['{', false], ['b', false], ['{', true], ['}', true], ['}', false]]);
});

test('each word carries the column where it starts, quote included', () => {
  const ws = lexLine({ text: '  priority "1 0" x', file: 't.conf', line: 3, col: 1 });
  assert.deepEqual(ws.map((w) => w.loc), [at(3), at(12), at(18)]);
});

test('a spliced line: words point where their characters were written', () => {
  const use = SourceText.at('priority $P', { file: 'a.conf', line: 9, col: 5 });
  const value = SourceText.at('150', { file: 'b.conf', line: 2, col: 4 });
  const line = use.splice(9, 11, value);
  const ws = lexLine(line);
  assert.deepEqual(ws.map((w) => [w.text, w.loc]), [
    ['priority', { file: 'a.conf', line: 9, col: 5 }],
    ['150', { file: 'b.conf', line: 2, col: 4 }],
  ]);
});

test('an unterminated quote runs to the end of the line and is reported at the quote', () => {
  const diag = new Diagnostics();
  const ws = lexLine({ text: "a 'b c", file: 't.conf', line: 3, col: 1 }, diag);
  assert.deepEqual(ws.map((w) => w.text), ['a', 'b c']);
  assert.deepEqual(diag.items.map((d) => [d.code, d.loc]), [['TSKAD_E_UNTERMINATED_QUOTE', at(3)]]);
});
