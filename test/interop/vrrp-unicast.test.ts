// Mixed three-node clusters of keepalived 2.2.7 and tskad in unicast mode
// (unicast_src_ip, unicast_peer): VRRPv2 with PASS authentication and
// VRRPv3 over IPv4, and VRRPv3 over IPv6. Run both ways round — keepalived,
// tskad, keepalived by priority, then tskad, keepalived, tskad — so that each
// takes over from the other: after a crash of the master (within
// Master_Down_Interval, RFC 5798 §6.4.2) and after a clean stop of the next
// one (within Skew_Time of its priority-0 advert, §6.4.3). Every advert on
// the wire goes to a configured peer; none to a multicast group.
//
// A master sends one unicast advert per peer, one after the other, and its
// instances' adverts of an interval leave within a few ms of each other. A
// kill landing inside that burst (after the advert to r2, before the one to
// r3) leaves r3 an interval behind: its Master_Down_Interval then ends
// 0.8 s before r2's, and r3 is rightly MASTER until r2 preempts it (RFC 5798
// §6.4.2, §6.4.3), with keepalived as r2 as with tskad. So the master is stopped
// only once its whole burst is on the wire, and then r3 never contends.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireTools } from '../../src/lab/command.js';
import type { Lab } from '../../src/lab/topology.js';
import type { AdvertWatch, SeenAdvert } from '../../src/lab/adverts.js';
import type { ConfigTemplate } from '../../src/lab/config-template.js';
import { rejections, transitions, type DaemonKind } from '../../src/lab/daemon.js';
import { createClusterLab, holders, servedBy, type Cluster } from '../../src/lab/cluster.js';
import { judgeInterval, timeTakeover } from '../../src/lab/takeover.js';
import { dropAdvertsTo } from './egress-drop.js';

const LIMIT_MS = 15_000;
/** a master's adverts of one interval, every instance to every peer, leave within this (ms) */
const BURST_MS = 300;
const ROUTERS = ['r1', 'r2', 'r3'] as const;
type Router = (typeof ROUTERS)[number];
const PRIORITY: Record<Router, number> = { r1: 200, r2: 150, r3: 100 };
const HOST: Record<Router, number> = { r1: 11, r2: 12, r3: 13 };
const peersOf = (r: Router): Router[] => ROUTERS.filter((p) => p !== r);
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
    unicastPeers: peersOf(r).map(i.address),
    vips: [`${i.vip}/${i.prefix}`],
  })),
});

/** `from`'s advert of an instance to `to` */
const sentBy =
  (i: (typeof INSTANCES)[number], from: Router, to?: Router) =>
  (a: SeenAdvert): boolean =>
    a.vrid === i.vrid && a.source === i.address(from) && (to === undefined || a.destination === i.address(to));

