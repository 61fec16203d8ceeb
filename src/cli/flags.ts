// Every command-line flag of keepalived 2.2.7 (keepalived(8); main.c
// `long_options[]`), with what tskad does with it. One table feeds the
// argv splitter (getopt.ts), commander (help, values) and the
// "not supported" messages, so no flag is ever silently ignored.
import { parseListen } from '../daemon/settings.js';
import type { OptSpec } from './getopt.js';

/**
 * - `implemented`: does its job now;
 * - `daemon`: parsed and validated, acted on only by the daemon;
 * - `not-yet`: rejected until tskad has the feature;
 * - `never`: rejected, as it makes sense only for keepalived's C build.
 */
export type Support = 'implemented' | 'daemon' | 'not-yet' | 'never';

export interface Flag extends OptSpec {
  /** the argument's name in help, e.g. FILE */
  readonly argName?: string;
  readonly help: string;
  readonly support: Support;
  /** for rejected flags: what tskad lacks (`not-yet`), or why the flag has no meaning (`never`) */
  readonly why?: string;
  /** the value when the flag is not given */
  readonly default?: string;
  /** for flags whose value can be wrong: the problem with it, or undefined */
  readonly check?: (value: string) => string | undefined;
}

// keepalived warns about a bad -S or -u value and carries on with its default; so does tskad.
const checkFacility = (v: string): string | undefined =>
  /^([0-7]|local[0-7]|user|daemon)$/.test(v) ? undefined : `invalid log facility '${v}' (expected 0-7, local0-7, user or daemon); using daemon`;

/** A umask as strtoul(3) reads it with base 0 (022 octal, 0x12 hex, 18 decimal), at most 0777. */
export function parseUmask(v: string): number | undefined {
  const n = /^0[xX][0-9a-fA-F]+$/.test(v) ? parseInt(v, 16) : /^0[0-7]*$/.test(v) ? parseInt(v, 8) : /^[1-9][0-9]*$/.test(v) ? parseInt(v, 10) : Number.NaN;
  return n <= 0o777 ? n : undefined;
}
const checkUmask = (v: string): string | undefined =>
  parseUmask(v) === undefined ? `invalid umask '${v}' (expected a number up to 0777, such as 022); using the default` : undefined;

const checkListen = (v: string): string | undefined =>
  parseListen(v) === undefined ? `invalid listen address '${v}' (expected [ADDR:]PORT or [IPV6]:PORT); metrics are not served` : undefined;

