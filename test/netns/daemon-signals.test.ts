// tskad as systemd and operators drive it, on one router of the lab: the
// sd_notify messages on a real NOTIFY_SOCKET (READY=1 with MAINPID= once the
// VRRP child is up, RELOADING=1 then READY=1 around a reload, STATUS= when
// it is respawned, STOPPING=1); the signals keepalived 2.2.7 answers — HUP
// (reload: validated first, a broken configuration keeps the running one;
// the VRRP child reloads and says when it is done), USR1, USR2 and the
// real-time JSON (36) and STATS_CLEAR (63) —
// none of which may end a process or move the VIP; and, without -n, the fork
// into the background that init scripts expect: the command exits 0 once the
// daemon is up, in a session of its own.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireTools } from '../../src/lab/command.js';
import { createLab, type Lab } from '../../src/lab/topology.js';
import type { Daemon } from '../../src/lab/daemon.js';
import { renderConfig } from '../../src/lab/config-template.js';
import { pathReceiver, type Receiver } from '../unit/daemon/datagram-receiver.js';
import { commOf, readPid, startTskad } from './daemon-lab.js';

const VIP = '192.0.2.210';
const CONFIG = renderConfig({ routerId: 'daemon-signals', instances: [{ name: 'VI_1', interface: 'eth0', virtualRouterId: 82, priority: 255, vips: [`${VIP}/24`] }] });

/** Whether a process is alive (not a zombie). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Waits until `done()` holds, polling, for at most `ms`. */
async function eventually(done: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end; ) await sleep(20);
}

const fields = (datagram: string): Record<string, string> => Object.fromEntries(datagram.split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));

describe('tskad under systemd and signals', () => {
  let lab: Lab;
  let notify: Receiver;
  let r1: Daemon;
  const lines = () => r1.process.lines.map((l) => l.text);
  /** the log lines from now on */
  const mark = () => {
    const from = r1.process.lines.length;
    return () => lines().slice(from);
  };

  before(async () => {
    requireTools({ ip: 'iproute2' });
    lab = await createLab({ routers: 1, ipv6: false });
    const socket = join(lab.dir, 'notify.sock');
    notify = pathReceiver(socket);
    const on = await lab.watchAddress('r1', VIP, true, 15_000);
    // keepalived's tmp_dir, where the dump signals write: the lab's, not the host's /tmp
    const tmp = join(lab.dir, 'tmp');
    mkdirSync(tmp);
    r1 = startTskad(lab, 'r1', CONFIG, { env: { NOTIFY_SOCKET: socket, TMPDIR: tmp } });
    await on.at;
  });
  after(async () => {
    notify?.close();
    await lab?.destroy();
  });

  test('READY=1 names the supervisor as MAINPID once the VRRP child is up', async () => {
    const ready = fields(await notify.next(15_000));
    assert.deepEqual(ready, { READY: '1', MAINPID: String(r1.process.pid), STATUS: `running: VRRP pid ${readPid(r1.files.vrrpPidFile)}` });
  });

  test('HUP: validated, relayed, RELOADING=1, the VRRP child reloads keeping its VIP, then READY=1', async () => {
    const since = mark();
    const child = readPid(r1.files.vrrpPidFile);
    r1.process.signal('SIGHUP');
    assert.equal(fields(await notify.next(5000)).RELOADING, '1');
    assert.deepEqual(fields(await notify.next(15_000)), { READY: '1', MAINPID: String(r1.process.pid), STATUS: 'Reload finished' });
    assert.ok(since().some((l) => /Reload complete: 1 instance\(s\) kept, 0 added, 0 removed/.test(l)), since().join('\n'));
    assert.ok(since().includes(lines().find((l) => / Reloading$/.test(l))!), 'the supervisor validated the configuration and relayed');
    assert.ok(alive(r1.process.pid) && alive(child));
    assert.ok(await lab.holds('r1', VIP));
  });

  test('HUP with a broken configuration: the errors are logged with their place, the child is not told', async () => {
    const good = readFileSync(r1.files.conf, 'utf8');
    writeFileSync(r1.files.conf, `${good}vrrp_instance VI_2 {\n    interface eth0\n    virtual_router_id 300\n}\n`);
    try {
      const since = mark();
      r1.process.signal('SIGHUP');
      await r1.process.waitForLine(/Reload failed: the configuration has errors; keeping the running configuration/, 5000);
      assert.ok(since().some((l) => l.includes(`${r1.files.conf}:`) && /virtual_router_id/.test(l)), since().join('\n'));
      await sleep(300);
      assert.ok(!since().some((l) => /Reload complete/.test(l)), 'the VRRP child was not signalled');
    } finally {
      writeFileSync(r1.files.conf, good);
    }
  });

  test('USR1, USR2 and the real-time JSON (36) and STATS_CLEAR (63) end no process', async () => {
    const child = readPid(r1.files.vrrpPidFile);
    const since = mark();
    for (const signal of ['SIGUSR1', 'SIGUSR2', 36, 63] as const) {
      process.kill(r1.process.pid, signal);
      await sleep(100);
    }
    process.kill(child, 36);
    await eventually(() => since().filter((l) => l.includes('Printing VRRP as json')).length === 2, 3000);
    assert.ok(alive(r1.process.pid) && alive(child), 'both processes live');
    for (const what of ['Printing parent data', 'Printing VRRP data', 'Printing VRRP stats', 'Printing VRRP as json', 'Printing and clearing VRRP stats']) {
      assert.ok(since().some((l) => l.includes(what)), `answered: ${what}`);
    }
    assert.ok(await lab.holds('r1', VIP));
  });

  test('a respawned VRRP child is told to systemd in STATUS=', async () => {
    process.kill(readPid(r1.files.vrrpPidFile), 'SIGKILL');
    assert.deepEqual(fields(await notify.next(5000)), { STATUS: 'VRRP child process died; respawning' });
    const respawned = fields(await notify.next(15_000));
    assert.deepEqual(respawned, { STATUS: `VRRP child process respawned, pid ${readPid(r1.files.vrrpPidFile)}` });
  });

  test('SIGTERM: STOPPING=1, then the supervisor exits 0', async () => {
    r1.process.signal('SIGTERM');
    assert.deepEqual(fields(await notify.next(5000)), { STOPPING: '1', STATUS: 'Stopping' });
    assert.equal((await r1.process.exited).code, 0);
    assert.ok(!(await lab.holds('r1', VIP)), 'the VIP was released');
  });

  test('without -n: the command exits 0 once the daemon is up; the daemon runs in a session of its own', async () => {
    const front = startTskad(lab, 'r1', CONFIG, { fork: true });
    const exit = await front.process.exited;
    assert.equal(exit.code, 0, front.process.lines.map((l) => l.text).join('\n'));
    const daemon = readPid(front.files.pidFile);
    assert.notEqual(daemon, front.process.pid);
    assert.equal(commOf(daemon), 'tskad');
    const stat = readFileSync(`/proc/${daemon}/stat`, 'utf8');
    const [, , , sid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    assert.equal(Number(sid), daemon, 'a session leader (setsid)');
    assert.ok(alive(readPid(front.files.vrrpPidFile)));
    assert.ok(await lab.holds('r1', VIP), 'up means the VRRP child runs');
    process.kill(daemon, 'SIGTERM');
    await eventually(() => !alive(daemon) && !existsSync(front.files.pidFile), 5000);
    assert.ok(!alive(daemon) && !existsSync(front.files.pidFile) && !existsSync(front.files.vrrpPidFile), 'stopped, pid files removed');
  });
});
