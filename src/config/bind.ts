// Binds the keyword tree to the schema blocks: every line is looked up in its
// block's keyword table, read, validated by its zod schema, and recorded with
// its source position. Unknown keywords get a did-you-mean from the same table.
import type { ConfNode, Loc } from './source.js';
import type { Diagnostics } from './diagnostics.js';
import type { Code } from './codes/index.js';
import { fresh, INVALID, reportZod, type Block, type BlockSpec, type BlockValue, type Keyword, type Path, type ReadCx } from './schema/dsl.js';
import { suggest } from './didyoumean.js';
import { acceptsAsIs } from './schema/fast-parse.js';
import { SourceMap, type Place } from './source-map.js';

export { SourceMap };

export interface BindResult<B extends BlockSpec> {
  value: BlockValue<B>;
  sources: SourceMap;
}

/** What the binder needs of one spelling of a block's keyword, worked out once per block. */
interface Spelling {
  readonly field: string;
  readonly kw: Keyword;
  /** a deprecated spelling */
  readonly deprecated: boolean;
}

/** A field with something to do when its keyword is not written: a default to take, or a complaint. */
interface Fallback {
  readonly field: string;
  readonly kw: Keyword;
  readonly required: boolean;
  /** the default, taken as it is when it is no object (else copied with `fresh`) */
  readonly value: unknown;
  readonly shared: boolean;
}

interface Plan {
  readonly spellings: ReadonlyMap<string, Spelling>;
  readonly fallbacks: readonly Fallback[];
}

const plans = new WeakMap<Block, Plan>();

function planOf(b: Block): Plan {
  let plan = plans.get(b);
  if (plan) return plan;
  const spellings = new Map<string, Spelling>();
  for (const [name, field] of b.byName) {
    const kw = b.spec[field]!;
    spellings.set(name, { field, kw, deprecated: kw.aliases.includes(name) });
  }
  const fallbacks: Fallback[] = [];
  for (const [field, kw] of Object.entries(b.spec)) {
    const { required, value } = kw.absent;
    if (required || value !== undefined) fallbacks.push({ field, kw, required, value, shared: typeof value !== 'object' || value === null });
  }
  plan = { spellings, fallbacks };
  plans.set(b, plan);
  return plan;
}

/**
 * The line has the shape its keyword takes: a block for a block keyword, none
 * for a line keyword. (A block is where a '{' is: asking for the children
 * would make them.)
 */
const shapeFits = (kw: Keyword, node: ConfNode): boolean => kw.shape === 'either' || (kw.shape === 'block') === (node.open !== undefined);

/** A line's value is valid as the reader made it: the reader checked it itself, or the keyword's schema takes it unchanged. */
const passes = (kw: Keyword, v: unknown): boolean => kw.checked || acceptsAsIs(kw.item, v);

/**
 * `elsewhere` lists other blocks' keyword tables, so a keyword put in the wrong
 * block is named as such ("router_id belongs in global_defs").
 */
