// The lines a large configuration nearly all is made of: blanks, a plain
// statement (`weight 1`), one that opens a block (`real_server 192.0.2.1 80
// {`), or a lone '}'. A plain line has nothing to strip, expand or cut — no
// comment, quote, escape or `$`, no brace but a last '{' or a lone '}', no
// `@ID` or `~SEQ` at its start — so the reader takes it as it stands in the
// file, without the full path's copies, and its words are found in the same
// pass that finds it plain.
import { isBlank, LBRACE, RBRACE, SPACE, TAB } from './chars.js';

/**
 * per char code below 128: 1 where it may not start a plain line, 2 where it
 * may stand nowhere in one, 4 where it separates words (isBlank): one look-up
 * tells the scan what a character is
 */
const CLASS = new Uint8Array(128);
for (const c of ' \t@~') CLASS[c.charCodeAt(0)] = 1;
for (const c of '$#!"\\{}\'') CLASS[c.charCodeAt(0)] = 3;
for (let c = 0; c < 128; c++) if (isBlank(c)) CLASS[c]! |= 4;

/**
 * One plain line of a file, as the last scan found it; reused from line to
 * line (a large file has 100,000s), so it is valid until the next scan.
 */
export class PlainLine {
  text = '';
  /** where the line's text starts (its first character that is not a blank) */
  from = 0;
  /** where its statement ends, trailing blanks left out; `from` when it has none */
  to = 0;
  /** the offset of a '{' ending the line or of a lone '}', or -1 */
  brace = -1;
  /** how many words the statement has, and where each starts and ends */
  count = 0;
  starts = new Int32Array(16);
  ends = new Int32Array(16);

  /** Whether `text[from, end)` (from past the line's leading blanks) is a plain line; if so, this is it. */
  scan(text: string, from: number, end: number): boolean {
    this.text = text;
    this.from = from;
    this.count = 0;
    this.brace = -1;
    const c0 = text.charCodeAt(from);
    if (c0 === RBRACE) {
      if (blanksFrom(text, from + 1) !== end) return false;
      this.brace = from;
      this.to = from;
      return true;
    }
    if ((c0 < 128 && CLASS[c0] !== 0) || text.startsWith('include', from)) return false;
    let start = -1;
    let k = from;
    for (; k < end; k++) {
      const c = text.charCodeAt(k);
      const cls = c < 128 ? CLASS[c]! : 0;
      if ((cls & 6) === 0) {
        if (start < 0) start = k;
      } else if ((cls & 4) !== 0) {
        if (start >= 0) this.word(start, k);
        start = -1;
      } else {
        if (c !== LBRACE || blanksFrom(text, k + 1) !== end) return false;
        this.brace = k;
        break;
      }
    }
    if (start >= 0) this.word(start, k);
    this.to = trimmedEnd(text, k, from);
    return true;
  }

  private word(start: number, end: number): void {
    if (this.count === this.starts.length) {
      const starts = new Int32Array(this.count * 2);
      const ends = new Int32Array(this.count * 2);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
    this.starts[this.count] = start;
    this.ends[this.count++] = end;
  }
}

/** The offset of the first character at or after `start` that is not a blank. */
export function blanksFrom(text: string, start: number): number {
  let i = start;
  for (let c = text.charCodeAt(i); c === SPACE || c === TAB; c = text.charCodeAt(++i));
  return i;
}

/** The end of `text[from..end)` without its trailing blanks. */
export function trimmedEnd(text: string, end: number, from = 0): number {
  let e = end;
  for (let c = text.charCodeAt(e - 1); e > from && (c === SPACE || c === TAB); c = text.charCodeAt(--e - 1));
  return e;
}
