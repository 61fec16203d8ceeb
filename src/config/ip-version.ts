// net.isIP, remembered. A large configuration names the same few addresses
// thousands of times (each real server under each virtual server), and
// node's IPv6 test is a long regular expression, which V8 compiles at the
// first IPv6 address a process meets (8 ms) — so an address in the plain
// form is recognised without it (net/ip.ts plainIpv6).
import { isIP } from 'node:net';
import { plainIpv6 } from '../net/ip.js';

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
