// Reads a configuration as keepalived's read_line() does (lib/parser.c;
// keepalived.conf(5) "ADVANCED CONFIGURATION"): files and their includes,
// comments, `@ID` conditional lines, `$NAME=` definitions and their use,
// `~SEQ`/`~LST` repetition, and the cut that puts every brace on a line of
// its own. What comes out is a flat list of lines, each a statement or a lone
// '{' or '}', every character still knowing where it was written.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Diagnostics } from './diagnostics.js';
import type { Code } from './codes/index.js';
import type { Loc } from './source.js';
import { lexLine } from './lexer.js';
import { SourceText } from './syntax/source-text.js';
import { CR, SPACE, TAB } from './syntax/chars.js';
import { blanksFrom, PlainLine, trimmedEnd } from './syntax/plain-line.js';
import { decomment, firstBrace } from './syntax/scan.js';
import { Definitions, definitionLine, type Definition } from './syntax/definitions.js';
import { parseRepeat } from './syntax/sequence.js';
import { ALL_CHECKS, CLASS_NAMES, READ, applyIncludeCheck, includeLine, resolveInclude, type CheckClass } from './syntax/include.js';

export interface ReadOptions {
  /** `-i/--config-id`, matched by `@ID` lines and given as ${_INSTANCE}; default the short host name */
  readonly configId: string;
  /** `-e/--all-config`: every include problem is fatal, as with `include_check` and no options */
  readonly includeCheck?: boolean;
  /** for text read from memory: where its relative includes and ${_PWD} lead (default the cwd) */
  readonly dir?: string;
  /** the source of ${_RANDOM} (default Math.random) */
  readonly random?: () => number;
  /** how many lines ~SEQ, ~LST and definitions may expand to before reading stops (default MAX_EXPANDED_LINES) */
  readonly maxLines?: number;
}

/** The indentation width (tabs to 8) of the line `loc` starts, when `loc` is where its text begins. */
export type IndentOf = (loc: Loc) => number | undefined;

export interface ReadResult {
  /** statements and lone braces, in order (none when they went to a LineSink) */
  readonly lines: readonly SourceText[];
  readonly indentOf: IndentOf;
}

/**
 * Takes each line as soon as it is read: load.ts cuts it into the word table
 * there, so that a large file's lines become garbage young instead of all
 * being held (and copied by the GC) until the last one is read.
 */
export interface LineSink {
  /** a line as the full reading cut it: a statement, or a lone brace */
  line(line: SourceText, indentOf: IndentOf): void;
  /** a plain line (syntax/plain-line.ts), taken as it stands in its file: `line` is its number, `indent` its indentation width */
  plain(p: PlainLine, file: string, line: number, lineStart: number, indent: number): void;
}

/** What readConfigText gives when no sink is passed: the lines, in order. */
class LineList implements LineSink {
  readonly lines: SourceText[] = [];

  line(line: SourceText): void {
    this.lines.push(line);
  }

  plain(p: PlainLine, file: string, line: number, lineStart: number): void {
    if (p.to > p.from) this.lines.push(SourceText.at(p.text.slice(p.from, p.to), { file, line, col: p.from - lineStart + 1 }));
    if (p.brace >= 0) this.lines.push(SourceText.at(p.text[p.brace]!, { file, line, col: p.brace - lineStart + 1 }));
  }
}

/** keepalived has no such limit; it guards against configurations that expand without end. */
export const MAX_EXPANDED_LINES = 5_000_000;
const MAX_DEPTH = 100;
/** keepalived reads lines into a 1 KiB buffer: a longer line is cut in two */
const KEEPALIVED_MAX_LINE = 1023;
/** shared by every line that pulls in no other lines */
const NO_LINES: readonly SourceText[] = [];
/** With `each`, every line goes to it as it is read instead of into `lines`. */
export function readConfigFile(path: string, opts: ReadOptions, diag: Diagnostics, each?: LineSink): ReadResult {
  const r = new Reader(opts, diag, each);
  let text: string;
  let real: string;
  try {
    text = readMainFile(path);
    real = realpathSync(path);
  } catch (e) {
    diag.report('TSKAD_F_CONFIG_UNREADABLE', `cannot read ${path}: ${(e as Error).message}`, { file: path, line: 1, col: 1 });
    return r.result();
  }
  r.readFile(text, { name: path, shownDir: dirname(path), dir: resolve(dirname(path)), real });
  return r.result();
}

/** The same reading of text from memory; `file` is the name its positions carry. */
export function readConfigText(text: string, file: string, opts: ReadOptions, diag: Diagnostics, each?: LineSink): ReadResult {
  const r = new Reader(opts, diag, each);
  r.readFile(text, { name: file, shownDir: opts.dir ?? '.', dir: resolve(opts.dir ?? '.'), real: undefined });
  return r.result();
}

