// tskad's parent process in the real world (keepalived core/main.c main):
// the supervisor (supervisor.ts) wired to real children, signals, systemd,
// syslog and the parent's pid file, and, without -n, the fork into the
// background for init scripts (keepalived's xdaemon).
import { formatDiagnostic } from '../config/diagnostics.js';
import { loadConfig } from '../config/load.js';
import { packageVersion } from '../cli/package.js';
import { loadNative } from '../net/native.js';
import { daemonLogger } from '../observe/log.js';
import { realScheduler } from '../vrrp/scheduler.js';
import { exitOf, forkSelf, launchChild, releaseParent, reportUp, thisCommand, whenUp } from './child-process.js';
import { removePidFile, writePidFile } from './pidfile.js';
import type { Prepared } from './prepare.js';
import { applyTuning, SUPERVISOR_TUNING } from './process-tuning.js';
import { EXIT } from './respawn.js';
import { sdNotifier } from './sd-notify.js';
import { logFlags, readOptionsOf, type DaemonFlags } from './settings.js';
import { watchSignals } from './signal-watch.js';
import { Supervisor } from './supervisor.js';
import { answerParentDataSignal } from './vrrp-dumps.js';

/** Without -n: starts the daemon in a session of its own, and exits 0 once it is up, or with its exit code if it gives up first. */
export function daemonize(say: (message: string) => void): Promise<number> {
  const daemon = forkSelf(thisCommand(), 'daemon', { detached: true, stdio: 'ignore' });
  return new Promise((resolve) => {
    whenUp(daemon, () => {
      daemon.disconnect();
      daemon.unref();
      resolve(EXIT.OK);
    });
    void exitOf(daemon).then((exit) => {
      say(`the daemon stopped before it was up (${exit.code !== null ? `exit ${exit.code}` : exit.signal}); see the system log`);
      resolve(exit.code ?? EXIT.FATAL);
    });
  });
}

/** How long the supervisor's stop waits after the native relay has sent its children SIGTERM, ms */
const RELAYED_STOP_DELAY_MS = 5;

/** The parent in the foreground (-n, or the daemon forked by daemonize: `background`). Resolves with its exit code. */
export async function runParent(flags: DaemonFlags, { loaded, settings }: Prepared, background: boolean): Promise<number> {
  process.umask(settings.umask);
  process.title = settings.title.parent;
  const { log, close: closeLog } = daemonLogger(logFlags(flags, loaded.config, 'parent'));
  const version = `tskad v${packageVersion()}`;
  log.info(`Starting ${version}`);
  log.info(`Command line: ${process.argv.slice(2).map((a) => `'${a}'`).join(' ')}`);
  try {
    writePidFile(settings.pidFiles.main);
  } catch (e) {
    log.error(`cannot write pid file ${settings.pidFiles.main}: ${(e as Error).message}`);
    closeLog();
    return EXIT.FATAL;
  }
  // the children and the scripts they run must not talk to systemd in the daemon's name
  const notify = sdNotifier({ unsetEnvironment: true, onError: (m) => log.warn(m) });
  const self = thisCommand();
  const supervisor = new Supervisor(
    { children: ['vrrp'], dontRespawn: flags.dontRespawn, childWaitMs: settings.childWaitMs },
    {
      start: (kind, respawn) => launchChild(self, kind, kind === 'vrrp' ? settings.pidFiles.vrrp : settings.pidFiles.checkers, respawn),
      // the children a stop signal goes to straight from the native handler (signal-watch.ts)
      childrenChanged: (pids) => signals.relayStopTo(pids),
      scheduler: realScheduler,
      log,
      notify,
      validateConfig: () =>
        loadConfig(flags.file, readOptionsOf(flags))
          .diagnostics.sorted()
          .filter((d) => d.severity === 'error' || d.severity === 'fatal')
          .map(formatDiagnostic),
    },
  );
  const signals = watchSignals(
    (route) => {
      // keepalived's parent writes its own dump as it relays DATA (main.c print_parent_data)
      if (route.supervisor === 'dump') answerParentDataSignal(loaded.config, { log, umask: settings.umask });
      // the children have their SIGTERM already: the supervisor's own stop, a millisecond of JavaScript,
      // waits, so as not to hold a CPU a child needs for its priority-0 adverts
      if (route.supervisor === 'stop' && signals.stopsNatively) setTimeout(() => supervisor.signal(route), RELAYED_STOP_DELAY_MS);
      else supervisor.signal(route);
    },
    log,
  );
  if (signals.stopsNatively) applyTuning(SUPERVISOR_TUNING, log, loadNative());
  if (background) {
    supervisor.onReady(() => {
      reportUp();
      releaseParent();
    });
  }
  supervisor.start();
  const code = await supervisor.done;
  signals.close();
  removePidFile(settings.pidFiles.main);
  log.info(`Stopped ${version}`);
  closeLog();
  return code;
}
