// The shape of a stable diagnostic code. Codes are grouped by the stage that
// reports them, one file per stage; docs/errors.md is generated from them all.
export type Severity = 'fatal' | 'error' | 'warning' | 'info';

export interface CodeInfo {
  readonly severity: Severity;
  /** one line: what happened */
  readonly summary: string;
  /** a few sentences for docs/errors.md: why it matters and how to fix it */
  readonly help: string;
}

export const codes = <const T extends Record<string, CodeInfo>>(table: T): T => table;
