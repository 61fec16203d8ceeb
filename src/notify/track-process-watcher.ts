// Follows the processes that vrrp_track_process blocks count (keepalived
// 2.2.7 core/track_process.c): an initial /proc scan, then the kernel's
// process events (net/proc-events.ts) — a fork of a counted process is
// counted at once, an exec or a new comm re-checks the process, an exit
// uncounts it — with a rescan of /proc when the kernel drops events.
//
// Where the kernel offers no process events (any network namespace but the
// initial one, or CONFIG_PROC_EVENTS off), /proc is polled every POLL_MS
// instead: a new process whose parent is counted by the same definition
// counts as a fork, one that vanished (or became a zombie) as an exit.
// keepalived 2.2.7 in a network namespace tracks nothing at all.
//
// The quorum rules themselves are pure (track-process.ts); this module owns
// the pid table, the fork/terminate delay timers and the I/O.
import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { ProcEvents, type ProcEvent } from '../net/proc-events.js';
import type { Logger } from '../observe/log.js';
import { realScheduler, type Cancel, type Scheduler } from '../vrrp/scheduler.js';
import {
  added,
  initialQuorum,
  matches,
  recounted,
  removed,
  timerFired,
  type Arrival,
  type Departure,
  type ProcessDefinition,
  type ProcessInfo,
  type QuorumState,
  type QuorumStep,
} from './track-process.js';

/** how often /proc is read when the kernel gives no process events */
export const POLL_MS = 200;
/** keepalived waits a second after lost events before it rescans (process_lost_messages_timer_thread) */
const OVERRUN_RESCAN_MS = 1000;

/** Where processes are read: /proc, or a table in tests. */
export interface ProcessSource {
  /** every live process now (at startup: keepalived reads /proc before it goes on) */
  listSync(): ProcessInfo[];
  list(): Promise<ProcessInfo[]>;
  /** one process now; undefined once it is gone */
  read(pid: number): ProcessInfo | undefined;
}

export interface QuorumChange {
  readonly name: string;
  readonly up: boolean;
  readonly count: number;
}

export interface ProcessWatcherOptions {
  readonly log: Logger;
  readonly scheduler?: Scheduler;
  readonly source?: ProcessSource;
  /** 'auto': the kernel's process events, else polling; 'poll': polling only */
  readonly events?: 'auto' | 'poll';
  /** global_defs process_monitor_rcv_bufs (0 or undefined: the kernel's default) */
  readonly receiveBuffer?: number;
}

interface Events {
  change: [QuorumChange];
}

interface Followed {
  readonly def: ProcessDefinition;
  state: QuorumState;
  cancel?: Cancel;
}

export class ProcessWatcher extends EventEmitter<Events> {
  private readonly followed = new Map<string, Followed>();
  /** pid → the definitions counting it */
  private counted = new Map<number, Set<string>>();
  /** every live process as last seen, for polling */
  private known = new Map<number, ProcessInfo>();
  private readonly scheduler: Scheduler;
  private readonly source: ProcessSource;
  private procEvents?: ProcEvents;
  private stopPolling?: Cancel;
  /** the rescan due after lost events; a later loss puts it off */
  private pendingRescan?: Cancel;
  private closed = false;

  constructor(
    defs: readonly ProcessDefinition[],
    private readonly o: ProcessWatcherOptions,
  ) {
    super();
    this.scheduler = o.scheduler ?? realScheduler;
    this.source = o.source ?? procSource(defs.some((d) => d.fullCommand));
    for (const def of defs) this.followed.set(def.name, { def, state: initialQuorum(def, 0) });
    if (defs.length === 0) return;
    const counts = this.recount(this.source.listSync());
    for (const [name, f] of this.followed) f.state = initialQuorum(f.def, counts.get(name) ?? 0);
  }

  /** Whether the process has its quorum now (false for one not followed). */
  up(name: string): boolean {
    return this.followed.get(name)?.state.up ?? false;
  }

  count(name: string): number {
    return this.followed.get(name)?.state.count ?? 0;
  }

