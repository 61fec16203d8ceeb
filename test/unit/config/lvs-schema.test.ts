// virtual_server_group, virtual_server, real_server and SSL: how each keyword
// reads, what it defaults to (keepalived 2.2.7's values), and what keepalived
// rejects. The checkers are in lvs-checkers.test.ts, the cross-block checks in
// lvs-fixtures.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../../src/config/load.js';
import { addressValue, formatAddress } from '../../../src/config/schema/lvs.js';
import { canonicalIp } from '../../../src/net/ip.js';

const load = (text: string) => {
  const r = loadConfigText(text, 't.conf');
  return { ...r, codes: r.diagnostics.items.map((d) => `${d.loc?.line ?? 0} ${d.code}`) };
};

/** A virtual server with `body` lines and one real server, the settings keepalived warns about when absent given. */
const vs = (body: string, head = '192.0.2.10 80') =>
  load(`virtual_server ${head} {\n lvs_sched rr\n lvs_method NAT\n protocol TCP\n${body}\n real_server 192.0.2.21 80 {\n }\n}\n`);

test('a virtual server carries keepalived 2.2.7 defaults; inherited settings stay undefined', () => {
  const { config, codes } = vs('');
  assert.deepEqual(codes, []);
  const v = config.virtualServer[0]!;
  assert.equal(v.delayLoop, 60);
  assert.equal(v.connectTimeout, 5);
  assert.equal(v.quorum, 1);
  assert.equal(v.hysteresis, 0);
  assert.equal(v.weight, 1);
  for (const f of ['alpha', 'omega', 'haSuspend', 'inhibitOnFailure', 'ops', 'flag1', 'shPort', 'sorryServerInhibit'] as const) assert.equal(v[f], false, f);
  for (const f of ['retry', 'delayBeforeRetry', 'warmup', 'persistenceTimeout', 'smtpAlert', 'virtualhost', 'sorryServer'] as const) assert.equal(v[f], undefined, f);
  const rs = v.realServer[0]!;
  assert.deepEqual(rs, { address: '192.0.2.21', port: 80, checkers: [] });
});

test('the three heads of virtual_server: address [port], fwmark, group', () => {
  const { config, codes } = load(
    'virtual_server 2001:db8::10 443 {\n}\nvirtual_server 192.0.2.10 {\n}\nvirtual_server 192.0.2.11 0 {\n}\nvirtual_server fwmark 7 {\n}\nvirtual_server group web {\n}\n',
  );
  assert.ok(codes.every((c) => !c.includes('BAD_VALUE')), codes.join());
  const heads = config.virtualServer.map(({ address, port, fwmark, group }) => ({ address, port, fwmark, group }));
  assert.deepEqual(heads, [
    { address: '2001:db8::10', port: 443, fwmark: undefined, group: undefined },
    { address: '192.0.2.10', port: undefined, fwmark: undefined, group: undefined },
    // port 0 is keepalived's "no port"
    { address: '192.0.2.11', port: undefined, fwmark: undefined, group: undefined },
    { address: undefined, port: undefined, fwmark: 7, group: undefined },
    { address: undefined, port: undefined, fwmark: undefined, group: 'web' },
  ]);
});

test('a virtual server keepalived cannot read is dropped whole, reported at the bad word', () => {
  for (const [head, col] of [['192.0.2.300 80', 16], ['192.0.2.10 65536', 27], ['192.0.2.10 http', 27], ['fwmark', 16], ['group', 16]] as const) {
    const { config, diagnostics } = load(`virtual_server ${head} {\n  bogus_keyword\n}\n`);
    assert.equal(config.virtualServer.length, 0, head);
    assert.deepEqual(diagnostics.items.map((d) => [d.severity, d.loc?.col]), [['error', col]], head);
  }
});

test('a range or prefix after a server address is dropped with a warning, as keepalived drops it silently', () => {
  const { config, codes } = vs('', '192.0.2.10/32 80');
  assert.equal(config.virtualServer[0]!.address, '192.0.2.10');
  assert.deepEqual(codes, ['1 TSKAD_W_LVS_IGNORED_SETTING']);
});

test('lb_algo and lb_kind are silent synonyms of lvs_sched and lvs_method (keepalived 2.2.7 does not warn)', () => {
  const { config, codes } = load('virtual_server 192.0.2.10 80 {\n lb_algo wrr\n lb_kind DR\n protocol TCP\n real_server 192.0.2.21 80 {\n }\n}\n');
  assert.deepEqual(codes, []);
  assert.equal(config.virtualServer[0]!.lvsSched, 'wrr');
  assert.deepEqual(config.virtualServer[0]!.lvsMethod, { method: 'DR' });
});

