// Diagnostics are collected, never thrown, so `tskad -t` reports every problem
// of a configuration at once, each with its place and a stable code.
import { formatLoc, type Loc } from './source.js';
import { CODES, type Code } from './codes/index.js';
import type { Severity } from './codes/define.js';

export type { Severity };

export interface Diagnostic {
  readonly code: Code;
  readonly severity: Severity;
  readonly message: string;
  readonly loc?: Loc;
  /** e.g. a did-you-mean, or how to fix it */
  readonly hint?: string;
}

export class Diagnostics {
  readonly items: Diagnostic[] = [];

  report(code: Code, message: string, loc?: Loc, hint?: string): void {
    this.items.push({ code, severity: CODES[code].severity, message, loc, hint });
  }

  /** Another collection's reports, after these ones, in their order. */
  append(other: Diagnostics): void {
    for (const d of other.items) this.items.push(d);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error' || d.severity === 'fatal');
  }

  get hasFatal(): boolean {
    return this.items.some((d) => d.severity === 'fatal');
  }

  /** Sorted by place, then by the order found: the order an operator reads a file in. */
  sorted(): Diagnostic[] {
    const key = (d: Diagnostic) => (d.loc ? [d.loc.file, d.loc.line, d.loc.col] as const : ['', 0, 0] as const);
    return this.items
      .map((d, i) => ({ d, i }))
      .sort((a, b) => {
        const [fa, la, ca] = key(a.d);
        const [fb, lb, cb] = key(b.d);
        return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb || a.i - b.i;
      })
      .map(({ d }) => d);
  }
}

export const formatDiagnostic = (d: Diagnostic): string => {
  const where = d.loc ? `${formatLoc(d.loc)}: ` : '';
  const hint = d.hint ? ` (${d.hint})` : '';
  return `${where}${d.severity}: ${d.message}${hint} [${d.code}]`;
};
