// Addresses as rtnetlink carries them: what each form of a keepalived VIP line
// becomes (keepalived 2.2.7's defaults), the attributes of the add and delete
// requests as they go on the wire, addresses read back, and the choice of the
// interface's own address.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AttrStream, rt } from 'netlink';
import { loadConfigText } from '../../../src/config/load.js';
import {
  addressFromMessage,
  delAddressRequest,
  ipv6LinkLocal,
  newAddressRequest,
  plainAddressSpec,
  primaryIpv4,
  scopeNumber,
  vipAddressSpec,
  type AddressInfo,
  type AddressRequest,
  type AddressSpec,
} from '../../../src/net/rtnl-address.js';

/** The specs of the VIP lines `lines` in an instance on eth0. */
function specsOf(lines: string[]): AddressSpec[] {
  const conf = `vrrp_instance VI {\n interface eth0\n virtual_router_id 1\n priority 100\n virtual_ipaddress {\n${lines.join('\n')}\n }\n}\n`;
  const { config, diagnostics } = loadConfigText(conf);
  // warnings about the instance (an IPv6 VIP list not led by a link-local) do not matter here
  assert.deepEqual(diagnostics.items.filter((d) => d.severity === 'error'), []);
  return config.vrrpInstance[0]!.virtualIpaddress.map((v) => vipAddressSpec(v, 'eth0'));
}
const specOf = (line: string): AddressSpec => specsOf([line])[0]!;
const NO_FLAGS = { nodad: false, home: false, mngtmpaddr: false, noprefixroute: false, autojoin: false };

describe('a VIP line → the address keepalived adds', () => {
  test('IPv4: /32 by default, global scope, no broadcast, no flags', () => {
    assert.deepEqual(specOf('192.0.2.10'), { dev: 'eth0', address: '192.0.2.10', prefix: 32, scope: 0, flags: NO_FLAGS });
    assert.equal(specOf('192.0.2.10/24').prefix, 24);
  });

  test('brd: an address, or + / - for the host bits set / cleared; none beyond /30', () => {
    assert.equal(specOf('192.0.2.10/24 brd 192.0.2.200').broadcast, '192.0.2.200');
    assert.equal(specOf('192.0.2.10/24 brd +').broadcast, '192.0.2.255');
    assert.equal(specOf('192.0.2.10/24 brd -').broadcast, '192.0.2.0');
    assert.equal(specOf('192.0.2.9/30 brd +').broadcast, '192.0.2.11');
    assert.equal(specOf('198.51.100.77/20 brd +').broadcast, '198.51.111.255');
  });

  test('scope by name or number; label; dev wins over the instance interface', () => {
    assert.deepEqual(
      specsOf(['192.0.2.1 scope host', '192.0.2.2 scope link', '192.0.2.3 scope site', '192.0.2.4 scope nowhere', '192.0.2.5 scope global', '192.0.2.6 scope 100']).map((s) => s.scope),
      [254, 253, 200, 255, 0, 100],
    );
    assert.equal(specOf('192.0.2.1 label eth0:vip').label, 'eth0:vip');
    assert.equal(specOf('203.0.113.5 dev eth1').dev, 'eth1');
  });

  test('peer: the full prefix length, and the peer kept', () => {
    assert.deepEqual(specOf('192.0.2.21 peer 192.0.2.99'), { dev: 'eth0', address: '192.0.2.21', prefix: 32, peer: '192.0.2.99', scope: 0, flags: NO_FLAGS });
    assert.equal(specOf('2001:db8::16 peer 2001:DB8::99').peer, '2001:db8::99');
  });

  test('IPv6: nodad unless -nodad; a /128 deprecated (preferred_lft 0), a shorter prefix preferred forever', () => {
    const [plain, short, dad, lft, forever] = specsOf(['2001:db8::10', '2001:db8::11/64', '2001:db8::12 -nodad', '2001:db8::13 preferred_lft 300', '2001:db8::14 preferred_lft forever']);
    assert.deepEqual(plain, { dev: 'eth0', address: '2001:db8::10', prefix: 128, scope: 0, flags: { ...NO_FLAGS, nodad: true }, preferredLft: 0 });
    assert.equal(short!.preferredLft, undefined);
    assert.equal(dad!.flags.nodad, false);
    assert.equal(lft!.preferredLft, 300);
    assert.equal(forever!.preferredLft, undefined);
  });

  test('flags: home, mngtmpaddr, noprefixroute, autojoin', () => {
    assert.deepEqual(specOf('2001:db8::15/64 home mngtmpaddr noprefixroute').flags, { nodad: true, home: true, mngtmpaddr: true, noprefixroute: true, autojoin: false });
    assert.equal(specOf('ff02::12 autojoin').flags.autojoin, true);
    assert.equal(specOf('192.0.2.31 home').flags.nodad, false, 'nodad is for IPv6 only');
  });

  test('addresses in canonical form, whatever the spelling', () => {
    assert.equal(specOf('2001:DB8:0:0::1').address, '2001:db8::1');
  });
});