test('every IPVS scheduler keepalived knows, spelled in lower case', () => {
  for (const s of ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'sh', 'dh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos']) {
    assert.equal(load(`virtual_server 192.0.2.10 80 {\n lvs_sched ${s}\n}\n`).config.virtualServer[0]!.lvsSched, s);
  }
  assert.deepEqual(load('virtual_server 192.0.2.10 80 {\n lvs_sched RR\n}\n').codes.filter((c) => c.includes('BAD')), ['2 TSKAD_E_BAD_VALUE']);
});

test('protocol is read case-insensitively, as keepalived does', () => {
  const { config } = load('virtual_server 192.0.2.10 80 {\n protocol sctp\n}\n');
  assert.equal(config.virtualServer[0]!.protocol, 'SCTP');
});

test('persistence: a bare persistence_timeout is 360 s; 1..2678400; a granularity netmask or prefix', () => {
  assert.equal(vs(' persistence_timeout').config.virtualServer[0]!.persistenceTimeout, 360);
  assert.equal(vs(' persistence_timeout 2678400').config.virtualServer[0]!.persistenceTimeout, 2678400);
  assert.deepEqual(vs(' persistence_timeout 0').codes, ['5 TSKAD_E_BAD_VALUE']);
  assert.equal(vs(' persistence_granularity 255.255.255.0').config.virtualServer[0]!.persistenceGranularity, '255.255.255.0');
  assert.equal(vs(' persistence_granularity 64', '2001:db8::1 80').config.virtualServer[0]!.persistenceGranularity, '64');
  assert.deepEqual(vs(' persistence_granularity 300.1.1.1').codes, ['5 TSKAD_E_BAD_VALUE']);
  assert.equal(vs(' persistence_engine sip').config.virtualServer[0]!.persistenceEngine, 'sip');
  assert.deepEqual(vs(' persistence_engine averyveryveryverylongname').codes, ['5 TSKAD_E_BAD_VALUE']);
});

test('lvs_method: NAT, DR, TUN with a tunnel type, port and checksum option', () => {
  const method = (words: string) => load(`virtual_server 192.0.2.10 80 {\n lvs_sched rr\n protocol TCP\n real_server 192.0.2.21 {\n }\n lvs_method ${words}\n}\n`);
  assert.deepEqual(method('TUN type gue port 6080 remcsum').config.virtualServer[0]!.lvsMethod, { method: 'TUN', tunnelType: 'gue', tunnelPort: 6080, tunnelCsum: 'remcsum' });
  assert.deepEqual(method('TUN type gre csum').config.virtualServer[0]!.lvsMethod, { method: 'TUN', tunnelType: 'gre', tunnelCsum: 'csum' });
  assert.deepEqual(method('TUN nocsum').config.virtualServer[0]!.lvsMethod, { method: 'TUN', tunnelCsum: 'nocsum' });
  // keepalived parses tunnel options after NAT or DR and ignores them; tskad says so
  const dr = method('DR type ipip');
  assert.deepEqual(dr.config.virtualServer[0]!.lvsMethod, { method: 'DR' });
  assert.deepEqual(dr.codes, ['6 TSKAD_W_LVS_IGNORED_SETTING']);
  for (const bad of ['TUN port 5', 'TUN type', 'TUN type gue port 0']) assert.deepEqual(method(bad).codes.filter((c) => c.includes('TUNNEL')), ['6 TSKAD_E_LVS_TUNNEL'], bad);
});

test('virtual_server switches take no argument: keepalived turns them on whatever follows', () => {
  const { config, codes } = vs(' alpha off\n omega\n ha_suspend\n inhibit_on_failure\n flag-1\n flag-2\n sh-fallback');
  const v = config.virtualServer[0]!;
  assert.deepEqual([v.alpha, v.omega, v.haSuspend, v.inhibitOnFailure, v.flag1, v.flag2], [true, true, true, true, true, true]);
  // and sh-fallback without lvs_sched sh is refused
  assert.deepEqual(codes, ['5 TSKAD_W_EXTRA_ARGUMENT', '11 TSKAD_E_LVS_OPTION_NOT_APPLICABLE']);
});

