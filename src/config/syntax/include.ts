// `include PATTERN` and its checked variants (keepalived.conf(5) "include";
// lib/parser.c check_include, open_and_check_glob, check_glob_file). What a
// pattern matched, and which of its problems count: each problem belongs to
// one check class, and it is fatal only when that class is enabled by `-e`,
// `include_check` (global_defs) or the variant's letter; otherwise keepalived
// logs it and carries on.
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { glob, hasBrace } from './glob.js';

/** include_check classes (bit flags, as keepalived keeps them) */
export const READ = 1;
export const MATCH = 2;
export const WILDCARD = 4;
export const BRACE = 8;
export const ALL_CHECKS = READ | MATCH | WILDCARD | BRACE;

export type CheckClass = typeof READ | typeof MATCH | typeof WILDCARD | typeof BRACE;

export const CLASS_NAMES: Record<CheckClass, string> = {
  [READ]: 'read',
  [MATCH]: 'match',
  [WILDCARD]: 'wildcard_match',
  [BRACE]: 'brace_match',
};

/** includer/includem/... : the checks each variant adds (r, a, w always; m, b need GLOB_ALTDIRFUNC, which glibc has) */
const VARIANTS: Record<string, number> = {
  '': 0,
  r: READ,
  m: READ | MATCH,
  w: READ | MATCH | WILDCARD,
  b: READ | BRACE,
  a: ALL_CHECKS,
};

export interface IncludeLine {
  /** the checks the variant adds */
  readonly checks: number;
  /** offset of the pattern in the line: the rest of the line, verbatim */
  readonly patternAt: number;
}

/** `include[rmwba] PATTERN`, recognised like keepalived: the keyword, then whitespace. */
export function includeLine(text: string): IncludeLine | undefined {
  if (!text.startsWith('include')) return undefined;
  const m = /^include([rmwba]?)[ \t\f\v\r\n]+/.exec(text);
  if (!m || m[0].length === text.length) return undefined;
  return { checks: VARIANTS[m[1]!]!, patternAt: m[0].length };
}

export interface IncludeProblem {
  readonly cls: CheckClass;
  readonly message: string;
}

export interface Resolved {
  /** files to read, in order: path as written (relative to the including file's directory) */
  readonly files: readonly string[];
  readonly problems: readonly IncludeProblem[];
}

/**
 * What `pattern` includes, seen from directory `dir`, under the enabled
 * `checks`. Problems of every class are listed; the caller decides, by class,
 * whether each is fatal. A brace pattern with a missing alternative includes
 * nothing when brace_match is enabled.
 */
export function resolveInclude(pattern: string, dir: string, checks: number): Resolved {
  const r = glob(pattern, dir);
  const problems: IncludeProblem[] = [];
  const brace = hasBrace(pattern);
  if (r.paths.length === 0) {
    if (r.missing.length) problems.push({ cls: brace ? BRACE : MATCH, message: `no file matches '${pattern}' (missing: ${r.missing.join(', ')})` });
    else if (r.wildcard && checks & WILDCARD) problems.push({ cls: WILDCARD, message: `no file matches '${pattern}'` });
    return { files: [], problems };
  }
  if (r.missing.length) {
    problems.push({ cls: BRACE, message: `some files of '${pattern}' are missing: ${r.missing.join(', ')}` });
    if (checks & BRACE) return { files: [], problems };
  }
  const files: string[] = [];
  for (const path of r.paths) {
    const why = unusable(path, isAbsolute(path) ? path : join(dir, path));
    if (why) problems.push({ cls: READ, message: `'${path}' ${why} - skipped` });
    else files.push(path);
  }
  return { files, problems };
}

/** keepalived reads only readable regular files that nobody may execute. */
function unusable(shown: string, path: string): string | undefined {
  if (shown.endsWith('/')) return 'is a directory';
  try {
    const st = statSync(path);
    if (!st.isFile()) return 'is not a regular file';
    if (st.mode & 0o111) return 'is executable, and keepalived reads no executable configuration file';
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (e) {
    return `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
}

/**
 * `include_check [[+|-]CLASS ...]` (keepalived.conf(5) global_defs): no word
 * enables every check; a bare word sets READ plus that class (only as the
 * first word); `+x`/`-x` add or remove one. keepalived's code knows `read`;
 * its manual says `readable`, so both are taken.
 */
export function applyIncludeCheck(current: number, words: readonly string[]): { checks: number; errors: string[] } {
  if (words.length === 0) return { checks: ALL_CHECKS, errors: [] };
  const errors: string[] = [];
  let checks = current;
  words.forEach((word, i) => {
    const sign = word[0] === '+' || word[0] === '-' ? word[0] : '';
    if (!sign && i > 0) {
      errors.push(`a second include_check setting '${word}' is ignored; use +${word} or -${word}`);
      return;
    }
    if (!sign) checks = 0;
    const cls = CLASS_BY_NAME[word.slice(sign.length)];
    if (cls === undefined) {
      errors.push(`unknown include_check class '${word.slice(sign.length)}' (read, match, wildcard_match or brace_match)`);
      return;
    }
    if (sign === '+') checks |= cls;
    else if (sign === '-') checks &= ~cls;
    else checks = READ | cls;
  });
  return { checks, errors };
}

const CLASS_BY_NAME: Record<string, number> = {
  read: READ,
  readable: READ,
  match: MATCH,
  wildcard_match: WILDCARD,
  brace_match: BRACE,
};
