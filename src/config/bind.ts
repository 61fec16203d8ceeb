// Binds the keyword tree to the schema blocks: every line is looked up in its
// block's keyword table, read, validated by its zod schema, and recorded with
// its source position. Unknown keywords get a did-you-mean from the same table.
import type { ConfNode, Loc } from './source.js';
import type { Diagnostics } from './diagnostics.js';
import type { Code } from './codes/index.js';
import { absentValues, fresh, INVALID, reportZod, type Block, type BlockSpec, type BlockValue, type Keyword, type Path, type ReadCx } from './schema/dsl.js';
import { suggest } from './didyoumean.js';
import { safeParseFast } from './schema/fast-parse.js';
import { SourceMap, type SourceNode } from './source-map.js';

export { SourceMap };

export interface BindResult<B extends BlockSpec> {
  value: BlockValue<B>;
  sources: SourceMap;
}

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
      /** the source node of this.path, when the binder has it at hand */
      private readonly place: SourceNode | undefined,
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
      return bindBlock(b, node.children ?? [], p, p === this.full && this.place ? this.place : sources.node(p, true), node, head);
    }
  }

  /** `place` is the source node of `path`: a large configuration binds 100,000s of values, each recorded below its block's node. */
  function bindBlock(
    b: Block,
    children: readonly ConfNode[],
    path: Path,
    place: SourceNode,
    owner: ConfNode | undefined,
    head: Record<string, unknown> = {},
  ): Record<string, unknown> | undefined {
    // no field of the block is among the head's (sub() makes sure), so `field in raw` still means "written here"
    const raw = head;
    /** each field's first line here (its node: a word makes its Loc only when asked) */
    const seen = new Map<string, ConfNode>();
    for (const node of children) {
      const name = node.keyword.text;
      const field = b.byName.get(name);
      if (field === undefined) {
        unknownKeyword(b, node);
        continue;
      }
      const kw = b.spec[field]!;
      if (kw.aliases.includes(name)) {
        diag.report('TSKAD_W_DEPRECATED_KEYWORD', `'${name}' is deprecated; use '${kw.names[0]}'`, node.keyword.loc);
      }
      if (kw.shape === 'block' && !node.children) {
        diag.report('TSKAD_E_NOT_A_BLOCK', `${name} takes a { } block`, node.keyword.loc);
        continue;
      }
      if (kw.shape === 'line' && node.children) {
        diag.report('TSKAD_E_NOT_A_BLOCK', `${name} takes no { } block`, node.open ?? node.keyword.loc);
        continue;
      }
      const index = kw.many ? ((raw[field] as unknown[] | undefined)?.length ?? 0) : undefined;
      const first = seen.get(field);
      if (kw.firstWins && first && field in raw) {
        diag.report('TSKAD_E_REPEATED_KEYWORD', `${name} given again (first at line ${first.keyword.loc.line}); the first value stays`, node.keyword.loc);
        continue;
      }
      if (!first) seen.set(field, node);
      const fieldPlace = place.step(field, true);
      const valuePlace = index === undefined ? fieldPlace : fieldPlace.step(index, true);
      const v = kw.read(node, new Cx(path, field, index, valuePlace));
      if (v === INVALID) continue;
      const r = kw.checked ? { success: true as const, data: v } : safeParseFast(kw.item, v);
      if (!r.success) {
        reportZod(diag, r.error, node.args[0]?.loc ?? node.keyword.loc, name);
        continue;
      }
      valuePlace.loc = node.keyword.loc;
      if (kw.many) {
        ((raw[field] ??= []) as unknown[]).push(r.data);
      } else {
        const prev = field in raw ? seen.get(field) : undefined;
        if (prev && !Array.isArray(r.data)) {
          diag.report('TSKAD_W_DUPLICATE_KEYWORD', `${name} given again (first at line ${prev.keyword.loc.line}); this value wins`, node.keyword.loc);
        }
        // keepalived appends repeated list blocks (two virtual_ipaddress blocks add up)
        raw[field] = Array.isArray(r.data) && Array.isArray(raw[field]) ? [...(raw[field] as unknown[]), ...r.data] : r.data;
      }
    }
    // every value was validated as it was read: only absent fields remain, taking their defaults
    let complete = true;
    for (const a of absentValues(b)) {
      if (a.field in raw) continue;
      if (a.required) {
        // a line that was there but invalid has been reported already
        // reported where the block ends, as keepalived does once it has read the whole block
        if (!seen.has(a.field) && owner) {
          const head = [owner.keyword.text, ...owner.args.map((w) => w.text)].join(' ');
          diag.report('TSKAD_E_MISSING_KEYWORD', `${head} (line ${owner.keyword.loc.line}) has no ${a.kw.names[0]}`, owner.close ?? owner.keyword.loc);
        }
        complete = false;
      } else if (a.value !== undefined) raw[a.field] = fresh(a.value);
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
