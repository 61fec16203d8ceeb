// The notify protocol against real datagram sockets standing in for
// systemd's: the exact datagrams a Type=notify / notify-reload unit reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monotonicUsec, notificationText, sdNotifier } from '../../../src/daemon/sd-notify.js';
import { pathReceiver, pythonReceiver } from './datagram-receiver.js';

function notifySocket(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tskad-notify-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'notify');
}

test('the datagram text: one VAR=VALUE per line, STATUS kept on one line', () => {
  assert.equal(notificationText({ READY: true, MAINPID: 42, STATUS: 'two\ninstances' }), 'READY=1\nMAINPID=42\nSTATUS=two instances');
  assert.equal(notificationText({ RELOADING: true, MONOTONIC_USEC: 123n }), 'RELOADING=1\nMONOTONIC_USEC=123');
  assert.equal(notificationText({ ERRNO: 22 }), 'ERRNO=22');
});

test('READY, STATUS, RELOADING with MONOTONIC_USEC, STOPPING and ERRNO reach a path NOTIFY_SOCKET exactly', async (t) => {
  const path = notifySocket(t);
  const rx = pathReceiver(path);
  t.after(() => rx.close());
  const n = sdNotifier({ env: { NOTIFY_SOCKET: path } });
  assert.equal(n.enabled, true);

  await n.ready('VI_1 MASTER');
  assert.equal(await rx.next(), `READY=1\nMAINPID=${process.pid}\nSTATUS=VI_1 MASTER`);
  await n.status('reloading configuration');
  assert.equal(await rx.next(), 'STATUS=reloading configuration');

  const before = monotonicUsec();
  await n.reloading();
  const m = /^RELOADING=1\nMONOTONIC_USEC=(\d+)$/.exec(await rx.next());
  assert.ok(m, 'RELOADING=1 then MONOTONIC_USEC=');
  // systemd compares it with its own CLOCK_MONOTONIC: it must be now, in µs
  assert.ok(BigInt(m[1]!) >= before && BigInt(m[1]!) <= monotonicUsec());

  await n.stopping();
  assert.equal(await rx.next(), 'STOPPING=1');
  await n.failed(1, 'VRRP child: missing permission');
  assert.equal(await rx.next(), 'ERRNO=1\nSTATUS=VRRP child: missing permission');
});

test('MONOTONIC_USEC is CLOCK_MONOTONIC, as systemd reads it: never ahead of /proc/uptime (CLOCK_BOOTTIME), and close to it', () => {
  const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  const mono = Number(monotonicUsec()) / 1e6;
  // /proc/uptime is CLOCK_BOOTTIME, which only moves ahead of CLOCK_MONOTONIC while suspended
  assert.ok(uptime - mono >= -1 && uptime - mono < 60, `uptime ${uptime} vs monotonic ${mono}`);
});

test('without NOTIFY_SOCKET every call is a no-op', async () => {
  const n = sdNotifier({ env: {} });
  assert.equal(n.enabled, false);
  await n.ready();
  await n.stopping();
});

test('unsetEnvironment takes NOTIFY_SOCKET away, so children and scripts cannot speak for the daemon', () => {
  const env: NodeJS.ProcessEnv = { NOTIFY_SOCKET: '/run/systemd/notify', PATH: '/usr/bin' };
  const n = sdNotifier({ env, unsetEnvironment: true });
  assert.equal(n.enabled, true);
  assert.deepEqual(env, { PATH: '/usr/bin' });
});

test('a socket nobody listens on: one error report, no exception, later sends silent', async (t) => {
  const path = notifySocket(t);
  const errors: string[] = [];
  const n = sdNotifier({ env: { NOTIFY_SOCKET: path }, onError: (m) => errors.push(m) });
  await n.ready();
  await n.stopping();
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /cannot notify systemd at .*notify: .*ENOENT/);
});

test('an abstract NOTIFY_SOCKET (@name) gets the same assignments, through systemd-notify --pid', async (t) => {
  if (spawnSync('systemd-notify', ['--help']).error) throw new Error('this test needs systemd-notify (Debian package systemd)');
  const name = `@tskad-notify-${process.pid}`;
  const rx = await pythonReceiver(name);
  t.after(() => rx.close());
  // systemd-notify follows each message with a BARRIER=1 (sd_notify_barrier), waiting until it is read
  const next = async (): Promise<string> => {
    const m = await rx.next();
    return m === 'BARRIER=1' ? next() : m;
  };
  const errors: string[] = [];
  const n = sdNotifier({ env: { NOTIFY_SOCKET: name }, onError: (m) => errors.push(m) });
  await n.ready('up');
  const lines = (await next()).split('\n').sort();
  assert.deepEqual(errors, []);
  // systemd-notify adds its own MAINPID= from --pid, the same pid
  assert.deepEqual([...new Set(lines)], ['MAINPID=' + process.pid, 'READY=1', 'STATUS=up']);
  await n.reloading();
  assert.match(await next(), /^(?=[\s\S]*RELOADING=1)(?=[\s\S]*MONOTONIC_USEC=\d+)/);
});
