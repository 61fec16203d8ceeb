// The announcements a new master makes on a lab segment, as tcpdump sees
// them on the segment's bridge: gratuitous ARPs for its IPv4 VIPs and
// unsolicited Neighbour Advertisements for its IPv6 ones (RFC 5798 §6.4.1,
// RFC 4861 §7.2.6), with the MAC they teach the segment.
import type { Lab } from './topology.js';
import { CAPTURE_FLAGS, sightings } from './sightings.js';

export interface SeenAnnouncement {
  /** ms since the epoch, to the µs (capture stamp) */
  readonly at: number;
  readonly kind: 'garp' | 'na';
  /** the Ethernet source: the MAC the segment learns for `address` */
  readonly mac: string;
  readonly address: string;
}

const STAMP = String.raw`^(\d+)\.(\d{6}) (\S+) > \S+, `;
/** keepalived's and tskad's gratuitous ARP is a request for the VIP from the VIP: `Request who-has V tell V` */
const GARP = new RegExp(`${STAMP}ethertype ARP \\(0x0806\\), length \\d+: Request who-has (\\S+)(?: \\(\\S+\\))? tell (\\S+),`);
/** an unsolicited NA goes to all nodes, ff02::1 (RFC 4861 §7.2.6) */
const NA = new RegExp(`${STAMP}ethertype IPv6 \\(0x86dd\\), length \\d+: \\S+ > ff02::1: ICMP6, neighbor advertisement, (?:length \\d+, )?tgt is ([^,\\s]+)`);

/** One line of `tcpdump -n -tt -e` on an ARP or NA packet; undefined for anything else (an ordinary ARP request, a solicited NA). */
export function parseAnnouncement(line: string): SeenAnnouncement | undefined {
  const at = (m: RegExpExecArray): number => Number(m[1]) * 1000 + Number(m[2]) / 1000;
  const garp = GARP.exec(line);
  if (garp) return garp[4] === garp[5] ? { at: at(garp), kind: 'garp', mac: garp[3]!, address: garp[4]! } : undefined;
  const na = NA.exec(line);
  return na ? { at: at(na), kind: 'na', mac: na[3]!, address: na[4]! } : undefined;
}

export interface AnnouncementWatch {
  /** every announcement seen so far, in order */
  readonly seen: readonly SeenAnnouncement[];
  /** the first announcement from now on matching `pred` */
  next(pred: (a: SeenAnnouncement) => boolean, timeoutMs: number): Promise<SeenAnnouncement>;
  /** the first announcement matching `pred`, already seen or yet to come */
  first(pred: (a: SeenAnnouncement) => boolean, timeoutMs: number): Promise<SeenAnnouncement>;
  stop(): void;
}

export async function watchAnnouncements(lab: Lab, segment = 0): Promise<AnnouncementWatch> {
  // ip6[40]: the ICMPv6 type right after the fixed header; 136 is a Neighbour Advertisement
  const tcpdump = lab.spawn('switch', ['tcpdump', '-i', `br${segment}`, ...CAPTURE_FLAGS, '-s', '256', '-e', 'arp or (icmp6 and ip6[40] == 136)']);
  const seen = sightings<SeenAnnouncement>('announcement');
  tcpdump.onLine((l) => {
    const a = parseAnnouncement(l.text);
    if (a) seen.add(a);
  });
  await tcpdump.waitForLine(/listening on/, 5000);
  return { seen: seen.seen, next: seen.next, first: seen.first, stop: () => void tcpdump.killTree() };
}
