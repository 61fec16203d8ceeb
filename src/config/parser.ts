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
  /** for parseLines: the indentation width of the line whose text starts at `loc` (default: col - 1); Tokens.add takes it directly */
  readonly indentOf?: (loc: Loc) => number | undefined;
  /** keywords that exist only at the top level: one inside a block means the block lost its '}' */
  readonly topLevel?: ReadonlySet<string>;
}

/**
 * A statement, already the tree's node for it (a leaf until a '{' follows), or
 * a brace's word. No token object besides: a large file has 100,000s of them.
 */
type Token = ConfNode | Word;
const isStatement = (t: Token): t is ConfNode => (t as ConfNode).keyword !== undefined;

interface Problem {
  readonly code: Code;
  readonly message: string;
  readonly loc: Loc;
  readonly hint?: string;
}

export function parseLines(lines: readonly (readonly Word[])[], diag: Diagnostics, hints: ParseHints = {}): ConfNode[] {
  const tokens = new Tokens();
  const indentOf = hints.indentOf ?? ((loc) => loc.col - 1);
  for (const words of lines) tokens.add(words, indentOf);
  return parseTokens(tokens, diag, hints);
}

/** The tree of the statements and braces cut so far. */
export function parseTokens(tokens: Tokens, diag: Diagnostics, hints: ParseHints = {}): ConfNode[] {
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

/**
 * Statements and braces, each with the indentation of its line when it is the
 * first thing on it, cut from lexed lines as they are added: load.ts adds each
 * line as it is read, so that its words array is garbage at once.
 */
export class Tokens {
  readonly list: Token[] = [];
  /** each token's indentation, in a list of its own */
  readonly indents: Array<number | undefined> = [];
  /** where the last word added stands */
  private prev: Loc | undefined;

  add(words: readonly Word[], indentOf: (loc: Loc) => number | undefined): void {
    let i = 0;
    while (i < words.length) {
      const w = words[i]!;
      const prev = this.prev;
      const ind = prev && prev.file === w.loc.file && prev.line === w.loc.line ? undefined : indentOf(w.loc);
      this.indents.push(ind);
      if (isBrace(w)) {
        this.list.push(w);
        i++;
      } else {
        let j = i + 1;
        while (j < words.length && !isBrace(words[j]!)) j++;
        this.list.push({ keyword: w, args: j === i + 1 ? NO_ARGS : words.slice(i + 1, j) });
        i = j;
      }
      this.prev = words[i - 1]!.loc;
    }
  }
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
function buildTree(tokens: Tokens, hints: ParseHints, budget: number, strayHints: boolean): Tree {
  const top: ConfNode[] = [];
  const stack: Frame[] = [];
  const problems: Problem[] = [];
  const indents = strayHints ? new Map<ConfNode, number | undefined>() : undefined;
  let strays = 0;
  let unclosed = 0;
  let left = budget;
  // the statement a '{' would open, its list and indentation (variables, not an object per statement)
  let last: ConfNode | undefined;
  let lastList: ConfNode[] = top;
  let lastIndent: number | undefined;
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

  const { list, indents: tokenIndents } = tokens;
  for (let k = 0; k < list.length; k++) {
    const t = list[k]!;
    const indent = tokenIndents[k];
    if (isStatement(t)) {
      if (left > 0) closeEarly(Math.min(left, endedBlocks(stack, t.keyword, indent, hints)), t.keyword.loc);
      const f = stack[stack.length - 1];
      if (f && f.childIndent === undefined) f.childIndent = indent;
      indents?.set(t, indent);
      lastList = sink();
      lastList.push(t);
      last = t;
      lastIndent = indent;
    } else if (t.text === '{') {
      if (last) {
        lastList.pop();
        stack.push({ keyword: last.keyword, args: last.args, children: [], open: t.loc, indent: lastIndent, synthetic: false });
      } else {
        problems.push({ code: 'TSKAD_E_UNEXPECTED_BRACE', message: "'{' without a keyword before it; its contents are read as part of the enclosing block", loc: t.loc });
        stack.push({ keyword: t, args: [], children: [], open: t.loc, synthetic: true });
      }
      last = undefined;
    } else {
      last = undefined;
      if (stack.length === 0) {
        strays++;
        problems.push({ code: 'TSKAD_E_UNEXPECTED_BRACE', message: "'}' without a matching '{'", loc: t.loc, ...(indents ? strayHint(mismatch, indents) : {}) });
        continue;
      }
      if (left > 0 && indent !== undefined) {
        const owner = ownerByIndent(stack, indent);
        if (owner >= 0 && stack.length - 1 - owner <= left) closeEarly(stack.length - 1 - owner, t.loc);
      }
      const f = stack.pop()!;
      const node = close(f, t.loc);
      if (node && indent !== undefined && f.indent !== undefined && indent !== f.indent) mismatch = { node, indent };
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
function endedBlocks(stack: readonly Frame[], keyword: Word, indent: number | undefined, hints: ParseHints): number {
  const topLevel = hints.topLevel?.has(keyword.text) === true && !keyword.quoted;
  let n = 0;
  for (let k = stack.length - 1; k >= 0; k--) {
    const f = stack[k]!;
    if (f.synthetic) break;
    const dedented = indent !== undefined && f.indent !== undefined && f.childIndent !== undefined && f.childIndent > f.indent && indent <= f.indent;
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
