// tskad clusters in the other shapes keepalived users run, in network
// namespaces on a real kernel: unicast (unicast_src_ip and unicast_peer,
// nothing multicast on the wire), IPv6 VIPs over VRRPv3 (adverts from the
// link-local address to ff02::12, RFC 5798 §5.1.2; unsolicited Neighbour
// Advertisements, §6.4.1), and a sync group of two instances on two
// segments — the seed's LVS-NAT director pair, where a cable pulled on the
// private side must move the public VIP too. Each takeover is timed from
// the old master's last advert; the figures are printed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requireTools, wallClock } from '../../src/lab/command.js';
import type { InstanceTemplate } from '../../src/lab/config-template.js';
import { advertsOf, createClusterLab, holders, servedBy, whileRunning, type ClusterLab } from '../../src/lab/cluster.js';
import { transitions } from '../../src/lab/daemon.js';
import { judgeInterval, timeTakeover } from '../../src/lab/takeover.js';
import { repoPath } from '../helpers/repo.js';

const LIMIT_MS = 15_000;
const tools = { ip: 'iproute2', ping: 'iputils-ping', tcpdump: 'tcpdump' };

/** One lab per scenario group, removed in `after` whatever happened. */
function useScene(routers: number, segments: 1 | 2 = 1): () => ClusterLab {
  let scene: ClusterLab | undefined;
  before(async () => {
    requireTools(tools);
    scene = await createClusterLab({ routers, segments });
  });
  after(() => scene?.lab.destroy());
  return () => scene!;
}

describe('unicast: a 3-node tskad cluster with unicast_src_ip and unicast_peer (VRRPv3, 0.5 s)', () => {
  const scene = useScene(3);
  const VIP = '192.0.2.210';
  const VRID = 52;
  const ADDRESS = { r1: '192.0.2.11', r2: '192.0.2.12', r3: '192.0.2.13' } as const;
  const PRIORITY = { r1: 200, r2: 150, r3: 50 } as const;
  type Router = keyof typeof PRIORITY;
  const instance = (r: Router): InstanceTemplate => ({
    name: 'VI_U',
    interface: 'eth0',
    virtualRouterId: VRID,
    priority: PRIORITY[r],
    advertInt: 0.5,
    version: 3,
    unicastSrcIp: ADDRESS[r],
    unicastPeers: Object.values(ADDRESS).filter((a) => a !== ADDRESS[r]),
    vips: [`${VIP}/24`],
  });
  /** every advert on the wire so far, by router: each goes to a configured peer, none to a group */
  const assertUnicastOnly = (): void => {
    const { adverts, lab } = scene();
    const seen = adverts[0]!.adverts.filter((a) => a.vrid === VRID);
    assert.ok(seen.length > 0);
    for (const a of seen) {
      const router = (Object.keys(ADDRESS) as Router[]).find((r) => ADDRESS[r] === a.source);
      assert.ok(router, `an advert from ${a.source}, not a unicast_src_ip`);
      assert.ok(instance(router).unicastPeers!.includes(a.destination), `${router} sent to ${a.destination}, not a unicast_peer`);
      assert.equal(a.ttl, 255);
      assert.ok(advertsOf(lab.node(router), VRID)(a));
    }
  };

  test('election: the highest priority wins; its adverts go to each peer, nothing to 224.0.0.18', async () => {
    const { lab, cluster, adverts } = scene();
    for (const r of ['r1', 'r2', 'r3'] as const) cluster.start(r, 'tskad', { routerId: r, instances: [instance(r)] });
    assert.equal(await cluster.settledHolder('VI_U', VIP), 'r1');
    const since = wallClock();
    for (let n = 0; n < 4; n++) await adverts[0]!.next((a) => a.vrid === VRID && a.destination === ADDRESS.r3, 2000);
    // each interval one advert to each peer, back to back (the first and last interval seen may be cut short)
    const rounds = new Map<number, string[]>();
    for (const a of adverts[0]!.adverts.filter((x) => x.vrid === VRID && x.at >= since)) {
      const round = [...rounds.keys()].find((at) => a.at - at < 100) ?? a.at;
      rounds.set(round, [...(rounds.get(round) ?? []), `${a.source} > ${a.destination}`]);
    }
    assert.ok(rounds.size >= 4, `${rounds.size} intervals seen`);
    for (const sent of [...rounds.values()].slice(1, -1)) assert.deepEqual(sent.sort(), ['192.0.2.11 > 192.0.2.12', '192.0.2.11 > 192.0.2.13']);
    assertUnicastOnly();
    assert.equal(await servedBy(lab, VIP), 'r1');
  });

  test('kill -9 of the master: the next takes over within Master_Down_Interval and advertises to its peers', async (t) => {
    const { lab, cluster, adverts } = scene();
    const r3Before = transitions(cluster.daemon('r3')).length;
    const { takeovers } = await timeTakeover(lab, {
      from: lab.node('r1'),
      to: lab.node('r2'),
      targets: [{ vip: VIP, vrid: VRID, adverts: adverts[0]! }],
      disrupt: () => cluster.daemon('r1').stop('SIGKILL'),
      limitMs: LIMIT_MS,
      running: [cluster.daemon('r2'), cluster.daemon('r3')],
    });
    const verdict = judgeInterval(takeovers[0]!.sinceLastAdvertMs, cluster.facts('r2', 'VI_U').masterDown * 1000, 'Master_Down_Interval');
    t.diagnostic(`unicast: tskad r2 took over ${verdict.text} after r1's last advert`);
    assert.ok(verdict.ok, verdict.text);
    await adverts[0]!.next((a) => a.source === ADDRESS.r2 && a.destination === ADDRESS.r3, 2000);
    await adverts[0]!.next((a) => a.source === ADDRESS.r2 && a.destination === ADDRESS.r1, 2000);
    assert.deepEqual(transitions(cluster.daemon('r3')).slice(r3Before), [], 'r3 stayed BACKUP');
    assertUnicastOnly();
    assert.equal(await servedBy(lab, VIP), 'r2');
  });
});

