// VRRP advertisement codec, pure and total: VRRPv2 (RFC 3768 §5) and VRRPv3
// (RFC 5798 §5) over IPv4 and IPv6. Decoding never throws: a bad packet is a
// DecodeError whose kind names the statistics counter it increments.
import { bytesToIp, ipToBytes, type Family } from '../net/ip.js';

export const IPPROTO_VRRP = 112;
export const VRRP_TYPE_ADVERTISEMENT = 1;
export const AUTH_NONE = 0;
export const AUTH_PASS = 1;
export const AUTH_AH = 2;
const V2_AUTH_DATA_LEN = 8;
const HEADER_LEN = 8;

export interface Advert {
  readonly version: 2 | 3;
  readonly vrid: number;
  readonly priority: number;
  /** advertisement interval in centiseconds (VRRPv2's whole seconds × 100) */
  readonly maxAdverInt: number;
  readonly addresses: readonly string[];
  /** VRRPv2 only (RFC 3768 §5.3.6); 0 in VRRPv3 */
  readonly authType: number;
  /** VRRPv2 PASS: the 8 octets of the key, zero padded */
  readonly authData?: Buffer;
}

/**
 * How the VRRPv3 checksum's pseudo-header was formed (RFC 5798 §5.2.8).
 * `rfc`: source and destination of the packet. `no-pseudo`: VRRPv2's rule
 * (keepalived's `v3_checksum_as_v2`, for IPv4 peers that omit the pseudo-header).
 * `mcast-dst`: the multicast group in place of the unicast destination, as
 * keepalived < 1.3.6 did in unicast mode (`old_unicast_checksum`).
 */
export type ChecksumVariant = 'rfc' | 'no-pseudo' | 'mcast-dst';

/**
 * The addresses of a VRRPv3 checksum's pseudo-header, as the IP header carries
 * them (4 or 16 bytes): a received packet's come straight from its header.
 */
export interface PacketAddrs {
  readonly family: Family;
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  /** for the `mcast-dst` variant */
  readonly mcastGroup?: Uint8Array;
}

/** PacketAddrs from address text: the sending side's, made once per encoded advert. */
export const textAddrs = (family: Family, src: string, dst: string, mcastGroup?: string): PacketAddrs => ({
  family,
  src: ipToBytes(src),
  dst: ipToBytes(dst),
  ...(mcastGroup !== undefined && { mcastGroup: ipToBytes(mcastGroup) }),
});

export type DecodeError =
  | { readonly kind: 'length'; readonly detail: string }
  | { readonly kind: 'version'; readonly version: number }
  | { readonly kind: 'type'; readonly type: number }
  | { readonly kind: 'checksum' };

export interface Decoded {
  readonly advert: Advert;
  /** which checksum rule matched (always `rfc` for VRRPv2) */
  readonly checksum: ChecksumVariant;
}

/** RFC 1071 Internet checksum over the given buffers, as if concatenated. */
export function internetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  let odd: number | undefined;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      if (odd === undefined) odd = p[i]!;
      else {
        sum += (odd << 8) | p[i]!;
        odd = undefined;
      }
    }
  }
  if (odd !== undefined) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function pseudoHeader(a: PacketAddrs, length: number, variant: ChecksumVariant): Buffer {
  if (variant === 'no-pseudo') return Buffer.alloc(0);
  const dst = variant === 'mcast-dst' && a.mcastGroup ? a.mcastGroup : a.dst;
  if (a.family === 4) {
    const b = Buffer.alloc(12);
    b.set(a.src, 0);
    b.set(dst, 4);
    b[9] = IPPROTO_VRRP;
    b.writeUInt16BE(length, 10);
    return b;
  }
  const b = Buffer.alloc(40);
  b.set(a.src, 0);
  b.set(dst, 16);
  b.writeUInt32BE(length, 32);
  b[39] = IPPROTO_VRRP;
  return b;
}

export interface EncodeOptions {
  /** VRRPv3 checksum rule; default `rfc` */
  readonly checksum?: ChecksumVariant;
}

/** The VRRP message (the IP payload). `addrs` is needed for VRRPv3's pseudo-header. */
export function encodeAdvert(ad: Advert, addrs: PacketAddrs, opts: EncodeOptions = {}): Buffer {
  const addrLen = addrs.family === 4 ? 4 : 16;
  const authLen = ad.version === 2 ? V2_AUTH_DATA_LEN : 0;
  const buf = Buffer.alloc(HEADER_LEN + ad.addresses.length * addrLen + authLen);
  buf[0] = (ad.version << 4) | VRRP_TYPE_ADVERTISEMENT;
  buf[1] = ad.vrid;
  buf[2] = ad.priority;
  buf[3] = ad.addresses.length;
  if (ad.version === 2) {
    buf[4] = ad.authType;
    // RFC 3768 §5.3.7: whole seconds
    buf[5] = Math.max(1, Math.round(ad.maxAdverInt / 100));
  } else {
    // RFC 5798 §5.2.7: 4 reserved bits, 12 bits of centiseconds
    buf.writeUInt16BE(ad.maxAdverInt & 0x0fff, 4);
  }
  ad.addresses.forEach((a, i) => ipToBytes(a).copy(buf, HEADER_LEN + i * addrLen));
  if (ad.version === 2 && ad.authData) ad.authData.copy(buf, buf.length - V2_AUTH_DATA_LEN, 0, V2_AUTH_DATA_LEN);
  const pseudo = ad.version === 3 ? pseudoHeader(addrs, buf.length, opts.checksum ?? 'rfc') : Buffer.alloc(0);
  buf.writeUInt16BE(internetChecksum(pseudo, buf), 6);
  return buf;
}

