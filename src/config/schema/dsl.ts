// The keyword DSL: how each keepalived.conf keyword reads its words, which zod
// schema validates (and types, and defaults) the result, and how the printer
// writes it back. A block is a record of model fields, each one keyword; the
// keyword's spelling is the field name in snake_case unless given. These
// records are the single source of truth for keywords, types, defaults and
// aliases: the binder, the printer, did-you-mean and docs all derive from them.
import { z } from 'zod';
import type { ConfNode, Loc, Word } from '../source.js';
import type { Code } from '../codes/index.js';
import { safeParseFast } from './fast-parse.js';

/** What a keyword's reader may use: report a problem at a place. */
export interface ReadCx {
  report(code: Code, message: string, loc?: Loc, hint?: string): void;
  /**
   * bind a nested block, the value at this context's path (for keywords whose value is a block of keywords);
   * `head`: fields read before the '{', which the value starts with (taken over, not copied)
   */
  bindBlock(block: Block, node: ConfNode, head?: Record<string, unknown>): Record<string, unknown> | undefined;
  /** the model path of the value being read, for nested source positions */
  readonly path: Path;
  /** the same context for a part of the value (a list element, a nested field) */
  within(path: Path): ReadCx;
  /** record where a nested part of the value came from */
  at(path: Path, loc: Loc): void;
}

export type Path = readonly (string | number)[];

/** A line of printed config: `keyword args... [{ children }]`. */
export interface Printed {
  readonly words: readonly string[];
  readonly children?: readonly Printed[];
}

/** Reader result meaning "nothing usable; the reader already reported why". */
export const INVALID: unique symbol = Symbol('invalid');

export interface Keyword<S extends z.ZodType = z.ZodType> {
  /** keyword spellings; the first is canonical. Filled from the field name when empty. */
  names: readonly string[];
  /** deprecated spellings: accepted with a warning */
  readonly aliases: readonly string[];
  /** accepted silently (keepalived does not warn either) */
  readonly synonyms: readonly string[];
  /** a repeat is an error and the first value stays (keepalived's rule for some keywords) */
  readonly firstWins: boolean;
  /** how the line is shaped: plain words, or a `{ }` block */
  readonly shape: 'line' | 'block' | 'either';
  /** repeated lines append to a list instead of replacing */
  readonly many: boolean;
  /** the model value's schema (for `many`, of the whole array) */
  readonly schema: S;
  /** the schema one line's value must pass (for `many`, one element) */
  readonly item: z.ZodType;
  /** the reader returns values it has validated itself: the binder does not check them again */
  readonly checked: boolean;
  /** the field's value when the keyword is not written: what `schema` gives for undefined (a test holds them equal) */
  readonly absent: Absence;
  readonly read: (node: ConfNode, cx: ReadCx) => unknown;
  /**
   * for a keyword read from exactly one argument and nothing else: that
   * reading, which `read` does too. The binder calls it on a line with one
   * argument, without making the line's objects (a large file's lines nearly
   * all are such).
   */
  readonly single?: (text: string) => unknown;
  /**
   * for a block keyword: `read`, into a value that starts with the fields of
   * `start` (taken over, not copied). A tagged list puts an element's tag
   * there, instead of copying the element to put the tag first.
   */
  readonly readInto?: (node: ConfNode, cx: ReadCx, start: Record<string, unknown>) => unknown;
  /** one line's value back to config lines (for `many`, called per element) */
  readonly print: (value: any, name: string) => Printed[];
  readonly doc: string;
  /** its value is a script (`CMD [USER [GROUP]]`, a checker's command) or holds one: where the host check looks for scripts */
  readonly script: boolean;
  /** for keywords whose value is a block of keywords: that block */
  readonly block?: Block;
  /** for `tagged` keywords: the keyword behind each spelling */
  readonly members?: Readonly<Record<string, Keyword>>;
}

export type BlockSpec = Record<string, Keyword>;
export type BlockValue<B extends BlockSpec> = { [F in keyof B]: z.output<B[F]['schema']> };

