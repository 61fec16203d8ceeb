// Puts the gratuitous ARPs and unsolicited Neighbour Advertisements of a new
// master on the wire, one frame per VIP (RFC 5798 §6.4.1; RFC 4861 §7.2.6
// for the NAs), paced as keepalived 2.2.7 paces them (vrrp_arp.c,
// vrrp_ndisc.c): after a frame leaves, the next of the same kind on that
// interface waits `vrrp_garp_interval` (ARP) or `vrrp_gna_interval` (NA);
// with 0 they go back to back. ARP and NA are paced independently, and
// interfaces of one `garp_group` share one pace. How many bursts and when
// (garp_master_repeat, _delay, _refresh) is the caller's; so is skipping
// NOARP interfaces. Frames come from the pure builders in announce.ts and
// leave through the native addon's AF_PACKET socket.
import { performance } from 'node:perf_hooks';
import { gratuitousArp, unsolicitedNa } from './announce.js';
import { familyOf } from './ip.js';
import { loadNative, type PacketSocket } from './native.js';
import { errnoError, type PreludePart } from './prelude-part.js';

export interface AnnounceLink {
  readonly ifindex: number;
  readonly mac: Buffer;
  /** The interface forwards IPv6: NAs carry the Router flag (RFC 4861 §4.4) */
  readonly router: boolean;
  /** Seconds between GARPs on this interface (`vrrp_garp_interval`, or its garp_group's) */
  readonly garpInterval: number;
  /** Seconds between unsolicited NAs (`vrrp_gna_interval`, or its garp_group's) */
  readonly gnaInterval: number;
  /** The garp_group the interface belongs to; alone, it is paced by itself */
  readonly garpGroup?: string;
}

interface Pending {
  readonly frame: Buffer;
  readonly ifindex: number;
  readonly done: (err?: Error) => void;
}

/** One kind of frame on one interface (or garp_group): a FIFO that honours the gap. */
class Lane {
  private nextAt = 0;
  private readonly queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private intervalMs = 0;

  constructor(private readonly send: (frame: Buffer, ifindex: number) => void) {}

  push(frame: Buffer, ifindex: number, intervalMs: number): Promise<void> {
    this.intervalMs = intervalMs;
    return new Promise((resolve, reject) => {
      this.queue.push({ frame, ifindex, done: (err) => (err ? reject(err) : resolve()) });
      if (this.timer === undefined) this.drain();
    });
  }

  private drain(): void {
    this.timer = undefined;
    while (this.queue.length > 0) {
      const wait = this.nextAt - performance.now();
      if (wait > 0) {
        this.timer = setTimeout(() => this.drain(), wait);
        return;
      }
      const p = this.queue.shift()!;
      try {
        this.send(p.frame, p.ifindex);
        p.done();
      } catch (e) {
        // keepalived logs a failed send and carries on with the next
        p.done(e as Error);
      }
      this.nextAt = performance.now() + this.intervalMs;
    }
  }

  close(): void {
    clearTimeout(this.timer);
    for (const p of this.queue.splice(0)) p.done(new Error('frame sender closed'));
  }
}

/** Every failure of an announcement at once, or nothing. */
function announced(link: AnnounceLink, vips: readonly string[], failed: readonly Error[]): void {
  if (failed.length > 0) throw new AggregateError(failed, `${failed.length} of ${vips.length} announcements failed on ifindex ${link.ifindex}: ${failed[0]!.message}`);
}

export class FrameSender {
  private socket: PacketSocket | undefined;
  private readonly lanes = new Map<string, Lane>();

  /**
   * Sends a GARP per IPv4 VIP and an unsolicited NA per IPv6 VIP on `link`, in
   * order, each kind paced on its own. Resolves when all have left; rejects
   * with every failure once all were tried.
   */
  async announce(link: AnnounceLink, vips: readonly string[]): Promise<void> {
    const pace = link.garpGroup ?? `if${link.ifindex}`;
    const sends = vips.map((vip) =>
      familyOf(vip) === 4
        ? this.lane(`${pace}/arp`).push(gratuitousArp(link.mac, vip), link.ifindex, link.garpInterval * 1000)
        : this.lane(`${pace}/na`).push(unsolicitedNa(link.mac, vip, link.router), link.ifindex, link.gnaInterval * 1000),
    );
    announced(link, vips, (await Promise.allSettled(sends)).flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : [])));
  }

  /**
   * announce(link, vips) as a timer prelude's part, where it needs no
   * pacing: gratuitous ARPs only (an NA's Router flag is read from /proc
   * when it is sent), with no vrrp_garp_interval between them.
   */
  announcePart(link: AnnounceLink, vips: readonly string[]): PreludePart | undefined {
    if (link.garpInterval > 0 || vips.some((vip) => familyOf(vip) !== 4)) return undefined;
    const fd = this.packetSocket().fd;
    return {
      ops: vips.map((vip) => ({ kind: 'frame', fd, ifindex: link.ifindex, data: gratuitousArp(link.mac, vip) })),
      outcome: async (errnos) => announced(link, vips, errnos.flatMap((e) => (e ? [errnoError('sendto(AF_PACKET)', e)] : []))),
    };
  }

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new Lane((frame, ifindex) => this.packetSocket().send(frame, ifindex));
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /** Opened on first use (a send, or a timer prelude prepared): a process that never may become master needs no AF_PACKET socket. */
  private packetSocket(): PacketSocket {
    this.socket ??= new (loadNative().PacketSocket)();
    return this.socket;
  }

  /** Drops what is still waiting (its promises reject) and closes the socket. */
  close(): void {
    for (const lane of this.lanes.values()) lane.close();
    this.lanes.clear();
    this.socket?.close();
    this.socket = undefined;
  }
}
