// The notification glue (notify/vrrp-notifications.ts) with real instances
// and sync groups on a fake clock and a runner that records what it is asked
// to run: each transition runs the state's own script, then the generic
// `notify` with keepalived's arguments; a group's scripts come after its
// members'; a FAULT held only by a script yet to answer is reported once a
// real reason holds it; STOP goes to every instance, then every group; the
// FIFO line comes after the scripts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realHostEnv } from '../../../src/config/hostcheck.js';
import { ScriptGate } from '../../../src/notify/script-gate.js';
import type { RunRequest, ScriptResult } from '../../../src/notify/script-runner.js';
import { VrrpNotifications } from '../../../src/notify/vrrp-notifications.js';
import { awaitingFault } from '../../../src/vrrp/instance.js';
import { SyncGroup } from '../../../src/vrrp/sync-group.js';
import { FakeScheduler, loadModel, makeInstance, peerPacket, settle } from '../vrrp/instance-fakes.js';
import { captureLog } from './log-capture.js';

const scripts = (who: string) => `
    notify_master "/bin/echo ${who}-master"
    notify_backup "/bin/echo ${who}-backup"
    notify_fault "/bin/echo ${who}-fault"
    notify_stop "/bin/echo ${who}-stop"
    notify "/bin/echo ${who}-generic"`;

const instance = (name: string, vrid: number, priority: number, extra = '') => `
vrrp_instance ${name} {
    state BACKUP
    interface lo
    virtual_router_id ${vrid}
    priority ${priority}
    advert_int 1
    virtual_ipaddress {
        192.0.2.${vrid}/24
    }${extra}
}
`;

function setup(text: string, groups = false) {
  const config = loadModel(text);
  const scheduler = new FakeScheduler();
  const members = config.vrrpInstance.map((i, k) => ({ vrrp: makeInstance('', { config, name: i.name, scheduler, address: `192.0.2.${10 + k}` }).vrrp, instance: i }));
  const { log } = captureLog();
  const ran: string[] = [];
  let onRun: (argv: string) => void = (argv) => void ran.push(argv);
  const run = (req: RunRequest): Promise<ScriptResult> => {
    onRun(req.argv.slice(1).join(' '));
    return Promise.resolve({ outcome: { kind: 'exited', code: 0 }, durationMs: 1, output: '', truncated: 0 });
  };
  const notifications = new VrrpNotifications(config, members, { log, gate: new ScriptGate(config.globalDefs, realHostEnv(), log), env: realHostEnv(), run });
  const syncGroups = groups ? config.vrrpSyncGroup.map((g) => new SyncGroup(g.name, g.group.map((n) => members.find((m) => m.vrrp.name === n)!.vrrp), log)) : [];
  notifications.watchGroups(syncGroups);
  const take = () => ran.splice(0);
  return { members, scheduler, notifications, syncGroups, take, onRun: (f: (argv: string) => void) => (onRun = f) };
}

test('an instance: the state\'s own script, then the generic notify with INSTANCE NAME STATE PRIORITY', async () => {
  const t = setup(instance('VI_1', 51, 100, scripts('i')));
  t.notifications.announceGroups();
  const vrrp = t.members[0]!.vrrp;
  vrrp.start();
  await settle();
  assert.deepEqual(t.take(), ['i-backup', 'i-generic INSTANCE VI_1 BACKUP 100']);
  t.scheduler.advance(4000);
  await settle();
  assert.deepEqual(t.take(), ['i-master', 'i-generic INSTANCE VI_1 MASTER 100']);
  vrrp.setFault('interface lo down', true);
  await settle();
  assert.deepEqual(t.take(), ['i-fault', 'i-generic INSTANCE VI_1 FAULT 100']);
  await t.notifications.shutdown();
  assert.deepEqual(t.take(), ['i-stop', 'i-generic INSTANCE VI_1 STOP 100']);
  t.notifications.close();
});

