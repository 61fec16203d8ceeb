// safeParseFast must give exactly zod's result, for every schema the keyword
// tables use (and every schema inside them), on valid and invalid values alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import fc from 'fast-check';
import { BLOCKS } from '../../../src/config/schema/index.js';
import type { Keyword } from '../../../src/config/schema/dsl.js';
import { asIsTest, safeParseFast } from '../../../src/config/schema/fast-parse.js';

/** every zod schema reachable from the keyword tables */
function allSchemas(): Set<z.ZodType> {
  const out = new Set<z.ZodType>();
  const add = (s: unknown): void => {
    if (!(s instanceof z.ZodType) || out.has(s)) return;
    out.add(s);
    const d = s._zod.def as unknown as Record<string, unknown>;
    for (const key of ['innerType', 'element', 'left', 'right', 'in', 'out', 'catchall']) add(d[key]);
    for (const o of (d['options'] as unknown[] | undefined) ?? []) add(o);
    for (const f of Object.values((d['shape'] as Record<string, unknown> | undefined) ?? {})) add(f);
  };
  const addKeyword = (kw: Keyword): void => {
    add(kw.schema);
    add(kw.item);
    for (const m of Object.values(kw.members ?? {})) addKeyword(m);
  };
  for (const { block } of BLOCKS) for (const kw of Object.values(block.spec)) addKeyword(kw);
  return out;
}

const PROBES: unknown[] = [
  undefined, null, true, false,
  0, 1, -1, 1.5, 3, 80, 100, 200, 255, 256, 65535, 65536, 2 ** 32, 1e-7, 0.000001, NaN, Infinity, -Infinity,
  '', 'a', 'on', 'rr', 'NAT', 'TCP', 'inet6', 'eth0', '/health', '192.0.2.1', '2001:db8::1', '192.0.2.300', 'nobody',
  [], [1], [200, 299], ['a'], ['192.0.2.1'], [1, 'a'],
  {}, { name: 'VI_1' }, { name: '' }, { name: 'x', extra: 1 },
  { address: '192.0.2.1' }, { address: '192.0.2.1', port: 80 }, { port: 80, address: '192.0.2.1' }, { address: '192.0.2.1', port: 70000 },
  { address: 'nope' }, { fwmark: 1 }, { group: 'g' }, { min: 200, max: 299 },
  // VIPs: their flags have defaults, which zod puts in
  { address: '192.0.2.1', prefix: 32 }, { address: '192.0.2.1', prefix: 32, dev: 'eth0' }, { address: '2001:db8::1', prefix: 128, home: true, preferredLft: 'forever' },
  { address: '192.0.2.1', prefix: 32, preferredLft: 0 }, { prefix: 32, address: '192.0.2.1' }, { address: '192.0.2.1', prefix: 32, home: 'yes' }, { address: '192.0.2.1', prefix: 33, x: 1 },
];

test('safeParseFast agrees with zod on every keyword schema', () => {
  const schemas = allSchemas();
  assert.ok(schemas.size > 100, `only ${schemas.size} schemas found`);
  let fast = 0;
  for (const schema of schemas) {
    for (const v of PROBES) {
      let want: ReturnType<z.ZodType['safeParse']>;
      try {
        want = schema.safeParse(v);
      } catch (e) {
        // a block's default built by parsing it, failing for a block with required keywords: zod's own throw
        assert.throws(() => safeParseFast(schema, v), { message: (e as Error).message });
        continue;
      }
      const got = safeParseFast(schema, v);
      assert.equal(got.success, want.success, `${JSON.stringify(v)} against ${schema._zod.def.type}`);
      if (want.success) {
        assert.deepEqual(got.data, want.data);
        if (got.data !== null && typeof got.data === 'object') assert.deepEqual(Object.keys(got.data), Object.keys(want.data as object));
      } else {
        assert.deepEqual(got.error!.issues, want.error.issues);
      }
      if (got.success && got.data === v) fast++;
    }
  }
  assert.ok(fast > 0);
});

test('a value zod would reject takes zod: the same issues', () => {
  const s = z.number().int().min(1).max(255);
  const r = safeParseFast(s, 256);
  assert.equal(r.success, false);
  assert.deepEqual(r.error!.issues, s.safeParse(256).error!.issues);
});

