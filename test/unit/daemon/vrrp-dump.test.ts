// keepalived's dump files as tskad writes them, against what keepalived
// 2.2.7 wrote for the same configuration in the same states
// (test/fixtures/dumps, capture.sh): VI_1 MASTER in sync group G1, VI_2 a
// unicast VRRPv3 BACKUP that has heard no master. The JSON must be
// keepalived's byte for byte but for the transition times; the stats file
// is; every line of tskad's data dump is keepalived's, in keepalived's
// order, with what differs by nature (times, file descriptors, uid:gid)
// taken out of both.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { formatDataDump, formatParentDataDump } from '../../../src/daemon/vrrp-dump-data.js';
import { formatJsonDump } from '../../../src/daemon/vrrp-dump-json.js';
import type { DumpRuntime, DumpSource } from '../../../src/daemon/vrrp-dump-model.js';
import { formatStatsDump } from '../../../src/daemon/vrrp-dump-stats.js';
import { answerDumpSignal, answerParentDataSignal, dataFileName, tmpDir, type DumpedProcess, type DumpOptions } from '../../../src/daemon/vrrp-dumps.js';
import { SIGNAL_ROUTES, type SignalFunction, type SignalRoute } from '../../../src/daemon/signals.js';
import { createLogger } from '../../../src/observe/log.js';
import { STAT_NAMES, type Stats } from '../../../src/vrrp/instance.js';
import { instancePlan } from '../../../src/vrrp/params.js';
import { repoPath } from '../../helpers/repo.js';

const fixture = (name: string): string => readFileSync(repoPath('test/fixtures/dumps', name), 'utf8');

interface KeepalivedJson {
  data: { iname: string; last_transition: number };
  stats: Record<string, number>;
}
const captured = JSON.parse(fixture('keepalived.json')) as KeepalivedJson[];

/** The counters keepalived had when it wrote the JSON. */
const statsOf = (name: string): Stats => {
  const s = captured.find((x) => x.data.iname === name)!.stats;
  return Object.fromEntries(STAT_NAMES.map((n) => [n, s[n] ?? 0])) as Stats;
};

