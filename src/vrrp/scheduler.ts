// Time for the VRRP engine: a monotonic clock in milliseconds and one-shot
// callbacks at absolute times. The protocol code only ever sees this port,
// so tests drive it with a fake clock.
//
// The real one keeps every pending callback in one queue ordered by time and
// arms a single kernel timer (the addon's timerfd, see src/net/native.ts) for
// the earliest. Node's setTimeout counts whole milliseconds from the loop's
// cached time and so fires up to a millisecond early or late; finishing that
// last millisecond by spinning on setImmediate cost a GC scavenge every second
// or so at advert_int 0.02, the advert jitter's main cause. A timerfd expiry
// wakes the loop within microseconds of the due time and allocates nothing.
// The earliest callback's prelude, if it has one, rides on the kernel timer:
// the addon does it at the expiry, before any JavaScript runs. The addon also
// says how late each expiry came and why, which the metrics show: a master's
// late advert is the host's doing or the daemon's.
import { performance } from 'node:perf_hooks';
import { EXPIRY_LATENESS_CAUSES, loadNative, type ExpiryLatenessCause, type PreciseTimer, type PreludeOp } from '../net/native.js';

export type Cancel = () => void;

/** Sends that a callback's first act is, done natively at its timer's expiry (vrrp/timer-prelude.ts). */
export interface Prelude {
  readonly ops: readonly PreludeOp[];
  /** the ops ran, with these errnos (0: done); told right before the callback fires */
  ran(errnos: readonly number[]): void;
  /** the callback has fired: what it did not take up of the prelude's work is dropped */
  over(): void;
}

export interface Scheduler {
  /** monotonic ms */
  now(): number;
  /**
   * runs `fire` once, at `time` or as soon after as the event loop allows,
   * with how late that is (ms; for a prelude, how late its ops ran); a clock
   * that can does `prelude` right before
   */
  at(time: number, fire: (lateMs: number) => void, prelude?: Prelude): Cancel;
  /** how late its expiries came, for a clock that can tell */
  expiries?(): TimerLateness;
}

interface Pending {
  readonly time: number;
  /** `time` to the microsecond, the heap's order: the same instant reached by different sums of floats is one */
  readonly us: number;
  /** ties run in the order they were scheduled, those with a prelude first */
  readonly seq: number;
  fire: ((lateMs: number) => void) | undefined;
  readonly prelude: Prelude | undefined;
}

function before(a: Pending, b: Pending): boolean {
  if (a.us !== b.us) return a.us < b.us;
  // the kernel timer carries the first one's prelude: a master's advert due
  // with its delayed GARPs (garp_master_delay, 5 s: a whole number of
  // intervals after the takeover, the advert's time a sum of 250 intervals)
  // then leaves at the expiry, not after them
  const preluded = a.prelude !== undefined;
  if (preluded !== (b.prelude !== undefined)) return preluded;
  return a.seq < b.seq;
}

/** A binary min-heap of pending callbacks; cancelled ones stay until they surface. */
class PendingQueue {
  private readonly heap: Pending[] = [];

  get top(): Pending | undefined {
    return this.heap[0];
  }

  push(p: Pending): void {
    const h = this.heap;
    let i = h.push(p) - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!before(p, h[up]!)) break;
      h[i] = h[up]!;
      i = up;
    }
    h[i] = p;
  }

  pop(): Pending | undefined {
    const h = this.heap;
    const first = h[0];
    const last = h.pop();
    if (first === undefined || last === undefined || h.length === 0) return first;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
    return first;
  }

  /** drops cancelled entries from the front, so the timer is armed for a live one */
  settle(): Pending | undefined {
    while (this.heap[0] !== undefined && this.heap[0].fire === undefined) this.pop();
    return this.heap[0];
  }
}

/** Past this, ms, an expiry counts as late: advert jitter is meant to stay under it. */
export const LATE_EXPIRY_MS = 1;

/**
 * How late the timers' callbacks came, since the process started: the one
 * whose prelude ran, when its ops ran; any other, when it fired, which a
 * callback before it in the same expiry may have held back (busy).
 */
export interface TimerLateness {
  readonly expiries: number;
  /** expiries more than LATE_EXPIRY_MS after their due time, by cause */
  readonly late: Readonly<Record<ExpiryLatenessCause, number>>;
}

