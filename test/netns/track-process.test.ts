// track_process under tskad, end to end: a pair of routers where r1 tracks
// two real processes by name — a copy of sleep under a name of its own — one
// with weight +20 (r1 90 → 110 against r2's 100) and one with weight 0.
// Stopping the weighted process drops r1 below r2 and the VIP moves;
// starting it again brings it back (preempt). Stopping the unweighted one
// puts r1 in FAULT; starting it ends the FAULT and r1 takes the VIP again.
// Inside a network namespace the kernel offers no process events, so tskad
// polls /proc (every POLL_MS); the detection is timed against that.
// (keepalived 2.2.7 run the same way tracks nothing: its subscription is
// refused, "Failed to set/clear process event listen - errno 111".)
// In the initial network namespace, where the daemon normally runs, the
// kernel's process events connector is used: the last test follows a
// process there (it only listens; no interface is touched).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigText } from '../../src/config/load.js';
import { wallClock } from '../../src/lab/command.js';
import { settledHolder, whileRunning } from '../../src/lab/cluster.js';
import { startDaemon, tskadCommand } from '../../src/lab/daemon.js';
import { TOLERANCE_MS } from '../../src/lab/takeover.js';
import { ProcEvents } from '../../src/net/proc-events.js';
import { processDefinition } from '../../src/notify/track-process.js';
import { POLL_MS, ProcessWatcher, type QuorumChange } from '../../src/notify/track-process-watcher.js';
import { captureLog } from '../unit/notify/log-capture.js';
import { from, useSeedLab } from './seed-lab.js';

const VIP = '192.0.2.30';
const VRID = 54;
const LIMIT_MS = 20_000;
/** comm holds 15 characters: names unique to this run */
const WEIGHTED = `tkpw${process.pid}`.slice(0, 15);
const UNWEIGHTED = `tkpf${process.pid}`.slice(0, 15);

function config(router: string, priority: number, tracked: boolean): string {
  return `global_defs {
    router_id tp-${router}
}
vrrp_track_process weighted {
    process ${WEIGHTED}
    weight 20
}
vrrp_track_process unweighted {
    process ${UNWEIGHTED}
}
vrrp_instance VI_TP {
    state BACKUP
    interface eth0
    virtual_router_id ${VRID}
    priority ${priority}
    advert_int 1
    virtual_ipaddress {
        ${VIP}/24
    }${
      tracked
        ? `
    track_process {
        weighted
        unweighted
    }`
        : ''
    }
}
`;
}

