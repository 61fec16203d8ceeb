// A child process that holds tskad's sockets inside a network namespace for
// the netns tests (a process cannot open sockets in another namespace). It
// reads one JSON request per line on stdin and answers each with one JSON
// line on stdout carrying the same `seq`; received packets come as
// `{"event":"packet"}` lines. Buffers travel as hex.
import { readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { FrameSender, type AnnounceLink } from '../../src/net/frame-sender.js';
import { loadNative } from '../../src/net/native.js';
import { bytesToIp } from '../../src/net/ip.js';
import type { PreludePart } from '../../src/net/prelude-part.js';
import { Rtnl } from '../../src/net/rtnl.js';
import type { AddressSpec } from '../../src/net/rtnl-address.js';
import { openVrrpSocket, type OutgoingAdvert, type VrrpSocket, type VrrpSocketOptions } from '../../src/net/vrrp-socket.js';

export type Request =
  | { seq: number; op: 'open'; sock: string; options: VrrpSocketOptions }
  | { seq: number; op: 'send'; sock: string; src: string; ttl?: number; to: Array<{ dst: string; message: string }> }
  | { seq: number; op: 'close'; sock: string }
  | { seq: number; op: 'fds' }
  /** holds the event loop for `ms`, as a long GC pause would: packets wait in the socket */
  | { seq: number; op: 'block'; ms: number }
  | { seq: number; op: 'announce'; link: WireLink; vips: string[] }
  /**
   * Arms a precise timer `delayMs` ahead with a timer prelude: the advert
   * on `sock`, then the address add, then the GARPs; then holds the event
   * loop for `blockMs`, so that the expiry and packets arriving meanwhile
   * wait for it together. Answers with the ops' errnos (null: the prelude did
   * not run) and each part's outcome ('ok' or its error's message). With
   * `farewell`, the advert is a stop's (VrrpSocket.preludePart).
   */
  | { seq: number; op: 'prelude'; sock: string; delayMs: number; blockMs: number; src: string; to: Array<{ dst: string; message: string }>; add?: AddressSpec & { ifindex: number }; garp?: { link: WireLink; vips: string[] }; farewell?: boolean };

type WireLink = Omit<AnnounceLink, 'mac'> & { mac: string };

export type Reply = { seq: number } & ({ ok: true; fds?: number; done?: number[] | null; outcomes?: string[] } | { ok: false; error: string });

export interface PacketEvent {
  event: 'packet';
  sock: string;
  payload: string;
  source: string;
  /** the socket's srcBytes and dstBytes, as text */
  srcBytes: string;
  destination: string;
  ttl: number;
  multicast: boolean;
  ifindex: number;
  age?: number;
}

const out = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
const sockets = new Map<string, VrrpSocket>();
const frames = new FrameSender();
const rtnl = Rtnl.open();
const hold = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
const linkOf = (l: WireLink): AnnounceLink => ({ ...l, mac: Buffer.from(l.mac.replaceAll(':', ''), 'hex') });
const advertOf = (r: { src: string; ttl?: number; to: Array<{ dst: string; message: string }> }): OutgoingAdvert => ({
  src: r.src,
  ttl: r.ttl,
  to: r.to.map(({ dst, message }) => ({ dst, message: Buffer.from(message, 'hex') })),
});

async function prelude(r: Extract<Request, { op: 'prelude' }>): Promise<{ ok: true; done: number[] | null; outcomes: string[] }> {
  const parts: PreludePart[] = [sockets.get(r.sock)!.preludePart(advertOf(r), r.farewell)!];
  if (r.add) {
    const index = r.add.ifindex;
    rtnl.knowIndexes(() => index);
    parts.push(rtnl.addPart(r.add)!);
  }
  if (r.garp) parts.push(frames.announcePart(linkOf(r.garp.link), r.garp.vips)!);
  const done = await new Promise<readonly number[] | undefined>((resolve) => {
    const timer = new (loadNative().PreciseTimer)((errnos) => {
      timer.close();
      resolve(errnos);
    });
    timer.arm(r.delayMs, parts.flatMap((p) => p.ops));
    // once the loop watches the timer, as a daemon's long-armed timer is: libuv registers a descriptor at its next poll, after this turn's check phase
    setImmediate(() => setImmediate(() => hold(r.blockMs)));
  });
  if (done === undefined) return { ok: true, done: null, outcomes: [] };
  let at = 0;
  const outcomes = await Promise.all(
    parts.map((p) =>
      p.outcome(done.slice(at, (at += p.ops.length))).then(
        () => 'ok',
        (e: Error) => e.message,
      ),
    ),
  );
  return { ok: true, done: [...done], outcomes };
}

async function handle(r: Request): Promise<{ ok: true; fds?: number; done?: number[] | null; outcomes?: string[] }> {
  switch (r.op) {
    case 'open':
      sockets.set(
        r.sock,
        openVrrpSocket(r.options, {
          packet: ({ srcBytes, dstBytes, ...p }) =>
            out({ event: 'packet', sock: r.sock, ...p, payload: p.payload.toString('hex'), srcBytes: bytesToIp(srcBytes), destination: bytesToIp(dstBytes) } satisfies PacketEvent),
          error: (e) => out({ event: 'error', sock: r.sock, error: e.message }),
        }),
      );
      return { ok: true };
    case 'send':
      await sockets.get(r.sock)!.send(advertOf(r));
      return { ok: true };
    case 'close':
      sockets.get(r.sock)!.close();
      sockets.delete(r.sock);
      return { ok: true };
    case 'fds':
      return { ok: true, fds: readdirSync('/proc/self/fd').length };
    case 'block':
      hold(r.ms);
      return { ok: true };
    case 'announce':
      await frames.announce(linkOf(r.link), r.vips);
      return { ok: true };
    case 'prelude':
      return prelude(r);
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const r = JSON.parse(line) as Request;
  handle(r).then(
    (reply) => out({ seq: r.seq, ...reply }),
    (e: Error) => out({ seq: r.seq, ok: false, error: e.message }),
  );
}).on('close', () => {
  for (const s of sockets.values()) s.close();
  frames.close();
  rtnl.close();
});
