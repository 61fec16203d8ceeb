// What a field is when its keyword is absent is known without building its
// zod schema (keyword constructors state it), and a block's defaults are built
// from its fields' rather than by zod's parse of `{}` (bind.ts, sub()): both
// must be exactly what zod gives, key order included (the -d dump prints
// them), for every keyword and block there is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCKS } from '../../../src/config/schema/index.js';
import { absentValues, blockDefaults, type Keyword } from '../../../src/config/schema/dsl.js';

test("each keyword's stated absence is what its zod schema makes of undefined", () => {
  let checked = 0;
  // a tagged keyword's members are no fields: only their items are used
  const check = (where: string, kw: Keyword): void => {
    const zod = kw.schema.safeParse(undefined);
    assert.deepStrictEqual(kw.absent, zod.success ? { required: false, value: zod.data } : { required: true, value: undefined }, where);
    checked++;
  };
  for (const { name, block } of BLOCKS) for (const [field, kw] of Object.entries(block.spec)) check(`${name} ${field}`, kw);
  assert.ok(checked > 300, `only ${checked} keywords`);
});

test('blockDefaults gives what zod parses {} into, for every block that can default', () => {
  let checked = 0;
  for (const { name, block } of BLOCKS) {
    const required = absentValues(block).filter((a) => a.required);
    const zod = block.schema.safeParse({});
    assert.equal(zod.success, required.length === 0, `${name}: zod and the required fields disagree`);
    if (!zod.success) {
      assert.throws(() => blockDefaults(block), /is required/);
      continue;
    }
    const mine = blockDefaults(block);
    assert.deepStrictEqual(mine, zod.data, name);
    assert.deepStrictEqual(JSON.stringify(mine), JSON.stringify(zod.data), `${name}: key order`);
    checked++;
  }
  assert.ok(checked >= 10, `only ${checked} blocks can default`);
});

test('blockDefaults gives a fresh value each time: no two model objects share a default', () => {
  const withDefaults = BLOCKS.find(({ block }) => absentValues(block).some((a) => typeof a.value === 'object' && a.value !== null) && !absentValues(block).some((a) => a.required))!;
  const a = blockDefaults(withDefaults.block);
  const b = blockDefaults(withDefaults.block);
  assert.deepStrictEqual(a, b);
  for (const k of Object.keys(a)) if (typeof a[k] === 'object' && a[k] !== null) assert.notEqual(a[k], b[k], k);
});