test('timers are seconds with microsecond resolution', () => {
  assert.equal(vs(' delay_loop 0.000001').config.virtualServer[0]!.delayLoop, 0.000001);
  assert.equal(vs(' delay_loop 2.5\n connect_timeout 4294.967295').config.virtualServer[0]!.connectTimeout, 4294.967295);
  assert.deepEqual(vs(' delay_loop 1.0000001').codes, ['5 TSKAD_E_BAD_VALUE']);
  assert.deepEqual(vs(' delay_loop 0').codes, ['5 TSKAD_E_BAD_VALUE']);
  assert.deepEqual(vs(' connect_timeout 4294.967296').codes, ['5 TSKAD_E_BAD_VALUE']);
  // retry counts from 1 on a virtual or real server (a checker takes 0)
  assert.deepEqual(vs(' retry 0').codes, ['5 TSKAD_E_BAD_VALUE']);
  assert.equal(vs(' warmup 0\n delay_before_retry 0').config.virtualServer[0]!.warmup, 0);
});

test('quorum, hysteresis, weight, scripts, sorry server and the rest of the virtual server', () => {
  const { config, codes } = vs(
    ' quorum 3\n hysteresis 1\n weight 4\n quorum_up "/usr/local/bin/up.sh vs1" nobody nogroup\n quorum_down /bin/true\n' +
      ' sorry_server 192.0.2.99\n sorry_server_inhibit\n sorry_server_lvs_method DR\n virtualhost www.example.com\n smtp_alert no\n snmp_name web\n ip_family inet',
  );
  assert.deepEqual(codes, []);
  const v = config.virtualServer[0]!;
  assert.deepEqual([v.quorum, v.hysteresis, v.weight], [3, 1, 4]);
  assert.deepEqual(v.quorumUp, { command: '/usr/local/bin/up.sh vs1', user: 'nobody', group: 'nogroup', runner: 'exec' });
  assert.deepEqual(v.quorumDown, { command: '/bin/true', runner: 'exec' });
  assert.deepEqual(v.sorryServer, { address: '192.0.2.99' });
  assert.equal(v.sorryServerInhibit, true);
  assert.deepEqual(v.sorryServerLvsMethod, { method: 'DR' });
  assert.deepEqual([v.virtualhost, v.smtpAlert, v.snmpName, v.ipFamily], ['www.example.com', false, 'web', 'inet']);
  assert.deepEqual(vs(' quorum 0').codes, ['5 TSKAD_E_BAD_VALUE']);
  assert.deepEqual(vs(' hysteresis -1').codes, ['5 TSKAD_E_BAD_VALUE']);
  assert.deepEqual(vs(' ip_family ipx').codes, ['5 TSKAD_E_BAD_VALUE']);
});

test('nat_mask and hashed are obsolete: warned about, left out of the model', () => {
  const { config, codes } = vs(' nat_mask 255.255.255.0\n hashed');
  assert.deepEqual(codes, ['5 TSKAD_W_LVS_OBSOLETE_KEYWORD', '6 TSKAD_W_LVS_OBSOLETE_KEYWORD']);
  assert.equal(config.virtualServer[0]!.natMask, undefined);
});

test('a real server: its own settings, each undefined until written so the virtual server’s apply', () => {
  const { config, codes } = load(
    'virtual_server 192.0.2.10 80 {\n lvs_sched rr\n lvs_method NAT\n protocol TCP\n real_server 192.0.2.21 80 {\n' +
      '  weight 5\n  lvs_method TUN type ipip\n  uthreshold 100\n  lthreshold 4294967295\n  inhibit_on_failure off\n' +
      '  notify_up "/bin/logger up"\n  notify_down /bin/true root\n  alpha\n  retry 2\n  delay_before_retry 0.5\n  warmup 3\n' +
      '  connect_timeout 1\n  delay_loop 7\n  smtp_alert\n  virtualhost rs.example.com\n  snmp_name rs1\n }\n}\n',
  );
  assert.deepEqual(codes, []);
  const { checkers: _c, ...rs } = config.virtualServer[0]!.realServer[0]!;
  assert.deepEqual(rs, {
    address: '192.0.2.21', port: 80, weight: 5, lvsMethod: { method: 'TUN', tunnelType: 'ipip' }, uthreshold: 100, lthreshold: 4294967295,
    inhibitOnFailure: false, notifyUp: { command: '/bin/logger up', runner: 'exec' }, notifyDown: { command: '/bin/true', user: 'root', runner: 'exec' },
    alpha: true, retry: 2, delayBeforeRetry: 0.5, warmup: 3, connectTimeout: 1, delayLoop: 7, smtpAlert: true, virtualhost: 'rs.example.com', snmpName: 'rs1',
  });
});

