// Pid files (-p, -r, -c), named and written as keepalived 2.2.7 does
// (core/pidfile.c, main.c): `PID\n`, mode 0644 whatever the umask, never
// through a symlink. The defaults are keepalived's own names, so that
// `kill -HUP $(cat /run/keepalived.pid)`, monitoring checks and units with
// PIDFile= keep working, and so that tskad and keepalived refuse to run
// beside each other on one host (docs/differences.md).
//
// keepalived takes any live pid in the file for a running daemon
// (kill(pid, 0)), so a container restarted with a pid file on a volume
// refuses to start forever once that pid is reused (keepalived issues
// #1527, #2201). tskad also asks /proc what the process is: only a tskad or
// keepalived other than itself counts; any other pid makes the file stale,
// and a stale file is removed.
import { chmodSync, closeSync, constants, fchmodSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface PidFilePaths {
  /** -p: the supervisor */
  readonly main: string;
  /** -r: the VRRP process */
  readonly vrrp: string;
  /** -c: the checker process */
  readonly checkers: string;
}

export interface PidFileNaming {
  /** the `instance NAME` keyword */
  readonly instance?: string;
  /** the `net_namespace NAME` keyword */
  readonly netNamespace?: string;
  /** the `use_pid_dir` keyword */
  readonly usePidDir?: boolean;
  /** RUNSTATEDIR (default /run) */
  readonly runDir?: string;
}

/**
 * keepalived 2.2.7's default names (checked by running Debian's build):
 * /run/keepalived.pid, /run/vrrp.pid, /run/checkers.pid; with use_pid_dir,
 * an instance or a network namespace they move into /run/keepalived/, and
 * an instance name is appended: /run/keepalived/vrrp_NAME.pid.
 */
export function defaultPidFiles(o: PidFileNaming = {}): PidFilePaths {
  const run = o.runDir ?? '/run';
  const inDir = o.usePidDir || o.instance !== undefined || o.netNamespace !== undefined;
  const dir = inDir ? join(run, 'keepalived') : run;
  const name = (base: string) => join(dir, `${base}${o.instance !== undefined ? `_${o.instance}` : ''}.pid`);
  return { main: name('keepalived'), vrrp: name('vrrp'), checkers: name('checkers') };
}

/** The command names that mark a daemon worth refusing to start beside. */
const DAEMON_COMM = /^(tskad|keepalived)/;

export interface ProcessProbe {
  /** false when no process has this pid */
  exists(pid: number): boolean;
  /** /proc/PID/comm and the words of /proc/PID/cmdline; undefined when unreadable */
  describe(pid: number): { readonly comm: string; readonly argv: readonly string[] } | undefined;
}

export const procProbe: ProcessProbe = {
  exists(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      // EPERM: it exists, as another user's process
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  describe(pid) {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((w) => w !== '');
      return { comm, argv };
    } catch {
      return undefined;
    }
  },
};

export type PidFileState =
  | { readonly state: 'absent' }
  | { readonly state: 'running'; readonly pid: number; readonly command: string }
  | { readonly state: 'stale'; readonly pid?: number; readonly why: string };

/** A tskad (process.title, or node running a tskad script) or a keepalived. */
function isDaemon(d: { readonly comm: string; readonly argv: readonly string[] }): boolean {
  return DAEMON_COMM.test(d.comm) || d.argv.some((w) => /(^|\/)tskad(\/|$|\.)/.test(w) || /(^|\/)keepalived$/.test(w));
}

export function inspectPidFile(path: string, probe: ProcessProbe = procProbe): PidFileState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    throw e;
  }
  const m = /^\s*(\d+)\s*$/.exec(text);
  const pid = m ? Number(m[1]) : 0;
  if (!(pid > 0)) return { state: 'stale', why: `no pid in ${path}` };
  if (pid === process.pid) return { state: 'stale', pid, why: 'the pid is this process (a restart in a new pid namespace)' };
  if (!probe.exists(pid)) return { state: 'stale', pid, why: `no process ${pid}` };
  const d = probe.describe(pid);
  // unreadable /proc entry of a live pid: assume the worst, as keepalived does
  if (d === undefined) return { state: 'running', pid, command: '?' };
  if (!isDaemon(d)) return { state: 'stale', pid, why: `process ${pid} is ${d.comm}, not tskad or keepalived` };
  return { state: 'running', pid, command: d.comm };
}

export class AlreadyRunningError extends Error {
  constructor(
    readonly path: string,
    readonly pid: number,
    readonly command: string,
  ) {
    super(`daemon is already running: ${path} names process ${pid} (${command})`);
  }
}

/**
 * Before start: throws AlreadyRunningError when one of `paths` names a live
 * daemon; removes stale files, telling `log` why.
 */
export function checkNotRunning(paths: readonly string[], log: (message: string) => void, probe: ProcessProbe = procProbe): void {
  for (const path of paths) {
    const s = inspectPidFile(path, probe);
    if (s.state === 'running') throw new AlreadyRunningError(path, s.pid, s.command);
    if (s.state === 'stale') {
      log(`Removing stale pid file ${path} (${s.why})`);
      removePidFile(path);
    }
  }
}

const PID_FILE_MODE = 0o644;

/** Writes `PID\n` with mode 0644 whatever the umask (fchmod after open), refusing to follow a symlink. */
export function writePidFile(path: string, pid: number = process.pid): void {
  // keepalived's pid directory is rwxr-xr-x whatever the umask
  if (mkdirSync(dirname(path), { recursive: true }) !== undefined) chmodSync(dirname(path), 0o755);
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, PID_FILE_MODE);
  try {
    fchmodSync(fd, PID_FILE_MODE);
    writeSync(fd, `${pid}\n`);
  } finally {
    closeSync(fd);
  }
}

export function removePidFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
