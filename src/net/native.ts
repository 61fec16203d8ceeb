// The typed face of tskad's native addon (native/, built by node-gyp when the
// package is installed): AF_PACKET frame sends, the IPv6 VRRP socket,
// real-time signal handlers, a sub-millisecond timer (with a VRRP
// timer's first sends done natively at its expiry), and packets' kernel receive
// stamps, the things no npm package does. Loaded once, on first use,
// so code that needs none of them never requires a built addon.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** An AF_PACKET socket that sends whole Ethernet frames and receives nothing. */
export interface PacketSocket {
  /** Sends `frame` (Ethernet header included) on interface `ifindex`; returns the bytes sent, throws errno errors. */
  send(frame: Buffer, ifindex: number): number;
  /** the descriptor, for a timer prelude's frames; -1 once closed */
  readonly fd: number;
  close(): void;
}

export interface Vrrp6SocketOptions {
  readonly ifname: string;
  readonly ifindex: number;
  /** 16 bytes: the multicast group to join and bind, or the local unicast address to bind */
  readonly address: Buffer;
}

/** message, then 16-byte source and destination addresses, hop limit, receiving interface, ms since the packet reached the host (-1: unknown) */
export type Vrrp6PacketCallback = (message: Buffer, source: Buffer, destination: Buffer, hopLimit: number, ifindex: number, age: number) => void;

/** A raw IPv6 socket for protocol 112 on one interface, read on the event loop until closed. */
export interface Vrrp6Socket {
  /** Sends the VRRP message from `src` to `dst` (16-byte addresses); `hopLimit` < 0 keeps the socket's. Throws errno errors. */
  send(message: Buffer, src: Buffer, dst: Buffer, hopLimit: number): number;
  /** the descriptor, for a timer prelude's adverts; -1 once closed */
  readonly fd: number;
  /** Stops reading and closes the descriptor; no callback runs afterwards. */
  close(): void;
}

/**
 * Runs a callback on each delivery of its signals, real-time ones included
 * (Node's process.on refuses those). The relay and the prelude are done in
 * the signal handler itself, whatever JavaScript the signal interrupts.
 */
export interface SignalWatcher {
  /** From now on each delivery first sends `signum` to each of `pids`, before the callback runs; the caller keeps the list to live processes. */
  relayTo(pids: readonly number[], signum: number): void;
  /** Packets to send at the next delivery of any of the signals, before the callback, which receives their errnos and this array (replaces any set before). */
  setPrelude(ops?: readonly PreludeOp[]): void;
  close(): void;
}

/** A delivery's callback: `done` and `ops` tell the prelude that ran at it (undefined: none did). */
export type SignalCallback = (signum: number, done: readonly number[] | undefined, ops: readonly PreludeOp[] | undefined) => void;

/**
 * One system call of a timer prelude (native/src/timer_prelude.h),
 * its bytes built in advance: an IPv4 advert (whole packet, IP_HDRINCL
 * socket), an IPv6 advert, an Ethernet frame, or an rtnetlink request
 * (header included; the addon sets its sequence number and waits for its answer).
 */
export type PreludeOp =
  | { readonly kind: 'ipv4'; readonly fd: number; readonly data: Buffer; readonly dst: Buffer }
  | { readonly kind: 'ipv6'; readonly fd: number; readonly ifindex: number; readonly data: Buffer; readonly src: Buffer; readonly dst: Buffer; readonly hopLimit: number }
  | { readonly kind: 'frame'; readonly fd: number; readonly ifindex: number; readonly data: Buffer }
  | { readonly kind: 'rtnl'; readonly data: Buffer };

/**
 * Why an expiry ran late, by the number the addon gives (native/src/expiry_lateness.h):
 * the kernel woke the event loop late (on a virtual machine, mostly the host
 * not running the vCPU); it woke in time but waited on a run queue for a CPU;
 * or the loop was still busy (JavaScript, GC) when the time came.
 */
export const EXPIRY_LATENESS_CAUSES = ['wakeup', 'runqueue', 'busy'] as const;
export type ExpiryLatenessCause = (typeof EXPIRY_LATENESS_CAUSES)[number];

/**
 * A one-shot timer on timerfd (CLOCK_MONOTONIC, nanoseconds), watched by the
 * event loop: `onExpired` runs once per arm, never before the delay is over.
 * It receives the errno of each op of the arm's prelude (0: done), or
 * undefined when there was none or it did not run (a VRRP socket of it had
 * a packet waiting); how many ms after the due time the prelude's turn came;
 * and why, an index into EXPIRY_LATENESS_CAUSES.
 */
export interface PreciseTimer {
  /** (Re)arms the timer `delayMs` from now, with the ops to run first at its expiry; it keeps the event loop alive until it expires or is disarmed. */
  arm(delayMs: number, prelude?: readonly PreludeOp[]): void;
  disarm(): void;
  close(): void;
}

/** Scheduling calls for the calling thread (Node's event loop); each throws errno errors. */
export interface ProcessTuningCalls {
  /** SCHED_RR at `priority` (1..99), reset to normal in children forked later */
  setRealtime(priority: number): void;
  /** RLIMIT_RTTIME, µs: SIGXCPU at `softUs`, SIGKILL at `hardUs` */
  setRealtimeLimit(softUs: number, hardUs: number): void;
  setAffinity(cpus: readonly number[]): void;
  /** the EEVDF slice, ns (sched_attr.sched_runtime of a SCHED_OTHER thread; ignored before Linux 6.12), reset to the default in children forked later */
  setSlice(ns: number): void;
}

/** Kernel receive stamps (SIOCGSTAMPNS) for a socket opened elsewhere (raw-socket keeps its descriptor to itself). */
export interface ReceiveStampCalls {
  /** this process's SOCK_RAW descriptors of `domain` and `protocol`; the one new after opening a socket is that socket's */
  rawSocketFds(domain: number, protocol: number): number[];
  /** ms since the last packet read from `fd` reached the host; -1 without a stamp (the first call turns stamping on) */
  receiveAge(fd: number): number;
}

export interface NativeAddon extends ProcessTuningCalls, ReceiveStampCalls {
  readonly PacketSocket: new () => PacketSocket;
  readonly PreciseTimer: new (onExpired: (done: readonly number[] | undefined, lateMs: number, cause: number) => void) => PreciseTimer;
  readonly SignalWatcher: new (signums: number | readonly number[], onSignal: SignalCallback) => SignalWatcher;
  readonly Vrrp6Socket: new (options: Vrrp6SocketOptions, onPacket: Vrrp6PacketCallback, onError: (err: Error) => void) => Vrrp6Socket;
  /** whether a stop signal's handler has sent this process's farewell (its priority-0 adverts): after it, nothing above priority 0 may leave */
  farewellGone(): boolean;
}

const ADDON = join('native', 'build', 'Release', 'tskad_native.node');

/** The package root: the first directory up with a package.json, skipping dist/ (compiled code runs from there). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('/dist')) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`tskad: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

let addon: NativeAddon | undefined;

export function loadNative(): NativeAddon {
  if (addon) return addon;
  const path = join(packageRoot(), ADDON);
  if (!existsSync(path)) {
    throw new Error(`tskad's native addon is not built (${path}): run \`npm ci\` or \`npm run install\` (needs g++, make and python3)`);
  }
  addon = createRequire(import.meta.url)(path) as NativeAddon;
  return addon;
}
