// The configuration front end in one call: file → lines → words → keyword
// tree → typed model, with every diagnostic collected along the way.
import { hostname } from 'node:os';
import { Diagnostics } from './diagnostics.js';
import { lexLine } from './lexer.js';
import { parseTable } from './parser.js';
import { readConfigFile, readConfigText, type IndentOf, type LineSink, type ReadOptions } from './reader.js';
import { bindConfig, type BindResult, type SourceMap } from './bind.js';
import type { ConfTree } from './conf-tree.js';
import type { SourceText } from './syntax/source-text.js';
import type { PlainLine } from './syntax/plain-line.js';
import { WordTable } from './word-table.js';
import { BLOCKS, root, type Config } from './schema/index.js';
import { validate } from './validate.js';

export type { ReadOptions };

export interface LoadResult {
  readonly config: Config;
  readonly sources: SourceMap;
  readonly diagnostics: Diagnostics;
  /** BindResult.scriptLines: none, and the model holds no script */
  readonly scriptLines: number;
}

export const defaultReadOptions = (): ReadOptions => ({ configId: hostname().split('.')[0] ?? '' });

export function loadConfig(path: string, opts: ReadOptions = defaultReadOptions()): LoadResult {
  const diag = new Diagnostics();
  return load((each) => readConfigFile(path, opts, diag, each), diag);
}

/**
 * The same pipeline on text in memory, preprocessing included: its includes
 * and ${_PWD} resolve against `opts.dir` (default the cwd); `file` is the name
 * its positions carry.
 */
export function loadConfigText(text: string, file = 'keepalived.conf', opts: ReadOptions = defaultReadOptions()): LoadResult {
  const diag = new Diagnostics();
  return load((each) => readConfigText(text, file, opts, diag, each), diag);
}

/** Keywords of the top level that no block has: met inside a block, they show it lost its '}'. */
const TOP_LEVEL_ONLY: ReadonlySet<string> = new Set(
  [...root.byName.keys()].filter((name) => !BLOCKS.some((b) => b.block !== root && b.block.byName.has(name))),
);

type Read = (sink: LineSink) => unknown;

function load(read: Read, diag: Diagnostics): LoadResult {
  const { value, sources, scriptLines } = bound(read, diag);
  validate(value, sources, diag);
  return { config: value, sources, diagnostics: diag, scriptLines };
}

// Each stage in a call of its own, returning only what the next needs: a frame
// holds what it was given until it returns, and a large file's lines, words and
// tree are worth letting go of (the GC copies every object it finds alive).

function bound(read: Read, diag: Diagnostics): BindResult<typeof root.spec> {
  return bindConfig(root, parsed(read, diag), diag, BLOCKS);
}

/** Each line goes into the word table as it is read, so that its text and words can go at once. */
function parsed(read: Read, diag: Diagnostics): ConfTree {
  const sink = new TableSink();
  read(sink);
  // the lexer's reports follow the reader's, in the order of a file read whole and then lexed
  diag.append(sink.lexed);
  return parseTable(sink.table, diag, { topLevel: TOP_LEVEL_ONLY });
}

/** The reader's lines into a word table: plain ones straight from the file's text, the others through the lexer. */
class TableSink implements LineSink {
  readonly table = new WordTable(4096);
  readonly lexed = new Diagnostics();
  private text: string | undefined;
  private textId = -1;
  private file: string | undefined;
  private fileId = -1;

  line(line: SourceText, indentOf: IndentOf): void {
    this.table.addWords(lexLine(line, this.lexed), indentOf);
  }

  plain(p: PlainLine, file: string, line: number, lineStart: number, indent: number): void {
    const { text } = p;
    if (text !== this.text) {
      this.text = text;
      this.textId = this.table.addText(text);
    }
    if (file !== this.file) {
      this.file = file;
      const known = this.table.fileCount;
      this.fileId = this.table.fileId(file);
      // a word and the blank after it take 6 characters or more, in a file of keepalived's keywords
      if (this.table.fileCount > known) this.table.reserve(text.length / 6);
    }
    this.table.addPlain(this.textId, this.fileId, line, lineStart, p, indent);
  }
}
