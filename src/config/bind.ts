// Binds the keyword tree to the schema blocks: every line is looked up in its
// block's keyword table, read, validated by its zod schema, and recorded with
// its source position. Unknown keywords get a did-you-mean from the same table.
import type { ConfNode, Loc } from './source.js';
import type { Diagnostics } from './diagnostics.js';
import { INVALID, reportZod, type Block, type BlockSpec, type BlockValue, type Path, type ReadCx } from './schema/dsl.js';
import { suggest } from './didyoumean.js';

/** Model path ("vrrpInstance/0/priority") → where it was written. */
export type SourceMap = Map<string, Loc>;
export const pathKey = (p: Path): string => p.join('/');

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
  const sources: SourceMap = new Map();

  const mkCx = (path: Path): ReadCx => ({
    path,
    report: (code, message, loc, hint) => diag.report(code, message, loc, hint),
    at: (p, loc) => sources.set(pathKey(p), loc),
    bindBlock: (b, node, p) => bindBlock(b, node.children ?? [], p, node.keyword.loc),
  });

  function bindBlock(b: Block, children: readonly ConfNode[], path: Path, headLoc: Loc | undefined): Record<string, unknown> | undefined {
    const raw: Record<string, unknown> = {};
    const seen = new Map<string, Loc>();
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
      const p = index === undefined ? [...path, field] : [...path, field, index];
      seen.set(field, seen.get(field) ?? node.keyword.loc);
      const v = kw.read(node, mkCx(p));
      if (v === INVALID) continue;
      const r = kw.item.safeParse(v);
      if (!r.success) {
        reportZod(diag, r.error, node.args[0]?.loc ?? node.keyword.loc, name);
        continue;
      }
      sources.set(pathKey(p), node.keyword.loc);
      if (kw.many) {
        ((raw[field] ??= []) as unknown[]).push(r.data);
      } else {
        const prev = field in raw ? seen.get(field) : undefined;
        if (prev && !Array.isArray(r.data)) {
          diag.report('TSKAD_W_DUPLICATE_KEYWORD', `${name} given again (first at line ${prev.line}); this value wins`, node.keyword.loc);
        }
        // keepalived appends repeated list blocks (two virtual_ipaddress blocks add up)
        raw[field] = Array.isArray(r.data) && Array.isArray(raw[field]) ? [...(raw[field] as unknown[]), ...r.data] : r.data;
      }
    }
    const r = b.schema.safeParse(raw);
    if (!r.success) {
      for (const issue of r.error.issues) {
        const field = String(issue.path[0] ?? '');
        const kw = b.spec[field];
        if (issue.code === 'invalid_type' && raw[field] === undefined && kw) {
          // a line that was there but invalid has been reported already
          if (!seen.has(field)) diag.report('TSKAD_E_MISSING_KEYWORD', `missing ${kw.names[0]}`, headLoc);
        } else {
          diag.report('TSKAD_E_BAD_VALUE', `${kw?.names[0] ?? field}: ${issue.message}`, headLoc);
        }
      }
      return undefined;
    }
    return r.data as Record<string, unknown>;
  }

  function unknownKeyword(b: Block, node: ConfNode): void {
    const name = node.keyword.text;
    const home = elsewhere.find((e) => e.block !== b && e.block.byName.has(name));
    const near = suggest(name, [...b.byName.keys()]);
    const hint = near ? `did you mean '${near}'?` : home ? `${name} belongs in ${home.name}` : undefined;
    diag.report('TSKAD_E_UNKNOWN_KEYWORD', `unknown keyword '${name}'`, node.keyword.loc, hint);
  }

  const value = bindBlock(root, nodes, [], undefined) ?? (root.schema.parse({}) as Record<string, unknown>);
  return { value: value as BlockValue<B>, sources };
}
