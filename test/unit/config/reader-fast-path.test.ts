// The reader's shortcut for the lines a large file nearly all is made of (a
// plain statement, one that opens a block, a lone '}') must read them exactly
// as the full path does. A line behind a matching `@ID ` takes the full path
// (the conditional is stripped, then the rest is decommented, expanded and cut
// at its braces), so the two readings must agree but for the 3 columns of `@x `.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readConfigText } from '../../../src/config/reader.js';
import { Diagnostics } from '../../../src/config/diagnostics.js';

const read = (text: string) => {
  const diag = new Diagnostics();
  const r = readConfigText(text, 't.conf', { configId: 'x' }, diag);
  return { lines: r.lines.map((l) => ({ text: l.text, spans: l.spans })), diags: diag.items.map((d) => d.code) };
};

const PIECES = ['real_server', '192.0.2.1', '80', 'weight', '1', '{', '}', ' ', '\t', '  ', 'include', 'x', '\r', '$', '"', "'", '#', '@', '~', '\f'];
const row = fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }).map((ps) => ps.join(''));

test('property: a line read by the shortcut reads as it does by the full path', () => {
  fc.assert(
    fc.property(row, (r) => {
      const direct = read(r);
      const full = read(`@x ${r}`);
      assert.deepEqual(direct.diags, full.diags);
      assert.deepEqual(
        direct.lines,
        full.lines.map((l) => ({ text: l.text, spans: l.spans.map((s) => ({ ...s, col: s.col - 3 })) })),
      );
    }),
    { numRuns: 2000 },
  );
});

test('the shapes the shortcut takes, with their places', () => {
  const r = readConfigText('  real_server 192.0.2.1 80 {\n\tweight 1\n  }\n', 't.conf', { configId: 'x' }, new Diagnostics());
  assert.deepEqual(
    r.lines.map((l) => [l.text, l.line, l.col]),
    [['real_server 192.0.2.1 80', 1, 3], ['{', 1, 28], ['weight 1', 2, 2], ['}', 3, 3]],
  );
});
