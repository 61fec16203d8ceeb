// What a vrrp_instance actually runs with: the values keepalived 2.2.7 derives
// when the instance leaves them out (from global_defs, from the instance's
// family or state) and the corrections it makes (strict mode, per-version
// limits), as vrrp.c vrrp_complete_instance() does. Pure functions of the
// model; the VRRP engine uses these and never reads the raw fields for them.
//
// RFC 5798 §5.2.7 (advert interval in centiseconds for v3), §6.1 (priority
// 255 = address owner, default 100), §6.4 (Accept_Mode).
import type { VrrpInstance } from './schema/vrrp.js';
import { familyOf, type Family } from './schema/address.js';

/** The global_defs settings an instance inherits (keepalived.conf(5) global_defs, the vrrp_* keywords). */
export interface VrrpGlobals {
  readonly vrrpVersion?: number;
  readonly vrrpStrict?: boolean;
  readonly vrrpGarpMasterDelay?: number;
  readonly vrrpGarpMasterRepeat?: number;
  readonly vrrpGarpLowerPrioDelay?: number;
  readonly vrrpGarpLowerPrioRepeat?: number;
  readonly vrrpGarpMasterRefresh?: number;
  readonly vrrpGarpMasterRefreshRepeat?: number;
  readonly vrrpMinGarp?: boolean;
  readonly vrrpGarpExtraIf?: { readonly all: boolean; readonly interval: number };
  readonly vrrpDownTimerAdverts?: number;
  readonly vrrpLowerPrioNoAdvert?: boolean;
  readonly vrrpHigherPrioSendAdvert?: boolean;
  readonly vrrpSkipCheckAdvAddr?: boolean;
  readonly vrrpCheckUnicastSrc?: boolean;
  readonly vrrpMcastGroup4?: string;
  readonly vrrpMcastGroup6?: string;
  readonly vrrpNotifyPriorityChanges?: boolean;
  readonly smtpAlert?: boolean;
  readonly smtpAlertVrrp?: boolean;
}

/** RFC 5798 §6.1 */
export const PRIORITY_OWNER = 255;
export const PRIORITY_DEFAULT = 100;
/** RFC 5798 §6.1 Master_Down_Interval = 3 × Master_Adver_Interval + Skew_time */
export const DOWN_TIMER_ADVERTS = 3;
/** RFC 5798 §5.2.2 / keepalived's defaults: 224.0.0.18, ff02::12 */
export const VRRP_GROUP4 = '224.0.0.18';
export const VRRP_GROUP6 = 'ff02::12';

type Instance = Omit<VrrpInstance, 'name'>;

/**
 * The address family: that of the instance's addresses (keepalived takes the
 * first it reads; the validator reports any that disagree), IPv4 when there are none.
 */
export function instanceFamily(i: Instance): Family {
  if (i.nativeIpv6) return 'inet6';
  const first = i.virtualIpaddress[0]?.address ?? i.unicastPeer[0]?.address ?? i.unicastSrcIp ?? i.mcastSrcIp ?? i.mcastDstIp;
  return first === undefined ? 'inet' : familyOf(first);
}

export const isUnicast = (i: Instance): boolean => i.unicastPeer.length > 0;

export const isStrict = (i: Instance, g: VrrpGlobals): boolean => i.strictMode ?? g.vrrpStrict ?? false;

/** IPv6 runs VRRPv3; an explicit `version 2` survives only outside strict mode. */
export function vrrpVersion(i: Instance, g: VrrpGlobals): 2 | 3 {
  const v6 = instanceFamily(i) === 'inet6';
  if (v6 && (i.version === undefined || isStrict(i, g))) return 3;
  return (i.version ?? g.vrrpVersion ?? 2) === 3 ? 3 : 2;
}

/** 100, or 255 for `state MASTER` without a priority. */
export const basePriority = (i: Instance): number => i.priority ?? (i.state === 'MASTER' ? PRIORITY_OWNER : PRIORITY_DEFAULT);

export const isAddressOwner = (i: Instance): boolean => basePriority(i) === PRIORITY_OWNER;