/** A finished block: its fields, and the zod object built from them (on first use). */
export interface Block<B extends BlockSpec = BlockSpec> {
  readonly spec: B;
  readonly schema: z.ZodType<BlockValue<B>>;
  /** keyword spelling (canonical, alias or synonym) → field */
  readonly byName: ReadonlyMap<string, string>;
}

export const snakeCase = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function block<B extends BlockSpec>(spec: B): Block<B> {
  const byName = new Map<string, string>();
  for (const [field, kw] of Object.entries(spec)) {
    if (kw.names.length === 0) kw.names = [snakeCase(field)];
    for (const n of [...kw.names, ...kw.aliases, ...kw.synonyms]) {
      if (byName.has(n)) throw new Error(`keyword ${n} defined twice`);
      byName.set(n, field);
    }
  }
  let schema: z.ZodType<BlockValue<B>> | undefined;
  return {
    spec,
    get schema() {
      return (schema ??= z.object(Object.fromEntries(Object.entries(spec).map(([field, kw]) => [field, kw.schema]))) as unknown as z.ZodType<BlockValue<B>>);
    },
    byName,
  };
}

// ---------------------------------------------------------------- printing

// a leading @ $ ~ would read back as a conditional line, a definition or a repetition
const needsQuote = /[\s"'#!{}\\]|^[@$~]|^$/;
// `"` is written as \x22: keepalived's (and tskad's) brace scan does not take \" as escaped
export const quote = (s: string): string =>
  needsQuote.test(s)
    ? `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\x22').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`
    : s;

const fmtNumber = (n: number): string => String(n);

// ---------------------------------------------------------------- constructors

export interface Opts {
  name?: string | string[];
  aliases?: string[];
  synonyms?: string[];
  doc?: string;
  /** keepalived keeps the first value and reports a repeat as an error (instead of the last one winning) */
  firstWins?: boolean;
}

const names = (o: Opts): string[] => (o.name === undefined ? [] : Array.isArray(o.name) ? o.name : [o.name]);

/**
 * What a field is when its keyword is not written: a default (plain data, to
 * be copied with `fresh` before use), nothing (undefined), or required.
 */
export type Absence = { readonly required: false; readonly value: unknown } | { readonly required: true; readonly value: undefined };
const REQUIRED: Absence = { required: true, value: undefined };
const NOTHING: Absence = { required: false, value: undefined };
/** absent from a `withDefault` field: its default, or nothing */
const absentAs = (def: unknown): Absence => (def === undefined ? NOTHING : { required: false, value: def });

/**
 * A value, or how to make it. A keyword's zod schemas are made on first use:
 * a `-t` then pays only for the keywords its file has, not for the ~2,000
 * zod objects of every keyword there is.
 */
type Lazy<S> = S | (() => S);
function once<S>(make: Lazy<S>): () => S {
  if (typeof make !== 'function') return () => make;
  let s: S | undefined;
  return () => (s ??= (make as () => S)());
}

/**
 * Build a Keyword from its parts; `schema` is the value's schema with its
 * default. `absent`, when the constructor knows it, spares building the
 * schema to learn it.
 */
export function keyword<S extends z.ZodType>(
  parts: {
    schema: Lazy<S>;
    item?: Lazy<z.ZodType>;
    absent?: Lazy<Absence>;
    shape?: Keyword['shape'];
    many?: boolean;
    checked?: boolean;
    script?: boolean;
    read: Keyword['read'];
    single?: Keyword['single'];
    readInto?: Keyword['readInto'];
    print: Keyword['print'];
    block?: Block;
    members?: Record<string, Keyword>;
  } & Opts,
): Keyword<S> {
  const schema = once(parts.schema);
  const item = parts.item === undefined ? schema : once(parts.item);
  const known = parts.absent === undefined ? undefined : once(parts.absent);
  let absent: Absence | undefined;
  return {
    names: names(parts),
    aliases: parts.aliases ?? [],
    synonyms: parts.synonyms ?? [],
    firstWins: parts.firstWins ?? false,
    shape: parts.shape ?? 'line',
    many: parts.many ?? false,
    get schema() {
      return schema();
    },
    get item() {
      return item();
    },
    get absent() {
      return (absent ??= known ? known() : absenceOf(schema()));
    },
    checked: parts.checked ?? false,
    script: parts.script ?? false,
    read: parts.read,
    ...(parts.single ? { single: parts.single } : {}),
    ...(parts.readInto ? { readInto: parts.readInto } : {}),
    print: parts.print,
    doc: parts.doc ?? '',
    ...(parts.block ? { block: parts.block } : {}),
    ...(parts.members ? { members: parts.members } : {}),
  };
}

/** What zod makes of undefined: the field's default, nothing, or a failure (required). */
function absenceOf(s: z.ZodType): Absence {
  const r = s.safeParse(undefined);
  return r.success ? { required: false, value: r.data } : REQUIRED;
}

/** The same keyword with some parts changed; its schemas stay unbuilt until used. */
export function derive<S extends z.ZodType, T extends z.ZodType = S>(
  kw: Keyword<S>,
  parts: { schema?: () => T; item?: () => z.ZodType; absent?: Absence; firstWins?: boolean; read?: Keyword['read'] },
): Keyword<T> {
  return keyword<T>({
    name: [...kw.names],
    aliases: [...kw.aliases],
    synonyms: [...kw.synonyms],
    doc: kw.doc,
    firstWins: parts.firstWins ?? kw.firstWins,
    shape: kw.shape,
    many: kw.many,
    checked: kw.checked,
    script: kw.script,
    schema: parts.schema ?? (() => kw.schema as unknown as T),
    item: parts.item ?? (() => kw.item),
    // a new schema brings its own absence, unless given
    ...(parts.absent ? { absent: parts.absent } : parts.schema ? {} : { absent: () => kw.absent }),
    read: parts.read ?? kw.read,
    // a reader of its own may do more than the one argument's reading
    ...(kw.single && !parts.read ? { single: kw.single } : {}),
    ...(kw.readInto && !parts.read ? { readInto: kw.readInto } : {}),
    print: kw.print,
    ...(kw.block ? { block: kw.block } : {}),
    ...(kw.members ? { members: { ...kw.members } } : {}),
  });
}

/** The words after the keyword, checked for count. */
export function argWords(node: ConfNode, cx: ReadCx, min: number, max: number): readonly Word[] | typeof INVALID {
  const name = node.keyword.text;
  if (node.args.length < min) {
    cx.report('TSKAD_E_MISSING_ARGUMENT', `${name} needs ${min === 1 ? 'an argument' : `${min} arguments`}`, node.keyword.loc);
    return INVALID;
  }
  if (node.args.length > max) {
    const extra = node.args[max]!;
    cx.report('TSKAD_W_EXTRA_ARGUMENT', `${name} takes at most ${max} argument${max === 1 ? '' : 's'}; '${extra.text}' and after are ignored`, extra.loc);
    return node.args.slice(0, max);
  }
  return node.args;
}

const BOOL_WORDS: Record<string, boolean> = { on: true, true: true, yes: true, off: false, false: false, no: false };

/** keepalived's <BOOL>: on|off|true|false|yes|no, case-insensitive. */
/** keepalived's <BOOL>: on|off|true|false|yes|no, lower case only (it rejects `On`). */
export function readBool(w: Word, cx: ReadCx): boolean | typeof INVALID {
  const b = Object.hasOwn(BOOL_WORDS, w.text) ? BOOL_WORDS[w.text] : undefined;
  if (b === undefined) {
    cx.report('TSKAD_E_BAD_VALUE', `expected on|off|true|false|yes|no, got '${w.text}'`, w.loc);
    return INVALID;
  }
  return b;
}

/**
 * A keyword that is on when present: `nopreempt`, or `vrrp_strict on|off`.
 * `def` is the value when the keyword is absent.
 */
export function flag(o: Opts & { def?: boolean; noArg?: boolean } = {}): Keyword<z.ZodDefault<z.ZodBoolean>> {
  const def = o.def ?? false;
  return keyword({
    ...o,
    schema: () => z.boolean().default(def),
    absent: { required: false, value: def },
    read: (node, cx) => {
      const ws = argWords(node, cx, 0, o.noArg ? 0 : 1);
      if (ws === INVALID) return INVALID;
      return ws.length === 0 ? true : readBool(ws[0]!, cx);
    },
    print: (v: boolean, name) => (v === true ? [{ words: [name] }] : [{ words: [name, 'off'] }]),
  });
}

/** One argument, converted by `conv` and checked by `schema` (which carries the default). */
export function one<S extends z.ZodType>(
  schema: Lazy<S>,
  conv: (text: string) => unknown,
  o: Opts & { print?: (v: z.output<S>) => string; absent?: Absence } = {},
): Keyword<S> {
  const made = once(schema);
  return keyword({
    ...o,
    schema: made,
    item: () => unwrapOptional(made()),
    read: (node, cx) => {
      const ws = argWords(node, cx, 1, 1);
      return ws === INVALID ? INVALID : conv(ws[0]!.text);
    },
    single: conv,
    print: (v, name) => [{ words: [name, o.print ? o.print(v) : typeof v === 'number' ? fmtNumber(v) : String(v)] }],
  });
}

/** Strip .optional()/.default() so one line's value is checked by the inner type. */
export function unwrapOptional(s: z.ZodType): z.ZodType {
  let cur: z.ZodType = s;
  for (;;) {
    if (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodNullable) {
      cur = (cur as z.ZodOptional<z.ZodType>).unwrap() as z.ZodType;
    } else return cur;
  }
}

/** An integer in [min, max]; without `def` the field is optional (undefined = not written). */
export function int(min: number, max: number, def?: undefined, o?: Opts): Keyword<z.ZodOptional<z.ZodNumber>>;
export function int(min: number, max: number, def: number, o?: Opts): Keyword<z.ZodDefault<z.ZodNumber>>;
export function int(min: number, max: number, def?: number, o: Opts = {}): Keyword {
  return one(() => withDefault(z.number().int().min(min).max(max), def), toInteger, { ...o, absent: absentAs(def) });
}

/**
 * keepalived's <TIMER>: seconds, fractions allowed down to microseconds. The
 * default may lie outside the range one may write (0 = off below a minimum of
 * 1 µs), so the range is the reader's check and the schema admits the default.
 */
export function seconds(min: number, max: number, def?: undefined, o?: Opts): Keyword<z.ZodOptional<z.ZodNumber>>;
export function seconds(min: number, max: number, def: number, o?: Opts): Keyword<z.ZodDefault<z.ZodNumber>>;
export function seconds(min: number, max: number, def?: number, o: Opts = {}): Keyword {
  const loose = () => z.number().min(Math.min(min, def ?? min)).max(max);
  // a value out of range is one error, not two: the range check aborts before the resolution one
  const strict = () =>
    z
      .number()
      .min(min, { abort: true })
      .max(max, { abort: true })
      .refine((v) => Math.abs(v * 1e6 - Math.round(v * 1e6)) < 1e-3, { message: 'has more than 6 decimal places (keepalived timers count microseconds)' });
  return keyword({
    ...o,
    schema: () => withDefault(loose(), def),
    item: strict,
    absent: absentAs(def),
    read: (node, cx) => {
      const ws = argWords(node, cx, 1, 1);
      return ws === INVALID ? INVALID : toNumber(ws[0]!.text);
    },
    single: toNumber,
    print: (v: number, name) => [{ words: [name, String(v)] }],
  });
}

/**
 * `KEYWORD [<BOOL>]` that stays undefined when not written, so a lower level
 * can tell "not set here" from "off" and inherit (smtp_alert, real_server alpha…).
 */
export function optionalFlag(o: Opts = {}): Keyword<z.ZodOptional<z.ZodBoolean>> {
  return derive(flag(o), { schema: () => z.boolean().optional(), item: () => z.boolean(), absent: NOTHING });
}

export function str(def?: undefined, o?: Opts): Keyword<z.ZodOptional<z.ZodString>>;
export function str(def: string, o?: Opts): Keyword<z.ZodDefault<z.ZodString>>;
export function str(def?: string, o: Opts = {}): Keyword {
  return one(() => withDefault(z.string().min(1), def), (t) => t, { ...o, absent: absentAs(def) });
}

type Enum<T extends readonly [string, ...string[]]> = z.ZodEnum<{ [K in T[number]]: K }>;

/** One of a fixed set of words (keepalived compares them case-sensitively unless `ci`). */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, def?: undefined, o?: Opts & { ci?: boolean }): Keyword<z.ZodOptional<Enum<T>>>;
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, def: T[number], o?: Opts & { ci?: boolean }): Keyword<z.ZodDefault<Enum<T>>>;
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, def?: T[number], o: Opts & { ci?: boolean } = {}): Keyword {
  const conv = (t: string) => (o.ci ? (values.find((v) => v.toLowerCase() === t.toLowerCase()) ?? t) : t);
  return one(() => withDefault(z.enum(values), def), conv, { ...o, absent: absentAs(def) });
}

