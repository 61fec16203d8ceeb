// Interface addresses as rtnetlink carries them (rtnetlink(7) RTM_NEWADDR /
// RTM_DELADDR, struct ifaddrmsg + IFA_* attributes), pure:
//  - what a keepalived VIP line puts in the kernel (keepalived 2.2.7
//    vrrp_ipaddress.c: alloc_ipaddress, netlink_ipaddress), as an AddressSpec;
//  - the add and delete requests for a spec;
//  - addresses read back from a dump or an event, and the interface's own
//    addresses VRRP sends from (primary IPv4, IPv6 link-local).
import type { rt } from 'netlink';
import { preferredLftOf, readUnsigned, type Vip } from '../config/schema/address.js';
import { bytesToIp, canonicalIp, ipToBytes, type Family } from './ip.js';

export const AF_INET = 2;
export const AF_INET6 = 10;
const INFINITY_LIFE_TIME = 0xffffffff;

/** RT_SCOPE_* (rtnetlink.h), by the names iproute2 and keepalived give them. */
export const RT_SCOPES = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;

/** What names one address on one interface: enough to delete it, and to own it. */
export interface AddressKey {
  readonly dev: string;
  /** canonical text */
  readonly address: string;
  readonly prefix: number;
  /** the other end of a point-to-point address (`peer`) */
  readonly peer?: string;
}

export interface AddressFlags {
  /** IFA_F_NODAD: no Duplicate Address Detection (IPv6) */
  readonly nodad: boolean;
  readonly home: boolean;
  readonly mngtmpaddr: boolean;
  readonly noprefixroute: boolean;
  readonly autojoin: boolean;
}

/** Everything an address is added with. */
export interface AddressSpec extends AddressKey {
  /** IPv4 broadcast, already resolved from `+` / `-` */
  readonly broadcast?: string;
  /** RT_SCOPE_* number; IPv6 addresses get their scope from the kernel */
  readonly scope: number;
  readonly label?: string;
  readonly flags: AddressFlags;
  /** seconds; undefined: forever */
  readonly preferredLft?: number;
}

export const familyOfAddress = (address: string): Family => (address.includes(':') ? 6 : 4);
const fullPrefix = (f: Family): number => (f === 4 ? 32 : 128);

/** `scope` as written in a VIP line (a name or a number) → RT_SCOPE_*. */
export function scopeNumber(text: string): number {
  const named = RT_SCOPES[text as keyof typeof RT_SCOPES];
  const n = named ?? readUnsigned(text, 255);
  if (n === undefined) throw new Error(`'${text}' is not an address scope`);
  return n;
}

/** `brd +` / `brd -`: the address (or its peer) with the host bits set / cleared. */
function resolveBroadcast(brd: string, base: string, prefix: number): string | undefined {
  if (brd !== '+' && brd !== '-') return brd;
  // keepalived: no host bits to set or clear beyond /30
  if (prefix > 30) return undefined;
  const b = ipToBytes(base);
  const host = 0xffffffff >>> prefix;
  const v = b.readUInt32BE(0);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((brd === '+' ? v | host : v & ~host) >>> 0);
  return bytesToIp(out);
}

/**
 * The kernel address a VIP line stands for on `dev` (the VIP's own `dev`
 * wins). keepalived's defaults: an IPv6 VIP gets IFA_F_NODAD unless the line
 * says `-nodad` (so, against iproute2's spelling, `-nodad` means "do DAD"),
 * and a /128 is deprecated (preferred_lft 0) unless preferred_lft says
 * otherwise, so it is never picked as a source address (RFC 6724 §5 rule 3).
 */
