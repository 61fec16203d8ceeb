// From a vrrp_instance block to what the engine runs with: the state
// machine's milliseconds, the wire's centiseconds, and the instance's plan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instancePlan, receiveParams, unsupported, vrrpParams } from '../../../src/vrrp/params.js';
import { ipToBytes } from '../../../src/net/ip.js';
import { loadModel } from './instance-fakes.js';

function load(body: string, globals = '') {
  const config = loadModel(`global_defs {\n${globals}\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n${body}\n}`);
  const i = config.vrrpInstance[0]!;
  const g = config.globalDefs;
  return { i, g, params: vrrpParams(i, g, ipToBytes('192.0.2.10')), receive: receiveParams(i, g), plan: instancePlan(i, g) };
}

const VIP = 'virtual_ipaddress {\n 192.0.2.100/24\n 192.0.2.101\n}';

test('VRRPv2 intervals: whole seconds, milliseconds for the FSM, centiseconds on the wire', () => {
  const { params, receive, plan } = load(`advert_int 1.4\n${VIP}`);
  assert.equal(params.version, 2);
  assert.equal(params.advertInt, 1000);
  assert.equal(receive.advertInt, 100);
  assert.equal(plan.advertIntCs, 100);
});

test('VRRPv3 intervals keep centiseconds', () => {
  const { params, receive, plan } = load(`version 3\nadvert_int 0.25\n${VIP}`);
  assert.equal(params.advertInt, 250);
  assert.equal(receive.advertInt, 25);
  assert.equal(plan.advertIntCs, 25);
});

test('priorities and state as keepalived 2.2.7 reads them', () => {
  const master = load(`state MASTER\npriority 150\n${VIP}`);
  assert.deepEqual([master.params.basePriority, master.plan.initialState, master.plan.owner], [150, 'MASTER', false]);
  const owner = load(`state MASTER\n${VIP}`);
  assert.deepEqual([owner.params.basePriority, owner.plan.initialState, owner.plan.owner], [255, 'MASTER', true]);
  const backup = load(VIP);
  assert.deepEqual([backup.params.basePriority, backup.plan.initialState], [100, 'BACKUP']);
});

test('preemption settings: nopreempt, preempt_delay in ms', () => {
  assert.equal(load(`state BACKUP\nnopreempt\n${VIP}`).params.preempt, false);
  assert.equal(load(`preempt_delay 10\n${VIP}`).params.preemptDelay, 10_000);
  assert.equal(load(VIP).params.preempt, true);
});

test('GARP settings: keepalived\'s defaults (5 each, 5 s), global and per instance, vrrp_min_garp', () => {
  const d = load(VIP).params;
  assert.deepEqual([d.garpMasterRepeat, d.garpMasterDelay, d.garpLowerPrioRepeat, d.garpLowerPrioDelay, d.garpMasterRefresh], [5, 5000, 5, 5000, 0]);
  const g = load(`garp_master_repeat 3\ngarp_master_refresh 60\n${VIP}`, 'vrrp_garp_master_delay 2').params;
  assert.deepEqual([g.garpMasterRepeat, g.garpMasterDelay, g.garpMasterRefresh, g.garpMasterRefreshRepeat], [3, 2000, 60_000, 1]);
  const min = load(VIP, 'vrrp_min_garp').params;
  assert.deepEqual([min.garpMasterRepeat, min.garpMasterDelay], [1, 0]);
});

test('PASS authentication: 8 octets on the wire; none under VRRPv3', () => {
  const v2 = load(`authentication {\n auth_type PASS\n auth_pass secret\n}\n${VIP}`);
  assert.equal(v2.receive.authType, 1);
  assert.equal(v2.receive.authData!.toString('hex'), Buffer.from('secret\0\0').toString('hex'));
  assert.equal(v2.plan.authType, 1);
  const v3 = load(`version 3\nauthentication {\n auth_type PASS\n auth_pass secret\n}\n${VIP}`);
  assert.equal(v3.receive.authType, 0);
  assert.equal(v3.plan.authData, undefined);
});

test('multicast: the group, the VIPs in config order, the addresses to add (VIPs, then excluded) with their devices', () => {
  const { plan, receive } = load(`${VIP}\nvirtual_ipaddress_excluded {\n 2001:db8::7/64 dev eth1\n}`);
  assert.equal(plan.mcastGroup, '224.0.0.18');
  assert.deepEqual(plan.advertAddresses, ['192.0.2.100', '192.0.2.101']);
  assert.deepEqual(receive.vips, ['192.0.2.100', '192.0.2.101']);
  assert.deepEqual(
    plan.addresses.map((a) => [a.address, a.prefix, a.dev, a.flags.nodad]),
    [
      ['192.0.2.100', 24, 'eth0', false],
      ['192.0.2.101', 32, 'eth0', false],
      // keepalived adds IPv6 VIPs without DAD
      ['2001:db8::7', 64, 'eth1', true],
    ],
  );
  assert.equal(receive.unicast, false);
});

test('IPv6 runs VRRPv3 to ff02::12', () => {
  const { params, plan } = load('virtual_ipaddress {\n fe80::1/64\n 2001:db8::1/64\n}');
  assert.deepEqual([params.version, plan.family, plan.mcastGroup], [3, 6, 'ff02::12']);
});

test('unicast: peers, TTL, source; check_unicast_src turns on the peer check with TTL ranges', () => {
  const { plan, receive } = load(`${VIP}\nunicast_src_ip 192.0.2.10\nunicast_peer {\n 192.0.2.20 min_ttl 250\n 192.0.2.30\n}`);
  assert.equal(plan.mcastGroup, undefined);
  assert.deepEqual(plan.unicastPeers, ['192.0.2.20', '192.0.2.30']);
  assert.deepEqual([plan.ttl, plan.sourceAddress], [255, '192.0.2.10']);
  assert.equal(receive.unicast, true);
  assert.deepEqual(receive.peers, [
    { address: '192.0.2.20', minTtl: 250, maxTtl: 255 },
    { address: '192.0.2.30', minTtl: 0, maxTtl: 255 },
  ]);
});

test('the VRRPv3 unicast checksum rule follows old_unicast_checksum', () => {
  const uni = `version 3\n${VIP}\nunicast_peer {\n 192.0.2.20\n}`;
  assert.deepEqual(load(uni).plan.checksum, { send: 'rfc', accept: ['rfc', 'mcast-dst'], autoSwitch: true });
  assert.deepEqual(load(`${uni}\nold_unicast_checksum`).plan.checksum, { send: 'mcast-dst', accept: ['mcast-dst'], autoSwitch: false });
  assert.deepEqual(load(`${uni}\nold_unicast_checksum never`).plan.checksum, { send: 'rfc', accept: ['rfc'], autoSwitch: false });
  assert.deepEqual(load(`version 3\n${VIP}`).plan.checksum, { send: 'rfc', accept: ['rfc'], autoSwitch: false });
});

test('what this build cannot run is named', () => {
  assert.match(unsupported(load(`authentication {\n auth_type AH\n auth_pass x\n}\n${VIP}`).i, {}) ?? '', /AH/);
  assert.match(unsupported(load(`use_vmac\n${VIP}`).i, {}) ?? '', /use_vmac/);
  assert.equal(unsupported(load(VIP).i, {}), undefined);
});
