// The address, route and rule entry grammars (`ip address|route|rule add`
// syntax, as keepalived 2.2.7 reads it in vrrp_ipaddress.c, vrrp_iproute.c
// and vrrp_iprule.c): values, defaults, what drops an entry or an option,
// and printing back.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../../src/config/load.js';
import { printRoute, printRule, printVip, preferredLftOf, type Route, type Rule, type Vip } from '../../../src/config/schema/address.js';

/** The entries of one block of a vrrp_instance, and every diagnostic as "line:col CODE". */
function block(keyword: string, entries: string[]) {
  const body = entries.map((e) => `        ${e}`).join('\n');
  const vip = keyword === 'virtual_ipaddress' ? '' : '    virtual_ipaddress {\n        192.0.2.99\n    }\n';
  const r = loadConfigText(`vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n${vip}    ${keyword} {\n${body}\n    }\n}\n`);
  const first = keyword === 'virtual_ipaddress' ? 5 : 8;
  // report lines relative to the first entry (1 = the first entry)
  const diags = r.diagnostics.sorted().map((d) => `${(d.loc?.line ?? 0) - first + 1}:${d.loc?.col} ${d.code}`);
  return { inst: r.config.vrrpInstance[0]!, diags };
}
const vips = (...entries: string[]) => {
  const { inst, diags } = block('virtual_ipaddress', entries);
  return { list: inst.virtualIpaddress, diags };
};
const routes = (...entries: string[]) => {
  const { inst, diags } = block('virtual_routes', entries);
  return { list: inst.virtualRoutes, diags };
};
const rules = (...entries: string[]) => {
  const { inst, diags } = block('virtual_rules', entries);
  return { list: inst.virtualRules, diags };
};

/** An entry without its false flags and empty lists, for readable expectations. */
const brief = (v: object) => Object.fromEntries(Object.entries(v).filter(([, x]) => x !== false && !(Array.isArray(x) && x.length === 0) && !(x && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length === 0)));

