// The signal table against keepalived 2.2.7 (main.c signal_init,
// propagate_signal) and its --signum numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { signalNumber } from '../../../src/cli/signum.js';
import { routeOf, SIGNAL_ROUTES, UNCATCHABLE_IN_NODE } from '../../../src/daemon/signals.js';

test('HUP reloads and reaches every child; TERM and INT stop; USR1 dumps everywhere', () => {
  assert.deepEqual(routeOf(1), { sigfunc: 'RELOAD', signum: 1, name: 'SIGHUP', supervisor: 'reload', relayTo: ['vrrp', 'checker'] });
  assert.deepEqual(routeOf(15), { sigfunc: 'STOP', signum: 15, name: 'SIGTERM', supervisor: 'stop', relayTo: [] });
  assert.deepEqual(routeOf(2), { sigfunc: 'STOP', signum: 2, name: 'SIGINT', supervisor: 'stop', relayTo: [] });
  assert.deepEqual(routeOf(10), { sigfunc: 'DATA', signum: 10, name: 'SIGUSR1', supervisor: 'dump', relayTo: ['vrrp', 'checker'] });
});

test('USR2, STATS_CLEAR and JSON only reach the VRRP process, as in keepalived', () => {
  for (const f of ['STATS', 'STATS_CLEAR', 'JSON'] as const) {
    const r = SIGNAL_ROUTES.find((x) => x.sigfunc === f)!;
    assert.equal(r.signum, signalNumber(f));
    assert.deepEqual(r.relayTo, ['vrrp']);
    assert.equal(r.supervisor, undefined);
  }
});

test('the numbers are the --signum ones (x86-64: JSON 36, STATS_CLEAR 63)', () => {
  for (const r of SIGNAL_ROUTES.filter((x) => x.name !== 'SIGINT')) assert.equal(r.signum, signalNumber(r.sigfunc), r.sigfunc);
  if (process.arch === 'x64') assert.deepEqual(UNCATCHABLE_IN_NODE.map((r) => [r.sigfunc, r.signum]), [['STATS_CLEAR', 63], ['JSON', 36]]);
});

test('why the real-time ones are marked: Node has no name for them, and by default they kill a node process', async (t) => {
  const json = signalNumber('JSON')!;
  assert.equal(routeOf(json)!.name, undefined);
  const child = spawn(process.execPath, ['-e', "console.log('up'); setInterval(() => {}, 1000)"], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  await new Promise((r) => child.stdout.once('data', r));
  process.kill(child.pid!, json);
  // the child never exits by itself, so its exit is the signal's doing (Node even reports it as code 0: it has no name for 36)
  const exited = await new Promise((r) => {
    child.once('exit', () => r(true));
    setTimeout(() => r(false), 3000);
  });
  assert.equal(exited, true);
});