test('scopeNumber: names, decimal and hex numbers; anything else is refused', () => {
  assert.equal(scopeNumber('host'), 254);
  assert.equal(scopeNumber('0x10'), 16);
  assert.throws(() => scopeNumber('galaxy'), /'galaxy' is not an address scope/);
  assert.throws(() => scopeNumber('256'));
});

// ---------------------------------------------------------------- requests on the wire

const IFA = { ADDRESS: 1, LOCAL: 2, LABEL: 3, BROADCAST: 4, CACHEINFO: 6, FLAGS: 8 } as const;
const IFA_F = { NODAD: 0x02, HOMEADDRESS: 0x10, MANAGETEMPADDR: 0x100, NOPREFIXROUTE: 0x200, MCAUTOJOIN: 0x400 } as const;

/** The request as the kernel reads it: struct ifaddrmsg, then attributes by IFA_* type. */
function onWire(req: AddressRequest): { family: number; prefixlen: number; flags: number; scope: number; index: number; attrs: Map<number, Buffer> } {
  const out = new AttrStream();
  rt.formatAddressMessage({ kind: 'address', ...req }, out);
  const b = Buffer.concat(out.bufs);
  const attrs = new Map<number, Buffer>();
  for (let at = 8; at < b.length; ) {
    const len = b.readUInt16LE(at);
    attrs.set(b.readUInt16LE(at + 2), b.subarray(at + 4, at + len));
    at += (len + 3) & ~3;
  }
  return { family: b[0]!, prefixlen: b[1]!, flags: b[2]!, scope: b[3]!, index: b.readUInt32LE(4), attrs };
}

