// Builds the keyword tree from lexed lines. A statement is `keyword args...`;
// a '{' right after it (on the same line or the next) opens its block, which
// runs to the matching '}'. Several statements may share a line:
// `track_script { chk_a }`.
//
// Unbalanced braces are reported where the partner is missing, not just as a
// count at the end of the file as keepalived does ("There are N missing
// '}'s"). When '}'s are missing, the tree is built again, closing a block
// early where the layout shows that it ended: a '}' indented like an outer
// block's opening line, a statement indented no deeper than its block's
// opening line, or a keyword that exists only at the top level. That attempt
// is kept only if it explains the missing braces without making new stray ones.
import type { ConfNode, Loc, Word } from './source.js';
import type { Diagnostics } from './diagnostics.js';
import type { Code } from './codes/index.js';

export interface ParseHints {
  /** the indentation width of the line whose text starts at `loc` (default: col - 1) */
  readonly indentOf?: (loc: Loc) => number | undefined;
  /** keywords that exist only at the top level: one inside a block means the block lost its '}' */
  readonly topLevel?: ReadonlySet<string>;
}

type Token =
  | { readonly kind: 'statement'; readonly keyword: Word; readonly args: readonly Word[]; readonly indent?: number }
  | { readonly kind: '{' | '}'; readonly at: Word; readonly indent?: number };

interface Problem {
  readonly code: Code;
  readonly message: string;
  readonly loc: Loc;
  readonly hint?: string;
}

export function parseLines(lines: readonly (readonly Word[])[], diag: Diagnostics, hints: ParseHints = {}): ConfNode[] {
  const tokens = tokenize(lines, hints.indentOf ?? ((loc) => loc.col - 1));
  let budget = 0;
  let best = buildTree(tokens, hints, budget, false);
  if (best.unclosed > 0) {
    const guided = buildTree(tokens, hints, best.unclosed, false);
    if (guided.strays <= best.strays) {
      budget = best.unclosed;
      best = guided;
    }
  }
  // the hints for stray '}'s need every node's indentation: worth keeping only when there are strays
  if (best.strays > 0) best = buildTree(tokens, hints, budget, true);
  for (const p of best.problems) diag.report(p.code, p.message, p.loc, p.hint);
  return best.nodes;
}

/** shared by every statement without arguments */
const NO_ARGS: readonly Word[] = [];

const isBrace = (w: Word): boolean => !w.quoted && (w.text === '{' || w.text === '}');

/** Statements and braces, each with the indentation of its line when it is the first thing on it. */
function tokenize(lines: readonly (readonly Word[])[], indentOf: (loc: Loc) => number | undefined): Token[] {
  const tokens: Token[] = [];
  let prev: Loc | undefined;
  const indent = (w: Word) => (prev && prev.file === w.loc.file && prev.line === w.loc.line ? undefined : indentOf(w.loc));
  for (const words of lines) {
    let i = 0;
    while (i < words.length) {
      const w = words[i]!;
      const ind = indent(w);
      if (isBrace(w)) {
        tokens.push({ kind: w.text as '{' | '}', at: w, indent: ind });
        i++;
      } else {
        let j = i + 1;
        while (j < words.length && !isBrace(words[j]!)) j++;
        tokens.push({ kind: 'statement', keyword: w, args: j === i + 1 ? NO_ARGS : words.slice(i + 1, j), indent: ind });
        i = j;
      }
      prev = words[i - 1]!.loc;
    }
  }
  return tokens;
}

interface Frame {
  readonly keyword: Word;
  readonly args: readonly Word[];
  readonly children: ConfNode[];
  readonly open: Loc;
  /** indentation of the keyword's line */
  readonly indent?: number;
  /** indentation of the first child statement's line */
  childIndent?: number;
  /** opened by a '{' with no statement before it: its children belong to the enclosing block */
  readonly synthetic: boolean;
}

interface Tree {
  readonly nodes: ConfNode[];
  readonly problems: Problem[];
  readonly strays: number;
  readonly unclosed: number;
}

/**
 * One reading of the tokens; up to `budget` blocks may be closed early where
 * the layout says so. `strayHints`: hint at the cause of a stray '}' (costs a
 * map entry per node).
 */
