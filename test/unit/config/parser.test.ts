// The parser: the keyword tree, and where an unbalanced brace is reported.
// keepalived only counts missing braces ("There are 1 missing '}'s or extra
// '{'s"); tskad points at the block that lost its '}', using the layout.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Diagnostics } from '../../../src/config/diagnostics.js';
import { lexLine } from '../../../src/config/lexer.js';
import { parseLines, type ParseHints } from '../../../src/config/parser.js';
import { readConfigText } from '../../../src/config/reader.js';
import type { ConfNode } from '../../../src/config/source.js';

/** The tree as nested arrays: a statement is its words, a block adds its children. */
type Shape = Array<string | Shape>;
const shape = (nodes: readonly ConfNode[]): Shape =>
  nodes.map((n) => {
    const head = [n.keyword.text, ...n.args.map((a) => a.text)].join(' ');
    return n.children ? [head, ...shape(n.children)] : head;
  });

/** Through the reader, as a configuration is parsed. */
function parse(text: string, hints: ParseHints = {}) {
  const diag = new Diagnostics();
  const r = readConfigText(text, 't.conf', { configId: 'id' }, diag);
  const tree = parseLines(r.lines.map((l) => lexLine(l, diag)), diag, { indentOf: r.indentOf, ...hints }).nodes();
  return { tree: shape(tree), diags: diag.items.map((d) => [d.code, d.loc?.line, d.loc?.col, d.hint ?? '']) };
}

describe('the tree', () => {
  test('blocks nest; a brace may sit on the next line; statements may share a line', () => {
    const { tree, diags } = parse('a 1 {\n  b\n  c 2\n  {\n    d\n  }\n  track { x y } e\n}\nf');
    assert.deepEqual(tree, [['a 1', 'b', ['c 2', 'd'], ['track', 'x y'], 'e'], 'f']);
    assert.deepEqual(diags, []);
  });

  test('a block keeps where its brace stands', () => {
    const diag = new Diagnostics();
    const [node] = parseLines([lexLine({ text: 'a {', file: 't.conf', line: 4, col: 1 }), lexLine({ text: '}', file: 't.conf', line: 5, col: 1 })], diag).nodes();
    assert.deepEqual(node!.open, { file: 't.conf', line: 4, col: 3 });
    assert.deepEqual(node!.children, []);
  });

  test('raw lines with braces inside them parse alike', () => {
    const lines = ['a { b {', 'c } }'].map((text, i) => lexLine({ text, file: 't.conf', line: i + 1, col: 1 }));
    assert.deepEqual(shape(parseLines(lines, new Diagnostics()).nodes()), [['a', ['b', 'c']]]);
  });

  test("a '{' with no statement before it is reported; its contents stay in the enclosing block", () => {
    const { tree, diags } = parse('a {\n}\n{\n  b\n}\nc');
    assert.deepEqual(tree, [['a'], 'b', 'c']);
    assert.deepEqual(diags, [['TSKAD_E_UNEXPECTED_BRACE', 3, 1, '']]);
  });

  test("a stray '}' is reported where it stands", () => {
    const { tree, diags } = parse('a {\n}\n}\nb');
    assert.deepEqual(tree, [['a'], 'b']);
    assert.deepEqual(diags, [['TSKAD_E_UNEXPECTED_BRACE', 3, 1, '']]);
  });
});

describe('a missing }', () => {
  test('at the end of the file: reported at the brace that is never closed', () => {
    const { diags } = parse('a {\n  b {\n    c\n  }\n');
    assert.deepEqual(diags, [['TSKAD_E_UNBALANCED_BRACE', 1, 3, 'the block runs to the end of the configuration']]);
  });

  test('in the middle: a statement indented like the block shows where it ended', () => {
    const text = [
      'vrrp_instance A {',
      '    virtual_ipaddress {',
      '        192.0.2.1/24',
      '',
      '    track_script {',
      '        chk',
      '    }',
      '}',
      'vrrp_instance B {',
      '}',
    ].join('\n');
    const { tree, diags } = parse(text);
    assert.deepEqual(tree, [['vrrp_instance A', ['virtual_ipaddress', '192.0.2.1/24'], ['track_script', 'chk']], ['vrrp_instance B']]);
    assert.deepEqual(diags, [['TSKAD_E_UNBALANCED_BRACE', 2, 23, "a '}' is probably missing before line 5"]]);
  });

  test("in the middle: a '}' indented like an outer block closes the blocks inside it", () => {
    const text = ['a {', '    b {', '        c {', '            d', '    }', '    e', '}'].join('\n');
    const { tree, diags } = parse(text);
    assert.deepEqual(tree, [['a', ['b', ['c', 'd']], 'e']]);
    assert.deepEqual(diags, [['TSKAD_E_UNBALANCED_BRACE', 3, 11, "a '}' is probably missing before line 5"]]);
  });

  test('tabs count to the next multiple of 8', () => {
    const text = ['a {', '\tb {', '\t\tc', '        }', '\td', '}', 'e {', '}'].join('\n');
    assert.deepEqual(parse(text).tree, [['a', ['b', 'c'], 'd'], ['e']]);
  });

  test('with no indentation, a top-level keyword inside a block shows where the block ended', () => {
    const text = 'vrrp_instance A {\nvirtual_ipaddress {\n192.0.2.1/24\n}\nvrrp_instance B {\n}';
    const { tree, diags } = parse(text, { topLevel: new Set(['vrrp_instance']) });
    assert.deepEqual(tree, [['vrrp_instance A', ['virtual_ipaddress', '192.0.2.1/24']], ['vrrp_instance B']]);
    assert.deepEqual(diags, [['TSKAD_E_UNBALANCED_BRACE', 1, 17, "a '}' is probably missing before line 5"]]);
  });

  test('without such a hint the outermost open block is reported', () => {
    const text = 'vrrp_instance A {\nvirtual_ipaddress {\n192.0.2.1/24\n}\nvrrp_instance B {\n}';
    assert.deepEqual(parse(text).diags, [['TSKAD_E_UNBALANCED_BRACE', 1, 17, 'the block runs to the end of the configuration']]);
  });

  test('the layout is not trusted when it would leave a stray brace', () => {
    // 'c' looks as if it ended b, but then the '}' on line 7 would have nothing to close:
    // the brace that is missing is z's, at the end
    const text = ['a {', '    b {', '        x', '    c', '    }', '    y', '}', 'z {'].join('\n');
    assert.deepEqual(parse(text), {
      tree: [['a', ['b', 'x', 'c'], 'y'], ['z']],
      diags: [['TSKAD_E_UNBALANCED_BRACE', 8, 3, 'the block runs to the end of the configuration']],
    });
  });

  test('balanced braces are never rearranged, however they are indented', () => {
    const text = ['a {', '  b', '      c {', 'd', '  }', '        e', '    }'].join('\n');
    assert.deepEqual(parse(text), { tree: [['a', 'b', ['c', 'd'], 'e']], diags: [] });
  });
});

describe('a missing {', () => {
  test("the stray '}' it leaves names the statement that probably lost it", () => {
    const text = ['vrrp_instance A {', '    interface eth0', '    virtual_ipaddress', '        192.0.2.1/24', '    }', '}'].join('\n');
    const { tree, diags } = parse(text);
    assert.deepEqual(tree, [['vrrp_instance A', 'interface eth0', 'virtual_ipaddress', '192.0.2.1/24']]);
    assert.deepEqual(diags, [['TSKAD_E_UNEXPECTED_BRACE', 6, 1, "a '{' is probably missing after 'virtual_ipaddress' (line 3)"]]);
  });
});
