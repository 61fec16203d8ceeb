// Receiver checks of a decoded advert against one instance (RFC 3768 §7.1,
// RFC 5798 §7.1), in keepalived 2.2.7's order and with its counters, so a
// mixed cluster logs and counts the same misconfigurations the same way.
import type { Advert } from './packet.js';
import { AUTH_AH, AUTH_NONE, AUTH_PASS } from './packet.js';

export interface ReceiveParams {
  readonly version: 2 | 3;
  readonly authType: typeof AUTH_NONE | typeof AUTH_PASS | typeof AUTH_AH;
  /** the 8 octets a PASS key is sent as */
  readonly authData?: Buffer;
  /** Advertisement_Interval, centiseconds (VRRPv2 requires a match) */
  readonly advertInt: number;
  /** the instance's VIPs (not the excluded ones), canonical text */
  readonly vips: readonly string[];
  readonly unicast: boolean;
  /** with check_unicast_src: accepted sources, with their TTL range */
  readonly peers?: ReadonlyArray<{ readonly address: string; readonly minTtl: number; readonly maxTtl: number }>;
}

export interface Received {
  readonly advert: Advert;
  readonly source: string;
  /** TTL / hop limit, when the socket could tell */
  readonly ttl?: number;
  /** the destination was a multicast group */
  readonly multicast: boolean;
}

/** Why an advert is not acted on; `counter` is keepalived's stats name (undefined: dropped silently). */
export type Rejection =
  | { readonly kind: 'ttl'; readonly ttl: number }
  | { readonly kind: 'version'; readonly version: number }
  | { readonly kind: 'invalid-auth-type'; readonly authType: number }
  | { readonly kind: 'auth-type-mismatch'; readonly authType: number }
  | { readonly kind: 'auth-failure' }
  | { readonly kind: 'interval'; readonly got: number }
  | { readonly kind: 'address-count'; readonly got: number }
  | { readonly kind: 'cast-mismatch' }
  | { readonly kind: 'address-missing'; readonly address: string }
  | { readonly kind: 'not-a-peer'; readonly source: string };

export const REJECTION_COUNTER: Record<Rejection['kind'], string | undefined> = {
  ttl: 'ip_ttl_err',
  version: 'version_err',
  'invalid-auth-type': 'invalid_authtype',
  'auth-type-mismatch': 'authtype_mismatch',
  'auth-failure': 'auth_failure',
  // keepalived drops these without counting: they mean two routers disagree on the interval
  interval: undefined,
  'address-count': 'addr_list_err',
  'cast-mismatch': 'addr_list_err',
  'address-missing': 'addr_list_err',
  'not-a-peer': undefined,
};

const VRRP_TTL = 255;

/**
 * `checkAddresses` is false when skip_check_adv_addr holds and the advert
 * comes from the master already known (keepalived's shortcut).
 */
export function checkAdvert(p: ReceiveParams, r: Received, checkAddresses: boolean): Rejection | undefined {
  const ad = r.advert;
  // RFC 5798 §7.1: TTL/hop limit must be 255; keepalived waives it for unicast peers
  if (!p.unicast && r.ttl !== undefined && r.ttl !== VRRP_TTL) return { kind: 'ttl', ttl: r.ttl };
  if (ad.version !== p.version) return { kind: 'version', version: ad.version };
  if (p.version === 2) {
    if (ad.authType !== AUTH_NONE && ad.authType !== AUTH_PASS && ad.authType !== AUTH_AH) return { kind: 'invalid-auth-type', authType: ad.authType };
    if (ad.authType !== p.authType) return { kind: 'auth-type-mismatch', authType: ad.authType };
    if (p.authType === AUTH_PASS && !(ad.authData && p.authData && ad.authData.equals(p.authData))) return { kind: 'auth-failure' };
    // RFC 3768 §7.1: the interval must match, or two masters could run at once
    if (ad.maxAdverInt !== p.advertInt) return { kind: 'interval', got: ad.maxAdverInt };
  }
  if (checkAddresses && ad.addresses.length !== p.vips.length) return { kind: 'address-count', got: ad.addresses.length };
  if (r.multicast === p.unicast) return { kind: 'cast-mismatch' };
  if (checkAddresses) {
    const sent = new Set(ad.addresses);
    const missing = p.vips.find((v) => !sent.has(v));
    if (missing !== undefined) return { kind: 'address-missing', address: missing };
  }
  if (p.unicast && p.peers) {
    const peer = p.peers.find((x) => x.address === r.source);
    if (!peer) return { kind: 'not-a-peer', source: r.source };
    if (r.ttl !== undefined && (r.ttl < peer.minTtl || r.ttl > peer.maxTtl)) return { kind: 'ttl', ttl: r.ttl };
  }
  return undefined;
}
