// The config benchmark's floors do the work they stand for: the word floor
// cuts a file into the words tskad's lexer finds in it, and the minimal
// binder makes of the benchmark's file what tskad's model says of it, and
// finds the problems tskad finds, on the same lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countWords } from '../../../bench/config/floor.js';
import { bindMinimal } from '../../../bench/config/minimal-binder.js';
import { DEFAULT_SHAPE, generateConfig } from '../../../bench/config/generate.js';
import { lexLine } from '../../../src/config/lexer.js';
import { loadConfigText } from '../../../src/config/load.js';
import { SourceText } from '../../../src/config/syntax/source-text.js';
import { decomment } from '../../../src/config/syntax/scan.js';

const SMALL = { ...DEFAULT_SHAPE, virtualServers: 20, vrrpInstances: 10 };
const HOST = new Set(DEFAULT_SHAPE.interfaces);

test('words are what blanks separate; ! and # comment out the rest of the line', () => {
  assert.equal(countWords(''), 0);
  assert.equal(countWords('global_defs {\n\trouter_id r1 # the id\n}\r\n'), 5);
  assert.equal(countWords('! a comment\n  priority 100\n#x\n'), 2);
});

test('the benchmark file has as many words as tskad lexes from it', () => {
  const text = generateConfig(SMALL);
  const lexed = text.split('\n').reduce((n, line, i) => n + lexLine(decomment(SourceText.at(line, { file: 'bench.conf', line: i + 1, col: 1 })).text).length, 0);
  assert.ok(lexed > 1000, `${lexed} words`);
  assert.equal(countWords(text), lexed);
});

type Tree = Record<string, unknown>;
/** The fields both models have, level by level (the minimal binder knows no others). */
const SHAPE: Tree = {
  globalDefs: { routerId: true },
  vrrpInstance: { name: true, state: true, interface: true, virtualRouterId: true, priority: true, advertInt: true, virtualIpaddress: { address: true, prefix: true, dev: true } },
  virtualServer: {
    address: true,
    port: true,
    delayLoop: true,
    lvsSched: true,
    lvsMethod: true,
    protocol: true,
    realServer: { address: true, port: true, weight: true, checkers: { type: true, connectTimeout: true, retry: true, delayBeforeRetry: true, url: { path: true, statusCode: true } } },
  },
};

function project(value: unknown, shape: Tree | true): unknown {
  if (shape === true) return value;
  if (Array.isArray(value)) return value.map((v) => project(v, shape));
  const o = value as Tree;
  return Object.fromEntries(Object.entries(shape).flatMap(([k, s]) => (o[k] === undefined ? [] : [[k, project(o[k], s as Tree | true)]])));
}

test("the minimal binder's model of the benchmark file is tskad's, on the fields it binds", () => {
  const text = generateConfig(SMALL);
  const minimal = bindMinimal(text, HOST);
  assert.deepEqual(minimal.problems, []);
  const tskad = loadConfigText(text).config as unknown as Tree;
  // tskad reads status_code as ranges; the benchmark file has single codes
  const ranges = project(tskad, SHAPE) as Tree;
  for (const vs of ranges.virtualServer as Tree[])
    for (const rs of vs.realServer as Tree[])
      for (const c of rs.checkers as Tree[]) for (const u of (c.url ?? []) as Tree[]) u.statusCode = (u.statusCode as Array<{ from: number }>)[0]!.from;
  assert.deepEqual(project(minimal.model, SHAPE), ranges);
  assert.ok(minimal.values > 1000, `${minimal.values} values`);
});

test('the minimal binder finds the problems tskad finds, on the same lines', () => {
  const lines = generateConfig(SMALL).split('\n');
  const priority = lines.findIndex((l) => l.trim().startsWith('priority'));
  lines[priority] = '    priority 300';
  const second = lines.findIndex((l, i) => i > 0 && l.includes('real_server 203.0.113.202 8080 {'));
  lines[second] = '    real_server 203.0.113.201 8080 {';
  const text = lines.join('\n');
  const minimal = bindMinimal(text, new Set(['bench0']));
  assert.ok(minimal.problems.some((p) => p.line === priority + 1 && /300/.test(p.message)), JSON.stringify(minimal.problems.slice(0, 3)));
  assert.ok(minimal.problems.some((p) => /real server 203\.0\.113\.201 8080 is given twice/.test(p.message)));
  assert.ok(minimal.problems.some((p) => /interface bench1 does not exist/.test(p.message)));
  const tskad = loadConfigText(text).diagnostics.items;
  assert.ok(tskad.some((d) => d.loc?.line === priority + 1 && d.severity === 'error'), 'tskad reports the priority on its line');
  assert.ok(tskad.some((d) => /203\.0\.113\.201/.test(d.message) && d.severity !== 'info'), 'tskad reports the duplicate real server');
});