function readMainFile(path: string): string {
  const st = statSync(path);
  if (st.isDirectory()) throw new Error('it is a directory');
  // keepalived skips an executable configuration file, as it skips such an include
  if (st.mode & 0o111) throw new Error('it is executable, and keepalived reads no executable configuration file');
  return readFileSync(path, 'utf8');
}

interface FileFrame {
  /** as positions show it */
  readonly name: string;
  /** the directory its includes are shown under */
  readonly shownDir: string;
  /** directory of relative includes and ${_PWD} */
  readonly dir: string;
  /** resolved path, for cycle detection; undefined for text from memory */
  readonly real: string | undefined;
}

class Reader {
  private readonly out = new LineList();
  /** the plain line being read */
  private readonly row = new PlainLine();
  private readonly defs: Definitions;
  private readonly files: FileFrame[] = [];
  /** per file, per line: where its text starts and its indentation width (numbers, not an object per line) */
  private readonly indents = new Map<string, { cols: number[]; widths: number[] }>();
  private readonly reported = new Set<string>();
  private checks: number;
  private pending: Definition | undefined;
  private steps = 0;
  private stopped = false;

  constructor(
    private readonly opts: ReadOptions,
    private readonly diag: Diagnostics,
    private readonly each: LineSink = this.out,
  ) {
    this.checks = opts.includeCheck ? ALL_CHECKS : 0;
    this.defs = new Definitions({
      dir: () => this.files[this.files.length - 1]!.dir,
      configId: opts.configId,
      random: opts.random ?? Math.random,
    });
  }

  result(): ReadResult {
    return { lines: this.out.lines, indentOf: this.indentOf };
  }

  private readonly indentOf: IndentOf = (loc) => {
    const l = this.indents.get(loc.file);
    return l && l.cols[loc.line - 1] === loc.col ? l.widths[loc.line - 1] : undefined;
  };

  readFile(text: string, frame: FileFrame): void {
    const { name } = frame;
    this.files.push(frame);
    const saved = this.checks;
    const layout = { cols: [] as number[], widths: [] as number[] };
    this.indents.set(name, layout);
    // row by row, not text.split('\n'): a large file's rows then need not all be held at once
    for (let start = 0, i = 0; start < text.length && !this.stopped; i++) {
      const nl = text.indexOf('\n', start);
      const stop = nl < 0 ? text.length : nl;
      const end = text.charCodeAt(stop - 1) === CR && stop > start ? stop - 1 : stop;
      // where the text starts, and the indentation width with tabs to the next multiple of 8
      let width = 0;
      let from = start;
      for (let c = text.charCodeAt(from); from < end && (c === SPACE || c === TAB); c = text.charCodeAt(++from)) width = c === TAB ? (width + 8) & ~7 : width + 1;
      layout.cols.push(from - start + 1);
      layout.widths.push(width);
      if (this.pending || !this.plain(text, name, i + 1, start, from, end, width)) this.physical(text.slice(start, end), { file: name, line: i + 1, col: 1 });
      start = stop + 1;
    }
    this.endDefinition();
    this.checks = saved;
    this.files.pop();
  }

