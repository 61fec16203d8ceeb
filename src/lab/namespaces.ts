// The lab's network namespaces and temp dirs: names that say who made them
// (`<prefix>-<pid>-<lab>-<node>`, so parallel test files never collide and a
// crashed run's leftovers can be told from a live run's), and their removal
// with everything still running inside them.
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSync } from './command.js';
import { finished, killQuietly } from './process.js';

export const DEFAULT_PREFIX = 'tskad-lab';

/** A namespace's name; the lab's temp dir is named the same with a random last part (mkdtemp). */
export const namespaceName = (prefix: string, pid: number, lab: number, node: string): string => `${prefix}-${pid}-${lab}-${node}`;

/** The PID of the process that made a namespace or temp dir named so, if it is one of `prefix`. */
export function ownerPid(prefix: string, name: string): number | undefined {
  const m = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)-\\d+-[A-Za-z0-9]+$`).exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Named namespaces, as `ip netns` keeps them (/run/netns). */
export function listNamespaces(): string[] {
  try {
    return readdirSync('/run/netns');
  } catch {
    return [];
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Blocks (teardown runs in signal handlers too) until every PID has finished, or throws. */
function waitFinishedSync(pids: readonly number[], timeoutMs: number): void {
  const end = Date.now() + timeoutMs;
  const tick = new Int32Array(new SharedArrayBuffer(4));
  while (pids.some((p) => !finished(p))) {
    if (Date.now() > end) throw new Error(`processes ${pids.filter((p) => !finished(p)).join(', ')} did not die`);
    Atomics.wait(tick, 0, 0, 5);
  }
}

/**
 * SIGKILLs whatever runs in the namespaces — only processes this lab started,
 * or their descendants, can be there — then deletes them.
 */
export function removeNamespaces(names: readonly string[]): void {
  const present = new Set(listNamespaces());
  const mine = names.filter((n) => present.has(n));
  const pids = mine.flatMap((ns) => runSync(['ip', 'netns', 'pids', ns]).split('\n').filter(Boolean).map(Number));
  for (const pid of pids) killQuietly(pid, 'SIGKILL');
  waitFinishedSync(pids, 5000);
  for (const ns of mine) runSync(['ip', 'netns', 'del', ns]);
}

/** Removes what earlier runs with this prefix left when their process died (crashed, or SIGKILLed); returns the namespaces. */
export function sweepLeftovers(prefix: string): string[] {
  const stale = (name: string): boolean => {
    const owner = ownerPid(prefix, name);
    return owner !== undefined && owner !== process.pid && !alive(owner);
  };
  const namespaces = listNamespaces().filter(stale);
  removeNamespaces(namespaces);
  for (const dir of readdirSync(tmpdir()).filter(stale)) rmSync(join(tmpdir(), dir), { recursive: true, force: true });
  return namespaces;
}
