// The seed's nginx pair under tskad, end to end: both proxies track a real
// process with the seed's exact check, `/usr/bin/killall -0 nginx` (interval
// 1, weight -10, fall 2, rise 2; priorities 100 and 95). Each tskad runs in
// a PID namespace of its own, as each proxy is a machine of its own, with
// a process named nginx beside it; killall sees only its own. Killing
// proxy A's nginx drops A to 90 after two failed checks, and B takes over;
// starting it again gives A its 100 back after two good ones, and A preempts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { wallClock } from '../../src/lab/command.js';
import { settledHolder, whileRunning } from '../../src/lab/cluster.js';
import { TOLERANCE_MS } from '../../src/lab/takeover.js';
import { startDaemon, tskadCommand, type Daemon, type DaemonCommand } from '../../src/lab/daemon.js';
import { from, judgeTakeover, useSeedLab } from './seed-lab.js';

const VIP = '192.0.2.20';
const VRID = 53;
const FALL = 2;
const RISE = 2;
const LIMIT_MS = 20_000;

function nginxConfig(router: string, priority: number): string {
  return `global_defs {
    router_id nginx-${router}
    script_user root
    enable_script_security
}
vrrp_script chk_nginx {
    script "/usr/bin/killall -0 nginx"
    interval 1
    weight -10
    fall ${FALL}
    rise ${RISE}
}
vrrp_instance VI_NGINX {
    state ${priority === 100 ? 'MASTER' : 'BACKUP'}
    interface eth0
    virtual_router_id ${VRID}
    priority ${priority}
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass nginx-ha
    }
    virtual_ipaddress {
        ${VIP}/24
    }
    track_script {
        chk_nginx
    }
}
`;
}

/** The daemon as PID 1 of a PID namespace with its own /proc; SIGTERM to unshare reaches it. */
const inOwnPidNamespace =
  (command: DaemonCommand): DaemonCommand =>
  (files) => ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child=SIGTERM', ...command(files)];

/** The daemon's PID as the host sees it: unshare's child. */
async function daemonPid(d: Daemon): Promise<number> {
  const end = Date.now() + 5000;
  for (;;) {
    const children = readFileSync(`/proc/${d.process.pid}/task/${d.process.pid}/children`, 'utf8').trim();
    if (children) return Number(children.split(' ')[0]);
    if (Date.now() > end) throw new Error(`${d.router}: unshare started no daemon`);
    await sleep(20);
  }
}

describe('the seed nginx pair (tskad on both proxies)', () => {
  const seed = useSeedLab({ unshare: 'util-linux', nsenter: 'util-linux', killall: 'psmisc' });

  test('killing the master\'s nginx moves the VIP after fall checks; starting it again brings it back after rise checks', { timeout: 90_000 }, async (t) => {
    const { lab, adverts } = seed();
    const proxy = (name: string, priority: number) => {
      // a program whose process name is nginx: what killall looks for
      const nginx = join(seed().dir(name), 'nginx');
      copyFileSync('/usr/bin/sleep', nginx);
      const daemon = startDaemon(lab, name, { command: inOwnPidNamespace(tskadCommand()), config: { text: nginxConfig(name, priority) } });
      return { name, nginx, daemon, ip: lab.node(name).links[0]!.ipv4 };
    };
    const inside = async (p: Proxy, argv: string[]) => ['nsenter', '-t', String(await daemonPid(p.daemon)), '-p', '-m', '--', ...argv];
    const startNginx = async (p: Proxy) => void lab.spawn(p.name, await inside(p, [p.nginx, '3600']));
    type Proxy = ReturnType<typeof proxy>;
    const a = proxy('r1', 100);
    await startNginx(a);
    await whileRunning([a.daemon], lab.waitForAddress('r1', VIP, true, LIMIT_MS));
    // B joins a settled A, so the first election cannot go to B for starting sooner
    const b = proxy('r2', 95);
    const running = [a.daemon, b.daemon];
    await startNginx(b);
    for (const p of [a, b]) await whileRunning(running, p.daemon.process.waitForLine(/\(VI_NGINX\) chk_nginx succeeded/, LIMIT_MS));
    assert.equal(await whileRunning(running, settledHolder(lab, VIP, 1)), 'r1');
    const masterDown = (priority: number) => 3 + (256 - priority) / 256;

    const arrival = await lab.watchAddress('r2', VIP, true, LIMIT_MS);
    const killed = wallClock();
    await lab.exec(a.name, await inside(a, ['killall', 'nginx']));
    const lowered = await whileRunning(running, adverts.next(from(a.ip, VRID, 90), LIMIT_MS));
    const tookOver = await whileRunning(running, arrival.at);
    const away = judgeTakeover(adverts, { source: a.ip, vrid: VRID, acceptedAtLeast: 95, changedAt: lowered.at, at: tookOver, masterDownS: masterDown(95) });
    t.diagnostic(`nginx killed: A advertised 90 after ${(lowered.at - killed).toFixed(0)} ms (fall ${FALL}); B took over ${away.text} after A's last advert at 100`);
    assert.ok(lowered.at - killed <= FALL * 1000 + TOLERANCE_MS.late, 'the drop comes with the second failed check');
    assert.ok(lowered.at - killed >= (FALL - 1) * 1000, 'one failed check is not enough');
    assert.ok(away.ok, away.text);
    await lab.waitForAddress('r1', VIP, false, 5000);
    assert.ok(a.daemon.process.lines.some((l) => /\(VI_NGINX\) chk_nginx failed: effective priority 100 -> 90 \(weight -10\)/.test(l.text)));

    const back = await lab.watchAddress('r1', VIP, true, LIMIT_MS);
    const restarted = wallClock();
    await startNginx(a);
    const raised = await whileRunning(running, a.daemon.process.waitForLine(/\(VI_NGINX\) Changing effective priority from 90 to 100/, LIMIT_MS));
    const returned = await whileRunning(running, back.at);
    const home = judgeTakeover(adverts, { source: b.ip, vrid: VRID, acceptedAtLeast: 90, changedAt: raised.at, at: returned, masterDownS: masterDown(100) });
    t.diagnostic(`nginx started again: A back at 100 after ${(raised.at - restarted).toFixed(0)} ms (rise ${RISE}); A preempted ${home.text}`);
    assert.ok(raised.at - restarted <= RISE * 1000 + TOLERANCE_MS.late);
    assert.ok(home.ok, home.text);
    assert.match(a.daemon.process.lines.find((l) => /chk_nginx succeeded: effective priority 90 -> 100/.test(l.text))?.text ?? '', /the peer advertises 95, now above it/);
  });
});
