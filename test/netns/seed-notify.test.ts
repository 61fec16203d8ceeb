// Notifications under tskad, end to end. Router A runs VI_1 (all the notify
// scripts, an unweighted check script, smtp_alert) and VI_2 in sync group
// G1 (the group's notify scripts); router B is the peer at priority 90. A
// goes through startup (VI_1 silent in FAULT until its script answers),
// MASTER, FAULT (the check fails), BACKUP and MASTER again, hears a lower
// priority after a split (B, cut off, became MASTER too), and stops. Then:
//  - every transition ran exactly the scripts keepalived 2.2.7 runs, each
//    once, with its exact arguments (the configured command verbatim; the
//    generic notify with TYPE NAME STATE PRIORITY appended), the specific
//    script before the generic one;
//  - notify_fifo received the lines in order, group lines where keepalived
//    puts them; the vrrp_notify_fifo_script reader got the same lines up to
//    shutdown, when it is stopped, as keepalived stops it;
//  - the SMTP relay (Debian's aiosmtpd, in A's namespace) received one mail
//    per state change with keepalived's subject.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { whileRunning } from '../../src/lab/cluster.js';
import { startDaemon, tskadCommand, type Daemon } from '../../src/lab/daemon.js';
import type { LabProcess } from '../../src/lab/process.js';
import { useSeedLab } from './seed-lab.js';
import { PYTHON, RECORDER, requireAiosmtpd } from '../helpers/smtp-recorder.js';

const SMTP_PORT = 2525;
const LIMIT_MS = 20_000;

function routerA(dir: string, smtp: string): string {
  const rec = (tag: string) => `"${dir}/rec.sh ${tag}"`;
  return `global_defs {
    router_id notify-a
    script_user root
    enable_script_security
    notify_fifo ${dir}/all.fifo
    vrrp_notify_fifo ${dir}/vrrp.fifo
    vrrp_notify_fifo_script ${dir}/reader.sh
    notification_email {
        ops@example.org
    }
    notification_email_from tskad@example.org
    smtp_server ${smtp} ${SMTP_PORT}
    smtp_connect_timeout 5
}
vrrp_script chk {
    script ${dir}/chk.sh
    interval 1
    weight 0
}
vrrp_sync_group G1 {
    group {
        VI_2
    }
    notify_master ${rec('G-master')}
    notify_backup ${rec('G-backup')}
    notify_fault ${rec('G-fault')}
    notify_stop ${rec('G-stop')}
    notify ${rec('G-generic')}
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.200/24
    }
    track_script {
        chk
    }
    notify_master ${rec('I1-master')}
    notify_backup ${rec('I1-backup')}
    notify_fault ${rec('I1-fault')}
    notify_stop ${rec('I1-stop')}
    notify ${rec('I1-generic')}
    notify_master_rx_lower_pri ${rec('I1-rxlower')}
    smtp_alert
}
vrrp_instance VI_2 {
    interface eth0
    virtual_router_id 52
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.201/24
    }
    notify ${rec('I2-generic')}
}
`;
}

/** B answers a higher priority with one last advert before yielding, so A surely hears the lower one after the split. */
const routerB = `global_defs {
    router_id notify-b
}
${[51, 52]
  .map(
    (vrid) => `vrrp_instance VI_${vrid - 50} {
    interface eth0
    virtual_router_id ${vrid}
    priority 90
    advert_int 1
    higher_prio_send_advert
    virtual_ipaddress {
        192.0.2.${vrid + 149}/24
    }
}`,
  )
  .join('\n')}
`;

/** The arguments each FIFO line's transition runs scripts with, as keepalived 2.2.7 runs them (§3.3 of the inventory). */
function scriptsFor(line: string): string[] {
  const m = /^(INSTANCE|GROUP) "(\w+)" (\w+) (\d+)$/.exec(line);
  if (!m) throw new Error(`not a VRRP FIFO line: ${line}`);
  const [, type, name, state, priority] = m;
  const tag = { VI_1: 'I1', VI_2: 'I2', G1: 'G' }[name!]!;
  if (state === 'MASTER_RX_LOWER_PRI') return name === 'VI_1' ? ['I1-rxlower'] : [];
  const specific = name === 'VI_2' ? [] : [`${tag}-${state!.toLowerCase()}`];
  return [...specific, `${tag}-generic ${type} ${name} ${state} ${priority}`];
}

