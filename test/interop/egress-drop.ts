// Makes a lab router's VRRP adverts to some addresses vanish at its own
// egress, before the wire: as if it died after its unicast advert to one
// peer and before the one to the next. tc on the router's link: an htb
// class whose leaf is a blackhole, picked by a u32 filter on destination and
// IP protocol 112 (htb, u32 and blackhole are there on the lab's kernels,
// where prio, netem and the drop action are not). The rules go with the
// router's namespace.
import { isIPv6 } from 'node:net';
import type { Lab } from '../../src/lab/topology.js';

const IPPROTO_VRRP = '112';

export async function dropAdvertsTo(lab: Lab, router: string, ifname: string, destinations: readonly string[]): Promise<void> {
  const tc = (...args: string[]): Promise<string> => lab.exec(router, ['tc', ...args]);
  await tc('qdisc', 'add', 'dev', ifname, 'root', 'handle', '1:', 'htb', 'default', '1');
  for (const minor of ['1', '2']) await tc('class', 'add', 'dev', ifname, 'parent', '1:', 'classid', `1:${minor}`, 'htb', 'rate', '1gbit', 'quantum', '1514');
  await tc('qdisc', 'add', 'dev', ifname, 'parent', '1:2', 'blackhole');
  for (const dst of destinations) {
    const [protocol, match, bits] = isIPv6(dst) ? ['ipv6', 'ip6', 128] : ['ip', 'ip', 32];
    await tc('filter', 'add', 'dev', ifname, 'parent', '1:', 'protocol', protocol, 'u32', 'match', match, 'dst', `${dst}/${bits}`, 'match', match, 'protocol', IPPROTO_VRRP, '0xff', 'flowid', '1:2');
  }
}
