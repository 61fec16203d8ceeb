// The VRRP process's sockets: one per interface, family and group (or
// unicast source), shared by every instance that matches, as keepalived's
// sockpool does (vrrp_scheduler.c vrrp_create_sockpool). Packets are handed
// to the instance of their VRID (RFC 5798 §5.2.3); unicast instances that
// share a VRID on one socket are told apart by the packet's source among
// their peers. Unknown VRIDs are dropped, logged only with log_unknown_vrids.
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

  constructor(
    private readonly log: Logger,
    private readonly logUnknownVrids: boolean,
    private readonly open: typeof openVrrpSocket = openVrrpSocket,
  ) {}

  /** Registers `inst` on the socket for `options`, opening it if it is the first; returns the sender for its adverts. */
  attach(inst: VrrpRuntime, options: VrrpSocketOptions): (advert: OutgoingAdvert) => Promise<void> {
    const key = sockpoolKey(options);
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
    const socket = entry.socket;
    return (advert) => socket.send(advert);
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
  }
}
