// The command line that runs one of our TypeScript modules as a script in a
// child process: the compiled .js under dist/ (npm test, npm run bench:*), or
// the .ts source through tsx (npx tsx --test), whichever the caller itself is.
import { fileURLToPath } from 'node:url';

/** `sibling` is a module name without extension, resolved next to `from` (an import.meta.url). */
export function nodeScript(from: string, sibling: string): [string, ...string[]] {
  const ext = from.endsWith('.ts') ? '.ts' : '.js';
  const file = fileURLToPath(new URL(`${sibling}${ext}`, from));
  // tsx by its own URL: the child's cwd (a sample's directory) has no node_modules
  return [process.execPath, ...(ext === '.ts' ? ['--import', import.meta.resolve('tsx')] : []), file];
}
