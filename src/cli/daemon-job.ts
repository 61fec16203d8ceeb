// What `tskad` does without -t or -d: run the daemon, in the role this
// process was started for (daemon/child-process.ts): the parent an operator
// or systemd started — which checks the configuration and the pid files,
// then supervises in the foreground (-n) or forks into the background — or
// one of the parent's children. Refusals come back at once; the daemon's
// modules (pino, netlink, native sockets) load only when a daemon runs.
import { takeRole } from '../daemon/child-process.js';
import { prepare } from '../daemon/prepare.js';
import { CHECKER_MISSING, type DaemonFlags } from '../daemon/settings.js';
import { EXIT_FATAL, type Io } from './io.js';

export type DaemonJob = DaemonFlags;

export function runDaemonJob(job: DaemonJob, io: Io): number | Promise<number> {
  const role = takeRole();
  if (role === 'vrrp') return import('../daemon/vrrp-child.js').then(({ runVrrpChild }) => runVrrpChild(job));
  const say = (message: string) => io.stderr(`tskad: ${message}\n`);
  if (role === 'checker') {
    say(CHECKER_MISSING);
    return EXIT_FATAL;
  }
  const prepared = prepare(job, say);
  if (typeof prepared === 'number') return prepared;
  if (!job.dontFork && role !== 'daemon') return import('../daemon/parent.js').then(({ daemonize }) => daemonize(say));
  return import('../daemon/parent.js').then(({ runParent }) => runParent(job, prepared, role === 'daemon'));
}
