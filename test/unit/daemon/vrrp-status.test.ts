// The status snapshot's tracked objects and master, on a real instance
// driven by a fake clock: every tracked interface, script, file and process
// the process reports, with its state and weight; the master a BACKUP
// follows; and the transition times the dumps read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchVrrpStatus, type StatusRuntime, type TrackedInterfaceState, type TrackedObjectState } from '../../../src/daemon/vrrp-status.js';
import { loadModel, makeInstance } from '../vrrp/instance-fakes.js';

const TEXT = `
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    virtual_ipaddress {
        192.0.2.200/24
    }
}
`;

function running() {
  const config = loadModel(TEXT);
  return { config, ...makeInstance(TEXT, { config, address: '192.0.2.11' }) };
}

test('tracked: every interface, script, file and process the process reports for the instance, in that order', () => {
  const { config, vrrp } = running();
  const interfaces: TrackedInterfaceState[] = [
    { instance: 'VI_1', name: 'eth1', weight: -20, reverse: false, up: false },
    { instance: 'VI_1', name: 'eth0', weight: 0, reverse: false, up: true },
    { instance: 'VI_9', name: 'eth3', weight: 0, reverse: false, up: true },
  ];
  const objects: TrackedObjectState[] = [
    { instance: 'VI_1', kind: 'script', name: 'chk_ok', up: true, weight: 10, reverse: true, fault: false },
    { instance: 'VI_1', kind: 'script', name: 'chk_slow', up: undefined, weight: 0, reverse: false, fault: false },
    { instance: 'VI_1', kind: 'file', name: 'tf', up: undefined, value: 3, weight: 0, reverse: false, fault: true },
    { instance: 'VI_1', kind: 'process', name: 'nginx', up: true, count: 2, weight: 0, reverse: false, fault: false },
  ];
  const status = watchVrrpStatus({ instances: [vrrp], groups: [], trackedInterfaces: () => interfaces, trackedObjects: () => objects }, config, new Date());
  assert.deepEqual(status.snapshot().vrrp[0]!.tracked, [
    { kind: 'interface', name: 'eth1', up: false, weight: -20 },
    { kind: 'interface', name: 'eth0', up: true, weight: 0 },
    { kind: 'script', name: 'chk_ok', up: true, weight: 10, reverse: true },
    { kind: 'script', name: 'chk_slow', up: false, weight: 0, pending: true },
    { kind: 'file', name: 'tf', up: false, weight: 0, value: 3 },
    { kind: 'process', name: 'nginx', up: true, weight: 0, count: 2 },
  ]);
  status.close();
});

test('tracked is read at each snapshot, and empty when the process does not tell', () => {
  const { config, vrrp } = running();
  let up = true;
  const status = watchVrrpStatus({ instances: [vrrp], groups: [], trackedInterfaces: () => [{ instance: 'VI_1', name: 'eth1', weight: 0, reverse: false, up }] }, config, new Date());
  assert.equal(status.snapshot().vrrp[0]!.tracked[0]!.up, true);
  up = false;
  assert.equal(status.snapshot().vrrp[0]!.tracked[0]!.up, false);
  assert.deepEqual(watchVrrpStatus({ instances: [vrrp], groups: [] }, config, new Date()).snapshot().vrrp[0]!.tracked, []);
  status.close();
});

test("the timers' lateness is read at each snapshot, and absent when the process does not tell", () => {
  const { config, vrrp } = running();
  const late = { wakeup: 3, runqueue: 1, busy: 0 };
  const status = watchVrrpStatus({ instances: [vrrp], groups: [], timers: () => ({ expiries: 500, late }) }, config, new Date());
  assert.deepEqual(status.snapshot().timers, { expiries: 500, lateAfterMs: 1, late: { wakeup: 3, runqueue: 1, busy: 0 } });
  late.busy = 2;
  assert.equal(status.snapshot().timers?.late.busy, 2);
  assert.equal(watchVrrpStatus({ instances: [vrrp], groups: [] }, config, new Date()).snapshot().timers, undefined);
  status.close();
});

test("master: this node's address as MASTER, the master it follows as BACKUP, none in FAULT", () => {
  const { config, vrrp, scheduler } = running();
  // what instance.ts's getter gives: the source of the last advert the BACKUP accepted
  let heard: string | undefined = '192.0.2.12';
  const runtime = Object.defineProperty(vrrp, 'masterAddress', { get: () => heard }) as StatusRuntime;
  let clock = Date.parse('2026-01-02T03:04:05Z');
  const status = watchVrrpStatus({ instances: [runtime], groups: [] }, config, new Date(clock), () => new Date(clock));
  vrrp.start();
  assert.equal(status.snapshot().vrrp[0]!.master, '192.0.2.12');
  assert.equal(status.lastTransitionAt('VI_1'), clock, 'INIT → BACKUP, timed');
  heard = undefined;
  assert.equal(status.snapshot().vrrp[0]!.master, undefined, 'a BACKUP that heard no master names none');
  clock += 4000;
  scheduler.advance(4000);
  assert.equal(status.snapshot().vrrp[0]!.state, 'MASTER');
  assert.equal(status.snapshot().vrrp[0]!.master, '192.0.2.11');
  assert.equal(status.lastTransitionAt('VI_1'), clock);
  vrrp.setFault('interface eth0 down', true);
  heard = '192.0.2.12';
  assert.equal(status.snapshot().vrrp[0]!.state, 'FAULT');
  assert.equal(status.snapshot().vrrp[0]!.master, undefined);
  assert.equal(status.lastTransitionAt('VI_9'), undefined);
  status.close();
});

test('follow after a reload: a kept instance keeps its last transition, a removed one is forgotten, a new one is watched', () => {
  const { config, vrrp } = running();
  const other = makeInstance(TEXT.replace('VI_1', 'VI_2').replace('51', '52'), { address: '192.0.2.11' }).vrrp;
  const source = { instances: [vrrp, other], groups: [] as never[] };
  let clock = Date.parse('2026-01-02T03:04:05Z');
  const status = watchVrrpStatus(source, config, new Date(clock), () => new Date(clock));
  vrrp.start();
  other.start();
  const kept = status.lastTransitionAt('VI_1');
  assert.equal(kept, clock);
  const added = makeInstance(TEXT.replace('VI_1', 'VI_3').replace('51', '53'), { address: '192.0.2.11' }).vrrp;
  source.instances = [vrrp, added];
  status.follow(loadModel(TEXT.replace('priority 150', 'priority 140')));
  assert.equal(status.lastTransitionAt('VI_1'), kept);
  assert.equal(status.lastTransitionAt('VI_2'), undefined);
  assert.equal(status.snapshot().vrrp[0]!.basePriority, 140, 'shown with the configuration it runs now');
  clock += 1000;
  added.start();
  assert.equal(status.lastTransitionAt('VI_3'), clock);
  status.close();
});
