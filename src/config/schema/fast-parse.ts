// zod's safeParse with a shortcut for the plain schemas most keyword values
// have (a bounded integer, a non-empty string, one of some words, a boolean,
// a refinement of those, and arrays and plain objects of them).
// A large configuration checks 100,000s of such values, and zod's general
// machinery (a context and a result object per call) costs more than the check.
// The shortcut is read off the zod schema itself, once per schema, so zod stays
// the single source of truth: it only ever says "valid" for a value zod would
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

/** One refinement of a number or string as a predicate; undefined for any the shortcut does not know. */
function checkPredicate(d: Def): Predicate | undefined {
  switch (d.check) {
    case 'greater_than': {
      const min = d.value as number;
      return d.inclusive ? (v) => (v as number) >= min : (v) => (v as number) > min;
    }
    case 'less_than': {
      const max = d.value as number;
      return d.inclusive ? (v) => (v as number) <= max : (v) => (v as number) < max;
    }
    case 'number_format':
      return d.format === 'safeint' ? (v) => Number.isSafeInteger(v) : undefined;
    case 'min_length': {
      const min = d.minimum!;
      return (v) => (v as string).length >= min;
    }
    case 'max_length': {
      const max = d.maximum!;
      return (v) => (v as string).length <= max;
    }
    case 'custom': {
      // .refine(): passes when its test says true (superRefine's checks have no such test)
      const fn = d.fn;
      return fn ? (v) => fn(v) === true : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * A finite number within the checks' bounds, as one test: most keyword
 * values are bounded integers, and a chain of small tests (allOf) costs a call
 * per check, each site seeing every keyword's tests, so V8 inlines none.
 * Undefined when a check is not a bound.
 */
function boundedNumber(checks: Def['checks']): Predicate | undefined {
  let min = -Infinity;
  let minStrict = false;
  let max = Infinity;
  let maxStrict = false;
  let int = false;
  for (const c of checks ?? []) {
    const d = c._zod.def;
    const v = d.value as number;
    if (d.check === 'greater_than') {
      if (v > min || (v === min && !d.inclusive)) [min, minStrict] = [v, !d.inclusive];
    } else if (d.check === 'less_than') {
      if (v < max || (v === max && !d.inclusive)) [max, maxStrict] = [v, !d.inclusive];
    } else if (d.check === 'number_format' && d.format === 'safeint') int = true;
    else return undefined;
  }
  return (v) =>
    typeof v === 'number' && Number.isFinite(v) && (!int || Number.isSafeInteger(v)) && (minStrict ? v > min : v >= min) && (maxStrict ? v < max : v <= max);
}

/** The checks all pass; undefined when one of them is not known. */
function allOf(base: Predicate, checks: Def['checks']): Predicate | undefined {
  let pred = base;
  for (const c of checks ?? []) {
    const p = checkPredicate(c._zod.def);
    if (!p) return undefined;
    const before = pred;
    pred = (v) => before(v) && p(v);
  }
  return pred;
}

/** A predicate that is true only for values the schema accepts as they are. */
function compile(schema: z.ZodType): Predicate | undefined {
  const d = defOf(schema);
  if (d.coerce) return undefined;
  switch (d.type) {
    case 'number':
      // z.number() refuses NaN and ±Infinity
      return boundedNumber(d.checks) ?? allOf((v) => typeof v === 'number' && Number.isFinite(v), d.checks);
    case 'string':
      return allOf((v) => typeof v === 'string', d.checks);
    case 'boolean':
      return d.checks?.length ? undefined : (v) => typeof v === 'boolean';
    case 'optional':
      // undefined goes to zod: within an object, an absent key is not the same as one set to undefined
      return compile(d.innerType!);
    case 'array': {
      const element = compile(d.element!);
      return element && allOf((v) => Array.isArray(v) && v.every(element), d.checks);
    }
    case 'object':
      return d.catchall || d.checks?.length ? undefined : compileObject(d.shape!);
    case 'enum': {
      // the values zod itself matches against (a native enum's reverse mappings left out)
      const values = (schema._zod as { values?: ReadonlySet<unknown> }).values;
      return values && !d.checks?.length ? (v) => values.has(v) : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * A plain object whose keys are fields of the shape, in the shape's order (as
 * zod's output has them), each value passing its field, no required field
 * missing; zod would strip unknown keys, so there must be none.
 */
function compileObject(shape: Readonly<Record<string, z.ZodType>>): Predicate | undefined {
  const fields: Array<{ key: string; optional: boolean; pred: Predicate }> = [];
  for (const [key, schema] of Object.entries(shape)) {
    const pred = compile(schema);
    if (!pred) return undefined;
    fields.push({ key, optional: defOf(schema).type === 'optional', pred });
  }
  return (v) => {
    if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    let k = 0;
    // indexed: a test run per value, often before V8 has optimised it, should not make an iterator per run
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (keys[k] === f.key) {
        if (!f.pred(o[f.key])) return false;
        k++;
      } else if (!f.optional) return false;
    }
    return k === keys.length;
  };
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
    pred = compile(schema) ?? null;
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
