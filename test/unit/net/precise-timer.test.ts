// The native PreciseTimer's prelude: its ops run at each expiry they were
// armed for, whether the array is one armed before (kept parsed, as a
// backup's master-down timer re-arms with the same takeover prelude at every
// advert) or a new one. A frame op on no descriptor reads EBADF.
// And how late each expiry came, and why: the loop busy at the due time, or
// the thread woken in time but kept off its CPU by another task.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism, constants } from 'node:os';
import { EXPIRY_LATENESS_CAUSES, loadNative, type PreludeOp } from '../../../src/net/native.js';

test('an ops array armed again runs again; a new one replaces it; none, nothing', async () => {
  const expiries: Array<readonly number[] | undefined> = [];
  let wake: () => void = () => undefined;
  const timer = new (loadNative().PreciseTimer)((done) => {
    expiries.push(done);
    wake();
  });
  const expire = (ops?: readonly PreludeOp[]) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer.arm(1, ops);
    });
  const frame = (): PreludeOp => ({ kind: 'frame', fd: -1, ifindex: 1, data: Buffer.alloc(60) });
  const one = [frame()];
  try {
    await expire(one);
    // re-armed before it expires, then armed again after: the same array each time
    timer.arm(1000, one);
    await expire(one);
    await expire(one);
    await expire([frame(), frame()]);
    await expire();
  } finally {
    timer.close();
  }
  const bad = constants.errno.EBADF;
  assert.deepEqual(expiries, [[bad], [bad], [bad], [bad, bad], undefined]);
});

/** The next expiry of a timer armed `delayMs` from now: how late it came and why; `meanwhile` runs right after the arm. */
function expiry(delayMs: number, meanwhile: () => void = () => undefined): Promise<{ lateMs: number; cause: string }> {
  return new Promise((resolve) => {
    const timer = new (loadNative().PreciseTimer)((_done, lateMs, cause) => {
      timer.close();
      resolve({ lateMs, cause: EXPIRY_LATENESS_CAUSES[cause]! });
    });
    timer.arm(delayMs);
    meanwhile();
  });
}

test('an expiry the event loop was too busy to take at its time is late by that much, and busy', async () => {
  const { lateMs, cause } = await expiry(1, () => {
    for (const t0 = performance.now(); performance.now() - t0 < 20; );
  });
  assert.ok(lateMs >= 15, `${lateMs} ms late`);
  assert.equal(cause, 'busy');
});

test('an expiry the loop slept until is not the busy kind', async () => {
  // on an idle machine it is on time; on a loaded one, the kernel's or a CPU's doing
  const { cause } = await expiry(5);
  assert.notEqual(cause, 'busy');
});

test('an expiry kept off its CPU by a real-time task is late on the run queue', async (t) => {
  // the test's thread and a SCHED_FIFO busy loop share CPU 0: the loop starts
  // while the thread sleeps and spins past the due time, ended by a timeout
  // of higher priority on the same CPU
  const { setAffinity } = loadNative();
  setAffinity([0]);
  t.after(() => setAffinity([...Array(availableParallelism()).keys()]));
  const hog = spawn('chrt', ['-f', '60', 'taskset', '-c', '0', 'sh', '-c', 'sleep 0.05; exec timeout 0.2 chrt -f 50 sh -c "while :; do :; done"'], { stdio: 'ignore' });
  const ended = once(hog, 'exit');
  t.after(() => ended);
  const { lateMs, cause } = await expiry(120);
  assert.ok(lateMs > 10, `${lateMs} ms late`);
  assert.equal(cause, 'runqueue');
});
