// A child process that holds tskad's sockets inside a network namespace for
// the netns tests (a process cannot open sockets in another namespace). It
// reads one JSON request per line on stdin and answers each with one JSON
// line on stdout carrying the same `seq`; received packets come as
// `{"event":"packet"}` lines. Buffers travel as hex.
import { readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { FrameSender, type AnnounceLink } from '../../src/net/frame-sender.js';
import { openVrrpSocket, type VrrpSocket, type VrrpSocketOptions } from '../../src/net/vrrp-socket.js';

export type Request =
  | { seq: number; op: 'open'; sock: string; options: VrrpSocketOptions }
  | { seq: number; op: 'send'; sock: string; src: string; ttl?: number; to: Array<{ dst: string; message: string }> }
  | { seq: number; op: 'close'; sock: string }
  | { seq: number; op: 'fds' }
  /** holds the event loop for `ms`, as a long GC pause would: packets wait in the socket */
  | { seq: number; op: 'block'; ms: number }
  | { seq: number; op: 'announce'; link: Omit<AnnounceLink, 'mac'> & { mac: string }; vips: string[] };

export type Reply = { seq: number } & ({ ok: true; fds?: number } | { ok: false; error: string });

export interface PacketEvent {
  event: 'packet';
  sock: string;
  payload: string;
  source: string;
  destination: string;
  ttl: number;
  multicast: boolean;
  ifindex: number;
  age?: number;
}

const out = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
const sockets = new Map<string, VrrpSocket>();
const frames = new FrameSender();

async function handle(r: Request): Promise<{ ok: true; fds?: number }> {
  switch (r.op) {
    case 'open':
      sockets.set(
        r.sock,
        openVrrpSocket(r.options, {
          packet: (p) => out({ event: 'packet', sock: r.sock, ...p, payload: p.payload.toString('hex') } satisfies PacketEvent),
          error: (e) => out({ event: 'error', sock: r.sock, error: e.message }),
        }),
      );
      return { ok: true };
    case 'send':
      await sockets.get(r.sock)!.send({ src: r.src, ttl: r.ttl, to: r.to.map(({ dst, message }) => ({ dst, message: Buffer.from(message, 'hex') })) });
      return { ok: true };
    case 'close':
      sockets.get(r.sock)!.close();
      sockets.delete(r.sock);
      return { ok: true };
    case 'fds':
      return { ok: true, fds: readdirSync('/proc/self/fd').length };
    case 'block': {
      const until = performance.now() + r.ms;
      while (performance.now() < until);
      return { ok: true };
    }
    case 'announce':
      await frames.announce({ ...r.link, mac: Buffer.from(r.link.mac.replaceAll(':', ''), 'hex') }, r.vips);
      return { ok: true };
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
});
