// The tskad command line: keepalived 2.2.7's flags (keepalived(8) "OPTIONS"),
// split as getopt_long splits them (getopt.ts), then handed to commander in
// canonical long form (`--name` / `--name=value`) for the values and the
// help. Flags that print and exit (-h, -v, --signum) act where they stand in
// argv, as in keepalived; problems before them are printed, not fatal.
import { Command, CommanderError, Option } from 'commander';
import { getopt } from './getopt.js';
import { FLAGS, parseUmask, rejection, type Flag } from './flags.js';
import { signalNumber } from './signum.js';
import { versionText } from './version.js';
import { runConfigJob } from './config-job.js';
import type { DaemonKind } from '../lab/daemon.js';
import { runDaemonJob } from './daemon-job.js';
import { DEFAULT_RUNTIME_DIR, statusSocketIn } from '../daemon/settings.js';
import { EXIT_FATAL, EXIT_OK, type Io } from './io.js';

/** Subcommands of tskad's own that are still to come. */
const NOT_YET_SUBCOMMANDS = {
  genhash: 'compute the digest of a URL for HTTP_GET/SSL_GET (also -T/--genhash)',
} as const;
const SUBCOMMANDS = new Set([...Object.keys(NOT_YET_SUBCOMMANDS), 'lab', 'status']);

const GENHASH = FLAGS.find((f) => f.long === 'genhash')!;

/** commander's values for the flags the main job reads (names are commander's camelCase). */
interface MainOptions {
  useFile: string;
  configTest?: true | string;
  dumpConf?: true;
  configId?: string;
  allConfig?: true;
  dontFork?: true;
  vrrp?: true;
  check?: true;
  logConsole?: true;
  logDetail?: true;
  logFacility?: string;
  /** commander reads --no-syslog as the negation of `syslog` */
  syslog?: boolean;
  dontReleaseVrrp?: true;
  dontRespawn?: true;
  pid?: string;
  vrrp_pid?: string;
  checkers_pid?: string;
  umask?: string;
  runtimeDir?: string;
  metricsListen?: string;
}

export function runCli(argv: readonly string[], io: Io): number | Promise<number> {
  // keepalived: after -T (first), the rest of the line is genhash's own options
  if (argv[0] === '-T' || argv[0] === '--genhash') return fail(io, `tskad: ${rejection(GENHASH)!}`);
  let exit: number | Promise<number> = EXIT_OK;
  const program = buildProgram(io, (code) => (exit = code));
  const run = (args: readonly string[]): number | Promise<number> => {
    try {
      program.parse(args, { from: 'user' });
      return exit;
    } catch (e) {
      if (e instanceof CommanderError) return e.exitCode;
      throw e;
    }
  };
  if (argv[0] !== undefined && SUBCOMMANDS.has(argv[0])) return run(argv);

  const { items, operands } = getopt(argv, FLAGS);
  const canonical: string[] = [];
  let failed = false;
  for (const item of items) {
    if (item.kind === 'error') {
      io.stderr(`tskad: ${item.message}\n`);
      failed = true;
      continue;
    }
    const { spec, value } = item;
    if (spec.long === 'help') {
      program.outputHelp();
      return EXIT_OK;
    }
    if (spec.long === 'version') {
      io.stderr(versionText()); // on stderr, where keepalived -v prints and scripts look
      return EXIT_OK;
    }
    if (spec.long === 'signum') return signum(value!, io);
    const rejected = rejection(spec);
    const problem = value === undefined ? undefined : spec.check?.(value);
    if (rejected) {
      io.stderr(`tskad: ${rejected}\n`);
      failed = true;
    } else if (problem) {
      io.stderr(`tskad: warning: ${problem}\n`);
    } else {
      canonical.push(value === undefined ? `--${spec.long}` : `--${spec.long}=${value}`);
    }
  }
  if (operands.length > 0) {
    io.stderr(`tskad: unexpected argument(s): ${operands.join(' ')} (the configuration file is given with -f)\n`);
    failed = true;
  }
  return failed ? EXIT_FATAL : run(canonical);
}