export const toNumber = (t: string): number => (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) + 0 : Number.NaN);
/** keepalived reads integers with strtol: no fraction, no exponent ("invalid number '1e2'") */
export const toInteger = (t: string): number => (/^[+-]?\d+$/.test(t) ? Number(t) + 0 : Number.NaN);

/** A field with keepalived's default `def`, or optional (undefined = not written) when there is none. */
export function withDefault<S extends z.ZodType>(s: S, def: z.output<S> | undefined): z.ZodType {
  return def === undefined ? s.optional() : s.default(def as never);
}

/**
 * Several words on the line, read by `read(words)` into a value checked by `schema`.
 * For keywords like `smtp_server HOST [PORT]` or `notify_master CMD [USER [GROUP]]`.
 */
type WordsOpts = Opts & { many?: boolean; script?: boolean };
type WordsRead = (ws: readonly Word[], cx: ReadCx, node: ConfNode) => unknown;

export function words<S extends z.ZodType>(
  schema: S, min: number, max: number, read: WordsRead, print: (v: NonNullable<z.output<S>>) => string[], o: WordsOpts & { many: true },
): Keyword<z.ZodDefault<z.ZodArray<z.ZodType<NonNullable<z.output<S>>>>>>;
export function words<S extends z.ZodType>(
  schema: S, min: number, max: number, read: WordsRead, print: (v: NonNullable<z.output<S>>) => string[], o?: WordsOpts,
): Keyword<S>;
export function words<S extends z.ZodType>(
  schema: S,
  min: number,
  max: number,
  read: WordsRead,
  print: (v: NonNullable<z.output<S>>) => string[],
  o: WordsOpts = {},
): Keyword {
  const item = once(() => unwrapOptional(schema));
  return keyword({
    ...o,
    schema: o.many ? () => z.array(item()).default([]) : (schema as z.ZodType),
    item,
    ...(o.many ? { absent: { required: false, value: [] } } : {}),
    many: o.many,
    read: (node, cx) => {
      const ws = argWords(node, cx, min, max);
      return ws === INVALID ? INVALID : read(ws, cx, node);
    },
    print: (v, name) => [{ words: [name, ...print(v)] }],
  });
}