let expiries = 0;
const late: Record<ExpiryLatenessCause, number> = { wakeup: 0, runqueue: 0, busy: 0 };
/** the largest lateness, ms, since takeMaxLateMs() last read it */
let maxLateMs = 0;

/** The VRRP process's timer lateness so far (a snapshot). */
export const timerLateness = (): TimerLateness => ({ expiries, late: { ...late } });

/** The largest lateness, ms, since the last call, and starts afresh. */
export function takeMaxLateMs(): number {
  const max = maxLateMs;
  maxLateMs = 0;
  return max;
}

/** Counts one expiry, `lateMs` after its time. */
function countExpiry(lateMs: number, cause: ExpiryLatenessCause): void {
  expiries++;
  if (lateMs > maxLateMs) maxLateMs = lateMs;
  if (lateMs > LATE_EXPIRY_MS) late[cause]++;
}

class TimerfdScheduler implements Scheduler {
  private readonly queue = new PendingQueue();
  private seq = 0;
  private timer: PreciseTimer | undefined;
  /** the due time the kernel timer is armed for, if it is, and the prelude it carries */
  private armedFor: number | undefined;
  private armedPrelude: Prelude | undefined;
  private rearmQueued = false;

  now(): number {
    return performance.now();
  }

  expiries(): TimerLateness {
    return timerLateness();
  }

  at(time: number, fire: (lateMs: number) => void, prelude?: Prelude): Cancel {
    const p: Pending = { time, us: Math.round(time * 1000), seq: this.seq++, fire, prelude };
    this.queue.push(p);
    // even a time already past waits for the timer: never from the caller's
    // stack, which may be in the middle of a state change
    if (this.queue.top === p) this.arm();
    return () => {
      if (p.fire === undefined) return;
      p.fire = undefined;
      if (this.queue.top === p) this.rearmSoon();
    };
  }

  /**
   * Re-arms once the caller's synchronous work is done: a timer cancelled and
   * set again at once (a backup's Master_Down timer, on every advert) then
   * costs one timerfd_settime, not two.
   */
  private rearmSoon(): void {
    if (this.rearmQueued) return;
    this.rearmQueued = true;
    // a promise job, not queueMicrotask, which makes an AsyncResource each
    // time: 12% of a 0.02 s backup's JavaScript went to that (--cpu-prof)
    void Promise.resolve().then(() => {
      this.rearmQueued = false;
      this.arm();
    });
  }

  private arm(): void {
    const next = this.queue.settle();
    if (next === undefined) {
      if (this.armedFor !== undefined) this.timer?.disarm();
      this.armedFor = undefined;
      this.armedPrelude = undefined;
      return;
    }
    if (next.time === this.armedFor && next.prelude === this.armedPrelude) return;
    this.timer ??= new (loadNative().PreciseTimer)((done, lateMs, cause) => this.expired(done, lateMs, EXPIRY_LATENESS_CAUSES[cause] ?? 'wakeup'));
    this.armedFor = next.time;
    this.armedPrelude = next.prelude;
    this.timer.arm(next.time - performance.now(), next.prelude?.ops);
  }

  /** The kernel timer ran out `lateMs` after its time, for `cause` (the addon's verdict). */
  private expired(done: readonly number[] | undefined, lateMs: number, cause: ExpiryLatenessCause): void {
    // the prelude done at this expiry: its callback fires now, even if this clock reads a hair before its time
    const ran = done === undefined ? undefined : this.armedPrelude;
    this.armedFor = undefined;
    this.armedPrelude = undefined;
    try {
      for (let p = this.queue.settle(); p !== undefined && (p.time <= performance.now() || (ran !== undefined && p.prelude === ran)); p = this.queue.settle()) {
        this.queue.pop();
        const fire = p.fire!;
        p.fire = undefined;
        if (ran === undefined || p.prelude !== ran) {
          // late by the expiry's own lateness, and by the callbacks before it: when those weigh more, the loop's doing
          const late = performance.now() - p.time;
          countExpiry(late, late - lateMs > lateMs ? 'busy' : cause);
          fire(late);
          continue;
        }
        countExpiry(lateMs, cause);
        ran.ran(done!);
        try {
          fire(lateMs);
        } finally {
          ran.over();
        }
      }
    } finally {
      // also after a throwing callback (an uncaught exception, as for setTimeout): the rest still run
      this.arm();
    }
  }
}

export const realScheduler: Scheduler = new TimerfdScheduler();