  /** Starts following changes: process events where the kernel has them, else polling. */
  start(): void {
    if (this.followed.size === 0 || this.closed) return;
    if (this.o.events === 'poll') {
      this.poll();
      return;
    }
    ProcEvents.open(this.o.receiveBuffer ? { receiveBuffer: this.o.receiveBuffer } : {}).then(
      (pe) => {
        if (this.closed) return pe.close();
        this.procEvents = pe;
        pe.on('event', (ev) => this.handle(ev));
        pe.on('overrun', () => {
          // keepalived reinitialise_track_processes: a buffer twice the size, and a word to the operator
          const bytes = pe.receiveBuffer * 2;
          pe.receiveBuffer = bytes;
          this.o.log.info(`Process events were lost - rescanning /proc; setting global_def process_monitor_rcv_bufs to ${bytes} - recommend updating configuration file`);
          this.pendingRescan?.();
          this.pendingRescan = this.scheduler.at(this.scheduler.now() + OVERRUN_RESCAN_MS, () => void this.rescan());
        });
        pe.on('error', (e) => this.o.log.error({ err: e.message }, `process monitor netlink recv error - ${e.message}`));
        // what changed between the initial scan and the subscription
        void this.rescan();
      },
      (e: Error) => {
        if (this.closed) return;
        this.o.log.info({ err: e.message }, `Process events are not available here (${e.message}) - polling /proc every ${POLL_MS} ms for track_process`);
        this.poll();
      },
    );
  }

  close(): void {
    this.closed = true;
    this.procEvents?.close();
    this.stopPolling?.();
    this.pendingRescan?.();
    for (const f of this.followed.values()) f.cancel?.();
  }

  /** One process event from the kernel. */
  handle(ev: ProcEvent): void {
    switch (ev.type) {
      case 'fork':
        return this.forked(ev.parent, ev.child);
      case 'exec':
      case 'comm':
        return this.recheck(ev.pid, this.source.read(ev.pid));
      case 'exit':
        return this.exited(ev.pid);
      default:
        return;
    }
  }

  /** Counts every process anew (lost events), as keepalived's reinitialise_track_processes. */
  async rescan(): Promise<void> {
    const procs = await this.source.list();
    if (this.closed) return;
    const counts = this.recount(procs);
    for (const [name, f] of this.followed) this.apply(f, recounted(f.def, f.state, counts.get(name) ?? 0));
  }

  /** Rebuilds the pid table from a full listing; returns each definition's count. */
  private recount(procs: readonly ProcessInfo[]): Map<string, number> {
    this.counted = new Map();
    this.known = new Map();
    const counts = new Map<string, number>();
    for (const p of procs) {
      if (p.gone) continue;
      this.known.set(p.pid, p);
      for (const f of this.followed.values()) {
        if (!matches(f.def, p)) continue;
        this.countedBy(p.pid).add(f.def.name);
        counts.set(f.def.name, (counts.get(f.def.name) ?? 0) + 1);
      }
    }
    return counts;
  }

  private countedBy(pid: number): Set<string> {
    let s = this.counted.get(pid);
    if (!s) this.counted.set(pid, (s = new Set()));
    return s;
  }

  private add(pid: number, f: Followed, how: Arrival): void {
    this.countedBy(pid).add(f.def.name);
    this.apply(f, added(f.def, f.state, how));
  }

  private remove(pid: number, f: Followed, how: Departure): void {
    const s = this.counted.get(pid);
    s?.delete(f.def.name);
    if (s?.size === 0) this.counted.delete(pid);
    this.apply(f, removed(f.def, f.state, how));
  }

  /** A child of a counted process is counted by the same definitions (keepalived check_process_fork). */
  private forked(parent: number, child: number): void {
    for (const name of this.counted.get(parent) ?? []) this.add(child, this.followed.get(name)!, 'fork');
  }

  /** A process that may have started or stopped matching (exec, comm change). */
  private recheck(pid: number, p: ProcessInfo | undefined): void {
    const was = this.counted.get(pid);
    for (const f of this.followed.values()) {
      const counted = was?.has(f.def.name) ?? false;
      const now = p !== undefined && matches(f.def, p);
      if (counted && !now) this.remove(pid, f, 'mismatch');
      else if (!counted && now) this.add(pid, f, 'match');
    }
  }