describe('track_process (tskad pair)', () => {
  const seed = useSeedLab();

  test('a tracked process stopping moves the VIP (weight) or faults the master (weight 0); starting it brings the VIP back', { timeout: 120_000 }, async (t) => {
    const { lab, adverts } = seed();
    const dir = seed().dir('r1');
    const program = (name: string) => {
      const path = join(dir, name);
      copyFileSync('/usr/bin/sleep', path);
      return path;
    };
    const weighted = program(WEIGHTED);
    const unweighted = program(UNWEIGHTED);
    const start = (path: string) => lab.spawn('r1', [path, '3600']);

    let w = start(weighted);
    let u = start(unweighted);
    const r1 = startDaemon(lab, 'r1', { command: tskadCommand(), config: { text: config('r1', 90, true) } });
    const r2 = startDaemon(lab, 'r2', { command: tskadCommand(), config: { text: config('r2', 100, false) } });
    const running = [r1, r2];
    const ip1 = lab.node('r1').links[0]!.ipv4;
    await whileRunning(running, adverts.next(from(ip1, VRID, 110), LIMIT_MS));
    assert.equal(await whileRunning(running, settledHolder(lab, VIP, 1)), 'r1');
    assert.ok(r1.process.lines.some((l) => /polling \/proc/.test(l.text)), 'in a network namespace tskad polls /proc');

    // the weighted process stops: 110 -> 90, below r2's 100
    const away = await lab.watchAddress('r2', VIP, true, LIMIT_MS);
    const stopped = wallClock();
    w.signal('SIGTERM');
    const lowered = await whileRunning(running, adverts.next(from(ip1, VRID, 90), LIMIT_MS));
    await whileRunning(running, away.at);
    t.diagnostic(`weighted process stopped: r1 advertised 90 after ${(lowered.at - stopped).toFixed(0)} ms`);
    assert.ok(lowered.at - stopped <= POLL_MS + 1000 + TOLERANCE_MS.late, 'seen within a poll, advertised at the next advert');
    const lost = await r1.process.waitForLine(/\(VI_TP\) tracked process weighted quorum lost/, 1000);
    assert.match(lost.text, /\(0 running\): effective priority 110 -> 90(;|$)/);
    assert.ok(r1.process.lines.some((l) => l.text.includes('Quorum lost for tracked process weighted')));

    // it starts again: back to 110, r1 preempts
    const back = await lab.watchAddress('r1', VIP, true, LIMIT_MS);
    w = start(weighted);
    await whileRunning(running, back.at);
    await r1.process.waitForLine(/\(VI_TP\) tracked process weighted quorum gained \(1 running\): effective priority 90 -> 110/, 1000);

    // the unweighted process stops: FAULT, the VIP goes to r2
    const faulted = await lab.watchAddress('r2', VIP, true, LIMIT_MS);
    u.signal('SIGTERM');
    await whileRunning(running, r1.process.waitForLine(/\(VI_TP\) Entering FAULT STATE/, LIMIT_MS));
    await whileRunning(running, faulted.at);
    assert.ok(r1.process.lines.some((l) => l.text.includes('(VI_TP) tracked process unweighted quorum lost (0 running): FAULT while it lasts')));

    const home = await lab.watchAddress('r1', VIP, true, LIMIT_MS);
    u = start(unweighted);
    await whileRunning(running, r1.process.waitForLine(/Quorum gained for tracked process unweighted/, LIMIT_MS));
    await whileRunning(running, home.at);
    w.signal('SIGTERM');
    u.signal('SIGTERM');
  });
});

describe('track_process with the kernel\'s process events (the initial network namespace)', () => {
  test('a process starting and exiting is seen at once, without polling', { timeout: 20_000 }, async (t) => {
    const probe = await ProcEvents.open().catch((e: Error) => {
      throw new Error(`the kernel's process events connector is not available (${e.message}): run this test as root in the initial network namespace, on a kernel with CONFIG_PROC_EVENTS`);
    });
    probe.close();
    const dir = mkdtempSync(join(tmpdir(), 'tskad-proc-events-'));
    const name = `tkpe${process.pid}`.slice(0, 15);
    const path = join(dir, name);
    copyFileSync('/usr/bin/sleep', path);
    const def = processDefinition(loadConfigText(`vrrp_track_process p {\n    process ${name}\n}\n`).config.vrrpTrackProcess[0]!)!;
    const { log, lines } = captureLog();
    const watcher = new ProcessWatcher([def], { log });
    const child = spawn(path, ['3600'], { stdio: 'ignore' });
    try {
      watcher.start();
      // the subscription is asynchronous; the rescan after it catches a process started meanwhile
      const startedAt = performance.now();
      const up = (await once(watcher, 'change')) as [QuorumChange];
      assert.deepEqual(up[0], { name: 'p', up: true, count: 1 });
      t.diagnostic(`started: seen after ${(performance.now() - startedAt).toFixed(1)} ms`);
      const killedAt = performance.now();
      child.kill('SIGTERM');
      const down = (await once(watcher, 'change')) as [QuorumChange];
      const ms = performance.now() - killedAt;
      t.diagnostic(`exited: seen after ${ms.toFixed(1)} ms`);
      assert.deepEqual(down[0], { name: 'p', up: false, count: 0 });
      assert.ok(ms < POLL_MS / 2, `an exit event, not a poll (${ms.toFixed(1)} ms)`);
      assert.ok(!lines.some((l) => l.includes('polling')), lines.join('\n'));
    } finally {
      watcher.close();
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
