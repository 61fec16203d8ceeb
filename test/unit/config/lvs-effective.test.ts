// The effective LVS settings: a value left out takes the real server's, then
// the virtual server's, then keepalived 2.2.7's default for the checker kind
// (check_data.c validate_check_config, check_*.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../../src/config/load.js';
import {
  checkerTarget, checkerTiming, forwarding, groupOf, hexBytes, inhibitOnFailure, miscScript, persistenceTimeout, protocol, quorum,
  realServerPort, realServerWeight, scheduler, smtpAlert, sorryServerForwarding, urlVirtualhost, virtualServerLabel,
} from '../../../src/config/effective-lvs.js';
import type { HttpChecker, MiscChecker } from '../../../src/config/schema/checkers.js';

/** The first virtual server of `text`, with its group and the configuration. */
function first(text: string) {
  const { config } = loadConfigText(text);
  const vs = config.virtualServer[0]!;
  return { config, vs, group: groupOf(vs, config.virtualServerGroup), rs: vs.realServer };
}

const checkersOf = (vsBody: string, rsBody: string, checkers: string) =>
  first(`virtual_server 192.0.2.10 80 {\n${vsBody}\n real_server 192.0.2.21 8080 {\n${rsBody}\n${checkers}\n }\n}\n`);

test('checker timing defaults per kind when nothing is set above the checker', () => {
  const { vs, rs } = checkersOf('', '', 'TCP_CHECK {\n}\nHTTP_GET {\n url {\n path /\n }\n}\nDNS_CHECK {\n}\nMISC_CHECK {\n misc_path /bin/true\n}\nFILE_CHECK {\n track_file f\n}');
  const [tcp, http, dns, misc, file] = rs[0]!.checkers.map((c) => checkerTiming(vs, rs[0]!, c));
  assert.deepEqual(tcp, { delayLoop: 60, retry: 1, delayBeforeRetry: 1, warmup: 60, alpha: false, connectTimeout: 5 });
  assert.deepEqual(http, { delayLoop: 60, retry: 1, delayBeforeRetry: 3, warmup: 60, alpha: false, connectTimeout: 5 });
  // DNS: 3 retries, and it waits a delay_loop before each
  assert.deepEqual(dns, { delayLoop: 60, retry: 3, delayBeforeRetry: 60, warmup: 60, alpha: false, connectTimeout: 5 });
  // MISC: no retry, and no connect timeout (its script has misc_timeout)
  assert.deepEqual(misc, { delayLoop: 60, retry: 0, delayBeforeRetry: 1, warmup: 60, alpha: false });
  assert.equal(file!.alpha, false);
});

test('each timing value comes from the checker, else the real server, else the virtual server', () => {
  const vsBody = ' delay_loop 10\n connect_timeout 4\n retry 5\n delay_before_retry 6\n warmup 7\n alpha';
  const fromVs = checkersOf(vsBody, '', 'TCP_CHECK {\n}');
  assert.deepEqual(checkerTiming(fromVs.vs, fromVs.rs[0]!, fromVs.rs[0]!.checkers[0]!), { delayLoop: 10, retry: 5, delayBeforeRetry: 6, warmup: 7, alpha: true, connectTimeout: 4 });
  const fromRs = checkersOf(vsBody, ' delay_loop 20\n connect_timeout 3\n retry 2\n delay_before_retry 1\n warmup 0\n alpha off', 'TCP_CHECK {\n}');
  assert.deepEqual(checkerTiming(fromRs.vs, fromRs.rs[0]!, fromRs.rs[0]!.checkers[0]!), { delayLoop: 20, retry: 2, delayBeforeRetry: 1, warmup: 0, alpha: false, connectTimeout: 3 });
  const own = checkersOf(vsBody, ' delay_loop 20', 'TCP_CHECK {\n delay_loop 30\n retry 0\n alpha\n}');
  assert.deepEqual(checkerTiming(own.vs, own.rs[0]!, own.rs[0]!.checkers[0]!), { delayLoop: 30, retry: 0, delayBeforeRetry: 6, warmup: 7, alpha: true, connectTimeout: 4 });
  // warmup follows the checker's own delay_loop when nothing sets it
  const warm = checkersOf('', '', 'TCP_CHECK {\n delay_loop 2\n}');
  assert.equal(checkerTiming(warm.vs, warm.rs[0]!, warm.rs[0]!.checkers[0]!).warmup, 2);
});