describe('IPv6: a tskad pair with IPv6 VIPs (VRRPv3, 0.5 s)', () => {
  const scene = useScene(2);
  const VIPS = ['2001:db8::200', '2001:db8::201'];
  const VRID = 53;
  const instance = (priority: number): InstanceTemplate => ({
    name: 'VI_6',
    interface: 'eth0',
    virtualRouterId: VRID,
    priority,
    advertInt: 0.5,
    version: 3,
    vips: VIPS.map((v) => `${v}/64`),
  });

  /** `router` announces every VIP with an unsolicited NA from its own MAC, after `since` */
  const announced = async (router: string, since: number): Promise<void> => {
    const { lab, announcements } = scene();
    const mac = lab.node(router).links[0]!.mac;
    for (const vip of VIPS) await announcements.first((a) => a.kind === 'na' && a.address === vip && a.mac === mac && a.at >= since, 2000);
  };

  test('election: adverts from the master\'s link-local address to ff02::12 with both VIPs; unsolicited NAs; the client reaches the VIPs', async () => {
    const { lab, cluster, adverts } = scene();
    const since = wallClock();
    cluster.start('r1', 'tskad', { routerId: 'r1', instances: [instance(150)] });
    cluster.start('r2', 'tskad', { routerId: 'r2', instances: [instance(100)] });
    assert.equal(await cluster.settledHolder('VI_6', VIPS[0]!), 'r1');
    const a = await adverts[0]!.next(advertsOf(lab.node('r1'), VRID), 2000);
    assert.deepEqual(
      { source: a.source, destination: a.destination, ttl: a.ttl, version: a.version, priority: a.priority, intervalCs: a.intervalCs, addresses: a.addresses, badChecksum: a.badChecksum },
      { source: lab.node('r1').links[0]!.linkLocal, destination: 'ff02::12', ttl: 255, version: 3, priority: 150, intervalCs: 50, addresses: VIPS, badChecksum: false },
    );
    await announced('r1', since);
    for (const vip of VIPS) assert.equal(await servedBy(lab, vip), 'r1');
  });

  test('kill -9 of the master: the backup takes over within Master_Down_Interval and announces the VIPs with NAs', async (t) => {
    const { lab, cluster, adverts } = scene();
    const since = wallClock();
    const { takeovers } = await timeTakeover(lab, {
      from: lab.node('r1'),
      to: lab.node('r2'),
      targets: [{ vip: VIPS[0]!, vrid: VRID, adverts: adverts[0]! }],
      disrupt: () => cluster.daemon('r1').stop('SIGKILL'),
      limitMs: LIMIT_MS,
      running: [cluster.daemon('r2')],
    });
    const verdict = judgeInterval(takeovers[0]!.sinceLastAdvertMs, cluster.facts('r2', 'VI_6').masterDown * 1000, 'Master_Down_Interval');
    t.diagnostic(`IPv6: tskad r2 took over ${verdict.text} after r1's last advert`);
    assert.ok(verdict.ok, verdict.text);
    await announced('r2', since);
    for (const vip of VIPS) assert.equal(await servedBy(lab, vip), 'r2');
  });
});

