// The checks before any of the daemon's processes starts, shared by the
// process an operator started (whose messages reach the terminal) and the
// daemon it forks: kept free of the daemon's heavier modules, so that a
// refusal costs no more than reading the configuration.
import { formatDiagnostic } from '../config/diagnostics.js';
import { loadConfig, type LoadResult } from '../config/load.js';
import { AlreadyRunningError, checkNotRunning } from './pidfile.js';
import { EXIT } from './respawn.js';
import { CHECKER_MISSING, childrenFor, configExit, daemonSettings, readOptionsOf, type DaemonFlags, type DaemonSettings } from './settings.js';

/** The configuration, read and found usable, with what follows from it. */
export interface Prepared {
  readonly loaded: LoadResult;
  readonly settings: DaemonSettings;
}

/**
 * Before any process starts: a configuration that can run, a part of it
 * tskad can run, and no daemon already running on the same pid files (stale
 * files are removed, telling `say`). The exit code when one fails.
 */
export function prepare(flags: DaemonFlags, say: (message: string) => void): Prepared | number {
  if (flags.checkOnly) {
    say(CHECKER_MISSING);
    return EXIT.FATAL;
  }
  const loaded = loadConfig(flags.file, readOptionsOf(flags));
  const failed = configExit(loaded);
  if (failed !== undefined) {
    for (const d of loaded.diagnostics.sorted()) if (d.severity === 'fatal') say(formatDiagnostic(d));
    return failed;
  }
  const children = childrenFor(flags, loaded.config);
  if ('refusal' in children) {
    say(children.refusal);
    return EXIT.FATAL;
  }
  const settings = daemonSettings(flags, loaded.config);
  try {
    checkNotRunning([settings.pidFiles.main, settings.pidFiles.vrrp], say);
  } catch (e) {
    if (!(e instanceof AlreadyRunningError)) throw e;
    say(e.message);
    return EXIT.FATAL;
  }
  return { loaded, settings };
}
