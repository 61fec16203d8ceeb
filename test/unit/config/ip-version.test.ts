// ipVersion is net.isIP remembered: the same answers, asked once or many times,
// with plain IPv6 addresses recognised without net.isIP, and canonicalIp reading them without their bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import fc from 'fast-check';
import { ipVersion } from '../../../src/config/ip-version.js';
import { bytesToIp, canonicalIp, ipToBytes, plainIpv6 } from '../../../src/net/ip.js';

test('the same answer as net.isIP, the first time and after', () => {
  for (const s of ['192.0.2.1', '2001:db8::1', 'fe80::1%eth0', '192.0.2.01', '300.1.1.1', '', 'host', '::ffff:192.0.2.1', '2001:db8::1']) {
    assert.equal(ipVersion(s), isIP(s), s);
    assert.equal(ipVersion(s), isIP(s), `${s} again`);
  }
});

test('every address taken as plain IPv6 is one net.isIP takes as IPv6, with the canonical text its bytes give; ipVersion agrees with net.isIP on any text', () => {
  // a group of five digits comes from anyText
  const hexGroup = fc.stringMatching(/^[0-9a-fA-F]{1,4}$/);
  // groups around an optional '::' (or a stray ':'), mostly well formed, sometimes not
  const addressLike = fc
    .tuple(fc.array(hexGroup, { maxLength: 9 }), fc.constantFrom('::', ':', ':::', ''), fc.array(hexGroup, { maxLength: 9 }))
    .map(([head, gap, tail]) => `${head.join(':')}${gap}${tail.join(':')}`);
  const anyText = fc.stringMatching(/^[0-9a-fA-F:.%]{0,45}$/);
  let plain = 0;
  fc.assert(
    fc.property(fc.oneof(addressLike, anyText), (s) => {
      if (plainIpv6(s)) {
        plain++;
        assert.equal(isIP(s), 6, s);
        assert.equal(canonicalIp(s), bytesToIp(ipToBytes(s)), s);
      }
      assert.equal(ipVersion(s), isIP(s), s);
    }),
    { numRuns: 20_000 },
  );
  assert.ok(plain > 1000, `only ${plain} plain addresses tried`);
  for (const s of ['::', '1::', '::1', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '2001:db8:0:0:0:0:0:1', 'FFFF::abcd']) assert.ok(plainIpv6(s), s);
  const canonical = { '1:0:0:2:0:0:0:3': '1:0:0:2::3', '0:0:1:0:0:0:0:0': '0:0:1::', '0:0:0:0:0:0:0:0': '::', '2001:DB8:0:0:1:0:0:1': '2001:db8::1:0:0:1', '1:0:2:3:4:5:6:7': '1:0:2:3:4:5:6:7' };
  for (const [s, want] of Object.entries(canonical)) assert.equal(canonicalIp(s), want, s);
  for (const s of ['1:2:3:4:5:6:7:8::', '1::2::3', '12345::', '::ffff:192.0.2.1', 'fe80::1%eth0', ':1::', '1:2:3:4:5:6:7']) assert.ok(!plainIpv6(s), s);
});