describe('a sync group on two segments: the seed\'s LVS-NAT director pair (VRRPv2, PASS, 1 s)', () => {
  const scene = useScene(2, 2);
  const VIP = '192.0.2.10';
  const DIP = '198.51.100.1';
  const conf = (director: 'a' | 'b') => ({ file: repoPath(`test/fixtures/cluster/lvs-nat-sync-${director}.conf`) });

  test('director A holds both the public VIP and the private DIP; the client reaches the VIP', async () => {
    const { lab, cluster } = scene();
    cluster.start('r1', 'tskad', conf('a'));
    cluster.start('r2', 'tskad', conf('b'));
    assert.equal(await cluster.settledHolder('VI_VIP', VIP), 'r1');
    assert.deepEqual(await holders(lab, DIP), ['r1']);
    assert.equal(await servedBy(lab, VIP), 'r1');
  });

  test('a cable pulled on the private side moves both to director B within Master_Down_Interval; back, A takes both again', async (t) => {
    const { lab, cluster, adverts } = scene();
    const { takeovers } = await timeTakeover(lab, {
      from: lab.node('r1'),
      to: lab.node('r2'),
      targets: [
        { vip: DIP, vrid: 55, adverts: adverts[1]! },
        { vip: VIP, vrid: 54, adverts: adverts[0]! },
      ],
      disrupt: async () => {
        const at = wallClock();
        await lab.linkDown('r1', 'eth1');
        return at;
      },
      limitMs: LIMIT_MS,
      running: cluster.running(),
    });
    const [dip, vip] = takeovers;
    // VI_DIP hears nothing more: its Master_Down_Interval; VI_VIP, told by A's priority 0 as the group goes
    // FAULT, would take over after Skew_Time, but a sync group goes MASTER only when every member wants to
    // (keepalived's vrrp_sync_can_goto_master): both move with VI_DIP
    const masterDown = cluster.facts('r2', 'VI_DIP').masterDown * 1000;
    const dipVerdict = judgeInterval(dip!.sinceLastAdvertMs, masterDown, 'Master_Down_Interval');
    const vipVerdict = judgeInterval(vip!.at - dip!.lastAdvert.at, masterDown, 'Master_Down_Interval');
    t.diagnostic(`sync group: tskad B took the DIP ${dipVerdict.text} and the VIP ${vipVerdict.text} after A's last advert on the private side`);
    assert.ok(dipVerdict.ok, dipVerdict.text);
    assert.ok(vipVerdict.ok, vipVerdict.text);
    assert.equal(vip!.lastAdvert.priority, 0, 'A\'s public instance followed its group to FAULT with a priority-0 advert');
    assert.deepEqual([cluster.state('r1', 'VI_VIP'), cluster.state('r1', 'VI_DIP')], ['FAULT', 'FAULT']);
    assert.deepEqual([await holders(lab, VIP), await holders(lab, DIP)], [['r2'], ['r2']]);
    assert.equal(await servedBy(lab, VIP), 'r2');

    const back = await lab.watchAddress('r1', VIP, true, LIMIT_MS);
    const up = wallClock();
    await lab.linkUp('r1', 'eth1');
    const returned = judgeInterval((await whileRunning(cluster.running(), back.at)) - up, cluster.facts('r1', 'VI_VIP').masterDown * 1000, 'Master_Down_Interval');
    t.diagnostic(`sync group: tskad A took the VIP back ${returned.text} after its link came up`);
    assert.ok(returned.ok, returned.text);
    await lab.waitForAddress('r1', DIP, true, 2000);
    await lab.waitForAddress('r2', VIP, false, 2000);
    await lab.waitForAddress('r2', DIP, false, 2000);
    assert.equal(await servedBy(lab, VIP), 'r1');
  });
});
