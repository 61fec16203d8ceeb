// Parameter substitution (keepalived.conf(5) "Parameter substitution",
// "Pre-defined definitions"): `$NAME=VALUE` defines, `$NAME` (followed by a
// blank, ',', ')' or the end of the line) and `${NAME}` use. Values are
// expanded when used, not when defined, and the expansion is scanned again, so
// definitions may refer to later ones. An undefined name stays as written.
import type { Loc } from '../source.js';
import { SourceText } from './source-text.js';

export interface Definition {
  readonly name: string;
  /** the value's lines: one, unless the definition is multi-line */
  readonly lines: SourceText[];
  /** defined with a trailing '\': usable only at the end of a line, where its lines follow */
  multiline: boolean;
}

/** Values keepalived computes at each use. */
export interface Builtins {
  /** ${_PWD}: the directory of the file being read */
  readonly dir: () => string;
  /** ${_INSTANCE}: the config id */
  readonly configId: string;
  /** a number in [0, 1), for ${_RANDOM} */
  readonly random: () => number;
}

export type Substitution =
  | { readonly kind: 'none' }
  | { readonly kind: 'done'; readonly text: SourceText; readonly more: readonly SourceText[] }
  | { readonly kind: 'runaway'; readonly name: string; readonly at: Loc };

/** A reference to a name at `$`: its extent, name and numeric parameters. */
export interface Reference {
  readonly end: number;
  readonly name: string;
  readonly braces: boolean;
  readonly params?: readonly number[];
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const DEFINITION = /^\$([A-Za-z_][A-Za-z0-9_]*)=[ \t]*/;
/** keepalived's own line limit is 1 KiB; these only stop definitions that use themselves */
const MAX_LINE = 1 << 14;
const MAX_STEPS = 1000;

/** `$NAME=value` (no blank before '='): the name and where the value starts. */
export function definitionLine(text: string): { name: string; valueAt: number } | undefined {
  if (text[0] !== '$') return undefined;
  const m = DEFINITION.exec(text);
  return m ? { name: m[1]!, valueAt: m[0].length } : undefined;
}

/** The reference starting at text[i] === '$', if its shape is one keepalived replaces. */
export function referenceAt(text: string, i: number): Reference | undefined {
  const braces = text[i + 1] === '{';
  NAME.lastIndex = i + (braces ? 2 : 1);
  const m = NAME.exec(text);
  if (!m) return undefined;
  let p = NAME.lastIndex;
  if (!braces) return p === text.length || ' \t,)'.includes(text[p]!) ? { end: p, name: m[0], braces } : undefined;
  const paramsAt = p;
  while (text[p] === ' ' || (text[p]! >= '0' && text[p]! <= '9')) p++;
  if (text[p] !== '}') return undefined;
  const raw = text.slice(paramsAt, p);
  // parameters may not end in a blank (but blanks alone are no parameters)
  if (/\d/.test(raw) && raw.endsWith(' ')) return undefined;
  const params = raw.trim() ? raw.trim().split(/ +/).map(Number) : undefined;
  return { end: p + 1, name: m[0], braces, ...(params ? { params } : {}) };
}

interface Builtin {
  readonly maxParams: number;
  readonly value: (params: readonly number[]) => string;
}

export class Definitions {
  private readonly table = new Map<string, Definition>();
  private readonly builtins: Map<string, Builtin>;

  constructor(b: Builtins) {
    this.builtins = new Map<string, Builtin>([
      ['_PWD', { maxParams: 0, value: () => b.dir() }],
      ['_INSTANCE', { maxParams: 0, value: () => b.configId }],
      ['_RANDOM', { maxParams: 2, value: ([min = 0, max = 32767]) => String(min + Math.floor(b.random() * Math.max(1, max - min + 1))) }],
      ['_HASH', { maxParams: 0, value: () => '#' }],
      ['_BANG', { maxParams: 0, value: () => '!' }],
    ]);
  }

  /** Defines (or redefines, even a predefined name) `name`; more lines may be pushed onto a multi-line one. */
  define(name: string, first: SourceText, multiline: boolean): Definition {
    const def: Definition = { name, lines: first.text ? [first] : [], multiline };
    this.table.set(name, def);
    this.builtins.delete(name);
    return def;
  }

  /** What a reference is replaced with; undefined: it stays as written. */
  private lookup(ref: Reference, atEnd: boolean): Definition | Builtin | undefined {
    const def = this.table.get(ref.name);
    if (def) return ref.params || (def.multiline && !atEnd) ? undefined : def;
    const b = this.builtins.get(ref.name);
    return b && !(ref.params?.length && b.maxParams === 0) ? b : undefined;
  }

  /** Whether `name` is defined (whether or not a given use of it is replaced). */
  has(name: string): boolean {
    return this.table.has(name) || this.builtins.has(name);
  }

  /**
   * Replaces every reference, rescanning each replacement (so values may use
   * other names). A multi-line value's first line takes the reference's place;
   * its other lines are returned in `more`, to be read after this one. As in
   * keepalived, scanning stops after a value starting with '~' (a ~SEQ is
   * expanded as a line of its own).
   */
  substitute(line: SourceText): Substitution {
    let text = line;
    let more: SourceText[] = [];
    let steps = 0;
    let i = text.text.indexOf('$');
    while (i >= 0 && i < text.length - 1) {
      const ref = referenceAt(text.text, i);
      const found = ref && this.lookup(ref, ref.end === text.length);
      if (!ref || !found) {
        i = text.text.indexOf('$', i + 1);
        continue;
      }
      if (++steps > MAX_STEPS || text.length > MAX_LINE) return { kind: 'runaway', name: ref.name, at: line.locAt(line.text.indexOf('$')) };
      let first: SourceText;
      if ('lines' in found) {
        first = found.lines[0] ?? SourceText.at('', text.locAt(i));
        if (found.multiline) more = [...found.lines.slice(1), ...more];
      } else first = SourceText.at(found.value(ref.params ?? []), text.locAt(i));
      text = text.splice(i, ref.end, first);
      if (/^[ \t]*~/.test(first.text)) break;
      i = text.text.indexOf('$', i);
    }
    return steps === 0 ? { kind: 'none' } : { kind: 'done', text, more };
  }
}