/**
 * A `{ }` block whose lines are entries rather than keywords
 * (`virtual_ipaddress`, `unicast_peer`, `track_script`): each line → one element.
 */
export function lines<S extends z.ZodType>(
  element: S,
  readLine: (line: readonly Word[], cx: ReadCx) => unknown,
  printLine: (v: z.output<S>) => string[],
  o: Opts = {},
): Keyword<z.ZodDefault<z.ZodArray<S>>> {
  return keyword({
    ...o,
    shape: 'block',
    schema: () => z.array(element).default([]),
    absent: { required: false, value: [] },
    checked: true,
    read: (node, cx) => {
      const out: unknown[] = [];
      for (const child of node.children ?? []) {
        const ws = [child.keyword, ...child.args];
        if (child.children) cx.report('TSKAD_E_NOT_A_BLOCK', `a ${node.keyword.text} entry takes no { } block`, child.open);
        const before = cx.path;
        const v = readLine(ws, cx.within([...before, out.length]));
        if (v === INVALID) continue;
        const r = safeParseFast(element, v);
        if (!r.success) {
          reportZod(cx, r.error, child.keyword.loc, child.keyword.text);
          continue;
        }
        cx.at([...before, out.length], child.keyword.loc);
        out.push(r.data);
      }
      return out;
    },
    print: (v: unknown[], name) => [{ words: [name], children: v.map((e) => ({ words: printLine(e as z.output<S>) })) }],
  });
}

