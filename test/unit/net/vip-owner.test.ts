// Ownership of VIPs: the ledger (pure), its state file, and VipOwner driving
// an in-memory kernel that answers as Linux does (EEXIST for an address
// already there, EADDRNOTAVAIL for one that is not, ENODEV for no interface).
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as setImmediateP } from 'node:timers/promises';
import { plainAddressSpec, type AddressKey, type AddressSpec } from '../../../src/net/rtnl-address.js';
import {
  decodeLedger,
  decodeState,
  emptyLedger,
  encodeLedger,
  ledgerId,
  owns,
  readLedgerFile,
  readStateFile,
  VipOwner,
  withOwned,
  withoutOwned,
  writeLedgerFile,
  type AddressKernel,
} from '../../../src/net/vip-owner.js';

const vip = plainAddressSpec('eth0', '192.0.2.10');
const vip6 = plainAddressSpec('eth0', '2001:db8::10');

describe('the ledger', () => {
  test('one id per interface, address, prefix and peer, whatever the spelling', () => {
    assert.equal(ledgerId({ dev: 'eth0', address: '2001:DB8:0::10', prefix: 128 }), 'eth0 2001:db8::10/128');
    assert.equal(ledgerId({ dev: 'eth0', address: '192.0.2.21', prefix: 32, peer: '192.0.2.99' }), 'eth0 192.0.2.21/32 peer 192.0.2.99');
    assert.notEqual(ledgerId(vip), ledgerId({ ...vip, prefix: 24 }));
    assert.notEqual(ledgerId(vip), ledgerId({ ...vip, dev: 'eth1' }));
  });

  test('adding and removing make new ledgers and leave the old one alone', () => {
    const one = withOwned(emptyLedger, vip);
    assert.ok(owns(one, { dev: 'eth0', address: '192.0.2.10', prefix: 32 }));
    assert.ok(!owns(emptyLedger, vip));
    assert.ok(!owns(withoutOwned(one, vip), vip));
    assert.ok(owns(one, vip));
    // only what names the address is kept
    assert.deepEqual([...one.values()], [{ dev: 'eth0', address: '192.0.2.10', prefix: 32 }]);
  });

  test('the file format round-trips', () => {
    const l = withOwned(withOwned(emptyLedger, vip), { dev: 'eth1', address: '2001:db8::16', prefix: 128, peer: '2001:db8::99' });
    const text = encodeLedger(l);
    assert.deepEqual(JSON.parse(text), {
      version: 1,
      vips: [
        { dev: 'eth0', address: '192.0.2.10', prefix: 32 },
        { dev: 'eth1', address: '2001:db8::16', prefix: 128, peer: '2001:db8::99' },
      ],
    });
    assert.deepEqual(decodeLedger(text), l);
  });

  test('a file that is not a ledger says what is wrong with it', () => {
    assert.throws(() => decodeLedger('{'), /^Error: not JSON/);
    assert.throws(() => decodeLedger('{"version":2,"vips":[]}'), /^Error: version: /);
    assert.throws(() => decodeLedger('{"version":1,"vips":[{"dev":"eth0","address":"192.0.2.300","prefix":32}]}'), /^Error: vips\.0\.address: not an IP address/);
    assert.throws(() => decodeLedger('{"version":1,"vips":[{"dev":"eth0","address":"192.0.2.3","prefix":129}]}'), /^Error: vips\.0\.prefix: /);
  });
});

describe('the state file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tskad-vip-owner-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('no file: an empty ledger; written files are read back; directories are made', async () => {
    const path = join(dir, 'run', 'tskad', 'vips.json');
    assert.equal(readLedgerFile(path).size, 0);
    await writeLedgerFile(path, withOwned(emptyLedger, vip));
    assert.ok(owns(readLedgerFile(path), vip));
    assert.deepEqual(readdirSync(join(dir, 'run', 'tskad')), ['vips.json'], 'nothing left aside');
  });

  test('a damaged file is an error naming the file', () => {
    const path = join(dir, 'vips.json');
    writeFileSync(path, 'garbage');
    assert.throws(() => readLedgerFile(path), new RegExp(`^Error: VIP state file ${path}: not JSON`));
  });
});

