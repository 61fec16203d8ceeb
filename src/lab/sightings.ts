// What a capture has seen so far, in order of arrival, and waits for the
// next sighting that matches: the shared core of the lab's tcpdump watches
// (adverts.ts, announcements.ts), with the flags they capture by.

/**
 * `--immediate-mode` and `-l`: each packet is printed as it comes, not when
 * a buffer fills. Immediate mode gives libpcap a ring of snapshot-length
 * slots: at the default 256 KiB snapshot a 2 MiB ring holds 8 packets, and
 * a new master's burst of gratuitous ARPs overflows it (tcpdump reported
 * drops in the lab), so callers pass a small `-s`, and the ring is 8 MiB.
 */
export const CAPTURE_FLAGS = ['-l', '-n', '-tt', '--immediate-mode', '-B', '8192'] as const;

export interface Sightings<T> {
  /** every sighting so far, in order */
  readonly seen: readonly T[];
  /** records one, and wakes whoever waits for it */
  add(item: T): void;
  /** the first sighting from now on matching `pred` */
  next(pred: (item: T) => boolean, timeoutMs: number): Promise<T>;
  /** the first sighting matching `pred`, already seen or yet to come */
  first(pred: (item: T) => boolean, timeoutMs: number): Promise<T>;
  /** the latest sighting matching `pred` */
  last(pred: (item: T) => boolean): T | undefined;
}

/** `what` names the sightings in a timeout's error (e.g. "advert"). */
export function sightings<T>(what: string): Sightings<T> {
  const seen: T[] = [];
  const waiting = new Set<(item: T) => void>();
  const next = (pred: (item: T) => boolean, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const watch = (item: T): void => {
        if (!pred(item)) return;
        waiting.delete(watch);
        clearTimeout(timer);
        resolve(item);
      };
      const timer = setTimeout(() => {
        waiting.delete(watch);
        reject(new Error(`no matching ${what} within ${timeoutMs} ms; the last seen: ${JSON.stringify(seen.slice(-5))}`));
      }, timeoutMs);
      waiting.add(watch);
    });
  return {
    seen,
    add: (item) => {
      seen.push(item);
      for (const w of waiting) w(item);
    },
    next,
    first: (pred, timeoutMs) => {
      const found = seen.find(pred);
      return found === undefined ? next(pred, timeoutMs) : Promise.resolve(found);
    },
    last: (pred) => seen.findLast(pred),
  };
}
