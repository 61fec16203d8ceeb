// Cuts one line into words, by the rules keepalived.conf(5) gives under
// "Quoted strings" (lib/parser.c alloc_strvec_quoted_escaped): blanks separate
// words; "..." and '...' group text, blanks included, and may sit inside a
// word (`abc" d "e` is one word); a backslash escapes like C (\n \t \xHH \nnn
// \cC; any other character stands for itself). An unquoted '{' or '}' is a
// word of its own. Comments are gone by now (the reader strips them).
// keepalived 2.2.7 applies these rules to script commands and regexes, and
// splits other lines more simply (only a leading '"' quotes, no escapes);
// the two agree on every line that does not lean on those differences.
import type { Diagnostics } from './diagnostics.js';
import type { Loc, Word } from './source.js';
import { locator, type SourceLine } from './syntax/source-text.js';
import { BACKSLASH, DQUOTE, isBlank, LBRACE, RBRACE, SPACE, SQUOTE } from './syntax/chars.js';

export type { SourceLine };

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** what ends a plain stretch of a word: a blank, a brace, or the start of a quote or escape */
const isSpecial = (c: number): boolean => isBlank(c) || c === LBRACE || c === RBRACE || c === DQUOTE || c === SQUOTE || c === BACKSLASH;

/**
 * A word that keeps its place in fields of its own and makes a Loc only when
 * asked: a large file has 100,000s of words, few places are ever asked for,
 * and one object per word instead of two halves what the GC copies.
 */
class LexedWord implements Word {
  private readonly file: string;
  private readonly line: number;
  private readonly col: number;

  constructor(
    readonly text: string,
    at: Loc,
    readonly quoted: boolean,
  ) {
    this.file = at.file;
    this.line = at.line;
    this.col = at.col;
  }

  get loc(): Loc {
    return { file: this.file, line: this.line, col: this.col };
  }
}

/** The words of `src`; an unterminated quote is reported (when `diag` is given) and runs to the end of the line. */
export function lexLine(src: SourceLine, diag?: Diagnostics): Word[] {
  const { text } = src;
  const n = text.length;
  const locAt = locator(src);
  const words: Word[] = [];
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === LBRACE || c === RBRACE) {
      words.push(new LexedWord(text[i]!, locAt(i), false));
      i++;
      continue;
    }
    const start = i;
    // most words are plain: one slice, no building character by character
    while (i < n && !isSpecial(text.charCodeAt(i))) i++;
    const stop = i < n ? text.charCodeAt(i) : SPACE;
    if (isBlank(stop) || stop === LBRACE || stop === RBRACE) {
      words.push(new LexedWord(text.slice(start, i), locAt(start), false));
      continue;
    }
    let out = text.slice(start, i);
    let quoted = false;
    let quote: { ch: string; at: number } | undefined;
    while (i < n) {
      const ch = text[i]!;
      if (ch === '\\' && i + 1 < n) {
        // an escaped character is quoted: `\{` is no brace
        const [s, next] = unescape(text, i + 1);
        out += s;
        quoted = true;
        i = next;
      } else if (quote) {
        if (ch === quote.ch) quote = undefined;
        else out += ch;
        i++;
      } else if (ch === '"' || ch === "'") {
        quote = { ch, at: i };
        quoted = true;
        i++;
      } else if (isBlank(text.charCodeAt(i)) || ch === '{' || ch === '}') {
        break;
      } else {
        out += ch;
        i++;
      }
    }
    if (quote) diag?.report('TSKAD_E_UNTERMINATED_QUOTE', `the ${quote.ch} opened here is never closed; the word runs to the end of the line`, locAt(quote.at));
    words.push(new LexedWord(out, locAt(start), quoted));
  }
  return words;
}

/** The escape whose letter is at text[i] (just after the '\'): its value and where the text goes on. */
function unescape(text: string, i: number): [string, number] {
  const c = text[i]!;
  if (c === 'x' && isHex(text[i + 1])) {
    // any number of hex digits, kept to a byte as keepalived's char keeps it
    let j = i + 1;
    let v = 0;
    while (isHex(text[j])) v = ((v << 4) | parseInt(text[j++]!, 16)) & 0xff;
    return [String.fromCharCode(v), j];
  }
  if (c === 'c' && i + 1 < text.length) return [String.fromCharCode(text.charCodeAt(i + 1) & 0x1f), i + 2];
  if (c >= '0' && c <= '7') {
    let j = i;
    let v = 0;
    while (j < i + 3 && text[j]! >= '0' && text[j]! <= '7') v = (v << 3) + Number(text[j++]);
    return [String.fromCharCode(v & 0xff), j];
  }
  return [ESCAPES[c] ?? c, i + 1];
}

const isHex = (c: string | undefined): boolean => c !== undefined && /[0-9a-fA-F]/.test(c);
