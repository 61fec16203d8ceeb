// The keyword tree the parser builds, kept as numbers over the word table:
// each statement is a token (its first word; its arguments run to the next
// token), and blocks are linked lists of tokens. The schema's readers see it
// as ConfNode objects, made when asked and dropped once read, so that a large
// configuration's tree costs a few typed arrays rather than an object per
// statement and per word that the GC must copy for as long as binding runs.
import type { ConfNode, Loc, Word } from './source.js';
import type { WordTable } from './word-table.js';

/** no token, no word */
export const NONE = -1;

export class ConfTree {
  /** token k's first word; a statement's words run to the next token's first word */
  readonly tokens: Int32Array;
  readonly tokenCount: number;
  /** per list owner (a statement's token, or `top` for the top level): its first and last child */
  readonly first: Int32Array;
  readonly last: Int32Array;
  /** per token: the next statement of the same list */
  readonly next: Int32Array;
  /** per token: the word of the '{' that opened its block, or NONE for a statement that opened none */
  readonly open: Int32Array;
  /** per token: the word of the '}' that closed its block, or NONE */
  readonly close: Int32Array;
  /** the list owner that stands for the top level */
  readonly top: number;

  constructor(
    readonly table: WordTable,
    tokens: Int32Array,
    tokenCount: number,
  ) {
    this.tokens = tokens;
    this.tokenCount = tokenCount;
    this.top = tokenCount;
    this.first = new Int32Array(tokenCount + 1).fill(NONE);
    this.last = new Int32Array(tokenCount + 1).fill(NONE);
    this.next = new Int32Array(tokenCount).fill(NONE);
    this.open = new Int32Array(tokenCount).fill(NONE);
    this.close = new Int32Array(tokenCount).fill(NONE);
  }

  /** Appends statement `tok` to the list of `owner`. */
  append(owner: number, tok: number): void {
    const tail = this.last[owner]!;
    if (tail === NONE) this.first[owner] = tok;
    else this.next[tail] = tok;
    this.last[owner] = tok;
  }

  /** The first word after token `tok`'s words. */
  endOf(tok: number): number {
    return tok + 1 < this.tokenCount ? this.tokens[tok + 1]! : this.table.count;
  }

  /** The statements of a list, in order. */
  listOf(owner: number): number[] {
    const out: number[] = [];
    for (let t = this.first[owner]!; t !== NONE; t = this.next[t]!) out.push(t);
    return out;
  }

  /** The top-level statements, as the schema's readers see them. */
  nodes(): ConfNode[] {
    return this.nodesOf(this.top);
  }

  nodesOf(owner: number): ConfNode[] {
    const out: ConfNode[] = [];
    for (let t = this.first[owner]!; t !== NONE; t = this.next[t]!) out.push(new TreeNode(this, t));
    return out;
  }
}

/** shared by every statement without arguments */
const NO_ARGS: readonly Word[] = [];

/**
 * One statement of a ConfTree as a ConfNode; its words are made on first use.
 * Its children are made anew at each use, not kept: a kept list would keep
 * the whole tree's objects alive for as long as the top-level list is.
 */
export class TreeNode implements ConfNode {
  private kw: Word | undefined = undefined;
  private argv: readonly Word[] | undefined = undefined;

  constructor(
    readonly tree: ConfTree,
    /** its token in the tree */
    readonly tok: number,
  ) {}

  get keyword(): Word {
    return (this.kw ??= this.tree.table.word(this.tree.tokens[this.tok]!));
  }

  get args(): readonly Word[] {
    if (this.argv) return this.argv;
    const { tree, tok } = this;
    const from = tree.tokens[tok]! + 1;
    const to = tree.endOf(tok);
    if (from === to) return (this.argv = NO_ARGS);
    const out: Word[] = [];
    for (let w = from; w < to; w++) out.push(tree.table.word(w));
    return (this.argv = out);
  }

  get children(): readonly ConfNode[] | undefined {
    return this.tree.open[this.tok] === NONE ? undefined : this.tree.nodesOf(this.tok);
  }

  get open(): Loc | undefined {
    const w = this.tree.open[this.tok]!;
    return w === NONE ? undefined : this.tree.table.loc(w);
  }

  get close(): Loc | undefined {
    const w = this.tree.close[this.tok]!;
    return w === NONE ? undefined : this.tree.table.loc(w);
  }
}
