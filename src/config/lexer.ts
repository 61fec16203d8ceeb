// Splits one logical configuration line into words, as keepalived's parser
// does (lib/parser.c): `#` and `!` start a comment anywhere outside quotes,
// quotes group words and are removed, `{` and `}` stand as words of their own.
import type { Loc, Word } from './source.js';

export interface SourceLine {
  readonly text: string;
  readonly file: string;
  readonly line: number;
  /** column of text[0] in the original line (1-based) */
  readonly col: number;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b' };

export function lexLine(src: SourceLine): Word[] {
  const { text } = src;
  const words: Word[] = [];
  let i = 0;
  const loc = (at: number): Loc => ({ file: src.file, line: src.line, col: src.col + at });
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '#' || c === '!') break;
    if (c === '{' || c === '}') {
      words.push({ text: c, loc: loc(i), quoted: false });
      i++;
      continue;
    }
    const start = i;
    let out = '';
    let quoted = false;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '"' || ch === "'") {
        quoted = true;
        const close = ch;
        i++;
        while (i < text.length && text[i] !== close) {
          if (text[i] === '\\' && i + 1 < text.length) {
            const [s, n] = unescape(text, i + 1);
            out += s;
            i = n;
          } else out += text[i++];
        }
        i++; // the closing quote (an unterminated quote runs to the end of the line)
        continue;
      }
      if (ch === '\\' && i + 1 < text.length) {
        // outside quotes a backslash only protects the next character (`\#`, `\!`, `\{`)
        out += text[i + 1];
        i += 2;
        continue;
      }
      if (/\s/.test(ch) || ch === '{' || ch === '}' || ch === '#' || ch === '!') break;
      out += ch;
      i++;
    }
    words.push({ text: out, loc: loc(start), quoted });
  }
  return words;
}

/** C-style escapes inside quotes: \n \t \xHH \nnn (octal) \cC, else the character itself. */
function unescape(text: string, i: number): [string, number] {
  const c = text[i]!;
  if (c in ESCAPES) return [ESCAPES[c]!, i + 1];
  if (c === 'x') {
    const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 1));
    if (m) return [String.fromCharCode(parseInt(m[0], 16)), i + 1 + m[0].length];
  }
  if (/[0-7]/.test(c)) {
    const m = /^[0-7]{1,3}/.exec(text.slice(i))!;
    return [String.fromCharCode(parseInt(m[0], 8) & 0xff), i + m[0].length];
  }
  if (c === 'c' && i + 1 < text.length) return [String.fromCharCode(text.charCodeAt(i + 1) & 0x1f), i + 2];
  return [c, i + 1];
}
