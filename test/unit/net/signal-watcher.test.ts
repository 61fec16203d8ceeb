// Real-time signals, which Node's process.on() refuses, reach a callback
// through the native SignalWatcher instead of ending the process; a watcher
// can pass a signal on to other processes, and do a prelude's sends, in the
// signal handler, before its callback runs and whatever JavaScript runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { loadNative, type PreludeOp, type SignalWatcher } from '../../../src/net/native.js';

// glibc reserves two real-time signals: SIGRTMIN is 34, SIGRTMAX 64 on Linux
const SIGRTMIN = 34;

/** sendto on no descriptor: the op runs, and fails with EBADF, without privileges */
const failingOps = (): PreludeOp[] => [{ kind: 'frame', fd: -1, ifindex: 1, data: Buffer.alloc(14) }];

type Delivery = [signum: number, done: readonly number[] | undefined, ops: readonly PreludeOp[] | undefined];

async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/** A watcher of `signums` that records each delivery, for `body`; closed after. */
async function withRecorder(signums: number | number[], body: (watcher: SignalWatcher, got: Delivery[]) => Promise<void>): Promise<void> {
  const { SignalWatcher } = loadNative();
  const got: Delivery[] = [];
  const watcher = new SignalWatcher(signums, (...d) => got.push(d));
  try {
    await body(watcher, got);
  } finally {
    watcher.close();
  }
}

/** Sends `first` to this process, runs `afterFirst` at once, waits for its callback, then the same for `second`. */
async function deliverTwice(got: readonly unknown[], first: number, second: number, afterFirst: () => void = () => {}): Promise<void> {
  process.kill(process.pid, first);
  afterFirst();
  await until(() => got.length >= 1);
  process.kill(process.pid, second);
  await until(() => got.length >= 2);
}

/** `sleep 30`, and its exit signal */
function sleeper(): { child: ChildProcess; pid: number; exited: Promise<NodeJS.Signals | null> } {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
  return { child, pid: child.pid!, exited };
}

test("keepalived's JSON (SIGRTMIN+2) and STATS_CLEAR (SIGRTMAX-1) signals are caught, not fatal", async () => {
  const { SignalWatcher } = loadNative();
  const json = SIGRTMIN + 2;
  const statsClear = 64 - 1;
  const got: number[] = [];
  const watchers = [new SignalWatcher(json, (n) => got.push(n)), new SignalWatcher(statsClear, (n) => got.push(n))];
  try {
    process.kill(process.pid, json);
    process.kill(process.pid, statsClear);
    process.kill(process.pid, json);
    const deadline = Date.now() + 2000;
    while (got.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual([...got].sort(), [json, json, statsClear].sort());
  } finally {
    for (const w of watchers) w.close();
  }
});

test('a watcher for a signal that cannot be caught says so', () => {
  const { SignalWatcher } = loadNative();
  assert.throws(() => new SignalWatcher(constants.signals.SIGKILL, () => {}), /uv_signal_start\(9\)/);
});

test('relayTo: each delivery first sends the relayed signal to the listed processes, then runs the callback', async () => {
  const { SignalWatcher } = loadNative();
  const { child, pid, exited } = sleeper();
  const rt = SIGRTMIN + 5;
  let seenByCallback: string | undefined;
  const watcher = new SignalWatcher(rt, () => {
    // SIGTERM already pending (or acted on) when the callback runs
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const pending = (field: string) => BigInt(`0x${/^(\w+):\s+([0-9a-f]+)$/m.exec(status.split('\n').find((l) => l.startsWith(field)) ?? '')?.[2] ?? '0'}`);
      const term = 1n << BigInt(constants.signals.SIGTERM - 1);
      const state = /^State:\s+(\S)/m.exec(status)?.[1];
      seenByCallback = state === 'Z' || state === 'X' || ((pending('ShdPnd') | pending('SigPnd')) & term) !== 0n ? 'sent' : `not yet (state ${state})`;
    } catch {
      seenByCallback = 'sent';
    }
  });
  try {
    watcher.relayTo([pid], constants.signals.SIGTERM);
    process.kill(process.pid, rt);
    assert.equal(await exited, 'SIGTERM');
    assert.equal(seenByCallback, 'sent');
  } finally {
    watcher.close();
    child.kill('SIGKILL');
  }
});

