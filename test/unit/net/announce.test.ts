// GARP and unsolicited NA frames, byte for byte as keepalived 2.2.7 sends them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gratuitousArp, unsolicitedNa } from '../../../src/net/announce.js';
import { repoPath } from '../../helpers/repo.js';

const fx = JSON.parse(readFileSync(repoPath('test/fixtures/vrrp/keepalived-2.2.7-announce.json'), 'utf8'));
const macOf = (frame: Buffer) => frame.subarray(6, 12);

test('gratuitous ARP matches keepalived’s frame (Ethernet padding aside)', () => {
  const theirs = Buffer.from(fx.garp.frame, 'hex');
  const ours = gratuitousArp(macOf(theirs), fx.garp.vip);
  assert.deepEqual(ours, theirs.subarray(0, ours.length));
});

test('unsolicited NA matches keepalived’s frame, checksum included', () => {
  const theirs = Buffer.from(fx.na.frame, 'hex');
  assert.deepEqual(unsolicitedNa(macOf(theirs), fx.na.vip, fx.na.router), theirs);
  // the Router flag changes only the flags byte and the checksum
  const routed = unsolicitedNa(macOf(theirs), fx.na.vip, true);
  assert.equal(routed[14 + 40 + 4], 0xa0);
});
