// vrrp_script tracking without processes: keepalived's rise/fall counter,
// weights and reverse, the instance/sync-group merge of track_script
// entries, and the tracker's schedule on a fake clock with a fake runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRequest, ScriptResult } from '../../../src/notify/script-runner.js';
import { effectText, scriptDefinitions, ScriptTracker, type ScriptChange } from '../../../src/notify/script-tracker.js';
import { FILE_KIND, mergeTracking, SCRIPT_KIND, type MergeInput } from '../../../src/notify/tracking.js';
import { afterRun, initialScriptState, scriptContribution, scriptsResult, type ScriptCounts, type ScriptState } from '../../../src/notify/vrrp-script.js';
import { FakeScheduler, loadModel } from '../vrrp/instance-fakes.js';
import { captureLog } from './log-capture.js';

const feed = (c: ScriptCounts, results: string): ScriptState['status'][] => {
  let s = initialScriptState(c);
  return [...results].map((r) => (s = afterRun(c, s, r === '+')).status);
};

test('the first result decides an unknown script at once, whatever rise and fall', () => {
  const c = { rise: 3, fall: 4, initFail: false };
  assert.equal(initialScriptState(c).status, 'unknown');
  assert.deepEqual(feed(c, '+'), ['ok']);
  assert.deepEqual(feed(c, '-'), ['failed']);
});

test('rise successes in a row make a failed script OK; a failure in between starts again', () => {
  const c = { rise: 3, fall: 1, initFail: false };
  assert.deepEqual(feed(c, '-++-+++'), ['failed', 'failed', 'failed', 'failed', 'failed', 'failed', 'ok']);
});

test('fall failures in a row make an OK script fail; a success in between starts again', () => {
  const c = { rise: 1, fall: 3, initFail: false };
  assert.deepEqual(feed(c, '+--+---'), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'failed']);
});

test('init_fail starts failed: rise successes are needed', () => {
  const c = { rise: 2, fall: 2, initFail: true };
  assert.equal(initialScriptState(c).status, 'failed');
  assert.deepEqual(feed(c, '++'), ['failed', 'ok']);
});

test('weights: 0 means FAULT on failure, >0 adds while OK, <0 subtracts while failed, reverse flips', () => {
  const cases: Array<[number, boolean, 'ok' | 'failed', number, boolean]> = [
    [0, false, 'ok', 0, false],
    [0, false, 'failed', 0, true],
    [0, true, 'ok', 0, true],
    [0, true, 'failed', 0, false],
    [10, false, 'ok', 10, false],
    [10, false, 'failed', 0, false],
    [-20, false, 'ok', 0, false],
    [-20, false, 'failed', -20, false],
    [10, true, 'ok', -10, false],
    [10, true, 'failed', 0, false],
    [-20, true, 'ok', 0, false],
    [-20, true, 'failed', 20, false],
  ];
  for (const [weight, reverse, status, w, fault] of cases) {
    assert.deepEqual(scriptContribution({ weight, reverse }, status), { weight: w, fault, pending: false }, `${weight} ${reverse} ${status}`);
  }
});

test('an unknown script adds nothing; an unweighted one is pending (out of service, no FAULT notify)', () => {
  assert.deepEqual(scriptContribution({ weight: 10, reverse: false }, 'unknown'), { weight: 0, fault: false, pending: false });
  assert.deepEqual(scriptContribution({ weight: 0, reverse: false }, 'unknown'), { weight: 0, fault: false, pending: true });
});

test('scriptsResult sums an instance\'s scripts (the seed: chk_down weight -20)', () => {
  const tracked = [
    { name: 'chk_down', weight: -20, reverse: false },
    { name: 'chk_nginx', weight: 0, reverse: false },
  ];
  const status = { chk_down: 'failed', chk_nginx: 'ok' } as const;
  assert.deepEqual(scriptsResult(tracked, (n) => status[n as keyof typeof status]), { weight: -20, faults: [], pending: [] });
  assert.deepEqual(scriptsResult(tracked, () => 'failed'), { weight: -20, faults: ['script chk_nginx failed'], pending: [] });
  assert.deepEqual(scriptsResult(tracked, () => 'unknown'), { weight: 0, faults: [], pending: ['chk_nginx'] });
});

// ---------------------------------------------------------------- merging instance and sync group entries

