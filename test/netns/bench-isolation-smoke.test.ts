// The isolation benchmark (bench/isolation, `npm run bench:isolation`): its
// report on figures made up to land on each side of issue 4's goal, then a
// short run of every row — tskad idle, split and in one process, keepalived
// idle and split — with the heavy stand-in checker load: adverts measured on
// the wire at about the interval, the load carried at about its rate with
// no failed checks, CPU read for each side, the machine's floor measured
// beside each window, and nothing left behind. The bench reports against
// the 1 ms goal; it does not assert it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { listNamespaces } from '../../src/lab/namespaces.js';
import { median } from '../../bench/failover/stats.js';
import { BENCH_PREFIX, runIsolationBench, type IsolationReport, type RowSample } from '../../bench/isolation/bench.js';
import { QUICK_PLAN, ROWS, type Plan } from '../../bench/isolation/plan.js';
import { renderReport } from '../../bench/isolation/report.js';

describe('bench:isolation report', () => {
  test('a row per daemon and load over its rounds, and the goal judged on tskad split at each interval', () => {
    const sample = (kind: RowSample['kind'], arrangement: RowSample['arrangement'], intervalMs: number, periods: number[], round = 0): RowSample => ({
      kind,
      arrangement,
      round,
      intervalMs,
      seconds: 3,
      periods,
      // the C sleeper: 0.5 ms late once
      floor: [intervalMs + 0.5, intervalMs - 0.5, intervalMs],
      checksPerSecond: arrangement === 'idle' ? 0 : 990 + 10 * round,
      checksFailed: round,
      daemonCpu: 0.01,
      ...(arrangement === 'split' && { checkerCpu: 0.2 }),
    });
    const report: IsolationReport = {
      plan: 'made up',
      load: QUICK_PLAN.load,
      seconds: 60,
      samples: [
        sample('keepalived', 'split', 20, [20.3, 19.7]),
        sample('tskad', 'idle', 20, [20.1, 19.9, 20]),
        sample('tskad', 'split', 20, [20.2, 19.8, 20.1]),
        sample('tskad', 'one process', 20, [35, 20, 20]),
        sample('tskad', 'one process', 20, [20, 5], 1),
        sample('tskad', 'split', 1000, [1002, 998]),
      ],
    };
    const text = renderReport(report);
    const lines = text.split('\n').filter((l) => /^\d/.test(l));
    assert.deepEqual(
      lines.map((l) => l.split(/ {2,}/).slice(0, 3).join('|')),
      ['0.02 s|tskad|none', '0.02 s|tskad|own process', '0.02 s|tskad|in the VRRP process', '0.02 s|keepalived|own process', '1 s|tskad|own process'],
      'in the order of the rows, whatever the order measured',
    );
    // two rounds together: every period, the checks per second weighted by the windows, the failures summed
    assert.match(text, /^0\.02 s +tskad +in the VRRP process +5 +0\.000 +15\.000 +15\.000 +0\.000 +0\.500 +995 +1 +0\.010 +-$/m);
    assert.match(text, /^0\.02 s +tskad +none +3 .* +- +- +0\.010 +-$/m);
    assert.match(text, /^ {2}met at 0\.02 s: tskad split p99 0\.200 ms < 1 ms \(tskad in one process 15\.000 ms; tskad idle 0\.100 ms; keepalived split 0\.300 ms; the floor beside it 0\.500 ms\)$/m);
    assert.match(text, /^ {2}missed at 1 s: tskad split p99 2\.000 ms ≥ 1 ms \(the floor beside it 0\.500 ms\)$/m);
  });
});

/** every row once, at the interval where a delay shows most, for a few seconds */
const SMOKE_PLAN: Plan = { ...QUICK_PLAN, name: 'smoke', intervals: [{ advertInt: 0.02, seconds: 2, rounds: 1 }] };

describe('bench:isolation, a few seconds of each row', () => {
  test('adverts on the wire at about advert_int, the checker load at about its rate, beside every daemon', { timeout: 120_000 }, async (t) => {
    const report = await runIsolationBench({ plan: SMOKE_PLAN, progress: (l) => t.diagnostic(l) });
    for (const line of renderReport(report).split('\n')) t.diagnostic(line);

    const { advertInt, seconds } = SMOKE_PLAN.intervals[0]!;
    const rate = SMOKE_PLAN.load.servers / SMOKE_PLAN.load.delayLoop;
    assert.deepEqual(
      report.samples.map(({ kind, arrangement }) => ({ kind, arrangement })),
      ROWS,
    );
    for (const r of report.samples) {
      const what = `${r.kind} ${r.arrangement}: ${JSON.stringify({ ...r, periods: r.periods.length })}`;
      assert.equal(r.intervalMs, advertInt * 1000, what);
      // adverts all through the window; a stall (what the one-process row is there to show) makes fewer, longer periods
      assert.ok(r.periods.length >= 0.5 * (seconds / advertInt), what);
      assert.ok(Math.abs(median(r.periods) - r.intervalMs) < 0.1 * r.intervalMs, `${what}: median period ${median(r.periods)} ms`);
      assert.ok(r.daemonCpu > 0 && r.daemonCpu < 2, what);
      // the C sleeper beside the window: one period per interval, less the first
      assert.equal(r.floor.length, Math.round(seconds / advertInt) - 1, what);
      assert.ok(Math.abs(median(r.floor) - r.intervalMs) < 0.1 * r.intervalMs, `${what}: median floor period ${median(r.floor)} ms`);
      if (r.arrangement === 'idle') {
        assert.equal(r.checksPerSecond, 0, what);
        assert.equal(r.checkerCpu, undefined, what);
        continue;
      }
      // re-armed from each check's end, as keepalived does, the load runs a little under servers / delay_loop, and
      // further under on a busy machine (three quarters of it seen with the load average at 6 on 2 CPUs)
      assert.ok(r.checksPerSecond > 0.25 * rate && r.checksPerSecond < 1.1 * rate, what);
      assert.ok(r.checksFailed <= 0.01 * r.checksPerSecond * r.seconds, what);
      if (r.arrangement === 'split') assert.ok(r.checkerCpu !== undefined && r.checkerCpu > 0, what);
      else assert.equal(r.checkerCpu, undefined, what);
    }
    assert.match(renderReport(report), /^ {2}(met|missed) at 0\.02 s: tskad split p99 /m);
    assert.deepEqual(
      listNamespaces().filter((ns) => ns.startsWith(`${BENCH_PREFIX}-${process.pid}-`)),
      [],
      'the lab is gone',
    );
  });
});