test('a FAULT held only by a script yet to answer is silent; the script\'s failure reports it once', async () => {
  const t = setup(instance('VI_1', 51, 100, scripts('i')));
  t.notifications.announceGroups();
  const vrrp = t.members[0]!.vrrp;
  vrrp.applyTracking({ weight: 0, faults: [awaitingFault('script chk')] });
  vrrp.start();
  await settle();
  assert.equal(vrrp.state, 'FAULT');
  assert.deepEqual(t.take(), []);
  vrrp.applyTracking({ weight: 0, faults: ['script chk failed'] });
  await settle();
  assert.deepEqual(t.take(), ['i-fault', 'i-generic INSTANCE VI_1 FAULT 100']);
  vrrp.applyTracking({ weight: 0, faults: [] });
  await settle();
  assert.deepEqual(t.take(), ['i-backup', 'i-generic INSTANCE VI_1 BACKUP 100']);
  t.notifications.close();
});

test('notify_master_rx_lower_pri runs when the master hears a lower priority', async () => {
  const t = setup(instance('VI_1', 51, 100, '\n    notify_master_rx_lower_pri "/bin/echo rx-lower"'));
  t.notifications.announceGroups();
  const vrrp = t.members[0]!.vrrp;
  vrrp.start();
  t.scheduler.advance(4000);
  assert.equal(vrrp.state, 'MASTER');
  vrrp.receive(peerPacket({ priority: 50, addresses: ['192.0.2.51'] }));
  await settle();
  assert.deepEqual(t.take(), ['rx-lower']);
  t.notifications.close();
});

test('a sync group: BACKUP announced before its members; the members that moved, then the group; STOP instances first', async () => {
  const t = setup(
    `
vrrp_sync_group G {
    group {
        VI_1
        VI_2
    }${scripts('g')}
}
${instance('VI_1', 51, 100, scripts('a'))}
${instance('VI_2', 52, 100, scripts('b'))}
`,
    true,
  );
  t.notifications.announceGroups();
  await settle();
  assert.deepEqual(t.take(), ['g-backup', 'g-generic GROUP G BACKUP 0']);
  t.syncGroups[0]!.start();
  await settle();
  assert.deepEqual(t.take(), ['a-backup', 'a-generic INSTANCE VI_1 BACKUP 100', 'b-backup', 'b-generic INSTANCE VI_2 BACKUP 100']);
  t.members[1]!.vrrp.setFault('interface lo down', true);
  await settle();
  assert.deepEqual(t.take(), ['b-fault', 'b-generic INSTANCE VI_2 FAULT 100', 'a-fault', 'a-generic INSTANCE VI_1 FAULT 100', 'g-fault', 'g-generic GROUP G FAULT 0']);
  await t.notifications.shutdown();
  assert.deepEqual(t.take(), ['a-stop', 'a-generic INSTANCE VI_1 STOP 100', 'b-stop', 'b-generic INSTANCE VI_2 STOP 100', 'g-stop', 'g-generic GROUP G STOP 0']);
  t.notifications.close();
});

test('the FIFO line comes after the state\'s script and the generic notify', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tskad-vrrp-notifications-'));
  const fifo = join(dir, 'fifo');
  const t = setup(`global_defs {\n    vrrp_notify_fifo ${fifo}\n}\n${instance('VI_1', 51, 100, scripts('i'))}`);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  // what reached the FIFO so far, as one more entry in the order of events
  const drain = (into: string[]) => {
    const buf = Buffer.alloc(4096);
    try {
      const n = readSync(reader, buf);
      if (n > 0) into.push(...buf.subarray(0, n).toString().trim().split('\n').map((l) => `fifo ${l}`));
    } catch {
      // EAGAIN: nothing written yet
    }
  };
  try {
    t.notifications.announceGroups();
    const events: string[] = [];
    t.onRun((argv) => {
      drain(events);
      events.push(argv);
    });
    t.members[0]!.vrrp.start();
    await settle();
    drain(events);
    assert.deepEqual(events, ['i-backup', 'i-generic INSTANCE VI_1 BACKUP 100', 'fifo INSTANCE "VI_1" BACKUP 100']);
  } finally {
    t.notifications.close();
    closeSync(reader);
    rmSync(dir, { recursive: true, force: true });
  }
});