/** Consecutive repeats once: a split can make the master hear the lower priority more than once. */
const collapse = (xs: readonly string[]): string[] => xs.filter((x, i) => x !== xs[i - 1]);

describe('notify scripts, FIFOs and mail (tskad)', () => {
  const seed = useSeedLab({ mkfifo: 'coreutils' });

  test('each transition runs the right scripts once with keepalived\'s arguments; the FIFOs get the lines in order; the relay gets the mails', { timeout: 120_000 }, async (t) => {
    requireAiosmtpd();
    const { lab } = seed();
    const dir = seed().dir('r1');
    const calls = join(dir, 'calls');
    const readerLog = join(dir, 'reader.log');
    const mails = join(dir, 'mails.jsonl');
    const fail = join(dir, 'fail');
    writeFileSync(join(dir, 'rec.sh'), `#!/bin/sh\necho "$$ $*" >> ${calls}\n`);
    writeFileSync(join(dir, 'chk.sh'), `#!/bin/sh\n[ ! -e ${fail} ]\n`);
    writeFileSync(join(dir, 'reader.sh'), `#!/bin/sh\nwhile read -r l; do echo "$l" >> ${readerLog}; done < "$1"\n`);
    for (const f of ['rec.sh', 'chk.sh', 'reader.sh']) chmodSync(join(dir, f), 0o755);
    writeFileSync(join(dir, 'recorder.py'), RECORDER);

    const smtp = lab.node('r1').links[0]!.ipv4;
    lab.spawn('r1', ['env', `PYTHONPATH=${dir}`, PYTHON, '-m', 'aiosmtpd', '-n', '-l', `${smtp}:${SMTP_PORT}`, '-c', 'recorder.Recorder', mails]);
    for (let end = Date.now() + 10_000; ; await sleep(50)) {
      if (spawnSync('ip', ['netns', 'exec', lab.node('r1').ns, 'bash', '-c', `exec 3<>/dev/tcp/${smtp}/${SMTP_PORT}`]).status === 0) break;
      if (Date.now() > end) throw new Error('aiosmtpd did not start');
    }
    // the FIFO made beforehand, so its reader can be there from the first line on; tskad opens it as it finds it
    spawnSync('mkfifo', [join(dir, 'all.fifo')]);
    const fifo: LabProcess = lab.spawn('r1', ['cat', join(dir, 'all.fifo')]);
    const fifoLines = () => fifo.lines.map((l) => l.text);
    const waitLine = (d: Daemon[], line: string, count = 1) =>
      whileRunning(
        d,
        (async () => {
          for (let end = Date.now() + LIMIT_MS; fifoLines().filter((l) => l === line).length < count; await sleep(20)) {
            if (Date.now() > end) throw new Error(`no ${line} on the FIFO; it has: ${fifoLines().join(' | ')}`);
          }
        })(),
      );

    const a = startDaemon(lab, 'r1', { command: tskadCommand(), config: { text: routerA(dir, smtp) } });
    await waitLine([a], 'INSTANCE "VI_1" MASTER 100');
    await waitLine([a], 'GROUP "G1" MASTER 0');
    // B joins a settled A: started together, both could be MASTER for a moment, and A would hear B's 90 then
    const b = startDaemon(lab, 'r2', { command: tskadCommand(), config: { text: routerB } });
    const both = [a, b];
    for (const i of ['VI_1', 'VI_2']) await whileRunning(both, b.process.waitForLine(new RegExp(`\\(${i}\\) Entering BACKUP STATE`), LIMIT_MS));
    writeFileSync(fail, '');
    await waitLine(both, 'INSTANCE "VI_1" FAULT 100');
    rmSync(fail);
    await waitLine(both, 'INSTANCE "VI_1" MASTER 100', 2);
    // a split: B, alone, becomes MASTER of both; back on the wire, A hears its 90 (as it may have when it preempted B just now)
    const heard = (i: string) => fifoLines().filter((l) => l === `INSTANCE "${i}" MASTER_RX_LOWER_PRI 100`).length;
    const before = { VI_1: heard('VI_1'), VI_2: heard('VI_2') };
    await lab.cut('r2');
    await whileRunning(both, lab.waitForAddress('r2', '192.0.2.201', true, LIMIT_MS));
    await lab.rejoin('r2');
    for (const i of ['VI_1', 'VI_2'] as const) await waitLine(both, `INSTANCE "${i}" MASTER_RX_LOWER_PRI 100`, before[i] + 1);
    await a.stop('SIGTERM');
    await fifo.exited;

    const lines = fifoLines();
    t.diagnostic(`notify_fifo: ${lines.join(' | ')}`);
    const of = (subject: string) => collapse(lines.filter((l) => l.includes(`"${subject}"`)).map((l) => l.split(' ').slice(2).join(' ')));
    // VI_1 waits in FAULT, unreported, until chk answers; then BACKUP is its first report
    assert.deepEqual(of('VI_1'), ['BACKUP 100', 'MASTER 100', 'FAULT 100', 'BACKUP 100', 'MASTER 100', 'MASTER_RX_LOWER_PRI 100', 'STOP 100']);
    assert.ok(a.process.lines.some((l) => l.text.endsWith('(VI_1) Entering FAULT STATE (init)')));
    assert.deepEqual(of('VI_2'), ['BACKUP 100', 'MASTER 100', 'MASTER_RX_LOWER_PRI 100', 'STOP 100']);
    assert.deepEqual(of('G1'), ['BACKUP 0', 'MASTER 0', 'STOP 0']);
    const at = (line: string) => lines.indexOf(line);
    assert.ok(at('GROUP "G1" BACKUP 0') < at('INSTANCE "VI_2" BACKUP 100'), 'a group reports its startup state before its instances');
    assert.ok(at('INSTANCE "VI_2" MASTER 100') < at('GROUP "G1" MASTER 0'), 'the member that changed, then its group');
    assert.deepEqual(lines.slice(-3), ['INSTANCE "VI_1" STOP 100', 'INSTANCE "VI_2" STOP 100', 'GROUP "G1" STOP 0'], 'STOP: the instances, then the groups');

    // the reader keepalived-style: started with the FIFO, stopped at shutdown, so it saw everything before STOP
    const read = existsSync(readerLog) ? readFileSync(readerLog, 'utf8').trim().split('\n') : [];
    assert.ok(read.length >= lines.length - 3 && read.length <= lines.length, `the reader got ${read.length} of ${lines.length} lines`);
    assert.deepEqual(read, lines.slice(0, read.length));

    const recorded = readFileSync(calls, 'utf8').trim().split('\n').map((l) => ({ pid: Number(l.split(' ')[0]), args: l.slice(l.indexOf(' ') + 1) }));
    const expected = lines.flatMap(scriptsFor);
    assert.deepEqual(recorded.map((r) => r.args).sort(), [...expected].sort(), 'every script once, with its exact arguments');
    for (const line of lines) {
      const [specific, generic] = scriptsFor(line);
      if (!specific || !generic) continue;
      const pids = (args: string) => recorded.filter((r) => r.args === args).map((r) => r.pid);
      assert.ok(Math.min(...pids(specific)) < Math.max(...pids(generic)), `${specific} starts before ${generic}`);
    }

    const subjects = (existsSync(mails) ? readFileSync(mails, 'utf8').trim().split('\n') : []).map((l) => /^Subject: (.*)$/m.exec((JSON.parse(l) as { data: string }).data)?.[1]);
    const states = ['BACKUP', 'MASTER', 'FAULT', 'BACKUP', 'MASTER'].map((s) => `[notify-a] VRRP Instance VI_1 - Entering ${s} state`);
    assert.deepEqual(subjects, [...states, '[notify-a] VRRP Instance VI_1 - Stopping'], 'one mail per state change of VI_1, STOP included');
    await b.stop('SIGTERM');
  });
});
