// What a daemon costs while it runs: the CPU time and resident memory of its
// process and every descendant (keepalived's VRRP work is done in a child,
// tskad's in its one process), read from /proc — proc(5): each thread's
// schedstat (ns on a CPU, where stat's utime and stime count 10 ms ticks,
// too coarse for an idle backup), status's VmRSS in kB, and smaps_rollup's
// Pss: the resident pages with each shared one split among the processes
// that map it, so that the node binary's pages, resident in both of tskad's
// processes, count once.
import { readdirSync, readFileSync } from 'node:fs';

export interface Usage {
  /** user + system CPU of the tree, s */
  readonly cpuSeconds: number;
  /** the tree's summed resident set, KiB */
  readonly rssKiB: number;
  /** the tree's summed proportional set size, KiB */
  readonly pssKiB: number;
}

/** the parent of a process, from /proc/PID/stat (the field after the state, after the parenthesised name) */
function parentOf(pid: string): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
  } catch {
    return undefined; // it exited while we looked
  }
}

function treeOf(root: number): string[] {
  const children = new Map<string, string[]>();
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    const ppid = parentOf(pid);
    if (ppid !== undefined) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const tree = [String(root)];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** ns the process's threads have run, the first field of each thread's schedstat */
function cpuNs(pid: string): number {
  try {
    return readdirSync(`/proc/${pid}/task`).reduce((sum, tid) => sum + Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]), 0);
  } catch {
    return 0;
  }
}

/** a "Name:   N kB" field of a /proc file of the process; 0 once it has exited */
function kiB(pid: string, file: 'status' | 'smaps_rollup', field: 'VmRSS' | 'Pss'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export function usageOf(root: number): Usage {
  let ns = 0;
  let rss = 0;
  let pss = 0;
  for (const pid of treeOf(root)) {
    ns += cpuNs(pid);
    rss += kiB(pid, 'status', 'VmRSS');
    pss += kiB(pid, 'smaps_rollup', 'Pss');
  }
  return { cpuSeconds: ns / 1e9, rssKiB: rss, pssKiB: pss };
}