describe('virtual_ipaddress entries', () => {
  test('an address alone: /32 or /128', () => {
    const { list, diags } = vips('192.0.2.10', '2001:db8::10', 'fe80::1/64');
    // one instance is of one family: the first address decides
    assert.deepEqual(diags, ['2:9 TSKAD_E_FAMILY_MISMATCH', '3:9 TSKAD_E_FAMILY_MISMATCH']);
    assert.deepEqual(list.map(brief), [
      { address: '192.0.2.10', prefix: 32 },
      { address: '2001:db8::10', prefix: 128 },
      { address: 'fe80::1', prefix: 64 },
    ]);
  });

  test('every option', () => {
    const { list, diags } = vips('192.0.2.10/24 brd 192.0.2.255 dev eth1 scope link label eth1:vip home -nodad mngtmpaddr noprefixroute autojoin no_track use_vmac preferred_lft 30', '192.0.2.11 peer 192.0.2.12', '192.0.2.13/24 broadcast -');
    assert.deepEqual(diags, []);
    assert.deepEqual(list.map(brief), [
      { address: '192.0.2.10', prefix: 24, broadcast: '192.0.2.255', dev: 'eth1', scope: 'link', label: 'eth1:vip', home: true, nodad: true, mngtmpaddr: true, noprefixroute: true, autojoin: true, noTrack: true, useVmac: true, preferredLft: 30 },
      { address: '192.0.2.11', prefix: 32, peer: '192.0.2.12' },
      { address: '192.0.2.13', prefix: 24, broadcast: '-' },
    ]);
  });

  test('IPv6 preferred lifetime: a /128 is deprecated (0) unless told, others forever', () => {
    const { inst } = block('virtual_ipaddress_excluded', ['2001:db8::10', '2001:db8::11/64', '2001:db8::12 preferred_lft forever', '192.0.2.10']);
    assert.deepEqual(inst.virtualIpaddressExcluded.map(preferredLftOf), [0, 'forever', 'forever', undefined]);
  });

  // each line: what keepalived 2.2.7 said of it (keepalived -t), and the entry tskad keeps
  const problems: Array<[string, string[], Partial<Vip> | undefined]> = [
    ['192.0.2.300', ['1:9 TSKAD_E_BAD_ENTRY'], undefined], // VRRP parsed invalid IP 192.0.2.300. skipping IP...
    ['192.0.2.11/33', ['1:9 TSKAD_E_BAD_ENTRY'], { address: '192.0.2.11', prefix: 32 }], // Invalid address prefix len 33 ... - using 32
    ['192.0.2.12 frobnicate', ['1:20 TSKAD_E_BAD_ENTRY'], { address: '192.0.2.12' }], // Unknown configuration entry 'frobnicate' ... - ignoring
    ['192.0.2.13 dev', ['1:20 TSKAD_E_BAD_ENTRY'], undefined], // No dev parameter specified for 192.0.2.13
    ['192.0.2.14 peer 192.0.2.99 brd +', ['1:36 TSKAD_E_BAD_ENTRY'], { peer: '192.0.2.99', broadcast: undefined }], // Cannot specify broadcast and peer addresses
    ['192.0.2.15/31 brd +', ['1:23 TSKAD_E_BAD_ENTRY'], { prefix: 31, broadcast: undefined }], // Address prefix length 31 too long for broadcast
    ['192.0.2.16 dev eth0 dev eth1', ['1:33 TSKAD_E_BAD_ENTRY'], undefined], // Cannot specify ipaddress device more than once
    ['192.0.2.17 label averyveryverylonglabel', ['1:26 TSKAD_E_BAD_ENTRY'], undefined], // Address label ... longer than maximum length 15 - removing address
    ['192.0.2.18 scope galaxy', ['1:26 TSKAD_E_BAD_ENTRY'], { scope: undefined }], // Invalid scope 'galaxy' specified
    ['192.0.2.19 preferred_lft soon', ['1:34 TSKAD_E_BAD_ENTRY'], { preferredLft: undefined }], // preferred_lft soon is invalid
  ];
  for (const [line, diags, kept] of problems) {
    test(line, () => {
      const r = vips(line);
      assert.deepEqual(r.diags, diags.concat(kept ? [] : ['-3:1 TSKAD_W_NO_VIP']).sort());
      if (!kept) assert.deepEqual(r.list, []);
      else for (const [k, v] of Object.entries(kept)) assert.deepEqual((r.list[0] as Record<string, unknown>)[k], v, k);
    });
  }

  test('IPv6: no broadcast (drops the entry), no scope or label (dropped)', () => {
    const { inst, diags } = block('virtual_ipaddress_excluded', ['2001:db8::10 brd 192.0.2.255', '2001:db8::11 scope link label x', '2001:db8::12 scope global']);
    assert.deepEqual(diags, ['1:22 TSKAD_E_BAD_ENTRY', '2:9 TSKAD_E_BAD_ENTRY', '2:9 TSKAD_E_BAD_ENTRY']);
    assert.deepEqual(inst.virtualIpaddressExcluded.map(brief), [
      { address: '2001:db8::11', prefix: 128 },
      { address: '2001:db8::12', prefix: 128, scope: 'global' },
    ]);
  });

  test('a peer takes the full prefix', () => {
    const { list, diags } = vips('192.0.2.20/24 peer 192.0.2.21');
    assert.deepEqual(diags, ['1:9 TSKAD_E_BAD_ENTRY']);
    assert.equal(list[0]!.prefix, 32);
  });

  test('prints as it reads', () => {
    const { list } = vips('192.0.2.10/24 brd + dev eth1 scope host label eth1:1 no_track use_vmac', '192.0.2.11 peer 192.0.2.12 home');
    assert.deepEqual(list.map(printVip), [
      ['192.0.2.10/24', 'brd', '+', 'dev', 'eth1', 'scope', 'host', 'label', 'eth1:1', 'no_track', 'use_vmac'],
      ['192.0.2.11', 'peer', '192.0.2.12', 'home'],
    ]);
  });
});

