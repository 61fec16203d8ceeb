// net.isIP, remembered. A large configuration names the same few addresses
// thousands of times (each real server under each virtual server), and
// node's IPv6 test is a long regular expression, which V8 compiles at the
// first IPv6 address a process meets (8 ms) — so an address in the plain
// form is recognised without it.
import { isIP } from 'node:net';

/** a daemon reads configurations for as long as it runs: the memory is let go when it gets this large */
const MAX_REMEMBERED = 10_000;
const known = new Map<string, number>();

/** 4 or 6 for an IPv4 or IPv6 address, 0 for anything else (as net.isIP). */
export function ipVersion(s: string): number {
  let v = known.get(s);
  if (v === undefined) {
    if (known.size >= MAX_REMEMBERED) known.clear();
    known.set(s, (v = plainIpv6(s) ? 6 : isIP(s)));
  }
  return v;
}

const COLON = 58;

/** Groups of 1 to 4 hex digits joined by single colons, from `from` to `to`; how many, or -1 when it is no such list. */
function hexGroups(s: string, from: number, to: number): number {
  if (from === to) return 0;
  let groups = 1;
  let digits = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === COLON) {
      if (digits === 0) return -1;
      groups++;
      digits = 0;
    } else if (((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)) && digits < 4) digits++;
    else return -1;
  }
  return digits === 0 ? -1 : groups;
}

/**
 * An IPv6 address in the plain form: eight groups of 1 to 4 hex digits, or
 * fewer around one `::` standing for at least one more; no embedded IPv4
 * address, no zone. Every such address is one net.isIP takes as IPv6 (a
 * property test holds the two together); other forms go to net.isIP.
 */
export function plainIpv6(s: string): boolean {
  const gap = s.indexOf('::');
  if (gap < 0) return hexGroups(s, 0, s.length) === 8;
  if (s.indexOf('::', gap + 1) >= 0) return false;
  const head = hexGroups(s, 0, gap);
  const tail = hexGroups(s, gap + 2, s.length);
  return head >= 0 && tail >= 0 && head + tail <= 7;
}
