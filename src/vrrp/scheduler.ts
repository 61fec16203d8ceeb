// Time for the VRRP engine: a monotonic clock in milliseconds and one-shot
// callbacks at absolute times. The protocol code only ever sees this port,
// so tests drive it with a fake clock. The real one never fires early:
// Node measures setTimeout from the event loop's cached time, which can lag
// the true time, so a callback may run before its moment; it is then put
// off for the rest, the last fraction of a millisecond with setImmediate.
import { performance } from 'node:perf_hooks';

export type Cancel = () => void;

export interface Scheduler {
  /** monotonic ms */
  now(): number;
  /** runs `fire` once, at `time` or as soon after as the event loop allows */
  at(time: number, fire: () => void): Cancel;
}

/** below this, setTimeout (whole milliseconds) cannot aim; setImmediate can */
const TIMER_RESOLUTION = 1;

export const realScheduler: Scheduler = {
  now: () => performance.now(),
  at(time, fire) {
    let timeout: NodeJS.Timeout | undefined;
    let immediate: NodeJS.Immediate | undefined;
    const schedule = (): void => {
      const left = time - performance.now();
      if (left < TIMER_RESOLUTION) immediate = setImmediate(wait);
      else timeout = setTimeout(wait, left);
    };
    const wait = (): void => {
      timeout = immediate = undefined;
      if (performance.now() >= time) fire();
      else schedule();
    };
    // never from the caller's stack: the caller may be in the middle of a state change
    schedule();
    return () => {
      clearTimeout(timeout);
      if (immediate) clearImmediate(immediate);
    };
  },
};
