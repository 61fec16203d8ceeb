// The failover benchmark (bench/failover, `npm run bench:failover`): its
// parsers and statistics on lines and numbers taken from real runs, then
// its quick plan end to end — tskad and keepalived taking turns in one lab,
// every failover of the plan measured for both, within the protocol's
// intervals give or take a sanity margin (the bench reports against issue
// 3's 5 ms goal; it does not assert it), the machine's floor measured beside
// each steady window, and nothing left behind.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { listNamespaces } from '../../src/lab/namespaces.js';
import { BENCH_PREFIX, runFailoverBench, type BenchReport } from '../../bench/failover/bench.js';
import { QUICK_PLAN, scenarioName } from '../../bench/failover/plan.js';
import { renderReport } from '../../bench/failover/report.js';
import { advertPeriods, median, quantile, worst } from '../../bench/failover/stats.js';
import { parseWireLine } from '../../bench/failover/wire.js';
import { lateTotal } from '../../src/observe/status.js';

describe('bench:failover pieces', () => {
  test('tcpdump -e lines: adverts of both versions and gratuitous ARPs, nothing else', () => {
    const v3 = '1795309288.754369 de:66:94:39:d7:53 > 01:00:5e:00:00:12, ethertype IPv4 (0x0800), length 46: 192.0.2.12 > 224.0.0.18: VRRPv3, Advertisement, vrid 10, prio 100, intvl 2cs, length 12';
    assert.deepEqual(parseWireLine(v3), { at: 1795309288754.369, mac: 'de:66:94:39:d7:53', kind: 'advert', source: '192.0.2.12', vrid: 10, priority: 100 });
    const v2 = '1795309288.000001 e6:62:02:2b:88:74 > 01:00:5e:00:00:12, ethertype IPv4 (0x0800), length 60: 192.0.2.11 > 224.0.0.18: VRRPv2, Advertisement, vrid 20, prio 0, authtype none, intvl 1s, length 20';
    assert.equal(parseWireLine(v2)?.kind === 'advert' && parseWireLine(v2)?.at, 1795309288000.001);
    const garp = '1795309289.509729 e6:62:02:2b:88:74 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.0.2.200 (ff:ff:ff:ff:ff:ff) tell 192.0.2.200, length 28';
    assert.deepEqual(parseWireLine(garp), { at: 1795309289509.729, mac: 'e6:62:02:2b:88:74', kind: 'garp', ip: '192.0.2.200' });
    const query = '1795309289.509729 e6:62:02:2b:88:74 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.0.2.200 tell 192.0.2.100, length 28';
    assert.equal(parseWireLine(query), undefined, 'an ordinary ARP query is no announcement');
    assert.equal(parseWireLine('listening on br0, link-type EN10MB (Ethernet), snapshot length 262144 bytes'), undefined);
  });

  test('advert periods: per sender, without the priority-0 advert or a gap across a change of master', () => {
    const a = (at: number, source: string, priority = 100) => ({ at, source, priority });
    const adverts = [a(0, 'r1'), a(20.5, 'r1'), a(40, 'r1'), a(41, 'r1', 0), a(120, 'r2'), a(140.2, 'r2'), a(400, 'r1'), a(420, 'r1')];
    const periods = advertPeriods(adverts, 20);
    assert.deepEqual(periods.map((p) => Number(p.toFixed(1))), [20.5, 19.5, 20.2, 20]);
  });

  test('median, worst and percentiles interpolate between ranks', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([1, 2, 3, 4]), 2.5);
    assert.equal(worst([3, 9, 1]), 9);
    assert.equal(quantile([0, 10], 0.99), 9.9);
    assert.ok(Number.isNaN(median([])));
  });
});

