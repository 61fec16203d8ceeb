// Processes the lab starts inside its namespaces: each output line kept with
// the wall-clock time it arrived, exits observed, and stops by PID — of the
// process alone, or of it and its descendants (a daemon's children, the
// scripts they run) as a crash would.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { wallClock } from './command.js';

export interface LogLine {
  /** ms since the epoch, to the µs (wallClock) */
  readonly at: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: number;
}

export interface LabProcess {
  readonly pid: number;
  readonly argv: readonly string[];
  /** every line printed so far, in order of arrival */
  readonly lines: readonly LogLine[];
  readonly exited: Promise<Exit>;
  running(): boolean;
  /** calls `listener` with every line from now on; returns the function that stops it */
  onLine(listener: (line: LogLine) => void): () => void;
  /** the first line (already printed or yet to come) matching `pattern` */
  waitForLine(pattern: LineMatch, timeoutMs: number): Promise<LogLine>;
  /** signals the process alone; returns when the signal was sent */
  signal(signal: NodeJS.Signals): number;
  /** SIGKILLs the process and every descendant; returns when the first was sent */
  killTree(): number;
}

export type LineMatch = RegExp | ((text: string) => boolean);

const matches = (pattern: LineMatch, text: string): boolean => (pattern instanceof RegExp ? pattern.test(text) : pattern(text));

export interface SpawnOptions {
  /** called with each line as it arrives */
  readonly log?: (line: LogLine) => void;
}

/** Starts `argv` in namespace `ns` (`ip netns exec` execs it, so the PID is the command's own). */
export function spawnIn(ns: string, argv: readonly string[], opts: SpawnOptions = {}): LabProcess {
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  // a failure to start is reported by the throw below; once started, the exit tells what happened
  child.on('error', () => undefined);
  if (child.pid === undefined) throw new Error(`cannot start ${argv.join(' ')} in ${ns}: is iproute2 installed?`);
  const pid = child.pid;
  const lines: LogLine[] = [];
  const watchers = new Set<(l: LogLine) => void>(opts.log ? [opts.log] : []);
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => {
      exit = { code, signal, at: wallClock() };
      resolve(exit);
    }),
  );
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream] }).on('line', (text) => {
      const line = { at: wallClock(), stream, text };
      lines.push(line);
      for (const w of watchers) w(line);
    });
  }
  return {
    pid,
    argv,
    lines,
    exited,
    running: () => exit === undefined,
    onLine: (listener) => {
      watchers.add(listener);
      return () => void watchers.delete(listener);
    },
    waitForLine: (pattern, timeoutMs) => {
      const seen = lines.find((l) => matches(pattern, l.text));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const done = (): void => {
          watchers.delete(watch);
          clearTimeout(timer);
        };
        const watch = (l: LogLine): void => {
          if (!matches(pattern, l.text)) return;
          done();
          resolve(l);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${argv[0]} (pid ${pid}) printed no line matching ${String(pattern)} within ${timeoutMs} ms${exit ? ` (it exited: ${exit.code ?? exit.signal})` : ''}`));
        }, timeoutMs);
        watchers.add(watch);
      });
    },
    signal: (signal) => {
      const at = wallClock();
      if (exit === undefined) killQuietly(pid, signal);
      return at;
    },
    killTree: () => {
      const at = wallClock();
      if (exit === undefined) killTree(pid);
      return at;
    },
  };
}

/** Sends a signal to a process that may have gone already. */
export function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/**
 * A crash of `pid` and its descendants. All are stopped first, so none can
 * fork, respawn a child (keepalived's parent does) or hear a parent die
 * (keepalived's children ask for SIGTERM then, PR_SET_PDEATHSIG, and shut
 * down cleanly); then each is SIGKILLed, children before parents.
 */
function killTree(pid: number): void {
  killQuietly(pid, 'SIGSTOP');
  for (const p of descendants(pid)) killQuietly(p, 'SIGSTOP');
  for (const p of descendants(pid).reverse()) killQuietly(p, 'SIGKILL');
  killQuietly(pid, 'SIGKILL');
}

/** Parent of each live process, from /proc/PID/stat (the field after the parenthesised name). */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(entry), ppid);
    } catch {
      // it exited while we looked
    }
  }
  return map;
}

/** The descendants of `pid`, parents before children. */
function descendants(pid: number): number[] {
  const map = parents();
  const found: number[] = [];
  const walk = (p: number): void => {
    for (const [child, parent] of map) {
      if (parent !== p) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

/** A process that is gone or only a zombie waiting to be reaped has finished. */
export function finished(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
