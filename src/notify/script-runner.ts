// Runs configured scripts — vrrp_script checks, notify scripts, FIFO readers —
// the way keepalived 2.2.7 does (lib/notify.c system_call_script), never
// blocking the caller:
//  - argv comes from config/script.ts scriptArgv(): exec'd directly, or
//    through /bin/sh -c / /bin/bash -c for a line in shell syntax;
//  - as the script's user and group (script-gate.ts decides them);
//  - in a process group of its own, so a timeout kills the script and
//    everything it forked (keepalived setpgid(0, 0));
//  - with the parent-death signal SIGTERM, so a script does not outlive a
//    killed daemon (keepalived prctl(PR_SET_PDEATHSIG)). Node cannot call
//    prctl in the child, so util-linux's setpriv(1) sets it and then execs
//    the script; it is applied after Node changed the uid, which would
//    otherwise clear it;
//  - with the daemon's environment unchanged: keepalived adds and removes
//    nothing (checked with a script dumping `env` under keepalived 2.2.7);
//  - stdin from /dev/null; stdout and stderr, which keepalived sends to
//    /dev/null, are captured (bounded) so failures can be logged.
// A timeout sends SIGTERM to the group, then SIGKILL after a grace period;
// a group whose leader ended by that SIGTERM gets SIGKILL at once, for the
// children it left (keepalived vrrp_script_child_thread). A script that
// exits normally keeps its background children: notify scripts start
// daemons that way.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { RunAs } from '../config/hostcheck.js';
import type { Logger } from '../observe/log.js';

/** Who a script runs as (config/hostcheck.ts resolves it). */
export type { RunAs };

export interface RunRequest {
  /** what the logs call it: `VRRP_Script(chk)`, `notify_master of VI_1` */
  readonly name: string;
  /** scriptArgv(command, runner, extra) */
  readonly argv: readonly string[];
  /** undefined: the daemon's own user */
  readonly runAs?: RunAs;
  /** undefined: no limit (notify scripts, FIFO readers) */
  readonly timeoutMs?: number;
  /**
   * what a timeout sends first: SIGTERM then SIGKILL after `killGraceMs`
   * (vrrp_script, MISC_CHECK), or SIGKILL at once (notify_stop at shutdown)
   */
  readonly timeoutSignal?: 'SIGTERM' | 'SIGKILL';
  /** aborting ends the script as a timeout would, but reports how it ended (FIFO readers at shutdown) */
  readonly signal?: AbortSignal;
}

export type ScriptOutcome =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'signaled'; readonly signal: NodeJS.Signals }
  | { readonly kind: 'timed-out' }
  | { readonly kind: 'spawn-failed'; readonly error: string };

export interface ScriptResult {
  readonly outcome: ScriptOutcome;
  readonly pid?: number;
  readonly durationMs: number;
  /** stdout and stderr interleaved, at most OUTPUT_LIMIT bytes */
  readonly output: string;
  /** bytes beyond the limit that were dropped */
  readonly truncated: number;
}

export interface RunnerOptions {
  readonly log: Logger;
  /** keepalived: 2 s between the timeout's SIGTERM and SIGKILL */
  readonly killGraceMs?: number;
  /** default: the daemon's own (keepalived passes its environment unchanged) */
  readonly env?: NodeJS.ProcessEnv;
  /** default: /usr/bin/setpriv when it is there; null: run without a parent-death signal */
  readonly setpriv?: string | null;
}

/** keepalived's grace between SIGTERM and SIGKILL for a timed-out script */
export const KILL_GRACE_MS = 2000;
/** enough for a few lines of diagnostics; a chatty check script cannot fill memory */
export const OUTPUT_LIMIT = 4096;
const SETPRIV = '/usr/bin/setpriv';
/** how long to wait, after a script exited, for the rest of its output */
const OUTPUT_SETTLE_MS = 50;

const ended = (s: Readable): Promise<void> => new Promise((r) => (s.readableEnded || s.destroyed ? r() : s.once('close', () => r())));

export const succeeded = (r: ScriptResult): boolean => r.outcome.kind === 'exited' && r.outcome.code === 0;

/** keepalived's words for an outcome: `exited with status 1`, `due to signal 9`, `timed out`. */
export function describeOutcome(o: ScriptOutcome): string {
  switch (o.kind) {
    case 'exited':
      return `exited with status ${o.code}`;
    case 'signaled':
      return `killed by ${o.signal}`;
    case 'timed-out':
      return 'timed out';
    case 'spawn-failed':
      return `could not be started: ${o.error}`;
  }
}

function hasSetpriv(path: string): boolean {
  // --pdeathsig appeared in util-linux 2.33 (Debian 12 has 2.38)
  const r = spawnSync(path, ['--pdeathsig', 'keep', 'true'], { stdio: 'ignore' });
  return r.status === 0;
}

interface Running {
  readonly child: ChildProcess;
  /** sends SIGTERM now and SIGKILL after the grace, to the group */
  terminate(): void;
}

/** Runs scripts and keeps track of them until they end, so shutdown can kill what is left. */
export class ScriptRunner {
  private readonly log: Logger;
  private readonly killGraceMs: number;
  private readonly env: NodeJS.ProcessEnv;
  private readonly setpriv: string | undefined;
  private readonly running = new Set<Running>();

