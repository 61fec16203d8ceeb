// The field functions generated from each block's spec (block-fields.ts) must
// touch exactly the field of the index they are given, and fill in exactly
// the defaults the keywords state, in the spec's order, for every block there is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLOCKS } from '../../../src/config/schema/index.js';
import { absentValues, blockDefaults } from '../../../src/config/schema/dsl.js';
import { blockFields } from '../../../src/config/block-fields.js';

test('load and store reach the field of each index, and only it', () => {
  let checked = 0;
  for (const { name, block } of BLOCKS) {
    const { load, store } = blockFields(block);
    Object.keys(block.spec).forEach((field, i) => {
      const value: Record<string, unknown> = { other: 1 };
      const v = { field };
      store(value, i, v);
      assert.deepStrictEqual(value, { other: 1, [field]: v }, `${name} ${field}`);
      assert.equal(load(value, i), v, `${name} ${field}`);
      checked++;
    });
  }
  assert.ok(checked > 300, `only ${checked} fields`);
});

test("fill sets each absent field's default, fresh and in the spec's order, and leaves given fields alone", () => {
  for (const { name, block } of BLOCKS) {
    const { fill } = blockFields(block);
    const fields = Object.keys(block.spec);
    const none = new Uint8Array(fields.length);
    const filled: Record<string, unknown> = {};
    fill(filled, none);
    const withDefault = absentValues(block).filter((a) => !a.required && a.value !== undefined);
    assert.deepStrictEqual(Object.keys(filled), withDefault.map((a) => a.field), name);
    for (const a of withDefault) {
      assert.deepStrictEqual(filled[a.field], a.value, `${name} ${a.field}`);
      if (typeof a.value === 'object' && a.value !== null) assert.notEqual(filled[a.field], a.value, `${name} ${a.field}: a shared default`);
    }
    if (absentValues(block).every((a) => !a.required)) assert.deepStrictEqual(filled, blockDefaults(block), name);

    const given: Record<string, unknown> = {};
    fill(given, new Uint8Array(fields.length).fill(1));
    assert.deepStrictEqual(given, {}, `${name}: every field given`);
  }
});
