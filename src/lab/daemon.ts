// Running a VRRP daemon — keepalived 2.2.7 or tskad, the same command line —
// in a router namespace of a lab: its files (config, the three pid files)
// under the lab's temp dir, its log lines kept with their arrival times, and
// the two ways it stops: SIGTERM, the clean shutdown an operator or systemd
// asks for (a master sends priority 0, RFC 5798 §6.4.3), and SIGKILL of the
// daemon and every child, a crash (the backup waits out Master_Down_Interval).
// What its log says, in either daemon's words: its state changes, and the
// adverts it rejected.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab } from './topology.js';
import type { LabProcess, LogLine } from './process.js';

export interface DaemonFiles {
  readonly conf: string;
  readonly pidFile: string;
  readonly vrrpPidFile: string;
  readonly checkersPidFile: string;
}

/** The argv that runs a daemon on these files. */
export type DaemonCommand = (files: DaemonFiles) => string[];

/** keepalived(8): no fork, log to the console, detailed, VRRP only, and this run's own pid files */
const daemonFlags = (f: DaemonFiles): string[] => ['-n', '-l', '-D', '-P', '-f', f.conf, '-p', f.pidFile, '-r', f.vrrpPidFile, '-c', f.checkersPidFile];

export const keepalivedCommand: DaemonCommand = (f) => ['keepalived', ...daemonFlags(f)];

/** tskad's entry point beside this module: compiled (dist/src/cli/main.js) or, under tsx, its source. */
const fromSource = import.meta.url.endsWith('.ts');
export const TSKAD_MAIN = fileURLToPath(new URL(`../cli/main.${fromSource ? 'ts' : 'js'}`, import.meta.url));

export function tskadCommand(main = TSKAD_MAIN): DaemonCommand {
  const loader = main.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
  return (f) => [process.execPath, ...loader, main, ...daemonFlags(f)];
}

export type DaemonKind = 'keepalived' | 'tskad';

export const daemonCommand = (kind: DaemonKind): DaemonCommand => (kind === 'keepalived' ? keepalivedCommand : tskadCommand());

export type ConfigSource = { readonly file: string } | { readonly text: string };

export interface DaemonOptions {
  readonly command: DaemonCommand;
  /** a file to run as it is (its includes resolve as usual), or text written to the router's dir */
  readonly config: ConfigSource;
  readonly log?: (line: LogLine) => void;
}

export interface Daemon {
  readonly router: string;
  readonly files: DaemonFiles;
  readonly process: LabProcess;
  /** Resolves, once it has exited, with the time the signal was sent (ms since the epoch). */
  stop(signal: 'SIGTERM' | 'SIGKILL', timeoutMs?: number): Promise<number>;
}

/** keepalived's "(VI_1) Entering MASTER STATE"; tskad's one transition line "VI_1: BACKUP -> MASTER" */
export const STATE_LINE = /\((?<instance>[^)]+)\) Entering (?<state>MASTER|BACKUP|FAULT) STATE|^(?:.*\s)?(?<instance2>\S+): \w+ -> (?<state2>MASTER|BACKUP|FAULT)\b/;

export function stateOf(line: string): { instance: string; state: string } | undefined {
  const g = STATE_LINE.exec(line)?.groups;
  if (!g) return undefined;
  return { instance: (g.instance ?? g.instance2)!, state: (g.state ?? g.state2)! };
}

export function startDaemon(lab: Lab, router: string, opts: DaemonOptions): Daemon {
  const dir = join(lab.dir, router);
  mkdirSync(dir, { recursive: true });
  let conf: string;
  if ('file' in opts.config) conf = opts.config.file;
  else {
    conf = join(dir, 'keepalived.conf');
    writeFileSync(conf, opts.config.text);
  }
  const files: DaemonFiles = {
    conf,
    pidFile: join(dir, 'daemon.pid'),
    vrrpPidFile: join(dir, 'vrrp.pid'),
    checkersPidFile: join(dir, 'checkers.pid'),
  };
  const proc = lab.spawn(router, opts.command(files), opts.log ? { log: opts.log } : {});
  return {
    router,
    files,
    process: proc,
    stop: async (signal, timeoutMs = 10_000) => {
      const at = signal === 'SIGKILL' ? proc.killTree() : proc.signal(signal);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${router}: the daemon was still running ${timeoutMs} ms after ${signal}`)), timeoutMs);
      });
      try {
        await Promise.race([proc.exited, late]);
      } catch (e) {
        proc.killTree();
        throw e;
      } finally {
        clearTimeout(timer);
      }
      return at;
    },
  };
}

/** A state change a daemon logged, with the time the line arrived. */
export interface Transition {
  readonly at: number;
  readonly instance: string;
  readonly state: string;
}

export const transitions = (d: Daemon): Transition[] =>
  d.process.lines.flatMap((l) => {
    const s = stateOf(l.text);
    return s ? [{ at: l.at, ...s }] : [];
  });

/** What keepalived (vrrp.c, vrrp_check_packet) and tskad log for an advert that is wrong: dropped, or in the pre-1.3.6 unicast checksum. */
const REJECTED =
  /\) (?:vrrp packet too|vrrp packet length error|invalid TTL|wrong version|Invalid auth type|received an? \S+ auth|received an invalid passwd|advertisement interval mismatch|Invalid packet type|received an unexpected ip number|Invalid VRRPv\d checksum|Setting unicast VRRPv3 checksum to old|Expected \w+icast packet|expected \d+ VIPs|ip address associated with VRID|unicast source address .* not a unicast peer)|bogus VRRP packet/;

/** The adverts a daemon logged as wrong: between two daemons that interoperate, none. */
export const rejections = (d: Daemon): string[] => d.process.lines.filter((l) => REJECTED.test(l.text)).map((l) => l.text);
