// One VRRP instance driven through fake ports and a fake clock: what it
// sends, when, and what it asks of the kernel, for the scenarios RFC 5798
// and keepalived 2.2.7 define (startup, election, failover, priority 0,
// preemption, address owner, VIP order, GARP bursts, timer precision).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { repoPath } from '../../helpers/repo.js';
import { FakeScheduler, makeInstance, peerPacket, settle } from './instance-fakes.js';

/** the configuration the keepalived fixture adverts were captured with (test/fixtures/vrrp/capture.sh) */
const V2PASS = `
vrrp_instance VI_1 {
  state MASTER
  interface veth0
  virtual_router_id 51
  priority 150
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass nfsuser1
  }
  virtual_ipaddress {
    192.0.2.100/24
    192.0.2.101
  }
}`;

const instance = (body: string, globals = '') => `
global_defs {
${globals}
}
vrrp_instance VI_1 {
  interface veth0
  virtual_router_id 51
  advert_int 1
  virtual_ipaddress {
    192.0.2.100
  }
${body}
}`;

/** Master_Down_Interval of a VRRPv2 instance advertising each second (RFC 3768 §6.1) */
const downInterval = (priority: number) => 3000 + ((256 - priority) * 1000) / 256;

test('state MASTER with priority 150 starts BACKUP and takes over when the master-down timer runs out, as keepalived 2.2.7 does', () => {
  const { vrrp, ports, scheduler } = makeInstance(V2PASS);
  vrrp.start();
  assert.equal(vrrp.state, 'BACKUP');
  assert.deepEqual(ports.messages().slice(-1), ['(VI_1) Entering BACKUP STATE (init)']);
  scheduler.runUntil(downInterval(150) - 0.001);
  assert.equal(vrrp.state, 'BACKUP');
  assert.equal(ports.adverts.length, 0);
  scheduler.runUntil(downInterval(150));
  assert.equal(vrrp.state, 'MASTER');
  assert.deepEqual(ports.transitions(), ['INIT -> BACKUP (startup)', 'BACKUP -> MASTER (master-down-timer)']);
  assert.ok(ports.messages().includes('(VI_1) Entering MASTER STATE'));
  assert.equal(vrrp.stats.become_master, 1);
});

