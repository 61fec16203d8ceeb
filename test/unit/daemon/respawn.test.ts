// keepalived 2.2.7's respawn policy (lib/scheduler.c calc_restart_delay,
// report_child_status): the delays a crash-looping child gets, the reset
// after a stable run, and the exits that end the supervisor instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideRespawn, exitDescription, EXIT, freshBackoff, type Backoff, type ChildDeath } from '../../../src/daemon/respawn.js';

const death = (over: Partial<ChildDeath> = {}): ChildDeath => ({
  name: 'VRRP',
  pid: 1234,
  exit: { code: null, signal: 'SIGKILL' },
  ranMs: 500,
  backoff: freshBackoff,
  dontRespawn: false,
  ...over,
});

test('a child that keeps dying quickly: at once, then 1, 2, 4, 8, 16, 32, 60, 60 s', () => {
  let backoff: Backoff = freshBackoff;
  const delays: number[] = [];
  for (let i = 0; i < 9; i++) {
    const d = decideRespawn(death({ backoff }));
    assert.equal(d.action, 'respawn');
    if (d.action !== 'respawn') return;
    delays.push(d.delayMs / 1000);
    backoff = d.backoff;
  }
  assert.deepEqual(delays, [0, 1, 2, 4, 8, 16, 32, 60, 60]);
});

test('a child that ran for a minute or more is respawned at once, and the backoff starts over', () => {
  const long = decideRespawn(death({ ranMs: 60_000, backoff: { nextDelayS: 32 } }));
  assert.deepEqual(long.action === 'respawn' && [long.delayMs, long.backoff], [0, freshBackoff]);
  const short = decideRespawn(death({ ranMs: 59_999, backoff: { nextDelayS: 32 } }));
  assert.deepEqual(short.action === 'respawn' && [short.delayMs, short.backoff], [32_000, { nextDelayS: 60 }]);
});

test("keepalived's log lines: died, and the delay when there is one", () => {
  assert.deepEqual(decideRespawn(death()), { action: 'respawn', delayMs: 0, backoff: { nextDelayS: 1 }, messages: ['VRRP child process(1234) died: Respawning'] });
  const d = decideRespawn(death({ backoff: { nextDelayS: 4 } }));
  assert.deepEqual(d.action === 'respawn' && d.messages, ['VRRP child process(1234) died: Respawning', 'Restart of VRRP process delayed 4 seconds to limit respawn rate']);
});

test('exit codes 1, 2 and 4 (FATAL, CONFIG, missing permission) end the supervisor with that code; systemd gets EINVAL or EPERM', () => {
  assert.deepEqual(decideRespawn(death({ exit: { code: EXIT.FATAL, signal: null } })), {
    action: 'terminate',
    exitCode: 1,
    errno: 22,
    message: 'VRRP exited with permanent error FATAL. Terminating',
  });
  assert.deepEqual(decideRespawn(death({ exit: { code: EXIT.CONFIG, signal: null } })), {
    action: 'terminate',
    exitCode: 2,
    errno: 22,
    message: 'VRRP exited with permanent error CONFIG. Terminating',
  });
  assert.deepEqual(decideRespawn(death({ exit: { code: EXIT.MISSING_PERMISSION, signal: null } })), {
    action: 'terminate',
    exitCode: 4,
    errno: 1,
    message: 'VRRP exited with permanent error missing permission. Terminating',
  });
  // permanent errors win over -R: the supervisor terminates either way
  assert.equal(decideRespawn(death({ exit: { code: EXIT.CONFIG, signal: null }, dontRespawn: true })).action, 'terminate');
});

test('other exits (0, 6, 70, signals) are respawned', () => {
  for (const exit of [
    { code: EXIT.OK, signal: null },
    { code: EXIT.NO_CONFIG, signal: null },
    { code: EXIT.PROGRAM_ERROR, signal: null },
    { code: null, signal: 'SIGSEGV' as const },
  ]) {
    assert.equal(decideRespawn(death({ exit })).action, 'respawn', JSON.stringify(exit));
  }
});

test('-R: no respawn; the supervisor stops', () => {
  assert.deepEqual(decideRespawn(death({ dontRespawn: true })), { action: 'stop', message: 'VRRP child process(1234) died: Exiting' });
});

test('how the exit is described', () => {
  assert.equal(exitDescription('Keepalived_vrrp', { code: 70, signal: null }), 'Keepalived_vrrp exited with status 70');
  assert.equal(exitDescription('Keepalived_vrrp', { code: null, signal: 'SIGKILL' }), 'Keepalived_vrrp exited due to signal SIGKILL - has rlimit_rttime been exceeded?');
  assert.equal(exitDescription('Keepalived_vrrp', { code: null, signal: 'SIGSEGV' }), 'Keepalived_vrrp exited due to signal SIGSEGV');
  assert.equal(exitDescription('Keepalived_vrrp', { code: 0, signal: null }), undefined);
});
