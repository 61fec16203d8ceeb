// The configuration front end in one call: file → lines → words → keyword
// tree → typed model, with every diagnostic collected along the way.
import { hostname } from 'node:os';
import { Diagnostics } from './diagnostics.js';
import { lexLine } from './lexer.js';
import { parseLines } from './parser.js';
import { readConfigFile, readConfigText, type ReadOptions, type ReadResult } from './reader.js';
import { bindConfig, type SourceMap } from './bind.js';
import { BLOCKS, root, type Config } from './schema/index.js';
import { validate } from './validate.js';

export type { ReadOptions };

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

/**
 * The same pipeline on text in memory, preprocessing included: its includes
 * and ${_PWD} resolve against `opts.dir` (default the cwd); `file` is the name
 * its positions carry.
 */
export function loadConfigText(text: string, file = 'keepalived.conf', opts: ReadOptions = defaultReadOptions()): LoadResult {
  const diag = new Diagnostics();
  return fromLines(readConfigText(text, file, opts, diag), diag);
}

/** Keywords of the top level that no block has: met inside a block, they show it lost its '}'. */
const TOP_LEVEL_ONLY: ReadonlySet<string> = new Set(
  [...root.byName.keys()].filter((name) => !BLOCKS.some((b) => b.block !== root && b.block.byName.has(name))),
);

function fromLines(read: ReadResult, diag: Diagnostics): LoadResult {
  const tree = parseLines(
    read.lines.map((l) => lexLine(l, diag)),
    diag,
    { indentOf: read.indentOf, topLevel: TOP_LEVEL_ONLY },
  );
  const { value, sources } = bindConfig(root, tree, diag, BLOCKS);
  validate(value, sources, diag);
  return { config: value, sources, diagnostics: diag };
}
