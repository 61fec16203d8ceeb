// A mixed pair, keepalived 2.2.7 and tskad, on one segment, both ways
// round: each as MASTER with the other as BACKUP. Each daemon runs two
// instances, VRRPv2 with PASS authentication over IPv4 and VRRPv3 over
// IPv6, multicast. The backup accepts the master's adverts (no rejection
// logged, no second master), takes over after a clean stop within its
// Skew_Time (the priority-0 advert, RFC 5798 §6.4.3) and after a crash
// within its Master_Down_Interval (§6.4.2), and the master preempts it when
// it returns. Every takeover is timed from the old master's last advert on
// the wire and printed, so tskad's figures can be read beside keepalived's.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireTools } from '../../src/lab/command.js';
import type { Lab } from '../../src/lab/topology.js';
import type { AdvertWatch, SeenAdvert } from '../../src/lab/adverts.js';
import type { ConfigTemplate } from '../../src/lab/config-template.js';
import { rejections, type DaemonKind } from '../../src/lab/daemon.js';
import { advertsOf, createClusterLab, holders, servedBy, whileRunning, type Cluster } from '../../src/lab/cluster.js';
import { FROM_LINE_TOLERANCE_MS, judgeInterval, timeTakeover } from '../../src/lab/takeover.js';

const LIMIT_MS = 15_000;
/** the two instances every router runs */
const INSTANCES = [
  { name: 'VI_4', vrid: 61, vips: ['192.0.2.200', '192.0.2.201'], prefix: 24, authPass: 'interop' },
  { name: 'VI_6', vrid: 62, vips: ['2001:db8::200'], prefix: 64, version: 3 },
] as const;
const VIPS = INSTANCES.flatMap((i) => i.vips);

const config = (router: string, priority: number): ConfigTemplate => ({
  routerId: `interop-${router}`,
  instances: INSTANCES.map((i) => ({
    name: i.name,
    interface: 'eth0',
    virtualRouterId: i.vrid,
    priority,
    ...('authPass' in i && { authPass: i.authPass }),
    ...('version' in i && { version: i.version }),
    vips: i.vips.map((v) => `${v}/${i.prefix}`),
  })),
});

async function assertServedBy(lab: Lab, router: string): Promise<void> {
  for (const vip of VIPS) assert.equal(await servedBy(lab, vip), router, vip);
}

