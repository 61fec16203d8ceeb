// Repeated lines (keepalived.conf(5) "Sequence blocks", "List blocks"):
// `~SEQ(var, start, step, end) rest`, `~SEQx(...)` in hex, and
// `~LST(var, v1, v2...)` / `~LST({a,b}, {1,2}, {3,4}) rest` read `rest` once
// per value, with the variables defined to it. Parsed as keepalived parses
// them (lib/parser.c add_seq, add_lst), numbers as strtol(3) base 0 reads them.

export interface Repeat {
  readonly vars: readonly string[];
  /** one entry per repetition: a value for each variable */
  readonly values: Iterable<readonly string[]>;
  /** where the repeated text starts */
  readonly bodyAt: number;
}

export type RepeatResult = Repeat | { readonly error: string };

const VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The `~SEQ`/`~SEQx`/`~LST` spec at the start of `text`, or why it is not one. */
export function parseRepeat(text: string, expandParams: (params: string) => string | undefined): RepeatResult {
  return text.startsWith('~SEQ') ? parseSeq(text, expandParams) : parseLst(text);
}

/** A cursor over the spec, with keepalived's " \t" skipping. */
class Cursor {
  constructor(
    readonly s: string,
    public p: number,
  ) {}

  get c(): string | undefined {
    return this.s[this.p];
  }

  blanks(): this {
    while (this.c === ' ' || this.c === '\t') this.p++;
    return this;
  }

  /** text up to (not including) any of `stops` */
  until(stops: string): string {
    const from = this.p;
    while (this.p < this.s.length && !stops.includes(this.c!)) this.p++;
    return this.s.slice(from, this.p);
  }

  eat(ch: string): boolean {
    if (this.c !== ch) return false;
    this.p++;
    return true;
  }
}

function parseSeq(text: string, expandParams: (params: string) => string | undefined): RepeatResult {
  const cur = new Cursor(text, 4);
  const hex = cur.eat('x');
  if (!cur.blanks().eat('(')) return { error: "'(' must follow ~SEQ" };
  const v = cur.blanks().until(' \t,)');
  if (!VAR.test(v)) return { error: `'${v}' is not a parameter name` };
  if (!cur.blanks().eat(',')) return { error: 'a ~SEQ needs (var, [start, [step,]] end)' };
  const close = text.indexOf(')', cur.p);
  if (close < 0) return { error: "the ~SEQ has no closing ')'" };
  const params = expandParams(text.slice(cur.p, close));
  if (params === undefined) return { error: 'a ~SEQ parameter may not be a multi-line definition' };
  const nums: number[] = [];
  const pc = new Cursor(params, 0);
  for (;;) {
    const [n, next] = strtol(params, pc.p);
    nums.push(n);
    pc.p = next;
    pc.blanks();
    if (pc.p >= params.length) break;
    if (!pc.eat(',') || nums.length === 3) return { error: `'${params}' is not [start, [step,]] end` };
  }
  const range = seqRange(nums);
  if ('error' in range) return range;
  if (hex && (range.start < 0 || range.end < 0)) return { error: '~SEQx takes no negative numbers' };
  const bodyAt = new Cursor(text, close + 1).blanks().p;
  return { vars: [v], values: seqValues(range, hex), bodyAt };
}

interface Range {
  readonly start: number;
  readonly step: number;
  readonly end: number;
}

/** (end), (start, end) or (start, step, end), with keepalived's defaults for the missing ones. */
function seqRange(nums: readonly number[]): Range | { error: string } {
  const [a, b, c] = nums as [number, number?, number?];
  if (b === undefined) return { start: a < 0 ? -1 : 1, step: a < 1 ? -1 : 1, end: a };
  if (c === undefined) return { start: a, step: a <= b ? 1 : -1, end: b };
  if (b === 0 || (a < c && b < 0) || (a > c && b > 0)) return { error: `step ${b} never gets from ${a} to ${c}` };
  return { start: a, step: b, end: c };
}

function* seqValues(r: Range, hex: boolean): Generator<readonly string[]> {
  for (let v = r.start; r.step > 0 ? v <= r.end : v >= r.end; v += r.step) yield [hex ? v.toString(16) : String(v)];
}

/** strtol(s + i, &end, 0): leading blanks, a sign, 0x hex, 0 octal; no digits reads 0 and moves nowhere. */
export function strtol(s: string, i: number): [number, number] {
  let p = i;
  while (p < s.length && ' \t\n\r\f\v'.includes(s[p]!)) p++;
  const sign = s[p] === '-' ? -1 : 1;
  if (s[p] === '-' || s[p] === '+') p++;
  let digits = /^[0-9]+/;
  let base = 10;
  if (s[p] === '0' && (s[p + 1] === 'x' || s[p + 1] === 'X') && /[0-9a-fA-F]/.test(s[p + 2] ?? '')) {
    base = 16;
    digits = /^[0-9a-fA-F]+/;
    p += 2;
  } else if (s[p] === '0') {
    base = 8;
    digits = /^[0-7]+/;
  }
  const m = digits.exec(s.slice(p));
  if (!m) return [0, i];
  return [sign * parseInt(m[0], base), p + m[0].length];
}

function parseLst(text: string): RepeatResult {
  const cur = new Cursor(text, 4);
  if (!cur.blanks().eat('(')) return { error: "'(' must follow ~LST" };
  cur.blanks();
  const vars = readGroup(cur, ' \t,})');
  if ('error' in vars) return vars;
  if (!cur.eat(',')) return { error: 'a ~LST needs values after its variables' };
  cur.blanks();
  const sets: string[][] = [];
  for (;;) {
    const set = readGroup(cur, ' \t,})', vars.items.length);
    if ('error' in set) return set;
    sets.push([...set.items, ...Array<string>(vars.items.length - set.items.length).fill('')]);
    if (cur.eat(')')) break;
    if (!cur.eat(',')) return { error: "values must be separated by ',' and end with ')'" };
    cur.blanks();
  }
  const bad = vars.items.find((v) => !VAR.test(v));
  if (bad !== undefined) return { error: `'${bad}' is not a parameter name` };
  return { vars: vars.items, values: sets, bodyAt: cur.blanks().p };
}

/**
 * One item or a `{a, b}` group of them. A lone item ends at ',' (or ')' for
 * values); a group at its '}'. `max` limits a group's size.
 */
function readGroup(cur: Cursor, stops: string, max = Infinity): { items: string[] } | { error: string } {
  const group = cur.eat('{');
  if (group) cur.blanks();
  const items: string[] = [];
  for (;;) {
    items.push(cur.until(stops));
    cur.blanks();
    if (group ? cur.eat('}') : cur.c === ',' || cur.c === ')') break;
    if (!group || !cur.eat(',')) return { error: `unexpected '${cur.c ?? 'end of line'}' in ~LST` };
    if (items.length >= max) return { error: `more values than the ~LST has variables` };
    cur.blanks();
  }
  if (group) cur.blanks();
  return { items };
}
