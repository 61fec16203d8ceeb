// Script security and timeouts under tskad, end to end. With
// enable_script_security and scripts run as root, a script in a directory
// anyone can write to is refused — by `-t` and by the daemon, both naming
// the directory and the command that fixes it — and never runs; a refused
// tracked script is dropped from its instance, as keepalived drops it, so
// the instance is not held in FAULT by it. `tskad -t` exits as keepalived
// -t does on the same file. A check that outlives its timeout is killed
// with everything it started, even a child that ignores SIGTERM: the whole
// process group goes, and the run counts as a failure.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { whileRunning } from '../../src/lab/cluster.js';
import { startDaemon, TSKAD_MAIN, tskadCommand } from '../../src/lab/daemon.js';
import { finished } from '../../src/lab/process.js';
import { useSeedLab } from './seed-lab.js';

const LIMIT_MS = 15_000;

function config(safe: string, open: string): string {
  return `global_defs {
    router_id security-a
    script_user root
    enable_script_security
}
vrrp_script chk_open {
    script ${open}/chk.sh
    interval 1
    weight 0
}
vrrp_script chk_slow {
    script ${safe}/slow.sh
    interval 2
    timeout 1
    weight -10
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
        chk_open
        chk_slow
    }
    notify_master ${open}/notify.sh
    notify_backup ${safe}/ran.sh
}
`;
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);

describe('script security and timeouts (tskad)', () => {
  const seed = useSeedLab({ keepalived: 'keepalived' });

  test('an insecure script is refused with the path named, at -t and at run time; a timeout kills the whole process group', { timeout: 60_000 }, async (t) => {
    const { lab } = seed();
    const safe = seed().dir('r1');
    const open = join(safe, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const script = (path: string, body: string) => writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    script(join(open, 'chk.sh'), 'exit 0');
    script(join(open, 'notify.sh'), `touch ${safe}/insecure-ran`);
    script(join(safe, 'ran.sh'), `touch ${safe}/backup-ran`);
    // the leader records itself and a child that ignores SIGTERM, then waits for it
    script(join(safe, 'slow.sh'), `(trap '' TERM; exec sleep 30) &\necho $! >> ${safe}/children\necho $$ >> ${safe}/leaders\nwait`);
    const conf = join(safe, 'keepalived.conf');
    writeFileSync(conf, config(safe, open));
    const fix = `chmod o-w ${open}`;

    const ns = lab.node('r1').ns;
    const loader = TSKAD_MAIN.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
    const tskadT = spawnSync('ip', ['netns', 'exec', ns, process.execPath, ...loader, TSKAD_MAIN, '-t', '-f', conf], { encoding: 'utf8' });
    const keepalivedT = spawnSync('ip', ['netns', 'exec', ns, 'keepalived', '-t', '-f', conf], { encoding: 'utf8' });
    t.diagnostic(`-t: tskad exits ${tskadT.status}, keepalived ${keepalivedT.status}`);
    assert.equal(tskadT.status, keepalivedT.status, `tskad -t exits as keepalived -t does:\n${tskadT.stderr}`);
    for (const what of ['chk.sh', 'notify.sh']) {
      assert.match(tskadT.stderr, new RegExp(`${open}/${what} runs as root, but ${open} is writable by everyone \\(mode 0777\\); tskad will not run it`));
    }
    assert.ok(tskadT.stderr.includes(fix), `-t says how to fix it:\n${tskadT.stderr}`);

    const d = startDaemon(lab, 'r1', { command: tskadCommand(), config: { file: conf } });
    await whileRunning([d], d.process.waitForLine(/Disabling track script chk_open$/, LIMIT_MS));
    const refusal = (what: string) => d.process.lines.find((l) => l.text.includes(`${what}: `))?.text.split(`${what}: `)[1];
    assert.equal(refusal('notify_master of VI_1'), `${open}/notify.sh runs as root, but ${open} is writable by everyone (mode 0777); tskad will not run it (fix: ${fix})`);
    assert.equal(refusal('VRRP_Script(chk_open)'), `${open}/chk.sh runs as root, but ${open} is writable by everyone (mode 0777); tskad will not run it (fix: ${fix})`);

    // chk_open no longer counts: VI_1 is not held in FAULT and becomes MASTER (alone, at 90 once chk_slow failed)
    await whileRunning([d], lab.waitForAddress('r1', '192.0.2.200', true, LIMIT_MS));
    await whileRunning([d], d.process.waitForLine(/VRRP_Script\(chk_slow\) timed_out/, LIMIT_MS));
    assert.ok(d.process.lines.some((l) => /\(VI_1\) chk_slow failed: effective priority 100 -> 90 \(weight -10\)/.test(l.text)), 'a timeout counts as a failure');
    await sleep(200);
    const [leader] = lines(join(safe, 'leaders')).map(Number);
    const [child] = lines(join(safe, 'children')).map(Number);
    assert.ok(leader && child, 'the slow check ran and started its child');
    assert.ok(finished(leader), `the timed-out leader ${leader} is gone`);
    assert.ok(finished(child), `its child ${child}, which ignores SIGTERM, is gone too`);
    await d.stop('SIGTERM');
    assert.ok(!existsSync(join(safe, 'insecure-ran')), 'the refused notify_master never ran');
    assert.ok(existsSync(join(safe, 'backup-ran')), 'the secure notify_backup did');
  });
});
