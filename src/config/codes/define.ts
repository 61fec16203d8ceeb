// The shape of a stable diagnostic code. Codes are grouped by the stage that
// reports them, one file per stage; docs/errors.md is generated from them all.
export type Severity = 'fatal' | 'error' | 'warning' | 'info';

export interface CodeInfo {
  readonly severity: Severity;
  /** one line: what happened */
  readonly summary: string;
  /** a few sentences for docs/errors.md: why it matters and how to fix it */
  readonly help: string;
  /**
   * What `keepalived -t` 2.2.7 exits with for the same condition, where that is
   * not what the severity implies (fatal 4, error and warning 5, info 0): 0 for
   * advice keepalived does not give, 6 for script security. `-t` must agree.
   */
  readonly testExit?: 0 | 4 | 5 | 6;
}

export const codes = <const T extends Record<string, CodeInfo>>(table: T): T => table;
