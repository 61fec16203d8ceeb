// The dump signals, as keepalived 2.2.7 answers them (vrrp_daemon.c
// sigusr1_vrrp, sigusr2_vrrp, sigjson_vrrp; main.c print_parent_data):
// DATA writes keepalived.data, STATS keepalived.stats, STATS_CLEAR the same
// and then zeroes every counter, JSON keepalived.json (nothing without
// instances); the supervisor's own DATA writes keepalived_parent.data. Each
// is logged with keepalived's line first.
//
// Where and how, as keepalived: in its tmp_dir ($TMPDIR when absolute, else
// /tmp; lib/utils.c set_tmp_dir), the .data files named after the instance
// and namespace with data_use_instance (global_data.c open_dump_file); each
// written to a fresh temporary file and renamed over the old one, mode 0666
// less the umask (lib/utils.c fopen_safe), so no reader sees half a dump
// and no one can slip a file or a link in its place.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, openSync, realpathSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Config } from '../config/schema/index.js';
import type { Logger } from '../observe/log.js';
import { STAT_NAMES } from '../vrrp/instance.js';
import type { SignalRoute } from './signals.js';
import { formatDataDump, formatParentDataDump } from './vrrp-dump-data.js';
import { formatJsonDump } from './vrrp-dump-json.js';
import type { DumpGroup, DumpRuntime, DumpSource } from './vrrp-dump-model.js';
import { formatStatsDump } from './vrrp-dump-stats.js';

/** The running process, read at each signal: a reload may have replaced its instances. */
export interface DumpedProcess {
  readonly instances: readonly DumpRuntime[];
  readonly groups: readonly (Omit<DumpGroup, 'members'> & { readonly members: readonly DumpRuntime[] })[];
}

export interface DumpOptions {
  readonly log: Logger;
  /** the daemon's umask (settings.umask) */
  readonly umask: number;
  /** wall-clock ms of an instance's last transition, when known (the status watcher's record) */
  lastTransition(instance: string): number | undefined;
  /** what stands in for a transition before the watch began: the daemon's start */
  readonly startedAt: Date;
  /** keepalived's tmp_dir; default from $TMPDIR as keepalived takes it */
  readonly dir?: string;
}

/** lib/utils.c set_tmp_dir */
export const tmpDir = (env: NodeJS.ProcessEnv = process.env): string => (env.TMPDIR?.startsWith('/') ? env.TMPDIR : '/tmp');

/** global_data.c open_dump_file: `keepalived.data` → `keepalived.NS_INSTANCE.data` with data_use_instance. */
export function dataFileName(base: string, g: Config['globalDefs']): string {
  const ns = g.netNamespace;
  const inst = g.instance;
  if (!g.dataUseInstance || (ns === undefined && inst === undefined)) return base;
  const dot = base.lastIndexOf('.');
  return `${base.slice(0, dot)}.${ns ?? ''}${ns !== undefined && inst !== undefined ? '_' : ''}${inst ?? ''}${base.slice(dot)}`;
}

/** fopen_safe(path, "w") and the write: a temporary file of ours, then renamed over the target. */
function writeDump(path: string, text: string, umask: number): void {
  const temp = `${path}${randomBytes(4).toString('hex').slice(0, 6)}`;
  // 'wx': O_EXCL|O_CREAT never follows a link another user planted
  const fd = openSync(temp, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o666 & ~umask);
    writeSync(fd, text);
  } catch (e) {
    closeSync(fd);
    unlinkSync(temp);
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (e) {
    unlinkSync(temp);
    throw e;
  }
}

/** A script's program as keepalived shows it: found on PATH when bare, then with its links resolved. */
function realProgram(word: string): string {
  const found = word.includes('/') ? word : ((process.env.PATH ?? '/bin:/usr/bin').split(delimiter).map((d) => join(d, word)).find((p) => existsSync(p)) ?? word);
  try {
    return realpathSync.native(found);
  } catch {
    return found;
  }
}

function source(vrrp: DumpedProcess, config: Config, o: DumpOptions): DumpSource {
  return {
    config,
    instances: vrrp.instances,
    groups: vrrp.groups.map((g) => ({ name: g.name, state: g.state, members: g.members.map((m) => ({ name: m.name, state: m.state })) })),
    lastTransition: (name) => o.lastTransition(name) ?? o.startedAt.getTime(),
    program: realProgram,
    hostname: hostname(),
  };
}

function write(file: string, text: string, o: Pick<DumpOptions, 'log' | 'umask' | 'dir'>): void {
  const path = join(o.dir ?? tmpDir(), file);
  try {
    writeDump(path, text, o.umask);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    o.log.info({ file: path, err: err.message }, `Can't open ${path} (${err.errno !== undefined ? -err.errno : '?'}: ${err.message})`);
  }
}

/** The VRRP process's answer to DATA, STATS, STATS_CLEAR and JSON (signals.ts routes); other routes are not dumps and are ignored. */
export function answerDumpSignal(route: SignalRoute, vrrp: DumpedProcess, config: Config, o: DumpOptions): void {
  const pid = process.pid;
  switch (route.sigfunc) {
    case 'DATA':
      o.log.info(`Printing VRRP data for process(${pid}) on signal`);
      return write(dataFileName('keepalived.data', config.globalDefs), formatDataDump(source(vrrp, config, o)), o);
    case 'STATS':
    case 'STATS_CLEAR': {
      const clear = route.sigfunc === 'STATS_CLEAR';
      o.log.info(`Printing ${clear ? 'and clearing ' : ''}VRRP stats for process(${pid}) on signal`);
      write('keepalived.stats', formatStatsDump(vrrp), o);
      // keepalived zeroes them all, whether the file could be written or not
      if (clear) for (const v of vrrp.instances) for (const n of STAT_NAMES) v.stats[n] = 0;
      return;
    }
    case 'JSON':
      o.log.info(`Printing VRRP as json for process(${pid}) on signal`);
      if (vrrp.instances.length > 0) write('keepalived.json', formatJsonDump(source(vrrp, config, o)), o);
      return;
    default:
      return;
  }
}

/** The supervisor's own answer to DATA (main.c print_parent_data), before it relays the signal. */
export function answerParentDataSignal(config: Config, o: Pick<DumpOptions, 'log' | 'umask' | 'dir'>): void {
  o.log.info(`Printing parent data for process(${process.pid}) on signal`);
  write(dataFileName('keepalived_parent.data', config.globalDefs), formatParentDataDump({ config, hostname: hostname() }), o);
}
