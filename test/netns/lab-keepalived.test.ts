// The lab's daemon driver with keepalived 2.2.7 as the daemon: configurations
// from the template, a pair that elects a master the client reaches, and the
// two failovers timed against RFC 5798 §6.1's intervals — a crash (SIGKILL of
// the daemon and its children: Master_Down_Interval after the master's last
// advert) and a clean shutdown (SIGTERM: Skew_Time after its priority-0 advert).
// keepalived's own timing is within a few ms of these; 50 ms is the bar.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTools, wallClock } from '../../src/lab/command.js';
import { createLab, type Lab } from '../../src/lab/topology.js';
import { keepalivedCommand, startDaemon, stateOf, type Daemon } from '../../src/lab/daemon.js';
import { watchAdverts, type AdvertWatch, type SeenAdvert } from '../../src/lab/adverts.js';
import { renderConfig, type ConfigTemplate } from '../../src/lab/config-template.js';
import { instanceFacts } from '../../src/lab/instance-facts.js';
import { loadConfig } from '../../src/config/load.js';

const VIP4 = '192.0.2.200';
const VIP6 = '2001:db8::200';
const TOLERANCE_S = 0.05;

/** One router of the pair: an IPv4 instance (VRRPv2, PASS auth) and an IPv6 one (VRRPv3). */
const pairConfig = (router: string, priority: number): ConfigTemplate => ({
  routerId: `lab-${router}`,
  instances: [
    { name: 'VI_4', interface: 'eth0', virtualRouterId: 61, priority, authPass: 'lab-pair', vips: [`${VIP4}/24`] },
    { name: 'VI_6', interface: 'eth0', virtualRouterId: 62, priority, version: 3, vips: [`${VIP6}/64`] },
  ],
});

