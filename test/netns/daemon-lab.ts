// tskad as a whole daemon in the lab, for the daemon-*.test.ts files: the
// supervisor with its VRRP child, its own pid files and runtime directory
// (status socket, VIP ledger) under the router's dir, extra flags and
// environment, and tskad's command line for `tskad status`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../src/lab/command.js';
import { startDaemon, TSKAD_MAIN, type Daemon, type DaemonFiles } from '../../src/lab/daemon.js';
import type { Lab } from '../../src/lab/topology.js';

/** node, the tsx loader when the tests run from source, and tskad's entry point */
const loader = TSKAD_MAIN.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
export const tskadArgv = (...args: string[]): string[] => [process.execPath, ...loader, TSKAD_MAIN, ...args];

export const runtimeDirOf = (files: DaemonFiles): string => join(files.conf, '..', 'run');

export interface TskadOptions {
  /** without -n: the daemon forks into the background */
  readonly fork?: boolean;
  readonly extraFlags?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** keepalived's flags as the lab gives them (-l -D -P, the router's pid files), tskad's --runtime-dir, and `o`'s. */
export function startTskad(lab: Lab, router: string, configText: string, o: TskadOptions = {}): Daemon {
  return startDaemon(lab, router, {
    config: { text: configText },
    command: (f) => [
      ...(o.env ? ['env', ...Object.entries(o.env).map(([k, v]) => `${k}=${v}`)] : []),
      ...tskadArgv(...(o.fork ? [] : ['-n']), '-l', '-D', '-P', '-f', f.conf, '-p', f.pidFile, '-r', f.vrrpPidFile, '-c', f.checkersPidFile),
      '--runtime-dir',
      runtimeDirOf(f),
      ...(o.extraFlags ?? []),
    ],
  });
}

export function readPid(path: string): number {
  return Number(readFileSync(path, 'utf8').trim());
}

/** The command name of a process (what `ps` and pgrep show). */
export const commOf = (pid: number): string => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();

/** `tskad status --json` for the daemon of these files; runs on the host, where the socket is a file like any other. */
export async function statusJson(files: DaemonFiles): Promise<{
  pid: number;
  vrrp: Array<{ name: string; state: string; effectivePriority: number; vips: string[]; stats: Record<string, number> }>;
  timers: { expiries: number; late: Record<string, number> };
}> {
  return JSON.parse(await run(tskadArgv('status', '--json', '--runtime-dir', runtimeDirOf(files)))) as never;
}

/** The PIDs of every process in the node's namespace. */
export async function pidsIn(lab: Lab, node: string): Promise<number[]> {
  return (await run(['ip', 'netns', 'pids', lab.node(node).ns])).split('\n').filter(Boolean).map(Number);
}
