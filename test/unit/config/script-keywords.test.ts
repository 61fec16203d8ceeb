// The host check looks for scripts only under keywords marked `script` (and
// the blocks that hold them); the mark must say what the keyword's zod schema
// says: its value has a command and a runner somewhere inside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import { BLOCKS } from '../../../src/config/schema/index.js';

interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly options?: readonly z.ZodType[];
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
  readonly in?: z.ZodType;
  readonly out?: z.ZodType;
}

/** The schema has an object with both `command` and `runner` in it, at any depth. */
function holdsScript(s: z.ZodType): boolean {
  const d = s._zod.def as unknown as Def;
  const parts = [d.innerType, d.element, d.left, d.right, d.in, d.out, ...(d.options ?? []), ...Object.values(d.shape ?? {})];
  if (d.shape && 'command' in d.shape && 'runner' in d.shape) return true;
  return parts.some((p) => p !== undefined && holdsScript(p));
}

test('every keyword marked `script` holds a script by its schema, and every other one does not', () => {
  let marked = 0;
  for (const { name, block } of BLOCKS) {
    for (const [field, kw] of Object.entries(block.spec)) {
      // a block's own keywords are checked where the block is; the keyword that opens it is no script itself
      const expected = kw.block || kw.members ? false : holdsScript(kw.schema);
      assert.equal(kw.script, expected, `${name}: ${field}`);
      if (kw.script) marked++;
    }
  }
  assert.ok(marked > 10, 'the notify scripts, vrrp_script, MISC_CHECK… are marked');
});
