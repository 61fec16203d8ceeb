// vrrp_sync_group as keepalived 2.2.7 runs it (vrrp_sync.c): the pure rules,
// then the LVS-NAT director of the examples — VI_VIP on eth0 with the VIP,
// VI_DIP on eth1 with the DIP — moving as one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { repoPath } from '../../helpers/repo.js';
import { afterFaultChange, afterTransition, initialGroupState, initialWants, mayBecomeMaster, SyncGroup, type MemberView } from '../../../src/vrrp/sync-group.js';
import { FakeScheduler, loadModel, makeInstance, peerPacket, settle } from './instance-fakes.js';

const member = (name: string, over: Partial<MemberView> = {}): MemberView => ({ name, state: 'BACKUP', wants: 'BACKUP', owner: false, ownFaulty: false, ...over });

test('rules: the group starts MASTER only when every member is an owner wanting MASTER', () => {
  assert.equal(initialGroupState([member('a', { owner: true, wants: 'MASTER' }), member('b', { owner: true, wants: 'MASTER' })]), 'MASTER');
  assert.equal(initialGroupState([member('a', { owner: true, wants: 'MASTER' }), member('b', { wants: 'MASTER' })]), 'BACKUP');
});

test('rules: `state MASTER` survives in a group only when every member is an owner wanting MASTER', () => {
  assert.deepEqual(initialWants([{ owner: true, wants: 'MASTER' }, { owner: true, wants: 'MASTER' }]), ['MASTER', 'MASTER']);
  assert.deepEqual(initialWants([{ owner: false, wants: 'MASTER' }, { owner: false, wants: 'MASTER' }]), ['BACKUP', 'BACKUP']);
  assert.deepEqual(initialWants([{ owner: true, wants: 'MASTER' }, { owner: false, wants: 'BACKUP' }]), ['BACKUP', 'BACKUP']);
});

test('rules: a member may become MASTER only when every other member wants it too, or the group is MASTER', () => {
  const ms = [member('a'), member('b', { wants: 'MASTER' }), member('c', { wants: 'BACKUP' })];
  assert.equal(mayBecomeMaster('BACKUP', ms, 'a'), false);
  assert.equal(mayBecomeMaster('BACKUP', ms, 'c'), false);
  assert.equal(mayBecomeMaster('BACKUP', [member('a'), member('b', { wants: 'MASTER' })], 'a'), true);
  assert.equal(mayBecomeMaster('MASTER', ms, 'a'), true);
});

test('rules: one MASTER pulls the BACKUP members along; a MASTER falling back pulls the MASTER members back', () => {
  const ms = [member('a', { state: 'MASTER' }), member('b'), member('c', { state: 'FAULT' })];
  assert.deepEqual(afterTransition('BACKUP', ms, 'a', 'BACKUP', 'MASTER'), {
    state: 'MASTER',
    commands: [{ member: 'b', goto: 'MASTER' }],
    message: 'Syncing instances to MASTER state',
  });
  // the group is MASTER already: the followers' own transitions change nothing
  assert.deepEqual(afterTransition('MASTER', ms, 'b', 'BACKUP', 'MASTER'), { state: 'MASTER', commands: [] });
  const back = [member('a'), member('b', { state: 'MASTER' })];
  assert.deepEqual(afterTransition('MASTER', back, 'a', 'MASTER', 'BACKUP').commands, [{ member: 'b', goto: 'BACKUP' }]);
  // stopping is no reason for the others to move
  assert.deepEqual(afterTransition('MASTER', back, 'a', 'MASTER', 'INIT').commands, []);
});

test('rules: one faulty member puts all in FAULT; the last one to recover takes all out', () => {
  const on = afterFaultChange('MASTER', [member('a', { ownFaulty: true }), member('b')]);
  assert.equal(on.state, 'FAULT');
  assert.deepEqual(on.commands, [
    { member: 'a', fault: true },
    { member: 'b', fault: true },
  ]);
  assert.deepEqual(afterFaultChange('FAULT', [member('a', { ownFaulty: true }), member('b', { ownFaulty: true })]).commands, []);
  const off = afterFaultChange('FAULT', [member('a'), member('b')]);
  assert.equal(off.state, 'BACKUP');
  assert.deepEqual(off.commands, [
    { member: 'a', fault: false },
    { member: 'b', fault: false },
  ]);
});

