// Every keepalived 2.2.7 flag is either done, kept for the daemon, or refused
// with a message and exit 1; flags that print and exit act where they stand,
// as keepalived's do. Runs the command line in process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLAGS } from '../../../src/cli/flags.js';
import { cli } from './run-cli.js';

// the daemon has no checker process yet: -C is refused before anything starts
const DAEMON_REFUSED = /checker process \(-C, LVS health checking\) is not implemented yet/;

test('--signum prints keepalived 2.2.7 numbers on Linux, one line on stdout', () => {
  const expected = { STOP: 15, RELOAD: 1, DATA: 10, STATS: 12, STATS_CLEAR: 63, JSON: 36 };
  for (const [name, n] of Object.entries(expected)) {
    assert.deepEqual(cli(`--signum=${name}`), { code: 0, stdout: `${n}\n`, stderr: '' }, name);
    assert.equal(cli('--signum', name).stdout, `${n}\n`);
  }
});

test('--signum rejects TDATA and anything not spelled exactly, as keepalived does', () => {
  for (const name of ['TDATA', 'stop', 'HUP', '']) {
    assert.deepEqual(cli(`--signum=${name}`), { code: 1, stdout: '', stderr: `Unknown sigfunc ${name}\n` });
  }
});

test('-v prints the version and what works, and exits 0 wherever it stands', () => {
  const r = cli('-t', '-f', '/nonexistent.conf', '-v');
  assert.equal(r.code, 0);
  assert.match(r.stderr, /^tskad v\d+\.\d+\.\d+, a drop-in replacement for keepalived 2\.2\.7\n/);
  assert.match(r.stderr, /Works now: .*configuration test \(-t\)/);
  assert.match(r.stderr, /Flags that work: +-f -t -d -i -e --signum -v -h\n/);
  assert.match(r.stderr, /Flags rejected \(not supported\): .*-s .*-x /);
});

test('-h prints every flag, long and short, with the unsupported ones marked', () => {
  const r = cli('-h');
  assert.equal(r.code, 0);
  const help = r.stdout.replace(/\s+/g, ' '); // commander wraps to the terminal's width
  for (const f of FLAGS) assert.ok(help.includes(`--${f.long}`), f.long);
  assert.match(help, /-t, --config-test \[LOG_FILE\]/);
  assert.match(help, /-f, --use-file <FILE> use the configuration file FILE \(default: "\/etc\/keepalived\/keepalived.conf"\)/);
  assert.match(help, /-s, --namespace <NAME> run in network namespace NAME \(not supported yet\)/);
  assert.match(help, /status \[options\] show the running daemon's VRRP instances/);
  assert.match(help, /runs the VRRP process under a supervisor/);
});

test('the first of -h, -v, --signum wins; problems before it are printed, not fatal', () => {
  // keepalived -Z -v: "Unknown option -Z", then the version, exit 0
  const r = cli('-Z', '--signum=STOP', '-v');
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '15\n', 'tskad: Unknown option -Z\n']);
});

test('flags for the daemon are accepted and checked; -C (no checker process yet) is refused', () => {
  const r = cli('-P', '-C', '-B', '-l', '-D', '-S', 'local3', '-G', '-u', '022', '-X', '-V', '-I', '-R', '-n', '-p', '/tmp/k.pid', '-r', '/tmp/v.pid', '-c', '/tmp/c.pid');
  assert.equal(r.code, 1);
  assert.match(r.stderr, DAEMON_REFUSED);
  assert.doesNotMatch(r.stderr, /warning|not supported/);
});

test('a bad -S or -u value is warned about and ignored, as keepalived does', () => {
  for (const [args, warning] of [
    [['-S', '9'], /warning: invalid log facility '9'/],
    [['-Slocal8'], /warning: invalid log facility 'local8'/],
    [['--umask=999'], /warning: invalid umask '999'/],
    [['-u', '0999'], /warning: invalid umask '0999'/],
    [['-u', 'abc'], /warning: invalid umask 'abc'/],
  ] as const) {
    const r = cli(...args, '-C');
    assert.match(r.stderr, warning, args.join(' '));
    assert.match(r.stderr, DAEMON_REFUSED, 'and carries on');
  }
  for (const good of [['-S', 'user'], ['-S', 'daemon'], ['-S', '0'], ['-u', '0x1ff'], ['-u', '18'], ['-u', '0']]) {
    assert.doesNotMatch(cli(...good, '-C').stderr, /warning/, good.join(' '));
  }
});

test('each flag tskad cannot honour yet is refused by name, with exit 1', () => {
  for (const [args, message] of [
    [['-s', 'ns1'], '-s/--namespace is not supported yet (no network namespace support)'],
    [['--all'], '--all is not supported yet (only the VRRP process exists)'],
    [['-b', '/tmp/b.pid'], '-b/--bfd_pid is not supported yet (no BFD subsystem)'],
    [['-a'], '-a/--address-monitoring is not supported yet'],
    [['-x'], '-x/--snmp is not supported yet'],
    [['-A', '/tmp/agentx'], '-A/--snmp-agent-socket is not supported yet'],
    [['-m'], '-m/--core-dump is not supported yet'],
    [['-M'], '-M/--core-dump-pattern is not supported yet'],
    [['-g/tmp/x.log'], '-g/--log-file is not supported yet'],
    [['--flush-log-file'], '--flush-log-file is not supported yet'],
    [['--config-fd=3'], '--config-fd is not supported'],
    [['--perf'], '--perf is not supported'],
    [['--debug=DvEcvNR'], '--debug is not supported'],
    [['--no-mem-check'], '--no-mem-check is not supported'],
    [['-L'], '-L/--mem-check-log is not supported'],
  ] as const) {
    const r = cli('-t', '-f', '/nonexistent.conf', ...args);
    assert.equal(r.code, 1, args.join(' '));
    assert.ok(r.stderr.includes(`tskad: ${message}`), `${args.join(' ')}: ${r.stderr}`);
  }
});

test('genhash and the subcommands say they are not there yet', () => {
  for (const argv of [['-T', '-s', '192.0.2.1', '-p', '80', '-u', '/'], ['--genhash'], ['-t', '-T']]) {
    const r = cli(...argv);
    assert.equal(r.code, 1, argv.join(' '));
    assert.match(r.stderr, /-T\/--genhash is not supported yet/);
  }
  for (const sub of ['genhash']) {
    assert.deepEqual(cli(sub, '--any', 'thing'), { code: 1, stdout: '', stderr: `tskad ${sub} is not supported yet\n` });
  }
});

test('tskad lab checks its arguments before building anything', () => {
  assert.deepEqual(cli('lab', 'one.conf'), { code: 1, stdout: '', stderr: 'tskad lab: give two configurations (master, backup), or none\n' });
  assert.match(cli('lab', '--daemon', 'vrrpd').stderr, /Allowed choices are tskad, keepalived/);
});

test('usage errors exit 1 with keepalived-like messages', () => {
  assert.deepEqual(cli('-t', '-f'), { code: 1, stdout: '', stderr: 'tskad: Missing parameter for option -f\n' });
  assert.deepEqual(cli('--bogus'), { code: 1, stdout: '', stderr: 'tskad: Unknown option --bogus\n' });
  // keepalived -t FILE tests the default file and complains; tskad refuses: FILE is not a log file
  const r = cli('-t', '/etc/keepalived/keepalived.conf');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unexpected argument\(s\): \/etc\/keepalived\/keepalived\.conf \(the configuration file is given with -f\)/);
});