const defined = new Map([
  ['a', { weight: 0, reverse: false }],
  ['b', { weight: 10, reverse: true }],
  ['c', { weight: -5, reverse: false }],
]);
const base: MergeInput = { name: 'VI_1', entries: [], owner: false, defined };

test('track_script entries default to the script\'s weight and direction; unknown and duplicate names are dropped', () => {
  const p = mergeTracking(SCRIPT_KIND, { ...base, entries: [{ name: 'b' }, { name: 'c', weight: 7 }, { name: 'x' }, { name: 'b' }, { name: 'b', weight: 3, reverse: false }] });
  assert.deepEqual(p.tracked, [
    { name: 'b', weight: 10, reverse: true },
    { name: 'c', weight: 7, reverse: false },
  ]);
  assert.deepEqual(p.notes, ['(VI_1) track script x not found, ignoring...', '(VI_1) duplicate track_script b - ignoring', '(VI_1) duplicate track_script b - ignoring']);
});

test('in a sync group without sync_group_tracking_weight, weighted instance scripts are dropped; the group\'s apply to members', () => {
  const p = mergeTracking(SCRIPT_KIND, {
    ...base,
    entries: [{ name: 'a' }, { name: 'c' }],
    group: { name: 'G', entries: [{ name: 'b' }, { name: 'a', weight: 4 }], trackingWeight: false, hasOwner: false },
  });
  assert.deepEqual(p.tracked, [
    { name: 'a', weight: 0, reverse: false },
    { name: 'b', weight: 10, reverse: true },
  ]);
  assert.deepEqual(p.notes, [
    '(VI_1) ignoring tracked script c with weights due to SYNC group',
    '(VI_1) track_script a is configured on VRRP instance and sync group. Remove vrrp instance config',
  ]);
});

test('with sync_group_tracking_weight the group entry replaces a weighted instance entry', () => {
  const p = mergeTracking(SCRIPT_KIND, { ...base, entries: [{ name: 'c' }], group: { name: 'G', entries: [{ name: 'c', weight: 9 }], trackingWeight: true, hasOwner: false } });
  assert.deepEqual(p.tracked, [{ name: 'c', weight: 9, reverse: false }]);
});

test('an address owner drops weighted scripts; a group with an owner member clears its weights', () => {
  assert.deepEqual(mergeTracking(SCRIPT_KIND, { ...base, owner: true, entries: [{ name: 'b' }, { name: 'a' }] }).tracked, [{ name: 'a', weight: 0, reverse: false }]);
  const p = mergeTracking(SCRIPT_KIND, { ...base, group: { name: 'G', entries: [{ name: 'b' }], trackingWeight: true, hasOwner: true } });
  assert.deepEqual(p.tracked, [{ name: 'b', weight: 0, reverse: true }]);
  assert.deepEqual(p.notes, ["(G) Cannot have weighted track script 'b' with member having priority 255 - clearing weight"]);
});

test('track_file: at its default weight 1 a file becomes unweighted in a sync group, any other weight is dropped', () => {
  const files = new Map([
    ['f1', { weight: 1, reverse: false }],
    ['f2', { weight: 5, reverse: false }],
  ]);
  const p = mergeTracking(FILE_KIND, { ...base, defined: files, entries: [{ name: 'f1' }, { name: 'f2' }], group: { name: 'G', entries: [], trackingWeight: false, hasOwner: false } });
  assert.deepEqual(p.tracked, [{ name: 'f1', weight: 0, reverse: false }]);
  assert.deepEqual(p.notes, [
    '(VI_1) ignoring weight from tracked file f1 due to SYNC group. specify weight 0',
    '(VI_1) ignoring tracked file f2 with weight 5 due to SYNC group',
  ]);
});

// ---------------------------------------------------------------- the tracker

class FakeRunner {
  readonly runs: Array<{ at: number; req: RunRequest; end: (r: ScriptResult) => void }> = [];
  constructor(private readonly clock: FakeScheduler) {}
  run = (req: RunRequest): Promise<ScriptResult> => new Promise((end) => this.runs.push({ at: this.clock.now(), req, end }));
  /** ends the latest run with an exit status */
  exit(code: number): Promise<void> {
    this.runs[this.runs.length - 1]!.end({ outcome: { kind: 'exited', code }, durationMs: 1, output: code ? 'down file present\n' : '', truncated: 0 });
    return new Promise((r) => setImmediate(r));
  }
}