describe('RTM_NEWADDR, attribute for attribute as keepalived sends it', () => {
  test('IPv4: IFA_LOCAL only; the kernel fills IFA_ADDRESS', () => {
    const w = onWire(newAddressRequest(specOf('192.0.2.10/24'), 7));
    assert.deepEqual([w.family, w.prefixlen, w.flags, w.scope, w.index], [2, 24, 0, 0, 7]);
    assert.deepEqual([...w.attrs.keys()], [IFA.LOCAL]);
    assert.deepEqual(w.attrs.get(IFA.LOCAL), Buffer.from([192, 0, 2, 10]));
  });

  test('IPv4 with everything: peer as IFA_ADDRESS, broadcast, label, scope, flags in IFA_FLAGS', () => {
    const w = onWire(newAddressRequest(specOf('192.0.2.21 peer 192.0.2.99 scope link label eth0:p home'), 3));
    assert.equal(w.scope, 253);
    assert.deepEqual(w.attrs.get(IFA.ADDRESS), Buffer.from([192, 0, 2, 99]));
    assert.equal(w.attrs.get(IFA.LABEL)!.toString(), 'eth0:p\0');
    assert.equal(w.attrs.get(IFA.FLAGS)!.readUInt32LE(0), IFA_F.HOMEADDRESS);
    assert.deepEqual(onWire(newAddressRequest(specOf('192.0.2.12/24 brd +'), 3)).attrs.get(IFA.BROADCAST), Buffer.from([192, 0, 2, 255]));
  });

  test('IPv6 /128: nodad in IFA_FLAGS, IFA_CACHEINFO preferred 0 and valid forever', () => {
    const w = onWire(newAddressRequest(specOf('2001:db8::10'), 4));
    assert.deepEqual([w.family, w.prefixlen], [10, 128]);
    assert.equal(w.attrs.get(IFA.FLAGS)!.readUInt32LE(0), IFA_F.NODAD);
    const ci = w.attrs.get(IFA.CACHEINFO)!;
    assert.deepEqual([ci.readUInt32LE(0), ci.readUInt32LE(4)], [0, 0xffffffff]);
  });

  test('IPv6 preferred forever: no IFA_CACHEINFO; -nodad and nothing else: no IFA_FLAGS', () => {
    const w = onWire(newAddressRequest(specOf('2001:db8::11/64 -nodad'), 4));
    assert.deepEqual([...w.attrs.keys()], [IFA.LOCAL]);
    const f = onWire(newAddressRequest(specOf('2001:db8::15/64 mngtmpaddr noprefixroute'), 4));
    assert.equal(f.attrs.get(IFA.FLAGS)!.readUInt32LE(0), IFA_F.NODAD | IFA_F.MANAGETEMPADDR | IFA_F.NOPREFIXROUTE);
    assert.equal(onWire(newAddressRequest(specOf('ff02::12 autojoin'), 4)).attrs.get(IFA.FLAGS)!.readUInt32LE(0), IFA_F.NODAD | IFA_F.MCAUTOJOIN);
  });
});

describe('RTM_DELADDR', () => {
  test('the local address with its prefix length; IFA_ADDRESS the local address, or the peer', () => {
    const plain = onWire(delAddressRequest(plainAddressSpec('eth0', '192.0.2.10', 24), 2));
    assert.deepEqual([plain.prefixlen, plain.index], [24, 2]);
    assert.deepEqual(plain.attrs.get(IFA.LOCAL), plain.attrs.get(IFA.ADDRESS));
    const peer = onWire(delAddressRequest({ dev: 'eth0', address: '192.0.2.21', prefix: 32, peer: '192.0.2.99' }, 2));
    assert.deepEqual(peer.attrs.get(IFA.ADDRESS), Buffer.from([192, 0, 2, 99]));
    assert.equal(onWire(delAddressRequest(plainAddressSpec('eth0', '2001:db8::1'), 2)).family, 10);
  });
});

// ---------------------------------------------------------------- reading back

const ipBytes = (...b: number[]) => Buffer.from(b);
const v6 = (last: number, first = 0x20010db8) => {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(first, 0);
  b[15] = last;
  return b;
};

