// The file-name patterns of `include`: glob(3) as keepalived calls it
// (GLOB_BRACE | GLOB_MARK, lib/parser.c open_and_check_glob), with the
// bookkeeping keepalived adds through GLOB_ALTDIRFUNC: which literal paths are
// missing and which directories cannot be listed, so that `include_check`
// can tell "no such file" from "the wildcard matched nothing".
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

export interface GlobResult {
  /** matches in order, as written relative to the pattern; directories end in '/' (GLOB_MARK) */
  readonly paths: readonly string[];
  /** literal paths that do not exist, and directories that could not be listed */
  readonly missing: readonly string[];
  /** a wildcard was matched against a directory listing */
  readonly wildcard: boolean;
}

/**
 * csh brace expansion, as glob(3) does it with GLOB_BRACE: `a{b,{c,d}}e` is
 * abe ace ade, in that order. A `{` without its `}` is an ordinary character.
 */
export function expandBraces(pattern: string): string[] {
  const open = findUnescaped(pattern, '{', 0);
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === ',' && depth === 1) commas.push(i);
    else if (c === '}' && --depth === 0) {
      const head = pattern.slice(0, open);
      const tail = pattern.slice(i + 1);
      const cuts = [open, ...commas, i];
      return cuts.slice(1).flatMap((end, k) => expandBraces(head + pattern.slice(cuts[k]! + 1, end) + tail));
    }
  }
  // no closing brace: the '{' is literal, but later braces may still pair up
  const rest = expandBraces(pattern.slice(open + 1));
  return rest.map((r) => `${pattern.slice(0, open + 1)}${r}`);
}

export function hasBrace(pattern: string): boolean {
  return findUnescaped(pattern, '{', 0) >= 0;
}

/** Every brace alternative globbed in turn, each one's matches sorted (glob(3) appends them). */
export function glob(pattern: string, cwd: string): GlobResult {
  const paths: string[] = [];
  const missing: string[] = [];
  let wildcard = false;
  for (const alt of expandBraces(pattern)) {
    const r = globOne(alt, cwd);
    paths.push(...r.paths);
    missing.push(...r.missing);
    wildcard ||= r.wildcard;
  }
  return { paths, missing, wildcard };
}

const MAGIC = /(^|[^\\])[*?[]/;

function globOne(pattern: string, cwd: string): GlobResult {
  const missing: string[] = [];
  let wildcard = false;
  const abs = (rel: string) => (isAbsolute(rel) ? rel : join(cwd, rel));
  const parts = pattern.split('/');
  // candidates as written: '' for "relative to cwd", '/' for the root
  let found: string[] = [pattern.startsWith('/') ? '/' : ''];
  const joinRel = (dir: string, name: string) => (dir === '' ? name : dir.endsWith('/') ? dir + name : `${dir}/${name}`);
  parts.forEach((part, k) => {
    if (part === '' && (k === 0 || k < parts.length - 1)) return;
    if (!MAGIC.test(part)) {
      found = found.map((d) => joinRel(d, unescape(part)));
      return;
    }
    const match = matcher(part);
    const next: string[] = [];
    for (const dir of found) {
      let names: string[];
      try {
        names = readdirSync(abs(dir || '.'));
      } catch {
        missing.push(dir || '.');
        continue;
      }
      wildcard = true;
      for (const n of names.filter(match).sort()) next.push(joinRel(dir, n));
    }
    found = next;
  });
  const last = parts[parts.length - 1] ?? '';
  if (!MAGIC.test(last)) {
    // a literal last part: keep only what exists (glob(3) lstat()s it)
    found = found.filter((p) => {
      try {
        lstatSync(abs(p));
        return true;
      } catch {
        missing.push(p);
        return false;
      }
    });
  }
  return { paths: found.map((p) => (p !== '' && isDirectory(abs(p)) && !p.endsWith('/') ? `${p}/` : p)), missing, wildcard };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function findUnescaped(s: string, ch: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ch) return i;
  }
  return -1;
}

const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

/** fnmatch(3) of one path component; a leading '.' must be matched by a literal '.'. */
function matcher(part: string): (name: string) => boolean {
  let re = '';
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === '\\' && i + 1 < part.length) re += escapeRe(part[++i]!);
    else if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = bracketEnd(part, i);
      if (close < 0) re += '\\[';
      else {
        let body = part.slice(i + 1, close);
        const negate = body.startsWith('!') || body.startsWith('^');
        if (negate) body = body.slice(1);
        re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
        i = close;
      }
    } else re += escapeRe(c);
  }
  const rx = new RegExp(`^${re}$`, 's');
  const dotOk = part.startsWith('.');
  return (name) => (dotOk || !name.startsWith('.')) && rx.test(name);
}

/** The ']' closing the bracket expression at `open` ('[]...]' and '[!]...]' take the first ']' literally). */
function bracketEnd(part: string, open: number): number {
  let i = open + 1;
  if (part[i] === '!' || part[i] === '^') i++;
  if (part[i] === ']') i++;
  const close = part.indexOf(']', i);
  return close;
}

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
