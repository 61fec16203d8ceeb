// What `tskad` does without -t or -d: run the daemon. For now that is the
// VRRP process in the foreground; the supervisor with its children, pid
// files, syslog and forking arrive with issue 4, the checker with LVS
// support. Whatever is not there yet is refused or announced, never ignored.
import { defaultReadOptions } from '../config/load.js';
import { EXIT_FATAL, EXIT_OK, type Io } from './io.js';

export interface DaemonJob {
  readonly file: string;
  readonly configId?: string;
  readonly allConfig: boolean;
  /** -n */
  readonly dontFork: boolean;
  /** -P / -C */
  readonly vrrpOnly: boolean;
  readonly checkOnly: boolean;
  /** -l, -D, -V */
  readonly logConsole: boolean;
  readonly logDetail: boolean;
  readonly dontReleaseVrrp: boolean;
}

/** Refusals come back at once; a daemon that starts, as a promise settled when it stops. */
export function runDaemonJob(job: DaemonJob, io: Io): number | Promise<number> {
  if (job.checkOnly) return refuse(io, 'the checker process (-C, LVS health checking) is not implemented yet');
  if (!job.dontFork) return refuse(io, 'tskad does not fork into the background yet: run it with -n (--dont-fork), as its systemd unit does');
  return runForeground(job, io);
}

async function runForeground(job: DaemonJob, io: Io): Promise<number> {
  const readOptions = { ...defaultReadOptions(), includeCheck: job.allConfig, ...(job.configId ? { configId: job.configId } : {}) };
  try {
    // loaded here, not at start-up: `-t` needs none of the daemon's modules (native sockets, netlink, pino)
    const { runVrrp } = await import('../vrrp/process.js');
    const vrrp = await runVrrp({ configFile: job.file, readOptions, console: job.logConsole, detail: job.logDetail, dontReleaseVrrp: job.dontReleaseVrrp });
    await vrrp.stopped;
    return EXIT_OK;
  } catch (e) {
    return refuse(io, (e as Error).message);
  }
}

function refuse(io: Io, message: string): number {
  io.stderr(`tskad: ${message}\n`);
  return EXIT_FATAL;
}
