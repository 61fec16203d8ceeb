// VRRP sockets (RFC 5798 §5.1): raw IP protocol 112 on one interface, for
// adverts both ways. IPv4 goes through `raw-socket` with IP_HDRINCL, so tskad
// writes the IPv4 header itself, as keepalived 2.2.7 does (vrrp.c
// vrrp_build_ip4); IPv6 goes through the native addon, whose recvmsg gives
// each packet's destination and hop limit. The socket only moves bytes:
// decoding and the receiver checks stay in src/vrrp.
//
// Each packet carries its age, from the kernel's receive stamp, so that the
// Master_Down_Timer it restarts counts from its arrival (RFC 5798 §6.4.2)
// rather than from when the event loop reached it, 0.2–0.8 ms later on an
// idle backup. raw-socket does not hand out its descriptor; the addon finds
// it among the process's raw sockets the moment it is opened.
//
// Sharing (keepalived's sockpool, vrrp_scheduler.c already_exist_sock): every
// instance with the same interface, family and group — or, in unicast mode,
// the same source address — uses one socket, named by `sockpoolKey()`. Its
// owner keeps a Map<vrid, instance> per socket and routes each packet by
// `vridOf(packet.payload)` (RFC 5798 §5.2.3), dropping unknown VRIDs
// (keepalived's log_unknown_vrids); unicast instances sharing a VRID are told
// apart by the packet's source among their peers.
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { bytesToIp, canonicalIp, ipToBytes, type Family } from './ip.js';
import { loadNative, type NativeAddon, type PreludeOp, type Vrrp6Socket } from './native.js';
import { errnoError, type PreludePart } from './prelude-part.js';
import { advertPriority, decodeIpv4, internetChecksum, IPPROTO_VRRP } from '../vrrp/packet.js';

/** RFC 5798 §5.1.1.3 / §5.1.2.3: TTL / hop limit of multicast adverts, checked on receipt */
export const VRRP_TTL = 255;

export interface VrrpLink {
  readonly ifname: string;
  readonly ifindex: number;
  readonly family: Family;
}

/**
 * Multicast mode: the group to join (config/effective-vrrp.ts `mcastGroup`).
 * Unicast mode (`unicast_peer`): adverts reach us at `src` (`unicast_src_ip`
 * or the primary address); the peers are the destinations of `send`.
 */
export type VrrpSocketOptions = VrrpLink & ({ readonly group: string; readonly unicast?: undefined } | { readonly unicast: { readonly src: string }; readonly group?: undefined });

/** One advertisement (RFC 5798 §6.4.3 "send an ADVERTISEMENT"): to the group, or to every unicast peer. */
export interface OutgoingAdvert {
  /** The instance's primary address, `mcast_src_ip` or `unicast_src_ip`; over IPv6 the link-local address */
  readonly src: string;
  /** `unicast_ttl`; without it 255, except IPv6 unicast, which keeps the kernel's hop limit as keepalived does */
  readonly ttl?: number;
  /** The group, or each peer, with its VRRP message (VRRPv3's checksum covers the destination, §5.2.8) */
  readonly to: readonly { readonly dst: string; readonly message: Buffer }[];
}

export interface ReceivedPacket {
  /** The VRRP message (the IP payload) */
  readonly payload: Buffer;
  /** the source as text, for state and logs */
  readonly source: string;
  /** the IP header's source and destination (4 or 16 bytes), for VRRPv3's pseudo-header */
  readonly srcBytes: Uint8Array;
  readonly dstBytes: Uint8Array;
  /** IPv4 TTL or IPv6 hop limit */
  readonly ttl: number;
  readonly multicast: boolean;
  readonly ifindex: number;
  /** ms since the packet reached the host, from the kernel's receive stamp; absent or -1 when unknown */
  readonly age?: number;
}

export interface VrrpSocketHandlers {
  readonly packet: (packet: ReceivedPacket) => void;
  /** The socket failed while reading; it is closed */
  readonly error: (err: Error) => void;
}

