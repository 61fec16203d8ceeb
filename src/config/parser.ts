// Builds the keyword tree from the word table. A statement is `keyword
// args...`; a '{' right after it (on the same line or the next) opens its
// block, which runs to the matching '}'. Several statements may share a line:
// `track_script { chk_a }`.
//
// Unbalanced braces are reported where the partner is missing, not just as a
// count at the end of the file as keepalived does ("There are N missing
// '}'s"). When '}'s are missing, the tree is built again, closing a block
// early where the layout shows that it ended: a '}' indented like an outer
// block's opening line, a statement indented no deeper than its block's
// opening line, or a keyword that exists only at the top level. That attempt
// is kept only if it explains the missing braces without making new stray ones.
import type { Loc, Word } from './source.js';
import type { Diagnostics } from './diagnostics.js';
import type { Code } from './codes/index.js';
import { WordTable } from './word-table.js';
import { ConfTree, NONE } from './conf-tree.js';

export interface ParseHints {
  /** for parseLines: the indentation width of the line whose text starts at `loc` (default: col - 1) */
  readonly indentOf?: (loc: Loc) => number | undefined;
  /** keywords that exist only at the top level: one inside a block means the block lost its '}' */
  readonly topLevel?: ReadonlySet<string>;
}

interface Problem {
  readonly code: Code;
  readonly message: string;
  readonly loc: Loc;
  readonly hint?: string;
}

/** The tree of lexed lines (each line's words as the lexer cut them). */
export function parseLines(lines: readonly (readonly Word[])[], diag: Diagnostics, hints: ParseHints = {}): ConfTree {
  const table = new WordTable();
  const indentOf = hints.indentOf ?? ((loc) => loc.col - 1);
  for (const words of lines) table.addWords(words, indentOf);
  return parseTable(table, diag, hints);
}

/** The tree of the statements and braces in the table. */
export function parseTable(table: WordTable, diag: Diagnostics, hints: ParseHints = {}): ConfTree {
  const [tokens, count] = tokensOf(table);
  let best = buildTree(table, tokens, count, hints, 0);
  if (best.unclosed > 0) {
    const guided = buildTree(table, tokens, count, hints, best.unclosed);
    if (guided.strays <= best.strays) best = guided;
  }
  for (const p of best.problems) diag.report(p.code, p.message, p.loc, p.hint);
  return best.tree;
}

/** The tokens: each brace, and each run of other words within a line as the reader cut it (a statement). */
function tokensOf(table: WordTable): [Int32Array, number] {
  const tokens = new Int32Array(table.count);
  let n = 0;
  for (let w = 0; w < table.count; w++) {
    if (w === 0 || table.isBrace(w) || table.startsLine(w) || table.isBrace(w - 1)) tokens[n++] = w;
  }
  return [tokens, n];
}

interface Frame {
  /** the statement whose block this is; NONE for a '{' with no statement before it */
  readonly tok: number;
  /** the list its statements go to: its own, or for a synthetic frame the enclosing one's */
  readonly list: number;
  /** the word of its '{' */
  readonly open: number;
  /** indentation of the keyword's line, or NONE */
  readonly indent: number;
  /** indentation of the first child statement's line, or NONE */
  childIndent: number;
  /** opened by a '{' with no statement before it: its children belong to the enclosing block */
  readonly synthetic: boolean;
}

interface Tree {
  readonly tree: ConfTree;
  readonly problems: Problem[];
  readonly strays: number;
  readonly unclosed: number;
}

