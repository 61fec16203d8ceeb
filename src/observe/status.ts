// The status socket: `tskad status` asks the running daemon for the live
// state of every instance, with no signal and no temp file (what keepalived
// users ask for: keepalived issues #1296, #2001). A unix stream socket,
// mode 0600 in root's /run/tskad/, so only root may ask. One exchange per
// connection, one JSON line each way:
//   → {"command":"status"}
//   ← {"ok":true,"status":StatusSnapshot} or {"ok":false,"error":"…"}
// The daemon supplies the snapshot; this module only serves it, and never
// lets a bad or slow client disturb the daemon (size and time limits).
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { EXPIRY_LATENESS_CAUSES, type ExpiryLatenessCause } from '../net/native.js';
import type { VrrpState } from '../vrrp/fsm.js';
import type { Stats } from '../vrrp/instance.js';

export const STATUS_SOCKET = '/run/tskad/status.sock';
/** bumped when a field changes meaning or goes away (adding fields does not) */
export const STATUS_VERSION = 1;

export interface TrackedStatus {
  readonly kind: 'interface' | 'script' | 'file' | 'process' | 'bfd';
  readonly name: string;
  /** up / script succeeding / process quorum reached / file value non-faulting */
  readonly up: boolean;
  /** priority change while down (negative) or up (positive); 0: fault when down */
  readonly weight: number;
  /** the weight's direction is reversed (`weight N reverse`) */
  readonly reverse?: true;
  /** a script that has not answered yet (`up` is false meanwhile) */
  readonly pending?: true;
  /** a track_file's number */
  readonly value?: number;
  /** a tracked process's matching processes */
  readonly count?: number;
}

export interface InstanceStatus {
  readonly name: string;
  readonly vrid: number;
  readonly family: 4 | 6;
  readonly interface: string;
  readonly state: VrrpState;
  /** the configured priority */
  readonly basePriority: number;
  /** after tracking weights */
  readonly effectivePriority: number;
  /** the current master's address: this node's own when MASTER; absent when none is known */
  readonly master?: string;
  /** the sync group the instance belongs to */
  readonly syncGroup?: string;
  /** ISO 8601 time of the last transition, with where it came from and why */
  readonly lastTransition?: { readonly at: string; readonly from: VrrpState; readonly reason: string };
  readonly vips: readonly string[];
  readonly excludedVips: readonly string[];
  /** why the instance is in FAULT (empty otherwise) */
  readonly faults: readonly string[];
  readonly tracked: readonly TrackedStatus[];
  /** keepalived's counters, by its names */
  readonly stats: Stats;
}

/** The VRRP process's timer expiries, and those more than `lateAfterMs` late by why (vrrp/scheduler.ts). */
export interface TimerStatus {
  readonly expiries: number;
  readonly lateAfterMs: number;
  readonly late: Readonly<Record<ExpiryLatenessCause, number>>;
}

/** How many expiries came late, whatever the cause. */
export const lateTotal = (t: Pick<TimerStatus, 'late'>): number => EXPIRY_LATENESS_CAUSES.reduce((n, c) => n + t.late[c], 0);

export interface StatusSnapshot {
  readonly version: typeof STATUS_VERSION;
  /** the process answering */
  readonly pid: number;
  /** ISO 8601 time the daemon started */
  readonly startedAt: string;
  readonly vrrp: readonly InstanceStatus[];
  /** when the process can tell */
  readonly timers?: TimerStatus;
}

export type StatusReply = { readonly ok: true; readonly status: StatusSnapshot } | { readonly ok: false; readonly error: string };

/** a request is one short line; more is not a tskad client */
const MAX_REQUEST = 4096;
const CLIENT_TIMEOUT_MS = 5000;

export interface StatusServerOptions {
  readonly path?: string;
  readonly snapshot: () => StatusSnapshot | Promise<StatusSnapshot>;
  /** told about failures (a snapshot that threw); default: nothing */
  readonly onError?: (message: string) => void;
}

export interface StatusServer {
  readonly path: string;
  close(): Promise<void>;
}

export class StatusSocketBusyError extends Error {}

/** Whether a daemon answers at `path`: true when connecting works. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Clears the way for the socket: a dead daemon's socket goes, a live one's or any other file stops us. */
async function clearStale(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (!isSocket) throw new StatusSocketBusyError(`${path} exists and is not a socket; not touching it`);
  if (await answers(path)) throw new StatusSocketBusyError(`another daemon answers on ${path}`);
  unlinkSync(path);
}

function serve(socket: Socket, o: StatusServerOptions): void {
  let buf = '';
  const reply = (r: StatusReply) => socket.end(`${JSON.stringify(r)}\n`);
  socket.setEncoding('utf8');
  socket.setTimeout(CLIENT_TIMEOUT_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    buf += chunk;
    const nl = buf.indexOf('\n');
    if (nl < 0 && buf.length <= MAX_REQUEST) return;
    socket.removeAllListeners('data');
    if (nl < 0 || nl > MAX_REQUEST) return reply({ ok: false, error: 'request too long' });
    let command: unknown;
    try {
      command = (JSON.parse(buf.slice(0, nl)) as { command?: unknown }).command;
    } catch {
      return reply({ ok: false, error: 'request is not JSON' });
    }
    if (command !== 'status') return reply({ ok: false, error: `unknown command ${JSON.stringify(command)} (known: "status")` });
    Promise.resolve()
      .then(o.snapshot)
      .then(
        (status) => reply({ ok: true, status }),
        (e: Error) => {
          o.onError?.(`status snapshot failed: ${e.message}`);
          reply({ ok: false, error: `snapshot failed: ${e.message}` });
        },
      );
  });
}

/** Listens on `path` (default STATUS_SOCKET), creating its directory (0755, like keepalived's /run/keepalived). */
export async function startStatusServer(o: StatusServerOptions): Promise<StatusServer> {
  const path = o.path ?? STATUS_SOCKET;
  if (mkdirSync(dirname(path), { recursive: true }) !== undefined) chmodSync(dirname(path), 0o755);
  await clearStale(path);
  const server: Server = createServer((s) => serve(s, o));
  const listening = new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // listen() binds at once: umask 0177 around it, so the socket is never open to others, even for a moment
  const umask = process.umask(0o177);
  try {
    server.listen(path);
  } finally {
    process.umask(umask);
  }
  await listening;
  chmodSync(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        // net.Server unlinks its unix socket on close
        server.close(() => resolve());
      }),
  };
}