/** Resolves once `from`'s adverts of this interval (seen since `since`), of every instance to each of `to`, are on the wire. */
async function burstSent(adverts: AdvertWatch, from: Router, to = peersOf(from), since = Date.now() - BURST_MS): Promise<void> {
  for (const i of INSTANCES)
    for (const peer of to) {
      const sent = sentBy(i, from, peer);
      if (!adverts.last((a) => sent(a) && a.at >= since)) await adverts.next(sent, LIMIT_MS);
    }
}

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
        disrupt: async () => {
          await burstSent(adverts, from);
          return cluster.daemon(from).stop(signal);
        },
        limitMs: LIMIT_MS,
        running: peersOf(from).map((r) => cluster.daemon(r)).filter((d) => d.process.running()),
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
      for (const i of INSTANCES) {
        const [r2Heard, r3Heard] = [adverts.last(sentBy(i, 'r1', 'r2'))?.at, adverts.last(sentBy(i, 'r1', 'r3'))?.at];
        assert.ok(r2Heard !== undefined && r3Heard !== undefined && Math.abs(r2Heard - r3Heard) < BURST_MS, `${i.name}: r2 and r3 heard the same last advert of ${label('r1')}`);
      }
      await sleep(1100);
      // both Master_Down_Intervals run from that advert: r3's is 195 ms longer than r2's, and r2's first
      // advert reaches r3 within a ms of its takeover (neighbour discovery of r3 included)
      assert.deepEqual(transitions(cluster.daemon('r3')).slice(r3Before), [], `${label('r3')} stayed BACKUP`);
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

  // The race the burst wait above avoids, made on purpose: r1's adverts to r3
  // are dropped at r1's egress for its last interval, then r1 is killed. r3
  // heard r1 last an interval before r2 did, so it is MASTER first, for one
  // interval less the 195 ms between their Master_Down_Intervals, until r2's
  // first advert preempts it (RFC 5798 §6.4.3).
  describe(`unicast: a kill between ${label('r1')}'s adverts to r2 and to r3`, () => {
    let lab: Lab;
    let cluster: Cluster;
    let adverts: AdvertWatch;

    before(async () => {
      requireTools({ ip: 'iproute2', tc: 'iproute2', ping: 'iputils-ping', tcpdump: 'tcpdump', keepalived: 'keepalived' });
      const scene = await createClusterLab({ routers: 3 });
      ({ lab, cluster } = scene);
      adverts = scene.adverts[0]!;
    });
    after(() => lab?.destroy());

    test(`${label('r3')} is MASTER from its own Master_Down_Interval until ${label('r2')} takes over at its own, then BACKUP`, async (t) => {
      for (const r of ROUTERS) cluster.start(r, kindOf(r), config(r));
      for (const i of INSTANCES) assert.equal(await cluster.settledHolder(i.name, i.vip), 'r1', i.name);
      // the client learns r1 for each VIP: the new master's gratuitous ARP and NA update an entry, never make one
      for (const i of INSTANCES) assert.equal(await servedBy(lab, i.vip), 'r1', i.vip);
      const r3Before = transitions(cluster.daemon('r3')).length;
      const { takeovers } = await timeTakeover(lab, {
        from: lab.node('r1'),
        to: lab.node('r2'),
        targets: INSTANCES.map((i) => ({ vip: i.vip, vrid: i.vrid, adverts })),
        disrupt: async () => {
          await burstSent(adverts, 'r1');
          await dropAdvertsTo(lab, 'r1', 'eth0', [...new Set(INSTANCES.map((i) => i.address('r3')))]);
          await burstSent(adverts, 'r1', ['r2'], Date.now());
          return cluster.daemon('r1').stop('SIGKILL');
        },
        limitMs: LIMIT_MS,
        running: [cluster.daemon('r2'), cluster.daemon('r3')],
      });
      await sleep(1100);
      const report = (text: string): void => t.diagnostic(`unicast ${kinds.join('/')}, kill between adverts: ${text}`);
      for (const [n, tk] of takeovers.entries()) {
        const i = INSTANCES[n]!;
        const r3Heard = adverts.last(sentBy(i, 'r1', 'r3'));
        assert.ok(r3Heard, `${i.name}: r3 heard r1`);
        const advertIntMs = cluster.facts('r1', i.name).advertInt * 1000;
        assert.ok(Math.abs(tk.lastAdvert.at - r3Heard.at - advertIntMs) < BURST_MS, `${i.name}: r3 heard r1 last an interval before r2 did`);
        const r2Verdict = judgeInterval(tk.sinceLastAdvertMs, cluster.facts('r2', i.name).masterDown * 1000, 'Master_Down_Interval');
        report(`${label('r2')} took ${i.name} over ${r2Verdict.text} after the last advert it heard`);
        assert.ok(r2Verdict.ok, `${i.name}: r2 ${r2Verdict.text}`);

        const r3First = adverts.adverts.find((a) => sentBy(i, 'r3')(a) && a.at > r3Heard.at);
        const r2First = adverts.adverts.find((a) => sentBy(i, 'r2')(a) && a.at > tk.lastAdvert.at);
        assert.ok(r3First && r2First, `${i.name}: r3 and r2 each advertised as MASTER`);
        const r3Verdict = judgeInterval(r3First.at - r3Heard.at, cluster.facts('r3', i.name).masterDown * 1000, 'Master_Down_Interval');
        report(`${label('r3')} took ${i.name} over ${r3Verdict.text} after the last advert it heard`);
        assert.ok(r3Verdict.ok, `${i.name}: r3 ${r3Verdict.text}`);
        // the contention follows from the two timers above, each judged on its own
        const expectedS = (advertIntMs / 1000 + cluster.facts('r2', i.name).masterDown - cluster.facts('r3', i.name).masterDown).toFixed(3);
        report(`${label('r3')} was MASTER of ${i.name} for ${((r2First.at - r3First.at) / 1000).toFixed(3)} s (one interval less the Master_Down_Intervals' difference: ${expectedS} s)`);
        assert.deepEqual(adverts.adverts.filter((a) => sentBy(i, 'r3')(a) && a.at > r2First.at), [], `${i.name}: r3 sent nothing once r2 advertised`);
        assert.deepEqual(
          transitions(cluster.daemon('r3')).slice(r3Before).filter((x) => x.instance === i.name).map((x) => x.state),
          ['MASTER', 'BACKUP'],
          `${label('r3')}: MASTER of ${i.name}, then BACKUP`,
        );
      }
      for (const i of INSTANCES) assert.equal(await servedBy(lab, i.vip), 'r2', i.vip);
    });
  });
}