describe('addresses read back', () => {
  test('IPv4 with label, broadcast and flags; IFA_FLAGS supersedes the u8 flags', () => {
    const a = addressFromMessage({
      kind: 'address',
      data: { family: 2, prefixlen: 24, flags: {}, scope: 0, index: 3 },
      attrs: { address: ipBytes(192, 0, 2, 11), local: ipBytes(192, 0, 2, 11), broadcast: ipBytes(192, 0, 2, 255), label: 'eth0:1', flags: { secondary: true, permanent: true }, cacheInfo: { ifaPrefered: 0xffffffff, ifaValid: 0xffffffff } },
    })!;
    assert.deepEqual(
      { ...a, flags: Object.entries(a.flags).filter(([, v]) => v).map(([k]) => k) },
      { index: 3, family: 4, address: '192.0.2.11', prefix: 24, broadcast: '192.0.2.255', label: 'eth0:1', scope: 0, flags: ['secondary', 'permanent'], preferredLft: 'forever', validLft: 'forever' },
    );
  });

  test('a peer is IFA_ADDRESS when it differs from IFA_LOCAL; IPv6 without peer has IFA_ADDRESS only', () => {
    const p = addressFromMessage({ kind: 'address', data: { family: 2, prefixlen: 32, index: 3 }, attrs: { address: ipBytes(192, 0, 2, 99), local: ipBytes(192, 0, 2, 21) } })!;
    assert.deepEqual([p.address, p.peer], ['192.0.2.21', '192.0.2.99']);
    const six = addressFromMessage({ kind: 'address', data: { family: 10, prefixlen: 128, scope: 0, index: 3, flags: { nodad: true } }, attrs: { address: v6(0x10), cacheInfo: { ifaPrefered: 0, ifaValid: 0xffffffff } } })!;
    assert.deepEqual([six.address, six.peer, six.flags.nodad, six.preferredLft], ['2001:db8::10', undefined, true, 0]);
  });

  test('other families, or no address at all: nothing', () => {
    assert.equal(addressFromMessage({ kind: 'address', data: { family: 7, index: 1 }, attrs: { address: ipBytes(1, 2) } }), undefined);
    assert.equal(addressFromMessage({ kind: 'address', data: { family: 2, index: 1 }, attrs: {} }), undefined);
  });
});

describe('the interface’s own address', () => {
  const FLAGS = { secondary: false, nodad: false, tentative: false, dadfailed: false, deprecated: false, optimistic: false, permanent: true, home: false, mngtmpaddr: false, noprefixroute: false, autojoin: false };
  const addr = (index: number, address: string, o: { secondary?: boolean; scope?: number } = {}): AddressInfo => ({
    index,
    family: address.includes(':') ? 6 : 4,
    address,
    prefix: 24,
    scope: o.scope ?? 0,
    flags: { ...FLAGS, secondary: o.secondary ?? false },
    preferredLft: 'forever',
    validLft: 'forever',
  });
  const list = [
    addr(1, '203.0.113.1'),
    addr(2, '192.0.2.50', { scope: 253 }),
    addr(2, '192.0.2.1'),
    addr(2, '2001:db8::1'),
    addr(2, 'fe80::1', { scope: 253 }),
    addr(2, 'fe80::2', { scope: 253 }),
    addr(2, '192.0.2.2', { secondary: true }),
    addr(2, '198.51.100.1'),
  ];

  test('primary IPv4: the first non-secondary one of the interface, in the kernel’s order', () => {
    assert.equal(primaryIpv4(list, 2), '192.0.2.50');
    assert.equal(primaryIpv4(list, 1), '203.0.113.1');
    assert.equal(primaryIpv4(list, 3), undefined);
  });

  test('VIPs are never chosen; a secondary never is', () => {
    assert.equal(primaryIpv4(list, 2, { exclude: new Set(['192.0.2.50']) }), '192.0.2.1');
    assert.equal(primaryIpv4(list, 2, { exclude: new Set(['192.0.2.50', '192.0.2.1']) }), '198.51.100.1');
  });

  test('the current choice is kept while the interface has it, as keepalived keeps it', () => {
    assert.equal(primaryIpv4(list, 2, { current: '198.51.100.1' }), '198.51.100.1');
    assert.equal(primaryIpv4(list, 2, { current: '192.0.2.99' }), '192.0.2.50');
    assert.equal(primaryIpv4(list, 2, { current: '192.0.2.2' }), '192.0.2.50', 'not when it became a secondary');
  });

  test('IPv6: the first link-local, chosen the same way', () => {
    assert.equal(ipv6LinkLocal(list, 2), 'fe80::1');
    assert.equal(ipv6LinkLocal(list, 2, { current: 'fe80::2' }), 'fe80::2');
    assert.equal(ipv6LinkLocal(list, 2, { exclude: new Set(['fe80::1']) }), 'fe80::2');
    assert.equal(ipv6LinkLocal(list, 1), undefined);
  });
});