for (const [masterKind, backupKind] of [
  ['keepalived', 'tskad'],
  ['tskad', 'keepalived'],
] as const satisfies ReadonlyArray<readonly [DaemonKind, DaemonKind]>) {
  describe(`${masterKind} MASTER (r1, priority 150), ${backupKind} BACKUP (r2, priority 100): VRRPv2 PASS over IPv4 and VRRPv3 over IPv6`, () => {
    let lab: Lab;
    let cluster: Cluster;
    let adverts: AdvertWatch;
    const startMaster = () => cluster.start('r1', masterKind, config('r1', 150));
    const report = (t: TestContext, text: string): void => t.diagnostic(`${masterKind} → ${backupKind}: ${text}`);
    const targets = () => INSTANCES.map((i) => ({ vip: i.vips[0], vrid: i.vrid, adverts }));
    const takeover = (signal: 'SIGTERM' | 'SIGKILL') =>
      timeTakeover(lab, {
        from: lab.node('r1'),
        to: lab.node('r2'),
        targets: targets(),
        disrupt: () => cluster.daemon('r1').stop(signal),
        limitMs: LIMIT_MS,
        running: [cluster.daemon('r2')],
      });
    const assertNoRejections = (): void => {
      for (const r of ['r1', 'r2']) assert.deepEqual(rejections(cluster.daemon(r)), [], `${r} rejected none of the other's adverts`);
    };

    before(async () => {
      requireTools({ ip: 'iproute2', ping: 'iputils-ping', tcpdump: 'tcpdump', keepalived: 'keepalived' });
      const scene = await createClusterLab({ routers: 2 });
      ({ lab, cluster } = scene);
      adverts = scene.adverts[0]!;
    });
    after(() => lab?.destroy());

    test(`election: ${masterKind} is MASTER of both instances, and ${backupKind} accepts its adverts`, async () => {
      startMaster();
      cluster.start('r2', backupKind, config('r2', 100));
      for (const i of INSTANCES) for (const vip of i.vips) assert.equal(await cluster.settledHolder(i.name, vip), 'r1', vip);
      await sleep(1000);
      assert.deepEqual(
        INSTANCES.flatMap((i) => ['r1', 'r2'].map((r) => cluster.state(r, i.name))),
        ['MASTER', 'BACKUP', 'MASTER', 'BACKUP'],
      );
      assertNoRejections();
      await assertServedBy(lab, 'r1');
    });

    test(`SIGTERM to ${masterKind}: it sends priority 0, and ${backupKind} takes over within Skew_Time`, async (t) => {
      const { takeovers } = await takeover('SIGTERM');
      for (const [n, tk] of takeovers.entries()) {
        const i = INSTANCES[n]!;
        assert.equal(tk.lastAdvert.priority, 0, `${i.name}: the last advert of a clean stop has priority 0`);
        const verdict = judgeInterval(tk.sinceLastAdvertMs, cluster.facts('r2', i.name).skew * 1000, 'Skew_Time');
        report(t, `${backupKind} took ${i.name} over ${verdict.text} after ${masterKind}'s priority-0 advert; ${tk.sinceDisruptionMs.toFixed(1)} ms after SIGTERM`);
        assert.ok(verdict.ok, `${i.name}: ${verdict.text}`);
      }
      for (const vip of VIPS) assert.deepEqual(await holders(lab, vip), ['r2'], `${vip}: a clean stop removes it`);
      await assertServedBy(lab, 'r2');
    });

    test(`${masterKind} returns and preempts ${backupKind} when its own Master_Down_Interval runs out`, async (t) => {
      const firsts = INSTANCES.map((i) => adverts.next(advertsOf(lab.node('r1'), i.vrid), LIMIT_MS));
      const d = startMaster();
      for (const [n, i] of INSTANCES.entries()) {
        const init = await whileRunning(cluster.running(), d.process.waitForLine(new RegExp(`\\(${i.name}\\) Entering BACKUP STATE`), LIMIT_MS));
        const first: SeenAdvert = await whileRunning(cluster.running(), firsts[n]!);
        const verdict = judgeInterval(first.at - init.at, cluster.facts('r1', i.name).masterDown * 1000, 'Master_Down_Interval', FROM_LINE_TOLERANCE_MS);
        report(t, `${masterKind}'s first ${i.name} advert as MASTER ${verdict.text} after it entered BACKUP`);
        assert.ok(verdict.ok, `${i.name}: ${verdict.text}`);
      }
      for (const vip of VIPS) await lab.waitForAddress('r2', vip, false, 2000);
      assertNoRejections();
      await assertServedBy(lab, 'r1');
    });

    test(`kill -9 of ${masterKind}: ${backupKind} takes over within Master_Down_Interval`, async (t) => {
      const { takeovers } = await takeover('SIGKILL');
      for (const [n, tk] of takeovers.entries()) {
        const i = INSTANCES[n]!;
        assert.notEqual(tk.lastAdvert.priority, 0, 'a crashed daemon sends no priority 0');
        const verdict = judgeInterval(tk.sinceLastAdvertMs, cluster.facts('r2', i.name).masterDown * 1000, 'Master_Down_Interval');
        report(t, `${backupKind} took ${i.name} over ${verdict.text} after ${masterKind}'s last advert; ${tk.sinceDisruptionMs.toFixed(1)} ms after kill -9`);
        assert.ok(verdict.ok, `${i.name}: ${verdict.text}`);
      }
      await assertServedBy(lab, 'r2');
    });

    test(`restarted after kill -9, ${masterKind} removes the VIPs the crashed process left before it preempts`, async () => {
      assert.ok(await lab.holds('r1', VIPS[0]!), 'the crashed daemon left its VIPs');
      const first = adverts.next(advertsOf(lab.node('r1'), INSTANCES[0].vrid), LIMIT_MS);
      const d = startMaster();
      await whileRunning(cluster.running(), d.process.waitForLine(/\(VI_4\) Entering BACKUP STATE/, LIMIT_MS));
      await sleep(200);
      // keepalived deletes its configured VIPs at startup (vrrp.c vrrp_complete_instance: vipset "to force
      // address removal"): a BACKUP that kept one would answer ARP for it beside the master
      const held = [];
      for (const vip of VIPS) if (await lab.holds('r1', vip)) held.push(vip);
      await whileRunning(cluster.running(), first);
      assert.deepEqual(held, [], `${masterKind} still held these while BACKUP after its restart`);
    });
  });
}
