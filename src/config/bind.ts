// Binds the keyword tree to the schema blocks: every line is looked up in its
// block's keyword table, read, validated by its zod schema, and recorded with
// its source position. Unknown keywords get a did-you-mean from the same table.
import type { ConfNode, Loc } from './source.js';
import type { Diagnostics } from './diagnostics.js';
import type { Code } from './codes/index.js';
import { INVALID, reportZod, type Block, type BlockSpec, type BlockValue, type Keyword, type Path, type ReadCx } from './schema/dsl.js';
import { suggest } from './didyoumean.js';
import { asIsTest, type Predicate } from './schema/fast-parse.js';
import { SourceMap, type Place } from './source-map.js';
import { blockFields, type BlockFields } from './block-fields.js';
import { NONE, TreeNode, type ConfTree } from './conf-tree.js';

export { SourceMap };

export interface BindResult<B extends BlockSpec> {
  value: BlockValue<B>;
  sources: SourceMap;
  /** how many lines of script keywords (Keyword.script) gave a value: none, and the model holds no script */
  scriptLines: number;
}

/**
 * What the binder needs of one spelling of a block's keyword, worked out once
 * per block: objects of one shape, where keywords come in several.
 */
class Spelling {
  /** a deprecated spelling */
  readonly deprecated: boolean;
  readonly shape: Keyword['shape'];
  readonly many: boolean;
  readonly firstWins: boolean;
  readonly single: Keyword['single'];
  /** the reader validates what it returns */
  readonly checked: boolean;
  /** its value is a script */
  readonly script: boolean;
  private test: Predicate | undefined = undefined;

  constructor(
    name: string,
    readonly field: string,
    /** the field's place in its block's spec */
    readonly index: number,
    readonly kw: Keyword,
  ) {
    this.deprecated = kw.aliases.includes(name);
    this.shape = kw.shape;
    this.many = kw.many;
    this.firstWins = kw.firstWins;
    this.single = kw.single;
    this.checked = kw.checked;
    this.script = kw.script;
  }

  /** The line's shape is the keyword's: a block for a block keyword, none for a line keyword. */
  fits(block: boolean): boolean {
    return this.shape === 'either' || (this.shape === 'block') === block;
  }

  /** A line's value is valid as the reader made it: the reader checked it itself, or the keyword's schema takes it unchanged. */
  passes(v: unknown): boolean {
    return this.checked || (this.test ??= asIsTest(this.kw.item))(v);
  }
}

/** A field the block cannot do without. */
interface Required {
  readonly field: string;
  /** the field's place in its block's spec */
  readonly index: number;
  readonly kw: Keyword;
}

interface Plan {
  readonly spellings: ReadonlyMap<string, Spelling>;
  readonly required: readonly Required[];
  /** how many fields the block has */
  readonly fields: number;
  readonly access: BlockFields;
}

const plans = new WeakMap<Block, Plan>();

function planOf(b: Block): Plan {
  let plan = plans.get(b);
  if (plan) return plan;
  const fields = Object.keys(b.spec);
  const spellings = new Map<string, Spelling>();
  for (const [name, field] of b.byName) {
    const kw = b.spec[field]!;
    spellings.set(name, new Spelling(name, field, fields.indexOf(field), kw));
  }
  const required: Required[] = [];
  fields.forEach((field, index) => {
    const kw = b.spec[field]!;
    if (kw.absent.required) required.push({ field, index, kw });
  });
  plan = { spellings, required, fields: fields.length, access: blockFields(b) };
  plans.set(b, plan);
  return plan;
}

/**
 * `elsewhere` lists other blocks' keyword tables, so a keyword put in the wrong
 * block is named as such ("router_id belongs in global_defs").
 */
