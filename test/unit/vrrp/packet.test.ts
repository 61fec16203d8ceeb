// The advert codec: byte-exact against keepalived 2.2.7's own packets,
// round trips, checksum variants, and hostile input (fast-check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  decodeAdvert, decodeIpv4, encodeAdvert, internetChecksum, isDecodeError, passAuthData, textAddrs, COUNTER_OF,
  type Advert, type PacketAddrs,
} from '../../../src/vrrp/packet.js';
import { bytesToIp } from '../../../src/net/ip.js';
import { repoPath } from '../../helpers/repo.js';

interface Fixture {
  name: string;
  frame: string;
  expect: { version: 2 | 3; vrid: number; priority: number; maxAdverInt: number; addresses: string[]; authType: number; authKey?: string };
}
const fixtures: Fixture[] = JSON.parse(readFileSync(repoPath('test/fixtures/vrrp/keepalived-2.2.7-adverts.json'), 'utf8')).frames;

/** Ethernet frame → the VRRP message and its IP addresses. */
function unwrap(frameHex: string): { vrrp: Buffer; addrs: PacketAddrs; ttl: number } {
  const frame = Buffer.from(frameHex, 'hex');
  const ethertype = frame.readUInt16BE(12);
  const ip = frame.subarray(14);
  if (ethertype === 0x0800) {
    const p = decodeIpv4(ip);
    assert.ok(!('kind' in p));
    return { vrrp: p.payload, addrs: { family: 4, src: p.src, dst: p.dst }, ttl: p.ttl };
  }
  return { vrrp: ip.subarray(40), addrs: { family: 6, src: ip.subarray(8, 24), dst: ip.subarray(24, 40) }, ttl: ip[7]! };
}

for (const fx of fixtures) {
  test(`keepalived's own advert decodes and re-encodes byte for byte: ${fx.name}`, () => {
    const { vrrp, addrs, ttl } = unwrap(fx.frame);
    assert.equal(ttl, 255);
    const r = decodeAdvert(vrrp, addrs);
    assert.ok(!isDecodeError(r), JSON.stringify(r));
    const { authData, ...ad } = r.advert;
    const { authKey, ...expect } = fx.expect;
    assert.deepEqual(ad, expect);
    if (authKey) assert.deepEqual(authData, passAuthData(authKey));
    assert.deepEqual(encodeAdvert(r.advert, addrs), vrrp);
  });
}

const v4 = textAddrs(4, '192.0.2.10', '224.0.0.18', '224.0.0.18');
const v6 = textAddrs(6, 'fe80::1', 'ff02::12');

test('VRRPv3 checksum variants: RFC pseudo-header, none (v3_checksum_as_v2), multicast dst (old_unicast_checksum)', () => {
  const ad: Advert = { version: 3, vrid: 7, priority: 100, maxAdverInt: 100, addresses: ['192.0.2.100'], authType: 0 };
  const unicast = textAddrs(4, '192.0.2.10', '192.0.2.11', '224.0.0.18');
  for (const variant of ['rfc', 'no-pseudo', 'mcast-dst'] as const) {
    const buf = encodeAdvert(ad, unicast, { checksum: variant });
    assert.equal(isDecodeError(decodeAdvert(buf, unicast, ['rfc'])), variant !== 'rfc', variant);
    const r = decodeAdvert(buf, unicast, ['rfc', 'no-pseudo', 'mcast-dst']);
    assert.ok(!isDecodeError(r));
    assert.equal(r.checksum, variant);
  }
});

test('bad packets are errors of a named kind, each with its counter', () => {
  const good = encodeAdvert({ version: 2, vrid: 1, priority: 100, maxAdverInt: 100, addresses: ['192.0.2.1'], authType: 0 }, v4);
  const mut = (f: (b: Buffer) => void) => {
    const b = Buffer.from(good);
    f(b);
    return decodeAdvert(b, v4);
  };
  assert.deepEqual(mut((b) => (b[0] = 0x41)), { kind: 'version', version: 4 });
  assert.deepEqual(mut((b) => (b[0] = 0x22)), { kind: 'type', type: 2 });
  assert.deepEqual(mut((b) => (b[2] = 99)), { kind: 'checksum' });
  assert.equal((mut((b) => (b[3] = 2)) as { kind: string }).kind, 'length');
  assert.equal((decodeAdvert(good.subarray(0, 5), v4) as { kind: string }).kind, 'length');
  // VRRPv2 does not exist over IPv6
  assert.equal((decodeAdvert(good, v6) as { kind: string }).kind, 'version');
  for (const kind of ['length', 'version', 'type', 'checksum'] as const) assert.ok(COUNTER_OF[kind]);
});

test('internetChecksum of data with its checksum folded in is zero (RFC 1071)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 2, maxLength: 64 }), (bytes) => {
      const b = Buffer.from(bytes.length % 2 ? [...bytes, 0] : bytes);
      b.writeUInt16BE(0, 0);
      b.writeUInt16BE(internetChecksum(b), 0);
      return internetChecksum(b) === 0;
    }),
  );
});

const arbAdvert = (family: 4 | 6) =>
  fc.record({
    version: family === 6 ? fc.constant(3 as const) : fc.constantFrom(2 as const, 3 as const),
    vrid: fc.integer({ min: 1, max: 255 }),
    priority: fc.integer({ min: 0, max: 255 }),
    centis: fc.integer({ min: 1, max: 4095 }),
    addresses: fc.array(family === 4 ? fc.ipV4() : fc.ipV6(), { minLength: 0, maxLength: 20 }),
    key: fc.string({ maxLength: 8 }),
  });

test('encode → decode is identity (property)', () => {
  for (const [family, addrs] of [[4, v4], [6, v6]] as const) {
    fc.assert(
      fc.property(arbAdvert(family), (a) => {
        const ad: Advert = {
          version: a.version,
          vrid: a.vrid,
          priority: a.priority,
          maxAdverInt: a.version === 2 ? Math.max(1, Math.min(255, Math.round(a.centis / 100))) * 100 : a.centis,
          addresses: a.addresses.map((x) => bytesToIp(Buffer.from(encodeAdvert({ version: 3, vrid: 1, priority: 1, maxAdverInt: 1, addresses: [x], authType: 0 }, addrs).subarray(8)))),
          authType: a.version === 2 ? 1 : 0,
          ...(a.version === 2 ? { authData: passAuthData(a.key) } : {}),
        };
        const r = decodeAdvert(encodeAdvert(ad, addrs), addrs);
        assert.ok(!isDecodeError(r));
        assert.deepEqual(r.advert, ad);
      }),
    );
  }
});

test('the decoder is total: arbitrary bytes never throw (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(v4, v6), (bytes, addrs) => {
      const r = decodeAdvert(bytes, addrs, ['rfc', 'no-pseudo', 'mcast-dst']);
      return isDecodeError(r) ? r.kind in COUNTER_OF : r.advert.addresses.length <= 255;
    }),
    { numRuns: 2000 },
  );
  fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => (decodeIpv4(bytes), true)));
});
