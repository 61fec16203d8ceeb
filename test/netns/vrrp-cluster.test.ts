// tskad clusters in network namespaces, on a real kernel: the election
// (the highest priority wins; on equal priority the higher primary address,
// RFC 5798 §6.4.3), failover after a crash, a clean stop and a pulled
// cable, timed against the protocol's own intervals (§6.1), preemption and
// a restart after a crash, nopreempt, the address owner taking over at
// once, a split brain healing, and a backup timing out on the master's
// advert interval rather than its own. VRRPv3 at 0.5 s keeps it quick.
// Each takeover is measured from the old master's last advert on the wire;
// the figures are printed, and the 3-node scenario runs under keepalived
// too, so that tskad's figures can be read beside keepalived's.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireTools, wallClock } from '../../src/lab/command.js';
import type { Lab } from '../../src/lab/topology.js';
import type { AdvertWatch } from '../../src/lab/adverts.js';
import type { InstanceTemplate } from '../../src/lab/config-template.js';
import { advertsOf, createClusterLab, holders, servedBy, sleepUntil, whileRunning, type Cluster, type ClusterLab } from '../../src/lab/cluster.js';
import { transitions, type DaemonKind } from '../../src/lab/daemon.js';
import { FROM_LINE_TOLERANCE_MS, judgeInterval, timeTakeover } from '../../src/lab/takeover.js';

const VIP = '192.0.2.200';
const VRID = 51;
const ADVERT_INT = 0.5;
const LIMIT_MS = 15_000;

const instance = (priority: number, extra: Partial<InstanceTemplate> = {}): InstanceTemplate => ({
  name: 'VI_1',
  interface: 'eth0',
  virtualRouterId: VRID,
  priority,
  advertInt: ADVERT_INT,
  version: 3,
  vips: [`${VIP}/24`],
  ...extra,
});

const tools = { ip: 'iproute2', ping: 'iputils-ping', tcpdump: 'tcpdump' };

/** One lab per scenario group, removed in `after` whatever happened. */
function useLab(routers: number, kind: DaemonKind = 'tskad'): { lab: () => Lab; cluster: () => Cluster; adverts: () => AdvertWatch } {
  let scene: ClusterLab | undefined;
  before(async () => {
    requireTools(kind === 'keepalived' ? { ...tools, keepalived: 'keepalived' } : tools);
    scene = await createClusterLab({ routers });
  });
  after(() => scene?.lab.destroy());
  return { lab: () => scene!.lab, cluster: () => scene!.cluster, adverts: () => scene!.adverts[0]! };
}

