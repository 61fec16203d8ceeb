// A mixed NFS pair: tskad on node A (priority 100, the seed's maintenance
// check, weight -20) and keepalived 2.2.7 on node B (99, the same file).
// When the `down` file appears on A, tskad advertises 80 at once and
// keepalived takes over one Master_Down_Interval after the last advert it
// accepted; when the file goes, tskad preempts and keepalived yields, as it
// would to another keepalived. keepalived itself cannot run the seed's line
// (it execs `[[` without a shell) and disables the check: B stays at 99.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { settledHolder, whileRunning } from '../../src/lab/cluster.js';
import { keepalivedCommand, startDaemon, tskadCommand } from '../../src/lab/daemon.js';
import { from, judgeTakeover, NFS_VIP, NFS_VRID, nfsConfig, useSeedLab } from '../netns/seed-lab.js';

const LIMIT_MS = 15_000;
/** RFC 3768 §6.1 (VRRPv2, advert_int 1): 3 + (256 − Priority) / 256 s */
const masterDown = (priority: number) => 3 + (256 - priority) / 256;

describe('tskad and keepalived in one NFS pair, tskad\'s priority moved by tracking', () => {
  const seed = useSeedLab({ keepalived: 'keepalived' });

  test('keepalived takes the VIP when tskad drops to 80, and gives it back when tskad returns to 100', { timeout: 90_000 }, async (t) => {
    const { lab, adverts } = seed();
    const aDir = seed().dir('r1');
    const a = startDaemon(lab, 'r1', { command: tskadCommand(), config: { text: nfsConfig('r1', 100, aDir) } });
    await whileRunning([a], lab.waitForAddress('r1', NFS_VIP, true, LIMIT_MS));
    // keepalived joins the settled master (it starts faster than tskad under tsx, and would otherwise be MASTER first, until preempted)
    const b = startDaemon(lab, 'r2', { command: keepalivedCommand, config: { text: nfsConfig('r2', 99, seed().dir('r2')) } });
    const running = [a, b];
    const aIp = lab.node('r1').links[0]!.ipv4;
    const bIp = lab.node('r2').links[0]!.ipv4;
    await whileRunning(running, b.process.waitForLine(/\(VI_NFS\) Entering BACKUP STATE/, LIMIT_MS));
    assert.equal(await whileRunning(running, settledHolder(lab, NFS_VIP, 1)), 'r1');
    assert.ok(a.process.lines.some((l) => /\(VI_NFS\) chk_down succeeded/.test(l.text)));

    const arrival = await lab.watchAddress('r2', NFS_VIP, true, LIMIT_MS);
    writeFileSync(join(aDir, 'down'), '');
    const lowered = await whileRunning(running, adverts.next(from(aIp, NFS_VRID, 80), LIMIT_MS));
    const tookOver = await whileRunning(running, arrival.at);
    const away = judgeTakeover(adverts, { source: aIp, vrid: NFS_VRID, acceptedAtLeast: 99, changedAt: lowered.at, at: tookOver, masterDownS: masterDown(99) });
    t.diagnostic(`keepalived took over ${away.text} after tskad's last advert at 100`);
    assert.ok(away.ok, away.text);
    await lab.waitForAddress('r1', NFS_VIP, false, 5000);
    assert.ok(b.process.lines.some((l) => /\(VI_NFS\) Entering MASTER STATE/.test(l.text)));

    const back = await lab.watchAddress('r1', NFS_VIP, true, LIMIT_MS);
    rmSync(join(aDir, 'down'));
    const raised = await whileRunning(running, a.process.waitForLine(/\(VI_NFS\) Changing effective priority from 80 to 100/, LIMIT_MS));
    const returned = await whileRunning(running, back.at);
    const home = judgeTakeover(adverts, { source: bIp, vrid: NFS_VRID, acceptedAtLeast: 80, changedAt: raised.at, at: returned, masterDownS: masterDown(100) });
    t.diagnostic(`tskad preempted keepalived ${home.text} after keepalived's last advert it accepted`);
    assert.ok(home.ok, home.text);
    await lab.waitForAddress('r2', NFS_VIP, false, 5000);
    const yielded = await whileRunning(running, b.process.waitForLine(/\(VI_NFS\) Master received advert from \S+ with higher priority 100, ours 99/, 5000));
    assert.ok(yielded);
    assert.ok(b.process.lines.some((l) => /chk_down/.test(l.text) && /[Dd]isabling/.test(l.text)), 'keepalived cannot run the seed line and says so');
  });
});