const SEED = `
vrrp_script chk_down {
  script "[[ -f /etc/keepalived/down ]] && exit 1 || exit 0"
  interval 2
  weight -20
  fall 2
}
vrrp_script unused {
  script /bin/true
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  track_script {
    chk_down
  }
}
`;

test('scriptDefinitions: tracked scripts only, bash for the seed line, timeout defaults to the interval', () => {
  const { log } = captureLog();
  const defs = scriptDefinitions(loadModel(SEED), new Set(['chk_down']), () => ({ ok: true, runAs: { name: 'root', uid: 0, gid: 0 } }), log);
  assert.equal(defs.length, 1);
  assert.deepEqual(defs[0]!.argv.slice(0, 2), ['/bin/bash', '-c']);
  assert.equal(defs[0]!.intervalMs, 2000);
  assert.equal(defs[0]!.timeoutMs, 2000);
  assert.deepEqual(defs[0]!.counts, { rise: 1, fall: 2, initFail: false });
});

test('the tracker runs on the interval, reports changes and logs the priority before and after', async () => {
  const clock = new FakeScheduler();
  const runner = new FakeRunner(clock);
  const { log, lines } = captureLog();
  const changes: ScriptChange[] = [];
  let priority = 100;
  const tracker = new ScriptTracker([{ name: 'chk_down', argv: ['x'], intervalMs: 2000, timeoutMs: 2000, counts: { rise: 1, fall: 2, initFail: false } }], {
    run: runner.run,
    log,
    scheduler: clock,
    apply: (c) => {
      changes.push(c);
      const before = priority;
      priority = c.to === 'failed' ? 80 : 100;
      return [{ instance: 'VI_1', before, after: priority, weight: c.to === 'failed' ? -20 : 0, fault: false, peerPriority: 90 }];
    },
  });
  tracker.start();
  assert.equal(runner.runs.length, 1, 'first run at start');
  await runner.exit(0);
  assert.equal(tracker.status('chk_down'), 'ok');
  clock.advance(2000);
  await runner.exit(1);
  assert.equal(tracker.status('chk_down'), 'ok', 'fall 2: one failure is not enough');
  clock.advance(2000);
  await runner.exit(1);
  assert.equal(tracker.status('chk_down'), 'failed');
  assert.deepEqual(runner.runs.map((r) => r.at), [0, 2000, 4000]);
  assert.deepEqual(changes.map((c) => `${c.from}->${c.to}`), ['unknown->ok', 'ok->failed']);
  assert.ok(lines.includes('Script `chk_down` now returning 1'));
  assert.ok(lines.includes('VRRP_Script(chk_down) failed (exited with status 1): down file present'));
  assert.ok(lines.includes('(VI_1) chk_down failed: effective priority 100 -> 80 (weight -20); the peer advertises 90, now below it'));
  tracker.stop();
  clock.advance(10_000);
  assert.equal(runner.runs.length, 3, 'nothing runs after stop');
});

test('a run still going at the next tick is not doubled: the next one starts when it ends', async () => {
  const clock = new FakeScheduler();
  const runner = new FakeRunner(clock);
  const tracker = new ScriptTracker([{ name: 's', argv: ['x'], intervalMs: 1000, timeoutMs: 5000, counts: { rise: 1, fall: 1, initFail: false } }], {
    run: runner.run,
    log: captureLog().log,
    scheduler: clock,
    apply: () => [],
  });
  tracker.start();
  clock.advance(2500);
  assert.equal(runner.runs.length, 1);
  await runner.exit(0);
  assert.equal(runner.runs.length, 2, 'the owed run starts at once');
  assert.equal(runner.runs[1]!.at, 2500);
  tracker.stop();
});

test('effectText says when a weight is too small to cross the peer', () => {
  assert.equal(
    effectText('chk', 'failed', { instance: 'VI_1', before: 100, after: 95, weight: -5, fault: false, peerPriority: 90 }),
    '(VI_1) chk failed: effective priority 100 -> 95 (weight -5); the peer advertises 90, still above it',
  );
  assert.equal(effectText('chk', 'failed', { instance: 'VI_1', before: 100, after: 100, weight: 0, fault: true }), '(VI_1) chk failed: FAULT while it fails (unweighted track_script)');
});