/** Both instances of an LVS-NAT example on one fake clock, in their sync group. */
function director(file: string) {
  const text = readFileSync(repoPath('examples', file), 'utf8');
  const config = loadModel(text);
  const scheduler = new FakeScheduler();
  const vip = makeInstance('', { config, name: 'VI_VIP', scheduler, address: '203.0.113.2' });
  const dip = makeInstance('', { config, name: 'VI_DIP', scheduler, address: '192.0.2.2' });
  const group = new SyncGroup('VG_LVS_NAT', [vip.vrrp, dip.vrrp], vip.ports.log);
  return { vip, dip, group, scheduler };
}

/** Master_Down_Interval at priority 100, advert_int 1 (RFC 3768 §6.1) */
const DOWN = 3000 + (156 * 1000) / 256;

test('LVS-NAT master (state MASTER, priority 100): the members start as BACKUP, the first to time out waits for the other, then both go MASTER, as keepalived 2.2.7 does', async () => {
  const { vip, dip, group, scheduler } = director('lvs-nat-sync-master.conf');
  group.start();
  assert.deepEqual([vip.vrrp.state, dip.vrrp.state, group.state], ['BACKUP', 'BACKUP', 'BACKUP']);
  assert.equal(vip.vrrp.timerDue('masterDown'), DOWN);
  scheduler.runUntil(DOWN - 0.001);
  assert.deepEqual([vip.vrrp.state, dip.vrrp.state], ['BACKUP', 'BACKUP']);
  scheduler.runUntil(DOWN);
  await settle();
  assert.deepEqual([vip.vrrp.state, dip.vrrp.state, group.state], ['MASTER', 'MASTER', 'MASTER']);
  // keepalived's log in the lab: VI_VIP times out, VI_DIP times out and enters MASTER, then the group syncs VI_VIP
  assert.deepEqual(dip.ports.transitions().at(-1), 'BACKUP -> MASTER (master-down-timer)');
  assert.deepEqual(vip.ports.transitions().at(-1), 'BACKUP -> MASTER (sync group VG_LVS_NAT)');
  assert.equal(vip.ports.adverts[0]!.at, DOWN);
  assert.deepEqual(
    [...vip.ports.kernel, ...dip.ports.kernel].map((k) => `${k.address}@${k.dev}`),
    ['203.0.113.10@eth0', '192.0.2.1@eth1'],
  );
  assert.ok(vip.ports.messages().includes('VRRP_Group(VG_LVS_NAT) Syncing instances to MASTER state'));
});

test('an all-owner group starts MASTER at once', () => {
  const config = loadModel(`
vrrp_sync_group G {
  group {
    A
    B
  }
}
vrrp_instance A {
  interface eth0
  virtual_router_id 1
  priority 255
  virtual_ipaddress {
    192.0.2.100
  }
}
vrrp_instance B {
  interface eth1
  virtual_router_id 2
  priority 255
  virtual_ipaddress {
    198.51.100.1
  }
}`);
  const scheduler = new FakeScheduler();
  const a = makeInstance('', { config, name: 'A', scheduler });
  const b = makeInstance('', { config, name: 'B', scheduler, address: '198.51.100.2' });
  const group = new SyncGroup('G', [a.vrrp, b.vrrp], a.ports.log);
  assert.equal(group.state, 'MASTER');
  group.start();
  assert.deepEqual([a.vrrp.state, b.vrrp.state], ['MASTER', 'MASTER']);
});

test('a member held by a live master keeps the other in BACKUP, though that one hears nothing', () => {
  const { vip, dip, group, scheduler } = director('lvs-nat-sync-backup.conf');
  group.start();
  for (let t = 500; t <= 20_500; t += 1000) {
    scheduler.runUntil(t);
    vip.vrrp.receive(peerPacket({ priority: 200, vrid: 54, pass: 'lvs-vip', addresses: ['203.0.113.10'], source: '203.0.113.3' }));
  }
  assert.deepEqual([vip.vrrp.state, dip.vrrp.state], ['BACKUP', 'BACKUP']);
  assert.equal(dip.ports.adverts.length, 0);
});

