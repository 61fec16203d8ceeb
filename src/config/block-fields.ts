// Reading and writing a block value's fields by the field's index in the
// block's spec, through small functions generated from the spec once per
// block, in which every field's name is a literal. Written as `value[field]`,
// the binder's loads and stores go through one inline cache for every field
// of every block, which V8 soon gives up on (a megamorphic lookup per access,
// and an object turned into a hash table past a dozen fields set that way);
// here each field has an access site of its own that sees only the shapes of
// its own block's values.
import { fresh, type Block } from './schema/dsl.js';

type Value = Record<string, unknown>;

export interface BlockFields {
  /** the value of field `i` */
  readonly load: (value: Value, i: number) => unknown;
  /** sets field `i` */
  readonly store: (value: Value, i: number, v: unknown) => void;
  /**
   * Sets every field that has a default and is not marked in `given` (by
   * index) to a fresh copy of its default, in the spec's order. Fields
   * without a default, required ones included, are left alone.
   */
  readonly fill: (value: Value, given: Uint8Array) => void;
}

const made = new WeakMap<Block, BlockFields>();

/** The field functions of a block, generated on first use. */
export function blockFields(b: Block): BlockFields {
  let f = made.get(b);
  if (f === undefined) made.set(b, (f = generate(b)));
  return f;
}

function generate(b: Block): BlockFields {
  const fields = Object.keys(b.spec);
  // a field name as a string literal: the names are the spec's, but no name can break out of its quotes
  const at = (field: string): string => `value[${JSON.stringify(field)}]`;
  const cases = (body: (field: string) => string): string => fields.map((field, i) => `case ${i}: ${body(field)}`).join('\n');
  const load = new Function(`return function load(value, i) { switch (i) {\n${cases((f) => `return ${at(f)};`)}\n} };`)();
  const store = new Function(`return function store(value, i, v) { switch (i) {\n${cases((f) => `${at(f)} = v; return;`)}\n} };`)();
  // defaults that are no object are shared; the others are copied for each value (`fresh`), an empty list made anew
  const defaults: unknown[] = [];
  const steps: string[] = [];
  fields.forEach((field, i) => {
    const { required, value } = b.spec[field]!.absent;
    if (required || value === undefined) return;
    defaults.push(value);
    const d = `defaults[${defaults.length - 1}]`;
    const copy = Array.isArray(value) && value.length === 0 ? '[]' : typeof value === 'object' && value !== null ? `fresh(${d})` : d;
    steps.push(`if (given[${i}] !== 1) ${at(field)} = ${copy};`);
  });
  const fill = new Function('defaults', 'fresh', `return function fill(value, given) {\n${steps.join('\n')}\n};`)(defaults, fresh);
  return { load, store, fill } as BlockFields;
}
