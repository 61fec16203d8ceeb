// The reader: what keepalived's read_line() makes of a file before it is cut
// into words (keepalived.conf(5) "ADVANCED CONFIGURATION"). Each expectation
// was checked against keepalived 2.2.7 (`keepalived -d` dumps, `-t` output)
// unless the test says tskad deliberately differs.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfigFile, readConfigText, type ReadOptions } from '../../../src/config/reader.js';
import { Diagnostics } from '../../../src/config/diagnostics.js';
import type { Code } from '../../../src/config/codes/index.js';

/** The repository root, found from here whether run by tsx or compiled under dist/. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const INCLUDES = join(repoRoot(), 'test/fixtures/config/syntax/include');

const OPTS: ReadOptions = { configId: 'main', dir: INCLUDES, random: () => 0.5 };

function read(text: string, opts: Partial<ReadOptions> = {}) {
  const diag = new Diagnostics();
  const r = readConfigText(text, 't.conf', { ...OPTS, ...opts }, diag);
  return { lines: r.lines.map((l) => l.text), diags: diag.items, read: r };
}
const lines = (text: string, opts: Partial<ReadOptions> = {}) => read(text, opts).lines;
const codes = (text: string, opts: Partial<ReadOptions> = {}): Code[] => read(text, opts).diags.map((d) => d.code);

describe('comments and braces', () => {
  test("'#' and '!' start a comment anywhere outside double quotes; '\\#' and '\\!' are the characters", () => {
    assert.deepEqual(lines('a b # c\n! all\nd!e\n"f # g" h\nx\\#y \\!z'), ['a b', 'd', '"f # g" h', 'x#y !z']);
  });

  test('a plain line and a line with something to strip give the same text and places', () => {
    // the first of each pair takes the reader's shortcut for plain lines, the second the full path
    const r = read('\tweight 1  \n\tweight 1 # c\n \fa b\n \fa b!\ninclude_x y\ninclude_x y #\n');
    assert.deepEqual(r.lines, ['weight 1', 'weight 1', '\fa b', '\fa b', 'include_x y', 'include_x y']);
    assert.deepEqual(r.read.lines.map((l) => [l.line, l.col]), [[1, 2], [2, 2], [3, 2], [4, 2], [5, 1], [6, 1]]);
  });

  test('single quotes do not protect a comment (keepalived knows only double quotes there)', () => {
    assert.deepEqual(lines("a '1 # 2'"), ["a '1"]);
  });

  test('every brace outside double quotes stands alone; the rest of the line is read again', () => {
    assert.deepEqual(lines('a b { c { d } } e\nf\n{\n"g{" }'), ['a b', '{', 'c', '{', 'd', '}', '}', 'e', 'f', '{', '"g{"', '}']);
  });

  test('what follows a brace is a line of its own: definitions and conditionals work there', () => {
    assert.deepEqual(lines('x { $Q=5\n r1 { @main r2 } $Q @other r3'), ['x', '{', 'r1', '{', 'r2', '}', '5 @other r3']);
  });

  test('blanks and empty lines go; CRLF line ends are fine', () => {
    assert.deepEqual(lines('\r\n  a  \r\n\t\r\n\tb\t\r\n'), ['a', 'b']);
  });

  test('positions are those of the original text', () => {
    const { read: r } = read('  a { b # c\n\tkey "v"');
    assert.deepEqual(r.lines.map((l) => [l.text, l.line, l.col]), [['a', 1, 3], ['{', 1, 5], ['b', 1, 7], ['key "v"', 2, 2]]);
    assert.equal(r.indentOf({ file: 't.conf', line: 2, col: 2 }), 8);
    assert.equal(r.indentOf({ file: 't.conf', line: 1, col: 5 }), undefined);
  });

  test("a trailing '\\' on an ordinary line is no continuation", () => {
    const r = read('notify_master "/bin/a \\\nb"');
    assert.deepEqual(r.lines, ['notify_master "/bin/a', 'b"']);
    assert.deepEqual(r.diags.map((d) => [d.code, d.loc?.line, d.loc?.col]), [['TSKAD_W_TRAILING_BACKSLASH', 1, 23]]);
  });

  test('a line longer than keepalived reads at once is flagged', () => {
    assert.deepEqual(codes(`script "${'x'.repeat(1100)}"`), ['TSKAD_W_LONG_LINE']);
    assert.deepEqual(codes(`script "${'x'.repeat(1000)}"`), []);
  });
});

describe('conditional lines (@ID)', () => {
  test('@ID keeps the line when the config id matches, @^ID when it does not', () => {
    const text = '@main a\n@other b\n@^other c\n@^main d\n@main\n@main    e # c';
    assert.deepEqual(lines(text), ['a', 'c', 'e']);
    assert.deepEqual(lines(text, { configId: 'other' }), ['b', 'd']);
  });

  // keepalived 2.2.7 also emits a garbled extra line here (its length bookkeeping slips); tskad reads the line once.
  test('a conditional may come from a definition', () => {
    assert.deepEqual(lines('$IF_MAIN=@main\n$IF_MAIN priority 240'), ['priority 240']);
    assert.deepEqual(lines('$IF_MAIN=@main\n$IF_MAIN priority 240', { configId: 'backup' }), []);
  });

  test('${_INSTANCE} is the config id', () => {
    assert.deepEqual(lines('router_id ${_INSTANCE}'), ['router_id main']);
  });
});

describe('parameter substitution', () => {
  test('$NAME before a blank, , or ) or at the end; ${NAME} anywhere', () => {
    assert.deepEqual(lines('$X=foo # comment\n$X.\n$X\n${X}.z\na $X,$X)'), ['$X.', 'foo', 'foo.z', 'a foo,foo)']);
  });

  test('expansion is lazy and recursive (the manual\'s example)', () => {
    const text = '$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}\n$ADDRESS_BASE_SUB=0\n${ADDRESS_BASE}.100/32\n$ADDRESS_BASE_SUB=10\n${ADDRESS_BASE}.100/32';
    assert.deepEqual(lines(text), ['10.2.0.100/32', '10.2.10.100/32']);
  });

  test('not a definition: a blank before =, a name starting with a digit', () => {
    assert.deepEqual(lines('$A =1\n$1A=2\n$B=\nx${B}y'), ['$A =1', '$1A=2', 'xy']);
  });

  test('an undefined $NAME stays; an undefined ${NAME} is reported and kept as one word', () => {
    const r = read('script "$HOME ${HOME}"\na $UNDEF\nb ${UNDEF} c');
    assert.deepEqual(r.lines, ['script "$HOME ${HOME}"', 'a $UNDEF', 'b ${UNDEF} c']);
    assert.deepEqual(r.diags.map((d) => [d.code, d.loc?.line, d.loc?.col]), [['TSKAD_E_UNDEFINED_PARAMETER', 3, 3]]);
  });

  test('a value is read again after substitution: its comments go, ${_HASH} and ${_BANG} only survive in quotes', () => {
    assert.deepEqual(lines('$Y=bar\\#baz\n$Y\nid "${_HASH}x${_BANG}"\nid ${_HASH}x'), ['bar', 'id "#x!"', 'id']);
  });

  // keepalived 2.2.7 replaces only '${_RANDOM' + '}' of '${_RANDOM   }' and leaves '   }' behind; tskad replaces it all.
  test('predefined names: ${_PWD} is the directory of the file being read; ${_RANDOM [MIN [MAX]]}', () => {
    assert.deepEqual(lines('${_PWD}\n${_RANDOM}\n${_RANDOM 3}\n${_RANDOM 10 12}\n${_RANDOM   }'), [INCLUDES, '16384', '16385', '11', '16384']);
    assert.deepEqual(lines('${_RANDOM 10 12}', { random: () => 0.99 }), ['12']);
  });

  test('a predefined name can be redefined', () => {
    assert.deepEqual(lines('$_HASH=hash\n${_HASH}'), ['hash']);
  });

  test('parameters are taken only by ${_RANDOM}, and may not end in a blank', () => {
    const r = read('a ${_HASH 1}\nb ${_RANDOM 1 2 }');
    assert.deepEqual(r.lines, ['a ${_HASH 1}', 'b ${_RANDOM 1 2 }']);
    assert.equal(r.diags.length, 2);
  });

  test('a word from a definition points at the definition', () => {
    const { read: r } = read('$P=150\npriority $P');
    assert.deepEqual(r.lines[0]!.spans.map((s) => [s.at, s.line, s.col]), [[0, 2, 1], [9, 1, 4]]);
  });

  test('a definition that uses itself is reported and its line dropped', () => {
    const r = read('$G=x${G}\n${G}\nnext');
    assert.deepEqual(r.lines, ['next']);
    assert.deepEqual(r.diags.map((d) => [d.code, d.loc?.line]), [['TSKAD_E_DEFINITION_LOOP', 2]]);
  });
});

describe('multi-line definitions', () => {
  const INSTANCE = [
    '$INSTANCE= \\',
    'vrrp_instance VI_${NUM} { \\',
    '    interface eth0.${NUM} \\',
    '    @high priority 130 \\',
    '    @main priority 120 \\',
    '}',
    '',
    '$NUM=0',
    '$INSTANCE',
    '$NUM=1',
    '$INSTANCE',
  ].join('\n');

  test("lines ending in '\\' continue the value; each use reads them anew (the manual's example)", () => {
    const block = (n: number) => [`vrrp_instance VI_${n}`, '{', `interface eth0.${n}`, 'priority 120', '}'];
    assert.deepEqual(lines(INSTANCE), [...block(0), ...block(1)]);
  });

  test('text before the use joins the first line; a comment before the backslash does not stop it', () => {
    assert.deepEqual(lines('$ML=first \\\n  second # comment \\\n  third\npre $ML'), ['pre first', 'second', 'third']);
  });

  test('an empty line ends the definition (with a warning); a line of blanks or a comment does not', () => {
    const r = read('$ML= \\\n  m1 \\\n   \n# note \\\n  m2 \\\n\n  m3\n$ML');
    assert.deepEqual(r.lines, ['m3', 'm1', 'm2']);
    assert.deepEqual(r.diags.map((d) => [d.code, d.loc?.line]), [['TSKAD_W_DEFINITION_ENDED', 6]]);
  });

  test('used anywhere but at the end of a line, it is not replaced', () => {
    const r = read('$ML= \\\na \\\nb\nx $ML y\nx ${ML}y');
    assert.deepEqual(r.lines, ['x $ML y', 'x ${ML}y']);
    assert.deepEqual(r.diags.map((d) => d.code), ['TSKAD_E_UNDEFINED_PARAMETER']);
  });

  test('definitions nest: a value may define and use others (the manual\'s real-server example, cut down)', () => {
    const text = [
      '$RS= \\',
      'real_server 192.0.2.${RS_NUM} 80 { \\',
      '    weight 1 \\',
      '}',
      '$VS= \\',
      'virtual_server 198.51.100.${VS_NUM} 80 { \\',
      '    $RS_NUM=1 \\',
      '    $RS \\',
      '    $RS_NUM=2 \\',
      '    $RS \\',
      '}',
      '$VS_NUM=7',
      '$VS',
    ].join('\n');
    const rs = (n: number) => [`real_server 192.0.2.${n} 80`, '{', 'weight 1', '}'];
    assert.deepEqual(lines(text), ['virtual_server 198.51.100.7 80', '{', ...rs(1), ...rs(2), '}']);
  });

  test('a multi-line definition that uses itself stops reading', () => {
    const r = read('$M= \\\na \\\n$M\n$M\nafter');
    assert.ok(r.diags.some((d) => d.code === 'TSKAD_F_EXPANSION_LIMIT'));
    assert.ok(!r.lines.includes('after'));
  });
});

describe('~SEQ and ~LST', () => {
  const seq = (spec: string) => lines(`${spec} v\${i}`);

  test('~SEQ(var, [start, [step,]] end) with keepalived\'s defaults for the missing ones', () => {
    assert.deepEqual(seq('~SEQ(i, 0, 3)'), ['v0', 'v1', 'v2', 'v3']);
    assert.deepEqual(seq('~SEQ(i,3)'), ['v1', 'v2', 'v3']);
    assert.deepEqual(seq('~SEQ(i,0)'), ['v1', 'v0']);
    assert.deepEqual(seq('~SEQ(i,-2)'), ['v-1', 'v-2']);
    assert.deepEqual(seq('~SEQ(i,3,1)'), ['v3', 'v2', 'v1']);
    assert.deepEqual(seq('~SEQ(i,1,2,6)'), ['v1', 'v3', 'v5']);
    assert.deepEqual(seq('~SEQ (i,0x10,010)'), ['v16', 'v15', 'v14', 'v13', 'v12', 'v11', 'v10', 'v9', 'v8']);
  });

  test('~SEQx writes hex; parameters may be definitions', () => {
    assert.deepEqual(seq('~SEQx(i, 144, 16, 192)'), ['v90', 'va0', 'vb0', 'vc0']);
    assert.deepEqual(lines('$N=2\n~SEQ(i, $N) a${i}'), ['a1', 'a2']);
  });

  // keepalived silently takes '~SEQ(i 1 2)' as (i, 2), skipping the '1', and '~SEQ(1,2)' as a variable
  // named 1 that nothing can use; tskad reports both.
  test('invalid ones are reported and dropped', () => {
    for (const bad of ['~SEQ(i,1,0,3)', '~SEQ(i,3,1,1)', '~SEQx(i,-1,1)', '~SEQ(i 1 2)', '~SEQ(i,1,2,3,4)', '~SEQ(i,1', '~SEQUENCE(i,1)', '~SEQ(1,2)', '~LST(d)', '~LST({d,e},{1,2,3})', '~LST(d, a b)']) {
      const r = read(`${bad} x`);
      assert.deepEqual([r.lines, r.diags.map((d) => d.code)], [[], ['TSKAD_E_BAD_REPEAT']], bad);
    }
  });

  test('~LST of values, or of {tuples}; missing values are empty', () => {
    assert.deepEqual(lines('~LST(d, a, b,) x${d}y'), ['xay', 'xby', 'xy']);
    assert.deepEqual(lines('~LST({IP, IP1}, {10,1},{20,4}, 5) 192.168.${IP}.${IP1}'), ['192.168.10.1', '192.168.20.4', '192.168.5.']);
  });

  test('several on a line nest, the first outermost (the manual\'s example)', () => {
    assert.deepEqual(lines('~LST({IP,   IP1},  {10,1},{20,4}) ~SEQ(IP2,168,2,172) 192.${IP2}.${IP}.${IP1}'), [
      '192.168.10.1', '192.170.10.1', '192.172.10.1', '192.168.20.4', '192.170.20.4', '192.172.20.4',
    ]);
  });

  test('a ~SEQ may come from a definition, and may repeat a multi-line one', () => {
    assert.deepEqual(lines('$S=~SEQ(v,1,2) sq${v}\n$S'), ['sq1', 'sq2']);
    assert.deepEqual(lines('$B= \\\nb${v} { \\\n}\n~SEQ(v,1,2) $B'), ['b1', '{', '}', 'b2', '{', '}']);
    assert.deepEqual(lines('$L=a \\\n ~SEQ(w,1,2) ml${w} \\\n b\n$L'), ['a', 'ml1', 'ml2', 'b']);
  });

  test('the variable takes the place of the ~SEQ', () => {
    const { read: r } = read('  ~SEQ(i,1,1) x ${i}');
    assert.deepEqual(r.lines[0]!.spans.map((s) => [s.at, s.col]), [[0, 15], [2, 3]]);
  });

  test('~ at the start of any other line stops preprocessing', () => {
    assert.deepEqual(lines('$X=1\n~foo $X'), ['~foo $X']);
  });
});

describe('include', () => {
  const main = join(INCLUDES, 'main.conf');
  const LEAF = ['vrrp_script chk_leaf', '{', 'script "/bin/true"', '}'];

  test('relative to the including file, wildcards sorted without dot files, braces in order, nested', () => {
    const diag = new Diagnostics();
    const r = readConfigFile(main, OPTS, diag);
    const scripts = r.lines.filter((l) => l.text.startsWith('vrrp_script')).map((l) => [l.text, l.file]);
    assert.deepEqual(scripts, [
      ['vrrp_script chk_10', join(INCLUDES, 'conf.d/10-first.conf')],
      ['vrrp_script chk_20', join(INCLUDES, 'conf.d/20-second.conf')],
      ['vrrp_script chk_b', join(INCLUDES, 'sub/b.conf')],
      ['vrrp_script chk_leaf', join(INCLUDES, 'leaf.conf')],
    ]);
    assert.ok(r.lines.some((l) => l.text === `script "${join(INCLUDES, 'sub')}/b.sh"`), '${_PWD} is the included file\'s directory');
    assert.deepEqual(diag.items, []);
  });

  test('from text in memory, relative to the given directory; the path shown is joined to it', () => {
    const { read: r } = read('include leaf.conf');
    assert.deepEqual(r.lines.map((l) => [l.text, l.file]).slice(0, 1), [['vrrp_script chk_leaf', join(INCLUDES, 'leaf.conf')]]);
  });

  test('an include line is one after conditionals and substitution (keepalived 2.2.7 also, though its manual says not)', () => {
    assert.deepEqual(lines('@main include leaf.conf'), LEAF);
    assert.deepEqual(lines('@other include leaf.conf'), []);
    assert.deepEqual(lines('$F=leaf\ninclude ${F}.conf'), LEAF);
  });

  test('a cycle is reported and not followed', () => {
    const diag = new Diagnostics();
    const r = readConfigFile(join(INCLUDES, 'cycle/a.conf'), OPTS, diag);
    assert.deepEqual(r.lines.filter((l) => l.text.startsWith('vrrp_script')).map((l) => l.text), ['vrrp_script chk_cycle_a']);
    assert.deepEqual(diag.items.map((d) => [d.code, d.loc?.file, d.loc?.line]), [['TSKAD_E_INCLUDE_CYCLE', join(INCLUDES, 'cycle/b.conf'), 2]]);
  });

  // Which problem is fatal under which check, as keepalived 2.2.7 -t reported them.
  const PROBLEMS = ['nothere.conf', 'nodir/*.conf', 'conf.d/*.nomatch', 'sub/{a,nothere}.conf', 'conf.d/'];
  const cases: Array<[string, ReadonlyArray<Code | null>]> = [
    ['include', ['TSKAD_W_INCLUDE_SKIPPED', 'TSKAD_W_INCLUDE_SKIPPED', null, 'TSKAD_W_INCLUDE_SKIPPED', 'TSKAD_W_INCLUDE_SKIPPED']],
    ['includer', ['TSKAD_W_INCLUDE_SKIPPED', 'TSKAD_W_INCLUDE_SKIPPED', null, 'TSKAD_W_INCLUDE_SKIPPED', 'TSKAD_F_INCLUDE_CHECK']],
    ['includem', ['TSKAD_F_INCLUDE_CHECK', 'TSKAD_F_INCLUDE_CHECK', null, 'TSKAD_W_INCLUDE_SKIPPED', 'TSKAD_F_INCLUDE_CHECK']],
    ['includew', ['TSKAD_F_INCLUDE_CHECK', 'TSKAD_F_INCLUDE_CHECK', 'TSKAD_F_INCLUDE_CHECK', 'TSKAD_W_INCLUDE_SKIPPED', 'TSKAD_F_INCLUDE_CHECK']],
    ['includeb', ['TSKAD_W_INCLUDE_SKIPPED', 'TSKAD_W_INCLUDE_SKIPPED', null, 'TSKAD_F_INCLUDE_CHECK', 'TSKAD_F_INCLUDE_CHECK']],
    ['includea', ['TSKAD_F_INCLUDE_CHECK', 'TSKAD_F_INCLUDE_CHECK', 'TSKAD_F_INCLUDE_CHECK', 'TSKAD_F_INCLUDE_CHECK', 'TSKAD_F_INCLUDE_CHECK']],
  ];
  for (const [variant, expected] of cases) {
    test(`${variant}: which problems are fatal`, () => {
      PROBLEMS.forEach((p, i) => assert.deepEqual(codes(`${variant} ${p}`), expected[i] ? [expected[i]] : [], `${variant} ${p}`));
    });
  }

  test('includeb includes none of a brace pattern with a missing part; the others include what exists', () => {
    assert.deepEqual(lines('includeb sub/{b,nothere}.conf'), []);
    assert.deepEqual(lines('include sub/{b,nothere}.conf')[0], 'vrrp_script chk_b');
  });

  test('-e (includeCheck) makes every include problem fatal', () => {
    assert.deepEqual(codes('include nothere.conf', { includeCheck: true }), ['TSKAD_F_INCLUDE_CHECK']);
  });

  test('include_check sets, adds and removes classes for the includes after it', () => {
    assert.deepEqual(codes('include nothere.conf\ninclude_check\ninclude nothere.conf'), ['TSKAD_W_INCLUDE_SKIPPED', 'TSKAD_F_INCLUDE_CHECK']);
    assert.deepEqual(codes('include_check read\ninclude nothere.conf\ninclude conf.d/'), ['TSKAD_W_INCLUDE_SKIPPED', 'TSKAD_F_INCLUDE_CHECK']);
    assert.deepEqual(codes('include_check +match -match\ninclude nothere.conf'), ['TSKAD_W_INCLUDE_SKIPPED']);
    assert.deepEqual(codes('include_check bogus match'), ['TSKAD_E_BAD_INCLUDE_CHECK', 'TSKAD_E_BAD_INCLUDE_CHECK']);
  });

  test('include_check in an included file lasts to the end of that file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tskad-include-'));
    try {
      writeFileSync(join(dir, 'strict.conf'), 'include_check\ninclude nothere.conf\n');
      assert.deepEqual(codes('include strict.conf\ninclude nothere.conf', { dir }), ['TSKAD_F_INCLUDE_CHECK', 'TSKAD_W_INCLUDE_SKIPPED']);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test('an executable file is skipped, as keepalived skips it; so is an executable main file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tskad-include-'));
    try {
      writeFileSync(join(dir, 'x.conf'), 'priority 1\n');
      chmodSync(join(dir, 'x.conf'), 0o755);
      const r = read('include x.conf', { dir });
      assert.deepEqual([r.lines, r.diags.map((d) => d.code)], [[], ['TSKAD_W_INCLUDE_SKIPPED']]);
      const diag = new Diagnostics();
      readConfigFile(join(dir, 'x.conf'), OPTS, diag);
      assert.deepEqual(diag.items.map((d) => d.code), ['TSKAD_F_CONFIG_UNREADABLE']);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test('a missing main file is fatal, with a place', () => {
    const diag = new Diagnostics();
    readConfigFile(join(INCLUDES, 'nothere.conf'), OPTS, diag);
    assert.deepEqual(diag.items.map((d) => [d.code, d.loc?.file]), [['TSKAD_F_CONFIG_UNREADABLE', join(INCLUDES, 'nothere.conf')]]);
  });

  test('problems are reported at the pattern', () => {
    const r = read('\n  include  nothere.conf');
    assert.deepEqual(r.diags.map((d) => d.loc), [{ file: 't.conf', line: 2, col: 12 }]);
  });
});