test('a real_server keyword used at the virtual server level is named as belonging elsewhere', () => {
  const { diagnostics } = vs(' uthreshold 5');
  assert.equal(diagnostics.items[0]!.code, 'TSKAD_E_UNKNOWN_KEYWORD');
  assert.match(diagnostics.items[0]!.hint ?? '', /real_server/);
});

test('virtual_server_group entries: addresses, ranges, prefixes and fwmarks, as first..last', () => {
  const { config, codes } = load(
    'virtual_server_group web {\n 192.0.2.10 80\n 192.0.2.11-20 80\n 192.0.2.30-192.0.2.40\n 192.0.2.48/29 8080\n 192.0.2.60 0\n' +
      ' fwmark 7\n}\nvirtual_server_group web6 {\n 2001:db8::1-ff 443\n 2001:DB8:0:0::100/120 443\n fwmark 8 inet6\n}\n',
  );
  assert.deepEqual(codes, []);
  assert.deepEqual(config.virtualServerGroup, [
    {
      name: 'web',
      entries: [
        { first: '192.0.2.10', last: '192.0.2.10', port: 80 },
        { first: '192.0.2.11', last: '192.0.2.20', port: 80 },
        { first: '192.0.2.30', last: '192.0.2.40' },
        { first: '192.0.2.48', last: '192.0.2.55', port: 8080 },
        { first: '192.0.2.60', last: '192.0.2.60' },
        { fwmark: 7 },
      ],
    },
    {
      name: 'web6',
      entries: [
        { first: '2001:db8::1', last: '2001:db8::ff', port: 443 },
        { first: '2001:DB8:0:0::100', last: '2001:db8::1ff', port: 443 },
        { fwmark: 8, family: 'inet6' },
      ],
    },
  ]);
});

test('a virtual_server_group entry keepalived rejects is reported on its line and left out', () => {
  const { config, codes } = load('virtual_server_group web {\n 192.0.2.10 80\n 2001:db8::1-2001:db8::0 80\n 192.0.2.10-192.0.2.9\n 192.0.2.5-10.5\n fwmark\n}\n');
  assert.deepEqual(codes, ['3 TSKAD_E_LVS_GROUP_ENTRY', '4 TSKAD_E_LVS_GROUP_ENTRY', '5 TSKAD_E_LVS_GROUP_ENTRY', '6 TSKAD_E_LVS_GROUP_ENTRY']);
  assert.equal(config.virtualServerGroup[0]!.entries.length, 1);
});

test('the SSL block for SSL_GET', () => {
  const { config, codes } = load('SSL {\n password secret\n ca /etc/ssl/ca.pem\n certificate /etc/ssl/c.pem\n key /etc/ssl/k.pem\n}\n');
  assert.deepEqual(codes, []);
  assert.deepEqual(config.ssl, { password: 'secret', ca: '/etc/ssl/ca.pem', certificate: '/etc/ssl/c.pem', key: '/etc/ssl/k.pem' });
  assert.equal(load('').config.ssl, undefined);
});

test('source positions of virtual servers, real servers and their keywords', () => {
  const { sources } = vs(' quorum 2');
  assert.equal(sources.get('virtualServer/0')?.line, 1);
  assert.equal(sources.get('virtualServer/0/quorum')?.line, 5);
  assert.equal(sources.get('virtualServer/0/realServer/0')?.line, 6);
});

test('addresses as integers, and back in RFC 5952 form', () => {
  assert.equal(addressValue('192.0.2.1'), 0xc0000201n);
  assert.equal(addressValue('2001:db8::1'), 0x20010db8000000000000000000000001n);
  assert.equal(addressValue('::ffff:192.0.2.1'), 0xffffc0000201n);
  assert.equal(formatAddress(0xc0000201n, 4), '192.0.2.1');
  assert.equal(formatAddress(0x20010db8000000000001000000000001n, 6), '2001:db8::1:0:0:1');
  assert.equal(formatAddress(0n, 6), '::');
  assert.equal(canonicalIp('2001:0DB8:0000::0001'), '2001:db8::1');
});
