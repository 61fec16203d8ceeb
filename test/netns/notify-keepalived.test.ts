// notify.ts against the real thing: keepalived 2.2.7 runs in a namespace
// with recording notify scripts and a FIFO reader, goes BACKUP → MASTER →
// FAULT (an unweighted track script fails) → BACKUP → MASTER, hears a
// lower-priority advert (injected from a second namespace), and stops. Every
// script run it made must be one that planNotify / planRxLowerPriority plan
// for the transitions its FIFO reported, with the same arguments, each once,
// the specific script before the generic one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { classifyScript, splitScriptWords } from '../../src/config/script.js';
import type { Script } from '../../src/config/schema/common.js';
import { planNotify, planRxLowerPriority, type NotifyAction, type NotifyState, type NotifySubject } from '../../src/notify/notify.js';
import { requireLab } from './veth-pair.js';

const A = `tskad-notify-${process.pid}-a`;
const B = `tskad-notify-${process.pid}-b`;
let dir: string;
let keepalived: ChildProcess | undefined;

function sh(cmd: string, args: readonly string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.trim()}`);
}

const script = (command: string): Script => ({ command, runner: classifyScript(command).runner });

before(() => {
  requireLab(['keepalived', 'python3']);
  dir = mkdtempSync(join(tmpdir(), 'tskad-notify-'));
  sh('ip', ['netns', 'add', A]);
  sh('ip', ['netns', 'add', B]);
  sh('ip', ['-n', A, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', B]);
  for (const ns of [A, B]) {
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    sh('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
  }
  sh('ip', ['-n', A, 'addr', 'add', '192.0.2.1/24', 'dev', 'eth0']);
  sh('ip', ['-n', B, 'addr', 'add', '192.0.2.2/24', 'dev', 'eth0']);
});

after(async () => {
  if (keepalived?.exitCode === null) {
    keepalived.kill('SIGKILL');
    await new Promise((r) => keepalived!.once('exit', r));
  }
  for (const ns of [A, B]) spawnSync('ip', ['netns', 'del', ns]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A VRRPv2 advert for VRID 51 at priority 50 (RFC 3768 §5.3), sent from B. */
const INJECT = `
import socket, struct
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
body = struct.pack('!BBBBBBH', 0x21, 51, 50, 1, 0, 1, 0) + socket.inet_aton('192.0.2.100') + bytes(8)
body = body[:6] + struct.pack('!H', csum(body)) + body[8:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('192.0.2.2'))
s.sendto(body, ('224.0.0.18', 0))
`;

test('keepalived 2.2.7 runs exactly the scripts notify.ts plans, with the same arguments', { timeout: 60_000 }, async () => {
  const rec = join(dir, 'rec.sh');
  const calls = join(dir, 'calls');
  const fifoLog = join(dir, 'fifo.log');
  const failFile = join(dir, 'fail');
  writeFileSync(rec, `#!/bin/sh\necho "$$ $*" >> ${calls}\n`);
  writeFileSync(join(dir, 'reader.sh'), `#!/bin/sh\nwhile read -r l; do echo "$l" >> ${fifoLog}; done < "$1"\n`);
  writeFileSync(join(dir, 'chk.sh'), `#!/bin/sh\n[ ! -e ${failFile} ]\n`);
  for (const f of ['rec.sh', 'reader.sh', 'chk.sh']) chmodSync(join(dir, f), 0o755);

  const i1: NotifySubject = {
    type: 'INSTANCE',
    name: 'VI_1',
    smtpAlert: false,
    config: {
      notifyMaster: script(`${rec} I1-master`),
      notifyBackup: script(`${rec} I1-backup`),
      notifyFault: script(`${rec} I1-fault`),
      notifyStop: script(`${rec} I1-stop`),
      notify: script(`${rec} I1-generic`),
      notifyMasterRxLowerPri: script(`${rec} I1-rxlower`),
    },
  };
  const i2: NotifySubject = { type: 'INSTANCE', name: 'VI_2', smtpAlert: false, config: { notifyMaster: script(`${rec} I2-master`), notify: script(`${rec} I2-generic`) } };
  const g1: NotifySubject = {
    type: 'GROUP',
    name: 'G1',
    smtpAlert: false,
    config: { notifyMaster: script(`${rec} G-master`), notifyBackup: script(`${rec} G-backup`), notifyStop: script(`${rec} G-stop`), notify: script(`${rec} G-generic`) },
  };
  const notifyLines = (s: NotifySubject) =>
    Object.entries({ notify_master: s.config.notifyMaster, notify_backup: s.config.notifyBackup, notify_fault: s.config.notifyFault, notify_stop: s.config.notifyStop, notify: s.config.notify, notify_master_rx_lower_pri: s.config.notifyMasterRxLowerPri })
      .filter(([, v]) => v)
      .map(([k, v]) => `  ${k} "${v!.command}"`)
      .join('\n');
  const conf = join(dir, 'keepalived.conf');
  writeFileSync(
    conf,
    `global_defs {
  router_id tskad-notify-test
  vrrp_notify_fifo ${join(dir, 'vrrp.fifo')}
  vrrp_notify_fifo_script ${join(dir, 'reader.sh')}
}
vrrp_script chk {
  script ${join(dir, 'chk.sh')}
  interval 1
  weight 0
}
vrrp_script plus {
  script /bin/true
  interval 1
  weight 7
}
vrrp_sync_group G1 {
  group {
    VI_2
  }
${notifyLines(g1)}
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/24
  }
  track_script {
    chk
    plus
  }
${notifyLines(i1)}
}
vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 52
  priority 90
  advert_int 1
  virtual_ipaddress {
    192.0.2.101/24
  }
${notifyLines(i2)}
}
`,
  );
  const pid = (n: string) => join(dir, `${n}.pid`);
  keepalived = spawn('ip', ['netns', 'exec', A, 'keepalived', '-n', '-l', '-D', '-P', '-f', conf, '-p', pid('k'), '-r', pid('v'), '-c', pid('c')], { stdio: 'ignore' });
  const fifoLines = () => (existsSync(fifoLog) ? readFileSync(fifoLog, 'utf8').trim().split('\n') : []);
  const waitLine = async (line: string) => {
    const end = Date.now() + 15_000;
    while (!fifoLines().includes(line)) {
      if (Date.now() > end) throw new Error(`keepalived never reported ${line}; FIFO: ${fifoLines().join(' | ')}`);
      await sleep(50);
    }
  };
  await waitLine('INSTANCE "VI_1" MASTER 107');
  await waitLine('GROUP "G1" MASTER 0');
  writeFileSync(failFile, '');
  await waitLine('INSTANCE "VI_1" FAULT 107');
  rmSync(failFile);
  await waitLine('INSTANCE "VI_1" BACKUP 107');
  const masters = () => fifoLines().filter((l) => l === 'INSTANCE "VI_1" MASTER 107').length;
  while (masters() < 2) await sleep(50);
  sh('ip', ['netns', 'exec', B, 'python3', '-c', INJECT]);
  await waitLine('INSTANCE "VI_1" MASTER_RX_LOWER_PRI 107');
  keepalived.kill('SIGTERM');
  await new Promise((r) => keepalived!.once('exit', r));
  await sleep(300);

  // what notify.ts plans for the transitions keepalived reported, and the STOPs it never gets to write to the FIFO
  const subjects = new Map([i1, i2, g1].map((s) => [`${s.type} ${s.name}`, s]));
  const priorities = new Map<string, number>();
  const planned: NotifyAction[][] = [];
  for (const line of fifoLines()) {
    const m = /^(INSTANCE|GROUP) "(\w+)" (\w+) (\d+)$/.exec(line)!;
    const s = subjects.get(`${m[1]} ${m[2]}`)!;
    priorities.set(s.name, Number(m[4]));
    planned.push(m[3] === 'MASTER_RX_LOWER_PRI' ? planRxLowerPriority(s, Number(m[4])) : planNotify(s, { state: m[3] as NotifyState, priority: Number(m[4]), noEmailFaults: false }));
  }
  for (const s of [i1, i2, g1]) planned.push(planNotify(s, { state: 'STOP', priority: priorities.get(s.name) ?? 0, noEmailFaults: false }));
  const argsOf = (a: NotifyAction) => (a.type === 'script' ? [...splitScriptWords(a.script.command).words.slice(1), ...a.extra].join(' ') : undefined);
  const expected = planned.flatMap((p) => p.flatMap((a) => argsOf(a) ?? []));

  const recorded = readFileSync(calls, 'utf8').trim().split('\n').map((l) => ({ pid: Number(l.split(' ')[0]), args: l.slice(l.indexOf(' ') + 1) }));
  assert.ok(recorded.length > 20, `keepalived ran ${recorded.length} scripts`);
  assert.deepEqual(recorded.map((r) => r.args).sort(), [...expected].sort());
  // within a transition, the specific script starts before the generic one
  for (const p of planned) {
    const [specific, generic] = p.flatMap((a) => argsOf(a) ?? []);
    if (!specific || !generic) continue;
    const pidOf = (args: string) => recorded.filter((r) => r.args === args).map((r) => r.pid);
    assert.ok(Math.min(...pidOf(specific)) < Math.max(...pidOf(generic)), `${specific} before ${generic}`);
  }
});
