// Mixed three-node clusters of keepalived 2.2.7 and tskad in unicast mode
// (unicast_src_ip, unicast_peer): VRRPv2 with PASS authentication and
// VRRPv3 over IPv4, and VRRPv3 over IPv6. Run both ways round — keepalived,
// tskad, keepalived by priority, then tskad, keepalived, tskad — so that each
// takes over from the other: after a crash of the master (within
// Master_Down_Interval, RFC 5798 §6.4.2) and after a clean stop of the next
// one (within Skew_Time of its priority-0 advert, §6.4.3). Every advert on
// the wire goes to a configured peer; none to a multicast group.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireTools } from '../../src/lab/command.js';
import type { Lab } from '../../src/lab/topology.js';
import type { AdvertWatch } from '../../src/lab/adverts.js';
import type { ConfigTemplate } from '../../src/lab/config-template.js';
import { rejections, transitions, type DaemonKind } from '../../src/lab/daemon.js';
import { createClusterLab, holders, servedBy, type Cluster } from '../../src/lab/cluster.js';
import { judgeInterval, timeTakeover } from '../../src/lab/takeover.js';

const LIMIT_MS = 15_000;
const ROUTERS = ['r1', 'r2', 'r3'] as const;
type Router = (typeof ROUTERS)[number];
const PRIORITY: Record<Router, number> = { r1: 200, r2: 150, r3: 100 };
const HOST: Record<Router, number> = { r1: 11, r2: 12, r3: 13 };
const v4 = (r: Router): string => `192.0.2.${HOST[r]}`;
const v6 = (r: Router): string => `2001:db8::${HOST[r]}`;

/** the instances every router runs, with the family's own address of a router */
const INSTANCES = [
  { name: 'VI_U2', vrid: 81, vip: '192.0.2.210', prefix: 24, address: v4, authPass: 'unicast' },
  { name: 'VI_U3', vrid: 82, vip: '192.0.2.220', prefix: 24, address: v4, version: 3 },
  { name: 'VI_U6', vrid: 83, vip: '2001:db8::220', prefix: 64, address: v6, version: 3 },
] as const;

const config = (r: Router): ConfigTemplate => ({
  routerId: `unicast-${r}`,
  instances: INSTANCES.map((i) => ({
    name: i.name,
    interface: 'eth0',
    virtualRouterId: i.vrid,
    priority: PRIORITY[r],
    ...('authPass' in i && { authPass: i.authPass }),
    ...('version' in i && { version: i.version }),
    unicastSrcIp: i.address(r),
    unicastPeers: ROUTERS.filter((p) => p !== r).map(i.address),
    vips: [`${i.vip}/${i.prefix}`],
  })),
});

