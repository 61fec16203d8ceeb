// The seed's NFS pair under tskad, end to end: node A (priority 100) and
// node B (99) both track the maintenance check `[[ -f …/down ]] && exit 1
// || exit 0` (interval 1, weight -20, run through bash). Creating the
// `down` file on A drops it to 80: it says so on the wire at once, and B
// takes over one Master_Down_Interval after the last advert it accepted —
// within interval × fall + Master_Down_Interval of the file appearing.
// Removing it gives A its 100 back and A preempts. Each change is logged
// with the effective priority before and after.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { wallClock } from '../../src/lab/command.js';
import { settledHolder, whileRunning } from '../../src/lab/cluster.js';
import { TOLERANCE_MS } from '../../src/lab/takeover.js';
import { startDaemon, tskadCommand } from '../../src/lab/daemon.js';
import { from, judgeTakeover, NFS_VIP, NFS_VRID, nfsConfig, useSeedLab } from './seed-lab.js';

const INTERVAL_S = 1;
const FALL = 1;
const LIMIT_MS = 15_000;

describe('the seed NFS pair (tskad on both nodes)', () => {
  const seed = useSeedLab();

  test('the down file hands the VIP to node B within interval × fall + Master_Down_Interval; removing it hands it back', { timeout: 90_000 }, async (t) => {
    const { lab, adverts } = seed();
    const node = (name: string) => ({ name, dir: seed().dir(name), ip: lab.node(name).links[0]!.ipv4 });
    const a = node('r1');
    const b = node('r2');
    const start = (r: typeof a, priority: number) => startDaemon(lab, r.name, { command: tskadCommand(), config: { text: nfsConfig(r.name, priority, r.dir) } });
    const nodeA = start(a, 100);
    await whileRunning([nodeA], lab.waitForAddress('r1', NFS_VIP, true, LIMIT_MS));
    // B joins a settled A: started together, B could win the first election by starting a few ms sooner, until A preempts it
    const nodeB = start(b, 99);
    const running = [nodeA, nodeB];
    await whileRunning(running, nodeB.process.waitForLine(/\(VI_NFS\) Entering BACKUP STATE/, LIMIT_MS));
    assert.equal(await whileRunning(running, settledHolder(lab, NFS_VIP, INTERVAL_S)), 'r1');
    assert.ok(nodeA.process.lines.some((l) => /\(VI_NFS\) chk_down succeeded/.test(l.text)));
    // RFC 3768 §6.1 (VRRPv2): 3 × Advertisement_Interval + (256 − Priority) / 256 s
    const masterDown = (priority: number) => 3 * INTERVAL_S + (256 - priority) / 256;

    // maintenance: the file appears on node A
    const arrival = await lab.watchAddress('r2', NFS_VIP, true, LIMIT_MS);
    const created = wallClock();
    writeFileSync(join(a.dir, 'down'), '');
    const lowered = await whileRunning(running, adverts.next(from(a.ip, NFS_VRID, 80), LIMIT_MS));
    const tookOver = await whileRunning(running, arrival.at);
    await lab.waitForAddress('r1', NFS_VIP, false, 5000);
    const noticed = lowered.at - created;
    assert.ok(noticed <= INTERVAL_S * FALL * 1000 + TOLERANCE_MS.late, `node A advertised 80 ${noticed.toFixed(0)} ms after the file appeared`);
    const away = judgeTakeover(adverts, { source: a.ip, vrid: NFS_VRID, acceptedAtLeast: 99, changedAt: lowered.at, at: tookOver, masterDownS: masterDown(99) });
    const bound = (INTERVAL_S * FALL + masterDown(99)) * 1000;
    t.diagnostic(`down file: A advertised 80 after ${noticed.toFixed(0)} ms; B took over ${away.text} after A's last advert at 100; ${(tookOver - created).toFixed(0)} ms after the file appeared (bound ${bound.toFixed(0)} ms)`);
    assert.ok(away.ok, away.text);
    assert.ok(tookOver - created <= bound + TOLERANCE_MS.late, `${(tookOver - created).toFixed(0)} ms > ${bound.toFixed(0)} ms`);
    const lowerLine = await nodeA.process.waitForLine(/\(VI_NFS\) chk_down failed/, 1000);
    assert.match(lowerLine.text, /\(VI_NFS\) chk_down failed: effective priority 100 -> 80 \(weight -20\)/);
    assert.ok(nodeA.process.lines.some((l) => /\(VI_NFS\) Changing effective priority from 100 to 80/.test(l.text)), "keepalived's own line too");

    // end of maintenance: the file goes, node A preempts
    const back = await lab.watchAddress('r1', NFS_VIP, true, LIMIT_MS);
    const removed = wallClock();
    rmSync(join(a.dir, 'down'));
    const raised = await whileRunning(running, nodeA.process.waitForLine(/\(VI_NFS\) Changing effective priority from 80 to 100/, LIMIT_MS));
    const returned = await whileRunning(running, back.at);
    await lab.waitForAddress('r2', NFS_VIP, false, 5000);
    const home = judgeTakeover(adverts, { source: b.ip, vrid: NFS_VRID, acceptedAtLeast: 80, changedAt: raised.at, at: returned, masterDownS: masterDown(100) });
    t.diagnostic(`file removed: A's priority back after ${(raised.at - removed).toFixed(0)} ms; A preempted ${home.text} after B's last advert it accepted; ${(returned - removed).toFixed(0)} ms after removal`);
    assert.ok(home.ok, home.text);
    assert.ok(returned - removed <= (INTERVAL_S * FALL + masterDown(100)) * 1000 + TOLERANCE_MS.late);
    const upLine = nodeA.process.lines.find((l) => /\(VI_NFS\) chk_down succeeded: effective priority 80 -> 100/.test(l.text));
    assert.ok(upLine, 'the recovery is logged with the priority before and after');
    assert.match(upLine.text, /the peer advertises 99, now above it/);
  });
});
