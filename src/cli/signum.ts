// `--signum=SIGFUNC`: the signal that asks the daemon for each function, as
// keepalived 2.2.7 numbers them (keepalived(8) "SIGNALS"), so that
// `kill -s $(tskad --signum=RELOAD) $(cat /run/keepalived.pid)` works as it
// does with keepalived. The real-time ones vary by architecture, hence the
// computation rather than a table of numbers.
import { constants } from 'node:os';

/**
 * glibc's SIGRTMIN: the kernel's first real-time signal (32) plus the two
 * glibc keeps for its threads. glibc's SIGRTMAX (__SIGRTMAX) is 127 on MIPS
 * and 64 on every other Linux architecture.
 */
const SIGRTMIN = 32 + 2;
const SIGRTMAX = process.arch.startsWith('mips') ? 127 : 64;

/** Function names are matched exactly, upper case, as keepalived does. */
const SIGFUNCS: Readonly<Record<string, number>> = {
  STOP: constants.signals.SIGTERM,
  RELOAD: constants.signals.SIGHUP,
  DATA: constants.signals.SIGUSR1,
  STATS: constants.signals.SIGUSR2,
  STATS_CLEAR: SIGRTMAX - 1,
  JSON: SIGRTMIN + 2,
  // TDATA (thread dump) exists only in keepalived's debug builds: unknown here, as in Debian's build
};

export const signalNumber = (sigfunc: string): number | undefined =>
  Object.hasOwn(SIGFUNCS, sigfunc) ? SIGFUNCS[sigfunc] : undefined;