test('where a checker connects: connect_ip/connect_port, else the real server', () => {
  const { vs, rs } = checkersOf(' lvs_method NAT', '', 'TCP_CHECK {\n}\nTCP_CHECK {\n connect_ip 192.0.2.121\n connect_port 81\n}');
  assert.deepEqual(checkerTarget(vs, rs[0]!, rs[0]!.checkers[0]!), { address: '192.0.2.21', port: 8080 });
  assert.deepEqual(checkerTarget(vs, rs[0]!, rs[0]!.checkers[1]!), { address: '192.0.2.121', port: 81 });
});

test('the Host header: url, checker, real server, virtual server', () => {
  const { vs, rs } = checkersOf(' virtualhost vs.example', ' virtualhost rs.example', 'HTTP_GET {\n virtualhost chk.example\n url {\n path /\n virtualhost url.example\n }\n url {\n path /b\n }\n}\nHTTP_GET {\n url {\n path /\n }\n}');
  const [a, b] = rs[0]!.checkers as HttpChecker[];
  assert.equal(urlVirtualhost(vs, rs[0]!, a!, a!.url[0]!), 'url.example');
  assert.equal(urlVirtualhost(vs, rs[0]!, a!, a!.url[1]!), 'chk.example');
  assert.equal(urlVirtualhost(vs, rs[0]!, b!, b!.url[0]!), 'rs.example');
  const bare = checkersOf(' virtualhost vs.example', '', 'HTTP_GET {\n url {\n path /\n }\n}');
  const c = bare.rs[0]!.checkers[0] as HttpChecker;
  assert.equal(urlVirtualhost(bare.vs, bare.rs[0]!, c, c.url[0]!), 'vs.example');
});

test('MISC_CHECK script: its user, and misc_timeout or else the virtual server’s delay_loop', () => {
  const { vs, rs } = checkersOf(' delay_loop 12', '', 'MISC_CHECK {\n misc_path "/bin/check a"\n user nobody\n}\nMISC_CHECK {\n misc_path /bin/true\n misc_timeout 4\n}');
  const [a, b] = rs[0]!.checkers as MiscChecker[];
  assert.deepEqual(miscScript(vs, a!), { command: '/bin/check a', runner: 'exec', user: 'nobody', timeout: 12 });
  assert.deepEqual(miscScript(vs, b!), { command: '/bin/true', runner: 'exec', timeout: 4 });
});

test('forwarding: the real server’s method, else the virtual server’s, else NAT; TUN defaults to ipip without checksum', () => {
  const { vs, rs } = first('virtual_server 192.0.2.10 80 {\n lvs_method TUN\n sorry_server 192.0.2.30\n real_server 192.0.2.21 {\n }\n real_server 192.0.2.22 {\n  lvs_method DR\n }\n}\n');
  assert.deepEqual(forwarding(vs, rs[0]), { method: 'TUN', tunnelType: 'ipip', tunnelCsum: 'nocsum' });
  assert.deepEqual(forwarding(vs, rs[1]), { method: 'DR' });
  assert.deepEqual(sorryServerForwarding(vs), { method: 'TUN', tunnelType: 'ipip', tunnelCsum: 'nocsum' });
  const bare = first('virtual_server 192.0.2.10 80 {\n sorry_server_lvs_method DR\n real_server 192.0.2.21 {\n }\n}\n');
  assert.deepEqual(forwarding(bare.vs, bare.rs[0]), { method: 'NAT' });
  assert.deepEqual(sorryServerForwarding(bare.vs), { method: 'DR' });
  assert.equal(scheduler(bare.vs), 'wlc');
});

test('weight and inhibit_on_failure: the real server’s, else the virtual server’s', () => {
  const { vs, rs } = first('virtual_server 192.0.2.10 80 {\n weight 3\n inhibit_on_failure\n real_server 192.0.2.21 {\n }\n real_server 192.0.2.22 {\n  weight 0\n  inhibit_on_failure off\n }\n}\n');
  assert.deepEqual(rs.map((r) => [realServerWeight(vs, r), inhibitOnFailure(vs, r)]), [[3, true], [0, false]]);
});

test('destination ports: NAT keeps its own, DR takes the service’s, a fwmark service has none, a group’s entries decide', () => {
  const addr = first('virtual_server 192.0.2.10 80 {\n real_server 192.0.2.21 {\n }\n}\n');
  assert.equal(realServerPort(addr.vs, { port: 8080 }, 'NAT'), 8080);
  assert.equal(realServerPort(addr.vs, {}, 'NAT'), 80);
  assert.equal(realServerPort(addr.vs, { port: 8080 }, 'DR'), 80);
  const fw = first('virtual_server fwmark 1 {\n real_server 192.0.2.21 {\n }\n}\n');
  assert.equal(realServerPort(fw.vs, { port: 8080 }, 'DR'), undefined);
  assert.equal(realServerPort(fw.vs, { port: 8080 }, 'NAT'), 8080);
  const grp = first('virtual_server group g {\n real_server 192.0.2.21 {\n }\n}\n');
  assert.equal(realServerPort(grp.vs, { port: 8080 }, 'DR'), 8080);
});

