// ipVersion is net.isIP remembered: the same answers, asked once or many times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { ipVersion } from '../../../src/config/ip-version.js';

test('the same answer as net.isIP, the first time and after', () => {
  for (const s of ['192.0.2.1', '2001:db8::1', 'fe80::1%eth0', '192.0.2.01', '300.1.1.1', '', 'host', '::ffff:192.0.2.1', '2001:db8::1']) {
    assert.equal(ipVersion(s), isIP(s), s);
    assert.equal(ipVersion(s), isIP(s), `${s} again`);
  }
});