function buildTree(tokens: readonly Token[], hints: ParseHints, budget: number, strayHints: boolean): Tree {
  const top: ConfNode[] = [];
  const stack: Frame[] = [];
  const problems: Problem[] = [];
  const indents = strayHints ? new Map<ConfNode, number | undefined>() : undefined;
  let strays = 0;
  let unclosed = 0;
  let left = budget;
  /** the statement a '{' would open */
  let last: { node: ConfNode; list: ConfNode[]; indent?: number } | undefined;
  /** the last '}' that closed a block opened at another indentation: a stray '}' after it hints at a missing '{' */
  let mismatch: { node: ConfNode; indent: number } | undefined;

  const sink = (): ConfNode[] => stack[stack.length - 1]?.children ?? top;
  const close = (f: Frame, at?: Loc): ConfNode | undefined => {
    if (f.synthetic) {
      sink().push(...f.children);
      return undefined;
    }
    const node: ConfNode = at
      ? { keyword: f.keyword, args: f.args, children: f.children, open: f.open, close: at }
      : { keyword: f.keyword, args: f.args, children: f.children, open: f.open };
    indents?.set(node, f.indent);
    sink().push(node);
    return node;
  };
  /** closes the innermost `n` blocks, each reported as missing its '}' before `before` */
  const closeEarly = (n: number, before: Loc) => {
    for (let k = 0; k < n; k++) {
      const f = stack.pop()!;
      left--;
      unclosed++;
      problems.push(missingClose(f, `a '}' is probably missing before ${where(before, f.open)}`));
      close(f);
    }
  };

  for (const t of tokens) {
    if (t.kind === 'statement') {
      if (left > 0) closeEarly(Math.min(left, endedBlocks(stack, t, hints)), t.keyword.loc);
      const node: ConfNode = { keyword: t.keyword, args: t.args };
      const f = stack[stack.length - 1];
      if (f && f.childIndent === undefined) f.childIndent = t.indent;
      indents?.set(node, t.indent);
      sink().push(node);
      last = { node, list: sink(), indent: t.indent };
    } else if (t.kind === '{') {
      if (last) {
        last.list.pop();
        stack.push({ keyword: last.node.keyword, args: last.node.args, children: [], open: t.at.loc, indent: last.indent, synthetic: false });
      } else {
        problems.push({ code: 'TSKAD_E_UNEXPECTED_BRACE', message: "'{' without a keyword before it; its contents are read as part of the enclosing block", loc: t.at.loc });
        stack.push({ keyword: t.at, args: [], children: [], open: t.at.loc, synthetic: true });
      }
      last = undefined;
    } else {
      last = undefined;
      if (stack.length === 0) {
        strays++;
        problems.push({ code: 'TSKAD_E_UNEXPECTED_BRACE', message: "'}' without a matching '{'", loc: t.at.loc, ...(indents ? strayHint(mismatch, indents) : {}) });
        continue;
      }
      if (left > 0 && t.indent !== undefined) {
        const owner = ownerByIndent(stack, t.indent);
        if (owner >= 0 && stack.length - 1 - owner <= left) closeEarly(stack.length - 1 - owner, t.at.loc);
      }
      const f = stack.pop()!;
      const node = close(f, t.at.loc);
      if (node && t.indent !== undefined && f.indent !== undefined && t.indent !== f.indent) mismatch = { node, indent: t.indent };
    }
  }
  while (stack.length) {
    const f = stack.pop()!;
    if (!f.synthetic) {
      unclosed++;
      problems.push(missingClose(f, 'the block runs to the end of the configuration'));
    }
    close(f);
  }
  return { nodes: top, problems, strays, unclosed };
}

function missingClose(f: Frame, hint: string): Problem {
  return { code: 'TSKAD_E_UNBALANCED_BRACE', message: `'{' of ${f.keyword.text} is never closed`, loc: f.open, hint };
}

const where = (at: Loc, from: Loc): string => (at.file === from.file ? `line ${at.line}` : `${at.file}:${at.line}`);

/**
 * How many innermost blocks a statement shows to have ended: it is indented
 * no deeper than the block's opening line although the block's first child was
 * deeper, or it is a keyword that exists only at the top level.
 */
function endedBlocks(stack: readonly Frame[], t: Extract<Token, { kind: 'statement' }>, hints: ParseHints): number {
  const topLevel = hints.topLevel?.has(t.keyword.text) === true && !t.keyword.quoted;
  let n = 0;
  for (let k = stack.length - 1; k >= 0; k--) {
    const f = stack[k]!;
    if (f.synthetic) break;
    const dedented = t.indent !== undefined && f.indent !== undefined && f.childIndent !== undefined && f.childIndent > f.indent && t.indent <= f.indent;
    if (!topLevel && !dedented) break;
    n++;
  }
  return n;
}

/**
 * The block a '}' at this indentation belongs to, when that is not the
 * innermost one: the innermost block opened at the same indentation.
 */
function ownerByIndent(stack: readonly Frame[], indent: number): number {
  const innermost = stack[stack.length - 1]!;
  if (innermost.indent === undefined || innermost.indent === indent) return -1;
  for (let k = stack.length - 2; k >= 0 && !stack[k]!.synthetic; k--) if (stack[k]!.indent === indent) return k;
  return -1;
}

/**
 * For a stray '}': the last block closed by a '}' at another indentation
 * probably holds a statement that lost its '{': the last one indented like
 * that '}' and followed by deeper lines.
 */
function strayHint(mismatch: { node: ConfNode; indent: number } | undefined, indents: ReadonlyMap<ConfNode, number | undefined>): { hint?: string } {
  const kids = mismatch?.node.children ?? [];
  for (let k = kids.length - 2; k >= 0; k--) {
    const kid = kids[k]!;
    const next = indents.get(kids[k + 1]!);
    if (!kid.children && indents.get(kid) === mismatch!.indent && next !== undefined && next > mismatch!.indent) {
      return { hint: `a '{' is probably missing after '${kid.keyword.text}' (line ${kid.keyword.loc.line})` };
    }
  }
  return {};
}
