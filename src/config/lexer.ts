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
import type { Word } from './source.js';
import { locator, type SourceLine } from './syntax/source-text.js';

export type { SourceLine };

const BLANK = ' \t\f\n\r\v';
const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** The words of `src`; an unterminated quote is reported (when `diag` is given) and runs to the end of the line. */
export function lexLine(src: SourceLine, diag?: Diagnostics): Word[] {
  const { text } = src;
  const locAt = locator(src);
  const words: Word[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (BLANK.includes(c)) {
      i++;
      continue;
    }
    if (c === '{' || c === '}') {
      words.push({ text: c, loc: locAt(i), quoted: false });
      i++;
      continue;
    }
    const start = i;
    let out = '';
    let quoted = false;
    let quote: { ch: string; at: number } | undefined;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '\\' && i + 1 < text.length) {
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
      } else if (BLANK.includes(ch) || ch === '{' || ch === '}') {
        break;
      } else {
        out += ch;
        i++;
      }
    }
    if (quote) diag?.report('TSKAD_E_UNTERMINATED_QUOTE', `the ${quote.ch} opened here is never closed; the word runs to the end of the line`, locAt(quote.at));
    words.push({ text: out, loc: locAt(start), quoted });
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
