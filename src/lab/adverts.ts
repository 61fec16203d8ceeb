// The VRRP adverts on a lab segment, as tcpdump sees them on the segment's
// bridge: who sent which priority when. Timings hang on them: a backup's
// Master_Down_Interval runs from the last advert it heard (RFC 5798 §6.4.2),
// and a clean shutdown is the priority-0 advert (§6.4.3). Times are the
// kernel's capture stamps.
import type { Lab } from './topology.js';
import type { LabProcess } from './process.js';

export interface SeenAdvert {
  /** ms since the epoch, to the µs */
  readonly at: number;
  readonly source: string;
  readonly destination: string;
  readonly version: number;
  readonly vrid: number;
  readonly priority: number;
}

/**
 * One line of `tcpdump -n -tt` on a VRRP packet:
 * `1763771717.123456 IP 192.0.2.11 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, …`
 */
export function parseAdvertLine(line: string): SeenAdvert | undefined {
  const m = /^(\d+)\.(\d{6}) IP6? (\S+) > (\S+): VRRPv(\d), Advertisement, vrid (\d+), prio (\d+)/.exec(line);
  if (!m) return undefined;
  return {
    at: Number(m[1]) * 1000 + Number(m[2]) / 1000,
    source: m[3]!,
    destination: m[4]!,
    version: Number(m[5]),
    vrid: Number(m[6]),
    priority: Number(m[7]),
  };
}

export interface AdvertWatch {
  /** every advert seen so far, in order */
  readonly adverts: readonly SeenAdvert[];
  /** the first advert from now on matching `pred` */
  next(pred: (a: SeenAdvert) => boolean, timeoutMs: number): Promise<SeenAdvert>;
  /** the latest advert seen matching `pred` */
  last(pred: (a: SeenAdvert) => boolean): SeenAdvert | undefined;
  stop(): void;
}

export async function watchAdverts(lab: Lab, segment = 0): Promise<AdvertWatch> {
  // --immediate-mode and -l: each packet is printed as it comes, not when a buffer fills
  const tcpdump: LabProcess = lab.spawn('switch', ['tcpdump', '-i', `br${segment}`, '-l', '-n', '-tt', '--immediate-mode', 'ip proto 112 or ip6 proto 112']);
  const adverts: SeenAdvert[] = [];
  const waiting = new Set<(a: SeenAdvert) => void>();
  tcpdump.onLine((l) => {
    const a = parseAdvertLine(l.text);
    if (!a) return;
    adverts.push(a);
    for (const w of waiting) w(a);
  });
  await tcpdump.waitForLine(/listening on/, 5000);
  return {
    adverts,
    next: (pred, timeoutMs) =>
      new Promise((resolve, reject) => {
        const watch = (a: SeenAdvert): void => {
          if (!pred(a)) return;
          waiting.delete(watch);
          clearTimeout(timer);
          resolve(a);
        };
        const timer = setTimeout(() => {
          waiting.delete(watch);
          reject(new Error(`no matching advert within ${timeoutMs} ms; seen: ${JSON.stringify(adverts.slice(-5))}`));
        }, timeoutMs);
        waiting.add(watch);
      }),
    last: (pred) => adverts.findLast(pred),
    stop: () => void tcpdump.killTree(),
  };
}
