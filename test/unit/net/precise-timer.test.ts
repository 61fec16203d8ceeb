// The native PreciseTimer's prelude: its ops run at each expiry they were
// armed for, whether the array is one armed before (kept parsed, as a
// backup's master-down timer re-arms with the same takeover prelude at every
// advert) or a new one. A frame op on no descriptor reads EBADF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { loadNative, type PreludeOp } from '../../../src/net/native.js';

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
