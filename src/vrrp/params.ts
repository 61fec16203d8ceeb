// What one vrrp_instance runs with, in the units the engine counts in: the
// state machine's parameters (fsm.ts, milliseconds), the receiver's checks
// (advert-check.ts, centiseconds as on the wire) and the instance's plan
// (addresses, destinations, authentication, checksum rule). Pure: the
// effective values come from config/effective-vrrp.ts, which owns
// keepalived's defaults and corrections; this module only converts them.
import type { VrrpInstance } from '../config/schema/vrrp.js';
import * as eff from '../config/effective-vrrp.js';
import { canonicalIp, type Family } from '../net/ip.js';
import { vipAddressSpec, type AddressSpec } from '../net/rtnl-address.js';
import type { ReceiveParams } from './advert-check.js';
import type { VrrpParams } from './fsm.js';
import { AUTH_NONE, AUTH_PASS, passAuthData, type ChecksumVariant } from './packet.js';

type Instance = Omit<VrrpInstance, 'name'> & { readonly name: string };

export const secondsToMs = (s: number): number => Math.round(s * 1000);
/** RFC 5798 §5.2.7: the advert interval travels in centiseconds (VRRPv2: whole seconds, carried here as cs too) */
export const secondsToCs = (s: number): number => Math.round(s * 100);

/** The VRRPv3 checksum rules an IPv4 unicast instance sends with and accepts (keepalived's old_unicast_checksum). */
export interface ChecksumRule {
  readonly send: ChecksumVariant;
  /** tried in order on receipt */
  readonly accept: readonly ChecksumVariant[];
  /** switch to sending `mcast-dst` once a peer is seen using it (keepalived's CHKSUM_COMPATIBILITY_AUTO) */
  readonly autoSwitch: boolean;
}

/** Everything about an instance that does not change while it runs, apart from the FSM's parameters. */
export interface InstancePlan {
  readonly name: string;
  readonly vrid: number;
  readonly family: Family;
  readonly version: 2 | 3;
  /** the interface adverts go out on */
  readonly interface: string;
  /** Advertisement_Interval as on the wire, centiseconds */
  readonly advertIntCs: number;
  /** the VIPs carried in adverts, in config order, canonical text (RFC 5798 §5.2.9) */
  readonly advertAddresses: readonly string[];
  /** what is added on MASTER and removed on leaving it: the VIPs, then the excluded ones, each with its device */
  readonly addresses: readonly AddressSpec[];
  readonly authType: typeof AUTH_NONE | typeof AUTH_PASS;
  readonly authData?: Buffer;
  /** the multicast group adverts go to; undefined in unicast mode */
  readonly mcastGroup?: string;
  readonly unicastPeers: readonly string[];
  /** TTL / hop limit of unicast adverts; undefined: 255 for multicast, the kernel's for IPv6 unicast */
  readonly ttl?: number;
  /** mcast_src_ip / unicast_src_ip; undefined: the interface's own address */
  readonly sourceAddress?: string;
  readonly checksum: ChecksumRule;
  /** the group the `mcast-dst` checksum variant puts in the pseudo-header */
  readonly checksumGroup: string;
  readonly skipCheckAdvAddr: boolean;
  /** keepalived's wantstate at startup: `state` as keepalived 2.2.7 reads it */
  readonly initialState: 'MASTER' | 'BACKUP';
  readonly owner: boolean;
}

/** Why an instance cannot run in this build; undefined when it can. */
export function unsupported(i: Instance, g: eff.VrrpGlobals): string | undefined {
  if (eff.authentication(i, g)?.type === 'AH') return 'IPsec AH authentication is not supported; use no authentication (RFC 5798 removed it) or PASS';
  if (i.interface === undefined) return 'an instance without an interface (unicast with vrf) is not supported; set interface';
  if (i.useVmac !== undefined || i.useIpvlan !== undefined) return 'use_vmac / use_ipvlan are not supported yet';
  return undefined;
}

const familyNumber = (i: Instance): Family => (eff.instanceFamily(i) === 'inet' ? 4 : 6);