  private exited(pid: number): void {
    for (const name of [...(this.counted.get(pid) ?? [])]) this.remove(pid, this.followed.get(name)!, 'exit');
  }

  private apply(f: Followed, step: QuorumStep): void {
    const before = f.state;
    if (before.timer !== undefined && (step.state.timer === undefined || step.arm !== undefined)) {
      f.cancel?.();
      delete f.cancel;
    }
    f.state = step.state;
    if (step.arm !== undefined) {
      const delay = step.arm === 'fork' ? f.def.forkDelayMs : f.def.terminateDelayMs;
      f.cancel = this.scheduler.at(this.scheduler.now() + delay, () => {
        delete f.cancel;
        this.apply(f, timerFired(f.def, f.state));
      });
    }
    if (step.state.up !== before.up) {
      this.o.log.info({ process: f.def.name, up: step.state.up, count: step.state.count }, `Quorum ${step.state.up ? 'gained' : 'lost'} for tracked process ${f.def.name}`);
      this.emit('change', { name: f.def.name, up: step.state.up, count: step.state.count });
    }
  }

  private poll(): void {
    const tick = () => {
      this.source
        .list()
        .then(
          (procs) => {
            if (!this.closed) this.pollChanges(procs);
          },
          (e: Error) => this.o.log.error({ err: e.message }, `cannot read /proc: ${e.message}`),
        )
        .finally(() => {
          if (!this.closed) this.stopPolling = this.scheduler.at(this.scheduler.now() + POLL_MS, tick);
        });
    };
    this.stopPolling = this.scheduler.at(this.scheduler.now() + POLL_MS, tick);
  }

  /** One poll's listing against the last: the events the kernel would have sent. */
  private pollChanges(procs: readonly ProcessInfo[]): void {
    const live = new Map(procs.filter((p) => !p.gone).map((p) => [p.pid, p]));
    for (const pid of this.known.keys()) if (!live.has(pid)) this.exited(pid);
    for (const [pid, p] of live) {
      const seen = this.known.get(pid);
      if (seen === undefined) {
        const parent = this.counted.get(p.ppid);
        for (const f of this.followed.values()) if (matches(f.def, p)) this.add(pid, f, parent?.has(f.def.name) ? 'fork' : 'match');
      } else if (seen.comm !== p.comm || seen.argv?.join('\0') !== p.argv?.join('\0')) {
        this.recheck(pid, p);
      }
    }
    this.known = live;
  }
}

/** /proc/PID/stat: "pid (comm) S ppid …"; comm may hold spaces and parentheses. */
export function parseStat(pid: number, stat: string, argv: readonly string[] | undefined): ProcessInfo | undefined {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const [state, ppid] = stat.slice(close + 2).split(' ');
  return { pid, ppid: Number(ppid), comm: stat.slice(open + 1, close), ...(argv && { argv }), gone: state === 'Z' || state === 'X' };
}

const splitCmdline = (raw: string): string[] => (raw.endsWith('\0') ? raw.slice(0, -1) : raw).split('\0');

/** Reads /proc; the command line only when some definition compares it (it may page the process in). */
export function procSource(withArgv: boolean, root = '/proc'): ProcessSource {
  const readOne = (pid: number): ProcessInfo | undefined => {
    try {
      const argv = withArgv ? splitCmdline(readFileSync(`${root}/${pid}/cmdline`, 'latin1')) : undefined;
      return parseStat(pid, readFileSync(`${root}/${pid}/stat`, 'latin1'), argv);
    } catch {
      return undefined;
    }
  };
  const readAsync = async (pid: number): Promise<ProcessInfo | undefined> => {
    try {
      const argv = withArgv ? splitCmdline(await readFile(`${root}/${pid}/cmdline`, 'latin1')) : undefined;
      return parseStat(pid, await readFile(`${root}/${pid}/stat`, 'latin1'), argv);
    } catch {
      return undefined;
    }
  };
  const pids = (names: string[]) => names.filter((n) => /^\d+$/.test(n)).map(Number);
  return {
    listSync: () => pids(readdirSync(root)).flatMap((pid) => readOne(pid) ?? []),
    list: async () => (await Promise.all(pids(await readdir(root)).map(readAsync))).flatMap((p) => p ?? []),
    read: readOne,
  };
}
