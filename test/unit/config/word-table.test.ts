// The word table must hold the same words whichever way a line comes in:
// straight from a file's text as the reader's scan of a plain line found
// them, or through the lexer (every other line).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { WordTable } from '../../../src/config/word-table.js';
import { lexLine } from '../../../src/config/lexer.js';
import { PlainLine } from '../../../src/config/syntax/plain-line.js';
import type { Loc } from '../../../src/config/source.js';

const words = (t: WordTable) =>
  Array.from({ length: t.count }, (_, i) => ({ text: t.text(i), loc: t.loc(i), quoted: t.quoted(i), brace: t.isBrace(i), line: t.startsLine(i), indent: t.indent(i) }));

/** A plain line: blanks, then words of plain characters, maybe a trailing '{'. */
const plainLine = fc
  .tuple(
    fc.array(fc.constantFrom(' ', '\t'), { maxLength: 3 }),
    fc.array(fc.stringMatching(/^[a-z0-9_.\/:-]{1,6}$/), { minLength: 1, maxLength: 4 }),
    fc.array(fc.constantFrom(' ', '\t', '\f'), { minLength: 1, maxLength: 2 }),
    fc.boolean(),
  )
  .map(([lead, ws, sep, brace]) => ({ lead: lead.join(''), body: ws.join(sep.join('')), brace }));

test('property: a plain line read straight from the text gives the words the lexer gives', () => {
  fc.assert(
    fc.property(fc.array(plainLine, { minLength: 1, maxLength: 4 }), (rows) => {
      const text = rows.map((r) => `${r.lead}${r.body}${r.brace ? ' {' : ''}`).join('\n');
      const direct = new WordTable();
      const lexed = new WordTable();
      const src = direct.addText(text);
      const file = direct.fileId('t.conf');
      let lineStart = 0;
      rows.forEach((r, k) => {
        const from = lineStart + r.lead.length;
        const to = from + r.body.length;
        const indent = r.lead.split('').reduce((w, c) => (c === '\t' ? (w + 8) & ~7 : w + 1), 0);
        const plain = new PlainLine();
        assert.ok(plain.scan(text, from, to + (r.brace ? 2 : 0)));
        direct.addPlain(src, file, k + 1, lineStart, plain, indent);
        const at: Loc = { file: 't.conf', line: k + 1, col: r.lead.length + 1 };
        const indentOf = (loc: Loc) => (loc.line === k + 1 && loc.col === at.col ? indent : undefined);
        lexed.addWords(lexLine({ text: r.body, ...at }), indentOf);
        if (r.brace) lexed.addWords(lexLine({ text: '{', file: 't.conf', line: k + 1, col: r.lead.length + r.body.length + 2 }), indentOf);
        lineStart += r.lead.length + r.body.length + (r.brace ? 2 : 0) + 1;
      });
      assert.deepEqual(words(direct), words(lexed));
    }),
    { numRuns: 500 },
  );
});

test('a word keeps its place and tells a brace from a quoted one', () => {
  const t = new WordTable(1);
  t.addWords(lexLine({ text: 'a "{" {', file: 'k.conf', line: 3, col: 5 }), () => 4);
  assert.deepEqual(words(t), [
    { text: 'a', loc: { file: 'k.conf', line: 3, col: 5 }, quoted: false, brace: false, line: true, indent: 4 },
    { text: '{', loc: { file: 'k.conf', line: 3, col: 7 }, quoted: true, brace: false, line: false, indent: undefined },
    { text: '{', loc: { file: 'k.conf', line: 3, col: 11 }, quoted: false, brace: true, line: false, indent: undefined },
  ]);
  assert.equal(t.word(0).text, 'a');
});