export function vipAddressSpec(vip: Vip, dev: string): AddressSpec {
  const family = familyOfAddress(vip.address);
  const lft = preferredLftOf(vip);
  const broadcast = family === 4 && vip.broadcast !== undefined ? resolveBroadcast(vip.broadcast, vip.peer ?? vip.address, vip.prefix) : undefined;
  return {
    dev: vip.dev ?? dev,
    address: canonicalIp(vip.address),
    prefix: vip.prefix,
    ...(vip.peer !== undefined && { peer: canonicalIp(vip.peer) }),
    ...(broadcast !== undefined && { broadcast }),
    scope: family === 4 && vip.scope !== undefined ? scopeNumber(vip.scope) : RT_SCOPES.global,
    ...(family === 4 && vip.label !== undefined && { label: vip.label }),
    flags: {
      nodad: family === 6 && !vip.nodad,
      home: vip.home,
      mngtmpaddr: vip.mngtmpaddr,
      noprefixroute: vip.noprefixroute,
      autojoin: vip.autojoin,
    },
    ...(typeof lft === 'number' && { preferredLft: lft }),
  };
}

/** A plain address with no options: what `ip addr add ADDR/PREFIX dev DEV` does. */
export function plainAddressSpec(dev: string, address: string, prefix?: number): AddressSpec {
  return {
    dev,
    address: canonicalIp(address),
    prefix: prefix ?? fullPrefix(familyOfAddress(address)),
    scope: RT_SCOPES.global,
    flags: { nodad: false, home: false, mngtmpaddr: false, noprefixroute: false, autojoin: false },
  };
}

export interface AddressRequest {
  readonly data: rt.Address;
  readonly attrs: rt.AddressAttrs;
}

function kernelFlags(f: AddressFlags): rt.AddressFlags {
  return {
    ...(f.nodad && { nodad: true }),
    ...(f.home && { homeaddress: true }),
    ...(f.mngtmpaddr && { managetempaddr: true }),
    ...(f.noprefixroute && { noprefixroute: true }),
    ...(f.autojoin && { mcautojoin: true }),
  };
}

/**
 * RTM_NEWADDR for `spec` on interface `index`, as keepalived builds it:
 * IFA_LOCAL, IFA_ADDRESS only for a peer (the kernel copies IFA_LOCAL
 * otherwise), IFA_BROADCAST, IFA_LABEL, the flags in IFA_FLAGS (the u8 in
 * ifaddrmsg has no room for noprefixroute and later), and IFA_CACHEINFO only
 * for an IPv6 preferred lifetime that is not forever (valid stays forever).
 */
export function newAddressRequest(spec: AddressSpec, index: number): AddressRequest {
  const family = familyOfAddress(spec.address);
  const flags = kernelFlags(spec.flags);
  return {
    data: { family: family === 4 ? AF_INET : AF_INET6, prefixlen: spec.prefix, scope: spec.scope, index },
    attrs: {
      local: ipToBytes(spec.address),
      ...(spec.peer !== undefined && { address: ipToBytes(spec.peer) }),
      ...(spec.broadcast !== undefined && { broadcast: ipToBytes(spec.broadcast) }),
      ...(spec.label !== undefined && { label: spec.label }),
      ...(Object.keys(flags).length > 0 && { flags }),
      ...(family === 6 &&
        spec.preferredLft !== undefined && { cacheInfo: { ifaPrefered: spec.preferredLft, ifaValid: INFINITY_LIFE_TIME, cstamp: 0, tstamp: 0 } }),
    },
  };
}

/**
 * RTM_DELADDR for the address `key` names. With IFA_ADDRESS the kernel
 * deletes only the entry with this prefix length (IPv4 allows the same local
 * address with several prefixes). keepalived 2.2.7 sends IFA_ADDRESS = the
 * local address even for a peer address, which then never matches: its
 * `peer` VIPs stay behind after release (seen in the lab). Here the peer is
 * sent, as the kernel stored it.
 */
export function delAddressRequest(key: AddressKey, index: number): AddressRequest {
  const family = familyOfAddress(key.address);
  return {
    data: { family: family === 4 ? AF_INET : AF_INET6, prefixlen: key.prefix, index },
    attrs: { local: ipToBytes(key.address), address: ipToBytes(key.peer ?? key.address) },
  };
}

// ---------------------------------------------------------------- reading back

export interface AddressState {
  /** IFA_F_SECONDARY (IPv4: another address of the same subnet came first) */
  readonly secondary: boolean;
  readonly nodad: boolean;
  readonly tentative: boolean;
  readonly dadfailed: boolean;
  readonly deprecated: boolean;
  readonly optimistic: boolean;
  readonly permanent: boolean;
  readonly home: boolean;
  readonly mngtmpaddr: boolean;
  readonly noprefixroute: boolean;
  readonly autojoin: boolean;
}