test('the transition record carries instance, vrid, from, to and reason', () => {
  const { vrrp, ports, scheduler } = makeInstance(V2PASS);
  vrrp.start();
  scheduler.runUntil(4000);
  const rec = ports.records.find((r) => r.msg === '(VI_1) Entering MASTER STATE')!;
  assert.deepEqual(
    { instance: rec.instance, vrid: rec.vrid, from: rec.from, to: rec.to, reason: rec.reason, priority: rec.priority },
    { instance: 'VI_1', vrid: 51, from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer', priority: 150 },
  );
});

test('the advert is byte for byte the one keepalived 2.2.7 sends for the same configuration', () => {
  const fixture = JSON.parse(readFileSync(repoPath('test/fixtures/vrrp/keepalived-2.2.7-adverts.json'), 'utf8')) as { frames: Array<{ name: string; frame: string }> };
  const frame = Buffer.from(fixture.frames.find((f) => f.name === 'v2 PASS, two IPv4 VIPs')!.frame, 'hex');
  const { vrrp, ports, scheduler } = makeInstance(V2PASS);
  vrrp.start();
  scheduler.runUntil(4000);
  const sent = ports.adverts[0]!;
  // Ethernet (14) and IPv4 (20) headers are the socket's business
  assert.equal(sent.message.toString('hex'), frame.subarray(34).toString('hex'));
  assert.equal(sent.src, '192.0.2.10');
  assert.equal(sent.dst, '224.0.0.18');
});

test('timer precision: adverts at exact multiples of the interval, even when each callback runs late', () => {
  const scheduler = new FakeScheduler();
  // every callback runs 0.7 ms after its time, as a busy event loop would
  scheduler.lateness = 0.7;
  const { vrrp, ports } = makeInstance(V2PASS, { scheduler });
  vrrp.start();
  scheduler.runUntil(20_000);
  const t0 = downInterval(150);
  const times = ports.adverts.map((a) => a.at);
  assert.ok(times.length >= 16);
  // each advert leaves 0.7 ms late, never later: the lateness does not accumulate
  times.forEach((t, k) => assert.ok(Math.abs(t - (t0 + k * 1000 + 0.7)) < 1e-6, `advert ${k} at ${t}`));
  assert.equal(vrrp.timerDue('adver'), t0 + times.length * 1000);
});

test('after a stall of more than an interval the adverts restart from now instead of catching up in a burst', () => {
  const { vrrp, ports, scheduler } = makeInstance(V2PASS);
  vrrp.start();
  scheduler.runUntil(downInterval(150) + 0.5);
  scheduler.lateness = 2500;
  scheduler.runUntil(downInterval(150) + 1000 + 2500);
  scheduler.lateness = 0;
  scheduler.runUntil(downInterval(150) + 6000);
  const gaps = ports.adverts.slice(1).map((a, k) => a.at - ports.adverts[k]!.at);
  assert.deepEqual(gaps, [3500, 1000, 1000]);
});

test('an advert that left more than 1 ms late is followed a whole interval later, not early to catch up (RFC 5798 §6.4.3)', () => {
  const { vrrp, ports, scheduler } = makeInstance(V2PASS);
  vrrp.start();
  const t0 = downInterval(150);
  scheduler.runUntil(t0 + 1000 + 0.5);
  // one expiry 2.5 ms late, the next ones on time
  scheduler.lateness = 2.5;
  scheduler.runUntil(t0 + 2000 + 2.5);
  scheduler.lateness = 0;
  scheduler.runUntil(t0 + 5000);
  const gaps = ports.adverts.slice(1).map((a, k) => a.at - ports.adverts[k]!.at);
  assert.deepEqual(gaps, [1000, 1002.5, 1000, 1000]);
  assert.equal(vrrp.timerDue('adver'), t0 + 5002.5);
});

test('becoming MASTER: advert first, then the VIPs in config order, then one GARP burst, a second after garp_master_delay (RFC 5798 §6.4.1)', async () => {
  const { vrrp, ports, scheduler } = makeInstance(V2PASS.replace('priority 150', 'priority 150\n  garp_master_repeat 3\n  garp_master_delay 2'));
  vrrp.start();
  scheduler.runUntil(downInterval(150));
  await settle();
  const t = downInterval(150);
  assert.equal(ports.adverts[0]!.at, t);
  assert.deepEqual(ports.kernel, [
    { at: t, op: 'add', address: '192.0.2.100', dev: 'veth0' },
    { at: t, op: 'add', address: '192.0.2.101', dev: 'veth0' },
  ]);
  // keepalived sends rounds over all VIPs: 100, 101, 100, 101, 100, 101
  const burst = ['192.0.2.100', '192.0.2.101', '192.0.2.100', '192.0.2.101', '192.0.2.100', '192.0.2.101'];
  assert.deepEqual(ports.announced, [{ at: t, dev: 'veth0', addresses: burst }]);
  scheduler.runUntil(t + 2000);
  await settle();
  assert.deepEqual(ports.announced[1], { at: t + 2000, dev: 'veth0', addresses: burst });
  assert.ok(ports.messages().includes('(VI_1) setting VIPs.'));
});

test('excluded VIPs are added and announced but not carried in adverts; a VIP with dev goes there', async () => {
  const { vrrp, ports } = makeInstance(
    instance('priority 255\nvirtual_ipaddress_excluded {\n 198.51.100.7/24 dev veth1\n 2001:db8::7/64\n}\ngarp_master_repeat 1\ngarp_master_delay 0'),
  );
  vrrp.start();
  await settle();
  assert.deepEqual(ports.adverts[0]!.advert.addresses, ['192.0.2.100']);
  assert.deepEqual(
    ports.kernel.map((k) => `${k.address}@${k.dev}`),
    ['192.0.2.100@veth0', '198.51.100.7@veth1', '2001:db8::7@veth0'],
  );
  assert.deepEqual(
    ports.announced.map((a) => [a.dev, a.addresses]),
    [
      ['veth0', ['192.0.2.100', '2001:db8::7']],
      ['veth1', ['198.51.100.7']],
    ],
  );
});

test('address owner (priority 255) takes over at once (RFC 5798 §6.4.1)', () => {
  const { vrrp, ports } = makeInstance(instance('priority 255'));
  vrrp.start();
  assert.equal(vrrp.state, 'MASTER');
  assert.deepEqual(ports.transitions(), ['INIT -> MASTER (startup-owner)']);
  assert.equal(ports.adverts[0]!.at, 0);
  assert.equal(ports.adverts[0]!.advert.priority, 255);
});

test('election: a backup hearing a higher priority stays BACKUP; when the adverts stop it takes over one Master_Down_Interval after the last', () => {
  const { vrrp, ports, scheduler } = makeInstance(instance('priority 100'));
  vrrp.start();
  for (let t = 500; t <= 10_500; t += 1000) {
    scheduler.runUntil(t);
    vrrp.receive(peerPacket({ priority: 200 }));
  }
  assert.equal(vrrp.state, 'BACKUP');
  assert.equal(vrrp.stats.advert_rcvd, 11);
  scheduler.runUntil(10_500 + downInterval(100) - 0.001);
  assert.equal(vrrp.state, 'BACKUP');
  scheduler.runUntil(10_500 + downInterval(100));
  assert.equal(vrrp.state, 'MASTER');
  assert.equal(ports.adverts[0]!.at, 10_500 + downInterval(100));
});

test('failover: a priority-0 advert lets the backup take over after Skew_Time only (RFC 5798 §6.4.2)', () => {
  const { vrrp, ports, scheduler } = makeInstance(instance('priority 110'));
  vrrp.start();
  scheduler.runUntil(500);
  vrrp.receive(peerPacket({ priority: 200 }));
  scheduler.runUntil(1000);
  vrrp.receive(peerPacket({ priority: 0 }));
  assert.equal(vrrp.stats.pri_zero_rcvd, 1);
  // keepalived's lab figure: (256 - 110) / 256 s = 0.570 s
  scheduler.runUntil(1000 + (146 * 1000) / 256);
  assert.equal(vrrp.state, 'MASTER');
  assert.equal(ports.adverts[0]!.at, 1000 + (146 * 1000) / 256);
  assert.ok(ports.messages().includes('(VI_1) Backup received priority 0 advertisement'));
});

test('a MASTER hearing priority 0 answers at once with its own advert', () => {
  const { vrrp, ports, scheduler } = makeInstance(instance('priority 255'));
  vrrp.start();
  scheduler.runUntil(300);
  vrrp.receive(peerPacket({ priority: 0 }));
  assert.deepEqual(
    ports.adverts.map((a) => a.at),
    [0, 300],
  );
  assert.equal(vrrp.timerDue('adver'), 1300);
});

test('preemption: a higher-priority backup discards a lower master\'s adverts and takes over', () => {
  const { vrrp, ports, scheduler } = makeInstance(instance('priority 150'));
  vrrp.start();
  for (let t = 100; t <= 5100; t += 1000) {
    scheduler.runUntil(t);
    vrrp.receive(peerPacket({ priority: 100 }));
  }
  assert.equal(vrrp.state, 'MASTER');
  assert.equal(ports.adverts[0]!.at, downInterval(150));
  assert.ok(ports.messages().includes('(VI_1) received lower priority (100) advert from 192.0.2.20 - discarding'));
});

test('nopreempt: a higher-priority backup leaves a live lower master alone', () => {
  const { vrrp, scheduler } = makeInstance(instance('state BACKUP\npriority 150\nnopreempt'));
  vrrp.start();
  for (let t = 100; t <= 20_100; t += 1000) {
    scheduler.runUntil(t);
    vrrp.receive(peerPacket({ priority: 100 }));
  }
  assert.equal(vrrp.state, 'BACKUP');
});

test('preempt_delay: the backup waits the delay after first hearing the lower master, then preempts', () => {
  const { vrrp, ports, scheduler } = makeInstance(instance('state BACKUP\npriority 150\npreempt_delay 10'));
  vrrp.start();
  for (let t = 100; t <= 30_100; t += 1000) {
    scheduler.runUntil(t);
    if (vrrp.state === 'BACKUP') vrrp.receive(peerPacket({ priority: 100 }));
  }
  assert.equal(vrrp.state, 'MASTER');
  // adverts up to 9.1 s fall inside the delay and reset the timer; from 10.1 s on they are discarded
  assert.equal(ports.adverts[0]!.at, 9100 + downInterval(150));
});

test('a MASTER hearing a higher priority releases its VIPs and becomes BACKUP', async () => {
  const { vrrp, ports, scheduler } = makeInstance(instance('priority 255'));
  vrrp.start();
  await settle();
  scheduler.runUntil(2500);
  vrrp.receive(peerPacket({ priority: 255, source: '192.0.2.200' }));
  await settle();
  assert.equal(vrrp.state, 'BACKUP');
  assert.deepEqual(ports.kernel.map((k) => k.op), ['add', 'remove']);
  assert.equal(vrrp.stats.release_master, 1);
  assert.equal(vrrp.masterAddress, '192.0.2.200', 'the router that took MASTER from it is the master it follows, before its next advert');
});

test('masterAddress: the source of the adverts that hold a BACKUP; none while MASTER', async () => {
  const { vrrp, scheduler } = makeInstance(instance('priority 100'));
  vrrp.start();
  assert.equal(vrrp.masterAddress, undefined, 'no master heard yet');
  vrrp.receive(peerPacket({ priority: 200, source: '192.0.2.201' }));
  assert.equal(vrrp.masterAddress, '192.0.2.201');
  vrrp.receive(peerPacket({ priority: 50, source: '192.0.2.202' }));
  assert.equal(vrrp.masterAddress, '192.0.2.201', 'a lower priority advert is discarded, not followed');
  scheduler.runUntil(downInterval(100) + 5000);
  await settle();
  assert.equal(vrrp.state, 'MASTER');
  assert.equal(vrrp.masterAddress, undefined);
});

test('a MASTER hearing a lower priority re-asserts itself at once and repairs ARP caches after garp_lower_prio_delay', async () => {
  const { vrrp, ports, scheduler } = makeInstance(instance('priority 200\ngarp_lower_prio_repeat 2\ngarp_lower_prio_delay 1'));
  vrrp.start();
  scheduler.runUntil(downInterval(200) + 300);
  await settle();
  const before = ports.announced.length;
  vrrp.receive(peerPacket({ priority: 100 }));
  await settle();
  assert.equal(ports.adverts.at(-1)!.at, downInterval(200) + 300);
  assert.equal(ports.announced.length, before + 1);
  assert.ok(ports.messages().includes('(VI_1) Received advert from 192.0.2.20 with lower priority 100, ours 200, forcing new election'));
});

test('owner conflict: a MASTER with priority 255 hearing another 255 lowers itself to 254 for good and yields', () => {
  const { vrrp, ports, scheduler } = makeInstance(instance('priority 255'));
  vrrp.start();
  scheduler.runUntil(500);
  vrrp.receive(peerPacket({ priority: 255, source: '192.0.2.5' }));
  assert.equal(vrrp.state, 'BACKUP');
  assert.equal(vrrp.priority, 254);
  assert.ok(ports.messages().some((m) => m.startsWith('(VI_1) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner')));
  // tracking cannot lift it back to 255
  vrrp.setTrackingWeight(10);
  assert.equal(vrrp.priority, 254);
});

test('shutdown: a MASTER sends priority 0 and releases its VIPs (RFC 5798 §6.4.3); -V keeps both', async () => {
  for (const release of [true, false]) {
    const { vrrp, ports } = makeInstance(instance('priority 255'));
    vrrp.start();
    await settle();
    await vrrp.stop({ release });
    assert.equal(vrrp.state, 'INIT');
    const last = ports.adverts.at(-1)!.advert.priority;
    assert.equal(last, release ? 0 : 255);
    assert.equal(vrrp.stats.pri_zero_sent, release ? 1 : 0);
    assert.deepEqual(ports.kernel.map((k) => k.op), release ? ['add', 'remove'] : ['add']);
    assert.equal(vrrp.timerDue('adver'), undefined);
  }
});

test('tracking weight changes the advertised priority at once and moves a running master-down timer', () => {
  const { vrrp, ports, scheduler } = makeInstance(instance('priority 100'));
  vrrp.start();
  assert.equal(vrrp.timerDue('masterDown'), downInterval(100));
  vrrp.setTrackingWeight(50);
  assert.equal(vrrp.priority, 150);
  assert.equal(vrrp.timerDue('masterDown'), downInterval(150));
  assert.ok(ports.messages().includes('(VI_1) Changing effective priority from 100 to 150'));
  scheduler.runUntil(downInterval(150) + 10);
  vrrp.setTrackingWeight(-500);
  assert.equal(vrrp.priority, 1);
  assert.equal(ports.adverts.at(-1)!.advert.priority, 1);
});

test('FAULT: a MASTER sends priority 0 and drops its VIPs; when the fault clears an owner is MASTER again at once', async () => {
  const { vrrp, ports, scheduler } = makeInstance(instance('priority 255'));
  vrrp.start();
  await settle();
  vrrp.setFault('interface veth0 down', true);
  await settle();
  assert.equal(vrrp.state, 'FAULT');
  assert.equal(ports.adverts.at(-1)!.advert.priority, 0);
  assert.deepEqual(ports.kernel.map((k) => k.op), ['add', 'remove']);
  // adverts are not even looked at in FAULT
  vrrp.receive(peerPacket({ priority: 100 }));
  assert.equal(vrrp.stats.advert_rcvd, 0);
  scheduler.runUntil(1000);
  vrrp.setFault('interface veth0 down', false);
  assert.equal(vrrp.state, 'MASTER');
  assert.deepEqual(ports.transitions().slice(1), ['MASTER -> FAULT (interface veth0 down)', 'FAULT -> MASTER (fault-cleared)']);
});

test('no address on the interface: FAULT until one appears', () => {
  const { vrrp, scheduler } = makeInstance(instance('priority 100'));
  vrrp.setInterfaceAddress(undefined);
  vrrp.start();
  assert.equal(vrrp.state, 'FAULT');
  scheduler.runUntil(100);
  vrrp.setInterfaceAddress('192.0.2.11');
  assert.equal(vrrp.state, 'BACKUP');
  assert.equal(vrrp.sourceAddress, '192.0.2.11');
});

test('bad adverts are counted under keepalived\'s names and change nothing', () => {
  const { vrrp, scheduler } = makeInstance(V2PASS);
  vrrp.start();
  scheduler.runUntil(100);
  const good = { priority: 200, pass: 'nfsuser1', addresses: ['192.0.2.100', '192.0.2.101'] };
  vrrp.receive(peerPacket({ ...good, pass: 'wrong' }));
  vrrp.receive(peerPacket({ ...good, pass: undefined }));
  vrrp.receive(peerPacket({ ...good, addresses: ['192.0.2.100'] }));
  vrrp.receive(peerPacket({ ...good, addresses: ['192.0.2.100', '192.0.2.102'] }));
  vrrp.receive(peerPacket({ ...good, ttl: 64 }));
  vrrp.receive(peerPacket({ ...good, maxAdverInt: 200 }));
  vrrp.receive({ ...peerPacket(good), payload: peerPacket(good).payload.subarray(0, 12) });
  const corrupt = Buffer.from(peerPacket(good).payload);
  corrupt[2] = 201;
  vrrp.receive({ ...peerPacket(good), payload: corrupt });
  vrrp.receive(peerPacket({ ...good, version: 3 }));
  const s = vrrp.stats;
  assert.deepEqual(
    [s.auth_failure, s.authtype_mismatch, s.addr_list_err, s.ip_ttl_err, s.advert_interval_err, s.packet_len_err, s.checksum_err, s.version_err],
    [1, 1, 2, 1, 1, 1, 1, 1],
  );
  // only the address-list error got as far as counting as received
  assert.equal(s.advert_rcvd, 1);
  assert.equal(vrrp.timerDue('masterDown'), downInterval(150));
  vrrp.receive(peerPacket(good));
  assert.equal(s.advert_rcvd, 2);
  assert.equal(vrrp.timerDue('masterDown'), 100 + downInterval(150));
});

test('an advert restarts the master-down timer from its arrival, by its kernel stamp, never more than one interval back', () => {
  const { vrrp, scheduler } = makeInstance(instance('priority 100'));
  vrrp.start();
  const good = { priority: 150 };
  scheduler.runUntil(500);
  vrrp.receive({ ...peerPacket(good), age: 0.75 });
  assert.equal(vrrp.timerDue('masterDown'), 500 - 0.75 + downInterval(100));
  // no stamp: from now
  scheduler.runUntil(1500);
  vrrp.receive({ ...peerPacket(good), age: -1 });
  assert.equal(vrrp.timerDue('masterDown'), 1500 + downInterval(100));
  // a stamp older than an advert interval (the realtime clock stepped): one interval back at most
  scheduler.runUntil(2500);
  vrrp.receive({ ...peerPacket(good), age: 3_600_000 });
  assert.equal(vrrp.timerDue('masterDown'), 2500 - 1000 + downInterval(100));
});

test('skip_check_adv_addr: a BACKUP checks the address list of a new master only', () => {
  const { vrrp, scheduler } = makeInstance(instance('priority 100\nskip_check_adv_addr'));
  vrrp.start();
  scheduler.runUntil(100);
  vrrp.receive(peerPacket({ priority: 200 }));
  // the same master, with another list: accepted without a look
  vrrp.receive(peerPacket({ priority: 200, addresses: ['192.0.2.99'] }));
  assert.equal(vrrp.stats.addr_list_err, 0);
  // another master with a wrong list: checked
  vrrp.receive(peerPacket({ priority: 200, addresses: ['192.0.2.99'], source: '192.0.2.21' }));
  assert.equal(vrrp.stats.addr_list_err, 1);
});

test('unicast: one advert per peer, with unicast_ttl, from unicast_src_ip', () => {
  const { vrrp, ports } = makeInstance(
    instance('priority 255\nunicast_src_ip 192.0.2.10\nunicast_ttl 10\nunicast_peer {\n 192.0.2.20\n 192.0.2.30\n}'),
  );
  vrrp.start();
  assert.deepEqual(
    ports.adverts.map((a) => [a.src, a.dst, a.ttl]),
    [
      ['192.0.2.10', '192.0.2.20', 10],
      ['192.0.2.10', '192.0.2.30', 10],
    ],
  );
  assert.equal(vrrp.stats.advert_sent, 1);
});

test('VRRPv3: centisecond intervals, and a backup learns the master\'s interval (RFC 5798 §6.4.2)', () => {
  const { vrrp, ports, scheduler } = makeInstance(instance('priority 100\nversion 3\nadvert_int 0.5'));
  vrrp.start();
  // 3 × 500 ms + (156 × 500 / 256) ms
  assert.equal(vrrp.timerDue('masterDown'), 1500 + (156 * 500) / 256);
  scheduler.runUntil(100);
  vrrp.receive(peerPacket({ priority: 200, version: 3, maxAdverInt: 100 }));
  assert.equal(vrrp.timerDue('masterDown'), 100 + 3000 + (156 * 1000) / 256);
  scheduler.runUntil(10_000);
  assert.equal(ports.adverts[0]!.advert.maxAdverInt, 50);
  const gaps = ports.adverts.slice(1).map((a, k) => a.at - ports.adverts[k]!.at);
  assert.ok(gaps.every((g) => g === 500));
});

test('a failing kernel add is logged and does not stop the instance', async () => {
  const { vrrp, ports } = makeInstance(instance('priority 255'));
  ports.failAdds = true;
  vrrp.start();
  await settle();
  assert.equal(vrrp.state, 'MASTER');
  assert.ok(ports.messages().some((m) => m.startsWith('(VI_1) cannot add 192.0.2.100/32 on veth0: EPERM')));
});
