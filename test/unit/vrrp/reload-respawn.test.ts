// Resuming MASTER after a respawn (vrrp/reload-respawn.ts, fsm.ts Resume):
// only an instance recorded as MASTER, only in a respawned process, and only
// while no backup can have taken over; a resumed instance advertises at once
// and keeps its VIPs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resumeVerdict } from '../../../src/vrrp/reload-respawn.js';
import { makeInstance, settle } from './instance-fakes.js';

const record = { instance: 'VI_1', interface: 'eth0', vrid: 51, family: 4 as const, since: 0 };
const p = { advertInt: 1000, downTimerAdverts: 3 };

test('resume: recorded MASTER, respawned, dead for less than (down_timer_adverts − 1) intervals', () => {
  assert.deepEqual(resumeVerdict(record, { diedAt: 10_000 }, p, 11_500), { resume: true, downMs: 1500 });
  assert.equal(resumeVerdict(record, { diedAt: 10_000 }, p, 12_000).resume, false, 'a backup may have taken over');
  assert.match((resumeVerdict(record, { diedAt: 10_000 }, p, 12_000) as { why: string }).why, /died 2000 ms ago/);
  assert.deepEqual(resumeVerdict(undefined, { diedAt: 10_000 }, p, 10_001), { resume: false }, 'not MASTER before');
  assert.deepEqual(resumeVerdict(record, undefined, p, 10_001), { resume: false }, 'not a respawn: a start after a crash of the whole daemon');
});

test('a resumed instance is MASTER at once: advert now, VIPs (already there) added again, GARP, no Master_Down_Interval', async () => {
  const m = makeInstance(`
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/32
  }
}`);
  m.vrrp.resume();
  await settle();
  assert.equal(m.vrrp.state, 'MASTER');
  assert.deepEqual(m.ports.transitions(), ['INIT -> MASTER (resumed)']);
  assert.equal(m.ports.adverts.length, 1);
  assert.equal(m.ports.adverts[0]!.at, 0);
  assert.deepEqual(m.ports.kernel.map((k) => k.op), ['add']);
  assert.equal(m.ports.announced.length, 1);
});
