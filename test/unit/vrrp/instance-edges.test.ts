// The small pieces around an instance: the real clock never fires early
// and does a timer prelude before its callback,
// a shared socket hands each packet to the right instance, and -l prints
// keepalived's console lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { constants } from 'node:os';
import { realScheduler, takeMaxLateMs, timerLateness, type Prelude } from '../../../src/vrrp/scheduler.js';
import { pickInstance } from '../../../src/vrrp/socket-pool.js';
import { cTime, createLogger } from '../../../src/observe/log.js';

test('the real scheduler never fires before its time, and never from the caller\'s stack', async () => {
  const lateness: number[] = [];
  for (let k = 0; k < 10; k++) {
    const at = performance.now() + 5 + k * 0.3;
    let inCaller = true;
    const fired = new Promise<void>((done) =>
      realScheduler.at(at, () => {
        assert.equal(inCaller, false);
        lateness.push(performance.now() - at);
        done();
      }),
    );
    inCaller = false;
    await fired;
  }
  assert.ok(lateness.every((l) => l >= 0), `fired early: ${lateness.join(', ')}`);
  // a time already past still waits for the event loop, and not long
  let ran = false;
  realScheduler.at(performance.now() - 10, () => (ran = true));
  assert.equal(ran, false);
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(ran, true);
});

test('the real scheduler counts its expiries, one the loop held back as late and busy', async () => {
  const before = timerLateness();
  takeMaxLateMs();
  const lateMs = await new Promise<number>((done) => {
    realScheduler.at(performance.now() + 1, done);
    for (const t0 = performance.now(); performance.now() - t0 < 10; );
  });
  const after = timerLateness();
  // the callback is told how late it runs
  assert.ok(lateMs >= 5, `told ${lateMs} ms`);
  assert.equal(after.expiries, before.expiries + 1);
  assert.equal(after.late.busy, before.late.busy + 1);
  assert.ok(takeMaxLateMs() >= 5);
  assert.equal(takeMaxLateMs(), 0);
});

test('a callback held back by another due at the same time counts as late and busy', async () => {
  const before = timerLateness();
  const t0 = performance.now() + 3;
  await new Promise<void>((done) => {
    realScheduler.at(t0, () => {
      for (const t = performance.now(); performance.now() - t < 8; );
    });
    realScheduler.at(t0, () => done());
  });
  const after = timerLateness();
  assert.equal(after.expiries, before.expiries + 2);
  assert.equal(after.late.busy, before.late.busy + 1);
});

test('the real scheduler runs callbacks in time order, ties in the order given, within a millisecond of their time', async () => {
  const t0 = performance.now() + 20;
  const ran: string[] = [];
  const late: number[] = [];
  const done = new Promise<void>((resolve) => {
    const at = (name: string, time: number): void => {
      realScheduler.at(time, () => {
        late.push(performance.now() - time);
        ran.push(name);
        if (ran.length === 5) resolve();
      });
    };
    at('c', t0 + 6);
    at('a', t0);
    at('b1', t0 + 3);
    at('b2', t0 + 3);
    at('d', t0 + 6.5);
  });
  // cancelling the earliest re-arms the timer for the next one
  const cancelFirst = realScheduler.at(t0 - 10, () => ran.push('cancelled'));
  cancelFirst();
  await done;
  assert.deepEqual(ran, ['a', 'b1', 'b2', 'c', 'd']);
  assert.ok(late.every((l) => l >= 0 && l < 5), `lateness: ${late.join(', ')}`);
  // a callback may schedule the next one from inside the timer's own callback
  const chain: number[] = [];
  await new Promise<void>((resolve) => {
    const step = (): void => {
      chain.push(performance.now());
      if (chain.length < 20) realScheduler.at(chain[chain.length - 1]! + 2, step);
      else resolve();
    };
    realScheduler.at(performance.now() + 2, step);
  });
  const periods = chain.slice(1).map((t, i) => t - chain[i]!);
  assert.ok(periods.every((p) => p >= 2), `periods: ${periods.join(', ')}`);
});

