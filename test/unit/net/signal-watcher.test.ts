// Real-time signals, which Node's process.on() refuses, reach a callback
// through the native SignalWatcher instead of ending the process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { loadNative } from '../../../src/net/native.js';

test("keepalived's JSON (SIGRTMIN+2) and STATS_CLEAR (SIGRTMAX-1) signals are caught, not fatal", async () => {
  const { SignalWatcher } = loadNative();
  // glibc reserves two real-time signals: SIGRTMIN is 34, SIGRTMAX 64 on Linux
  const json = 34 + 2;
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