/** A `{ }` block of bare words, any number per line (`notification_email`, sync group `group`). */
export function wordBlock(o: Opts & { element?: z.ZodType<string> } = {}): Keyword<z.ZodDefault<z.ZodArray<z.ZodString>>> {
  const element = once(() => o.element ?? z.string());
  return keyword({
    ...o,
    shape: 'block',
    schema: () => z.array(z.string()).default([]),
    absent: { required: false, value: [] },
    checked: true,
    read: (node, cx) => {
      const out: string[] = [];
      for (const child of node.children ?? []) {
        for (const w of [child.keyword, ...child.args]) {
          const r = safeParseFast(element(), w.text);
          if (!r.success) {
            reportZod(cx, r.error, w.loc, w.text);
            continue;
          }
          cx.at([...cx.path, out.length], w.loc);
          out.push(r.data);
        }
      }
      return out;
    },
    print: (v: string[], name) => [{ words: [name], children: v.map((e) => ({ words: [e] })) }],
  });
}

/**
 * A block of keywords. `head` reads the words between the keyword and `{`
 * (a name, an address and port…) into fields merged with the block's own.
 * `many` blocks (`vrrp_instance NAME`, `real_server IP PORT`, `url`) form a list.
 */
interface SubOpts<H extends z.ZodRawShape> extends Opts {
  many?: boolean;
  /** absent block → undefined instead of the block's defaults */
  optional?: boolean;
  head?: {
    shape: H;
    min: number;
    max: number;
    read: (ws: readonly Word[], cx: ReadCx, node: ConfNode) => unknown;
    print: (v: z.output<z.ZodObject<H>>) => string[];
  };
}