export function bindConfig<B extends BlockSpec>(
  root: Block<B>,
  tree: ConfTree,
  diag: Diagnostics,
  elsewhere: ReadonlyArray<{ name: string; block: Block }> = [],
): BindResult<B> {
  const sources = new SourceMap();
  const { table, tokens, next, open } = tree;
  let scriptLines = 0;

  // one context object per value a reader reads: methods live on the class, not in fresh closures.
  // Most readers never ask for their path, so it is built only when asked, from the
  // context of the block the value is in (a real server's from its virtual server's…).
  // Its fields are set by the constructor, not declared as class fields: V8 runs a class's field
  // initialisers as a call of their own for every object, which cost more than the rest of it.
  class Cx implements ReadCx {
    private declare full: Path | undefined;
    private declare readonly base: Path | Cx;
    private declare readonly field: string | undefined;
    private declare readonly index: number | undefined;
    /** the source map's place of this.path, when the binder has it at hand */
    private declare readonly place: Place | undefined;
    constructor(base: Path | Cx, field: string | undefined, index: number | undefined, place: Place | undefined) {
      this.base = base;
      this.field = field;
      this.index = index;
      this.place = place;
      this.full = undefined;
    }
    get path(): Path {
      if (this.full) return this.full;
      const { field, index } = this;
      const base = this.base instanceof Cx ? this.base.path : this.base;
      return (this.full = field === undefined ? base : index === undefined ? [...base, field] : [...base, field, index]);
    }
    within(path: Path): ReadCx {
      return new Cx(path, undefined, undefined, undefined);
    }
    report(code: Code, message: string, loc?: Loc, hint?: string): void {
      diag.report(code, message, loc, hint);
    }
    at(p: Path, loc: Loc): void {
      sources.record(p, loc);
    }
    bindBlock(b: Block, node: ConfNode, head?: Record<string, unknown>): Record<string, unknown> | undefined {
      // every node a reader is given is the tree's
      const tok = (node as TreeNode).tok;
      return bindBlock(b, tok, node, this, this.place ?? sources.place(this.path), head);
    }
  }

  /** The first line of list `owner` before token `end` that gives `field`, in the shape its keyword takes. */
  function firstOf(plan: Plan, owner: number, field: string, end = NONE): number {
    for (let t = tree.first[owner]!; t !== end; t = next[t]!) {
      const s = plan.spellings.get(table.text(tokens[t]!));
      if (s?.field === field && s.fits(open[t] !== NONE)) return t;
    }
    return NONE;
  }
  const lineOf = (tok: number): number => table.lineOf(tokens[tok]!);

  // Which fields of a block its lines have given, by the field's index: one
  // array per nesting depth of bindBlock, reused from block to block, rather
  // than asking `field in value`, which V8 answers slowly for the many shapes
  // the blocks' values take.
  const givenByDepth: Uint8Array[] = [];
  let depth = 0;
  const givenAt = (d: number, fields: number): Uint8Array => {
    let given = givenByDepth[d];
    if (given === undefined || given.length < fields) givenByDepth[d] = given = new Uint8Array(Math.max(fields, 64));
    given.fill(0, 0, fields);
    return given;
  };

  /**
   * The lines of list `owner` (a block's statement, or the tree's top) into
   * `b`'s fields; `place` is the source map's place of `path`. The work is cut
   * into small functions, the rare paths (a diagnostic) apart: V8 optimises a
   * small function sooner, and optimises it again sooner when it must.
   */
  function bindBlock(
    b: Block,
    owner: number,
    ownerNode: ConfNode | undefined,
    /** the block's model path, or the context it is read in */
    path: Path | Cx,
    place: Place,
    head: Record<string, unknown> = {},
  ): Record<string, unknown> | undefined {
    const plan = planOf(b);
    const given = givenAt(depth++, plan.fields);
    // no field of the block is among the head's (sub() makes sure): `given` tells what its lines wrote
    const raw = head;
    for (let t = tree.first[owner]!; t !== NONE; t = next[t]!) {
      const w = tokens[t]!;
      const spelling = plan.spellings.get(table.text(w));
      if (spelling === undefined) unknownKeyword(b, table.text(w), w);
      else bindLine(plan, spelling, owner, t, raw, given, path, place);
    }
    const value = complete(plan, owner, ownerNode, raw, given);
    depth--;
    return value;
  }

  /** Line `t` into `raw`. */
  function bindLine(plan: Plan, spelling: Spelling, owner: number, t: number, raw: Record<string, unknown>, given: Uint8Array, path: Path | Cx, place: Place): void {
    const w = tokens[t]!;
    const { field, kw } = spelling;
    if (spelling.deprecated) diag.report('TSKAD_W_DEPRECATED_KEYWORD', `'${table.text(w)}' is deprecated; use '${kw.names[0]}'`, table.loc(w));
    const isBlock = open[t] !== NONE;
    if (!spelling.fits(isBlock)) {
      wrongShape(spelling, t);
      return;
    }
    const { access } = plan;
    const i = spelling.index;
    const written = given[i] === 1;
    if (spelling.firstWins && written) {
      repeated(plan, owner, t, field, 'the first value stays', 'TSKAD_E_REPEATED_KEYWORD');
      return;
    }
    const list = spelling.many && written ? (access.load(raw, i) as unknown[]) : undefined;
    const index = spelling.many ? (list?.length ?? 0) : undefined;
    const fieldPlace = sources.step(place, field);
    const valuePlace = index === undefined ? fieldPlace : sources.step(fieldPlace, index);
    const args = tree.endOf(t) - w - 1;
    // a line of one argument that the keyword reads alone needs no objects of its own
    const v = spelling.single && args === 1 && !isBlock ? spelling.single(table.text(w + 1)) : kw.read(new TreeNode(tree, t), new Cx(path, field, index, valuePlace));
    if (v === INVALID) return;
    const data = spelling.passes(v) ? v : parsed(kw, v, t);
    if (data === INVALID) return;
    sources.wordAt(valuePlace, table, w);
    given[i] = 1;
    if (spelling.script) scriptLines++;
    if (list) list.push(data);
    else if (spelling.many) access.store(raw, i, [data]);
    else {
      if (written && !Array.isArray(data)) repeated(plan, owner, t, field, 'this value wins', 'TSKAD_W_DUPLICATE_KEYWORD');
      // keepalived appends repeated list blocks (two virtual_ipaddress blocks add up)
      const before = written && Array.isArray(data) ? access.load(raw, i) : undefined;
      access.store(raw, i, Array.isArray(before) ? [...(before as unknown[]), ...(data as unknown[])] : data);
    }
  }

  /** What zod makes of a value the shortcut could not pass: its output, or INVALID once its issues are reported. */
  function parsed(kw: Keyword, v: unknown, t: number): unknown {
    const r = kw.item.safeParse(v);
    if (r.success) return r.data;
    const w = tokens[t]!;
    reportZod(diag, r.error, table.loc(tree.endOf(t) - w > 1 ? w + 1 : w), table.text(w));
    return INVALID;
  }

  function wrongShape(spelling: Spelling, t: number): void {
    const w = tokens[t]!;
    if (spelling.shape === 'block') diag.report('TSKAD_E_NOT_A_BLOCK', `${table.text(w)} takes a { } block`, table.loc(w));
    else diag.report('TSKAD_E_NOT_A_BLOCK', `${table.text(w)} takes no { } block`, table.loc(open[t]!));
  }

  /** Line `t` gives `field` again. */
  function repeated(plan: Plan, owner: number, t: number, field: string, outcome: string, code: Code): void {
    const w = tokens[t]!;
    diag.report(code, `${table.text(w)} given again (first at line ${lineOf(firstOf(plan, owner, field, t))}); ${outcome}`, table.loc(w));
  }

  /**
   * The block's value once its lines are read: the absent fields take their
   * defaults; undefined when a required one is missing.
   */
  function complete(plan: Plan, owner: number, ownerNode: ConfNode | undefined, raw: Record<string, unknown>, given: Uint8Array): Record<string, unknown> | undefined {
    let whole = true;
    const { required } = plan;
    for (let k = 0; k < required.length; k++) {
      const r = required[k]!;
      if (given[r.index] === 1) continue;
      // a line that was there but invalid has been reported already
      if (ownerNode && firstOf(plan, owner, r.field) === NONE) missing(ownerNode, r.kw);
      whole = false;
    }
    if (!whole) return undefined;
    plan.access.fill(raw, given);
    return raw;
  }

  /** Reported where the block ends, as keepalived does once it has read the whole block. */
  function missing(ownerNode: ConfNode, kw: Keyword): void {
    const head = [ownerNode.keyword.text, ...ownerNode.args.map((w) => w.text)].join(' ');
    diag.report('TSKAD_E_MISSING_KEYWORD', `${head} (line ${ownerNode.keyword.loc.line}) has no ${kw.names[0]}`, ownerNode.close ?? ownerNode.keyword.loc);
  }

  function unknownKeyword(b: Block, name: string, w: number): void {
    const home = elsewhere.find((e) => e.block !== b && e.block.byName.has(name));
    const near = suggest(name, [...b.byName.keys()]);
    const hint = near ? `did you mean '${near}'?` : home ? `${name} belongs in ${home.name}` : undefined;
    diag.report('TSKAD_E_UNKNOWN_KEYWORD', `unknown keyword '${name}'`, table.loc(w), hint);
  }

  const value = bindBlock(root, tree.top, undefined, [], sources.root) ?? (root.schema.parse({}) as Record<string, unknown>);
  return { value: value as BlockValue<B>, sources, scriptLines };
}