/** Addresses per interface, answering as the kernel does. */
class FakeKernel implements AddressKernel {
  readonly held = new Set<string>();
  readonly devs = new Set(['eth0', 'eth1']);
  failNext: string | undefined;

  private check(k: AddressKey): void {
    if (this.failNext) {
      const code = this.failNext;
      this.failNext = undefined;
      throw Object.assign(new Error(`cannot: ${code}`), { code });
    }
    if (!this.devs.has(k.dev)) throw Object.assign(new Error('no such interface'), { code: 'ENODEV' });
  }
  async addAddress(spec: AddressSpec): Promise<void> {
    this.check(spec);
    if (this.held.has(ledgerId(spec))) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    this.held.add(ledgerId(spec));
  }
  async delAddress(key: AddressKey): Promise<void> {
    this.check(key);
    if (!this.held.delete(ledgerId(key))) throw Object.assign(new Error('not there'), { code: 'EADDRNOTAVAIL' });
  }
}

describe('VipOwner', () => {
  let dir: string;
  let stateFile: string;
  let kernel: FakeKernel;
  let owner: VipOwner;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tskad-vip-owner-'));
    stateFile = join(dir, 'vips.json');
    kernel = new FakeKernel();
    owner = new VipOwner(kernel, stateFile);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** the file once the writes of the changes so far are done */
  const onFile = async () => {
    await owner.flush();
    return [...readLedgerFile(stateFile).keys()];
  };

  test('what it adds it owns, and removes; the file follows each change', async () => {
    assert.equal(await owner.add(vip), 'added');
    assert.deepEqual(await onFile(), ['eth0 192.0.2.10/32']);
    assert.equal(await owner.remove(vip), 'removed');
    assert.equal(kernel.held.size, 0);
    assert.deepEqual(await onFile(), []);
  });

  test('the file is written after the turn that changed the ledger, once for all its changes; flush() waits for it', async () => {
    await owner.add(vip);
    const other = plainAddressSpec('eth1', '198.51.100.1', 24);
    await owner.add(other);
    assert.equal(existsSync(stateFile), false, 'nothing written on the way to the GARPs');
    await owner.flush();
    assert.deepEqual([...readLedgerFile(stateFile).keys()], ['eth0 192.0.2.10/32', 'eth1 198.51.100.1/24']);
    rmSync(stateFile);
    await setImmediateP();
    assert.equal(existsSync(stateFile), false, 'flushed: no second write');
  });

  test('a write that fails is told to the handler, and memory still knows', async () => {
    const told: string[] = [];
    const blocked = join(dir, 'not-a-dir');
    writeFileSync(blocked, '');
    const owner = new VipOwner(kernel, join(blocked, 'vips.json'), undefined, [], (e) => told.push(e.message));
    await owner.add(vip);
    await owner.flush();
    assert.equal(told.length, 1, 'one failed write, told');
    assert.ok(owner.owns(vip));
  });

  test('an address that was there before stays foreign and is never removed', async () => {
    kernel.held.add(ledgerId(vip));
    assert.equal(await owner.add(vip), 'foreign');
    assert.equal(owner.owns(vip), false);
    assert.equal(await owner.remove(vip), 'not-ours');
    assert.ok(kernel.held.has(ledgerId(vip)));
    assert.equal(existsSync(stateFile), false, 'nothing to record');
  });

  test('adding twice what it owns keeps it owned', async () => {
    await owner.add(vip);
    assert.equal(await owner.add(vip), 'added');
    assert.equal(await owner.remove(vip), 'removed');
  });

  test('gone already (deleted from outside, or its interface deleted): forgotten, no error', async () => {
    await owner.add(vip);
    await owner.add(vip6);
    kernel.held.delete(ledgerId(vip));
    assert.equal(await owner.remove(vip), 'gone');
    kernel.devs.delete('eth0');
    assert.equal(await owner.remove(vip6), 'gone');
    assert.deepEqual(await onFile(), []);
  });

  test('forget: an address deleted by someone else, re-added by someone else, is not removed', async () => {
    await owner.add(vip);
    kernel.held.delete(ledgerId(vip));
    owner.forget(vip);
    kernel.held.add(ledgerId(vip));
    assert.equal(await owner.remove(vip), 'not-ours');
    assert.ok(kernel.held.has(ledgerId(vip)));
  });

  test('other failures are thrown, and the address stays owned', async () => {
    kernel.failNext = 'EPERM';
    await assert.rejects(owner.add(vip), { code: 'EPERM' });
    assert.equal(owner.owns(vip), false);
    await owner.add(vip);
    kernel.failNext = 'EPERM';
    await assert.rejects(owner.remove(vip), { code: 'EPERM' });
    assert.equal(owner.owns(vip), true);
  });

  test('after a crash: a new owner loads the file and removes the leftovers, reporting each', async () => {
    const other = plainAddressSpec('eth1', '198.51.100.1', 24);
    for (const s of [vip, vip6, other]) await owner.add(s);
    kernel.held.add(ledgerId(plainAddressSpec('eth0', '192.0.2.99'))); // someone else's
    kernel.held.delete(ledgerId(vip6));
    await owner.flush();
    const reborn = VipOwner.load(kernel, stateFile);
    assert.equal(reborn.ledger.size, 3);
    kernel.failNext = 'EPERM';
    const results = await reborn.removeLeftovers();
    assert.deepEqual(
      results.map((r) => `${r.key.address} ${r.outcome}${r.error ? ` ${(r.error as Error & { code: string }).code}` : ''}`),
      ['192.0.2.10 failed EPERM', '2001:db8::10 gone', '198.51.100.1 removed'],
    );
    assert.deepEqual([...kernel.held].sort(), ['eth0 192.0.2.10/32', 'eth0 192.0.2.99/32']);
    await reborn.flush();
    assert.deepEqual([...readLedgerFile(stateFile).keys()], ['eth0 192.0.2.10/32'], 'what could not be removed is still listed');
  });

  test('without a state file, only memory', async () => {
    const volatile = new VipOwner(kernel);
    assert.equal(await volatile.add(vip), 'added');
    assert.ok(volatile.owns(vip));
    assert.equal(existsSync(stateFile), false);
  });

  test('the file on disk is what encodeLedger writes', async () => {
    await owner.add(vip6);
    await owner.flush();
    assert.equal(readFileSync(stateFile, 'utf8'), encodeLedger(owner.ledger));
  });
});

