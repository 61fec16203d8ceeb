// Links as rtnetlink carries them: a link read back from RTM_NEWLINK, whether
// VRRP can run over it (IFF_UP and IFF_RUNNING, as keepalived tests), what a
// new sighting says changed, and what a fresh dump says after lost events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { rt } from 'netlink';
import { isOperational, linkChange, linkFromMessage, linkResync, type LinkInfo } from '../../../src/net/rtnl-link.js';

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};

const message = (o: { index?: number; name?: string; flags?: rt.DeviceFlags; operstate?: number; link?: Buffer } = {}): rt.LinkMessage => ({
  kind: 'link',
  data: { family: 0, type: 'ETHER', index: o.index ?? 3, flags: o.flags ?? { up: true, running: true, lowerUp: true, broadcast: true, multicast: true }, change: {} },
  attrs: { ifname: o.name ?? 'eth0', address: Buffer.from('0200000000aa', 'hex'), mtu: 1500, operstate: o.operstate ?? 6, master: 9, ...(o.link && { link: o.link }) },
});

test('a link read back: name, index, type, MAC, MTU, flags, RFC 2863 state, parent and master', () => {
  assert.deepEqual(linkFromMessage(message({ link: u32(2) })), {
    index: 3,
    name: 'eth0',
    type: 'ether',
    mac: '02:00:00:00:00:aa',
    mtu: 1500,
    up: true,
    lowerUp: true,
    running: true,
    operState: 'up',
    parent: 2,
    master: 9,
  });
  const down = linkFromMessage(message({ flags: { up: true }, operstate: 3, link: u32(0) }));
  assert.deepEqual([down.lowerUp, down.running, down.operState, down.parent], [false, false, 'lowerlayerdown', undefined]);
});

test('a link without hardware address or attributes the package could not name', () => {
  const l = linkFromMessage({ kind: 'link', data: { index: 5, type: 65534 as unknown as rt.LinkType }, attrs: { ifname: 'tun0' } });
  assert.deepEqual([l.type, l.mac, l.mtu, l.operState], ['65534', undefined, 0, 'unknown']);
});

const link = (o: Partial<LinkInfo> = {}): LinkInfo => ({ index: 3, name: 'eth0', type: 'ether', mtu: 1500, up: true, lowerUp: true, running: true, operState: 'up', ...o });

test('operational means up and running, carrier alone is not enough', () => {
  assert.equal(isOperational(link()), true);
  assert.equal(isOperational(link({ running: false })), false);
  assert.equal(isOperational(link({ up: false })), false);
});

test('what changed: added, removed, up, down, or something else', () => {
  assert.equal(linkChange(undefined, link()), 'added');
  assert.equal(linkChange(link(), undefined), 'removed');
  assert.equal(linkChange(link(), link({ running: false })), 'down');
  assert.equal(linkChange(link({ up: false, running: false }), link()), 'up');
  assert.equal(linkChange(link(), link({ mtu: 9000 })), 'changed');
  // administratively up but no carrier yet: still down
  assert.equal(linkChange(link({ up: false, running: false }), link({ running: false })), 'changed');
});

test('resync after lost events: links gone, new, and gone up or down; other changes stay silent', () => {
  const known = new Map([
    [1, link({ index: 1, name: 'lo' })],
    [3, link({ index: 3, name: 'eth0' })],
    [4, link({ index: 4, name: 'eth1' })],
    [5, link({ index: 5, name: 'eth2', running: false })],
  ]);
  const now = [link({ index: 1, name: 'lo', mtu: 9000 }), link({ index: 3, name: 'eth0', running: false }), link({ index: 5, name: 'eth2' }), link({ index: 6, name: 'eth3' })];
  assert.deepEqual(
    linkResync(known, now).map((e) => `${e.link.name} ${e.change}`),
    ['eth1 removed', 'eth0 down', 'eth2 up', 'eth3 added'],
  );
});
