// tskad's supervisor in the lab, with a peer: r1 (address owner, priority
// 255) and r2 (priority 100), each the supervisor and its VRRP child. The
// pid files name the two processes while they run and go when they stop; a
// second tskad on the same pid files refuses to start; `tskad status` and
// the metrics listener answer; kill -9 of r1's VRRP child gets it respawned
// at once, and it resumes as MASTER with the VIP still in place, before r2
// could take over (vrrp/reload-respawn.ts); SIGTERM to r1's
// supervisor has its child send priority 0, so r2 takes over within its
// Skew_Time (§6.4.2), and everything stops within child_wait_time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireTools, run } from '../../src/lab/command.js';
import { createLab, type Lab } from '../../src/lab/topology.js';
import type { Daemon } from '../../src/lab/daemon.js';
import { watchAdverts, type AdvertWatch, type SeenAdvert } from '../../src/lab/adverts.js';
import { renderConfig } from '../../src/lab/config-template.js';
import { SHORT_SLICE_NS } from '../../src/daemon/process-tuning.js';
import { commOf, pidsIn, readPid, runtimeDirOf, startTskad, statusJson, tskadArgv } from './daemon-lab.js';

const VIP = '192.0.2.200';
const VRID = 81;
const METRICS_PORT = 9650;
/** the lab's bar for a takeover against its protocol interval, with room for a loaded CI machine */
const TOLERANCE_MS = 100;
/** r2's Skew_Time, RFC 5798 §6.1 (VRRPv2, RFC 3768 §6.1: whatever the interval): (256 - 100) / 256 s */
const R2_SKEW_MS = ((256 - 100) / 256) * 1000;
/** seconds; 2, so that a respawn on a loaded machine (tsx compiles the child's modules as it starts) stays well within r2's Master_Down_Interval */
const ADVERT_INT = 2;
/** r2's Master_Down_Interval: 3 adverts, plus its skew */
const R2_MASTER_DOWN_MS = 3 * ADVERT_INT * 1000 + R2_SKEW_MS;

const config = (router: string, priority: number): string =>
  renderConfig({ routerId: `daemon-${router}`, instances: [{ name: 'VI_1', interface: 'eth0', virtualRouterId: VRID, priority, advertInt: ADVERT_INT, vips: [`${VIP}/24`] }] });