for (const kinds of [
  ['keepalived', 'tskad', 'keepalived'],
  ['tskad', 'keepalived', 'tskad'],
] as const satisfies ReadonlyArray<readonly [DaemonKind, DaemonKind, DaemonKind]>) {
  const kindOf = (r: Router): DaemonKind => kinds[ROUTERS.indexOf(r)]!;
  const label = (r: Router): string => `${kindOf(r)} ${r}`;
  describe(`unicast: ${ROUTERS.map((r) => `${label(r)} (${PRIORITY[r]})`).join(', ')}`, () => {
    let lab: Lab;
    let cluster: Cluster;
    let adverts: AdvertWatch;
    const report = (t: TestContext, text: string): void => t.diagnostic(`unicast ${kinds.join('/')}: ${text}`);
    const assertUnicastOnly = (): void => {
      for (const a of adverts.adverts) {
        const i = INSTANCES.find((x) => x.vrid === a.vrid);
        assert.ok(i, `an advert for VRID ${a.vrid}`);
        const from = ROUTERS.find((r) => i.address(r) === a.source);
        assert.ok(from, `${i.name}: an advert from ${a.source}, not a unicast_src_ip`);
        assert.ok(ROUTERS.some((r) => r !== from && i.address(r) === a.destination), `${i.name}: ${from} sent to ${a.destination}, not a unicast_peer`);
      }
    };
    /** the client reaches every VIP, and `router` answers (the MAC its neighbour table learnt) */
    const assertServedBy = async (router: Router): Promise<void> => {
      for (const i of INSTANCES) assert.equal(await servedBy(lab, i.vip), router, i.vip);
    };
    const assertNoRejections = (): void => {
      for (const r of ROUTERS) if (cluster.running().includes(cluster.daemon(r))) assert.deepEqual(rejections(cluster.daemon(r)), [], `${label(r)} rejected none of the others' adverts`);
    };
    const takeover = (from: Router, to: Router, signal: 'SIGTERM' | 'SIGKILL') =>
      timeTakeover(lab, {
        from: lab.node(from),
        to: lab.node(to),
        targets: INSTANCES.map((i) => ({ vip: i.vip, vrid: i.vrid, adverts })),
        disrupt: () => cluster.daemon(from).stop(signal),
        limitMs: LIMIT_MS,
        running: ROUTERS.filter((r) => r !== from).map((r) => cluster.daemon(r)).filter((d) => d.process.running()),
      });

    before(async () => {
      requireTools({ ip: 'iproute2', ping: 'iputils-ping', tcpdump: 'tcpdump', keepalived: 'keepalived' });
      const scene = await createClusterLab({ routers: 3 });
      ({ lab, cluster } = scene);
      adverts = scene.adverts[0]!;
    });
    after(() => lab?.destroy());

    test(`election: ${label('r1')} is MASTER of every instance; its adverts go to each peer and are accepted`, async () => {
      for (const r of ROUTERS) cluster.start(r, kindOf(r), config(r));
      for (const i of INSTANCES) assert.equal(await cluster.settledHolder(i.name, i.vip), 'r1', i.name);
      await sleep(1100);
      for (const i of INSTANCES) {
        const recent = adverts.adverts.filter((a) => a.vrid === i.vrid).slice(-2);
        assert.deepEqual(recent.map((a) => `${a.source} > ${a.destination}`).sort(), [`${i.address('r1')} > ${i.address('r2')}`, `${i.address('r1')} > ${i.address('r3')}`], i.name);
        assert.deepEqual(ROUTERS.map((r) => cluster.state(r, i.name)), ['MASTER', 'BACKUP', 'BACKUP'], i.name);
      }
      assertUnicastOnly();
      assertNoRejections();
      await assertServedBy('r1');
    });

    test(`kill -9 of ${label('r1')}: ${label('r2')} takes over within Master_Down_Interval; ${label('r3')} stays BACKUP`, async (t) => {
      const r3Before = transitions(cluster.daemon('r3')).length;
      const { takeovers } = await takeover('r1', 'r2', 'SIGKILL');
      for (const [n, tk] of takeovers.entries()) {
        const i = INSTANCES[n]!;
        const verdict = judgeInterval(tk.sinceLastAdvertMs, cluster.facts('r2', i.name).masterDown * 1000, 'Master_Down_Interval');
        report(t, `${label('r2')} took ${i.name} over ${verdict.text} after ${label('r1')}'s last advert`);
        assert.ok(verdict.ok, `${i.name}: ${verdict.text}`);
      }
      await sleep(1100);
      // r3 must end BACKUP. It may contend for a moment: its Master_Down_Interval is only 195 ms longer
      // than r2's, and r2's first unicast advert to r3 can wait on neighbour discovery (seen once in CI
      // with IPv6: r3 MASTER for 0.8 s); the open question is in issue 3's note
      const r3Now = transitions(cluster.daemon('r3')).slice(r3Before);
      if (r3Now.length > 0) report(t, `r3 contended: ${r3Now.map((x) => `${x.instance} ${x.state}`).join(', ')}`);
      for (const i of INSTANCES) assert.equal(cluster.state('r3', i.name), 'BACKUP', `r3 ends BACKUP of ${i.name}`);
      for (const i of INSTANCES) {
        const recent = adverts.adverts.filter((a) => a.vrid === i.vrid).slice(-2);
        assert.deepEqual(recent.map((a) => `${a.source} > ${a.destination}`).sort(), [`${i.address('r2')} > ${i.address('r1')}`, `${i.address('r2')} > ${i.address('r3')}`], i.name);
      }
      assertUnicastOnly();
      assertNoRejections();
      await assertServedBy('r2');
    });

    test(`SIGTERM to ${label('r2')}: it sends priority 0 to its peers, and ${label('r3')} takes over within Skew_Time`, async (t) => {
      const { takeovers, disruptedAt } = await takeover('r2', 'r3', 'SIGTERM');
      for (const [n, tk] of takeovers.entries()) {
        const i = INSTANCES[n]!;
        assert.equal(tk.lastAdvert.priority, 0, `${i.name}: priority 0`);
        const zeros = adverts.adverts.filter((a) => a.vrid === i.vrid && a.priority === 0 && a.at >= disruptedAt);
        assert.deepEqual(zeros.map((a) => a.destination).sort(), [i.address('r1'), i.address('r3')].sort(), `${i.name}: priority 0 to each peer, once`);
        const verdict = judgeInterval(tk.sinceLastAdvertMs, cluster.facts('r3', i.name).skew * 1000, 'Skew_Time');
        report(t, `${label('r3')} took ${i.name} over ${verdict.text} after ${label('r2')}'s priority-0 advert`);
        assert.ok(verdict.ok, `${i.name}: ${verdict.text}`);
        assert.deepEqual(await holders(lab, i.vip), ['r1', 'r3'], `${i.vip}: on r3, and left on the crashed r1`);
      }
      assertUnicastOnly();
      assertNoRejections();
      await assertServedBy('r3');
    });
  });
}