/** Authentication as it runs: none in strict mode, under VRRPv3, without a password, or AH over IPv6. */
export function authentication(i: Instance, g: VrrpGlobals): { type: 'PASS' | 'AH'; pass: string } | undefined {
  const a = i.authentication;
  if (!a?.authType || !a.authPass || isStrict(i, g) || vrrpVersion(i, g) === 3) return undefined;
  if (a.authType === 'AH' && instanceFamily(i) === 'inet6') return undefined;
  // VRRPv2 carries 8 bytes of password
  return { type: a.authType, pass: a.authPass.slice(0, 8) };
}

/**
 * The state the instance starts in: as written, else MASTER iff owner. Strict
 * mode makes it follow ownership; AH cannot start as MASTER (it needs a
 * received sequence number first).
 */
export function initialState(i: Instance, g: VrrpGlobals): 'MASTER' | 'BACKUP' {
  const owner = isAddressOwner(i);
  if (i.state === undefined || isStrict(i, g)) return owner ? 'MASTER' : 'BACKUP';
  if (i.state === 'MASTER' && !owner && authentication(i, g)?.type === 'AH') return 'BACKUP';
  return i.state;
}

/** nopreempt, unless the instance owns the address or starts as MASTER. */
export const nopreempt = (i: Instance, g: VrrpGlobals): boolean => i.nopreempt && !isAddressOwner(i) && initialState(i, g) === 'BACKUP';

/** preempt_delay in seconds; 0 where it cannot apply (MASTER start, strict mode, nopreempt). */
export function preemptDelay(i: Instance, g: VrrpGlobals): number {
  if (initialState(i, g) === 'MASTER' || isStrict(i, g) || nopreempt(i, g)) return 0;
  return i.preemptDelay;
}

/**
 * The advert interval in seconds, as it goes on the wire: VRRPv2 whole
 * seconds 1..255 (rounded), VRRPv3 centiseconds below 40.96 s (RFC 5798 §5.2.7:
 * 12 bits), rounded to 10 ms.
 */
export function advertInterval(i: Instance, g: VrrpGlobals): number {
  const us = Math.round(i.advertInt * 1e6);
  if (vrrpVersion(i, g) === 2) return Math.min(255, Math.max(1, Math.floor((us + 500_000) / 1e6)));
  const cs = Math.min(4095, Math.max(1, Math.floor((us + 5_000) / 10_000)));
  return cs / 100;
}

/** Accept_Mode (RFC 5798 §6.1): on unless strict; strict VRRPv2 never accepts (RFC 3768 has no such mode) unless owner. */
export function acceptMode(i: Instance, g: VrrpGlobals): boolean {
  const owner = isAddressOwner(i);
  const strict = isStrict(i, g);
  const accept = i.accept ?? (owner || !strict);
  return accept && !(strict && !owner && vrrpVersion(i, g) === 2);
}

/** Adverts missed before the master counts as down; strict mode holds it to the RFC's 3. */
export const downTimerAdverts = (i: Instance, g: VrrpGlobals): number =>
  isStrict(i, g) ? DOWN_TIMER_ADVERTS : (i.downTimerAdverts ?? g.vrrpDownTimerAdverts ?? DOWN_TIMER_ADVERTS);

/** The multicast group adverts go to; undefined for a unicast instance. */
export function mcastGroup(i: Instance, g: VrrpGlobals): string | undefined {
  if (isUnicast(i)) return undefined;
  if (i.mcastDstIp !== undefined) return i.mcastDstIp;
  return instanceFamily(i) === 'inet' ? (g.vrrpMcastGroup4 ?? VRRP_GROUP4) : (g.vrrpMcastGroup6 ?? VRRP_GROUP6);
}

/** TTL / hop limit of unicast adverts: 255 for IPv4, the kernel's default (undefined) for IPv6. */
export function unicastTtl(i: Instance): number | undefined {
  if (!isUnicast(i)) return undefined;
  return i.unicastTtl ?? (instanceFamily(i) === 'inet' ? 255 : undefined);
}

/** Accept unicast adverts only from the peers: asked for, implied by a peer TTL range, or global. */
export const checkUnicastSrc = (i: Instance, g: VrrpGlobals): boolean =>
  i.checkUnicastSrc || i.unicastPeer.some((p) => p.minTtl !== undefined || p.maxTtl !== undefined) || (g.vrrpCheckUnicastSrc ?? false);

/** keepalived 2.2.7 turns the check off for any instance-level value, `off` included. */
export const skipCheckAdvAddr = (i: Instance, g: VrrpGlobals): boolean => i.skipCheckAdvAddr !== undefined || (g.vrrpSkipCheckAdvAddr ?? false);

