// The config benchmark's floor: the least any `-t` on Node does, in a process
// of its own — start node, read FILE, and cut every line into words (blanks
// apart, `!` and `#` comments dropped), keeping nothing. What tskad spends
// beyond this row is its own code (loading it, binding, validating); what
// this row spends beside keepalived's is the platform's.
// Prints the word count, so that the loop cannot be dropped as dead code.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const SPACE = 0x20;
const TAB = 0x09;
const BANG = 0x21;
const HASH = 0x23;
const LF = 0x0a;
const CR = 0x0d;

/** How many words `text` has. */
export function countWords(text: string): number {
  let words = 0;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === SPACE || c === TAB || c === LF || c === CR) {
      i++;
    } else if (c === BANG || c === HASH) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else {
      let j = i + 1;
      for (let d = text.charCodeAt(j); j < text.length && d !== SPACE && d !== TAB && d !== LF && d !== CR; d = text.charCodeAt(++j));
      words++;
      i = j;
    }
  }
  return words;
}

// run as a script (run.ts), not imported (its test)
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: floor FILE');
  process.stdout.write(`${countWords(readFileSync(file, 'latin1'))}\n`);
}