describe('virtual_routes entries', () => {
  test('the usual forms', () => {
    const { list, diags } = routes(
      'src 192.0.2.1 to 203.0.113.0/24 via 192.0.2.254 dev eth0',
      'blackhole 198.51.100.0/24 dev eth0',
      '0.0.0.0/0 via 192.0.2.1 dev eth0 table 100 metric 5 protocol keepalived scope global tos 0x10 onlink',
      '2001:db8:1::/64 via 2001:db8::1 dev eth0 mtu lock 1400 advmss 1300 rtt 10ms rto_min lock 5ms initcwnd 10 features ecn pref high expires 60 append',
      '198.51.100.128/25 dev eth0 realms 1/2 no_track',
    );
    assert.deepEqual(diags, []);
    assert.deepEqual(list.map(brief), [
      { family: 'inet', dst: '203.0.113.0/24', src: '192.0.2.1', via: '192.0.2.254', dev: 'eth0', mode: 'prepend' },
      { family: 'inet', type: 'blackhole', dst: '198.51.100.0/24', dev: 'eth0', mode: 'prepend' },
      { family: 'inet', dst: '0.0.0.0/0', via: '192.0.2.1', dev: 'eth0', table: '100', metric: 5, protocol: 'keepalived', scope: 'global', tos: '0x10', onlink: true, mode: 'prepend' },
      {
        family: 'inet6',
        dst: '2001:db8:1::/64',
        via: '2001:db8::1',
        dev: 'eth0',
        metrics: { mtu: 1400, advmss: 1300, rtt: '10ms', rtoMin: '5ms', initcwnd: 10 },
        lock: ['mtu', 'rtoMin'],
        ecn: true,
        pref: 'high',
        expires: 60,
        mode: 'append',
      },
      { family: 'inet', dst: '198.51.100.128/25', dev: 'eth0', realms: '1/2', noTrack: true, mode: 'prepend' },
    ]);
  });

  test('nexthops, and the deprecated `or` and `gw`', () => {
    const { list, diags } = routes('203.0.113.0/24 dev eth0 nexthop via 192.0.2.254 weight 1 nexthop via 192.0.2.253 dev eth1 weight 2 onlink', '198.51.100.0/24 gw 192.0.2.254 or 192.0.2.253 dev eth0');
    assert.deepEqual(diags, ['2:25 TSKAD_W_DEPRECATED_KEYWORD', '2:40 TSKAD_W_DEPRECATED_KEYWORD']);
    assert.deepEqual(list[0]!.nexthops.map(brief), [
      { via: '192.0.2.254', weight: 1 },
      { via: '192.0.2.253', dev: 'eth1', weight: 2, onlink: true },
    ]);
    assert.equal(list[1]!.via, undefined);
    assert.deepEqual(list[1]!.nexthops.map(brief), [{ via: '192.0.2.254' }, { via: '192.0.2.253' }]);
  });

  test('IPv6 default routes: default6 or ::/0 (`default` after the family is known, and the word after inet6, are lost as in keepalived)', () => {
    const { list, diags } = routes('default6 via fe80::1 dev eth0', '::/0 via fe80::1 dev eth0', 'inet6 default via fe80::1 dev eth0', 'via 192.0.2.1 default dev eth0');
    assert.deepEqual(diags, ['1:9 TSKAD_W_DEPRECATED_KEYWORD', '3:9 TSKAD_E_BAD_ENTRY', '3:15 TSKAD_E_BAD_ENTRY', '4:23 TSKAD_E_BAD_ENTRY']);
    assert.deepEqual(
      list.map((r) => [r.family, r.dst]),
      [
        ['inet6', 'default'],
        ['inet6', '::/0'],
      ],
    );
    assert.deepEqual(printRoute(list[0]!).slice(0, 1), ['default6']);
  });

  test('what keepalived refuses or corrects', () => {
    const { list, diags } = routes(
      '203.0.113.0/24 via 192.0.2.254', // not tracked: no dev
      '198.51.100.0/24 dev eth0 protocol bird', // tracked routes use protocol keepalived
      '198.51.100.128/25 dev eth0 via 2001:db8::1', // mixed families
      'dev eth0 table 5', // no destination
      '198.51.100.0/24 dev eth0 frob 1', // unknown word
      '198.51.100.0/24 dev eth0 nexthop via 192.0.2.1 weight 0', // weight 1..256
      '198.51.100.0/24 dev eth0 encap mpls 100', // not supported
    );
    assert.deepEqual(diags, [
      '1:9 TSKAD_W_ROUTE_NOT_TRACKED',
      '2:9 TSKAD_E_BAD_ENTRY',
      '3:40 TSKAD_E_BAD_ENTRY',
      '4:9 TSKAD_E_BAD_ENTRY',
      '5:34 TSKAD_E_BAD_ENTRY',
      '6:63 TSKAD_E_BAD_ENTRY',
      '7:34 TSKAD_E_BAD_ENTRY',
    ]);
    assert.deepEqual(
      list.map((r) => [r.dst, r.protocol]),
      [
        ['203.0.113.0/24', undefined],
        ['198.51.100.0/24', undefined],
      ],
    );
  });

  test('prints as it reads', () => {
    const { list } = routes('src 192.0.2.1 unreachable 203.0.113.0/24 dev eth0 table main metric 7 mtu lock 1400 window 8 append no_track');
    const printed = printRoute(list[0]! as Route);
    assert.deepEqual(printed, ['src', '192.0.2.1', 'unreachable', '203.0.113.0/24', 'dev', 'eth0', 'table', 'main', 'metric', '7', 'mtu', 'lock', '1400', 'window', '8', 'append', 'no_track']);
    assert.deepEqual(routes(printed.join(' ')).list, list);
  });
});

