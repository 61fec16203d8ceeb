// Source positions and the keyword tree: the shapes the lexer, the parser and
// the schema binder exchange. Every word keeps the file:line:col it came from
// (after include/`$NAME`/`~SEQ` expansion, the position of the original text).

export interface Loc {
  readonly file: string;
  /** 1-based */
  readonly line: number;
  /** 1-based, in characters */
  readonly col: number;
}

export interface Word {
  readonly text: string;
  readonly loc: Loc;
  /** true when any part of the word was quoted or escaped: a quoted "{" (or `\\{`) is not a brace */
  readonly quoted: boolean;
}

/**
 * One configuration line: `keyword args...`, optionally followed by a `{ ... }`
 * block whose lines are its children. Braces may sit on the same or the next line.
 */
export interface ConfNode {
  readonly keyword: Word;
  readonly args: readonly Word[];
  /** present iff the line opened a block */
  readonly children?: readonly ConfNode[];
  /** where the block's `{` stands */
  readonly open?: Loc;
  /** where its `}` stands (absent when it was never closed) */
  readonly close?: Loc;
}

export const formatLoc = (loc: Loc): string => `${loc.file}:${loc.line}:${loc.col}`;
