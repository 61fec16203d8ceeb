// The link between tskad's processes: a child of the supervisor, and the
// supervisor itself when it forks into the background, is tskad's own entry
// point run again with the same command line (as keepalived's children
// inherit its options), told its role by an environment variable, and
// reports over Node's IPC channel that it is up, and later each reload it
// handled. A respawned child is told by another variable when its
// predecessor died. A child also learns of the
// supervisor's death from that channel closing, where keepalived's children
// use PR_SET_PDEATHSIG.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { removePidFile } from './pidfile.js';
import type { ChildExit } from './respawn.js';
import type { ChildHandle, Respawn } from './supervisor.js';
import type { ChildKind } from './signals.js';

/** The environment variable that carries the role; scripts the daemon runs never see it. */
export const ROLE_ENV = 'TSKAD_PROCESS';

/** When the previous child of this kind died, ms since the epoch: set for a respawned child only. */
export const RESPAWN_ENV = 'TSKAD_RESPAWN_DIED_AT';

/** `daemon`: the supervisor forked into the background; otherwise a child of the supervisor. */
export type Role = ChildKind | 'daemon';

/** Reads and forgets this process's role: undefined for the process an operator started. */
export function takeRole(env: NodeJS.ProcessEnv = process.env): Role | undefined {
  const role = env[ROLE_ENV];
  delete env[ROLE_ENV];
  return role === 'vrrp' || role === 'checker' || role === 'daemon' ? role : undefined;
}

/** Reads and forgets when this child's predecessor died: undefined unless the supervisor respawned it. */
export function takeRespawn(env: NodeJS.ProcessEnv = process.env): { readonly diedAt: number } | undefined {
  const text = env[RESPAWN_ENV];
  delete env[RESPAWN_ENV];
  const diedAt = Number(text);
  return text !== undefined && Number.isFinite(diedAt) ? { diedAt } : undefined;
}

/** What a child says to its parent over IPC. */
interface ChildMessage {
  readonly tskad: 'up' | 'reloaded';
}

const isMessage = (m: unknown, what: ChildMessage['tskad']): boolean => typeof m === 'object' && m !== null && (m as ChildMessage).tskad === what;

/** In a child: tells the parent this process is up. */
export function reportUp(): void {
  process.send?.({ tskad: 'up' } satisfies ChildMessage);
}

/** In a child: tells the parent a reload was handled (applied or refused). */
export function reportReloaded(): void {
  process.send?.({ tskad: 'reloaded' } satisfies ChildMessage);
}

/** In a child: calls `listener` once the parent has gone (its IPC channel closed). */
export function onParentGone(listener: () => void): void {
  if (process.connected) process.once('disconnect', listener);
}

/** In a child, at the end: lets go of the channel, which would keep the event loop alive. */
export function releaseParent(): void {
  if (process.connected) process.disconnect();
}

/** How to run tskad's entry point again: the script, the loader (tsx) and the command line of this process. */
export interface SelfCommand {
  readonly script: string;
  readonly execArgv: readonly string[];
  readonly args: readonly string[];
}

export const thisCommand = (): SelfCommand => ({ script: process.argv[1]!, execArgv: process.execArgv, args: process.argv.slice(2) });

/**
 * V8 flags of a role's process. The VRRP process runs without V8's memory
 * reducer: once the start-up garbage is made and the allocation rate falls,
 * the reducer runs up to three full mark-compacts in a row, 8-19 ms each
 * (measured with --trace-gc at advert_int 0.02), which an advert due then
 * waits out. The price: the heap keeps its start-up size, a few MiB more.
 * Its young generation is kept at 1 MiB a semi-space: the configuration's
 * load grows the default one to 16 MiB, which then stays resident (10 MiB of
 * the process's RSS) and makes each later scavenge longer (up to 2.1 ms at
 * advert_int 0.02, against 0.5 ms at 1 MiB, --trace-gc).
 * The supervisor keeps its reducer (it cannot be turned off once V8 is up,
 * and the #! line would carry it to `tskad -t` too): without, its RSS stays
 * 8.6 MiB larger; with, it makes two collections of 12-14 ms some 8 s after
 * start, which only a master on the same CPUs waits out.
 */
const V8_FLAGS: Record<Role, readonly string[]> = { vrrp: ['--no-memory-reducer', '--max-semi-space-size=1'], checker: [], daemon: [] };

/** Runs tskad again in `role`, with IPC; `detached` starts a new session (the background daemon). */
export function forkSelf(cmd: SelfCommand, role: Role, o: { readonly detached?: boolean; readonly stdio?: 'inherit' | 'ignore'; readonly env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  const stdio = o.stdio ?? 'inherit';
  return fork(cmd.script, cmd.args, {
    execArgv: [...cmd.execArgv, ...V8_FLAGS[role]],
    env: { ...process.env, ...o.env, [ROLE_ENV]: role },
    detached: o.detached ?? false,
    stdio: [stdio, stdio, stdio, 'ipc'],
  });
}

/** The exit of a process, as `exit` reports it. */
export function exitOf(child: ChildProcess): Promise<ChildExit> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Calls `listener` when the process reports it is up. */
export function whenUp(child: ChildProcess, listener: () => void): void {
  const onMessage = (m: unknown) => {
    if (!isMessage(m, 'up')) return;
    child.off('message', onMessage);
    listener();
  };
  child.on('message', onMessage);
}

/** Calls `listener` each time the process reports a reload handled. */
function whenReloaded(child: ChildProcess, listener: () => void): void {
  child.on('message', (m: unknown) => isMessage(m, 'reloaded') && listener());
}

/** Whether the file names this pid. */
function pidFileNames(path: string, pid: number): boolean {
  try {
    return Number(readFileSync(path, 'utf8').trim()) === pid;
  } catch {
    return false;
  }
}

/**
 * Starts a child of the supervisor. A child removes its own pid file when it
 * stops; one that died without doing so (a crash, SIGKILL) has it removed here.
 */
export function launchChild(cmd: SelfCommand, kind: ChildKind, pidFile: string, respawn?: Respawn): ChildHandle {
  const child = forkSelf(cmd, kind, respawn ? { env: { [RESPAWN_ENV]: String(Date.now() - respawn.downMs) } } : {});
  // a failed start shows as an exit; nothing else to report here
  child.on('error', () => undefined);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot run ${cmd.script}`);
  let reaped = false;
  const exited = exitOf(child).then((exit) => {
    reaped = true;
    if (pidFileNames(pidFile, pid)) removePidFile(pidFile);
    return exit;
  });
  return {
    pid,
    onReady: (listener) => whenUp(child, listener),
    onReloaded: (listener) => whenReloaded(child, listener),
    exited,
    signal(signum) {
      // never once reaped, so a reused pid is never hit; process.kill, unlike ChildProcess.kill, takes the real-time signals
      if (reaped) return;
      try {
        process.kill(pid, signum);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
      }
    },
  };
}