test('one member\'s FAULT moves both: the MASTER partner sends priority 0 and drops the VIP; recovery brings both back', async () => {
  const { vip, dip, group, scheduler } = director('lvs-nat-sync-master.conf');
  group.start();
  scheduler.runUntil(DOWN + 500);
  await settle();
  // eth1 goes down: the DIP instance is faulty of its own
  dip.vrrp.setFault('interface eth1 down', true);
  await settle();
  assert.deepEqual([vip.vrrp.state, dip.vrrp.state, group.state], ['FAULT', 'FAULT', 'FAULT']);
  assert.equal(vip.ports.adverts.at(-1)!.advert.priority, 0);
  assert.equal(dip.ports.adverts.at(-1)!.advert.priority, 0);
  assert.deepEqual(vip.ports.kernel.map((k) => `${k.op} ${k.address}`), ['add 203.0.113.10', 'remove 203.0.113.10']);
  assert.deepEqual(vip.ports.transitions().at(-1), 'MASTER -> FAULT (sync group)');
  assert.ok(vip.ports.messages().includes('VRRP_Group(VG_LVS_NAT) Syncing instances to FAULT state'));
  scheduler.runUntil(5000);
  dip.vrrp.setFault('interface eth1 down', false);
  assert.deepEqual([vip.vrrp.state, dip.vrrp.state, group.state], ['BACKUP', 'BACKUP', 'BACKUP']);
  scheduler.runUntil(5000 + DOWN);
  assert.deepEqual([vip.vrrp.state, dip.vrrp.state], ['MASTER', 'MASTER']);
});

test('a member faulty before the group forms (its interface down at startup) starts every member in FAULT', () => {
  const text = readFileSync(repoPath('examples', 'lvs-nat-sync-master.conf'), 'utf8');
  const config = loadModel(text);
  const scheduler = new FakeScheduler();
  const vip = makeInstance('', { config, name: 'VI_VIP', scheduler, address: '203.0.113.2' });
  const dip = makeInstance('', { config, name: 'VI_DIP', scheduler, address: '192.0.2.2' });
  dip.vrrp.setFault('interface eth1 down', true);
  const group = new SyncGroup('VG_LVS_NAT', [vip.vrrp, dip.vrrp], vip.ports.log);
  group.start();
  assert.deepEqual([vip.vrrp.state, dip.vrrp.state, group.state], ['FAULT', 'FAULT', 'FAULT']);
  assert.deepEqual(vip.ports.messages().slice(-1), ['(VI_VIP) Entering FAULT STATE (init)']);
  dip.vrrp.setFault('interface eth1 down', false);
  assert.deepEqual([vip.vrrp.state, dip.vrrp.state, group.state], ['BACKUP', 'BACKUP', 'BACKUP']);
});

test('a MASTER member yielding to a higher priority takes its partner to BACKUP, without a priority-0 advert', async () => {
  const { vip, dip, group, scheduler } = director('lvs-nat-sync-master.conf');
  group.start();
  scheduler.runUntil(DOWN + 500);
  await settle();
  const sent = dip.ports.adverts.length;
  vip.vrrp.receive(peerPacket({ priority: 200, vrid: 54, pass: 'lvs-vip', addresses: ['203.0.113.10'], source: '203.0.113.3' }));
  await settle();
  assert.deepEqual([vip.vrrp.state, dip.vrrp.state, group.state], ['BACKUP', 'BACKUP', 'BACKUP']);
  assert.equal(dip.ports.adverts.length, sent);
  assert.deepEqual(dip.ports.kernel.map((k) => k.op), ['add', 'remove']);
  assert.deepEqual(dip.ports.transitions().at(-1), 'MASTER -> BACKUP (sync group VG_LVS_NAT)');
});