/** The running side as keepalived had it: VI_1 MASTER, VI_2 BACKUP with no master heard. */
function source(overrides: { stats?: (name: string) => Stats } = {}): DumpSource {
  const { config } = loadConfig(repoPath('test/fixtures/dumps/keepalived.conf'));
  const state = { VI_1: 'MASTER', VI_2: 'BACKUP' } as const;
  const instances: DumpRuntime[] = config.vrrpInstance.map((i) => ({
    name: i.name,
    state: state[i.name as keyof typeof state],
    priority: i.priority!,
    plan: instancePlan(i, config.globalDefs),
    stats: (overrides.stats ?? statsOf)(i.name),
    sourceAddress: '192.0.2.10',
    peerPriority: undefined,
  }));
  return {
    config,
    instances,
    groups: [{ name: 'G1', state: 'MASTER', members: [{ name: 'VI_1', state: 'MASTER' }] }],
    lastTransition: (name) => captured.find((x) => x.data.iname === name)!.data.last_transition * 1000,
    // Debian's /bin is a link to /usr/bin: keepalived shows the real path
    program: (word) => word.replace(/^\/bin\//, '/usr/bin/'),
    hostname: 'unused',
  };
}

describe('JSON dump (keepalived.json)', () => {
  test("is keepalived's, key for key and byte for byte but for the transition times", () => {
    const ours = formatJsonDump(source());
    const times = (text: string) => text.replace(/"last_transition":[0-9.]+/g, '"last_transition":T');
    assert.equal(times(ours), times(fixture('keepalived.json')));
  });

  test('gives the transition time in seconds with microseconds, as %f does', () => {
    const src = source();
    const ours = formatJsonDump({ ...src, lastTransition: () => 1795315965606.5 });
    assert.match(ours, /"last_transition":1795315965\.606500,/);
  });

  test('escapes as json_writer.c does, and stays parseable', () => {
    const src = source();
    const config = { ...src.config, vrrpInstance: src.config.vrrpInstance.map((i) => (i.name === 'VI_2' ? { ...i, notifyStop: { ...i.notifyStop!, command: '/bin/true "a\\"b" "c\td"' } } : i)) };
    const ours = formatJsonDump({ ...src, config });
    assert.match(ours, /"script_stop":"'\\\/usr\\\/bin\\\/true' 'a\\"b' 'c\\td'"/);
    const parsed = JSON.parse(ours) as KeepalivedJson[];
    assert.equal((parsed[1]!.data as unknown as { script_stop: string }).script_stop, `'/usr/bin/true' 'a"b' 'c\td'`);
  });
});

describe('stats dump (keepalived.stats)', () => {
  test("is keepalived's for the same counters", () => {
    assert.equal(formatStatsDump(source()), fixture('keepalived.stats'));
  });
});

/** What differs by nature between two runs: times, file descriptors, the script user's ids. */
const normalise = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.replace(/= \d+\.\d{6} \(.*\)$/, '= T').replace(/, uid:gid \d+:\d+$/, ''))
    .filter((l) => l !== '');

/** Whether every line of `ours` is in `theirs`, in the same order. */
function missingFrom(ours: readonly string[], theirs: readonly string[]): string[] {
  let at = 0;
  const missing: string[] = [];
  for (const line of ours) {
    const found = theirs.indexOf(line, at);
    if (found < 0) missing.push(line);
    else at = found + 1;
  }
  return missing;
}

describe('data dump (keepalived.data)', () => {
  test("every line is keepalived's, in keepalived's order", () => {
    const ours = normalise(formatDataDump(source()));
    assert.deepEqual(missingFrom(ours, normalise(fixture('keepalived.data'))), []);
    assert.ok(ours.length > 80, `${ours.length} lines`);
  });

  test('has the sections and the per-instance facts an operator looks for', () => {
    const ours = formatDataDump(source());
    for (const line of [
      '------< Global definitions >------',
      '------< VRRP Topology >------',
      ' VRRP Instance = VI_1',
      '   State = MASTER',
      '   Virtual IP (2):',
      '     192.0.2.100/24 dev veth0 scope global set',
      '     198.51.100.50 dev veth0 scope global set',
      '     veth2 weight 0',
      '     tf_flag, weight 0',
      '     chk_ok weight -30',
      '     192.0.2.11 min_ttl 0 max_ttl 255',
      ' VRRP Sync Group = G1, MASTER',
      '     VI_1',
    ]) {
      assert.ok(ours.split('\n').includes(line), `missing: ${line}`);
    }
    const [seconds, us] = captured[1]!.data.last_transition.toFixed(6).split('.');
    assert.match(ours, new RegExp(`^ {3}Last transition = ${seconds}\\.${us} \\(\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d\\.${us} \\d{4}\\)$`, 'm'));
  });

  test("a BACKUP names the master it hears, and its priority", () => {
    const src = source();
    const instances = src.instances.map((v) => (v.name === 'VI_2' ? { ...v, masterAddress: '192.0.2.11', peerPriority: 120 } : v));
    const ours = formatDataDump({ ...src, instances }).split('\n');
    const at = ours.indexOf('   State = BACKUP');
    assert.deepEqual(ours.slice(at, at + 3), ['   State = BACKUP', '   Master router = 192.0.2.11', '   Master priority = 120']);
  });

  test("the supervisor's own (keepalived_parent.data) is the global definitions, as keepalived's", () => {
    const ours = normalise(formatParentDataDump(source()));
    assert.equal(ours[0], '------< Global definitions >------');
    assert.deepEqual(missingFrom(ours, normalise(fixture('keepalived_parent.data'))), []);
  });
});

describe('the dump signals (vrrp-dumps.ts)', () => {
  const route = (sigfunc: SignalFunction): SignalRoute => SIGNAL_ROUTES.find((r) => r.sigfunc === sigfunc)!;

  /** A temp dir as keepalived's tmp_dir, the running side of source(), and the log lines. */
  function setup(t: { after(fn: () => void): void }) {
    const dir = mkdtempSync(join(tmpdir(), 'tskad-dumps-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const src = source({ stats: (name) => ({ ...statsOf(name) }) });
    const vrrp: DumpedProcess = { instances: src.instances, groups: [{ name: 'G1', state: 'MASTER', members: src.instances.filter((v) => v.name === 'VI_1') }] };
    const lines: string[] = [];
    const log = createLogger({ console: true, consoleStream: { write: (l: string) => lines.push(l.replace(/^.*?\d{4}: /, '').trimEnd()) } });
    const o: DumpOptions = { log, umask: 0o177, dir, startedAt: new Date(), lastTransition: (name) => src.lastTransition(name) };
    return { dir, src, vrrp, lines, o };
  }

  test('DATA, STATS and JSON each write their file, mode 0666 less the umask, with no temporary file left', (t) => {
    const { dir, src, vrrp, lines, o } = setup(t);
    for (const f of ['DATA', 'STATS', 'JSON'] as const) answerDumpSignal(route(f), vrrp, src.config, o);
    assert.deepEqual(readdirSync(dir).sort(), ['keepalived.data', 'keepalived.json', 'keepalived.stats']);
    for (const f of readdirSync(dir)) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
    assert.equal(readFileSync(join(dir, 'keepalived.stats'), 'utf8'), fixture('keepalived.stats'));
    assert.equal(JSON.parse(readFileSync(join(dir, 'keepalived.json'), 'utf8')).length, 2);
    assert.deepEqual(lines, [`Printing VRRP data for process(${process.pid}) on signal`, `Printing VRRP stats for process(${process.pid}) on signal`, `Printing VRRP as json for process(${process.pid}) on signal`]);
    answerDumpSignal(route('STATS'), vrrp, src.config, { ...o, umask: 0o022 });
    assert.equal(statSync(join(dir, 'keepalived.stats')).mode & 0o777, 0o644, 'a new file each time, with the umask of now');
  });

  test('STATS_CLEAR writes the counts, then zeroes every counter, as keepalived does', (t) => {
    const { dir, src, vrrp, lines, o } = setup(t);
    answerDumpSignal(route('STATS_CLEAR'), vrrp, src.config, o);
    assert.equal(readFileSync(join(dir, 'keepalived.stats'), 'utf8'), fixture('keepalived.stats'));
    assert.deepEqual(lines, [`Printing and clearing VRRP stats for process(${process.pid}) on signal`]);
    for (const v of vrrp.instances) assert.ok(Object.values(v.stats).every((n) => n === 0), v.name);
    answerDumpSignal(route('STATS'), vrrp, src.config, o);
    assert.equal(readFileSync(join(dir, 'keepalived.stats'), 'utf8'), fixture('keepalived.stats-after-clear'));
  });

  test('JSON with no instances writes nothing; an unwritable directory is logged, not thrown', (t) => {
    const { dir, src, lines, o } = setup(t);
    answerDumpSignal(route('JSON'), { instances: [], groups: [] }, src.config, o);
    assert.deepEqual(readdirSync(dir), []);
    answerDumpSignal(route('STATS'), { instances: [], groups: [] }, src.config, { ...o, dir: join(dir, 'missing') });
    assert.match(lines.at(-1)!, /^Can't open .*\/missing\/keepalived\.stats \(2: ENOENT/);
  });

  test("the supervisor's DATA writes keepalived_parent.data", (t) => {
    const { dir, src, lines, o } = setup(t);
    answerParentDataSignal(src.config, o);
    assert.deepEqual(readdirSync(dir), ['keepalived_parent.data']);
    assert.equal(readFileSync(join(dir, 'keepalived_parent.data'), 'utf8'), formatParentDataDump(src));
    assert.deepEqual(lines, [`Printing parent data for process(${process.pid}) on signal`]);
  });

  test("keepalived's tmp_dir ($TMPDIR when absolute) and data_use_instance's names", () => {
    assert.equal(tmpDir({}), '/tmp');
    assert.equal(tmpDir({ TMPDIR: 'relative' }), '/tmp');
    assert.equal(tmpDir({ TMPDIR: '/var/tmp/x' }), '/var/tmp/x');
    const g = source().config.globalDefs;
    const withG = (over: Record<string, unknown>) => ({ ...g, ...over }) as typeof g;
    assert.equal(dataFileName('keepalived.data', g), 'keepalived.data');
    assert.equal(dataFileName('keepalived.data', withG({ instance: 'lb1' })), 'keepalived.data', 'without data_use_instance');
    assert.equal(dataFileName('keepalived.data', withG({ dataUseInstance: true })), 'keepalived.data', 'with neither name');
    assert.equal(dataFileName('keepalived.data', withG({ dataUseInstance: true, instance: 'lb1' })), 'keepalived.lb1.data');
    assert.equal(dataFileName('keepalived_parent.data', withG({ dataUseInstance: true, netNamespace: 'blue', instance: 'lb1' })), 'keepalived_parent.blue_lb1.data');
    assert.equal(dataFileName('keepalived.data', withG({ dataUseInstance: true, netNamespace: 'blue' })), 'keepalived.blue.data');
  });
});
