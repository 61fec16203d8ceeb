// The whole work of `tskad -t` (keepalived(8) --config-test): load the
// configuration, hold it against this host (interfaces, scripts, script
// security), and turn the diagnostics into keepalived 2.2.7's exit code.
//
// keepalived 2.2.7 keeps the highest level of config error it met
// (lib/parser.c report_config_error, the config_err_t order in lib/parser.h)
// and maps it in main.c config_test_exit(). Run here, that gives:
//   6  script security: a script is configured without enable_script_security
//      ("SECURITY VIOLATION"); outranks everything below.
//   5  any other error or warning keepalived reports (an unknown keyword, an
//      out-of-range value, "WARNING - interface … doesn't exist", a deprecated
//      keyword…): keepalived would still run. Outranks the fatal level, so a
//      fatal error next to an unknown keyword exits 5.
//   4  fatal alone: linkbeat_interfaces or interface_up_down_delays naming an
//      interface that does not exist, the main file missing.
//   0  nothing reported.
// Two cases leave that order. An include failing a check made fatal (-e,
// include_check, includea…) makes keepalived exit KEEPALIVED_EXIT_NO_CONFIG
// (6) before it validates anything; tskad still reports everything, and exits
// 6 too. And keepalived exits 0 on a main file it cannot find unless -e is
// given; tskad exits 4 either way: a config test that passes on a file that
// is not there gates nothing.
//
// Each code's severity gives its level (fatal 4, error and warning 5 — keepalived
// counts its warnings —, info 0), unless the code says otherwise with
// `testExit`: tskad warns about more than keepalived does, without failing a
// test keepalived would pass.
import { defaultReadOptions, loadConfig } from '../config/load.js';
import { checkHost, type HostEnv } from '../config/hostcheck.js';
import { unsupported } from '../vrrp/params.js';
import type { Diagnostic } from '../config/diagnostics.js';
import type { Config } from '../config/schema/index.js';
import { CODES } from '../config/codes/index.js';
import type { CodeInfo } from '../config/codes/define.js';

/** keepalived's `-t` exit codes (lib/scheduler.h enum chk_exit_code@v2.2.7, and KEEPALIVED_EXIT_NO_CONFIG). */
export const CONFIG_TEST_EXIT = {
  ok: 0,
  fatal: 4,
  errors: 5,
  scriptSecurity: 6,
} as const;

export interface ConfigTestOptions {
  /** `-i/--config-id`, for `@ID` lines; default the short host name */
  readonly configId?: string;
  /** `-e/--all-config`: a config file that is missing or unreadable is fatal */
  readonly includeCheck?: boolean;
  /** the host the checks ask; default this machine */
  readonly hostEnv?: HostEnv;
}

export interface ConfigTestResult {
  readonly exitCode: number;
  /** the model as loaded (for `-d`) */
  readonly config: Config;
  /** every diagnostic, in reading order */
  readonly diagnostics: Diagnostic[];
}

export function configTest(path: string, opts: ConfigTestOptions = {}): ConfigTestResult {
  const read = { ...defaultReadOptions(), ...(opts.configId === undefined ? {} : { configId: opts.configId }), includeCheck: opts.includeCheck ?? false };
  const { config, sources, diagnostics, scriptLines } = loadConfig(path, read);
  checkHost(config, sources, diagnostics, opts.hostEnv, scriptLines);
  // said at -t too, so an operator learns before starting the daemon
  config.vrrpInstance.forEach((inst, i) => {
    const why = unsupported(inst, config.globalDefs);
    if (why) diagnostics.report('TSKAD_W_NOT_SUPPORTED_YET', `vrrp_instance ${inst.name}: ${why}`, sources.get(`vrrpInstance/${i}`));
  });
  return { exitCode: configTestExitCode(diagnostics.items), config, diagnostics: diagnostics.sorted() };
}

const SEVERITY_EXIT = { fatal: CONFIG_TEST_EXIT.fatal, error: CONFIG_TEST_EXIT.errors, warning: CONFIG_TEST_EXIT.errors, info: CONFIG_TEST_EXIT.ok } as const;

/** The `-t` level of one diagnostic. */
export const testExitOf = (d: Diagnostic): number => (CODES[d.code] as CodeInfo).testExit ?? SEVERITY_EXIT[d.severity];

/** Whether a diagnostic makes `-t` fail. */
export const failsConfigTest = (d: Diagnostic): boolean => testExitOf(d) !== CONFIG_TEST_EXIT.ok;

/** keepalived keeps the highest level met, in the order 6 > 5 > 4 > 0 (5 outranks a fatal 4). */
export function configTestExitCode(items: readonly Diagnostic[]): number {
  const levels = new Set(items.map(testExitOf));
  for (const level of [CONFIG_TEST_EXIT.scriptSecurity, CONFIG_TEST_EXIT.errors, CONFIG_TEST_EXIT.fatal]) if (levels.has(level)) return level;
  return CONFIG_TEST_EXIT.ok;
}