function buildProgram(io: Io, done: (code: number | Promise<number>) => void): Command {
  const program = new Command('tskad')
    .description('A drop-in replacement for keepalived 2.2.7: VRRP and LVS health checking.')
    .helpOption(false)
    // `tskad status --runtime-dir DIR` is the subcommand's option, not the daemon's flag of that name
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const f of FLAGS) program.addOption(commanderOption(f));
  program.addHelpText(
    'after',
    '\nFlags from -P to --metrics-listen are for the daemon, which runs the VRRP process under a supervisor;\nthe checker process is to come. Flags marked (not supported) are refused.\n',
  );
  program.action((opts: MainOptions) => done(runMain(opts, io)));
  program
    .command('lab')
    .description('show an HA pair electing, failing over and preempting, in network namespaces it builds and removes (root)')
    .helpOption(false)
    .addOption(new Option('--daemon <KIND>', 'the daemon both routers run').choices(['tskad', 'keepalived']).default('tskad'))
    .addOption(new Option('--stop <SIGNAL>', 'how the master is stopped: SIGKILL is a crash, SIGTERM a clean stop').choices(['SIGKILL', 'SIGTERM']).default('SIGKILL'))
    .argument('[configs...]', "the pair's configurations, master's first (default: examples/nfs-master.conf and nfs-backup.conf)")
    .action((configs: string[], o: { daemon: DaemonKind; stop: 'SIGKILL' | 'SIGTERM' }) => done(runLab(configs, o, io)));
  program
    .command('status')
    .description("show the running daemon's VRRP instances: state, priority, master, counters (root)")
    .helpOption(false)
    .option('--json', 'the status as JSON, for scripts')
    .option('--runtime-dir <DIR>', "the daemon's --runtime-dir", DEFAULT_RUNTIME_DIR)
    .action((o: { json?: true; runtimeDir: string }) => done(runStatus(o, io)));
  for (const [name, what] of Object.entries(NOT_YET_SUBCOMMANDS)) {
    program
      .command(name)
      .description(`${what} (not supported yet)`)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => done(fail(io, `tskad ${name} is not supported yet`)));
  }
  return program;
}

function commanderOption(f: Flag): Option {
  const arg = f.argName === undefined ? '' : f.arg === 'optional' ? ` [${f.argName}]` : ` <${f.argName}>`;
  const note = f.support === 'not-yet' ? ' (not supported yet)' : f.support === 'never' ? ' (not supported)' : '';
  const option = new Option(`${f.short ? `-${f.short}, ` : ''}--${f.long}${arg}`, `${f.help}${note}`);
  return f.default === undefined ? option : option.default(f.default);
}

function runMain(o: MainOptions, io: Io): number | Promise<number> {
  if (o.configTest === undefined && o.dumpConf === undefined) {
    return runDaemonJob(
      {
        file: o.useFile,
        allConfig: o.allConfig === true,
        dontFork: o.dontFork === true,
        vrrpOnly: o.vrrp === true,
        checkOnly: o.check === true,
        logConsole: o.logConsole === true,
        logDetail: o.logDetail === true,
        noSyslog: o.syslog === false,
        dontReleaseVrrp: o.dontReleaseVrrp === true,
        dontRespawn: o.dontRespawn === true,
        ...(o.configId ? { configId: o.configId } : {}),
        ...(o.logFacility !== undefined && { logFacility: o.logFacility }),
        ...(o.pid !== undefined && { pidFile: o.pid }),
        ...(o.vrrp_pid !== undefined && { vrrpPidFile: o.vrrp_pid }),
        ...(o.checkers_pid !== undefined && { checkersPidFile: o.checkers_pid }),
        ...(o.umask !== undefined && { umask: parseUmask(o.umask) }),
        ...(o.runtimeDir !== undefined && { runtimeDir: o.runtimeDir }),
        ...(o.metricsListen !== undefined && { metricsListen: o.metricsListen }),
      },
      io,
    );
  }
  return runConfigJob(
    { file: o.useFile, dump: o.dumpConf === true, allConfig: o.allConfig === true, ...(o.configTest === undefined ? {} : { test: o.configTest || true }), ...(o.configId ? { configId: o.configId } : {}) },
    io,
  );
}

/** `tskad lab`: the lab cleans up after itself, on errors and Ctrl-C too. Loaded only when run, so `-t` starts fast. */
function runLab(configs: readonly string[], o: { daemon: DaemonKind; stop: 'SIGKILL' | 'SIGTERM' }, io: Io): number | Promise<number> {
  if (configs.length !== 0 && configs.length !== 2) return fail(io, 'tskad lab: give two configurations (master, backup), or none');
  const pair = configs.length === 2 ? { configs: [configs[0]!, configs[1]!] as const } : {};
  return import('../lab/demo.js').then(({ runLabDemo }) => runLabDemo({ daemon: o.daemon, stop: o.stop, print: (line) => io.stdout(`${line}\n`), ...pair }).then(
    () => EXIT_OK,
    (e: Error) => fail(io, `tskad lab: ${e.message}`),
  ));
}

/** `tskad status [--json]`: asks the daemon over its status socket; loaded only when run. */
function runStatus(o: { json?: true; runtimeDir: string }, io: Io): Promise<number> {
  return import('../observe/status-client.js').then(({ queryStatus, renderStatus, renderStatusJson }) =>
    queryStatus(statusSocketIn(o.runtimeDir)).then(
      (s) => {
        io.stdout(o.json ? renderStatusJson(s) : renderStatus(s));
        return EXIT_OK;
      },
      (e: Error) => fail(io, `tskad status: ${e.message}`),
    ),
  );
}

/** `--signum=NAME`, printed exactly as keepalived prints it. */
function signum(name: string, io: Io): number {
  const n = signalNumber(name);
  if (n === undefined) return fail(io, `Unknown sigfunc ${name}`);
  io.stdout(`${n}\n`);
  return EXIT_OK;
}

function fail(io: Io, message: string): number {
  io.stderr(`${message}\n`);
  return EXIT_FATAL;
}