describe('bench:failover --quick', () => {
  test('tskad and keepalived each fail over every way of the quick plan, within the protocol\'s intervals', { timeout: 90_000 }, async (t) => {
    const report: BenchReport = await runFailoverBench({ plan: QUICK_PLAN, progress: (l) => t.diagnostic(l) });
    t.diagnostic(`quick plan: ${report.seconds.toFixed(1)} s`);
    for (const line of renderReport(report).split('\n')) t.diagnostic(line);

    for (const s of QUICK_PLAN.scenarios) {
      const name = scenarioName(s);
      const intervalMs = s.advertInt * 1000;
      for (const kind of ['tskad', 'keepalived'] as const) {
        for (const loss of s.losses) {
          const samples = report.failovers.filter((f) => f.scenario === name && f.kind === kind && f.loss === loss);
          assert.equal(samples.length, s.rounds * s.cyclesPerRound, `${name} ${kind} ${loss}`);
          for (const f of samples) {
            // the backup waits out the interval from the master's last advert, shortly before the loss; 100 ms is
            // a margin for a loaded machine, far below another advert interval at 1 s
            const what = `${name} ${kind} ${loss}: ${JSON.stringify(f)}`;
            assert.ok(f.leadMs >= 0 && f.leadMs < intervalMs, what);
            assert.ok(f.vipMs > f.theoryMs - f.leadMs - 1 && f.vipMs < f.theoryMs + 100, what);
            // the VIP's time is the monitor's stamp, or the first GARP if that came first
            assert.equal(f.vipMs, Math.min(f.monitorMs, f.garpMs), what);
            assert.ok(f.garpMs > f.theoryMs - f.leadMs - 1 && f.garpMs < f.theoryMs + 100, what);
            assert.equal(f.zeroMs !== undefined, loss === 'SIGTERM', what);
          }
        }
        const periods = report.runs.filter((p) => p.scenario === name && p.kind === kind);
        assert.equal(periods.length, s.rounds);
        if (s.steadySeconds > 0) {
          const steady = periods.flatMap((p) => p.steady);
          assert.ok(steady.length >= 0.8 * s.rounds * (s.steadySeconds / s.advertInt), `${name} ${kind}: ${steady.length} steady periods`);
          assert.ok(median(steady) > intervalMs * 0.9 && median(steady) < intervalMs * 1.1, `${name} ${kind}: median period ${median(steady)} ms`);
          // the C sleeper beside the window: one period per interval, less the first
          const floor = periods.flatMap((p) => p.floor);
          assert.equal(floor.length, s.rounds * (Math.round(s.steadySeconds / s.advertInt) - 1), `${name} ${kind}: ${floor.length} floor periods`);
          assert.ok(median(floor) > intervalMs * 0.9 && median(floor) < intervalMs * 1.1, `${name} ${kind}: median floor period ${median(floor)} ms`);
          // a tskad master counts its advert timer's expiries in the window, the late ones among them; keepalived cannot
          for (const p of periods) {
            if (kind === 'keepalived') assert.equal(p.timers, undefined);
            else {
              const late = lateTotal(p.timers!);
              assert.ok(p.timers!.expiries >= 0.8 * (s.steadySeconds / s.advertInt) && late <= p.timers!.expiries, `${name}: ${JSON.stringify(p.timers)}`);
            }
          }
          for (const role of ['master', 'backup'] as const) {
            const usage = report.steady.filter((u) => u.scenario === name && u.kind === kind && u.role === role);
            assert.equal(usage.length, s.rounds);
            assert.ok(usage.every((u) => u.rssKiB > 1024 && u.pssKiB > 256 && u.pssKiB <= u.rssKiB && u.cpuSeconds > 0 && u.cpuSeconds < u.seconds), `${name} ${kind} ${role}: ${JSON.stringify(usage)}`);
          }
        }
      }
    }
    const text = renderReport(report);
    for (const s of QUICK_PLAN.scenarios) assert.match(text, new RegExp(`^${scenarioName(s).replace('.', '\\.')} `, 'm'));
    assert.match(text, /^Goals \(issue 3\):$/m);
    assert.deepEqual(
      listNamespaces().filter((ns) => ns.startsWith(`${BENCH_PREFIX}-${process.pid}-`)),
      [],
      'the lab is gone',
    );
  });
});