type SubValue<B extends BlockSpec, H extends z.ZodRawShape> = BlockValue<B> & z.output<z.ZodObject<H>>;

/**
 * A block of keywords. `head` reads the words between the keyword and `{`
 * (a name, an address and port…) into fields merged with the block's own.
 * `many` blocks (`vrrp_instance NAME`, `real_server IP PORT`, `url`) form a list.
 */
export function sub<B extends BlockSpec, H extends z.ZodRawShape = {}>(
  inner: Block<B>,
  o: SubOpts<H> & { many: true },
): Keyword<z.ZodDefault<z.ZodArray<z.ZodType<SubValue<B, H>>>>>;
export function sub<B extends BlockSpec, H extends z.ZodRawShape = {}>(
  inner: Block<B>,
  o: SubOpts<H> & { optional: true },
): Keyword<z.ZodOptional<z.ZodType<SubValue<B, H>>>>;
export function sub<B extends BlockSpec, H extends z.ZodRawShape = {}>(inner: Block<B>, o?: SubOpts<H>): Keyword<z.ZodType<SubValue<B, H>>>;
export function sub<B extends BlockSpec, H extends z.ZodRawShape = {}>(inner: Block<B>, o: SubOpts<H> = {}): Keyword {
  const headSchema = once(() => z.object(o.head?.shape ?? ({} as H)));
  const itemSchema = once(() => (o.head ? z.intersection(headSchema(), inner.schema) : inner.schema) as z.ZodType);
  const schema = () =>
    o.many ? z.array(itemSchema()).default([]) : o.optional ? itemSchema().optional() : itemSchema().default(() => blockDefaults(inner) as never);
  const absent = (): Absence => (o.many ? { required: false, value: [] } : o.optional ? NOTHING : { required: false, value: blockDefaults(inner) });
  const headFields = Object.keys(o.head?.shape ?? {});
  // the head's fields start the block's value: a keyword of the same name would overwrite one
  const clash = headFields.find((f) => f in inner.spec);
  if (clash) throw new Error(`head field ${clash} is also a keyword of the block`);
  const readInto = (node: ConfNode, cx: ReadCx, start?: Record<string, unknown>): unknown => {
    let head = start;
    if (o.head) {
      const ws = argWords(node, cx, o.head.min, o.head.max);
      if (ws === INVALID) return INVALID;
      const read = o.head.read(ws, cx, node);
      if (read === INVALID) return INVALID;
      const r = safeParseFast(headSchema(), read);
      if (!r.success) {
        reportZod(cx, r.error, node.args[0]?.loc ?? node.keyword.loc, node.keyword.text);
        return INVALID;
      }
      // the reader's fresh object (or zod's copy of it): the block's value can grow from it
      head = start ? Object.assign(start, r.data) : (r.data as Record<string, unknown>);
    } else if (node.args.length > 0) {
      cx.report('TSKAD_W_EXTRA_ARGUMENT', `${node.keyword.text} takes no arguments before '{'; '${node.args[0]!.text}' is ignored`, node.args[0]!.loc);
    }
    return cx.bindBlock(inner as unknown as Block, node, head) ?? INVALID;
  };
  return keyword({
    ...o,
    shape: 'block',
    many: o.many,
    schema,
    item: itemSchema,
    absent,
    checked: true,
    block: inner as unknown as Block,
    read: (node, cx) => readInto(node, cx),
    readInto,
    print: (v: Record<string, unknown>, name) => {
      const headWords = o.head ? o.head.print(v as never) : [];
      const rest = Object.fromEntries(Object.entries(v).filter(([k]) => !headFields.includes(k)));
      return [{ words: [name, ...headWords], children: printBlock(inner as unknown as Block, rest) }];
    },
  });
}

