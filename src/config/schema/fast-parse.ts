// zod's safeParse with a shortcut for the plain schemas most keyword values
// have (a bounded integer, a non-empty string, one of some words, a boolean,
// a refinement of those, and arrays and plain objects of them).
// A large configuration checks 100,000s of such values, and zod's general
// machinery (a context and a result object per call) costs more than the check.
// The shortcut is read off the zod schema itself, once per schema, and
// generated as one function whose checks stand in a row (closures chained
// per check went through call sites that every schema shared, which V8 could
// not inline); so zod stays the single source of truth: it only ever says "valid" for a value zod would
// accept unchanged, and anything else (an invalid value, a schema it does not
// know) goes to zod, which gives the result and its issues as always. Where
// zod would return a copy of an array or object, the shortcut returns the value
// itself: the readers build a fresh value for every line.
import type { z } from 'zod';

export type Predicate = (v: unknown) => boolean;

/** zod's internal definition of a schema or check: the parts the shortcut reads */
interface Def {
  readonly type?: string;
  readonly check?: string;
  readonly coerce?: boolean;
  readonly checks?: ReadonlyArray<{ readonly _zod: { readonly def: Def } }>;
  readonly value?: unknown;
  readonly inclusive?: boolean;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  /** a refinement's own test */
  readonly fn?: (v: unknown) => unknown;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly catchall?: z.ZodType;
}

const defOf = (s: { readonly _zod: { readonly def: unknown } }): Def => s._zod.def as Def;

/**
 * The test being generated: JavaScript source over a value, and what it
 * refers to (refinement functions, enum sets, nested tests) as `d[i]`.
 */
class Source {
  readonly refs: unknown[] = [];
  private names = 0;

  ref(x: unknown): string {
    this.refs.push(x);
    return `d[${this.refs.length - 1}]`;
  }

  /** a fresh local name */
  name(): string {
    return `x${this.names++}`;
  }
}

/** A number as a literal that reads back as itself, or a reference for one that has none (±Infinity, NaN). */
const numberLiteral = (n: number, src: Source): string => (Number.isFinite(n) ? `(${String(n)})` : src.ref(n));

/** One refinement of a number or string, on the value `v`; undefined for any the shortcut does not know. */
function checkSource(d: Def, v: string, src: Source): string | undefined {
  switch (d.check) {
    case 'greater_than':
      return `${v} ${d.inclusive ? '>=' : '>'} ${numberLiteral(d.value as number, src)}`;
    case 'less_than':
      return `${v} ${d.inclusive ? '<=' : '<'} ${numberLiteral(d.value as number, src)}`;
    case 'number_format':
      return d.format === 'safeint' ? `Number.isSafeInteger(${v})` : undefined;
    case 'min_length':
      return `${v}.length >= ${d.minimum!}`;
    case 'max_length':
      return `${v}.length <= ${d.maximum!}`;
    case 'custom':
      // .refine(): passes when its test says true (superRefine's checks have no such test)
      return d.fn ? `${src.ref(d.fn)}(${v}) === true` : undefined;
    default:
      return undefined;
  }
}

/** `base` and then each check, in order; undefined when a check is not known. */
function allOf(base: string, checks: Def['checks'], v: string, src: Source): string | undefined {
  const parts = [base];
  for (const c of checks ?? []) {
    const part = checkSource(c._zod.def, v, src);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  return `(${parts.join(' && ')})`;
}

/** An expression, true only for values `v` the schema accepts as they are. */
function compile(schema: z.ZodType, v: string, src: Source): string | undefined {
  const d = defOf(schema);
  if (d.coerce) return undefined;
  switch (d.type) {
    case 'number':
      // z.number() refuses NaN and ±Infinity
      return allOf(`typeof ${v} === 'number' && Number.isFinite(${v})`, d.checks, v, src);
    case 'string':
      return allOf(`typeof ${v} === 'string'`, d.checks, v, src);
    case 'boolean':
      return d.checks?.length ? undefined : `typeof ${v} === 'boolean'`;
    case 'optional':
      // undefined goes to zod: within an object, an absent key is not the same as one set to undefined
      return compile(d.innerType!, v, src);
    case 'array': {
      const element = generate(d.element!);
      return element && allOf(`Array.isArray(${v}) && ${v}.every(${src.ref(element)})`, d.checks, v, src);
    }
    case 'object': {
      const object = d.catchall || d.checks?.length ? undefined : generateObject(d.shape!);
      return object && `${src.ref(object)}(${v})`;
    }
    case 'enum': {
      // the values zod itself matches against (a native enum's reverse mappings left out)
      const values = (schema._zod as { values?: ReadonlySet<unknown> }).values;
      return values && !d.checks?.length ? `${src.ref(values)}.has(${v})` : undefined;
    }
    default:
      return undefined;
  }
}

/** A function of `body` (statements over `v`, its references in `d`). */
const made = (src: Source, body: string): Predicate => new Function('d', `return function test(v) {\n${body}\n};`)(src.refs) as Predicate;

/** The schema's test as one function, or undefined for a schema the shortcut does not know. */
function generate(schema: z.ZodType): Predicate | undefined {
  const src = new Source();
  const test = compile(schema, 'v', src);
  return test === undefined ? undefined : made(src, `return ${test};`);
}

/**
 * A plain object whose keys are fields of the shape, in the shape's order (as
 * zod's output has them), each value passing its field, no required field
 * missing; zod would strip unknown keys, so there must be none.
 */
function generateObject(shape: Readonly<Record<string, z.ZodType>>): Predicate | undefined {
  const src = new Source();
  const steps = [
    "if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;",
    'const keys = Object.keys(v);',
    'let k = 0;',
  ];
  for (const [key, schema] of Object.entries(shape)) {
    const x = src.name();
    const test = compile(schema, x, src);
    if (test === undefined) return undefined;
    const name = JSON.stringify(key);
    const absent = defOf(schema).type === 'optional' ? '' : ' else return false;';
    steps.push(`if (keys[k] === ${name}) { const ${x} = v[${name}]; if (!${test}) return false; k++; }${absent}`);
  }
  steps.push('return k === keys.length;');
  return made(src, steps.join('\n'));
}

const compiled = new WeakMap<z.ZodType, Predicate | null>();

/**
 * A test that is true only for values the schema accepts unchanged (false:
 * ask zod); compiled once per schema. A caller that checks many values
 * against one schema keeps it.
 */
export function asIsTest(schema: z.ZodType): Predicate {
  let pred = compiled.get(schema);
  if (pred === undefined) {
    pred = generate(schema) ?? null;
    compiled.set(schema, pred);
  }
  return pred ?? never;
}

const never: Predicate = () => false;

/** `schema.safeParse(v)`, the same result, faster for plain values that pass. */
export function safeParseFast<S extends z.ZodType>(schema: S, v: unknown): ReturnType<S['safeParse']> {
  if (asIsTest(schema)(v)) return { success: true, data: v } as ReturnType<S['safeParse']>;
  return schema.safeParse(v) as ReturnType<S['safeParse']>;
}