export function bindConfig<B extends BlockSpec>(
  root: Block<B>,
  nodes: readonly ConfNode[],
  diag: Diagnostics,
  elsewhere: ReadonlyArray<{ name: string; block: Block }> = [],
): BindResult<B> {
  const sources = new SourceMap();

  // one context object per value read: methods live on the class, not in fresh closures.
  // Most readers never ask for their path, so it is built only when asked.
  class Cx implements ReadCx {
    private full: Path | undefined;
    constructor(
      private readonly base: Path,
      private readonly field: string | undefined,
      private readonly index: number | undefined,
      /** the source map's place of this.path, when the binder has it at hand */
      private readonly place: Place | undefined,
    ) {}
    get path(): Path {
      const { base, field, index } = this;
      return (this.full ??= field === undefined ? base : index === undefined ? [...base, field] : [...base, field, index]);
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
    bindBlock(b: Block, node: ConfNode, p: Path, head?: Record<string, unknown>): Record<string, unknown> | undefined {
      return bindBlock(b, node.children ?? [], p, p === this.full && this.place !== undefined ? this.place : sources.place(p), node, head);
    }
  }

  /** The first line of `children` before `end` that gives `field`, in the shape its keyword takes. */
  function firstOf(plan: Plan, children: readonly ConfNode[], field: string, end = children.length): ConfNode | undefined {
    for (let c = 0; c < end; c++) {
      const s = plan.spellings.get(children[c]!.keyword.text);
      if (s?.field === field && shapeFits(s.kw, children[c]!)) return children[c];
    }
    return undefined;
  }

  /** `place` is the source map's place of `path`: a large configuration binds 100,000s of values, each recorded below its block's place. */
  function bindBlock(
    b: Block,
    children: readonly ConfNode[],
    path: Path,
    place: Place,
    owner: ConfNode | undefined,
    head: Record<string, unknown> = {},
  ): Record<string, unknown> | undefined {
    const plan = planOf(b);
    // no field of the block is among the head's (sub() makes sure), so `field in raw` still means "written here"
    const raw = head;
    for (let c = 0; c < children.length; c++) {
      const node = children[c]!;
      const keyword = node.keyword;
      const name = keyword.text;
      const spelling = plan.spellings.get(name);
      if (spelling === undefined) {
        unknownKeyword(b, node);
        continue;
      }
      const { field, kw } = spelling;
      if (spelling.deprecated) diag.report('TSKAD_W_DEPRECATED_KEYWORD', `'${name}' is deprecated; use '${kw.names[0]}'`, keyword.loc);
      if (!shapeFits(kw, node)) {
        if (kw.shape === 'block') diag.report('TSKAD_E_NOT_A_BLOCK', `${name} takes a { } block`, keyword.loc);
        else diag.report('TSKAD_E_NOT_A_BLOCK', `${name} takes no { } block`, node.open ?? keyword.loc);
        continue;
      }
      const written = field in raw;
      if (kw.firstWins && written) {
        diag.report('TSKAD_E_REPEATED_KEYWORD', `${name} given again (first at line ${firstOf(plan, children, field, c)!.keyword.loc.line}); the first value stays`, keyword.loc);
        continue;
      }
      const index = kw.many ? ((raw[field] as unknown[] | undefined)?.length ?? 0) : undefined;
      const fieldPlace = sources.step(place, field);
      const valuePlace = index === undefined ? fieldPlace : sources.step(fieldPlace, index);
      const v = kw.read(node, new Cx(path, field, index, valuePlace));
      if (v === INVALID) continue;
      let data = v;
      if (!passes(kw, v)) {
        const r = kw.item.safeParse(v);
        if (!r.success) {
          reportZod(diag, r.error, node.args[0]?.loc ?? keyword.loc, name);
          continue;
        }
        data = r.data;
      }
      sources.wordAt(valuePlace, keyword);
      if (kw.many) {
        ((raw[field] ??= []) as unknown[]).push(data);
      } else {
        if (written && !Array.isArray(data)) {
          diag.report('TSKAD_W_DUPLICATE_KEYWORD', `${name} given again (first at line ${firstOf(plan, children, field, c)!.keyword.loc.line}); this value wins`, keyword.loc);
        }
        // keepalived appends repeated list blocks (two virtual_ipaddress blocks add up)
        raw[field] = Array.isArray(data) && Array.isArray(raw[field]) ? [...(raw[field] as unknown[]), ...data] : data;
      }
    }
    // every value was validated as it was read: only absent fields remain, taking their defaults
    let complete = true;
    for (const a of plan.fallbacks) {
      if (a.field in raw) continue;
      if (a.required) {
        // a line that was there but invalid has been reported already
        // reported where the block ends, as keepalived does once it has read the whole block
        if (owner && !firstOf(plan, children, a.field)) {
          const head = [owner.keyword.text, ...owner.args.map((w) => w.text)].join(' ');
          diag.report('TSKAD_E_MISSING_KEYWORD', `${head} (line ${owner.keyword.loc.line}) has no ${a.kw.names[0]}`, owner.close ?? owner.keyword.loc);
        }
        complete = false;
      } else raw[a.field] = a.shared ? a.value : fresh(a.value);
    }
    return complete ? raw : undefined;
  }

  function unknownKeyword(b: Block, node: ConfNode): void {
    const name = node.keyword.text;
    const home = elsewhere.find((e) => e.block !== b && e.block.byName.has(name));
    const near = suggest(name, [...b.byName.keys()]);
    const hint = near ? `did you mean '${near}'?` : home ? `${name} belongs in ${home.name}` : undefined;
    diag.report('TSKAD_E_UNKNOWN_KEYWORD', `unknown keyword '${name}'`, node.keyword.loc, hint);
  }

  const value = bindBlock(root, nodes, [], sources.root, undefined) ?? (root.schema.parse({}) as Record<string, unknown>);
  return { value: value as BlockValue<B>, sources };
}
