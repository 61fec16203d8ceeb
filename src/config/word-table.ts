// The words of a configuration, in columns of numbers rather than an object
// per word: a large file has 100,000s of words, and objects that live from
// the first line read to the last line bound are what the GC copies over and
// over. A word is its text (a stretch of a file's text, or a string of its
// own for text the reader rewrote), its place, its flags, and the indentation
// of its line when it is the first thing on it. Word objects (`word(i)`) are
// made only when a reader of the schema asks, and die young.
import type { Loc, Word } from './source.js';
import { LBRACE } from './syntax/chars.js';
import type { PlainLine } from './syntax/plain-line.js';

/** quoted or escaped, wholly or in part: a quoted "{" is no brace */
const QUOTED = 1;
/** an unquoted '{' or '}' */
const BRACE = 2;
/** the first word of a line as the reader cut it: a statement starts here */
const LINE_START = 4;

export class WordTable {
  /** how many words there are */
  count = 0;
  /** where word i's text is: texts[src[i]] from start[i] to end[i] */
  private src: Int32Array;
  private start: Int32Array;
  private end: Int32Array;
  private file: Int32Array;
  private line: Int32Array;
  private col: Int32Array;
  /** its line's indentation when the word is the first thing on that line, else -1 */
  private indents: Int32Array;
  private flags: Uint8Array;
  /** whole files' texts, and the text of each word the reader rewrote */
  private readonly texts: string[] = [];
  private readonly fileNames: string[] = [];
  private readonly fileIds = new Map<string, number>();
  /** the place of the last word added, to tell the first word of a line */
  private lastFile = -1;
  private lastLine = -1;

  constructor(capacity = 1024) {
    const n = Math.max(16, capacity);
    this.src = new Int32Array(n);
    this.start = new Int32Array(n);
    this.end = new Int32Array(n);
    this.file = new Int32Array(n);
    this.line = new Int32Array(n);
    this.col = new Int32Array(n);
    this.indents = new Int32Array(n);
    this.flags = new Uint8Array(n);
  }

  text(i: number): string {
    return this.texts[this.src[i]!]!.slice(this.start[i], this.end[i]);
  }

  loc(i: number): Loc {
    return { file: this.fileNames[this.file[i]!]!, line: this.line[i]!, col: this.col[i]! };
  }

  quoted(i: number): boolean {
    return (this.flags[i]! & QUOTED) !== 0;
  }

  isBrace(i: number): boolean {
    return (this.flags[i]! & BRACE) !== 0;
  }

  /** an unquoted '{' (else an unquoted '}'), for a word that isBrace */
  isOpen(i: number): boolean {
    const t = this.texts[this.src[i]!]!;
    return t.charCodeAt(this.start[i]!) === LBRACE;
  }

  /** the word starts a line as the reader cut it */
  startsLine(i: number): boolean {
    return (this.flags[i]! & LINE_START) !== 0;
  }

  /** the indentation of the word's line when it is the first thing on it */
  indent(i: number): number | undefined {
    const v = this.indents[i]!;
    return v < 0 ? undefined : v;
  }

  lineOf(i: number): number {
    return this.line[i]!;
  }

  /** The word as an object, for the schema's readers. */
  word(i: number): Word {
    return new TableWord(this, i);
  }

  /**
   * The words of one line as the lexer cut them (the reader's full path);
   * `indentOf` tells the indentation of a word that starts its line.
   */
  addWords(words: readonly Word[], indentOf: (loc: Loc) => number | undefined): void {
    for (let k = 0; k < words.length; k++) {
      const w = words[k]!;
      const { file, line, col } = w.loc;
      const f = this.fileId(file);
      const first = f !== this.lastFile || line !== this.lastLine;
      const quoted = w.quoted;
      const brace = !quoted && (w.text === '{' || w.text === '}');
      this.texts.push(w.text);
      this.push(this.texts.length - 1, 0, w.text.length, f, line, col, first ? (indentOf(w.loc) ?? -1) : -1, (quoted ? QUOTED : 0) | (brace ? BRACE : 0) | (k === 0 ? LINE_START : 0));
    }
  }

  /**
   * A plain line of a file, its words as the reader's scan found them in the
   * file's text (texts[text]), without reading it again; `indent` belongs to
   * the first word when that stands where the line's text starts.
   */
  addPlain(text: number, file: number, line: number, lineStart: number, p: PlainLine, indent: number): void {
    const { starts, ends, count, from, brace } = p;
    for (let k = 0; k < count; k++) {
      const s = starts[k]!;
      this.push(text, s, ends[k]!, file, line, s - lineStart + 1, k === 0 && s === from ? indent : -1, k === 0 ? LINE_START : 0);
    }
    if (brace >= 0) this.push(text, brace, brace + 1, file, line, brace - lineStart + 1, count === 0 && brace === from ? indent : -1, BRACE | LINE_START);
  }

  /** A file's whole text, for addPlain to read words from. */
  addText(text: string): number {
    this.texts.push(text);
    return this.texts.length - 1;
  }

  /** how many files the words come from */
  get fileCount(): number {
    return this.fileNames.length;
  }

  fileId(name: string): number {
    let id = this.fileIds.get(name);
    if (id === undefined) {
      id = this.fileNames.length;
      this.fileNames.push(name);
      this.fileIds.set(name, id);
    }
    return id;
  }

  private push(src: number, start: number, end: number, file: number, line: number, col: number, indent: number, flags: number): void {
    if (this.count === this.src.length) this.grow();
    const i = this.count++;
    this.src[i] = src;
    this.start[i] = start;
    this.end[i] = end;
    this.file[i] = file;
    this.line[i] = line;
    this.col[i] = col;
    this.indents[i] = indent;
    this.flags[i] = flags;
    this.lastFile = file;
    this.lastLine = line;
  }

  /** Room for `more` words beyond those there are, so that a large file's words are not copied as the table grows. */
  reserve(more: number): void {
    if (this.count + more > this.src.length) this.grow(this.count + more);
  }

  private grow(least = 0): void {
    const n = Math.max(this.src.length * 2, Math.ceil(least));
    const more = <A extends Int32Array | Uint8Array>(a: A, make: (n: number) => A): A => {
      const b = make(n);
      b.set(a);
      return b;
    };
    const ints = (n: number) => new Int32Array(n);
    this.src = more(this.src, ints);
    this.start = more(this.start, ints);
    this.end = more(this.end, ints);
    this.file = more(this.file, ints);
    this.line = more(this.line, ints);
    this.col = more(this.col, ints);
    this.indents = more(this.indents, ints);
    this.flags = more(this.flags, (n) => new Uint8Array(n));
  }
}

/** One word of a table, as the schema's readers see words; its text and place are made when asked. */
class TableWord implements Word {
  private cached: string | undefined = undefined;

  constructor(
    private readonly table: WordTable,
    private readonly id: number,
  ) {}

  get text(): string {
    return (this.cached ??= this.table.text(this.id));
  }

  get loc(): Loc {
    return this.table.loc(this.id);
  }

  get quoted(): boolean {
    return this.table.quoted(this.id);
  }
}