/** The 8 octets of a PASS key as sent: truncated to 8, zero padded (RFC 2338 §5.3.6.1). */
export function passAuthData(key: string): Buffer {
  const b = Buffer.alloc(V2_AUTH_DATA_LEN);
  Buffer.from(key, 'latin1').copy(b, 0, 0, V2_AUTH_DATA_LEN);
  return b;
}

/**
 * Decode a VRRP message. `accept` lists the VRRPv3 checksum rules to try, in
 * order (the instance's configured rule first); the matching one is returned.
 */
export function decodeAdvert(buf: Uint8Array, addrs: PacketAddrs, accept: readonly ChecksumVariant[] = ['rfc']): Decoded | DecodeError {
  if (buf.length < HEADER_LEN) return { kind: 'length', detail: `${buf.length} bytes, shorter than the VRRP header` };
  const version = buf[0]! >> 4;
  const type = buf[0]! & 0x0f;
  if (version !== 2 && version !== 3) return { kind: 'version', version };
  if (type !== VRRP_TYPE_ADVERTISEMENT) return { kind: 'type', type };
  if (version === 2 && addrs.family === 6) return { kind: 'version', version };
  const count = buf[3]!;
  const addrLen = addrs.family === 4 ? 4 : 16;
  const authLen = version === 2 ? V2_AUTH_DATA_LEN : 0;
  const want = HEADER_LEN + count * addrLen + authLen;
  // RFC 5798 §7.1: the length must hold the count of addresses; keepalived also drops trailing junk
  if (buf.length !== want) return { kind: 'length', detail: `${buf.length} bytes for ${count} address(es), expected ${want}` };
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let variant: ChecksumVariant = 'rfc';
  if (version === 2) {
    if (internetChecksum(view) !== 0) return { kind: 'checksum' };
  } else {
    const ok = accept.find((v) => internetChecksum(pseudoHeader(addrs, view.length, v), view) === 0);
    if (ok === undefined) return { kind: 'checksum' };
    variant = ok;
  }
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) addresses.push(bytesToIp(view.subarray(HEADER_LEN + i * addrLen, HEADER_LEN + (i + 1) * addrLen)));
  const advert: Advert =
    version === 2
      ? {
          version,
          vrid: view[1]!,
          priority: view[2]!,
          maxAdverInt: view[5]! * 100,
          addresses,
          authType: view[4]!,
          authData: Buffer.from(view.subarray(want - V2_AUTH_DATA_LEN, want)),
        }
      : { version, vrid: view[1]!, priority: view[2]!, maxAdverInt: view.readUInt16BE(4) & 0x0fff, addresses, authType: 0 };
  return { advert, checksum: variant };
}

/** The priority field of an encoded VRRP message (RFC 5798 §5.2.4). */
export const advertPriority = (message: Uint8Array): number => message[2] ?? 0;

export const isDecodeError = (r: Decoded | DecodeError): r is DecodeError => 'kind' in r;

export interface Ipv4Packet {
  /** the header's 4 bytes, not copied */
  readonly src: Buffer;
  readonly dst: Buffer;
  readonly ttl: number;
  readonly protocol: number;
  readonly payload: Buffer;
}

/** The IPv4 header a raw socket delivers in front of the payload (RFC 791). */
export function decodeIpv4(buf: Uint8Array): Ipv4Packet | DecodeError {
  if (buf.length < 20) return { kind: 'length', detail: `${buf.length} bytes, shorter than an IPv4 header` };
  const version = buf[0]! >> 4;
  const ihl = (buf[0]! & 0x0f) * 4;
  if (version !== 4 || ihl < 20 || buf.length < ihl) return { kind: 'length', detail: 'malformed IPv4 header' };
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const total = view.readUInt16BE(2);
  const end = total >= ihl && total <= view.length ? total : view.length;
  return {
    src: view.subarray(12, 16),
    dst: view.subarray(16, 20),
    ttl: view[8]!,
    protocol: view[9]!,
    payload: view.subarray(ihl, end),
  };
}

/** The counter each decode error increments (keepalived's stats names; RFC 6527 for the router-wide ones). */
export const COUNTER_OF: Record<DecodeError['kind'], string> = {
  length: 'packet_len_err',
  version: 'version_err',
  type: 'invalid_type_rcvd',
  checksum: 'checksum_err',
};