  constructor(o: RunnerOptions) {
    this.log = o.log;
    this.killGraceMs = o.killGraceMs ?? KILL_GRACE_MS;
    this.env = o.env ?? process.env;
    const setpriv = o.setpriv === undefined ? SETPRIV : o.setpriv;
    this.setpriv = setpriv !== null && hasSetpriv(setpriv) ? setpriv : undefined;
    if (setpriv !== null && this.setpriv === undefined) {
      this.log.warn({ setpriv }, `${setpriv} (util-linux >= 2.33) is missing: scripts will outlive tskad if it is killed`);
    }
  }

  /** scripts started and not yet ended */
  get count(): number {
    return this.running.size;
  }

  run(req: RunRequest): Promise<ScriptResult> {
    const started = performance.now();
    const [file, ...args] = this.setpriv ? [this.setpriv, '--pdeathsig', 'TERM', '--', ...req.argv] : req.argv;
    let child: ChildProcess;
    try {
      child = spawn(file!, args, {
        // setsid(): its own process group (and session), so -pid reaches everything it forks
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: this.env,
        ...(req.runAs && { uid: req.runAs.uid, gid: req.runAs.gid }),
      });
    } catch (e) {
      // spawn throws synchronously for bad arguments (a uid out of range…)
      return Promise.resolve({ outcome: { kind: 'spawn-failed', error: (e as Error).message }, durationMs: 0, output: '', truncated: 0 });
    }

    const output = new BoundedOutput(OUTPUT_LIMIT);
    child.stdout!.on('data', (b: Buffer) => output.add(b));
    child.stderr!.on('data', (b: Buffer) => output.add(b));

    return new Promise<ScriptResult>((resolve) => {
      let timedOut = false;
      let killTimer: NodeJS.Timeout | undefined;
      const signalGroup = (signal: NodeJS.Signals): void => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, signal);
        } catch {
          // ESRCH: the whole group is gone already
        }
      };
      const entry: Running = {
        child,
        terminate: () => {
          signalGroup('SIGTERM');
          killTimer ??= setTimeout(() => signalGroup('SIGKILL'), this.killGraceMs);
        },
      };
      this.running.add(entry);
      const timer =
        req.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              if (req.timeoutSignal === 'SIGKILL') signalGroup('SIGKILL');
              else entry.terminate();
            }, req.timeoutMs);

      const abort = (): void => entry.terminate();
      req.signal?.addEventListener('abort', abort, { once: true });
      if (req.signal?.aborted) abort();

      const finish = (outcome: ScriptOutcome): void => {
        req.signal?.removeEventListener('abort', abort);
        clearTimeout(timer);
        clearTimeout(killTimer);
        this.running.delete(entry);
        // the leader is gone; after a timeout, so must be what it forked
        if (timedOut) signalGroup('SIGKILL');
        const result = (): ScriptResult => ({ outcome, pid: child.pid, durationMs: performance.now() - started, output: output.text(), truncated: output.dropped });
        // Output may still be in the pipes when 'exit' comes: wait for their
        // end, but not for a background child that keeps them open (a daemon
        // started by a notify script). Such a child goes on being drained, so
        // its writes never fail with EPIPE while tskad runs.
        // nor keep the daemon's event loop alive for it
        for (const s of [child.stdout, child.stderr] as Array<Readable & { unref?: () => void }>) s.unref?.();
        const settle = setTimeout(() => resolve(result()), OUTPUT_SETTLE_MS);
        void Promise.all([ended(child.stdout!), ended(child.stderr!)]).then(() => {
          clearTimeout(settle);
          resolve(result());
        });
      };
      child.once('error', (e) => finish({ kind: 'spawn-failed', error: e.message }));
      child.once('exit', (code, signal) => {
        if (timedOut) finish({ kind: 'timed-out' });
        else if (signal) finish({ kind: 'signaled', signal });
        else finish({ kind: 'exited', code: code ?? 0 });
      });
    });
  }

  /**
   * Shutdown: SIGTERM to every running script's group, SIGKILL to what is
   * left after `graceMs` (keepalived script_killall, then 1 s). Resolves once
   * all have ended.
   */
  async killAll(graceMs = 1000): Promise<void> {
    const entries = [...this.running];
    if (entries.length === 0) return;
    const ended = entries.map((e) => new Promise<void>((r) => (e.child.exitCode !== null || e.child.signalCode !== null ? r() : e.child.once('exit', () => r()))));
    for (const e of entries) e.terminate();
    const force = setTimeout(() => {
      for (const e of entries) if (e.child.pid !== undefined) tryKill(-e.child.pid, 'SIGKILL');
    }, graceMs);
    await Promise.all(ended);
    clearTimeout(force);
  }
}

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** The first `limit` bytes of a stream of chunks, and how many were dropped. */
class BoundedOutput {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  dropped = 0;

  constructor(private readonly limit: number) {}

  add(b: Buffer): void {
    const room = this.limit - this.size;
    if (room > 0) {
      const part = b.subarray(0, room);
      this.chunks.push(part);
      this.size += part.length;
    }
    this.dropped += Math.max(0, b.length - Math.max(room, 0));
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
