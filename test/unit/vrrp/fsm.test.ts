// The VRRP state machine as scenarios: events at times in, actions out.
// Each case names the RFC 5798 / keepalived rule it pins down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialMachine, masterDownInterval, skewTime, step, type VrrpAction, type VrrpEvent, type VrrpMachine, type VrrpParams } from '../../../src/vrrp/fsm.js';
import { ipToBytes } from '../../../src/net/ip.js';

const params = (over: Partial<VrrpParams> = {}): VrrpParams => ({
  version: 2,
  basePriority: 100,
  advertInt: 1000,
  preempt: true,
  preemptDelay: 0,
  downTimerAdverts: 3,
  lowerPrioNoAdvert: false,
  higherPrioSendAdvert: false,
  garpMasterRepeat: 5,
  garpMasterDelay: 5000,
  garpLowerPrioRepeat: 5,
  garpLowerPrioDelay: 5000,
  garpMasterRefresh: 0,
  garpMasterRefreshRepeat: 1,
  primaryAddress: ipToBytes('192.0.2.10'),
  ...over,
});

/** Runs events in order; returns the final machine and every action, tagged with its time. */
function run(p: VrrpParams, events: Array<[number, VrrpEvent]>, m: VrrpMachine = initialMachine(p)) {
  const log: Array<[number, VrrpAction]> = [];
  for (const [t, ev] of events) {
    const r = step(p, m, ev, t);
    m = r.machine;
    for (const a of r.actions) log.push([t, a]);
  }
  return { m, log, types: log.map(([, a]) => a.type) };
}

const advert = (priority: number, source = '192.0.2.20', maxAdverInt = 1000): VrrpEvent => ({ type: 'AdvertReceived', priority, maxAdverInt, source: ipToBytes(source) });
const expire = (timer: 'adver' | 'masterDown' | 'garp' | 'garpRefresh'): VrrpEvent => ({ type: 'TimerExpired', timer });
const transitions = (log: Array<[number, VrrpAction]>) =>
  log.flatMap(([t, a]) => (a.type === 'Transition' ? [`${t}: ${a.from} -> ${a.to} (${a.reason})`] : []));
const timerAt = (log: Array<[number, VrrpAction]>, timer: string) =>
  log.filter(([, a]) => a.type === 'ArmTimer' && a.timer === timer).map(([, a]) => (a as { at: number }).at);

test('timers: skew and Master_Down_Interval per version (RFC 3768 §6.1, RFC 5798 §6.1)', () => {
  assert.equal(skewTime(params(), 100, 1000), (156 * 1000) / 256);
  assert.equal(masterDownInterval(params(), 100, 1000), 3000 + (156 * 1000) / 256);
  // v3: skew scales with the master's advert interval (centisecond based)
  assert.equal(skewTime(params({ version: 3 }), 100, 100), (156 * 100) / 256);
  assert.equal(masterDownInterval(params({ version: 3, advertInt: 100 }), 100, 100), 300 + (156 * 100) / 256);
});

test('a lone backup becomes master when the master-down timer expires, then advertises each interval', () => {
  const p = params();
  const { m, log } = run(p, [[0, { type: 'Startup' }], [3609.375, expire('masterDown')], [4609.375, expire('adver')]]);
  assert.equal(m.state, 'MASTER');
  assert.deepEqual(transitions(log), ['0: INIT -> BACKUP (startup)', '3609.375: BACKUP -> MASTER (master-down-timer)']);
  assert.deepEqual(timerAt(log, 'masterDown'), [3609.375]);
  // RFC 5798 §6.4.2: advert first, then VIPs and gratuitous ARP, then the advert timer
  const atTakeover = log.filter(([t]) => t === 3609.375).map(([, a]) => a.type);
  assert.deepEqual(atTakeover, ['CancelTimer', 'Transition', 'SendAdvert', 'AddVips', 'SendGarp', 'ArmTimer', 'ArmTimer']);
  assert.deepEqual(timerAt(log, 'adver'), [4609.375, 5609.375]);
  assert.deepEqual(timerAt(log, 'garp'), [8609.375]);
});

test('the address owner (priority 255) takes over at startup', () => {
  const { m, log } = run(params({ basePriority: 255 }), [[0, { type: 'Startup' }]]);
  assert.equal(m.state, 'MASTER');
  assert.deepEqual(transitions(log), ['0: INIT -> MASTER (startup-owner)']);
});

