// What the bench sees on the segment: every VRRP advert and gratuitous ARP
// crossing the bridge, with the kernel's capture stamp and the sender's MAC
// (`tcpdump -e`), so a takeover's first GARP can be told from anything the
// old master sent. The stamps, not the moment a line reaches node, are the
// events' times; the lines lag them by a millisecond or more.
import type { Lab } from '../../src/lab/topology.js';

interface Framed {
  /** ms since the epoch, to the µs */
  readonly at: number;
  readonly mac: string;
}

export interface WireAdvert extends Framed {
  readonly kind: 'advert';
  readonly source: string;
  readonly vrid: number;
  readonly priority: number;
}

/** RFC 5227 §3 ARP announcement (who-has X tell X), how a new master moves a VIP (RFC 5798 §6.4.1) */
export interface WireGarp extends Framed {
  readonly kind: 'garp';
  readonly ip: string;
}

export type WireEvent = WireAdvert | WireGarp;

const FRAME = /^(\d+)\.(\d{6}) ([0-9a-f:]{17}) > [0-9a-f:]{17}, ethertype \S+ \(0x[0-9a-f]{4}\), length \d+: (.*)$/;
const ADVERT = /^(\S+) > \S+: VRRPv\d, Advertisement, vrid (\d+), prio (\d+)/;
const GARP = /^Request who-has (\S+) (?:\([0-9a-f:]{17}\) )?tell (\S+),/;

/**
 * One line of `tcpdump -n -e -tt`, e.g.
 * `1763771717.123456 aa:…:ff > 01:00:5e:00:00:12, ethertype IPv4 (0x0800), length 46: 192.0.2.11 > 224.0.0.18: VRRPv3, Advertisement, vrid 10, prio 100, …`
 * `1763771717.123456 aa:…:ff > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.0.2.200 (ff:ff:ff:ff:ff:ff) tell 192.0.2.200, length 28`
 */
export function parseWireLine(line: string): WireEvent | undefined {
  const f = FRAME.exec(line);
  if (!f) return undefined;
  const framed = { at: Number(f[1]) * 1000 + Number(f[2]) / 1000, mac: f[3]! };
  const a = ADVERT.exec(f[4]!);
  if (a) return { ...framed, kind: 'advert', source: a[1]!, vrid: Number(a[2]), priority: Number(a[3]) };
  const g = GARP.exec(f[4]!);
  if (g && g[1] === g[2]) return { ...framed, kind: 'garp', ip: g[1]! };
  return undefined;
}

export interface WireCapture {
  /** every event so far, in capture order */
  readonly events: readonly WireEvent[];
  /** the first event stamped at or after `since` that matches, seen already or yet to come */
  next<E extends WireEvent>(match: (e: WireEvent) => e is E, since: number, timeoutMs: number): Promise<E>;
  stop(): void;
}

export async function captureWire(lab: Lab, segment = 0): Promise<WireCapture> {
  // -l and --immediate-mode: each packet is printed as it comes, not when a buffer fills
  const tcpdump = lab.spawn('switch', ['tcpdump', '-i', `br${segment}`, '-l', '-n', '-e', '-tt', '--immediate-mode', '(ip proto 112) or arp']);
  const events: WireEvent[] = [];
  const waiting = new Set<(e: WireEvent) => void>();
  tcpdump.onLine((l) => {
    const e = parseWireLine(l.text);
    if (!e) return;
    events.push(e);
    for (const w of waiting) w(e);
  });
  await tcpdump.waitForLine(/listening on/, 5000);
  return {
    events,
    next: <E extends WireEvent>(match: (e: WireEvent) => e is E, since: number, timeoutMs: number) =>
      new Promise<E>((resolve, reject) => {
        const wanted = (e: WireEvent): e is E => e.at >= since && match(e);
        const seen = events.find(wanted);
        if (seen) return resolve(seen);
        const watch = (e: WireEvent): void => {
          if (!wanted(e)) return;
          waiting.delete(watch);
          clearTimeout(timer);
          resolve(e);
        };
        const timer = setTimeout(() => {
          waiting.delete(watch);
          reject(new Error(`nothing matching on the wire within ${timeoutMs} ms; last seen: ${JSON.stringify(events.slice(-3))}`));
        }, timeoutMs);
        waiting.add(watch);
      }),
    stop: () => void tcpdump.killTree(),
  };
}

export const isAdvert = (e: WireEvent): e is WireAdvert => e.kind === 'advert';
export const isGarp = (e: WireEvent): e is WireGarp => e.kind === 'garp';
