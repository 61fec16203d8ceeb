// track_interface as keepalived 2.2.7 applies it: which interfaces count and
// with what weight (instance, own interface, sync group), then what each
// link state adds to the priority or whether it means FAULT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contribution, trackedInterfaces, trackResult, type TrackingInput } from '../../../src/vrrp/track-interface.js';
import { makeInstance } from './instance-fakes.js';

const input = (over: Partial<TrackingInput> = {}): TrackingInput => ({ interface: 'eth0', trackInterface: [], dontTrackPrimary: false, owner: false, ...over });

test('the instance\'s own interface is tracked with weight 0 (FAULT when down) unless dont_track_primary', () => {
  assert.deepEqual(trackedInterfaces('VI_1', input()).tracked, [{ name: 'eth0', weight: 0, reverse: false }]);
  assert.deepEqual(trackedInterfaces('VI_1', input({ dontTrackPrimary: true })).tracked, []);
});

test('entries keep their weight and direction; the own interface and duplicates are dropped with keepalived\'s messages', () => {
  const plan = trackedInterfaces(
    'VI_1',
    input({
      trackInterface: [{ name: 'eth1', weight: -20 }, { name: 'eth2', weight: 10, reverse: true }, { name: 'eth0', weight: 5 }, { name: 'eth1' }, { name: 'eth3' }],
    }),
  );
  assert.deepEqual(plan.tracked, [
    { name: 'eth1', weight: -20, reverse: false },
    { name: 'eth2', weight: 10, reverse: true },
    { name: 'eth3', weight: 0, reverse: false },
    { name: 'eth0', weight: 0, reverse: false },
  ]);
  assert.deepEqual(plan.notes, ['(VI_1) Ignoring track_interface eth0 since own interface', '(VI_1) duplicate track_interface eth1 - ignoring']);
});

test('in a sync group without sync_group_tracking_weight the weights become 0; an owner drops weighted entries', () => {
  const group = { trackInterface: [], trackingWeight: false, hasOwner: false };
  assert.deepEqual(trackedInterfaces('VI_1', input({ trackInterface: [{ name: 'eth1', weight: -20 }], group })).tracked[0], { name: 'eth1', weight: 0, reverse: false });
  assert.deepEqual(trackedInterfaces('VI_1', input({ trackInterface: [{ name: 'eth1', weight: -20 }], group: { ...group, trackingWeight: true } })).tracked[0], { name: 'eth1', weight: -20, reverse: false });
  const owner = trackedInterfaces('VI_1', input({ owner: true, trackInterface: [{ name: 'eth1', weight: -20 }, { name: 'eth2' }] }));
  assert.deepEqual(owner.tracked.map((t) => t.name), ['eth2', 'eth0']);
  assert.deepEqual(owner.notes, ['(VI_1) ignoring eth1 tracked interface due to address owner']);
});

test('the sync group\'s entries apply to each member: they replace a weighted entry, never a FAULT one; an owner member clears their weights', () => {
  const group = { trackInterface: [{ name: 'eth1', weight: 30 }, { name: 'eth2', weight: 30 }, { name: 'eth0', weight: 7 }], trackingWeight: true, hasOwner: false };
  const plan = trackedInterfaces('VI_1', input({ trackInterface: [{ name: 'eth1', weight: -20 }, { name: 'eth2' }], dontTrackPrimary: true, group }));
  assert.deepEqual(plan.tracked, [
    { name: 'eth1', weight: 30, reverse: false },
    { name: 'eth2', weight: 0, reverse: false },
    // dont_track_primary: the instance does not track eth0, so the group's weight applies
    { name: 'eth0', weight: 7, reverse: false },
  ]);
  const withOwner = trackedInterfaces('VI_1', input({ group: { ...group, hasOwner: true } }));
  assert.ok(withOwner.tracked.every((t) => t.weight === 0));
});

test('contribution: weight 0 is FAULT when down (reverse: when up); + counts while up, − while down; reverse flips the sign', () => {
  const t = (weight: number, reverse = false) => ({ name: 'x', weight, reverse });
  assert.deepEqual([contribution(t(0), true), contribution(t(0), false)], [{ weight: 0, fault: false }, { weight: 0, fault: true }]);
  assert.deepEqual([contribution(t(0, true), true), contribution(t(0, true), false)], [{ weight: 0, fault: true }, { weight: 0, fault: false }]);
  assert.deepEqual([contribution(t(10), true).weight, contribution(t(10), false).weight], [10, 0]);
  assert.deepEqual([contribution(t(-10), true).weight, contribution(t(-10), false).weight], [0, -10]);
  assert.deepEqual([contribution(t(10, true), true).weight, contribution(t(10, true), false).weight], [-10, 0]);
  assert.deepEqual([contribution(t(-10, true), true).weight, contribution(t(-10, true), false).weight], [0, 10]);
});

test('the change between up and down is |weight| in the entry\'s direction, as keepalived applies it at run time', () => {
  for (const weight of [-253, -10, 10, 253])
    for (const reverse of [false, true]) {
      const t = { name: 'x', weight, reverse };
      assert.equal(contribution(t, true).weight - contribution(t, false).weight, Math.abs(weight) * (reverse ? -1 : 1));
    }
});

test('trackResult sums the weights and names the interfaces holding FAULT; a missing interface is down', () => {
  const tracked = [
    { name: 'eth0', weight: 0, reverse: false },
    { name: 'eth1', weight: -20, reverse: false },
    { name: 'eth2', weight: 15, reverse: false },
  ];
  const up = new Set(['eth0', 'eth2']);
  assert.deepEqual(trackResult(tracked, (n) => up.has(n)), { weight: 15 - 20, faults: [] });
  up.delete('eth0');
  assert.deepEqual(trackResult(tracked, (n) => up.has(n)), { weight: -20 + 15, faults: ['interface eth0 down'] });
});

test('fed to an instance: a weighted interface going down lowers the priority; the own interface going down means FAULT', () => {
  const { vrrp } = makeInstance(`
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 150
  track_interface {
    eth1 weight -60
  }
  virtual_ipaddress {
    192.0.2.100
  }
}`);
  const { tracked } = trackedInterfaces('VI_1', input({ trackInterface: [{ name: 'eth1', weight: -60 }] }));
  const links = new Map([
    ['eth0', true],
    ['eth1', true],
  ]);
  const apply = () => vrrp.applyTracking(trackResult(tracked, (n) => links.get(n) ?? false));
  apply();
  vrrp.start();
  assert.equal(vrrp.priority, 150);
  links.set('eth1', false);
  apply();
  assert.equal(vrrp.priority, 90);
  links.set('eth0', false);
  apply();
  assert.equal(vrrp.state, 'FAULT');
  assert.deepEqual([...vrrp.faults], ['interface eth0 down']);
  links.set('eth0', true);
  apply();
  assert.equal(vrrp.state, 'BACKUP');
  assert.equal(vrrp.faults.size, 0);
});