/** An address as the kernel holds it. */
export interface AddressInfo {
  readonly index: number;
  readonly family: Family;
  /** IFA_LOCAL: the address itself, canonical text */
  readonly address: string;
  readonly prefix: number;
  readonly peer?: string;
  readonly broadcast?: string;
  /** IPv4 only */
  readonly label?: string;
  readonly scope: number;
  readonly flags: AddressState;
  readonly preferredLft: number | 'forever';
  readonly validLft: number | 'forever';
}

const lifetime = (s: number | undefined): number | 'forever' => (s === undefined || s === INFINITY_LIFE_TIME ? 'forever' : s);

/** undefined for families other than IPv4 and IPv6 */
export function addressFromMessage(msg: rt.AddressMessage): AddressInfo | undefined {
  const { data, attrs } = msg;
  const family = data.family === AF_INET ? 4 : data.family === AF_INET6 ? 6 : undefined;
  // IPv6 without a peer reports only IFA_ADDRESS
  const local = attrs.local ?? attrs.address;
  if (family === undefined || local === undefined) return undefined;
  const address = bytesToIp(local);
  const other = attrs.address && bytesToIp(attrs.address);
  // IFA_FLAGS, when present, supersedes the u8 in ifaddrmsg
  const f = attrs.flags ?? data.flags ?? {};
  return {
    index: data.index ?? 0,
    family,
    address,
    prefix: data.prefixlen ?? fullPrefix(family),
    ...(other !== undefined && other !== address && { peer: other }),
    ...(attrs.broadcast && { broadcast: bytesToIp(attrs.broadcast) }),
    ...(attrs.label !== undefined && { label: attrs.label }),
    scope: data.scope ?? 0,
    flags: {
      secondary: !!f.secondary,
      nodad: !!f.nodad,
      tentative: !!f.tentative,
      dadfailed: !!f.dadfailed,
      deprecated: !!f.deprecated,
      optimistic: !!f.optimistic,
      permanent: !!f.permanent,
      home: !!f.homeaddress,
      mngtmpaddr: !!f.managetempaddr,
      noprefixroute: !!f.noprefixroute,
      autojoin: !!f.mcautojoin,
    },
    preferredLft: lifetime(attrs.cacheInfo?.ifaPrefered),
    validLft: lifetime(attrs.cacheInfo?.ifaValid),
  };
}

export interface OwnAddressChoice {
  /** the address chosen before; kept while the interface still has it */
  readonly current?: string;
  /** addresses that must not be chosen: the interface's VIPs (canonical text) */
  readonly exclude?: ReadonlySet<string>;
}

/**
 * The address an instance sends adverts from and compares in elections
 * (RFC 5798 §5.1.1.2, §6.4.3): keepalived takes the first address the kernel
 * reports for the interface that is not one of its VIPs — in a dump primaries
 * come before secondaries — and keeps it until it is deleted. (On deletion
 * keepalived falls back to the last address it saw; here, to the first one.)
 */
export function primaryIpv4(addrs: readonly AddressInfo[], index: number, choice: OwnAddressChoice = {}): string | undefined {
  return pick(addrs, index, choice, (a) => a.family === 4 && !a.flags.secondary);
}

/** IPv6 adverts come from a link-local address (RFC 5798 §5.1.2.2), chosen as primaryIpv4 is. */
export function ipv6LinkLocal(addrs: readonly AddressInfo[], index: number, choice: OwnAddressChoice = {}): string | undefined {
  return pick(addrs, index, choice, (a) => a.family === 6 && a.scope === RT_SCOPES.link);
}

function pick(addrs: readonly AddressInfo[], index: number, choice: OwnAddressChoice, fits: (a: AddressInfo) => boolean): string | undefined {
  const candidates = addrs.filter((a) => a.index === index && fits(a) && !choice.exclude?.has(a.address));
  if (choice.current !== undefined && candidates.some((a) => a.address === choice.current)) return choice.current;
  return candidates[0]?.address;
}