/**
 * Several keywords feeding one list field, each element tagged with the
 * keyword that made it (`HTTP_GET`, `TCP_CHECK`… → `checkers`).
 * The elements' schemas must carry a literal `type` field.
 */
export function tagged<const M extends Record<string, Keyword>>(members: M, o: { doc?: string } = {}) {
  type Item = { [K in keyof M]: { type: K } & NonNullable<z.output<M[K]['schema']>> }[keyof M];
  /** each spelling's member, and the tag its elements carry */
  const byName = new Map<string, { kw: Keyword; type: string }>();
  for (const [type, kw] of Object.entries(members)) {
    for (const n of [type, ...kw.aliases, ...kw.synonyms]) byName.set(n, { kw, type });
  }
  // the tag is part of each element's schema, so validation keeps it and picks the right member
  const item = once(() =>
    z.union(Object.entries(members).map(([name, m]) => z.intersection(z.object({ type: z.literal(name) }), m.item)) as unknown as [z.ZodType, z.ZodType]),
  );
  return keyword({
    name: Object.keys(members),
    aliases: Object.values(members).flatMap((m) => [...m.aliases]),
    synonyms: Object.values(members).flatMap((m) => [...m.synonyms]),
    doc: o.doc,
    shape: 'either',
    many: true,
    checked: true,
    members,
    schema: () => z.array(item()).default([]) as unknown as z.ZodDefault<z.ZodArray<z.ZodType<Item>>>,
    item,
    absent: { required: false, value: [] },
    read: (node, cx) => {
      const { kw, type } = byName.get(node.keyword.text)!;
      // the tag first, as the copy below puts it
      if (kw.readInto) return kw.readInto(node, cx, { type });
      const v = kw.read(node, cx);
      if (v === INVALID) return INVALID;
      if (kw.checked) return { type, ...(v as object) };
      const r = safeParseFast(kw.item, v);
      if (!r.success) {
        reportZod(cx, r.error, node.args[0]?.loc ?? node.keyword.loc, node.keyword.text);
        return INVALID;
      }
      return { type, ...(r.data as object) };
    },
    print: (v: { type: string }) => {
      const kw = members[v.type]!;
      const { type: _t, ...rest } = v;
      return kw.print(rest, v.type);
    },
  });
}

/** A keyword the block cannot do without (`virtual_router_id`): missing → TSKAD_E_MISSING_KEYWORD. */
export function required<S extends z.ZodType>(kw: Keyword<S>): Keyword<z.ZodType<NonNullable<z.output<S>>>> {
  return derive(kw, { schema: () => unwrapOptional(kw.schema) as z.ZodType<NonNullable<z.output<S>>>, absent: REQUIRED });
}

