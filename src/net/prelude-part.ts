// One edge's share of a timer prelude (vrrp/timer-prelude.ts): the
// system calls that do its work, as bytes for the addon to send at the
// timer's expiry (native.ts PreludeOp), and how their errnos read as the
// outcome the edge's own call would have had.
import { getSystemErrorName } from 'node:util';
import type { PreludeOp } from './native.js';

export interface PreludePart {
  readonly ops: readonly PreludeOp[];
  /** settles as the edge's own call would have, from its ops' errnos (0: done), in their order */
  outcome(errnos: readonly number[]): Promise<void>;
}

/** An errno from the addon as an error shaped like Node's system errors: message "<call>: <CODE>", code, negative errno, syscall. */
export function errnoError(call: string, errno: number): Error {
  const code = getSystemErrorName(-errno);
  return Object.assign(new Error(`${call}: ${code}`), { code, errno: -errno, syscall: call });
}