test('a backup hearing a higher or equal master resets its timer; a lower one is discarded (preempt)', () => {
  const p = params();
  const { m, log } = run(p, [[0, { type: 'Startup' }], [500, advert(150)], [1500, advert(100)], [2500, advert(50)]]);
  assert.equal(m.state, 'BACKUP');
  const mdi = masterDownInterval(p, 100, 1000);
  assert.deepEqual(timerAt(log, 'masterDown'), [mdi, 500 + mdi, 1500 + mdi]);
});

test('nopreempt: a backup keeps resetting its timer even for a lower-priority master', () => {
  const p = params({ preempt: false });
  const { log } = run(p, [[0, { type: 'Startup' }], [500, advert(50)]]);
  assert.deepEqual(timerAt(log, 'masterDown').at(-1), 500 + masterDownInterval(p, 100, 1000));
});

test('preempt_delay: counted from the first lower-priority advert; the master is tolerated until it has passed', () => {
  const p = params({ preemptDelay: 10_000 });
  const { log } = run(p, [[0, { type: 'Startup' }], [1000, advert(50)], [9000, advert(50)], [10_500, advert(50)], [11_500, advert(50)]]);
  const mdi = masterDownInterval(p, 100, 1000);
  // reset at 1000, 9000 and 10500 (inside the delay, which ends at 11000), discarded at 11500
  assert.deepEqual(timerAt(log, 'masterDown'), [mdi, 1000 + mdi, 9000 + mdi, 10_500 + mdi]);
});

test('priority 0 from the master: the backup waits only the skew time (RFC 5798 §6.4.2)', () => {
  const p = params({ basePriority: 110 });
  const { log } = run(p, [[0, { type: 'Startup' }], [2000, advert(0)]]);
  assert.equal(timerAt(log, 'masterDown').at(-1), 2000 + ((256 - 110) * 1000) / 256);
});

test('a master yields to a higher priority, and to an equal priority from a higher address', () => {
  const p = params();
  const toMaster: Array<[number, VrrpEvent]> = [[0, { type: 'Startup' }], [3700, expire('masterDown')]];
  const higher = run(p, [...toMaster, [4000, advert(120)]]);
  assert.equal(higher.m.state, 'BACKUP');
  assert.deepEqual(higher.log.filter(([t]) => t === 4000).map(([, a]) => a.type), ['CancelTimer', 'CancelTimer', 'CancelTimer', 'DelVips', 'Transition', 'ArmTimer']);
  assert.equal(run(p, [...toMaster, [4000, advert(100, '192.0.2.30')]]).m.state, 'BACKUP');
  assert.equal(run(p, [...toMaster, [4000, advert(100, '192.0.2.5')]]).m.state, 'MASTER');
});

test('a master hearing a lower priority re-asserts and re-GARPs, unless lower_prio_no_advert', () => {
  const toMaster: Array<[number, VrrpEvent]> = [[0, { type: 'Startup' }], [3700, expire('masterDown')]];
  const loud = run(params(), [...toMaster, [4000, advert(50)]]);
  assert.deepEqual(loud.log.filter(([t]) => t === 4000).map(([, a]) => a.type), ['LowerPriorityAdvert', 'SendAdvert', 'ArmTimer', 'SendGarp', 'ArmTimer']);
  const quiet = run(params({ lowerPrioNoAdvert: true }), [...toMaster, [4000, advert(50)]]);
  assert.deepEqual(quiet.log.filter(([t]) => t === 4000).map(([, a]) => a.type), ['LowerPriorityAdvert']);
});

test('VRRPv3 learns the master advert interval; VRRPv2 keeps its own', () => {
  const v3 = params({ version: 3, advertInt: 1000 });
  const r3 = run(v3, [[0, { type: 'Startup' }], [100, advert(200, '192.0.2.20', 200)]]);
  assert.equal(r3.m.masterAdverInt, 200);
  assert.equal(timerAt(r3.log, 'masterDown').at(-1), 100 + masterDownInterval(v3, 100, 200));
  const r2 = run(params(), [[0, { type: 'Startup' }], [100, advert(200, '192.0.2.20', 2000)]]);
  assert.equal(r2.m.masterAdverInt, 1000);
});

