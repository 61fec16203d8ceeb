// Nasty input on purpose: arbitrary text, and text built from the pieces of
// keepalived's syntax (keywords, braces, quotes, comments, $NAME, @ID, ~SEQ,
// includes of files that do not exist), through the whole front end. It must
// never throw, and every diagnostic must say where.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigText } from '../../../src/config/load.js';
import { readConfigText, type ReadOptions } from '../../../src/config/reader.js';
import { lexLine } from '../../../src/config/lexer.js';
import { Diagnostics } from '../../../src/config/diagnostics.js';
import { quote } from '../../../src/config/schema/dsl.js';

// includes resolve in an empty directory, so nothing outside the test is read
const EMPTY = mkdtempSync(join(tmpdir(), 'tskad-syntax-'));
after(() => rmSync(EMPTY, { recursive: true }));
const OPTS: ReadOptions = { configId: 'node1', dir: EMPTY, random: () => 0.25, maxLines: 20_000 };

const PIECES = [
  // keywords and values
  'global_defs', 'router_id', 'vrrp_instance', 'VI_1', 'state', 'MASTER', 'interface', 'eth0', 'virtual_router_id', '51',
  'priority', '300', 'advert_int', 'virtual_ipaddress', '192.0.2.1/24', '2001:db8::1', 'track_script', 'vrrp_script',
  'script', 'notify_master', 'virtual_server', '198.51.100.7', '80', 'real_server', 'HTTP_GET', 'url', 'path', '/',
  'TCP_CHECK', 'connect_timeout', 'include_check', 'match', '+brace_match',
  // syntax
  '{', '}', '{', '}', '"', "'", '"a b"', "'c d'", '#', '!', '\\', '\\#', '\\x41', '\\', '"\\"',
  '$X=', '$X=1', '$X', '${X}', '$Y=${X}${X}', '${Y}', '$M= \\', '$M', '${UNDEF}', '$', '${', '${_PWD}', '${_RANDOM 1 3}',
  '${_HASH}', '${_INSTANCE}', '@node1', '@^node1', '@other', '@',
  '~SEQ(i,1,3)', '~SEQ(i,', '~SEQx(j,3,1)', '~SEQ(k,0,1,0)', '~LST(k,a,b)', '~LST({a,b},{1,2},{3})', '~LST(', '${i}', '${k}', '~',
  'include nothere.conf', 'includea nothere/*.conf', 'include {a,b}.conf', 'includeb x{y,z}', 'include', 'include *',
];
const SEPARATORS = [' ', ' ', '\t', '\n', '\n', '\n    ', '\r\n', ''];

/** Text shaped like a configuration, often broken. */
const configLike = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'grapheme-ascii', maxLength: 4 })), fc.constantFrom(...SEPARATORS)), { maxLength: 60 })
  .map((parts) => parts.map(([piece, sep]) => piece + sep).join(''));

const WORDS = PIECES.filter((p) => !/[{}"'\\#!\n]/.test(p));

/** Nested blocks of those words: reaches deeper into the binder than flat text does. */
const nested: fc.Arbitrary<string> = fc.letrec<{ block: string; stmt: string }>((tie) => ({
  stmt: fc.oneof(
    { depthSize: 'small' },
    fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).map((ws) => ws.join(' ')),
    tie('block'),
  ),
  block: fc
    .tuple(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }), fc.array(tie('stmt'), { maxLength: 5 }), fc.boolean())
    .map(([head, body, close]) => `${head.join(' ')} {\n${body.join('\n')}\n${close ? '}' : ''}`),
})).block;

function assertTotal(text: string): void {
  const r = loadConfigText(text, 't.conf', OPTS);
  for (const d of r.diagnostics.items) assert.ok(d.loc, `no place for ${d.code}: ${d.message}`);
}

test('arbitrary text never throws, and every diagnostic has a place', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), assertTotal), { numRuns: 300 });
});

test('configuration-like text never throws, and every diagnostic has a place', () => {
  fc.assert(fc.property(configLike, assertTotal), { numRuns: 400 });
});

test('nested blocks of keywords never throw, and every diagnostic has a place', () => {
  fc.assert(fc.property(fc.array(nested, { maxLength: 4 }).map((bs) => bs.join('\n')), assertTotal), { numRuns: 300 });
});

test('each word of plain text points at its first character (or the quote or backslash before it)', () => {
  const plain = configLike.filter((t) => !/[$@~]|include/.test(t));
  fc.assert(
    fc.property(plain, (text) => {
      const diag = new Diagnostics();
      const rows = text.split('\n');
      for (const line of readConfigText(text, 't.conf', OPTS, diag).lines) {
        for (const w of lexLine(line, diag)) {
          const c = rows[w.loc.line - 1]?.[w.loc.col - 1];
          assert.ok(c !== undefined && (c === w.text[0] || `"'\\`.includes(c)), `${JSON.stringify(w.text)} at ${w.loc.line}:${w.loc.col}`);
        }
      }
    }),
    { numRuns: 300 },
  );
});

// The printer quotes a value with dsl's quote(); reading it back must give the value,
// whatever it holds ('$' aside: a definition reference is expanded, as it should be).
test("a value the printer quotes reads back as itself", () => {
  const value = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('$'));
  fc.assert(
    fc.property(value, (s) => {
      const diag = new Diagnostics();
      const lines = readConfigText(`router_id ${quote(s)}`, 't.conf', OPTS, diag).lines;
      assert.equal(lines.length, 1);
      assert.deepEqual(lexLine(lines[0]!, diag).map((w) => w.text), ['router_id', s]);
      assert.deepEqual(diag.items, []);
    }),
    { numRuns: 500 },
  );
});
