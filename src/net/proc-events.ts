// The kernel's process events connector (NETLINK_CONNECTOR, CN_IDX_PROC;
// linux/cn_proc.h), through the `netlink` package's raw socket: fork, exec,
// comm changes and exits of every process, as keepalived 2.2.7
// core/track_process.c follows them.
//
// The connector lives in the initial network namespace only: inside another
// one the kernel refuses the subscription (ECONNREFUSED; keepalived 2.2.7
// then logs "Failed to set/clear process event listen" and never tracks
// processes). A kernel without CONFIG_PROC_EVENTS never acknowledges it.
// open() rejects in both cases, so the caller can fall back to polling.
// Lost events (ENOBUFS) are reported as `overrun`: the caller rescans /proc
// and may grow the receive buffer (global_defs process_monitor_rcv_bufs).
// SO_RCVBUFFORCE (process_monitor_rcv_bufs_force) is not available through
// the package: the kernel caps the size at net.core.rmem_max.
import { EventEmitter } from 'node:events';
import { RawNetlinkSocket } from 'netlink';

const NETLINK_CONNECTOR = 11;
const CN_IDX_PROC = 1;
const CN_VAL_PROC = 1;
const NLMSG_DONE = 3;
const PROC_CN_MCAST_LISTEN = 1;
const PROC_CN_MCAST_IGNORE = 2;
const NLMSG_HDRLEN = 16;
const CN_MSG_LEN = 20;
/** proc_event: what, cpu, timestamp_ns, then the event's data */
const EVENT_DATA = NLMSG_HDRLEN + CN_MSG_LEN + 16;

const PROC_EVENT_NONE = 0x0;
const PROC_EVENT_FORK = 0x1;
const PROC_EVENT_EXEC = 0x2;
const PROC_EVENT_COMM = 0x200;
const PROC_EVENT_EXIT = 0x80000000;

/** keepalived waits this long for the kernel's acknowledgement */
const ACK_TIMEOUT_MS = 100;

/** Events of whole processes; threads are left out, as keepalived leaves them. */
export type ProcEvent =
  | { readonly type: 'ack' }
  | { readonly type: 'fork'; readonly parent: number; readonly child: number }
  | { readonly type: 'exec'; readonly pid: number }
  | { readonly type: 'comm'; readonly pid: number; readonly comm: string }
  | { readonly type: 'exit'; readonly pid: number };

/** The subscription request (or its end): nlmsghdr, cn_msg, then the operation. */
export function listenRequest(portId: number, listen = true): Buffer {
  const b = Buffer.alloc(NLMSG_HDRLEN + CN_MSG_LEN + 4);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(NLMSG_DONE, 4);
  b.writeUInt32LE(portId, 12);
  b.writeUInt32LE(CN_IDX_PROC, 16);
  b.writeUInt32LE(CN_VAL_PROC, 20);
  b.writeUInt16LE(4, 32);
  b.writeUInt32LE(listen ? PROC_CN_MCAST_LISTEN : PROC_CN_MCAST_IGNORE, 36);
  return b;
}

/** One connector message, or undefined for one that is not a process event of interest (or is malformed). */
export function decodeProcEvent(msg: Buffer): ProcEvent | undefined {
  if (msg.length < EVENT_DATA || msg.readUInt32LE(0) > msg.length) return undefined;
  if (msg.readUInt32LE(16) !== CN_IDX_PROC || msg.readUInt32LE(20) !== CN_VAL_PROC) return undefined;
  const ack = msg.readUInt32LE(28) !== 0;
  const what = msg.readUInt32LE(36);
  // cn_proc.c: PROC_EVENT_NONE is an acknowledgement, anything else is not
  if ((what === PROC_EVENT_NONE) !== ack) return undefined;
  const u32 = (i: number) => (msg.length >= EVENT_DATA + 4 * (i + 1) ? msg.readUInt32LE(EVENT_DATA + 4 * i) : undefined);
  const whole = (pid: number | undefined, tgid: number | undefined) => (pid !== undefined && pid === tgid ? pid : undefined);
  switch (what) {
    case PROC_EVENT_NONE:
      return { type: 'ack' };
    case PROC_EVENT_FORK: {
      const child = whole(u32(2), u32(3));
      const parent = u32(1);
      return child === undefined || parent === undefined ? undefined : { type: 'fork', parent, child };
    }
    case PROC_EVENT_EXEC:
    case PROC_EVENT_EXIT:
    case PROC_EVENT_COMM: {
      const pid = whole(u32(0), u32(1));
      if (pid === undefined) return undefined;
      if (what === PROC_EVENT_EXEC) return { type: 'exec', pid };
      if (what === PROC_EVENT_EXIT) return { type: 'exit', pid };
      const raw = msg.subarray(EVENT_DATA + 8, EVENT_DATA + 24);
      const end = raw.indexOf(0);
      return { type: 'comm', pid, comm: raw.subarray(0, end < 0 ? raw.length : end).toString('latin1') };
    }
    default:
      return undefined;
  }
}

interface Events {
  event: [ProcEvent];
  /** the kernel dropped events: the listener's picture is stale */
  overrun: [];
  error: [Error];
}

export class ProcEvents extends EventEmitter<Events> {
  private closed = false;

  private constructor(private readonly socket: RawNetlinkSocket) {
    super();
  }

  /** Subscribes; resolves once the kernel has acknowledged, rejects when process events are unavailable here. */
  static open(o: { readonly receiveBuffer?: number } = {}): Promise<ProcEvents> {
    return new Promise((resolve, reject) => {
      let socket: RawNetlinkSocket;
      try {
        socket = new RawNetlinkSocket(NETLINK_CONNECTOR);
        socket.addMembership(CN_IDX_PROC);
        if (o.receiveBuffer) socket.setRecvBufferSize(o.receiveBuffer);
      } catch (e) {
        reject(e as Error);
        return;
      }
      socket.unref();
      const events = new ProcEvents(socket);
      let settled = false;
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.close();
        reject(e);
      };
      const timer = setTimeout(() => fail(new Error('the kernel does not acknowledge process events (CONFIG_PROC_EVENTS)')), ACK_TIMEOUT_MS);
      let acked = false;
      socket.on('message', (msg, rinfo) => {
        // only the kernel (port 0) speaks for the connector
        if (rinfo.port !== 0) return;
        const ev = decodeProcEvent(msg);
        if (!ev) return;
        if (ev.type === 'ack') {
          if (!settled) {
            settled = acked = true;
            clearTimeout(timer);
            resolve(events);
          }
          return;
        }
        if (acked && !events.closed) events.emit('event', ev);
      });
      socket.on('error', (e) => {
        if (!acked) fail(e);
        else if (events.closed) return;
        else if (e.code === 'ENOBUFS') events.emit('overrun');
        else events.emit('error', e);
      });
      socket.send(listenRequest(socket.address().port), {}, (e) => {
        if (e) fail(e);
      });
    });
  }

  get receiveBuffer(): number {
    return this.socket.getRecvBufferSize();
  }

  set receiveBuffer(bytes: number) {
    this.socket.setRecvBufferSize(bytes);
  }

  /** Unsubscribes, as keepalived does (the kernel counts listeners), then closes; no event is emitted from now on. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.send(listenRequest(this.socket.address().port, false), {}, () => this.socket.close());
  }
}
