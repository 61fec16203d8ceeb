// The configuration front end in one call: file → lines → words → keyword
// tree → typed model, with every diagnostic collected along the way.
import { hostname } from 'node:os';
import { Diagnostics } from './diagnostics.js';
import { lexLine, type SourceLine } from './lexer.js';
import { parseLines } from './parser.js';
import { readConfigFile, splitLines, type ReadOptions } from './reader.js';
import { bindConfig, type SourceMap } from './bind.js';
import { BLOCKS, root, type Config } from './schema/index.js';
import { validate } from './validate.js';

export interface LoadResult {
  readonly config: Config;
  readonly sources: SourceMap;
  readonly diagnostics: Diagnostics;
}

export const defaultReadOptions = (): ReadOptions => ({ configId: hostname().split('.')[0] ?? '' });

export function loadConfig(path: string, opts: ReadOptions = defaultReadOptions()): LoadResult {
  const diag = new Diagnostics();
  return fromLines(readConfigFile(path, opts, diag), diag);
}

/** For tests and tools: the same pipeline on text in memory (no includes). */
export function loadConfigText(text: string, file = 'keepalived.conf'): LoadResult {
  return fromLines(splitLines(text, file), new Diagnostics());
}

function fromLines(lines: readonly SourceLine[], diag: Diagnostics): LoadResult {
  const tree = parseLines(lines.map(lexLine), diag);
  const { value, sources } = bindConfig(root, tree, diag, BLOCKS);
  validate(value, sources, diag);
  return { config: value, sources, diagnostics: diag };
}