/** Every block reachable from `b`, named by the keyword that opens it (for "belongs in X" hints). */
export function blocksUnder(b: Block, name = 'the top level'): Array<{ name: string; block: Block }> {
  const out = [{ name, block: b }];
  const seen = new Set<Block>([b]);
  const walk = (blk: Block) => {
    const visit = (name: string, kw: Keyword) => {
      if (kw.block && !seen.has(kw.block)) {
        seen.add(kw.block);
        out.push({ name, block: kw.block });
        walk(kw.block);
      }
      for (const [n, m] of Object.entries(kw.members ?? {})) visit(n, m);
    };
    for (const kw of Object.values(blk.spec)) visit(kw.names[0]!, kw);
  };
  walk(b);
  return out;
}

/** keepalived keeps the first of these and reports a repeat as an error. */
export const firstWins = <S extends z.ZodType>(kw: Keyword<S>): Keyword<S> => derive(kw, { firstWins: true });

/** The value a field has when its keyword is absent. */
export const defaultOf = (kw: Keyword): unknown => {
  const r = kw.schema.safeParse(undefined);
  return r.success ? r.data : undefined;
};

/** A field of a block, and what it is when its keyword is not written. */
export interface Absent {
  readonly field: string;
  readonly kw: Keyword;
  /** no default: the block is incomplete without it */
  readonly required: boolean;
  /** the default (plain data, to be copied with `fresh` before use); undefined for none */
  readonly value: unknown;
}
const absentCache = new WeakMap<Block, readonly Absent[]>();

/** Each field's value when its keyword is not written, gathered once per block. */
export function absentValues(b: Block): readonly Absent[] {
  let list = absentCache.get(b);
  if (!list) {
    list = Object.entries(b.spec).map(([field, kw]) => ({ field, kw, ...kw.absent }));
    absentCache.set(b, list);
  }
  return list;
}

/**
 * A block's value when none of its keywords is written: what zod's parse of
 * `{}` gives (each default, in the fields' order; no key for an optional
 * field), built from the fields' defaults instead, because the first parse
 * of an object schema compiles zod's object parser, milliseconds that every
 * `-t` paid for each block kind the config leaves out.
 */
export function blockDefaults(b: Block): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of absentValues(b)) {
    if (a.required) throw new Error(`a ${a.kw.names[0]} block cannot default: ${a.field} is required`);
    if (a.value !== undefined) out[a.field] = fresh(a.value);
  }
  return out;
}

/** A fresh copy of a default (plain data), so no two model objects share one. */
export function fresh(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fresh);
  if (typeof v !== 'object' || v === null) return v;
  const o: Record<string, unknown> = {};
  for (const k in v) o[k] = fresh((v as Record<string, unknown>)[k]);
  return o;
}

/** A block's value back to config lines; fields at their default are left out. */
export function printBlock(b: Block, value: Record<string, unknown>): Printed[] {
  const out: Printed[] = [];
  for (const [field, kw] of Object.entries(b.spec)) {
    const v = value[field];
    if (v === undefined || deepEqual(v, defaultOf(kw))) continue;
    const name = kw.names[0]!;
    if (kw.many) for (const e of v as unknown[]) out.push(...kw.print(e, name));
    else out.push(...kw.print(v, name));
  }
  return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Turn a zod failure into diagnostics at `loc`, phrased for an operator. */
export function reportZod(cx: Pick<ReadCx, 'report'>, err: z.ZodError, loc: Loc, what: string): void {
  for (const issue of err.issues) {
    const field = issue.path.length ? ` ${issue.path.join('.')}` : '';
    cx.report('TSKAD_E_BAD_VALUE', `${what}${field}: ${describeIssue(issue)}`, loc);
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${issue.inclusive === false ? ' (exclusive)' : ''}`;
    case 'too_small':
      return issue.origin === 'string' ? 'must not be empty' : `must be at least ${String(issue.minimum)}`;
    case 'invalid_type':
      return issue.expected === 'number' ? 'expected a number' : issue.expected === 'int' ? 'expected an integer' : `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join('|')}`;
    default:
      return issue.message;
  }
}