export interface VrrpSocket {
  readonly key: string;
  readonly ifindex: number;
  readonly family: Family;
  /** Sends the advert to each destination; rejects, once all were tried, with the errno error of each that failed. */
  send(advert: OutgoingAdvert): Promise<void>;
  /** Does what send() does short of the system call, so that its code is compiled before a takeover needs it. */
  rehearse(advert: OutgoingAdvert): void;
  /**
   * send(advert) as a timer prelude's part; undefined when this socket's
   * descriptor is not known. A farewell's (the stop's priority-0 advert)
   * takes no IPv4 id of the instance's: the kernel picks it, so its bytes
   * hold for as long as the advert does.
   */
  preludePart(advert: OutgoingAdvert, farewell?: boolean): PreludePart | undefined;
  /** Stops delivery and closes the descriptor; idempotent. */
  close(): void;
}

/** The address adverts reach this socket at: the group, or the unicast source. */
const boundAddress = (o: VrrpSocketOptions): string => canonicalIp(o.unicast ? o.unicast.src : o.group);

/** Equal keys share a socket (see the header). */
export const sockpoolKey = (o: VrrpSocketOptions): string =>
  `${o.ifindex}/${o.family}/${o.unicast ? 'unicast' : 'multicast'}/${boundAddress(o)}`;

/** The VRID octet of a VRRP message (RFC 5798 §5.2.3), for demultiplexing a shared socket. */
export const vridOf = (payload: Uint8Array): number | undefined => payload[1];

/** 224.0.0.0/4 (RFC 5771) or ff00::/8 (RFC 4291 §2.7) */
export const isMulticast = (addr: Uint8Array): boolean => (addr.length === 4 ? (addr[0]! & 0xf0) === 0xe0 : addr[0] === 0xff);

const IPV4_HEADER_LENGTH = 20;

/**
 * The IPv4 header keepalived puts on an advert (vrrp.c vrrp_build_ip4): TOS
 * 0xc0 (precedence internetwork control), DF clear, protocol 112
 * (RFC 5798 §5.1.1.4). The kernel would fill in the checksum; it is computed
 * here so the bytes handed over are the packet as sent.
 */
export function ipv4Header(f: { src: string; dst: string; ttl: number; id: number; payloadLength: number }): Buffer {
  const h = Buffer.alloc(IPV4_HEADER_LENGTH);
  h[0] = 0x45;
  h[1] = 0xc0;
  h.writeUInt16BE(h.length + f.payloadLength, 2);
  h.writeUInt16BE(f.id, 4);
  h[8] = f.ttl;
  h[9] = IPPROTO_VRRP;
  ipToBytes(f.src).copy(h, 12);
  ipToBytes(f.dst).copy(h, 16);
  h.writeUInt16BE(internetChecksum(h), 10);
  return h;
}

/** Every destination's failure at once, or nothing. */
function throwFailures(failed: readonly Error[]): void {
  if (failed.length > 0) throw new AggregateError(failed, failed.map((e) => e.message).join('; '));
}

/** Sends to every destination even if some fail, as keepalived does (it logs each failure and goes on). */
async function sendEach(advert: OutgoingAdvert, sendOne: (message: Buffer, dst: string) => Promise<void>): Promise<void> {
  const results = await Promise.allSettled(advert.to.map(({ dst, message }) => sendOne(message, dst)));
  throwFailures(results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : [])));
}

/**
 * Whether `advert` stays unsent because the stop's farewell, sent from the
 * signal handler, has left: peers must hear nothing above priority 0 after it.
 */
const silencedByFarewell = (native: NativeAddon, advert: OutgoingAdvert): boolean =>
  advert.to.length > 0 && advertPriority(advert.to[0]!.message) > 0 && native.farewellGone();

/** A prelude's sends of `advert`, one op per destination, settling as sendEach would. */
function advertPart(advert: OutgoingAdvert, op: (message: Buffer, dst: string) => PreludeOp, ifname: string, sent: () => void): PreludePart {
  return {
    ops: advert.to.map(({ dst, message }) => op(message, dst)),
    outcome: async (errnos) => {
      sent();
      throwFailures(advert.to.flatMap(({ dst }, i) => (errnos[i] ? [withContext(`send to ${dst}`, ifname, errnoError('sendto', errnos[i]!))] : [])));
    },
  };
}