test('protocol: UDP when left out for an address service, none for a fwmark service', () => {
  assert.equal(protocol(first('virtual_server 192.0.2.10 80 {\n}\n').vs), 'UDP');
  assert.equal(protocol(first('virtual_server 192.0.2.10 80 {\n protocol tcp\n}\n').vs), 'TCP');
  assert.equal(protocol(first('virtual_server fwmark 1 {\n protocol TCP\n}\n').vs), undefined);
  const marks = first('virtual_server_group g {\n fwmark 1\n}\nvirtual_server group g {\n protocol TCP\n}\n');
  assert.equal(protocol(marks.vs, marks.group), undefined);
  const mixed = first('virtual_server_group g {\n fwmark 1\n 192.0.2.10 80\n}\nvirtual_server group g {\n protocol TCP\n}\n');
  assert.equal(protocol(mixed.vs, mixed.group), 'TCP');
});

test('persistence: as written, 360 s when a granularity or a missing port implies it, else none', () => {
  const p = (text: string) => {
    const { vs, group } = first(text);
    return persistenceTimeout(vs, group);
  };
  assert.equal(p('virtual_server 192.0.2.10 80 {\n persistence_timeout 50\n}\n'), 50);
  assert.equal(p('virtual_server 192.0.2.10 80 {\n}\n'), 0);
  assert.equal(p('virtual_server 192.0.2.10 80 {\n persistence_granularity 255.255.255.0\n}\n'), 360);
  assert.equal(p('virtual_server 192.0.2.10 {\n}\n'), 360);
  assert.equal(p('virtual_server fwmark 1 {\n}\n'), 0);
  assert.equal(p('virtual_server_group g {\n 192.0.2.10\n}\nvirtual_server group g {\n}\n'), 360);
});

test('quorum as keepalived runs it: lowered to the total weight, hysteresis kept below it', () => {
  const q = (body: string) => quorum(first(`virtual_server 192.0.2.10 80 {\n${body}\n real_server 192.0.2.21 {\n  weight 2\n }\n real_server 192.0.2.22 {\n }\n}\n`).vs);
  assert.deepEqual(q(' quorum 2\n hysteresis 1'), { quorum: 2, hysteresis: 1, weightSum: 3 });
  assert.deepEqual(q(' quorum 5\n hysteresis 1'), { quorum: 3, hysteresis: 1, weightSum: 3 });
  assert.deepEqual(q(' quorum 3\n hysteresis 3'), { quorum: 3, hysteresis: 2, weightSum: 3 });
});

test('smtp_alert: the level’s own, then global smtp_alert_checker, then smtp_alert, then off (virtual) or on (real)', () => {
  assert.equal(smtpAlert(undefined, 'virtual'), false);
  assert.equal(smtpAlert(undefined, 'real'), true);
  assert.equal(smtpAlert(undefined, 'real', { smtpAlert: false }), false);
  assert.equal(smtpAlert(undefined, 'virtual', { smtpAlert: false, smtpAlertChecker: true }), true);
  assert.equal(smtpAlert(false, 'real', { smtpAlertChecker: true }), false);
});

test('UDP_CHECK hex strings as bytes and don’t-care masks', () => {
  assert.deepEqual(hexBytes('Ab12f 3 456'), { data: Uint8Array.from([0xab, 0x12, 0x0f, 0x03, 0x45, 0x06]), mask: Uint8Array.from([0, 0, 0, 0, 0, 0]) });
  assert.deepEqual(hexBytes('01 xX 2x'), { data: Uint8Array.from([0x01, 0x00, 0x20]), mask: Uint8Array.from([0x00, 0xff, 0x0f]) });
});

test('how a virtual server is named in messages', () => {
  assert.equal(virtualServerLabel(first('virtual_server 2001:db8::10 443 {\n}\n').vs), '[2001:db8::10]:443');
  assert.equal(virtualServerLabel(first('virtual_server fwmark 9 {\n}\n').vs), 'fwmark 9');
  assert.equal(virtualServerLabel(first('virtual_server group web {\n}\n').vs), 'group web');
});
