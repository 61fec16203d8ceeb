// The Ethernet frames a new MASTER sends so hosts repoint their caches at it:
// a gratuitous ARP request per IPv4 VIP (RFC 5798 §6.4.1, RFC 5227 §3) and an
// unsolicited Neighbor Advertisement per IPv6 VIP (RFC 4861 §7.2.6), shaped as
// keepalived 2.2.7 sends them so captures of both look alike. Pure builders.
import { ipToBytes } from './ip.js';
import { internetChecksum } from '../vrrp/packet.js';

const ETH_P_ARP = 0x0806;
const ETH_P_IPV6 = 0x86dd;
const BROADCAST = Buffer.from('ffffffffffff', 'hex');
const ALL_NODES_MAC = Buffer.from('333300000001', 'hex');
const ALL_NODES = ipToBytes('ff02::1');
const ICMPV6 = 58;
const ND_NEIGHBOR_ADVERT = 136;
const NA_FLAG_ROUTER = 0x80;
const NA_FLAG_OVERRIDE = 0x20;
const ND_OPT_TARGET_LINKADDR = 2;

export const parseMac = (mac: string): Buffer => Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));

function ethernet(dst: Buffer, src: Buffer, type: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(14);
  dst.copy(head, 0);
  src.copy(head, 6);
  head.writeUInt16BE(type, 12);
  return Buffer.concat([head, payload]);
}

/** ARP request announcing `ip` at `mac`: sender and target IP both the VIP, target MAC broadcast. */
export function gratuitousArp(mac: Buffer, ip: string): Buffer {
  const arp = Buffer.alloc(28);
  arp.writeUInt16BE(1, 0); // Ethernet
  arp.writeUInt16BE(0x0800, 2); // IPv4
  arp[4] = 6;
  arp[5] = 4;
  arp.writeUInt16BE(1, 6); // request
  mac.copy(arp, 8);
  ipToBytes(ip).copy(arp, 14);
  BROADCAST.copy(arp, 18);
  ipToBytes(ip).copy(arp, 24);
  return ethernet(BROADCAST, mac, ETH_P_ARP, arp);
}

/**
 * Unsolicited NA for `ip` to all-nodes, from the VIP itself, hop limit 255,
 * Override set, Router set when the interface forwards (RFC 4861 §4.4).
 */
export function unsolicitedNa(mac: Buffer, ip: string, router: boolean): Buffer {
  const target = ipToBytes(ip);
  const icmp = Buffer.alloc(32);
  icmp[0] = ND_NEIGHBOR_ADVERT;
  icmp[4] = NA_FLAG_OVERRIDE | (router ? NA_FLAG_ROUTER : 0);
  target.copy(icmp, 8);
  icmp[24] = ND_OPT_TARGET_LINKADDR;
  icmp[25] = 1;
  mac.copy(icmp, 26);
  const pseudo = Buffer.alloc(40);
  target.copy(pseudo, 0);
  ALL_NODES.copy(pseudo, 16);
  pseudo.writeUInt32BE(icmp.length, 32);
  pseudo[39] = ICMPV6;
  icmp.writeUInt16BE(internetChecksum(pseudo, icmp), 2);
  const ip6 = Buffer.alloc(40);
  ip6[0] = 0x60;
  ip6.writeUInt16BE(icmp.length, 4);
  ip6[6] = ICMPV6;
  ip6[7] = 255;
  target.copy(ip6, 8);
  ALL_NODES.copy(ip6, 24);
  return ethernet(ALL_NODES_MAC, mac, ETH_P_IPV6, Buffer.concat([ip6, icmp]));
}
