// The VRRP process's sockets: one per interface, family and group (or
// unicast source), shared by every instance that matches, as keepalived's
// sockpool does (vrrp_scheduler.c vrrp_create_sockpool). Packets are handed
// to the instance of their VRID (RFC 5798 §5.2.3); unicast instances that
// share a VRID on one socket are told apart by the packet's source among
// their peers. Unknown VRIDs are dropped, logged only with log_unknown_vrids.
// On reload an instance moves to the socket its new options call for; a
// socket no instance uses any more is closed.
import type { PreludePart } from '../net/prelude-part.js';
import type { Logger } from '../observe/log.js';
import { openVrrpSocket, sockpoolKey, vridOf, type ReceivedPacket, type VrrpSocket, type VrrpSocketOptions } from '../net/vrrp-socket.js';
import type { OutgoingAdvert, VrrpRuntime } from './instance.js';

/** Of the instances with a packet's VRID, the one it is for: a unicast instance must list the source as a peer. */
export function pickInstance<T extends { readonly plan: { readonly unicastPeers: readonly string[] } }>(candidates: readonly T[], source: string): T | undefined {
  if (candidates.length <= 1) return candidates[0];
  return candidates.find((c) => c.plan.unicastPeers.includes(source));
}

interface Pooled {
  readonly socket: VrrpSocket;
  readonly byVrid: Map<number, VrrpRuntime[]>;
}

export class SocketPool {
  private readonly pool = new Map<string, Pooled>();
  /** the socket each instance is on */
  private readonly keyOf = new Map<VrrpRuntime, string>();
  /** each instance's last farewell part, and what it was built from (preludePart) */
  private readonly farewells = new Map<VrrpRuntime, { readonly socket: VrrpSocket; readonly advert: OutgoingAdvert; readonly part: PreludePart }>();

  constructor(
    private readonly log: Logger,
    private readonly logUnknownVrids: boolean,
    private readonly open: typeof openVrrpSocket = openVrrpSocket,
  ) {}

  /** Registers `inst` on the socket for `options`, opening it if it is the first; returns the sender for its adverts. */
  attach(inst: VrrpRuntime, options: VrrpSocketOptions): (advert: OutgoingAdvert) => Promise<void> {
    const key = sockpoolKey(options);
    const previous = this.keyOf.get(inst);
    if (previous === key) return (advert) => this.pool.get(key)!.socket.send(advert);
    let entry = this.pool.get(key);
    if (!entry) {
      const byVrid = new Map<number, VrrpRuntime[]>();
      const socket = this.open(options, {
        packet: (p) => this.deliver(byVrid, options.ifname, p),
        error: (e) => this.log.error({ err: e.message, socket: key }, `VRRP socket ${key} failed: ${e.message}`),
      });
      entry = { socket, byVrid };
      this.pool.set(key, entry);
      const mode = options.unicast ? `unicast, address(${options.unicast.src})` : `multicast, address(${options.group})`;
      this.log.debug({ socket: key }, `VRRP sockpool: [ifindex(${options.ifindex}), family(IPv${options.family}), proto(112), ${mode}]`);
    }
    entry.byVrid.set(inst.plan.vrid, [...(entry.byVrid.get(inst.plan.vrid) ?? []), inst]);
    this.keyOf.set(inst, key);
    // the new socket first, then off the old one: the instance is never without one
    if (previous !== undefined) this.leave(inst, previous);
    const socket = entry.socket;
    return (advert) => socket.send(advert);
  }

  /** The sender of the socket `inst` is on, if it is on one. */
  sender(inst: VrrpRuntime): ((advert: OutgoingAdvert) => Promise<void>) | undefined {
    const socket = this.socketOf(inst);
    return socket && ((advert) => socket.send(advert));
  }

  /** The dry run of `inst`'s sends (VrrpSocket.rehearse), if it is on a socket. */
  rehearser(inst: VrrpRuntime): ((advert: OutgoingAdvert) => void) | undefined {
    const socket = this.socketOf(inst);
    return socket && ((advert) => socket.rehearse(advert));
  }

  /**
   * `inst`'s send of `advert` as a timer prelude's part (VrrpSocket.preludePart),
   * if it is on a socket. A farewell's part is the same for as long as its
   * advert and socket are: asked for at every advert, it is built once.
   */
  preludePart(inst: VrrpRuntime, advert: OutgoingAdvert, farewell = false): PreludePart | undefined {
    const socket = this.socketOf(inst);
    if (socket === undefined || !farewell) return socket?.preludePart(advert);
    const last = this.farewells.get(inst);
    if (last?.socket === socket && last.advert === advert) return last.part;
    const part = socket.preludePart(advert, true);
    if (part) this.farewells.set(inst, { socket, advert, part });
    return part;
  }

  private socketOf(inst: VrrpRuntime): VrrpSocket | undefined {
    return this.pool.get(this.keyOf.get(inst) ?? '')?.socket;
  }

  /** Takes `inst` off its socket; closes the socket if nobody else uses it. */
  detach(inst: VrrpRuntime): void {
    const key = this.keyOf.get(inst);
    if (key === undefined) return;
    this.keyOf.delete(inst);
    this.farewells.delete(inst);
    this.leave(inst, key);
  }

  private leave(inst: VrrpRuntime, key: string): void {
    const entry = this.pool.get(key);
    if (!entry) return;
    const vrid = inst.plan.vrid;
    const rest = (entry.byVrid.get(vrid) ?? []).filter((x) => x !== inst);
    if (rest.length > 0) entry.byVrid.set(vrid, rest);
    else entry.byVrid.delete(vrid);
    if (entry.byVrid.size > 0) return;
    entry.socket.close();
    this.pool.delete(key);
  }

  private deliver(byVrid: ReadonlyMap<number, VrrpRuntime[]>, ifname: string, p: ReceivedPacket): void {
    const vrid = vridOf(p.payload);
    const inst = vrid === undefined ? undefined : pickInstance(byVrid.get(vrid) ?? [], p.source);
    if (inst) inst.receive(p);
    else if (this.logUnknownVrids) this.log.info({ vrid, ifname, source: p.source }, `Unknown VRID(${vrid}) received on interface(${ifname}) from ${p.source}. ignoring...`);
  }

  close(): void {
    for (const { socket } of this.pool.values()) socket.close();
    this.pool.clear();
    this.keyOf.clear();
  }
}
