// What every benchmark prints about the run it made: keepalived's version,
// and the load on the machine, which shows in the worst cases and the p99s:
// the load average, and on a virtual machine the CPU time its hypervisor
// gave to others (steal), which no process on the machine can see otherwise.
// And the build every benchmark needs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { currentBundle } from '../src/cli/bundle.js';

export function keepalivedVersion(): string {
  const r = spawnSync('keepalived', ['--version'], { encoding: 'utf8' });
  return /Keepalived (v\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown';
}

/** node, kernel and CPUs, for a report's first line */
export const platform = (): string => `node ${process.version}, Linux ${release()}, ${cpus().length} CPUs`;

export const loadAverage = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

/** The machine's CPU time so far, in clock ticks (proc(5) /proc/stat, the "cpu" line): all of it, and the share stolen. */
export interface CpuTicks {
  readonly total: number;
  readonly steal: number;
}

export function cpuTicks(): CpuTicks {
  const fields = /^cpu\s+(.*)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]?.trim().split(/\s+/).map(Number) ?? [];
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const first8 = fields.slice(0, 8);
  return { total: first8.reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 };
}

/** The share of the CPU time since `from` that the hypervisor gave to others, as a percentage. */
export function stolenSince(from: CpuTicks): string {
  const now = cpuTicks();
  const total = now.total - from.total;
  return `${total > 0 ? ((100 * (now.steal - from.steal)) / total).toFixed(1) : '0.0'}%`;
}

/**
 * Benchmarks time tskad as it is installed: started from the bundle `npm run
 * build` makes. After tsc alone that bundle is stale and the command line
 * loads its modules instead, which starts about 0.5 s later and stays 6–7 MiB
 * larger (a tskad master at advert_int 0.02, measured twice each way), so a
 * run on such a build says so and stops.
 */
export function requireCurrentBundle(): void {
  if (currentBundle() === undefined) throw new Error('dist/src/cli has no bundle as new as tsc\'s output: run `npm run build` first (npm run bench:* does)');
}