export const FLAGS: readonly Flag[] = [
  { short: 'f', long: 'use-file', arg: 'required', argName: 'FILE', support: 'implemented', default: '/etc/keepalived/keepalived.conf', help: 'use the configuration file FILE' },
  { short: 't', long: 'config-test', arg: 'optional', argName: 'LOG_FILE', support: 'implemented', help: 'check the configuration and exit (0 OK, 4 fatal, 5 errors, 6 script security); messages to stderr, or appended to LOG_FILE' },
  { short: 'd', long: 'dump-conf', arg: 'none', support: 'implemented', help: 'print the parsed configuration model as JSON (with no daemon yet, then exit)' },
  { short: 'i', long: 'config-id', arg: 'required', argName: 'ID', support: 'implemented', help: "keep '@ID' lines and drop '@^ID' lines (default: host name without domain)" },
  { short: 'e', long: 'all-config', arg: 'none', support: 'implemented', help: 'fail if any configuration file is missing or unreadable' },
  { long: 'signum', arg: 'required', argName: 'SIGFUNC', support: 'implemented', help: 'print the signal number of STOP, RELOAD, DATA, STATS, STATS_CLEAR or JSON' },
  { short: 'v', long: 'version', arg: 'none', support: 'implemented', help: 'print the version and the supported features' },
  { short: 'h', long: 'help', arg: 'none', support: 'implemented', help: 'print this help' },

  { short: 'P', long: 'vrrp', arg: 'none', support: 'daemon', help: 'run only the VRRP subsystem' },
  { short: 'C', long: 'check', arg: 'none', support: 'daemon', help: 'run only the health-checker subsystem' },
  { short: 'B', long: 'no_bfd', arg: 'none', support: 'daemon', help: "don't run the BFD subsystem (tskad has none)" },
  { short: 'l', long: 'log-console', arg: 'none', support: 'daemon', help: 'log to the console' },
  { short: 'D', long: 'log-detail', arg: 'none', support: 'daemon', help: 'detailed log messages' },
  { short: 'S', long: 'log-facility', arg: 'required', argName: 'FACILITY', support: 'daemon', check: checkFacility, help: 'syslog facility: 0-7 (local0-7), local0-7, user or daemon (default)' },
  { short: 'G', long: 'no-syslog', arg: 'none', support: 'daemon', help: "don't log to syslog" },
  { short: 'u', long: 'umask', arg: 'required', argName: 'MASK', support: 'daemon', check: checkUmask, help: 'umask for files created, in numeric form (e.g. 022)' },
  { short: 'X', long: 'release-vips', arg: 'none', support: 'daemon', help: 'drop VIPs on a transition caused by a signal' },
  { short: 'V', long: 'dont-release-vrrp', arg: 'none', support: 'daemon', help: "don't remove VIPs and virtual routes on stop" },
  { short: 'I', long: 'dont-release-ipvs', arg: 'none', support: 'daemon', help: "don't remove the IPVS topology on stop" },
  { short: 'R', long: 'dont-respawn', arg: 'none', support: 'daemon', help: "don't respawn child processes" },
  { short: 'n', long: 'dont-fork', arg: 'none', support: 'daemon', help: 'stay in the foreground' },
  { short: 'p', long: 'pid', arg: 'required', argName: 'FILE', support: 'daemon', help: 'pid file of the parent process (default /run/keepalived.pid)' },
  { short: 'r', long: 'vrrp_pid', arg: 'required', argName: 'FILE', support: 'daemon', help: "pid file of the VRRP process (default /run/vrrp.pid, as Debian's keepalived 2.2.7 names it)" },
  { short: 'c', long: 'checkers_pid', arg: 'required', argName: 'FILE', support: 'daemon', help: 'pid file of the checker process (default /run/checkers.pid)' },
  { long: 'runtime-dir', arg: 'required', argName: 'DIR', support: 'daemon', help: "tskad's own: the directory of the status socket and the VIP ledger (default /run/tskad, /run/tskad/NAME with `instance NAME`, or beside -p FILE: FILE's name with .tskad for .pid)" },
  { long: 'metrics-listen', arg: 'required', argName: '[ADDR:]PORT', support: 'daemon', check: checkListen, help: "tskad's own: serve Prometheus metrics at http://ADDR:PORT/metrics (ADDR default 127.0.0.1); overrides tskad_metrics_listen" },

  { long: 'all', arg: 'none', support: 'not-yet', why: 'only the VRRP process exists', help: 'start every child process, even without configuration' },
  { short: 'b', long: 'bfd_pid', arg: 'required', argName: 'FILE', support: 'not-yet', why: 'no BFD subsystem', help: 'pid file of the BFD process' },
  { short: 'g', long: 'log-file', arg: 'optional', argName: 'FILE', support: 'not-yet', why: 'no log files', help: 'log to FILE' },
  { long: 'flush-log-file', arg: 'none', support: 'not-yet', why: 'no log files', help: 'flush the log file after each write' },
  { short: 'a', long: 'address-monitoring', arg: 'none', support: 'not-yet', why: 'no address monitoring', help: 'log every address added or deleted' },
  { short: 's', long: 'namespace', arg: 'required', argName: 'NAME', support: 'not-yet', why: 'no network namespace support', help: 'run in network namespace NAME' },
  { short: 'x', long: 'snmp', arg: 'none', support: 'not-yet', why: 'no SNMP subagent', help: 'enable the SNMP subagent' },
  { short: 'A', long: 'snmp-agent-socket', arg: 'required', argName: 'FILE', support: 'not-yet', why: 'no SNMP subagent', help: 'socket of the SNMP master agent' },
  { short: 'm', long: 'core-dump', arg: 'none', support: 'not-yet', why: 'no core dump set-up', help: 'produce a core dump on abnormal termination' },
  { short: 'M', long: 'core-dump-pattern', arg: 'optional', argName: 'PATTERN', support: 'not-yet', why: 'no core dump set-up', help: 'as -m, and set /proc/sys/kernel/core_pattern' },
  { short: 'T', long: 'genhash', arg: 'none', support: 'not-yet', why: 'no genhash', help: 'genhash mode (must be the first option)' },
  { long: 'config-fd', arg: 'required', argName: 'FD', support: 'never', why: "it is internal to keepalived, whose parent hands its children the configuration this way", help: 'internal' },
  { short: 'L', long: 'mem-check-log', arg: 'none', support: 'never', why: "it belongs to keepalived's mem-check C builds", help: 'log mem-check output' },
  { long: 'no-mem-check', arg: 'none', support: 'never', why: "it belongs to keepalived's mem-check C builds", help: 'disable malloc checks' },
  { long: 'perf', arg: 'optional', argName: 'WHEN', support: 'never', why: "it records perf data of keepalived's C code", help: 'record perf data' },
  { long: 'debug', arg: 'optional', argName: 'OPTIONS', support: 'never', why: "it belongs to keepalived's debug C builds", help: 'debug options' },
];

/** `-f/--use-file`, or `--signum` for long-only flags: how messages name a flag. */
const flagLabel = (f: Flag): string => (f.short ? `-${f.short}/--${f.long}` : `--${f.long}`);

/** The message for a flag tskad rejects; undefined for the flags it takes. */
export function rejection(f: Flag): string | undefined {
  if (f.support === 'not-yet') return `${flagLabel(f)} is not supported yet (${f.why})`;
  if (f.support === 'never') return `${flagLabel(f)} is not supported: ${f.why}`;
  return undefined;
}
