// What the daemon's processes run with: the command line's flags (parsed by
// src/cli) over the configuration's global settings, resolved once so that
// the supervisor and its children agree — pid files, tskad's runtime
// directory (status socket, VIP ledger), logging, child_wait_time, the
// metrics listener and process names.
import { basename, dirname, join } from 'node:path';
import { effectiveProcessNames, usesPidDir } from '../config/effective-global.js';
import { defaultReadOptions, type LoadResult, type ReadOptions } from '../config/load.js';
import type { Config } from '../config/schema/index.js';
import type { DaemonLogFlags } from '../observe/log.js';
import type { DaemonPart } from '../observe/syslog.js';
import { defaultPidFiles, type PidFilePaths } from './pidfile.js';
import { EXIT } from './respawn.js';

/** The daemon's command line (keepalived(8) flags, plus tskad's own). */
export interface DaemonFlags {
  /** -f */
  readonly file: string;
  /** -i, -e */
  readonly configId?: string;
  readonly allConfig: boolean;
  /** -n */
  readonly dontFork: boolean;
  /** -P / -C */
  readonly vrrpOnly: boolean;
  readonly checkOnly: boolean;
  /** -l, -D, -G, -S */
  readonly logConsole: boolean;
  readonly logDetail: boolean;
  readonly noSyslog: boolean;
  readonly logFacility?: string;
  /** -V, -R */
  readonly dontReleaseVrrp: boolean;
  readonly dontRespawn: boolean;
  /** -p, -r, -c */
  readonly pidFile?: string;
  readonly vrrpPidFile?: string;
  readonly checkersPidFile?: string;
  /** -u, already read as a number */
  readonly umask?: number;
  /** --runtime-dir: the status socket and the VIP ledger */
  readonly runtimeDir?: string;
  /** --metrics-listen [ADDR:]PORT */
  readonly metricsListen?: string;
}

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface DaemonSettings {
  readonly pidFiles: PidFilePaths;
  readonly runtimeDir: string;
  readonly statusSocket: string;
  /** VIPs the VRRP process added (net/vip-owner.ts), for the next start after a crash */
  readonly vipStateFile: string;
  readonly childWaitMs: number;
  readonly metricsListen?: ListenAddress;
  readonly umask: number;
  readonly title: { readonly parent: string; readonly vrrp: string };
}

export const DEFAULT_RUNTIME_DIR = '/run/tskad';
const DEFAULT_METRICS_HOST = '127.0.0.1';

/** The status socket in a runtime directory; `tskad status --runtime-dir` finds it there too. */
export const statusSocketIn = (runtimeDir: string): string => join(runtimeDir, 'status.sock');

export const readOptionsOf = (f: DaemonFlags): ReadOptions => ({ ...defaultReadOptions(), includeCheck: f.allConfig, ...(f.configId ? { configId: f.configId } : {}) });

/** `[ADDR:]PORT` or `[IPV6]:PORT`, as tskad_metrics_listen reads it; undefined when malformed. */
export function parseListen(text: string): ListenAddress | undefined {
  const m = /^(?:\[([^\]]+)\]:|([^:[\]]+):)?(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (!m || !(port >= 1 && port <= 65535)) return undefined;
  return { host: m[1] ?? m[2] ?? DEFAULT_METRICS_HOST, port };
}

/**
 * Where the status socket and the VIP ledger go unless --runtime-dir says:
 * beside a pid file given with -p (/x/NAME.pid → /x/NAME.tskad/), so that two
 * daemons that may run side by side — which their pid files must differ for
 * — never share them; else /run/tskad, or /run/tskad/INSTANCE.
 */
export function defaultRuntimeDir(pidFile: string | undefined, instance: string | undefined): string {
  if (pidFile !== undefined) return join(dirname(pidFile), `${basename(pidFile, '.pid')}.tskad`);
  return instance !== undefined ? join(DEFAULT_RUNTIME_DIR, instance) : DEFAULT_RUNTIME_DIR;
}

export function daemonSettings(f: DaemonFlags, config: Config): DaemonSettings {
  const defaults = defaultPidFiles({
    usePidDir: usesPidDir(config),
    ...(config.instance !== undefined && { instance: config.instance }),
    ...(config.netNamespace !== undefined && { netNamespace: config.netNamespace }),
  });
  const runtimeDir = f.runtimeDir ?? defaultRuntimeDir(f.pidFile, config.instance);
  const g = config.globalDefs;
  const listen = f.metricsListen !== undefined ? parseListen(f.metricsListen) : g.tskadMetricsListen;
  const names = effectiveProcessNames(g);
  return {
    pidFiles: { main: f.pidFile ?? defaults.main, vrrp: f.vrrpPidFile ?? defaults.vrrp, checkers: f.checkersPidFile ?? defaults.checkers },
    runtimeDir,
    statusSocket: statusSocketIn(runtimeDir),
    vipStateFile: join(runtimeDir, 'vips.json'),
    childWaitMs: config.childWaitTime * 1000,
    ...(listen && { metricsListen: listen }),
    // keepalived: -u overrides the umask keyword
    umask: f.umask ?? g.umask,
    title: { parent: names.parent ?? 'tskad', vrrp: names.vrrp ?? 'tskad_vrrp' },
  };
}

export const logFlags = (f: DaemonFlags, config: Config, part: DaemonPart): DaemonLogFlags => ({
  part,
  console: f.logConsole,
  detail: f.logDetail,
  syslog: !f.noSyslog,
  ...(f.logFacility !== undefined && { facility: f.logFacility }),
  ...(config.netNamespace !== undefined && { netNamespace: config.netNamespace }),
  ...(config.instance !== undefined && { instance: config.instance }),
});

/** keepalived's exit for a configuration that cannot be used: NO_CONFIG when the file cannot be read, else CONFIG. */
export function configExit(loaded: LoadResult): number | undefined {
  if (!loaded.diagnostics.hasFatal) return undefined;
  return loaded.diagnostics.items.some((d) => d.code === 'TSKAD_F_CONFIG_UNREADABLE') ? EXIT.NO_CONFIG : EXIT.CONFIG;
}

export const CHECKER_MISSING = 'the checker process (-C, LVS health checking) is not implemented yet';

/** Which children the configuration and -P ask for; a refusal for what does not exist yet. */
export function childrenFor(f: DaemonFlags, config: Config): { readonly vrrp: boolean } | { readonly refusal: string } {
  const hasVrrp = config.vrrpInstance.length > 0;
  const hasLvs = config.virtualServer.length > 0;
  if (!hasVrrp) {
    return { refusal: hasLvs ? 'the configuration has only virtual_server blocks, and the checker process (LVS health checking) is not implemented yet' : 'the configuration has no vrrp_instance: nothing to run' };
  }
  if (hasLvs && !f.vrrpOnly) {
    return { refusal: 'the configuration has virtual_server blocks, and the checker process (LVS health checking) is not implemented yet: run with -P to run the VRRP process alone' };
  }
  return { vrrp: true };
}
