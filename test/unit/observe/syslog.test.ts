// Syslog output through a real datagram socket standing in for /dev/log:
// the bytes keepalived 2.2.7 sends (captured from Debian's build with
// `-S 3`: `<158>Nov 22 00:51:29 Keepalived_vrrp[14511]: (VI_1) Entering
// MASTER STATE`), and graceful degradation when there is no syslog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { facilityFromFlag, severityOf, syslogDestination, syslogIdent, syslogLine, syslogTimestamp, type SyslogOptions } from '../../../src/observe/syslog.js';
import { pathReceiver, pythonReceiver } from '../daemon/datagram-receiver.js';

/** lets the datagram sends of the records written so far settle */
const settle = () => new Promise((r) => setImmediate(r));

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tskad-syslog-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('-S: 0-7 and local0-7 are local0-local7, user and daemon by name, daemon otherwise (keepalived main.c)', () => {
  assert.equal(facilityFromFlag('3'), 19 << 3);
  assert.equal(facilityFromFlag('local3'), 19 << 3);
  assert.equal(facilityFromFlag('0'), 16 << 3);
  assert.equal(facilityFromFlag('7'), 23 << 3);
  assert.equal(facilityFromFlag('user'), 1 << 3);
  assert.equal(facilityFromFlag('daemon'), 3 << 3);
  assert.equal(facilityFromFlag(undefined), 3 << 3);
  assert.equal(facilityFromFlag('8'), 3 << 3);
  assert.equal(facilityFromFlag('local8'), 3 << 3);
});

test("keepalived's idents: Keepalived, Keepalived_vrrp, Keepalived_healthcheckers, with namespace and instance appended", () => {
  assert.equal(syslogIdent('parent'), 'Keepalived');
  assert.equal(syslogIdent('vrrp'), 'Keepalived_vrrp');
  assert.equal(syslogIdent('checker'), 'Keepalived_healthcheckers');
  // lab: `instance lab1` made keepalived 2.2.7 log as Keepalived_vrrp_lab1
  assert.equal(syslogIdent('vrrp', { instance: 'lab1' }), 'Keepalived_vrrp_lab1');
  assert.equal(syslogIdent('vrrp', { netNamespace: 'blue', instance: 'lab1' }), 'Keepalived_vrrp_blue_lab1');
});

test("the line is glibc's RFC 3164 form: day padded with a space, local time, IDENT[PID]", () => {
  const d = new Date(2026, 10, 2, 0, 4, 32);
  assert.equal(syslogTimestamp(d), 'Nov  2 00:04:32');
  assert.equal(syslogLine(158, new Date(2026, 10, 22, 0, 51, 29), 'Keepalived_vrrp', 14511, '(VI_1) Entering MASTER STATE'), '<158>Nov 22 00:51:29 Keepalived_vrrp[14511]: (VI_1) Entering MASTER STATE');
});

test("pino levels map to syslog severities; -D's detail (debug) goes out at info, as keepalived sends it", () => {
  assert.deepEqual([10, 20, 30, 40, 50, 60].map(severityOf), [7, 6, 6, 4, 3, 2]);
});

test('a pino logger with -S 3 writes each record as one datagram, exactly as keepalived formats it', async (t) => {
  const path = join(tempDir(t), 'log');
  const rx = pathReceiver(path);
  t.after(() => rx.close());
  const dest = syslogDestination({ ident: 'Keepalived_vrrp', facility: facilityFromFlag('3'), path, pid: 14511 });
  t.after(() => dest.close());
  const log = pino({ level: 'debug', base: undefined }, dest);
  log.info({ instance: 'VI_1' }, '(VI_1) Entering MASTER STATE');
  log.debug('(VI_1) sent 0 priority');
  log.error('(VI_1) bad thing');
  log.warn('a warning');
  const got = [await rx.next(), await rx.next(), await rx.next(), await rx.next()];
  const re = (pri: number, msg: string) => new RegExp(`^<${pri}>[A-Z][a-z]{2} [ 123]\\d \\d\\d:\\d\\d:\\d\\d Keepalived_vrrp\\[14511\\]: ${msg.replace(/[()]/g, '\\$&')}$`);
  assert.match(got[0]!, re(158, '(VI_1) Entering MASTER STATE'));
  assert.match(got[1]!, re(158, '(VI_1) sent 0 priority'));
  assert.match(got[2]!, re(155, '(VI_1) bad thing'));
  assert.match(got[3]!, re(156, 'a warning'));
  assert.equal(dest.dropped, 0);
});

