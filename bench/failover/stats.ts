// The few statistics the bench reports: median, worst and percentiles of a
// sample, and the advert periods a master's adverts make on the wire.

/** The q-quantile (0…1) by linear interpolation between the nearest ranks; NaN for no samples. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/** the largest sample: the slowest failover */
export const worst = (xs: readonly number[]): number => (xs.length ? Math.max(...xs) : Number.NaN);

export interface Stamped {
  readonly at: number;
  readonly source: string;
  readonly priority: number;
}

/**
 * The gaps, ms, between one sender's consecutive adverts while it is master
 * (RFC 5798 §6.4.3: one every Advertisement_Interval). A gap of two
 * intervals or more spans a change of master — a backup waits at least
 * three (§6.1) — and the priority-0 advert of a shutdown is no period.
 */
export function advertPeriods(adverts: readonly Stamped[], intervalMs: number): number[] {
  const lastBy = new Map<string, number>();
  const periods: number[] = [];
  for (const a of adverts) {
    if (a.priority === 0) continue;
    const last = lastBy.get(a.source);
    if (last !== undefined && a.at - last < 2 * intervalMs) periods.push(a.at - last);
    lastBy.set(a.source, a.at);
  }
  return periods;
}
