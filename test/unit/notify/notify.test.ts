// Which notifications a state change makes, in keepalived 2.2.7's order and
// with its exact arguments (seen with recording scripts under keepalived in
// a namespace: test/netns/notify-keepalived.test.ts checks the same plans
// against the real thing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyScript } from '../../../src/config/script.js';
import type { Script } from '../../../src/config/schema/common.js';
import { planNotify, planPriorityChange, planRxLowerPriority, type NotifyAction, type NotifySubject } from '../../../src/notify/notify.js';

const script = (command: string): Script => ({ command, runner: classifyScript(command).runner });
const show = (actions: readonly NotifyAction[]): string[] =>
  actions.map((a) => (a.type === 'script' ? `${a.keyword}: ${[a.script.command, ...a.extra].join(' ')}${a.stop ? ' (stop)' : ''}` : a.type === 'fifo' ? `fifo: ${a.line.trimEnd()}` : `mail: ${a.alert.subject} / ${a.alert.body}`));

const VI_1: NotifySubject = {
  type: 'INSTANCE',
  name: 'VI_1',
  smtpAlert: true,
  config: {
    notifyMaster: script('/etc/keepalived/notify.sh master'),
    notifyBackup: script('/etc/keepalived/notify.sh backup'),
    notifyStop: script('/etc/keepalived/stop.sh'),
    notify: script('/etc/keepalived/notify.sh'),
  },
};

test('an instance transition: specific script, generic notify with four arguments, FIFO, mail', () => {
  assert.deepEqual(show(planNotify(VI_1, { state: 'MASTER', priority: 107, noEmailFaults: false })), [
    'notify_master: /etc/keepalived/notify.sh master',
    'notify: /etc/keepalived/notify.sh INSTANCE VI_1 MASTER 107',
    'fifo: INSTANCE "VI_1" MASTER 107',
    'mail: VRRP Instance VI_1 - Entering MASTER state / => VRRP Instance is now owning VRRP VIPs <=',
  ]);
});

test('a state without its own script still runs the generic notify; mail only when the state differs from the last mailed', () => {
  assert.deepEqual(show(planNotify(VI_1, { state: 'FAULT', priority: 100, lastMailed: 'FAULT', noEmailFaults: false })), [
    'notify: /etc/keepalived/notify.sh INSTANCE VI_1 FAULT 100',
    'fifo: INSTANCE "VI_1" FAULT 100',
  ]);
  assert.equal(show(planNotify(VI_1, { state: 'FAULT', priority: 100, noEmailFaults: true })).filter((a) => a.startsWith('mail')).length, 0, 'no_email_faults');
});

test('STOP scripts are marked for the synchronous 1 s run at shutdown', () => {
  assert.deepEqual(show(planNotify({ ...VI_1, smtpAlert: false }, { state: 'STOP', priority: 107, noEmailFaults: false })), [
    'notify_stop: /etc/keepalived/stop.sh (stop)',
    'notify: /etc/keepalived/notify.sh INSTANCE VI_1 STOP 107 (stop)',
    'fifo: INSTANCE "VI_1" STOP 107',
  ]);
});

test('a sync group reports priority 0 and its own mail text', () => {
  const g: NotifySubject = { type: 'GROUP', name: 'G1', smtpAlert: true, config: { notifyBackup: script('/x/g backup'), notify: script('/x/g') } };
  assert.deepEqual(show(planNotify(g, { state: 'BACKUP', priority: 90, noEmailFaults: false })), [
    'notify_backup: /x/g backup',
    'notify: /x/g GROUP G1 BACKUP 0',
    'fifo: GROUP "G1" BACKUP 0',
    'mail: VRRP Group G1 - Entering BACKUP state / => All VRRP group instances are now in BACKUP state <=',
  ]);
});

test('an instance removed by a reload reports FAULT, or DELETED with notify_deleted', () => {
  assert.deepEqual(show(planNotify({ ...VI_1, smtpAlert: false }, { state: 'DELETED', priority: 100, noEmailFaults: false })), [
    'notify: /etc/keepalived/notify.sh INSTANCE VI_1 FAULT 100',
    'fifo: INSTANCE "VI_1" FAULT 100',
  ]);
  const withDeleted = { ...VI_1, config: { ...VI_1.config, notifyDeleted: { script: script('/x/deleted') } } };
  assert.deepEqual(show(planNotify(withDeleted, { state: 'DELETED', priority: 100, noEmailFaults: false })), [
    'notify_deleted: /x/deleted',
    'notify: /etc/keepalived/notify.sh INSTANCE VI_1 DELETED 100',
    'fifo: INSTANCE "VI_1" DELETED 100',
    'mail: VRRP Instance VI_1 - Deleted / => VRRP Deleted at reload <=',
  ]);
});

test('notify_master_rx_lower_pri: the script verbatim and the FIFO event, no generic notify, no mail', () => {
  const s = { ...VI_1, config: { ...VI_1.config, notifyMasterRxLowerPri: script('/x/reassert-ip eth0') } };
  assert.deepEqual(show(planRxLowerPriority(s, 107)), ['notify_master_rx_lower_pri: /x/reassert-ip eth0', 'fifo: INSTANCE "VI_1" MASTER_RX_LOWER_PRI 107']);
  assert.deepEqual(show(planRxLowerPriority(VI_1, 107)), ['fifo: INSTANCE "VI_1" MASTER_RX_LOWER_PRI 107']);
});

test('priority changes go to the FIFO only: MASTER_PRIORITY as master, BACKUP_PRIORITY otherwise', () => {
  assert.deepEqual(show(planPriorityChange('VI_1', 'MASTER', 80)), ['fifo: INSTANCE "VI_1" MASTER_PRIORITY 80']);
  assert.deepEqual(show(planPriorityChange('VI_1', 'FAULT', 80)), ['fifo: INSTANCE "VI_1" BACKUP_PRIORITY 80']);
});
