// What every benchmark prints about the run it made: keepalived's version,
// and the load on the machine, which shows in the worst cases and the p99s.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, release } from 'node:os';

export function keepalivedVersion(): string {
  const r = spawnSync('keepalived', ['--version'], { encoding: 'utf8' });
  return /Keepalived (v\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown';
}

/** node, kernel and CPUs, for a report's first line */
export const platform = (): string => `node ${process.version}, Linux ${release()}, ${cpus().length} CPUs`;

export const loadAverage = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