/** A master hearing a lower priority stays quiet (RFC behaviour; forced in strict mode). */
export const lowerPrioNoAdvert = (i: Instance, g: VrrpGlobals): boolean =>
  isStrict(i, g) || (i.lowerPrioNoAdvert ?? g.vrrpLowerPrioNoAdvert ?? false);

/** Send one advert before yielding to a higher priority (never in strict mode). */
export const higherPrioSendAdvert = (i: Instance, g: VrrpGlobals): boolean =>
  !isStrict(i, g) && (i.higherPrioSendAdvert ?? g.vrrpHigherPrioSendAdvert ?? false);

export interface GarpSettings {
  /** seconds before the second burst after becoming MASTER (0: no second burst) */
  readonly masterDelay: number;
  readonly masterRepeat: number;
  readonly lowerPrioDelay: number;
  readonly lowerPrioRepeat: number;
  /** seconds between refreshes while MASTER (0: none) */
  readonly masterRefresh: number;
  readonly masterRefreshRepeat: number;
  /** periodic GARPs on the VIPs' other interfaces (interval 0: none) */
  readonly extraIf: { readonly all: boolean; readonly interval: number };
}

/** keepalived's GARP defaults (vrrp.h VRRP_GARP_*) */
const GARP = { delay: 5, repeat: 5, refreshRepeat: 1 };

/**
 * The global GARP settings. vrrp_min_garp (one GARP, no second burst) replaces
 * those still at keepalived's default, as keepalived does: it compares with
 * the default rather than knowing what was written.
 */
function globalGarp(g: VrrpGlobals) {
  const min = g.vrrpMinGarp ?? false;
  const minimal = (v: number | undefined, def: number, least: number) => (min && (v ?? def) === def ? least : (v ?? def));
  const masterDelay = minimal(g.vrrpGarpMasterDelay, GARP.delay, 0);
  const masterRepeat = minimal(g.vrrpGarpMasterRepeat, GARP.repeat, 1);
  return {
    masterDelay,
    masterRepeat,
    masterRefresh: g.vrrpGarpMasterRefresh ?? 0,
    masterRefreshRepeat: minimal(g.vrrpGarpMasterRefreshRepeat, GARP.refreshRepeat, 0),
    // the lower-priority burst defaults to the becoming-MASTER one
    lowerPrioDelay: g.vrrpGarpLowerPrioDelay ?? masterDelay,
    lowerPrioRepeat: g.vrrpGarpLowerPrioRepeat ?? masterRepeat,
  };
}

/** Gratuitous ARP / unsolicited NA settings; strict mode sends no lower-priority repeats. */
export function garp(i: Instance, g: VrrpGlobals): GarpSettings {
  const d = globalGarp(g);
  const strict = isStrict(i, g);
  return {
    masterDelay: i.garpMasterDelay ?? d.masterDelay,
    masterRepeat: i.garpMasterRepeat ?? d.masterRepeat,
    masterRefresh: i.garpMasterRefresh ?? d.masterRefresh,
    masterRefreshRepeat: i.garpMasterRefreshRepeat ?? d.masterRefreshRepeat,
    lowerPrioDelay: strict ? 0 : (i.garpLowerPrioDelay ?? d.lowerPrioDelay),
    lowerPrioRepeat: strict ? 0 : (i.garpLowerPrioRepeat ?? d.lowerPrioRepeat),
    extraIf: i.garpExtraIf ?? g.vrrpGarpExtraIf ?? { all: false, interval: 0 },
  };
}

/** Mail on transitions: the instance's smtp_alert, else global smtp_alert_vrrp, else smtp_alert, else off. */
export const smtpAlert = (i: Instance, g: VrrpGlobals): boolean => i.smtpAlert ?? g.smtpAlertVrrp ?? g.smtpAlert ?? false;

/** Priority changes to the FIFOs: the instance's, else its sync group's, else global. */
export const notifyPriorityChanges = (i: Instance, group: { notifyPriorityChanges?: boolean } | undefined, g: VrrpGlobals): boolean =>
  i.notifyPriorityChanges ?? group?.notifyPriorityChanges ?? g.vrrpNotifyPriorityChanges ?? false;
