// Text that remembers where each of its characters was written. Expansion
// splices text from several places into one line (`$NAME` values, `~SEQ`
// bodies, multi-line definitions); every word the lexer cuts from it must
// still point at the file:line:col of its original characters.
import type { Loc } from '../source.js';

/** From offset `at` on (up to the next span), the characters were written at file:line, from col on. */
export interface Span extends Loc {
  readonly at: number;
}

/** What the lexer needs of a line: its text and where each character came from. */
export interface SourceLine {
  readonly text: string;
  /** where text[0] was written */
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** for spliced text: where each part was written, by increasing offset (the first at 0); absent for text from one place */
  readonly spans?: readonly Span[];
}

/** The index of the span holding offset i: the last one starting at or before it. */
function spanIndex(spans: readonly Span[], i: number): number {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (spans[mid]!.at <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The span starting at offset `at` that continues `s` from there. */
const from = (s: Span, at: number, shift = 0): Span => ({ at: at + shift, file: s.file, line: s.line, col: s.col + (at - s.at) });

/** The place of character `i` of a line (i may be text.length: just after the end). */
export function locator(src: SourceLine): (i: number) => Loc {
  if (src instanceof SourceText) return (i) => src.locAt(i);
  const spans = src.spans;
  if (!spans || spans.length <= 1) {
    const s = spans?.[0] ?? { at: 0, file: src.file, line: src.line, col: src.col };
    return (i) => ({ file: s.file, line: s.line, col: s.col + i - s.at });
  }
  return (i) => {
    const s = spans[spanIndex(spans, i)]!;
    return { file: s.file, line: s.line, col: s.col + i - s.at };
  };
}

export class SourceText implements SourceLine {
  /**
   * Text from one place (nearly every line) keeps just that place, in
   * file/line/col; spans exist only for spliced text. Reading a large file
   * makes several of these per line, so the common case allocates no arrays.
   */
  private constructor(
    readonly text: string,
    readonly file: string,
    readonly line: number,
    readonly col: number,
    private readonly spliced: readonly Span[] | undefined,
  ) {}

  /** Text written in one place, starting at `loc`. */
  static at(text: string, loc: Loc): SourceText {
    return new SourceText(text, loc.file, loc.line, loc.col, undefined);
  }

  /** Pieces in order, each keeping its own places. */
  static join(parts: readonly SourceText[]): SourceText {
    const nonEmpty = parts.filter((p) => p.text.length > 0);
    if (nonEmpty.length <= 1) return nonEmpty[0] ?? parts[0] ?? SourceText.at('', { file: '', line: 0, col: 0 });
    const spans: Span[] = [];
    let text = '';
    for (const p of nonEmpty) {
      for (const s of p.spans) spans.push(from(s, s.at, text.length));
      text += p.text;
    }
    return SourceText.ofSpans(text, spans);
  }

  private static ofSpans(text: string, spans: readonly Span[]): SourceText {
    const first = spans[0]!;
    return new SourceText(text, first.file, first.line, first.col, spans.length > 1 ? spans : undefined);
  }

  /** where each part was written, by increasing offset (the first at 0) */
  get spans(): readonly Span[] {
    return this.spliced ?? [{ at: 0, file: this.file, line: this.line, col: this.col }];
  }

  get length(): number {
    return this.text.length;
  }

  locAt(i: number): Loc {
    if (!this.spliced) return { file: this.file, line: this.line, col: this.col + i };
    const s = this.spliced[spanIndex(this.spliced, i)]!;
    return { file: s.file, line: s.line, col: s.col + i - s.at };
  }

  slice(start: number, end = this.text.length): SourceText {
    const a = Math.max(0, Math.min(start, this.text.length));
    const b = Math.max(a, Math.min(end, this.text.length));
    if (a === 0 && b === this.text.length) return this;
    if (!this.spliced) return new SourceText(this.text.slice(a, b), this.file, this.line, this.col + a, undefined);
    const spans = this.spliced;
    const first = spanIndex(spans, a);
    const kept: Span[] = [from(spans[first]!, a, -a)];
    for (let k = first + 1; k < spans.length && spans[k]!.at < b; k++) kept.push(from(spans[k]!, spans[k]!.at, -a));
    return SourceText.ofSpans(this.text.slice(a, b), kept);
  }

  /** `this[0..start) + replacement + this[end..)` */
  splice(start: number, end: number, replacement: SourceText): SourceText {
    return SourceText.join([this.slice(0, start), replacement, this.slice(end)]);
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s);
  }
}
