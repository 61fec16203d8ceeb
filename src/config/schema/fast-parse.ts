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
// itself: the readers build a fresh value for every line. An object that lacks
// only fields with a default (a VIP's flags) gets zod's output made as zod
// makes it: its fields in the schema's order, the defaults put in.
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
  readonly options?: readonly z.ZodType[];
  /** a default's value (zod makes a copy of one that is an object) */
  readonly defaultValue?: unknown;
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
    case 'object': {
      const fields = objectFields(d);
      return fields && ((v) => matchFields(fields, v, undefined));
    }
    case 'enum':
    case 'literal': {
      // the values zod itself matches against (a native enum's reverse mappings left out)
      const values = (schema._zod as { values?: ReadonlySet<unknown> }).values;
      return values && !d.checks?.length ? (v) => values.has(v) : undefined;
    }
    case 'union': {
      // zod gives the first option that takes the value: taken unchanged, it is the value
      const options = d.options!.map(compile);
      return options.every((o) => o !== undefined) && !d.checks?.length ? (v) => options.some((o) => o!(v)) : undefined;
    }
    default:
      return undefined;
  }
}

interface Field {
  readonly key: string;
  /** zod leaves the key out when it is absent */
  readonly optional: boolean;
  /** zod puts `value` in when the key is absent */
  readonly defaulted: boolean;
  readonly value: unknown;
  readonly pred: Predicate;
}

/** An object schema's fields as the shortcut knows them; undefined when one is not known. */
function objectFields(d: Def): Field[] | undefined {
  if (d.catchall || d.checks?.length) return undefined;
  const fields: Field[] = [];
  for (const [key, schema] of Object.entries(d.shape!)) {
    const fd = defOf(schema);
    const defaulted = fd.type === 'default';
    // a default that is an object zod copies at each use: not one value to share
    const value = defaulted ? fd.defaultValue : undefined;
    if (typeof value === 'object' || typeof value === 'function') return undefined;
    const pred = compile(defaulted ? fd.innerType! : schema);
    if (!pred) return undefined;
    fields.push({ key, optional: fd.type === 'optional', defaulted, value, pred });
  }
  return fields;
}

/**
 * Whether `v` is a plain object whose keys are fields, in the fields' order
 * (as zod's output has them), each value passing its field; a field left out
 * must be optional, or defaulted when `out` is given: `out` then gets zod's
 * output, the defaults put in. zod would strip unknown keys, so there must be
 * none.
 */
function matchFields(fields: readonly Field[], v: unknown, out: Record<string, unknown> | undefined): boolean {
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) !== Object.prototype) return false;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  let k = 0;
  // indexed: a test run per value, often before V8 has optimised it, should not make an iterator per run
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (keys[k] === f.key) {
      const x = o[f.key];
      if (!f.pred(x)) return false;
      if (out) out[f.key] = x;
      k++;
    } else if (out && f.defaulted) out[f.key] = f.value;
    else if (!f.optional) return false;
  }
  return k === keys.length;
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

/** zod's output of a plain object that only lacks fields with a default (a VIP's flags); undefined: ask zod */
type Filler = (v: unknown) => Record<string, unknown> | undefined;

const fillers = new WeakMap<z.ZodType, Filler | null>();

function fillerOf(schema: z.ZodType): Filler | undefined {
  let fill = fillers.get(schema);
  if (fill === undefined) {
    const d = defOf(schema);
    const fields = d.type === 'object' ? objectFields(d) : undefined;
    fill = fields?.some((f) => f.defaulted)
      ? (v) => {
          const out: Record<string, unknown> = {};
          return matchFields(fields, v, out) ? out : undefined;
        }
      : null;
    fillers.set(schema, fill);
  }
  return fill ?? undefined;
}

/** `schema.safeParse(v)`, the same result, faster for plain values that pass. */
export function safeParseFast<S extends z.ZodType>(schema: S, v: unknown): ReturnType<S['safeParse']> {
  if (asIsTest(schema)(v)) return { success: true, data: v } as ReturnType<S['safeParse']>;
  const filled = fillerOf(schema)?.(v);
  if (filled !== undefined) return { success: true, data: filled } as ReturnType<S['safeParse']>;
  return schema.safeParse(v) as ReturnType<S['safeParse']>;
}
