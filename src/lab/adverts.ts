// The VRRP adverts on a lab segment, as `tcpdump -vv` sees them on the
// segment's bridge: who sent what when, with every field tcpdump decodes —
// the IP header's TTL and TOS, version, VRID, priority, authentication,
// interval, length, the VIP list in order, and whether the checksum is
// right. Timings hang on them: a backup's Master_Down_Interval runs from
// the last advert it heard (RFC 5798 §6.4.2), and a clean shutdown is the
// priority-0 advert (§6.4.3). Times are the kernel's capture stamps.
import type { Lab } from './topology.js';
import type { LabProcess } from './process.js';
import { CAPTURE_FLAGS, sightings } from './sightings.js';

export interface SeenAdvert {
  /** ms since the epoch, to the µs */
  readonly at: number;
  readonly source: string;
  readonly destination: string;
  /** IPv4 TTL or IPv6 hop limit (RFC 5798 §5.1.1.3, §5.1.2.3: 255) */
  readonly ttl: number;
  /** IPv4 TOS or IPv6 traffic class as tcpdump prints it (0xc0), absent when tcpdump prints none */
  readonly tos?: string;
  readonly version: number;
  readonly vrid: number;
  readonly priority: number;
  /** VRRPv2 only: none, simple… */
  readonly authType?: string;
  /** Advertisement interval in centiseconds (VRRPv2's whole seconds converted) */
  readonly intervalCs: number;
  /** the VRRP message's length, bytes */
  readonly length: number;
  /** the addresses it carries, in order (RFC 5798 §5.2.9) */
  readonly addresses: readonly string[];
  /** VRRPv2 simple authentication: the password as sent */
  readonly auth?: string;
  /** tcpdump found the VRRP checksum wrong */
  readonly badChecksum: boolean;
}

/**
 * One capture of `tcpdump -n -tt -vv` on a VRRP packet. IPv4's is two lines
 * joined with a space (the IP header, then the VRRP part); IPv6's is one:
 * `1763771717.123456 IP (tos 0xc0, ttl 255, …, proto VRRP (112), length 40) 192.0.2.11 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype simple, intvl 1s, length 20, addrs: 192.0.2.94 auth "secret"`
 */
export function parseAdvert(record: string): SeenAdvert | undefined {
  const m =
    /^(\d+)\.(\d{6}) IP6? \((.*)\) (\S+) > (\S+): VRRPv(\d), Advertisement(?:, \(ttl \d+\))?, vrid (\d+), prio (\d+)(?:, authtype (\S+))?, intvl (\d+)(s|cs), length (\d+)(, \(bad vrrp cksum [0-9a-f]+\))?, addrs(?:\(\d+\))?: (\S*)(?: auth "([^"]*)")?/.exec(
      record,
    );
  if (!m) return undefined;
  const header = m[3]!;
  const ttl = /\b(?:ttl|hlim) (\d+)/.exec(header);
  const tos = /\b(?:tos|class) (0x[0-9a-f]+)/.exec(header);
  const interval = Number(m[10]);
  return {
    at: Number(m[1]) * 1000 + Number(m[2]) / 1000,
    source: m[4]!,
    destination: m[5]!,
    ttl: ttl ? Number(ttl[1]) : NaN,
    ...(tos ? { tos: tos[1]! } : {}),
    version: Number(m[6]),
    vrid: Number(m[7]),
    priority: Number(m[8]),
    ...(m[9] !== undefined ? { authType: m[9] } : {}),
    intervalCs: m[11] === 's' ? interval * 100 : interval,
    length: Number(m[12]),
    addresses: m[14] ? m[14].split(',') : [],
    ...(m[15] !== undefined ? { auth: m[15] } : {}),
    badChecksum: m[13] !== undefined,
  };
}

const STAMPED = /^\d+\.\d{6} /;

/**
 * Joins tcpdump's lines into one record per packet (continuation lines are
 * indented) and calls `onAdvert` as soon as a record reads as an advert.
 */
export function advertRecords(onAdvert: (a: SeenAdvert) => void): (line: string) => void {
  let record: string | undefined;
  return (line) => {
    if (STAMPED.test(line)) record = line;
    else if (record !== undefined && /^\s/.test(line)) record = `${record} ${line.trim()}`;
    else return;
    const advert = parseAdvert(record);
    if (!advert) return;
    record = undefined;
    onAdvert(advert);
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
  const tcpdump: LabProcess = lab.spawn('switch', ['tcpdump', '-i', `br${segment}`, ...CAPTURE_FLAGS, '-s', '1500', '-vv', 'ip proto 112 or ip6 proto 112']);
  const adverts = sightings<SeenAdvert>('advert');
  const read = advertRecords(adverts.add);
  tcpdump.onLine((l) => read(l.text));
  await tcpdump.waitForLine(/listening on/, 5000);
  return { adverts: adverts.seen, next: adverts.next, last: adverts.last, stop: () => void tcpdump.killTree() };
}