describe('the MASTER records (a respawned process resumes from them)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tskad-vip-owner-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const router = { instance: 'VI_1', interface: 'eth0', vrid: 51, family: 4 as const };

  test('recorded on becoming MASTER, forgotten on leaving it; a file without them (the first format) reads as none', async () => {
    const stateFile = join(dir, 'vips.json');
    const kernel = new FakeKernel();
    const owner = new VipOwner(kernel, stateFile);
    await owner.add(vip);
    owner.recordMaster(router, 1000);
    await owner.flush();
    assert.deepEqual(readStateFile(stateFile).masters, [{ ...router, since: 1000 }]);
    const next = VipOwner.load(kernel, stateFile);
    assert.deepEqual(next.masters, [{ ...router, since: 1000 }]);
    assert.ok(next.owns(vip));
    owner.recordMaster(router, undefined);
    await owner.flush();
    assert.deepEqual(readStateFile(stateFile).masters, []);
    assert.deepEqual(decodeState('{"version":1,"vips":[]}').masters, []);
  });

  test('removeLeftovers keeps what a resumed MASTER goes on with', async () => {
    const kernel = new FakeKernel();
    const other = plainAddressSpec('eth0', '192.0.2.11');
    const owner = new VipOwner(kernel, join(dir, 'vips.json'));
    await owner.add(vip);
    await owner.add(other);
    const results = await owner.removeLeftovers((k) => k.address === vip.address);
    assert.deepEqual(results.map((r) => r.key.address), ['192.0.2.11']);
    assert.ok(owner.owns(vip));
  });
});