// ---------------------------------------------------------------- IPv4: raw-socket

/** Each message's packet with IP id 0, by message: an advert is sent unchanged for as long as nothing it holds changes (instance.ts outgoing). */
const packets = new WeakMap<Buffer, { readonly src: string; readonly dst: string; readonly ttl: number; readonly packet: Buffer }>();

/** The packet of `message` to `dst` with IP id `id`, a copy of its own: a prelude keeps its bytes until its timer runs. */
function ipv4Packet(advert: OutgoingAdvert, id: number, message: Buffer, dst: string): Buffer {
  const { src } = advert;
  const ttl = advert.ttl ?? VRRP_TTL;
  let known = packets.get(message);
  if (known?.src !== src || known.dst !== dst || known.ttl !== ttl) {
    known = { src, dst, ttl, packet: Buffer.concat([ipv4Header({ src, dst, ttl, id: 0, payloadLength: message.length }), message]) };
    packets.set(message, known);
  }
  const packet = Buffer.from(known.packet);
  if (id === 0) return packet;
  packet.writeUInt16BE(id, 4);
  packet.writeUInt16BE(0, 10);
  packet.writeUInt16BE(internetChecksum(packet.subarray(0, IPV4_HEADER_LENGTH)), 10);
  return packet;
}

interface RawSocket {
  setOption(level: number, option: number, value: number): void;
  setOption(level: number, option: number, value: Buffer, length: number): void;
  /**
   * The C++ socket under raw-socket's queue. Its send() is one sendto(2) on
   * the caller's stack, throwing the errno text; the public send() instead
   * waits for the descriptor to poll writable, a turn of the event loop
   * behind everything else that turn does (measured 2–3 ms at a takeover).
   */
  readonly wrap: { send(buffer: Buffer, offset: number, length: number, address: string, sent: (bytes: number) => void): void };
  on(event: 'message', listener: (buffer: Buffer, source: string) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  close(): void;
}

interface RawSocketModule {
  createSocket(options: { protocol: number; addressFamily: number; bufferSize: number }): RawSocket;
  readonly AddressFamily: { readonly IPv4: number };
}

// <linux/socket.h>, <linux/in.h>, <asm-generic/socket.h>
const AF_INET = 2;
const SOL_SOCKET = 1;
const SO_BINDTODEVICE = 25;
const IPPROTO_IP = 0;
const IP_HDRINCL = 3;
const IP_MULTICAST_IF = 32;
const IP_MULTICAST_LOOP = 34;
const IP_ADD_MEMBERSHIP = 35;
const IP_MULTICAST_ALL = 49;
/** the largest IPv4 datagram: nothing is ever truncated */
const MAX_IPV4 = 65535;

/** struct ip_mreqn { imr_multiaddr; imr_address; int imr_ifindex } */
function ipMreqn(group: string, ifindex: number): Buffer {
  const b = Buffer.alloc(12);
  ipToBytes(group).copy(b, 0);
  if (endianness() === 'LE') b.writeInt32LE(ifindex, 8);
  else b.writeInt32BE(ifindex, 8);
  return b;
}

function withContext(what: string, ifname: string, err: unknown): Error {
  return new Error(`${what} on ${ifname}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

class Ipv4VrrpSocket implements VrrpSocket {
  readonly family = 4 as const;
  readonly key: string;
  readonly ifindex: number;
  private readonly ifname: string;
  private readonly raw: RawSocket;
  private readonly addon: NativeAddon;
  /** raw-socket's descriptor, found for its receive stamps (native.ts ReceiveStampCalls) */
  private readonly fd: number | undefined;
  /** keepalived's IP id, one counter per instance (VRID): first 1, never 0, for which the kernel would pick one */
  private readonly lastIds = new Map<number, number>();
  private closed = false;

  constructor(o: VrrpSocketOptions, handlers: VrrpSocketHandlers) {
    this.key = sockpoolKey(o);
    this.ifindex = o.ifindex;
    this.ifname = o.ifname;
    const bound = boundAddress(o);
    const rawSocket = createRequire(import.meta.url)('raw-socket') as RawSocketModule;
    this.addon = loadNative();
    const before = new Set(this.addon.rawSocketFds(AF_INET, IPPROTO_VRRP));
    this.raw = rawSocket.createSocket({ protocol: IPPROTO_VRRP, addressFamily: rawSocket.AddressFamily.IPv4, bufferSize: MAX_IPV4 });
    // opened synchronously just now: the one new descriptor is raw-socket's
    const opened = this.addon.rawSocketFds(AF_INET, IPPROTO_VRRP).filter((fd) => !before.has(fd));
    this.fd = opened.length === 1 ? opened[0] : undefined;
    if (this.fd !== undefined) this.addon.receiveAge(this.fd);
    const set = (what: string, level: number, option: number, value: number | Buffer): void => {
      try {
        if (typeof value === 'number') this.raw.setOption(level, option, value);
        else this.raw.setOption(level, option, value, value.length);
      } catch (e) {
        this.raw.close();
        throw withContext(`setsockopt ${what}`, o.ifname, e);
      }
    };
    // the options of keepalived's read and send sockets (vrrp.c open_vrrp_*_socket), on one socket
    set('SO_BINDTODEVICE', SOL_SOCKET, SO_BINDTODEVICE, Buffer.from(`${o.ifname}\0`));
    set('IP_HDRINCL', IPPROTO_IP, IP_HDRINCL, 1);
    // only the groups this socket joined, not every group the host is in
    set('IP_MULTICAST_ALL', IPPROTO_IP, IP_MULTICAST_ALL, 0);
    if (!o.unicast) {
      set('IP_ADD_MEMBERSHIP', IPPROTO_IP, IP_ADD_MEMBERSHIP, ipMreqn(bound, o.ifindex));
      set('IP_MULTICAST_IF', IPPROTO_IP, IP_MULTICAST_IF, ipMreqn('0.0.0.0', o.ifindex));
      // our own adverts are not news to us
      set('IP_MULTICAST_LOOP', IPPROTO_IP, IP_MULTICAST_LOOP, 0);
    }
    const boundBytes = ipToBytes(bound);
    this.raw.on('message', (buffer) => {
      // raw-socket reuses its buffer for the next packet
      const ip = decodeIpv4(Buffer.from(buffer));
      // The kernel validated the header (ip_rcv); keepalived binds its socket to
      // the group or the unicast source, which raw-socket cannot: the same
      // filter, on the destination.
      if ('kind' in ip || !ip.dst.equals(boundBytes)) return;
      handlers.packet({
        payload: ip.payload,
        source: bytesToIp(ip.src),
        srcBytes: ip.src,
        dstBytes: ip.dst,
        ttl: ip.ttl,
        multicast: isMulticast(ip.dst),
        ifindex: this.ifindex,
        age: this.fd === undefined ? -1 : this.addon.receiveAge(this.fd),
      });
    });
    this.raw.on('error', (err) => {
      this.close();
      handlers.error(withContext('VRRP socket', o.ifname, err));
    });
  }

  /** The IP id of the advert's next send, and how to make it the last used: one per advert, every unicast peer gets the same (vrrp.c vrrp_send_adv). */
  private nextId(advert: OutgoingAdvert): { readonly id: number; readonly use: () => void } {
    const vrid = vridOf(advert.to[0]?.message ?? Buffer.alloc(0)) ?? 0;
    const id = ((this.lastIds.get(vrid) ?? 0) % 0xffff) + 1;
    return { id, use: () => void this.lastIds.set(vrid, id) };
  }

  send(advert: OutgoingAdvert): Promise<void> {
    // raw-socket would quietly open a fresh socket
    if (this.closed) return Promise.reject(new Error('send: the VRRP socket is closed'));
    if (silencedByFarewell(this.addon, advert)) return Promise.resolve();
    const { id, use } = this.nextId(advert);
    use();
    return sendEach(advert, async (message, dst) => {
      const packet = ipv4Packet(advert, id, message, dst);
      // keepalived adds MSG_DONTROUTE to multicast sends, which raw-socket cannot; out of a
      // bound interface a multicast route is on-link anyway (routes shorter than /4 are ignored).
      // On the wire before send() returns, as keepalived's sendto (vrrp.c vrrp_send_pkt).
      try {
        this.raw.wrap.send(packet, 0, packet.length, dst, () => undefined);
      } catch (e) {
        throw withContext(`send to ${dst}`, this.ifname, e);
      }
    });
  }

  rehearse(advert: OutgoingAdvert): void {
    void sendEach(advert, async (message, dst) => void ipv4Packet(advert, 0, message, dst));
  }

  preludePart(advert: OutgoingAdvert, farewell = false): PreludePart | undefined {
    const fd = this.fd;
    if (this.closed || fd === undefined) return undefined;
    // id 0: the kernel picks one (raw(7), IP_HDRINCL)
    const { id, use } = farewell ? { id: 0, use: () => undefined } : this.nextId(advert);
    return advertPart(advert, (message, dst) => ({ kind: 'ipv4', fd, data: ipv4Packet(advert, id, message, dst), dst: ipToBytes(dst) }), this.ifname, use);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.raw.close();
  }
}

// ---------------------------------------------------------------- IPv6: the native addon

class Ipv6VrrpSocket implements VrrpSocket {
  readonly family = 6 as const;
  readonly key: string;
  readonly ifindex: number;
  private readonly ifname: string;
  private readonly addon: NativeAddon;
  private readonly native: Vrrp6Socket;
  private closed = false;

  constructor(o: VrrpSocketOptions, handlers: VrrpSocketHandlers) {
    this.key = sockpoolKey(o);
    this.ifindex = o.ifindex;
    this.ifname = o.ifname;
    this.addon = loadNative();
    const { Vrrp6Socket } = this.addon;
    this.native = new Vrrp6Socket(
      { ifname: o.ifname, ifindex: o.ifindex, address: ipToBytes(boundAddress(o)) },
      (payload, source, destination, hopLimit, ifindex, age) =>
        handlers.packet({
          payload,
          source: bytesToIp(source),
          srcBytes: source,
          dstBytes: destination,
          ttl: hopLimit,
          multicast: isMulticast(destination),
          ifindex,
          age,
        }),
      (err) => {
        this.close();
        handlers.error(err);
      },
    );
  }

  rehearse(advert: OutgoingAdvert): void {
    ipToBytes(advert.src);
    void sendEach(advert, async (_message, dst) => void ipToBytes(dst));
  }

  preludePart(advert: OutgoingAdvert): PreludePart | undefined {
    const fd = this.native.fd;
    if (this.closed || fd < 0) return undefined;
    const src = ipToBytes(advert.src);
    const op = (data: Buffer, dst: string): PreludeOp => ({ kind: 'ipv6', fd, ifindex: this.ifindex, data, src, dst: ipToBytes(dst), hopLimit: advert.ttl ?? -1 });
    return advertPart(advert, op, this.ifname, () => undefined);
  }

  send(advert: OutgoingAdvert): Promise<void> {
    if (silencedByFarewell(this.addon, advert)) return Promise.resolve();
    const src = ipToBytes(advert.src);
    return sendEach(advert, async (message, dst) => {
      try {
        this.native.send(message, src, ipToBytes(dst), advert.ttl ?? -1);
      } catch (e) {
        throw withContext(`send to ${dst}`, this.ifname, e);
      }
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.native.close();
  }
}

/** Opens the VRRP socket for `options` (root or CAP_NET_RAW); throws with the errno text if the kernel refuses. */
export function openVrrpSocket(options: VrrpSocketOptions, handlers: VrrpSocketHandlers): VrrpSocket {
  return options.family === 4 ? new Ipv4VrrpSocket(options, handlers) : new Ipv6VrrpSocket(options, handlers);
}
