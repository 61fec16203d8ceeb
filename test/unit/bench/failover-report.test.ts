// bench:failover's goal judgement (report.ts), on made-up failovers: the
// theory is counted from where the protocol starts it, not from the loss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BenchReport, FailoverSample } from '../../../bench/failover/bench.js';
import { renderReport } from '../../../bench/failover/report.js';

const SCENARIO = 'VRRPv3 0.1 s';

function report(failovers: readonly Omit<FailoverSample, 'scenario' | 'round' | 'garpMs' | 'monitorMs'>[]): string {
  const r: BenchReport = {
    plan: 'made up',
    seconds: 1,
    scenarios: [SCENARIO],
    failovers: failovers.map((f) => ({ scenario: SCENARIO, round: 0, garpMs: f.vipMs, monitorMs: f.vipMs, ...f })),
    runs: [],
    steady: [],
  };
  return renderReport(r);
}

test('a backup that takes over Master_Down_Interval after the last advert is on time, however late the loss came', () => {
  const keepalived = { kind: 'keepalived' as const, loss: 'SIGKILL' as const, theoryMs: 360.9, vipMs: 361, leadMs: 0.4 };
  // lost 7.2 ms after the master's last advert: the VIP comes 354.2 ms after the loss, 0.5 ms past the interval
  const onTime = report([{ kind: 'tskad', loss: 'SIGKILL', theoryMs: 360.9, vipMs: 354.2, leadMs: 7.2 }, keepalived]);
  assert.match(onTime, /^ {2}met: every tskad failover put the VIP on the backup within 5 ms of the theory/m);
  const late = report([{ kind: 'tskad', loss: 'SIGKILL', theoryMs: 360.9, vipMs: 366.2, leadMs: 0.4 }, keepalived]);
  assert.match(late, /^ {2}missed: 1 of 1 tskad failovers more than 5 ms from the theory: VRRPv3 0\.1 s SIGKILL 1× \(farthest 5\.7 ms\)$/m);
});

test('after SIGTERM, Skew_Time counts from the priority-0 advert', () => {
  const keepalived = { kind: 'keepalived' as const, loss: 'SIGTERM' as const, theoryMs: 60.9, vipMs: 61.5, leadMs: 0.4, zeroMs: 0.5 };
  // the priority-0 advert 6 ms after the signal: the VIP 67.4 ms after it is 0.5 ms past Skew_Time
  const onTime = report([{ kind: 'tskad', loss: 'SIGTERM', theoryMs: 60.9, vipMs: 67.4, leadMs: 0.4, zeroMs: 6 }, keepalived]);
  assert.match(onTime, /^ {2}met: every tskad failover/m);
});

test("a missed jitter goal comes with the tskad master's own count of its late timer expiries, by why", () => {
  const run = (kind: 'tskad' | 'keepalived', steady: number[]) => ({ scenario: SCENARIO, kind, intervalMs: 100, unsolicited: 0, whole: steady, steady, floor: [100, 100.1, 102.5, 99.9] });
  const jittery = [...Array(99).fill(100), 103, 97];
  const r: BenchReport = {
    plan: 'made up',
    seconds: 1,
    scenarios: [SCENARIO],
    failovers: [],
    runs: [{ ...run('tskad', jittery), timers: { expiries: 101, lateAfterMs: 1, late: { wakeup: 2, runqueue: 1, busy: 0 } } }, run('keepalived', Array(101).fill(100))],
    steady: [],
  };
  const text = renderReport(r);
  assert.match(text, /^ {2}VRRPv3 0\.1 s 3 of 101 \(wakeup 2, runqueue 1, busy 0\)\.$/m);
  assert.match(text, /^ {2}missed: tskad's advert jitter p99 ≥ 1 ms/m);
  assert.match(text, /^ {2}\(the machine's floor, a bare C sleeper in the same windows: VRRPv3 0\.1 s p99 2\.428 ms, 1 of 4 periods more than 1 ms long\)$/m);
  assert.match(text, /^ {2}\(tskad's master, on its own timer expiries more than 1 ms late: VRRPv3 0\.1 s 3 of 101 \(wakeup 2, runqueue 1, busy 0\)\)$/m);
  // without the count (keepalived, or an older report), no such lines
  assert.doesNotMatch(renderReport({ ...r, runs: r.runs.map(({ timers: _, ...p }) => p) }), /timer expiries/);
});
