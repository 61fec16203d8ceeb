// The VRRP child of the supervisor (keepalived's Keepalived_vrrp,
// vrrp_daemon.c start_vrrp_child): writes its pid file (-r), logs under
// keepalived's VRRP ident, runs the VRRP process (vrrp/process.ts) with the
// VIP ledger that lets a respawned child take back the MASTERs a crashed
// one held and remove the rest it left, serves `tskad status` and the
// metrics, reports to the supervisor that it is up, and stops gracefully on
// SIGTERM/SIGINT or when the supervisor is gone (keepalived:
// PR_SET_PDEATHSIG, SIGTERM).
//
// Its signals (signals.ts routes): HUP reloads the configuration (one at a
// time; one that comes during the start-up runs once it is up), the status
// and metrics follow the new instances, and the supervisor is told when it
// is done; DATA, STATS, STATS_CLEAR and JSON are caught (the real-time ones
// through the native addon) and answered with keepalived's dump files
// (vrrp-dumps.ts) of the instances running then.
import { formatDiagnostic } from '../config/diagnostics.js';
import { loadConfig } from '../config/load.js';
import { daemonLogger, type Logger } from '../observe/log.js';
import { createVrrpMetrics, serveMetrics, type MetricsServer, type VrrpMetrics } from '../observe/metrics.js';
import { startStatusServer, type StatusServer } from '../observe/status.js';
import type { VrrpProcess } from '../vrrp/process.js';
import { onParentGone, releaseParent, reportReloaded, reportUp, takeRespawn } from './child-process.js';
import { loadNative } from '../net/native.js';
import { removePidFile, writePidFile } from './pidfile.js';
import { applyTuning, vrrpTuning } from './process-tuning.js';
import { EXIT } from './respawn.js';
import { configExit, daemonSettings, logFlags, readOptionsOf, type DaemonFlags, type DaemonSettings } from './settings.js';
import { watchSignals } from './signal-watch.js';
import type { SignalRoute } from './signals.js';
import { publishVrrpEvents } from './vrrp-publisher.js';
import { answerDumpSignal } from './vrrp-dumps.js';
import { watchVrrpStatus } from './vrrp-status.js';

/** The exit a failed start gets: keepalived's permanent errors, so the supervisor does not respawn in vain. */
function startFailure(e: NodeJS.ErrnoException): number {
  if (e.code === 'EPERM' || e.code === 'EACCES') return EXIT.MISSING_PERMISSION;
  return /configuration/.test(e.message) ? EXIT.CONFIG : EXIT.FATAL;
}

/** The dumps (DATA, STATS, STATS_CLEAR, JSON) of the instances running now; set by serveRunning while they run. */
interface Dumps {
  answer?: (route: SignalRoute) => void;
}

export async function runVrrpChild(flags: DaemonFlags): Promise<number> {
  const startedAt = new Date();
  const respawn = takeRespawn();
  const readOptions = readOptionsOf(flags);
  const loaded = loadConfig(flags.file, readOptions);
  const settings = daemonSettings(flags, loaded.config);
  process.title = settings.title.vrrp;
  const { log, close: closeLog } = daemonLogger(logFlags(flags, loaded.config, 'vrrp'));
  if (configExit(loaded) !== undefined) {
    // the supervisor found it usable: it broke since, and a respawn would not mend it
    for (const d of loaded.diagnostics.sorted()) if (d.severity === 'fatal') log.error(formatDiagnostic(d));
    closeLog();
    releaseParent();
    return EXIT.CONFIG;
  }
  try {
    writePidFile(settings.pidFiles.vrrp);
  } catch (e) {
    log.error(`VRRP child process: cannot write pidfile ${settings.pidFiles.vrrp}: ${(e as Error).message}`);
    closeLog();
    releaseParent();
    return EXIT.FATAL;
  }

  let vrrp: VrrpProcess | undefined;
  let stopRequested = false;
  let reloadRequested = false;
  const stop = () => {
    stopRequested = true;
    void vrrp?.stop();
  };
  const reload = () => {
    if (!vrrp) {
      reloadRequested = true;
      return;
    }
    void vrrp.reload().then(() => reportReloaded());
  };
  const dumps: Dumps = {};
  // TERM and INT natively: the MASTERs' priority-0 adverts leave from the handler, before the stop's JavaScript
  const signals = watchSignals(
    (route) => {
      if (route.supervisor === 'stop') stop();
      else if (route.sigfunc === 'RELOAD') reload();
      else dumps.answer?.(route);
    },
    log,
  );
  onParentGone(() => {
    if (stopRequested) return;
    log.info('The supervisor is gone: stopping');
    stop();
  });

  let code: number = EXIT.OK;
  try {
    const { runVrrp } = await import('../vrrp/process.js');
    vrrp = await runVrrp({
      configFile: flags.file,
      readOptions,
      loaded,
      logger: log,
      dontReleaseVrrp: flags.dontReleaseVrrp,
      handleSignals: false,
      farewell: (prelude) => signals.stopPrelude(prelude),
      vipStateFile: settings.vipStateFile,
      ...(respawn && { respawn }),
    });
    // once up, not before: the start-up's compiling would count against a realtime CPU limit
    applyTuning(vrrpTuning(loaded.config.globalDefs), log, loadNative());
    if (stopRequested) void vrrp.stop();
    if (reloadRequested) reload();
    await serveRunning(vrrp, settings, startedAt, log, dumps);
  } catch (e) {
    log.error(`VRRP child process: ${(e as Error).message}`);
    code = startFailure(e as NodeJS.ErrnoException);
  } finally {
    signals.close();
    removePidFile(settings.pidFiles.vrrp);
    log.info('Stopped');
    closeLog();
    releaseParent();
  }
  return code;
}

/** From start-up complete to stopped: status, metrics, and the word to the supervisor. */
async function serveRunning(vrrp: VrrpProcess, settings: DaemonSettings, startedAt: Date, log: Logger, dumps: Dumps): Promise<void> {
  // subscribed before the publisher tells of the instances
  const metrics: VrrpMetrics | undefined = settings.metricsListen ? createVrrpMetrics() : undefined;
  const publisher = publishVrrpEvents(vrrp.instances);
  const status = watchVrrpStatus(vrrp, vrrp.config, startedAt);
  // a reload changes the instances and the configuration they are shown with
  vrrp.onReloaded(() => {
    publisher.follow(vrrp.instances);
    status.follow(vrrp.config);
  });
  // read at each signal: a reload replaces the instances, the configuration and the status watch
  dumps.answer = (route) => answerDumpSignal(route, vrrp, vrrp.config, { log, umask: settings.umask, startedAt, lastTransition: (name) => status.lastTransitionAt(name) });
  let statusServer: StatusServer | undefined;
  let metricsServer: MetricsServer | undefined;
  try {
    statusServer = await startStatusServer({ path: settings.statusSocket, snapshot: () => status.snapshot(), onError: (m) => log.error(m) });
  } catch (e) {
    log.error(`status socket ${settings.statusSocket}: ${(e as Error).message}; tskad status will not answer`);
  }
  if (metrics && settings.metricsListen) {
    try {
      metricsServer = await serveMetrics(metrics.registry, settings.metricsListen);
      log.info(`Serving metrics at ${metricsServer.url}`);
    } catch (e) {
      log.error(`metrics listener ${settings.metricsListen.host}:${settings.metricsListen.port}: ${(e as Error).message}`);
    }
  }
  reportUp();
  await vrrp.stopped;
  delete dumps.answer;
  publisher.close();
  status.close();
  await statusServer?.close();
  await metricsServer?.close();
  metrics?.close();
}
