// Real-time signals, which Node's process.on() refuses, reach a callback
// through the native SignalWatcher instead of ending the process; a watcher
// can pass a signal on to other processes, and do a prelude's sends, before
// its callback runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

test('relayTo: each delivery first sends the relayed signal to the listed processes, then runs the callback', async () => {
  const { SignalWatcher } = loadNative();
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((r) => sleeper.on('exit', (_code, signal) => r(signal)));
  const pid = sleeper.pid!;
  const rt = 34 + 5;
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
    sleeper.kill('SIGKILL');
  }
});

test('setPrelude: the next delivery does the ops before the callback, which gets their errnos; the one after does none', async () => {
  const { SignalWatcher } = loadNative();
  const rt = 34 + 6;
  const got: Array<readonly number[] | undefined> = [];
  const watcher = new SignalWatcher(rt, (_signum, done) => got.push(done));
  try {
    // sendto on no descriptor: the op runs, and fails with EBADF, without privileges
    watcher.setPrelude([{ kind: 'frame', fd: -1, ifindex: 1, data: Buffer.alloc(14) }]);
    process.kill(process.pid, rt);
    const deadline = Date.now() + 2000;
    while (got.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    process.kill(process.pid, rt);
    while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(got, [[constants.errno.EBADF], undefined]);
  } finally {
    watcher.close();
  }
});
