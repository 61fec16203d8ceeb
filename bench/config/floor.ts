// The config benchmark's floors, each in a process of its own:
//   floor words FILE: the least any `-t` on Node does — start node, read
//     FILE, and cut every line into words (words.ts): each word's string is
//     made, as a lexer must, and dropped;
//   floor bind FILE: a minimal binding of the benchmark's file
//     (minimal-binder.ts), checked against this host's interfaces.
// What the first spends beside keepalived is the platform's; what tskad
// spends beyond the second is what its completeness and diagnostics cost.
// Each prints a count, so that its work cannot be dropped as dead code.
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { bindMinimal } from './minimal-binder.js';
import { eachLine } from './words.js';

/** How many words `text` has. */
export function countWords(text: string): number {
  let words = 0;
  eachLine(text, (w) => (words += w.length));
  return words;
}

// run as a script (run.ts), not imported (its test)
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [mode, file] = process.argv.slice(2);
  if (file === undefined || (mode !== 'words' && mode !== 'bind')) throw new Error('usage: floor words|bind FILE');
  const text = readFileSync(file, 'latin1');
  if (mode === 'words') process.stdout.write(`${countWords(text)}\n`);
  else {
    const r = bindMinimal(text, new Set(readdirSync('/sys/class/net')));
    process.stdout.write(`${r.values} values, ${r.problems.length} problems\n`);
    process.exitCode = r.problems.length === 0 ? 0 : 1;
  }
}