test('the real scheduler does the earliest callback’s prelude at the expiry and tells it before and after the callback; a cancelled one never runs', async () => {
  const seen: string[] = [];
  // sendto on no descriptor: the op runs, and fails with EBADF, without privileges
  const prelude = (name: string): Prelude => ({
    ops: [{ kind: 'frame', fd: -1, ifindex: 1, data: Buffer.alloc(14) }],
    ran: (errnos) => seen.push(`${name} ran ${errnos.join(',')}`),
    over: () => seen.push(`${name} over`),
  });
  const t0 = performance.now() + 5;
  const cancel = realScheduler.at(t0 - 2, () => seen.push('cancelled fired'), prelude('cancelled'));
  await new Promise<void>((done) => {
    realScheduler.at(t0, () => seen.push('first fired'), prelude('first'));
    // due with the first: fires after it, its prelude never armed
    realScheduler.at(t0, () => seen.push('second fired'), prelude('second'));
    realScheduler.at(t0 + 3, () => done());
    cancel();
  });
  assert.deepEqual(seen, [`first ran ${constants.errno.EBADF}`, 'first fired', 'first over', 'second fired']);
});

test('of callbacks due at the same time, one with a prelude goes first: a master\'s advert due with its delayed GARPs is not held back by them', async () => {
  const seen: string[] = [];
  const t0 = performance.now() + 5;
  // the advert's time a sum of 250 intervals, the GARPs' a single one: the same instant to the µs, a hair apart in the last bits
  const advertAt = t0 + 1e-9;
  await new Promise<void>((done) => {
    realScheduler.at(t0, () => seen.push('garp fired'));
    realScheduler.at(advertAt, () => seen.push('advert fired'), { ops: [{ kind: 'frame', fd: -1, ifindex: 1, data: Buffer.alloc(14) }], ran: () => seen.push('advert ran'), over: () => undefined });
    realScheduler.at(t0 + 3, () => done());
  });
  assert.deepEqual(seen, ['advert ran', 'advert fired', 'garp fired']);
});

test('a cancelled timer does not fire', async () => {
  let ran = false;
  const cancel = realScheduler.at(performance.now() + 2, () => (ran = true));
  cancel();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(ran, false);
});

test('demultiplexing: one instance per VRID; unicast instances sharing one are told apart by the source among their peers', () => {
  const a = { name: 'a', plan: { unicastPeers: ['192.0.2.20'] } };
  const b = { name: 'b', plan: { unicastPeers: ['192.0.2.30', '192.0.2.31'] } };
  assert.equal(pickInstance([a], '198.51.100.1'), a);
  assert.equal(pickInstance([a, b], '192.0.2.31'), b);
  assert.equal(pickInstance([a, b], '198.51.100.1'), undefined);
  assert.equal(pickInstance([], '192.0.2.20'), undefined);
});

test('-l prints keepalived\'s console lines: strftime "%c", a colon, the message', () => {
  assert.equal(cTime(new Date(2026, 10, 2, 0, 4, 32)), 'Mon Nov  2 00:04:32 2026');
  const lines: string[] = [];
  const log = createLogger({ console: true, consoleStream: { write: (l: string) => lines.push(l) } });
  log.info({ instance: 'VI_1', from: 'BACKUP', to: 'MASTER' }, '(VI_1) Entering MASTER STATE');
  log.debug('(VI_1) Receive advertisement timeout');
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}: \(VI_1\) Entering MASTER STATE\n$/);
});

test('-D adds the detail messages', () => {
  const lines: string[] = [];
  createLogger({ console: true, detail: true, consoleStream: { write: (l: string) => lines.push(l) } }).debug('(VI_1) sent 0 priority');
  assert.equal(lines.length, 1);
});