describe('virtual_rules entries', () => {
  test('selectors and actions', () => {
    const { list, diags } = rules(
      'from 203.0.113.0/24 table 100 preference 100',
      'not from all fwmark 0x10/0xff iif eth0 oif eth1 lookup main priority 200 no_track',
      'from 2001:db8::/32 to 2001:db8:1::/48 table 5 order 300 tos 4 uidrange 1000-2000 sport 1000-2000 dport 80-80 ipproto tcp',
      'to 198.51.100.0/24 goto 500 preference 400',
      'from all l3mdev preference 600',
      'from all type unreachable preference 700',
      'from all prohibit preference 800',
      'from all nop preference 900',
      'from all table 7 realms 3 suppress_prefixlength 0 preference 1000',
    );
    assert.deepEqual(diags, []);
    assert.deepEqual(list.map(brief), [
      { family: 'inet', from: '203.0.113.0/24', preference: 100, action: 'table', table: '100' },
      { family: 'inet', from: 'all', not: true, fwmark: 16, fwmask: 255, iif: 'eth0', oif: 'eth1', action: 'table', table: 'main', preference: 200, noTrack: true },
      {
        family: 'inet6',
        from: '2001:db8::/32',
        to: '2001:db8:1::/48',
        action: 'table',
        table: '5',
        preference: 300,
        tos: '4',
        uidrange: { start: 1000, end: 2000 },
        sport: { start: 1000, end: 2000 },
        dport: { start: 80, end: 80 },
        ipproto: 'tcp',
      },
      { family: 'inet', to: '198.51.100.0/24', action: 'goto', goto: 500, preference: 400 },
      { family: 'inet', from: 'all', l3mdev: true, action: 'table', preference: 600 },
      { family: 'inet', from: 'all', action: 'unreachable', preference: 700 },
      { family: 'inet', from: 'all', action: 'prohibit', preference: 800 },
      { family: 'inet', from: 'all', action: 'nop', preference: 900 },
      { family: 'inet', from: 'all', action: 'table', table: '7', realms: '3', suppressPrefixlength: 0, preference: 1000 },
    ]);
  });

  test('what keepalived refuses or corrects', () => {
    const { list, diags } = rules(
      'from 203.0.113.0/24 table 100', // no preference: keepalived picks one
      'to 203.0.113.0/24 goto 200', // goto needs a preference
      'to 203.0.113.0/24 goto 200 preference 300', // ... before the target
      'from all table 10 nop preference 600', // two actions
      'from all table 5 preference 10 dport 80', // keepalived 2.2.7 refuses a single port
      'from 2001:db8::/32 to 198.51.100.0/24 table 5 preference 11', // mixed families
      'from all preference 12', // no action
      'from all realms 3 nop preference 13', // realms for table lookups only
      'from all table 5 preference 14 protocol 5', // tracked rules use protocol keepalived
    );
    assert.deepEqual(diags, [
      '1:9 TSKAD_W_RULE_NO_PREFERENCE',
      '2:27 TSKAD_E_BAD_ENTRY',
      '3:27 TSKAD_E_BAD_ENTRY',
      '4:27 TSKAD_E_BAD_ENTRY',
      '5:46 TSKAD_E_BAD_ENTRY',
      '6:31 TSKAD_E_BAD_ENTRY',
      '7:9 TSKAD_E_BAD_ENTRY',
      '8:18 TSKAD_E_BAD_ENTRY',
      '9:9 TSKAD_E_BAD_ENTRY',
    ]);
    assert.deepEqual(
      list.map((r) => r.preference),
      [undefined, 10, 14],
    );
  });

  test('prints as it reads', () => {
    const { list } = rules('not from all to 203.0.113.0/24 fwmark 7 iif eth0 sport 1-2 preference 5 blackhole', 'from default6 table 9 preference 6');
    for (const r of list) assert.deepEqual(rules(printRule(r as Rule).join(' ')).list, [r]);
    assert.deepEqual(printRule(list[1]!), ['from', 'default6', 'preference', '6', 'table', '9']);
  });
});