test('schemas the shortcut does not know go to zod: transforms, superRefine, strict objects', () => {
  const cases: Array<[z.ZodType, unknown]> = [
    [z.string().transform((s) => s.length), 'abc'],
    [z.string().superRefine((v, ctx) => (v === 'x' ? ctx.addIssue({ code: 'custom', message: 'no x' }) : undefined)), 'x'],
    [z.strictObject({ a: z.string() }), { a: 'a', b: 1 }],
    [z.object({ a: z.string() }), { a: 'a', b: 1 }],
    [z.object({ a: z.string(), b: z.number() }), { b: 1, a: 'a' }],
  ];
  for (const [s, v] of cases) {
    const want = s.safeParse(v);
    const got = safeParseFast(s, v);
    assert.equal(got.success, want.success);
    if (want.success) assert.deepEqual(got.data, want.data);
    else assert.deepEqual(got.error!.issues, want.error.issues);
  }
});

test('the generated tests pass the plain values zod takes unchanged, and only those', () => {
  const port = z.number().int().min(0).max(65535);
  const cases: Array<[z.ZodType, unknown[], unknown[]]> = [
    [port, [0, 80, 65535], [-1, 65536, 1.5, '80', NaN]],
    [z.number().min(1e-6).max(Infinity), [1e-6, 3, 1e300], [0, -1, Infinity]],
    [z.string().min(1).max(3).refine((t) => t !== 'no'), ['a', 'abc'], ['', 'abcd', 'no', 1]],
    [z.enum(['rr', 'wlc']), ['rr', 'wlc'], ['RR', '', undefined]],
    [z.union([z.number().int().min(0), z.literal('forever')]), [0, 7, 'forever'], [-1, 1.5, 'never', undefined]],
    [z.array(z.object({ from: z.number().int(), to: z.number().int() })), [[], [{ from: 200, to: 299 }]], [[{ to: 299, from: 200 }], [{ from: 200 }], {}]],
    [z.object({ address: z.string(), port: port.optional() }), [{ address: 'a' }, { address: 'a', port: 80 }], [{ port: 80 }, { address: 'a', port: 80, x: 1 }, { address: 'a', port: undefined }, null]],
  ];
  for (const [schema, pass, fail] of cases) {
    const test = asIsTest(schema);
    for (const v of pass) assert.equal(test(v), true, `${JSON.stringify(v)} should pass`);
    for (const v of fail) assert.equal(test(v), false, `${JSON.stringify(v)} should go to zod`);
  }
});

test('a number with any bounds passes exactly when zod takes it', () => {
  type Bound = ['gt' | 'gte' | 'lt' | 'lte', number] | ['int'];
  const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -5, max: 5 }), fc.constantFrom(NaN, Infinity, -Infinity, 2 ** 53));
  const bound: fc.Arbitrary<Bound> = fc.oneof(
    fc.tuple(fc.constantFrom('gt' as const, 'gte' as const, 'lt' as const, 'lte' as const), fc.integer({ min: -3, max: 3 })),
    fc.constant(['int'] as Bound),
  );
  fc.assert(
    fc.property(fc.array(bound, { maxLength: 4 }), fc.array(value, { minLength: 1, maxLength: 8 }), (bounds, vs) => {
      const schema = bounds.reduce<z.ZodNumber>((s, b) => (b[0] === 'int' ? s.int() : s[b[0]](b[1])), z.number());
      const test = asIsTest(schema);
      for (const v of vs) assert.equal(test(v), schema.safeParse(v).success, `${v} against ${JSON.stringify(bounds)}`);
    }),
  );
});

test('an object lacking only fields with a default gets them as zod puts them in, in the schema\'s order', () => {
  const s = z.object({ address: z.string(), home: z.boolean().default(false), dev: z.string().optional(), nodad: z.boolean().default(true) });
  for (const v of [{ address: 'a' }, { address: 'a', dev: 'eth0' }, { address: 'a', home: true }, { address: 'a', home: true, dev: 'x', nodad: false }]) {
    const got = safeParseFast(s, v);
    const want = s.safeParse(v);
    assert.ok(got.success && want.success);
    assert.deepEqual(got.data, want.data);
    assert.deepEqual(Object.keys(got.data), Object.keys(want.data));
  }
  // an object default is zod's to copy: the shortcut leaves such schemas to zod
  const objectDefault = z.object({ a: z.string(), o: z.object({ x: z.number() }).default({ x: 1 }) });
  const r = safeParseFast(objectDefault, { a: 'a' });
  assert.deepEqual(r.data, { a: 'a', o: { x: 1 } });
});