describe('tskad supervisor and VRRP child in the lab', () => {
  let lab: Lab;
  let adverts: AdvertWatch;
  let r1: Daemon;
  let r2: Daemon;
  const fromR1 = (a: SeenAdvert): boolean => a.vrid === VRID && a.source === lab.node('r1').links[0]!.ipv4;

  before(async () => {
    requireTools({ ip: 'iproute2', tcpdump: 'tcpdump' });
    lab = await createLab({ routers: 2, ipv6: false });
    adverts = await watchAdverts(lab);
    const on = await lab.watchAddress('r1', VIP, true, 15_000);
    r1 = startTskad(lab, 'r1', config('r1', 255), { extraFlags: ['--metrics-listen', String(METRICS_PORT)] });
    r2 = startTskad(lab, 'r2', config('r2', 100));
    await on.at;
    await r2.process.waitForLine(/\(VI_1\) Entering BACKUP STATE/, 15_000);
    await r2.process.waitForLine(/Startup complete/, 15_000);
  });
  after(() => lab?.destroy());

  test('the pid files name the supervisor and its VRRP child, by their process names', () => {
    const parent = readPid(r1.files.pidFile);
    const child = readPid(r1.files.vrrpPidFile);
    assert.equal(parent, r1.process.pid, 'the parent is the process started');
    assert.notEqual(child, parent);
    assert.equal(commOf(parent), 'tskad');
    assert.equal(commOf(child), 'tskad_vrrp');
    assert.ok(!existsSync(r1.files.checkersPidFile), 'no checker process, no checker pid file');
  });

  test("the supervisor and the VRRP child run on the short scheduler slice (Linux >= 6.12's EEVDF), so that a wakeup preempts a busy neighbour", async () => {
    const slice = (pid: number) => /^se\.slice\s*:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/sched`, 'utf8'))?.[1];
    // the VRRP child tunes itself once its start-up is over (vrrp-child.ts), which r1's VIP does not wait for
    await r1.process.waitForLine(/Startup complete/, 15_000);
    const child = readPid(r1.files.vrrpPidFile);
    for (const deadline = Date.now() + 2000; slice(child) !== String(SHORT_SLICE_NS) && Date.now() < deadline; ) await sleep(10);
    assert.equal(slice(readPid(r1.files.pidFile)), String(SHORT_SLICE_NS));
    assert.equal(slice(child), String(SHORT_SLICE_NS));
  });

  test('a second tskad on the same pid files refuses to start, and the first runs on', async () => {
    const second = lab.spawn('r1', tskadArgv('-n', '-l', '-P', '-f', r1.files.conf, '-p', r1.files.pidFile, '-r', r1.files.vrrpPidFile));
    const exit = await second.exited;
    assert.equal(exit.code, 1);
    assert.match(second.lines.map((l) => l.text).join('\n'), new RegExp(`daemon is already running: ${r1.files.pidFile} names process ${r1.process.pid} \\(tskad\\)`));
    assert.ok(r1.process.running());
    assert.ok(await lab.holds('r1', VIP));
  });

  test('tskad status --json shows each instance in its state', async () => {
    const s1 = await statusJson(r1.files);
    const s2 = await statusJson(r2.files);
    assert.equal(s1.pid, readPid(r1.files.vrrpPidFile), 'the VRRP child answers');
    assert.deepEqual(
      [s1.vrrp.map((i) => [i.name, i.state, i.effectivePriority, i.vips]), s2.vrrp.map((i) => [i.name, i.state, i.effectivePriority])],
      [[['VI_1', 'MASTER', 255, [`${VIP}/24`]]], [['VI_1', 'BACKUP', 100]]],
    );
    assert.ok(s1.vrrp[0]!.stats.advert_sent! > 0);
    // each expiry of the master's advert timer is counted (the first advert goes out at the transition, the next one advert_int later); late ones by why
    let timers = s1.timers;
    for (let i = 0; i < 30 && timers.expiries === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      timers = (await statusJson(r1.files)).timers;
    }
    assert.ok(timers.expiries > 0);
    assert.deepEqual(Object.keys(timers.late), ['wakeup', 'runqueue', 'busy']);
  });

  test('the metrics listener answers a real HTTP client with the instance state and counters', async () => {
    // fetch, inside r1's namespace, where the listener's loopback address is
    const scrape = () => lab.exec('r1', [process.execPath, '-e', `fetch('http://127.0.0.1:${METRICS_PORT}/metrics').then(r => r.text()).then(t => process.stdout.write(t))`]);
    const labels = `instance="VI_1",vrid="${VRID}",interface="eth0"`;
    const sent = new RegExp(`^tskad_vrrp_adverts_sent_total\\{${labels}\\} [1-9]\\d*$`, 'm');
    // the counters reach the metrics once a second: scrape until they have
    let text = await scrape();
    for (let i = 0; i < 5 && !sent.test(text); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      text = await scrape();
    }
    assert.match(text, new RegExp(`^tskad_vrrp_state\\{${labels}\\} 2$`, 'm'), 'MASTER is 2, as in keepalived.json');
    assert.match(text, new RegExp(`^tskad_vrrp_effective_priority\\{${labels}\\} 255$`, 'm'));
    assert.match(text, new RegExp(`^tskad_vrrp_adverts_sent_total\\{${labels}\\} [1-9]\\d*$`, 'm'));
    assert.match(text, /^tskad_vrrp_event_loop_delay_seconds\{quantile="0.99"\} /m);
    assert.match(text, /^tskad_vrrp_timer_expiries_total [1-9]\d*$/m);
    assert.match(text, /^tskad_vrrp_timer_late_total\{cause="wakeup"\} \d+$/m);
  });

  test('kill -9 of the VRRP child: respawned at once as MASTER, the VIP never leaves, r2 never takes over', async (t) => {
    const parent = readPid(r1.files.pidFile);
    const child = readPid(r1.files.vrrpPidFile);
    const gone = await lab.watchAddress('r1', VIP, false, R2_MASTER_DOWN_MS);
    const r2Took = await lab.watchAddress('r2', VIP, true, R2_MASTER_DOWN_MS + 1500);
    await adverts.next(fromR1, 3000);
    const killedAt = Date.now();
    process.kill(child, 'SIGKILL');
    const respawned = await r1.process.waitForLine((l) => /Starting VRRP child process, pid=(\d+)/.test(l) && !l.endsWith(`pid=${child}`), 5000);
    const newChild = Number(/pid=(\d+)/.exec(respawned.text)![1]);
    const firstAdvert = await adverts.next(fromR1, R2_MASTER_DOWN_MS);
    const before = adverts.adverts.filter((a) => fromR1(a) && a.at < killedAt).at(-1)!;
    const silence = firstAdvert.at - before.at;
    t.diagnostic(`adverts from r1 paused ${silence.toFixed(0)} ms (r2's Master_Down_Interval ${R2_MASTER_DOWN_MS.toFixed(0)} ms)`);
    await assert.rejects(gone.at, /was still present/, 'the VIP never left r1');
    assert.ok(silence < R2_MASTER_DOWN_MS, "r1 advertised again before r2's Master_Down_Interval ran out");
    await assert.rejects(r2Took.at, /was still absent/, 'r2 never held the VIP');
    assert.equal(readPid(r1.files.pidFile), parent, 'the supervisor stayed');
    assert.equal(readPid(r1.files.vrrpPidFile), newChild, 'the new child wrote its pid file');
    assert.ok(r1.process.lines.some((l) => l.text.includes(`VRRP child process(${child}) died: Respawning`)));
    assert.equal((await statusJson(r1.files)).vrrp[0]!.state, 'MASTER');
  });

  test('SIGTERM to the supervisor: priority 0, r2 takes over within its Skew_Time, and nothing of r1 is left', async (t) => {
    const takeover = await lab.watchAddress('r2', VIP, true, 10_000);
    const released = await lab.watchAddress('r1', VIP, false, 10_000);
    const priorityZero = adverts.next((a) => fromR1(a) && a.priority === 0, 10_000);
    const sent = await r1.stop('SIGTERM', 10_000);
    const exit = await r1.process.exited;
    const zero = await priorityZero;
    const at = await takeover.at;
    await released.at;
    t.diagnostic(`r2 took over ${(at - zero.at).toFixed(1)} ms after r1's priority-0 advert (Skew_Time ${R2_SKEW_MS.toFixed(1)} ms); r1 exited ${(exit.at - sent).toFixed(0)} ms after SIGTERM`);
    assert.equal(exit.code, 0);
    assert.ok(exit.at - sent < 5000, "within keepalived's child_wait_time");
    // one, sent by the VRRP child's signal handler (vrrp/timer-prelude.ts), not again by the stop that follows
    assert.equal(adverts.adverts.filter((a) => fromR1(a) && a.priority === 0 && a.at >= zero.at).length, 1);
    assert.ok(Math.abs(at - zero.at - R2_SKEW_MS) <= TOLERANCE_MS, `took over ${(at - zero.at).toFixed(1)} ms after the priority-0 advert`);
    assert.ok(!existsSync(r1.files.pidFile) && !existsSync(r1.files.vrrpPidFile), 'both pid files removed');
    const left = (await pidsIn(lab, 'r1')).filter((pid) => existsSync(`/proc/${pid}/comm`) && /^tskad/.test(commOf(pid)));
    assert.deepEqual(left, [], 'no tskad process of r1 is left');
    await assert.rejects(run(tskadArgv('status', '--runtime-dir', runtimeDirOf(r1.files))), /tskad is not running/);
  });
});
