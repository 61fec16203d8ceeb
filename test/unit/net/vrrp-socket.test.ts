// The pure parts of the VRRP socket: the IPv4 header keepalived 2.2.7 puts on
// its adverts (byte for byte against its captures), and which instances
// share a socket (keepalived's sockpool).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { internetChecksum } from '../../../src/vrrp/packet.js';
import { ipv4Header, isMulticast, sockpoolKey, vridOf, type VrrpSocketOptions } from '../../../src/net/vrrp-socket.js';
import { bytesToIp, ipToBytes } from '../../../src/net/ip.js';
import { repoPath } from '../../helpers/repo.js';

const fixtures: Array<{ name: string; frame: string }> = JSON.parse(readFileSync(repoPath('test/fixtures/vrrp/keepalived-2.2.7-adverts.json'), 'utf8')).frames;

for (const fx of fixtures.filter((f) => f.frame.slice(24, 28) === '0800')) {
  test(`the IPv4 header is keepalived's, given its id: ${fx.name}`, () => {
    const ip = Buffer.from(fx.frame, 'hex').subarray(14);
    const header = ipv4Header({ src: bytesToIp(ip.subarray(12, 16)), dst: bytesToIp(ip.subarray(16, 20)), ttl: 255, id: ip.readUInt16BE(4), payloadLength: ip.length - 20 });
    assert.deepEqual(header, ip.subarray(0, 20));
    assert.equal(internetChecksum(header), 0);
  });
}

test('the IPv4 header carries unicast_ttl, the peer, the id as given, DF clear', () => {
  const h = ipv4Header({ src: '192.0.2.1', dst: '198.51.100.7', ttl: 7, id: 0xfffe, payloadLength: 12 });
  // version/IHL, TOS 0xc0, length 32, id, flags/offset 0, TTL 7, protocol 112, checksum, addresses
  assert.equal(h.toString('hex'), '45c00020fffe00000770c673c0000201c6336407');
});

const link = { ifname: 'eth0', ifindex: 2 } as const;

test('instances on one interface and family share a socket per group, or per unicast source', () => {
  const key = (o: Omit<VrrpSocketOptions, 'ifname' | 'ifindex'>) => sockpoolKey({ ...link, ...o } as VrrpSocketOptions);
  assert.equal(key({ family: 4, group: '224.0.0.18' }), key({ family: 4, group: '224.0.0.18' }));
  assert.equal(key({ family: 6, group: 'ff02::12' }), key({ family: 6, group: 'FF02:0:0::12' }));
  assert.equal(key({ family: 6, unicast: { src: '2001:db8::1' } }), key({ family: 6, unicast: { src: '2001:0db8::0001' } }));
  const distinct = [
    key({ family: 4, group: '224.0.0.18' }),
    key({ family: 4, group: '224.0.0.19' }),
    key({ family: 4, unicast: { src: '192.0.2.1' } }),
    key({ family: 4, unicast: { src: '192.0.2.2' } }),
    key({ family: 6, group: 'ff02::12' }),
    sockpoolKey({ ifname: 'eth1', ifindex: 3, family: 4, group: '224.0.0.18' }),
  ];
  assert.equal(new Set(distinct).size, distinct.length);
});

test('a shared socket is demultiplexed by the VRID octet', () => {
  assert.equal(vridOf(Buffer.from('2133960101', 'hex')), 0x33);
  assert.equal(vridOf(Buffer.from('31', 'hex')), undefined);
});

test('multicast destinations: 224.0.0.0/4 and ff00::/8', () => {
  assert.deepEqual(
    ['224.0.0.18', '239.255.255.255', '223.255.255.255', '240.0.0.1', '192.0.2.1', 'ff02::12', 'fe80::1', '2001:db8::1'].map((a) => isMulticast(ipToBytes(a))),
    [true, true, false, false, false, true, false, false],
  );
});