// one watcher may take several signals (TERM and INT): its prelude runs once, at whichever comes first
const PRELUDE_CASES = [
  { name: 'one signal', signums: [SIGRTMIN + 6], first: SIGRTMIN + 6, second: SIGRTMIN + 6 },
  { name: 'two signals, the second one first', signums: [SIGRTMIN + 9, SIGRTMIN + 10], first: SIGRTMIN + 10, second: SIGRTMIN + 9 },
];
for (const { name, signums, first, second } of PRELUDE_CASES) {
  test(`setPrelude (${name}): the next delivery does the ops before the callback, which gets the signal, their errnos and the array; the one after does none`, () =>
    withRecorder(signums, async (watcher, got) => {
      const ops = failingOps();
      watcher.setPrelude(ops);
      await deliverTwice(got, first, second);
      assert.deepEqual(got, [
        [first, [constants.errno.EBADF], ops],
        [second, undefined, undefined],
      ]);
      assert.equal(got[0]![2], ops);
    }));
}

test('the handler does the work at once, in the middle of JavaScript: a prelude replaced before the callback is the one reported', () => {
  const rt = SIGRTMIN + 7;
  return withRecorder(rt, async (watcher, got) => {
    const first = failingOps();
    watcher.setPrelude(first);
    // delivered to this thread before kill() returns: the handler has run `first` when `second` replaces it
    await deliverTwice(got, rt, rt, () => watcher.setPrelude(failingOps()));
    assert.equal(got.length, 2);
    assert.equal(got[0]![2], first);
    // `first` was the farewell: the replacement never runs
    assert.deepEqual(got[1], [rt, undefined, undefined]);
  });
});

test('the farewell gate: after the first prelude a signal ran, no timer prelude runs, until its watcher closes', async () => {
  const { PreciseTimer, farewellGone } = loadNative();
  /** what a timer armed with a failing op reports at its expiry: the errnos, or undefined when it ran nothing */
  const timerOutcome = () =>
    new Promise<readonly number[] | undefined>((resolve) => {
      const timer = new PreciseTimer((done) => {
        timer.close();
        resolve(done);
      });
      timer.arm(1, failingOps());
    });
  const rt = SIGRTMIN + 13;
  assert.equal(farewellGone(), false);
  await withRecorder(rt, async (watcher, got) => {
    watcher.setPrelude(failingOps());
    process.kill(process.pid, rt);
    assert.equal(farewellGone(), true);
    assert.equal(await timerOutcome(), undefined);
    await until(() => got.length >= 1);
    assert.deepEqual(got[0]![1], [constants.errno.EBADF]);
  });
  assert.equal(farewellGone(), false);
  assert.deepEqual(await timerOutcome(), [constants.errno.EBADF]);
});

test('a signal without a prelude leaves the farewell gate open', () =>
  withRecorder(SIGRTMIN + 14, async (_watcher, got) => {
    process.kill(process.pid, SIGRTMIN + 14);
    await until(() => got.length >= 1);
    assert.equal(loadNative().farewellGone(), false);
  }));

test('a relay leaves while JavaScript is busy: the relayed process is gone before the loop runs again', async () => {
  const { SignalWatcher } = loadNative();
  const rt = SIGRTMIN + 8;
  const { child, pid, exited } = sleeper();
  const watcher = new SignalWatcher(rt, () => {});
  try {
    await new Promise((r) => setTimeout(r, 50));
    watcher.relayTo([pid], constants.signals.SIGTERM);
    process.kill(process.pid, rt);
    // busy: no callback and no reaping can run; only the handler can have sent SIGTERM
    const deadline = Date.now() + 2000;
    let state = '';
    while (Date.now() < deadline && state !== 'Z') state = /^\d+ \(.*\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1] ?? '';
    assert.equal(state, 'Z');
    assert.equal(await exited, 'SIGTERM');
  } finally {
    watcher.close();
    child.kill('SIGKILL');
  }
});

test('a signal has one watcher; a prelude sends packets only', () => {
  const { SignalWatcher } = loadNative();
  const rt = SIGRTMIN + 11;
  const watcher = new SignalWatcher(rt, () => {});
  try {
    assert.throws(() => new SignalWatcher([SIGRTMIN + 12, rt], () => {}), /signal 45 is watched already/);
    assert.throws(() => watcher.setPrelude([{ kind: 'rtnl', data: Buffer.alloc(16) }]), /packets only/);
  } finally {
    watcher.close();
  }
  // closed, the signal can be watched again
  new SignalWatcher(rt, () => {}).close();
});
