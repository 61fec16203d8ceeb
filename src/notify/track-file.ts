// track_file (keepalived.conf(5) "track_file"; keepalived 2.2.7
// trackers/track_file.c). Pure: the number a tracked file holds, and what it
// does to an instance tracking it.
//
// The file holds an integer, read as C's strtol(…, 0) reads it: leading
// blanks, a sign, 0x… hex, 0… octal, and whatever follows ignored. An empty,
// unreadable or missing file is 0; a number beyond 32 bits is ignored (the
// last value stays).
//
// Weight 0: a non-zero value is a FAULT (with `reverse`: a zero value).
// Otherwise value × weight (× -1 with `reverse`) is added to the priority,
// capped at 253; at or below -254 the instance is in FAULT.
import type { TrackedWeight } from './tracking.js';

const INT32_MIN = -(2 ** 31);
/** keepalived accepts one more than INT32_MAX (its bound check is off by one) */
const INT32_LIMIT = 2 ** 31;
/** products at or below this are a FAULT (vrrp_track: status -254) */
const FAULT_AT = -254;
const MAX_ADDED = 253;

/** strtol(text, NULL, 0), or undefined when the number does not fit keepalived's range. */
export function parseTrackValue(text: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)?/.exec(text)!;
  const digits = m[2];
  if (digits === undefined) return 0;
  const magnitude = /^0[xX]/.test(digits) ? BigInt(digits) : digits.startsWith('0') ? BigInt(`0o${digits.slice(1) || '0'}`) : BigInt(digits);
  const value = m[1] === '-' ? -magnitude : magnitude;
  return value < BigInt(INT32_MIN) || value > BigInt(INT32_LIMIT) ? undefined : Number(value);
}

export interface FileContribution {
  readonly weight: number;
  readonly fault: boolean;
}

export function fileContribution(t: Pick<TrackedWeight, 'weight' | 'reverse'>, value: number): FileContribution {
  if (t.weight === 0) return { weight: 0, fault: (value !== 0) !== t.reverse };
  const product = value * t.weight * (t.reverse ? -1 : 1);
  if (product <= FAULT_AT) return { weight: 0, fault: true };
  return { weight: Math.min(product, MAX_ADDED), fault: false };
}

/** The fault reason a file gives, as the FSM's FAULT set holds it. */
export const fileFault = (t: TrackedWeight): string => `track_file ${t.name}`;

export interface FilesResult {
  readonly weight: number;
  readonly faults: readonly string[];
}

/** The weight and faults of an instance's tracked files, given each file's value. */
export function filesResult(tracked: readonly TrackedWeight[], valueOf: (name: string) => number): FilesResult {
  let weight = 0;
  const faults: string[] = [];
  for (const t of tracked) {
    const c = fileContribution(t, valueOf(t.name));
    weight += c.weight;
    if (c.fault) faults.push(fileFault(t));
  }
  return { weight, faults };
}