/** The state machine's parameters; `primaryAddress` is the instance's source address, for the tie-break (RFC 5798 §6.4.3). */
export function vrrpParams(i: Instance, g: eff.VrrpGlobals, primaryAddress: Uint8Array): VrrpParams {
  const garp = eff.garp(i, g);
  return {
    version: eff.vrrpVersion(i, g),
    basePriority: eff.basePriority(i),
    advertInt: secondsToMs(eff.advertInterval(i, g)),
    preempt: !eff.nopreempt(i, g),
    preemptDelay: secondsToMs(eff.preemptDelay(i, g)),
    downTimerAdverts: eff.downTimerAdverts(i, g),
    lowerPrioNoAdvert: eff.lowerPrioNoAdvert(i, g),
    higherPrioSendAdvert: eff.higherPrioSendAdvert(i, g),
    garpMasterRepeat: garp.masterRepeat,
    garpMasterDelay: secondsToMs(garp.masterDelay),
    garpLowerPrioRepeat: garp.lowerPrioRepeat,
    garpLowerPrioDelay: secondsToMs(garp.lowerPrioDelay),
    garpMasterRefresh: secondsToMs(garp.masterRefresh),
    garpMasterRefreshRepeat: garp.masterRefreshRepeat,
    primaryAddress,
  };
}

/** The receiver's checks (advert-check.ts). */
export function receiveParams(i: Instance, g: eff.VrrpGlobals): ReceiveParams {
  const auth = eff.authentication(i, g);
  const unicast = eff.isUnicast(i);
  return {
    version: eff.vrrpVersion(i, g),
    authType: auth ? AUTH_PASS : AUTH_NONE,
    ...(auth && { authData: passAuthData(auth.pass) }),
    advertInt: secondsToCs(eff.advertInterval(i, g)),
    vips: i.virtualIpaddress.map((v) => canonicalIp(v.address)),
    unicast,
    ...(unicast &&
      eff.checkUnicastSrc(i, g) && {
        peers: i.unicastPeer.map((p) => ({ address: canonicalIp(p.address), minTtl: p.minTtl ?? 0, maxTtl: p.maxTtl ?? 255 })),
      }),
  };
}

/**
 * keepalived < 1.3.6 put the multicast group in the VRRPv3 pseudo-header of
 * unicast adverts. `old_unicast_checksum` sends that way; `never` refuses it;
 * unset accepts both and follows a peer that uses the old rule.
 */
function checksumRule(i: Instance, g: eff.VrrpGlobals): ChecksumRule {
  const applies = eff.isUnicast(i) && eff.vrrpVersion(i, g) === 3 && familyNumber(i) === 4;
  if (!applies || i.oldUnicastChecksum === 'never') return { send: 'rfc', accept: ['rfc'], autoSwitch: false };
  if (i.oldUnicastChecksum === 'on') return { send: 'mcast-dst', accept: ['mcast-dst'], autoSwitch: false };
  return { send: 'rfc', accept: ['rfc', 'mcast-dst'], autoSwitch: true };
}

export function instancePlan(i: Instance, g: eff.VrrpGlobals): InstancePlan {
  const dev = i.interface ?? '';
  const auth = eff.authentication(i, g);
  const group = eff.mcastGroup(i, g);
  const ttl = eff.unicastTtl(i);
  const source = eff.isUnicast(i) ? i.unicastSrcIp : i.mcastSrcIp;
  return {
    name: i.name,
    vrid: i.virtualRouterId,
    family: familyNumber(i),
    version: eff.vrrpVersion(i, g),
    interface: dev,
    advertIntCs: secondsToCs(eff.advertInterval(i, g)),
    advertAddresses: i.virtualIpaddress.map((v) => canonicalIp(v.address)),
    addresses: [...i.virtualIpaddress, ...i.virtualIpaddressExcluded].map((v) => vipAddressSpec(v, dev)),
    authType: auth ? AUTH_PASS : AUTH_NONE,
    ...(auth && { authData: passAuthData(auth.pass) }),
    ...(group !== undefined && { mcastGroup: canonicalIp(group) }),
    unicastPeers: i.unicastPeer.map((p) => canonicalIp(p.address)),
    ...(ttl !== undefined && { ttl }),
    ...(source !== undefined && { sourceAddress: canonicalIp(source) }),
    checksum: checksumRule(i, g),
    checksumGroup: g.vrrpMcastGroup4 ?? eff.VRRP_GROUP4,
    skipCheckAdvAddr: eff.skipCheckAdvAddr(i, g),
    initialState: eff.initialState(i, g),
    owner: eff.isAddressOwner(i),
  };
}