  private report(code: Code, message: string, loc: Loc, hint?: string): void {
    // a line repeated by ~SEQ or a definition would report the same thing many times
    const key = `${code}\0${loc.file}\0${loc.line}\0${loc.col}\0${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diag.report(code, message, loc, hint);
  }

  /** One line of a file, as read. */
  private physical(row: string, loc: Loc): void {
    if (row.length > KEEPALIVED_MAX_LINE && Buffer.byteLength(row) > KEEPALIVED_MAX_LINE) {
      this.report('TSKAD_W_LONG_LINE', `a line of ${Buffer.byteLength(row)} bytes; keepalived reads ${KEEPALIVED_MAX_LINE} and takes the rest for a new line`, loc);
    }
    if (row === '') {
      if (this.pending?.multiline) this.report('TSKAD_W_DEFINITION_ENDED', `this empty line ends the multi-line definition of $${this.pending.name}`, loc, "remove the empty line, or end the definition's last line without '\\'");
      this.endDefinition();
      return;
    }
    const { text, continuation } = decomment(SourceText.at(row, loc));
    if (this.pending) {
      // a line of blanks or a comment neither adds to the definition nor ends it
      if (text.length) this.pending.lines.push(text);
      if (text.length && !continuation) this.endDefinition();
      return;
    }
    if (text.length) this.process(text, continuation, 0);
  }

  /**
   * A plain line (syntax/plain-line.ts) goes to the sink as it stands in the
   * file, as what the full path (decomment, expand, cut at the brace) would
   * make of it; false for any other line. The line is `text[lineStart, end)`,
   * its text starts at `from`.
   */
  private plain(text: string, file: string, line: number, lineStart: number, from: number, end: number, indent: number): boolean {
    if (end - lineStart > KEEPALIVED_MAX_LINE) return false;
    if (from === end) return true;
    const p = this.row;
    if (!p.scan(text, from, end)) return false;
    const lines = (p.to > from ? 1 : 0) + (p.brace >= 0 ? 1 : 0);
    // the full path reports where the expansion limit stops reading
    if (this.steps + lines > (this.opts.maxLines ?? MAX_EXPANDED_LINES)) return false;
    this.steps += lines;
    this.each.plain(p, file, line, lineStart, indent);
    return true;
  }

  private endDefinition(): void {
    // a "multi-line" definition that got no text is an ordinary empty one
    if (this.pending && this.pending.lines.length === 0) this.pending.multiline = false;
    this.pending = undefined;
  }

  /**
   * One logical line, then what follows a brace on it (read again as a line of
   * its own, as keepalived does), then the other lines of the multi-line
   * values it used, innermost first.
   */
  private process(line: SourceText, continuation: Loc | undefined, depth: number): void {
    if (this.stopped) return;
    if (depth > MAX_DEPTH) {
      this.stop(line.locAt(0), `definitions or ~SEQ/~LST nest more than ${MAX_DEPTH} deep (a definition that uses itself?)`);
      return;
    }
    const afters: Array<readonly SourceText[]> = [];
    let next: SourceText | undefined = line;
    let cont = continuation;
    while (next && !this.stopped) {
      const r = this.expand(next, cont, depth);
      cont = undefined;
      if (!r) break;
      if (r.more.length) afters.push(r.more);
      next = r.text.length ? this.statement(r.text) : undefined;
    }
    for (let k = afters.length - 1; k >= 0; k--) for (const l of afters[k]!) this.process(l, undefined, depth + 1);
  }

  /**
   * Conditionals, definitions, repetition and substitution, until the line
   * settles: what is left to read, and the other lines of multi-line values it
   * used; undefined when the line was used up (or dropped).
   */
  private expand(line: SourceText, continuation: Loc | undefined, depth: number): { text: SourceText; more: readonly SourceText[] } | undefined {
    let text = line;
    let more: readonly SourceText[] = NO_LINES;
    for (let round = 0; ; round++) {
      if (round > MAX_DEPTH) {
        this.report('TSKAD_E_DEFINITION_LOOP', 'the expansion of this line does not end; the line is dropped', line.locAt(0), 'a definition whose value starts with ~ and uses itself?');
        return undefined;
      }
      const kept = this.conditional(text);
      if (!kept) return undefined;
      text = kept;
      const def = definitionLine(text.text);
      if (def) {
        this.define(def.name, text.slice(def.valueAt), continuation !== undefined);
        return undefined;
      }
      if (text.startsWith('~SEQ') || text.startsWith('~LST')) {
        this.repeat(text, depth);
        return undefined;
      }
      if (text.startsWith('~') || !text.text.includes('$')) break;
      const sub = this.defs.substitute(text);
      if (sub.kind === 'none') break;
      if (sub.kind === 'runaway') {
        this.report('TSKAD_E_DEFINITION_LOOP', `the expansion of $${sub.name} does not end; the line is dropped`, sub.at, 'a definition that uses itself, directly or through others?');
        return undefined;
      }
      more = [...sub.more, ...more];
      text = decomment(sub.text).text;
    }
    if (continuation) this.report('TSKAD_W_TRAILING_BACKSLASH', "a trailing '\\' continues only a $NAME= definition; this line ends here", continuation);
    return { text, more };
  }

  /** `@ID rest` / `@^ID rest`: the rest if the config id matches (or, with '^', does not). */
  private conditional(line: SourceText): SourceText | undefined {
    let text = line;
    while (text.text[0] === '@') {
      const negate = text.text[1] === '^';
      const idAt = negate ? 2 : 1;
      const blank = text.text.slice(idAt).search(/[ \t]/);
      if (blank < 0) return undefined;
      const matches = text.text.slice(idAt, idAt + blank) === this.opts.configId;
      if (matches === negate) return undefined;
      const rest = idAt + blank + /^[ \t]*/.exec(text.text.slice(idAt + blank))![0].length;
      text = text.slice(rest);
    }
    return text;
  }

  private define(name: string, value: SourceText, multiline: boolean): void {
    const def = this.defs.define(name, value, multiline);
    if (multiline) this.pending = def;
  }

  private repeat(line: SourceText, depth: number): void {
    const spec = parseRepeat(line.text, (params) => {
      const sub = this.defs.substitute(SourceText.at(params, line.locAt(0)));
      if (sub.kind === 'none') return params;
      return sub.kind === 'done' && sub.more.length === 0 ? sub.text.text : undefined;
    });
    if ('error' in spec) {
      this.report('TSKAD_E_BAD_REPEAT', `invalid ${line.text.slice(0, 4)}: ${spec.error}; the line is dropped`, line.locAt(0));
      return;
    }
    const body = line.slice(spec.bodyAt);
    for (const values of spec.values) {
      if (this.stopped || !this.step(line)) return;
      spec.vars.forEach((v, i) => this.defs.define(v, SourceText.at(values[i]!, line.locAt(0)), false));
      if (body.length) this.process(body, undefined, depth + 1);
    }
  }

  /** A line after expansion: an include, or its text up to its first brace, and the brace; returns what follows the brace. */
  private statement(line: SourceText): SourceText | undefined {
    const inc = includeLine(line.text);
    if (inc) {
      this.include(line, inc.patternAt, inc.checks);
      return undefined;
    }
    const at = firstBrace(line.text, (i) => this.undefinedReference(line, i));
    if (at < 0) {
      this.emit(line);
      return undefined;
    }
    if (at > 0) this.emit(line.slice(0, trimmedEnd(line.text, at)));
    this.emit(line.slice(at, at + 1));
    const restAt = blanksFrom(line.text, at + 1);
    return restAt < line.length ? line.slice(restAt) : undefined;
  }

  /**
   * A `${NAME}` left after substitution: keepalived leaves it as written, and
   * then takes its braces for a block. Report it, and keep it as one word.
   */
  private undefinedReference(line: SourceText, brace: number): number | undefined {
    const text = line.text;
    if (brace === 0 || text[brace - 1] !== '$') return undefined;
    const m = /^\{([A-Za-z_][A-Za-z0-9_]*)[ 0-9]*\}/.exec(text.slice(brace));
    if (!m) return undefined;
    const ref = text.slice(brace - 1, brace + m[0].length);
    const why = this.defs.has(m[1]!)
      ? `${ref} cannot be used here (a multi-line definition only at the end of a line; only \${_RANDOM} takes numbers)`
      : `${ref} is not defined`;
    this.report('TSKAD_E_UNDEFINED_PARAMETER', `${why}; keepalived would take its braces for a block`, line.locAt(brace - 1), 'define it with $NAME=value before this line, or put the word in double quotes');
    return brace + m[0].length;
  }

  private emit(line: SourceText): void {
    if (!this.step(line)) return;
    this.each.line(line, this.indentOf);
    if (line.text.startsWith('include_check') && /^include_check([ \t]|$)/.test(line.text)) this.includeCheck(line);
  }

  /** Counts a line or a repetition against the expansion limit. */
  private step(line: SourceText): boolean {
    const max = this.opts.maxLines ?? MAX_EXPANDED_LINES;
    if (++this.steps <= max) return true;
    this.stop(line.locAt(0), `the configuration expands to more than ${max} lines`);
    return false;
  }

  private stop(at: Loc, why: string): void {
    this.stopped = true;
    this.report('TSKAD_F_EXPANSION_LIMIT', `${why}; reading stops here`, at);
  }

  /** `include_check` applies to the includes after it, until the end of its file (keepalived restores it there). */
  private includeCheck(line: SourceText): void {
    const words = lexLine(line).slice(1);
    const r = applyIncludeCheck(this.checks, words.map((w) => w.text));
    this.checks = r.checks;
    for (const e of r.errors) this.report('TSKAD_E_BAD_INCLUDE_CHECK', e, words[0]?.loc ?? line.locAt(0));
  }

  private include(line: SourceText, patternAt: number, variant: number): void {
    const pattern = line.text.slice(patternAt);
    const at = line.locAt(patternAt);
    const from = this.files[this.files.length - 1]!;
    const checks = this.checks | variant;
    const problem = (cls: CheckClass, message: string) => {
      if (checks & cls) this.report('TSKAD_F_INCLUDE_CHECK', `include: ${message}`, at, `fatal under include_check ${CLASS_NAMES[cls]}`);
      else this.report('TSKAD_W_INCLUDE_SKIPPED', `include: ${message}`, at);
    };
    const r = resolveInclude(pattern, from.dir, checks);
    for (const p of r.problems) problem(p.cls, p.message);
    for (const file of r.files) {
      if (this.stopped) return;
      const path = isAbsolute(file) ? file : join(from.dir, file);
      let text: string;
      let real: string;
      try {
        real = realpathSync(path);
        text = readFileSync(path, 'utf8');
      } catch (e) {
        problem(READ, `'${file}' cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}) - skipped`);
        continue;
      }
      if (this.files.some((f) => f.real === real)) {
        this.report('TSKAD_E_INCLUDE_CYCLE', `include: '${file}' is already being read (${this.files.map((f) => f.name).join(' -> ')}); not read again`, at);
        continue;
      }
      const name = isAbsolute(file) ? file : join(from.shownDir, file);
      this.readFile(text, { name, shownDir: dirname(name), dir: dirname(path), real });
    }
  }
}