test('fault: a master sends priority 0 and releases; clearing the last fault returns to BACKUP', () => {
  const p = params();
  const { m, log } = run(p, [
    [0, { type: 'Startup' }],
    [3700, expire('masterDown')],
    [5000, { type: 'FaultChanged', fault: true, reason: 'eth0 down' }],
    [5100, { type: 'FaultChanged', fault: true, reason: 'chk_down' }],
    [6000, { type: 'FaultChanged', fault: false, reason: 'eth0 down' }],
    [7000, { type: 'FaultChanged', fault: false, reason: 'chk_down' }],
  ]);
  assert.equal(m.state, 'BACKUP');
  assert.deepEqual(transitions(log), [
    '0: INIT -> BACKUP (startup)',
    '3700: BACKUP -> MASTER (master-down-timer)',
    '5000: MASTER -> FAULT (eth0 down)',
    '7000: FAULT -> BACKUP (fault-cleared)',
  ]);
  assert.deepEqual(log.find(([t, a]) => t === 5000 && a.type === 'SendAdvert')?.[1], { type: 'SendAdvert', priority: 0 });
});

test('priority changes are clamped, kept at 255 for the owner, and advertised at once by a master', () => {
  const p = params();
  const r = run(p, [[0, { type: 'Startup' }], [3700, expire('masterDown')], [4000, { type: 'PriorityChanged', effective: 80 }], [4100, { type: 'PriorityChanged', effective: 300 }]]);
  assert.deepEqual(r.log.filter(([, a]) => a.type === 'SendAdvert').map(([t, a]) => [t, (a as { priority: number }).priority]), [[3700, 100], [4000, 80], [4100, 254]]);
  const owner = run(params({ basePriority: 255 }), [[0, { type: 'Startup' }], [10, { type: 'PriorityChanged', effective: 200 }]]);
  assert.equal(owner.m.priority, 255);
});

test('shutdown: a master sends priority 0 and releases its VIPs; unknown pairs are reported, not acted on', () => {
  const p = params();
  const { m, log } = run(p, [[0, { type: 'Startup' }], [3700, expire('masterDown')], [5000, { type: 'Shutdown', release: true }], [5001, expire('adver')]]);
  assert.equal(m.state, 'INIT');
  assert.deepEqual(log.filter(([t]) => t >= 5000).map(([, a]) => a.type), ['SendAdvert', 'CancelTimer', 'CancelTimer', 'CancelTimer', 'DelVips', 'Transition', 'Ignored']);
});

test('a priority change in BACKUP moves the running master-down timer by the change in skew', () => {
  const p = params();
  const { log } = run(p, [[0, { type: 'Startup' }], [1000, { type: 'PriorityChanged', effective: 200 }]]);
  const mdi100 = masterDownInterval(p, 100, 1000);
  assert.deepEqual(timerAt(log, 'masterDown'), [mdi100, mdi100 + masterDownInterval(p, 200, 1000) - mdi100]);
});

test('sync group events: follow to MASTER at once, back to BACKUP without a priority-0 advert', () => {
  const p = params();
  const up = run(p, [[0, { type: 'Startup' }], [500, { type: 'SyncToMaster', reason: 'sync group G' }]]);
  assert.deepEqual(transitions(up.log), ['0: INIT -> BACKUP (startup)', '500: BACKUP -> MASTER (sync group G)']);
  const down = run(p, [[500, { type: 'SyncToBackup', reason: 'sync group G' }]], up.m);
  assert.equal(down.m.state, 'BACKUP');
  assert.deepEqual(down.types, ['CancelTimer', 'CancelTimer', 'CancelTimer', 'DelVips', 'Transition', 'ArmTimer']);
});

test('owner conflict: the owner demotes itself to 254 for good and yields', () => {
  const p = params({ basePriority: 255 });
  const { m, log } = run(p, [[0, { type: 'Startup' }], [100, { type: 'OwnerConflict' }], [200, { type: 'PriorityChanged', effective: 255 }]]);
  assert.equal(m.state, 'BACKUP');
  assert.equal(m.priority, 254);
  assert.deepEqual(transitions(log), ['0: INIT -> MASTER (startup-owner)', '100: MASTER -> BACKUP (owner-conflict)']);
});

test('leaving FAULT forgets the master interval learnt before it (VRRPv3)', () => {
  const p = params({ version: 3, advertInt: 1000 });
  const { m } = run(p, [
    [0, { type: 'Startup' }],
    [100, advert(200, '192.0.2.20', 200)],
    [200, { type: 'FaultChanged', fault: true, reason: 'eth0 down' }],
    [300, { type: 'FaultChanged', fault: false, reason: 'eth0 down' }],
  ]);
  assert.equal(m.masterAdverInt, 1000);
});
