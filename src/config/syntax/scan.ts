// The two scans keepalived makes over a whole line before it is cut into
// words (lib/parser.c decomment() and the block split in read_line()). Both
// know only double quotes: a '#', '!', '{' or '}' inside single quotes is
// still a comment or a brace, in keepalived and so here.
import type { Loc } from '../source.js';
import { SourceText } from './source-text.js';

export interface Decommented {
  readonly text: SourceText;
  /** where a trailing '\' stood: it continues a `$NAME=` definition on the next line */
  readonly continuation?: Loc;
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';
/** a line with none of these needs no more than its blanks trimmed */
const NEEDS_WORK = /[#!"\\]/;

/**
 * Strips a comment ('#' or '!' outside double quotes, to the end of the line),
 * the '\' of `\#` and `\!`, and surrounding blanks. A '\' that ends the line
 * is taken off and reported as a continuation, even after a comment (as keepalived does).
 */
export function decomment(line: SourceText): Decommented {
  const s = line.text;
  let start = 0;
  while (isBlank(s[start])) start++;
  if (!NEEDS_WORK.test(s)) {
    let end = s.length;
    while (end > start && isBlank(s[end - 1])) end--;
    return { text: line.slice(start, end) };
  }
  const cuts: number[] = [];
  let quote = false;
  let comment = -1;
  let end = s.length;
  let continuation: Loc | undefined;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      if (comment < 0) quote = !quote;
    } else if (c === '\\') {
      if (i + 1 === s.length) {
        continuation = line.locAt(i);
        end = i;
        break;
      }
      if (!quote && comment < 0 && (s[i + 1] === '#' || s[i + 1] === '!')) cuts.push(i);
      i++;
    } else if ((c === '#' || c === '!') && !quote && comment < 0) comment = i;
  }
  if (comment >= 0) end = comment;
  while (end > start && isBlank(s[end - 1])) end--;
  const pieces: SourceText[] = [];
  let from = start;
  for (const cut of cuts) {
    if (cut >= end) break;
    pieces.push(line.slice(from, cut));
    from = cut + 1;
  }
  pieces.push(line.slice(from, end));
  const text = pieces.length === 1 ? pieces[0]! : SourceText.join(pieces);
  return continuation ? { text, continuation } : { text };
}

/**
 * The first '{' or '}' outside double quotes, where keepalived cuts a line so
 * that every brace stands alone. `skip(i)` may claim a '{' at i as part of
 * something else and return the offset to resume at (the reader uses it for
 * an undefined `${NAME}`). -1 when there is none.
 */
export function firstBrace(s: string, skip: (i: number) => number | undefined = () => undefined): number {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      const close = s.indexOf('"', i + 1);
      if (close < 0) return -1;
      i = close;
    } else if (c === '{' || c === '}') {
      const resume = c === '{' ? skip(i) : undefined;
      if (resume === undefined) return i;
      i = resume - 1;
    }
  }
  return -1;
}