describe('keepalived pair in the lab', () => {
  let lab: Lab;
  let adverts: AdvertWatch;
  let r1: Daemon;
  let r2: Daemon;
  const start = (router: string, priority: number): Daemon =>
    startDaemon(lab, router, { command: keepalivedCommand, config: { text: renderConfig(pairConfig(router, priority)) } });
  const fromR1 = (a: SeenAdvert): boolean => a.vrid === 61 && a.source === lab.node('r1').links[0]!.ipv4;

  before(async () => {
    requireTools({ ip: 'iproute2', ping: 'iputils-ping', tcpdump: 'tcpdump', keepalived: 'keepalived' });
    lab = await createLab({ routers: 2, segments: 2 });
    adverts = await watchAdverts(lab);
  });
  after(() => lab?.destroy());

  test('keepalived -t and tskad\'s loader accept every setting of the config template', async () => {
    const text = renderConfig({
      routerId: 'lab-all',
      syncGroup: 'SG',
      instances: [
        { name: 'VI_A', state: 'BACKUP', interface: 'eth0', virtualRouterId: 71, priority: 120, advertInt: 2, nopreempt: true, authPass: 'secret', vips: ['192.0.2.201/24'] },
        {
          name: 'VI_B',
          interface: 'eth1',
          virtualRouterId: 72,
          priority: 120,
          version: 3,
          unicastSrcIp: '198.51.100.11',
          unicastPeers: ['198.51.100.12', '198.51.100.13'],
          vips: ['198.51.100.201/24'],
        },
      ],
    });
    const file = join(lab.dir, 'template-all.conf');
    writeFileSync(file, text);
    const checked = lab.spawn('r1', ['keepalived', '-t', '-f', file]);
    const exit = await checked.exited;
    assert.equal(exit.code, 0, checked.lines.map((l) => l.text).join('\n'));
    const { config, diagnostics } = loadConfig(file);
    assert.deepEqual(diagnostics.sorted(), []);
    assert.deepEqual(
      config.vrrpInstance.map((i) => [i.name, i.interface, i.virtualRouterId, i.priority, i.unicastPeer.map((p) => p.address)]),
      [
        ['VI_A', 'eth0', 71, 120, []],
        ['VI_B', 'eth1', 72, 120, ['198.51.100.12', '198.51.100.13']],
      ],
    );
  });

  test('the pair elects the higher priority, and the client reaches both VIPs through it', async () => {
    const on4 = await lab.watchAddress('r1', VIP4, true, 10_000);
    const on6 = await lab.watchAddress('r1', VIP6, true, 10_000);
    r1 = start('r1', 150);
    r2 = start('r2', 100);
    await Promise.all([on4.at, on6.at]);
    // two routers started together may both be MASTER for a moment; r2 then yields
    await lab.waitForAddress('r2', VIP4, false, 3000);
    await lab.waitForAddress('r2', VIP6, false, 3000);
    const r1Mac = lab.node('r1').links[0]!.mac;
    for (const vip of [VIP4, VIP6]) {
      const ping = await lab.ping('client', vip);
      assert.ok(ping.received, `ping ${vip}`);
      assert.equal(await lab.neighbourMac('client', vip), r1Mac, `${vip} answered by r1`);
    }
    const last = (d: Daemon, instance: string) => d.process.lines.map((l) => stateOf(l.text)).filter((s) => s?.instance === instance).at(-1)?.state;
    assert.deepEqual([last(r1, 'VI_4'), last(r1, 'VI_6'), last(r2, 'VI_4'), last(r2, 'VI_6')], ['MASTER', 'MASTER', 'BACKUP', 'BACKUP']);
  });

  test('a crash: r2 takes over Master_Down_Interval after r1\'s last advert', async (t) => {
    const expected = instanceFacts(r2.files.conf, 'VI_4').masterDown;
    assert.equal(expected, 3 + (256 - 100) / 256);
    const onBackup = await lab.watchAddress('r2', VIP4, true, 10_000);
    const followed = await adverts.next(fromR1, 3000);
    const stopped = await r1.stop('SIGKILL');
    const at = await onBackup.at;
    const last = adverts.last(fromR1)!;
    t.diagnostic(`VIP on r2 ${(at - last.at).toFixed(1)} ms after r1's last advert, ${(at - stopped).toFixed(1)} ms after the kill; Master_Down_Interval ${expected * 1000} ms`);
    assert.equal(last, followed, 'a crashed daemon sends nothing more, no priority 0');
    assert.ok(Math.abs((at - last.at) / 1000 - expected) <= TOLERANCE_S, `took over ${(at - last.at).toFixed(1)} ms after the last advert; expected ${expected * 1000} ms`);
    assert.ok(Math.abs((at - stopped) / 1000 - expected) <= TOLERANCE_S, `took over ${(at - stopped).toFixed(1)} ms after the kill`);
    assert.ok(await lab.holds('r1', VIP4), 'nothing removed the crashed master\'s VIP');
    const ping = await lab.ping('client', VIP4);
    assert.ok(ping.received);
    assert.equal(await lab.neighbourMac('client', VIP4), lab.node('r2').links[0]!.mac, 'r2\'s gratuitous ARPs moved the client');
  });

  test('r1 returns and preempts when its own Master_Down_Interval runs out', async (t) => {
    const offBackup = await lab.watchAddress('r2', VIP4, false, 10_000);
    const restarted = wallClock();
    r1 = start('r1', 150);
    const expected = instanceFacts(r1.files.conf, 'VI_4').masterDown;
    const released = await offBackup.at;
    const seconds = (released - restarted) / 1000;
    t.diagnostic(`VIP off r2 ${(seconds * 1000).toFixed(1)} ms after r1's restart; its Master_Down_Interval ${expected * 1000} ms`);
    // r1 starts as BACKUP, discards r2's lower priority, and takes over when its timer expires
    assert.ok(seconds >= expected - TOLERANCE_S && seconds <= expected + 1, `preempted ${seconds} s after the restart; Master_Down_Interval ${expected} s`);
    assert.ok(await lab.holds('r1', VIP4));
  });

  test('a clean shutdown: r1 sends priority 0 and r2 takes over Skew_Time later', async (t) => {
    const expected = instanceFacts(r2.files.conf, 'VI_4').skew;
    const onBackup = await lab.watchAddress('r2', VIP4, true, 10_000);
    await adverts.next(fromR1, 3000);
    const stopped = await r1.stop('SIGTERM');
    const at = await onBackup.at;
    const zero = adverts.last((a) => fromR1(a) && a.priority === 0);
    assert.ok(zero && zero.at >= stopped, 'r1 sent a priority-0 advert when stopped');
    t.diagnostic(`VIP on r2 ${(at - zero.at).toFixed(1)} ms after r1's priority-0 advert, ${(at - stopped).toFixed(1)} ms after SIGTERM; Skew_Time ${expected * 1000} ms`);
    assert.ok(Math.abs((at - zero.at) / 1000 - expected) <= TOLERANCE_S, `took over ${(at - zero.at).toFixed(1)} ms after priority 0; expected ${expected * 1000} ms`);
    assert.equal(await lab.holds('r1', VIP4), false, 'a clean shutdown removes the VIPs');
    assert.ok(r1.process.lines.some((l) => /\(VI_4\) sent 0 priority/.test(l.text)));
  });
});