/** One reading of the tokens; up to `budget` blocks may be closed early where the layout says so. */
function buildTree(table: WordTable, tokens: Int32Array, count: number, hints: ParseHints, budget: number): Tree {
  const tree = new ConfTree(table, tokens, count);
  const stack: Frame[] = [];
  const problems: Problem[] = [];
  const indentOf = (tok: number): number => table.indent(tokens[tok]!) ?? NONE;
  let strays = 0;
  let unclosed = 0;
  let left = budget;
  /** the statement a '{' would open */
  let last = NONE;
  /** the last '}' that closed a block opened at another indentation: a stray '}' after it hints at a missing '{' */
  let mismatch: { tok: number; indent: number } | undefined;

  const sink = (): number => (stack.length ? stack[stack.length - 1]!.list : tree.top);
  const missingClose = (f: Frame, hint: string): Problem => ({
    code: 'TSKAD_E_UNBALANCED_BRACE',
    message: `'{' of ${table.text(tokens[f.tok]!)} is never closed`,
    loc: table.loc(f.open),
    hint,
  });
  /** closes the innermost `n` blocks, each reported as missing its '}' before word `before` */
  const closeEarly = (n: number, before: number) => {
    for (let k = 0; k < n; k++) {
      const f = stack.pop()!;
      left--;
      unclosed++;
      problems.push(missingClose(f, `a '}' is probably missing before ${where(table.loc(before), table.loc(f.open))}`));
    }
  };

  for (let k = 0; k < count; k++) {
    const w = tokens[k]!;
    const indent = indentOf(k);
    if (!table.isBrace(w)) {
      if (left > 0) closeEarly(Math.min(left, endedBlocks(stack, table, w, indent, hints)), w);
      const f = stack[stack.length - 1];
      if (f && f.childIndent === NONE) f.childIndent = indent;
      tree.append(sink(), k);
      last = k;
    } else if (table.isOpen(w)) {
      if (last !== NONE) {
        tree.open[last] = w;
        stack.push({ tok: last, list: last, open: w, indent: indentOf(last), childIndent: NONE, synthetic: false });
      } else {
        problems.push({ code: 'TSKAD_E_UNEXPECTED_BRACE', message: "'{' without a keyword before it; its contents are read as part of the enclosing block", loc: table.loc(w) });
        stack.push({ tok: NONE, list: sink(), open: w, indent: NONE, childIndent: NONE, synthetic: true });
      }
      last = NONE;
    } else {
      last = NONE;
      if (stack.length === 0) {
        strays++;
        problems.push({ code: 'TSKAD_E_UNEXPECTED_BRACE', message: "'}' without a matching '{'", loc: table.loc(w), ...strayHint(tree, mismatch) });
        continue;
      }
      if (left > 0 && indent !== NONE) {
        const owner = ownerByIndent(stack, indent);
        if (owner >= 0 && stack.length - 1 - owner <= left) closeEarly(stack.length - 1 - owner, w);
      }
      const f = stack.pop()!;
      if (!f.synthetic) {
        tree.close[f.tok] = w;
        if (indent !== NONE && f.indent !== NONE && indent !== f.indent) mismatch = { tok: f.tok, indent };
      }
    }
  }
  while (stack.length) {
    const f = stack.pop()!;
    if (!f.synthetic) {
      unclosed++;
      problems.push(missingClose(f, 'the block runs to the end of the configuration'));
    }
  }
  return { tree, problems, strays, unclosed };
}

const where = (at: Loc, from: Loc): string => (at.file === from.file ? `line ${at.line}` : `${at.file}:${at.line}`);

/**
 * How many innermost blocks a statement (its first word `w`) shows to have
 * ended: it is indented no deeper than the block's opening line although the
 * block's first child was deeper, or it is a keyword that exists only at the
 * top level.
 */
function endedBlocks(stack: readonly Frame[], table: WordTable, w: number, indent: number, hints: ParseHints): number {
  const topLevel = hints.topLevel?.has(table.text(w)) === true && !table.quoted(w);
  let n = 0;
  for (let k = stack.length - 1; k >= 0; k--) {
    const f = stack[k]!;
    if (f.synthetic) break;
    const dedented = indent !== NONE && f.indent !== NONE && f.childIndent !== NONE && f.childIndent > f.indent && indent <= f.indent;
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
  if (innermost.indent === NONE || innermost.indent === indent) return -1;
  for (let k = stack.length - 2; k >= 0 && !stack[k]!.synthetic; k--) if (stack[k]!.indent === indent) return k;
  return -1;
}

/**
 * For a stray '}': the last block closed by a '}' at another indentation
 * probably holds a statement that lost its '{': the last one indented like
 * that '}' and followed by deeper lines.
 */
function strayHint(tree: ConfTree, mismatch: { tok: number; indent: number } | undefined): { hint?: string } {
  if (!mismatch) return {};
  const { table, tokens } = tree;
  const indent = (tok: number): number => table.indent(tokens[tok]!) ?? NONE;
  const kids = tree.listOf(mismatch.tok);
  for (let k = kids.length - 2; k >= 0; k--) {
    const kid = kids[k]!;
    const next = indent(kids[k + 1]!);
    if (tree.open[kid] === NONE && indent(kid) === mismatch.indent && next !== NONE && next > mismatch.indent) {
      const w = tokens[kid]!;
      return { hint: `a '{' is probably missing after '${table.text(w)}' (line ${table.lineOf(w)})` };
    }
  }
  return {};
}
