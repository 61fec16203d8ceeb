// How the config benchmark's floors cut a line into words: blanks (space,
// tab, CR) apart, and a word starting with `!` or `#` ends the line (a
// comment), as tskad's lexer cuts an unquoted line.

/** Appends the words of `text[start, end)` (one line) to `out`. */
export function cutWords(text: string, start: number, end: number, out: string[]): void {
  for (let i = start; i < end; ) {
    let c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0d) {
      i++;
      continue;
    }
    if (c === 0x21 || c === 0x23) return;
    let j = i + 1;
    for (c = text.charCodeAt(j); j < end && c !== 0x20 && c !== 0x09 && c !== 0x0d; c = text.charCodeAt(++j));
    out.push(text.slice(i, j));
    i = j;
  }
}

/** Calls `each` with every line's words (the array is reused) and its number. */
export function eachLine(text: string, each: (words: readonly string[], line: number) => void): void {
  const words: string[] = [];
  for (let start = 0, line = 1; start < text.length; line++) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    words.length = 0;
    cutWords(text, start, end, words);
    start = end + 1;
    if (words.length > 0) each(words, line);
  }
}