test('no /dev/log: records are dropped, one notice is given, nothing throws, and the console stream still gets every line', async (t) => {
  const path = join(tempDir(t), 'missing-log');
  const notices: string[] = [];
  const dest = syslogDestination({ ident: 'Keepalived', facility: facilityFromFlag('3'), path, onUnavailable: (m) => notices.push(m) });
  t.after(() => dest.close());
  const consoleLines: string[] = [];
  const consoleStream = { write: (l: string) => void consoleLines.push(l) };
  const log = pino({ base: undefined }, pino.multistream([{ stream: consoleStream }, { stream: dest }]));
  for (let i = 0; i < 100; i++) log.info(`message ${i}`);
  await settle();
  assert.equal(consoleLines.length, 100);
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /^syslog unavailable \(.*missing-log: ENOENT\)/);
  assert.equal(dest.dropped, 100);
});

test('syslog coming back is picked up at the next retry, and a new outage is told again', async (t) => {
  const path = join(tempDir(t), 'log');
  let now = 1_000_000;
  const notices: string[] = [];
  const o: SyslogOptions = { ident: 'Keepalived', facility: facilityFromFlag('3'), path, retryMs: 10_000, now: () => now, onUnavailable: (m) => notices.push(m) };
  const dest = syslogDestination(o);
  t.after(() => dest.close());
  const log = pino({ base: undefined }, dest);
  log.info('lost');
  await settle();
  const rx = pathReceiver(path);
  t.after(() => rx.close());
  log.info('still within the retry pause: dropped');
  await settle();
  now += 10_000;
  log.info('back');
  assert.match(await rx.next(), /Keepalived\[\d+\]: back$/);
  assert.equal(notices.length, 1);
  rx.close();
  rmSync(path);
  log.info('lost again');
  await settle();
  assert.equal(notices.length, 2);
  assert.equal(dest.dropped, 3);
  assert.deepEqual(rx.messages.length, 1);
});

test('a syslog daemon restarted (its socket made anew) is reconnected to at once, with no notice and no loss', async (t) => {
  const path = join(tempDir(t), 'log');
  const notices: string[] = [];
  const first = pathReceiver(path);
  t.after(() => first.close());
  const dest = syslogDestination({ ident: 'Keepalived', facility: facilityFromFlag('3'), path, onUnavailable: (m) => notices.push(m) });
  t.after(() => dest.close());
  const log = pino({ base: undefined }, dest);
  log.info('before');
  assert.match(await first.next(), /before$/);
  first.close();
  rmSync(path);
  const second = pathReceiver(path);
  t.after(() => second.close());
  log.info('after');
  assert.match(await second.next(), /after$/);
  assert.deepEqual(notices, []);
  assert.equal(dest.dropped, 0);
});

test('a burst larger than the socket queue waits in the backlog and arrives whole, in order', async (t) => {
  const path = join(tempDir(t), 'log');
  const rx = pathReceiver(path);
  t.after(() => rx.close());
  const dest = syslogDestination({ ident: 'Keepalived', facility: facilityFromFlag('3'), path });
  t.after(() => dest.close());
  const log = pino({ base: undefined }, dest);
  // written in one go, as at start-up: far more than the kernel's per-socket queue (max_dgram_qlen, 10 by default)
  for (let i = 0; i < 500; i++) log.info(`line ${i}`);
  while (rx.messages.length < 500) await rx.next();
  assert.deepEqual(
    rx.messages.map((m) => Number(/line (\d+)$/.exec(m)![1])),
    Array.from({ length: 500 }, (_, i) => i),
  );
  assert.equal(dest.dropped, 0);
});

test('a syslog daemon that stops reading never blocks the logger: past the backlog, records are dropped', async (t) => {
  const path = join(tempDir(t), 'log');
  const rx = await pythonReceiver(path, { read: false });
  t.after(() => rx.close());
  const notices: string[] = [];
  const dest = syslogDestination({ ident: 'Keepalived', facility: facilityFromFlag('3'), path, queueLimit: 100, onUnavailable: (m) => notices.push(m) });
  t.after(() => dest.close());
  const log = pino({ base: undefined }, dest);
  const started = process.hrtime.bigint();
  for (let i = 0; i < 2000; i++) log.info(`record ${i}`);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  // the kernel's queue takes max_dgram_qlen + 1, the backlog 100, and the rest are dropped
  const qlen = Number(readFileSync('/proc/sys/net/unix/max_dgram_qlen', 'utf8'));
  assert.equal(dest.dropped, 2000 - 100 - (qlen + 1));
  assert.deepEqual(notices, [], 'a slow syslog is not an absent one');
  assert.ok(ms < 1000, `2000 records took ${ms} ms`);
});
