// IP text to bytes: a dotted quad is read by hand, without net.isIPv4's
// regular expression, so it must accept and refuse exactly what that does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv4 } from 'node:net';
import { ipToBytes } from '../../../src/net/ip.js';

test('a dotted quad gives its four octets', () => {
  assert.deepEqual([...ipToBytes('192.0.2.1')], [192, 0, 2, 1]);
  assert.deepEqual([...ipToBytes('0.0.0.0')], [0, 0, 0, 0]);
  assert.deepEqual([...ipToBytes('255.255.255.255')], [255, 255, 255, 255]);
  assert.deepEqual([...ipToBytes('224.0.0.18')], [224, 0, 0, 18]);
});

test('what net.isIPv4 refuses is no IPv4 address here either', () => {
  const texts = ['', '.', '1.2.3', '1.2.3.4.', '.1.2.3.4', '1..2.3', '1.2.3.4.5', '256.0.0.1', '1.2.3.256', '01.2.3.4', '1.2.3.00', '1.2.3.-1', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.a', '1000.1.1.1', '0001.1.1.1', '1.2.3.4/24'];
  for (const t of texts) {
    assert.equal(isIPv4(t), false, t);
    assert.throws(() => ipToBytes(t), /not an IP address/, t);
  }
});

test('every octet value and spelling net.isIPv4 accepts, read the same', () => {
  for (let v = 0; v < 256; v++) {
    const t = `${v}.${255 - v}.${v % 10}.${(v * 7) % 256}`;
    assert.ok(isIPv4(t), t);
    assert.deepEqual([...ipToBytes(t)], t.split('.').map(Number), t);
  }
});

test('IPv6 still goes the long way', () => {
  assert.deepEqual([...ipToBytes('2001:db8::1')], [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual([...ipToBytes('::ffff:192.0.2.1')].slice(10), [0xff, 0xff, 192, 0, 2, 1]);
});