// keepalived runs the same scenario after tskad, so that each of tskad's figures has keepalived's beside it
for (const kind of ['tskad', 'keepalived'] as const) {
  describe(`a 3-node ${kind} cluster (VRRPv3, 0.5 s)`, () => {
    const { lab, cluster, adverts } = useLab(3, kind);
    const PRIORITY = { r1: 200, r2: 150, r3: 50 } as const;
    const start = (router: keyof typeof PRIORITY) => cluster().start(router, kind, { routerId: router, instances: [instance(PRIORITY[router])] });
    const r1Adverts = () => advertsOf(lab().node('r1'), VRID);
    /**
     * Restarts r1, which preempts r2 (RFC 5798 §6.4.2: a backup discards a
     * lower priority and takes over when its own timer runs out). Returns the
     * time from its BACKUP (init) line to its first advert as MASTER, and
     * whether it held the VIP while still BACKUP.
     */
    const restartR1 = async (): Promise<{ tookMs: number; heldWhileBackup: boolean }> => {
      let mastered = false;
      const first = adverts().next(r1Adverts(), LIMIT_MS);
      first.then(() => (mastered = true), () => undefined);
      const d = start('r1');
      const init = await whileRunning(cluster().running(), d.process.waitForLine(/\(VI_1\) Entering BACKUP STATE/, LIMIT_MS));
      await sleep(200);
      const heldWhileBackup = (await lab().holds('r1', VIP)) && !mastered;
      const advert = await whileRunning(cluster().running(), first);
      await lab().waitForAddress('r2', VIP, false, 2000);
      await lab().waitForAddress('r1', VIP, true, 2000);
      return { tookMs: advert.at - init.at, heldWhileBackup };
    };
    const preempts = async (t: TestContext): Promise<{ heldWhileBackup: boolean }> => {
      const { tookMs, heldWhileBackup } = await restartR1();
      const verdict = judgeInterval(tookMs, cluster().facts('r1', 'VI_1').masterDown * 1000, 'Master_Down_Interval', FROM_LINE_TOLERANCE_MS);
      t.diagnostic(`${kind} r1 restarted: its first advert as MASTER ${verdict.text} after it entered BACKUP`);
      assert.ok(verdict.ok, verdict.text);
      assert.equal(cluster().state('r2', 'VI_1'), 'BACKUP');
      assert.equal(await servedBy(lab(), VIP), 'r1');
      return { heldWhileBackup };
    };
    const takeover = (disrupt: () => Promise<number>) =>
      timeTakeover(lab(), {
        from: lab().node('r1'),
        to: lab().node('r2'),
        targets: [{ vip: VIP, vrid: VRID, adverts: adverts() }],
        disrupt,
        limitMs: LIMIT_MS,
        running: [cluster().daemon('r2'), cluster().daemon('r3')],
      });

    test('election: the highest priority wins, the others stay BACKUP', async () => {
      for (const r of ['r1', 'r2', 'r3'] as const) start(r);
      assert.equal(await cluster().settledHolder('VI_1', VIP), 'r1');
      const since = wallClock();
      await adverts().next(r1Adverts(), 2000);
      await adverts().next(r1Adverts(), 2000);
      assert.deepEqual(adverts().adverts.filter((a) => a.at >= since && a.vrid === VRID && !r1Adverts()(a)), [], 'only the master advertises');
      assert.deepEqual(['r1', 'r2', 'r3'].map((r) => cluster().state(r, 'VI_1')), ['MASTER', 'BACKUP', 'BACKUP']);
      assert.equal(await servedBy(lab(), VIP), 'r1');
    });

    test('SIGTERM to the master: it sends priority 0, and the next takes over within Skew_Time; back, it preempts', async (t) => {
      const { takeovers, disruptedAt } = await takeover(() => cluster().daemon('r1').stop('SIGTERM'));
      const tk = takeovers[0]!;
      assert.equal(tk.lastAdvert.priority, 0, 'the last advert of a clean stop has priority 0 (RFC 5798 §6.4.3)');
      assert.ok(tk.lastAdvert.at >= disruptedAt);
      const verdict = judgeInterval(tk.sinceLastAdvertMs, cluster().facts('r2', 'VI_1').skew * 1000, 'Skew_Time');
      t.diagnostic(`${kind} r2 took over ${verdict.text} after r1's priority-0 advert; ${tk.sinceDisruptionMs.toFixed(1)} ms after SIGTERM`);
      assert.ok(verdict.ok, verdict.text);
      assert.deepEqual(await holders(lab(), VIP), ['r2'], 'a clean stop removes the VIP');
      assert.equal(await servedBy(lab(), VIP), 'r2');
      await preempts(t);
    });

    test('a pulled cable: the master goes FAULT, the next takes over within Master_Down_Interval; back, it preempts', async (t) => {
      const { takeovers } = await takeover(async () => {
        const at = wallClock();
        await lab().linkDown('r1', 'eth0');
        return at;
      });
      const tk = takeovers[0]!;
      const verdict = judgeInterval(tk.sinceLastAdvertMs, cluster().facts('r2', 'VI_1').masterDown * 1000, 'Master_Down_Interval');
      t.diagnostic(`${kind} r2 took over ${verdict.text} after r1's last advert; ${tk.sinceDisruptionMs.toFixed(1)} ms after the link went down`);
      assert.ok(verdict.ok, verdict.text);
      await cluster().daemon('r1').process.waitForLine(/\(VI_1\) Entering FAULT STATE/, 2000);
      await lab().waitForAddress('r1', VIP, false, 2000);
      assert.equal(await servedBy(lab(), VIP), 'r2');

      const on = await lab().watchAddress('r1', VIP, true, LIMIT_MS);
      const up = wallClock();
      await lab().linkUp('r1', 'eth0');
      const back = (await whileRunning(cluster().running(), on.at)) - up;
      const returned = judgeInterval(back, cluster().facts('r1', 'VI_1').masterDown * 1000, 'Master_Down_Interval');
      t.diagnostic(`${kind} r1 back as MASTER ${returned.text} after its link came up`);
      assert.ok(returned.ok, returned.text);
      await lab().waitForAddress('r2', VIP, false, 2000);
      assert.equal(await servedBy(lab(), VIP), 'r1');
    });

    test('kill -9 of the master: the next priority takes over within Master_Down_Interval; the lowest stays BACKUP', async (t) => {
      const r3Before = transitions(cluster().daemon('r3')).length;
      const { takeovers, disruptedAt } = await takeover(() => cluster().daemon('r1').stop('SIGKILL'));
      const tk = takeovers[0]!;
      const verdict = judgeInterval(tk.sinceLastAdvertMs, cluster().facts('r2', 'VI_1').masterDown * 1000, 'Master_Down_Interval');
      t.diagnostic(`${kind} r2 took over ${verdict.text} after r1's last advert; ${tk.sinceDisruptionMs.toFixed(1)} ms after kill -9`);
      assert.ok(verdict.ok, verdict.text);
      assert.equal(tk.lastAdvert.priority, PRIORITY.r1, 'a crashed daemon sends no priority 0');
      assert.ok(tk.lastAdvert.at < disruptedAt);
      await sleep(ADVERT_INT * 2000);
      assert.deepEqual(transitions(cluster().daemon('r3')).slice(r3Before), [], 'r3 stayed BACKUP throughout');
      assert.deepEqual(await holders(lab(), VIP), ['r1', 'r2'], 'the crashed r1 removed nothing; r2 holds the VIP');
      assert.equal(await servedBy(lab(), VIP), 'r2');
      // tskad's advert, address request and GARPs left from the timer's expiry, natively (vrrp/timer-prelude.ts)
      if (kind === 'tskad') await cluster().daemon('r2').process.waitForLine(/\(VI_1\) takeover: advert, 1 address request\(s\) and \d+ gratuitous ARP\(s\) sent at the master-down timer's expiry/, 1000);
    });

    test('restarted after kill -9, the master removes the VIP the crashed process left, and preempts', async (t) => {
      const { heldWhileBackup } = await preempts(t);
      // keepalived deletes its configured VIPs at startup (vrrp.c, vrrp_complete_instance: vipset "to force
      // address removal"); a BACKUP that keeps one answers ARP for it beside the master
      assert.equal(heldWhileBackup, false, 'r1 still held the VIP while BACKUP after its restart');
    });
  });
}

describe('equal priorities: the higher primary address wins (RFC 5798 §6.4.3)', () => {
  const { lab, cluster } = useLab(2);
  const start = (router: string) => cluster().start(router, 'tskad', { routerId: router, instances: [instance(100)] });

  test('a backup of equal priority does not preempt; after a split brain the higher address stays MASTER', async (t) => {
    start('r1');
    assert.equal(await cluster().settledHolder('VI_1', VIP), 'r1');
    const r2 = start('r2');
    const init = await r2.process.waitForLine(/\(VI_1\) Entering BACKUP STATE/, LIMIT_MS);
    // RFC 5798 §6.4.2: an advert of equal priority resets a backup's timer
    await sleepUntil(init.at + cluster().facts('r2', 'VI_1').masterDown * 1000 + 2 * ADVERT_INT * 1000);
    assert.deepEqual(await holders(lab(), VIP), ['r1'], 'r2 (equal priority, higher address) did not preempt a live master');

    await lab().cut('r2');
    await whileRunning(cluster().running(), lab().waitForAddress('r2', VIP, true, LIMIT_MS));
    assert.deepEqual(await holders(lab(), VIP), ['r1', 'r2'], 'split brain: both MASTER');
    const off = await lab().watchAddress('r1', VIP, false, LIMIT_MS);
    const rejoined = wallClock();
    await lab().rejoin('r2');
    const yielded = (await whileRunning(cluster().running(), off.at)) - rejoined;
    t.diagnostic(`tskad r1 (192.0.2.11) yielded to r2 (192.0.2.12) ${yielded.toFixed(1)} ms after the split ended (an advert interval is ${ADVERT_INT * 1000} ms)`);
    assert.ok(yielded <= ADVERT_INT * 1000 + 150, `yielded after ${yielded} ms`);
    assert.deepEqual(await holders(lab(), VIP), ['r2']);
    assert.equal(cluster().state('r1', 'VI_1'), 'BACKUP');
    assert.equal(await servedBy(lab(), VIP), 'r2');
  });
});

describe('nopreempt', () => {
  const { lab, cluster, adverts } = useLab(2);

  test('a higher-priority backup with nopreempt leaves a live master alone, and takes over when it dies', async (t) => {
    cluster().start('r2', 'tskad', { routerId: 'r2', instances: [instance(100)] });
    assert.equal(await cluster().settledHolder('VI_1', VIP), 'r2');
    const r1 = cluster().start('r1', 'tskad', { routerId: 'r1', instances: [instance(150, { state: 'BACKUP', nopreempt: true })] });
    const init = await r1.process.waitForLine(/\(VI_1\) Entering BACKUP STATE/, LIMIT_MS);
    await sleepUntil(init.at + cluster().facts('r1', 'VI_1').masterDown * 1000 + 2 * ADVERT_INT * 1000);
    assert.deepEqual(await holders(lab(), VIP), ['r2'], 'r1 did not preempt');
    assert.deepEqual(transitions(r1).map((x) => x.state), ['BACKUP']);
    // the client knows the VIP by r2's MAC, as users of a live service do; r1's gratuitous ARPs must move it
    assert.equal(await servedBy(lab(), VIP), 'r2');

    const expected = cluster().facts('r1', 'VI_1').masterDown * 1000;
    const { takeovers } = await timeTakeover(lab(), {
      from: lab().node('r2'),
      to: lab().node('r1'),
      targets: [{ vip: VIP, vrid: VRID, adverts: adverts() }],
      disrupt: () => cluster().daemon('r2').stop('SIGKILL'),
      limitMs: LIMIT_MS,
      running: [r1],
    });
    const verdict = judgeInterval(takeovers[0]!.sinceLastAdvertMs, expected, 'Master_Down_Interval');
    t.diagnostic(`tskad r1 (nopreempt) took over ${verdict.text} after the crashed r2's last advert`);
    assert.ok(verdict.ok, verdict.text);
    assert.equal(await servedBy(lab(), VIP), 'r1');
  });
});

describe('the address owner (priority 255)', () => {
  const { lab, cluster, adverts } = useLab(2);

  test('takes over at once when it starts: no Master_Down_Interval, and the master yields to its first advert', async (t) => {
    cluster().start('r2', 'tskad', { routerId: 'r2', instances: [instance(100)] });
    assert.equal(await cluster().settledHolder('VI_1', VIP), 'r2');
    const off = await lab().watchAddress('r2', VIP, false, LIMIT_MS);
    const first = adverts().next(advertsOf(lab().node('r1'), VRID), LIMIT_MS);
    const owner = cluster().start('r1', 'tskad', { routerId: 'r1', instances: [instance(255)] });
    const started = await owner.process.waitForLine(/Startup complete/, LIMIT_MS);
    const advert = await whileRunning(cluster().running(), first);
    const released = await off.at;
    const masterDown = cluster().facts('r1', 'VI_1').masterDown * 1000;
    t.diagnostic(`tskad r1's first advert (priority ${advert.priority}) ${(advert.at - started.at).toFixed(1)} ms after its "Startup complete"; r2 released the VIP ${(released - advert.at).toFixed(1)} ms after it; a non-owner would wait ${masterDown.toFixed(0)} ms`);
    assert.equal(advert.priority, 255);
    assert.ok(advert.at - started.at <= 150, 'the owner advertises at once');
    assert.ok(released - advert.at <= 150, 'a master yields at once to a higher priority (RFC 5798 §6.4.3)');
    // r1 adds the VIP after its advert, r2 removes it after hearing that advert: either may come first
    const added = await (await lab().watchAddress('r1', VIP, true, LIMIT_MS)).at;
    assert.ok(added - advert.at <= 150, 'the owner adds its VIP at once');
    assert.deepEqual(await holders(lab(), VIP), ['r1']);
    assert.equal(cluster().state('r2', 'VI_1'), 'BACKUP');
    assert.equal(await servedBy(lab(), VIP), 'r1');
  });
});

describe('a split brain heals (RFC 5798 §6.4.3)', () => {
  const { lab, cluster, adverts } = useLab(2);

  test('the isolated master keeps MASTER when it rejoins; the other yields, and the master\'s gratuitous ARPs win the client back', async (t) => {
    cluster().start('r1', 'tskad', { routerId: 'r1', instances: [instance(200)] });
    cluster().start('r2', 'tskad', { routerId: 'r2', instances: [instance(100)] });
    assert.equal(await cluster().settledHolder('VI_1', VIP), 'r1');
    assert.equal(await servedBy(lab(), VIP), 'r1');
    await lab().cut('r1');
    await whileRunning(cluster().running(), lab().waitForAddress('r2', VIP, true, LIMIT_MS));
    // r2's gratuitous ARPs reach the client; r1's, on its own, do not
    await sleep(200);
    assert.equal(await lab().neighbourMac('client', VIP), lab().node('r2').links[0]!.mac);

    const off = await lab().watchAddress('r2', VIP, false, LIMIT_MS);
    const rejoined = wallClock();
    await lab().rejoin('r1');
    const yielded = (await whileRunning(cluster().running(), off.at)) - rejoined;
    // the master answers the lower priority at once with an advert (keepalived: "forcing new election")
    const fromR2 = adverts().adverts.find((a) => a.at >= rejoined && advertsOf(lab().node('r2'), VRID)(a));
    const answer = fromR2 && adverts().adverts.find((a) => a.at >= fromR2.at && advertsOf(lab().node('r1'), VRID)(a));
    const deadline = rejoined + ADVERT_INT * 1000 + 500;
    let mac: string | undefined;
    while ((mac = await lab().neighbourMac('client', VIP)) !== lab().node('r1').links[0]!.mac && wallClock() < deadline) await sleep(20);
    const repaired = wallClock() - rejoined;
    t.diagnostic(`tskad r2 yielded ${yielded.toFixed(1)} ms after the rejoin; r1 answered r2's advert in ${answer && fromR2 ? (answer.at - fromR2.at).toFixed(1) : '?'} ms; the client's ARP entry was r1's again within ${repaired.toFixed(0)} ms`);
    assert.ok(yielded <= ADVERT_INT * 1000 + 150, `r2 yielded after ${yielded} ms`);
    assert.equal(mac, lab().node('r1').links[0]!.mac, 'the client learnt r1\'s MAC again without asking');
    assert.deepEqual(await holders(lab(), VIP), ['r1']);
  });
});

describe('VRRPv3: a backup learns the master\'s advert interval (RFC 5798 §6.4.2, Master_Adver_Interval)', () => {
  const { lab, cluster, adverts } = useLab(2);

  test('a backup configured for 1 s takes over a crashed 0.25 s master on the master\'s interval', async (t) => {
    cluster().start('r1', 'tskad', { routerId: 'r1', instances: [instance(200, { advertInt: 0.25 })] });
    cluster().start('r2', 'tskad', { routerId: 'r2', instances: [instance(100, { advertInt: 1 })] });
    assert.equal(await cluster().settledHolder('VI_1', VIP), 'r1');
    assert.equal(await servedBy(lab(), VIP), 'r1');
    const { takeovers } = await timeTakeover(lab(), {
      from: lab().node('r1'),
      to: lab().node('r2'),
      targets: [{ vip: VIP, vrid: VRID, adverts: adverts() }],
      disrupt: () => cluster().daemon('r1').stop('SIGKILL'),
      limitMs: LIMIT_MS,
      running: [cluster().daemon('r2')],
    });
    // 3 × Master_Adver_Interval + (256 − Priority) × Master_Adver_Interval / 256, with the master's 0.25 s
    const learnt = 3 * 250 + ((256 - 100) * 250) / 256;
    const verdict = judgeInterval(takeovers[0]!.sinceLastAdvertMs, learnt, 'Master_Down_Interval on 0.25 s');
    t.diagnostic(`tskad r2 took over ${verdict.text} after r1's last advert; on its own 1 s it would wait ${(cluster().facts('r2', 'VI_1').masterDown * 1000).toFixed(0)} ms`);
    assert.ok(verdict.ok, verdict.text);
    assert.equal(await servedBy(lab(), VIP), 'r2');
  });
});
