// VIPs on a real kernel: every form a keepalived VIP line can take, added by
// tskad in one namespace and by keepalived 2.2.7 in another from the same
// configuration, leaves the same addresses (`ip -j -d addr`); tskad's release
// removes them all (keepalived leaves its `peer` VIP behind). Ownership: an
// address that was there before is never removed (keepalived removes it), an
// address deleted by an operator is forgotten, and a restart after a crash
// removes what the state file says the dead process added.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { plainAddressSpec, vipAddressSpec, type AddressSpec } from '../../src/net/rtnl-address.js';
import { createLab, requireLab, startAgent, startKeepalived, type Agent, type IpAddr, type Keepalived, type Lab } from './rtnl-harness.js';

/** Every VIP option keepalived 2.2.7 knows, IPv4 in the instance, IPv6 as excluded addresses. */
const CONF = `vrrp_instance V4 {
  state MASTER
  interface veth0
  virtual_router_id 51
  priority 255
  advert_int 1
  virtual_ipaddress {
    192.0.2.100
    192.0.2.11/24
    192.0.2.12/24 brd +
    192.0.2.13/24 brd -
    192.0.2.14/24 brd 192.0.2.200
    192.0.2.15 scope host
    192.0.2.16 scope link
    192.0.2.17 scope site
    192.0.2.18 scope nowhere
    192.0.2.19 scope 100
    192.0.2.20 label veth0:1
    192.0.2.21 peer 192.0.2.99
    198.51.100.5/24 noprefixroute
    192.0.2.30 label foo
    203.0.113.5 dev veth1
    192.0.2.31 home
  }
  virtual_ipaddress_excluded {
    2001:db8::10
    2001:db8::11/64
    2001:db8::12 -nodad
    2001:db8::13 preferred_lft 300
    2001:db8::14 home
    2001:db8::15/64 mngtmpaddr
    2001:db8::16 peer 2001:db8::99
    2001:db8::17 noprefixroute
    2001:db8::18/64 preferred_lft forever
    ff02::12 autojoin
  }
}
`;

const DEVS = ['veth0', 'veth1'];

/**
 * What must match: every field `ip -j -d addr` prints, but DAD progress
 * (tentative: timing) and lifetimes that count down (compared to the second);
 * each namespace's own link-locals are left out.
 */
function normal(lab: Lab): string[] {
  return DEVS.flatMap((dev) =>
    lab
      .addrs(dev)
      .filter((a) => !a.local.startsWith('fe80:'))
      .map((a: IpAddr) => {
        const { tentative: _t, valid_life_time: _v, preferred_life_time: p, ...rest } = a;
        const lft = typeof p === 'number' && p !== 0 && p !== 0xffffffff ? `~${Math.round(p / 10) * 10}` : p;
        return `${dev} ${JSON.stringify({ ...rest, preferred: lft })}`;
      }),
  ).sort();
}

function vipSpecs(confPath: string): AddressSpec[] {
  const { config, diagnostics } = loadConfig(confPath);
  assert.deepEqual(diagnostics.items, [], 'the lab configuration loads cleanly');
  const inst = config.vrrpInstance[0]!;
  return [...inst.virtualIpaddress, ...inst.virtualIpaddressExcluded].map((v) => vipAddressSpec(v, inst.interface!));
}

describe('rtnl: VIPs as keepalived adds them', { timeout: 60_000 }, () => {
  let dir: string;
  let specs: AddressSpec[];
  let base: Lab;
  let keepalivedLab: Lab;
  let tskadLab: Lab;
  let keepalived: Keepalived | undefined;
  let agent: Agent;

  before(async () => {
    requireLab(['keepalived']);
    dir = mkdtempSync(join(tmpdir(), 'tskad-rtnl-vip-'));
    writeFileSync(join(dir, 'keepalived.conf'), CONF);
    specs = vipSpecs(join(dir, 'keepalived.conf'));
    base = createLab('vip-base');
    keepalivedLab = createLab('vip-k');
    tskadLab = createLab('vip-t');
    agent = await startAgent(tskadLab.ns);
  });
  after(() => {
    keepalived?.kill();
    agent?.kill();
    for (const l of [base, keepalivedLab, tskadLab]) l?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the kernel holds exactly what keepalived 2.2.7 adds for the same lines, and release removes them all', async () => {
    keepalived = startKeepalived(keepalivedLab.ns, CONF);
    await keepalived.waitFor(/Entering MASTER STATE/);
    // the VIPs follow the log line; the last one marks the end
    for (let i = 0; i < 50 && !keepalivedLab.addrs('veth0').some((a) => a.local === 'ff02::12'); i++) await new Promise((r) => setTimeout(r, 50));
    const theirs = normal(keepalivedLab);

    for (const spec of specs) await agent.request({ op: 'addAddress', spec });
    assert.deepEqual(normal(tskadLab), theirs);

    await keepalived.stop();
    keepalived = undefined;
    for (const spec of specs) await agent.request({ op: 'delAddress', key: spec });
    assert.deepEqual(normal(tskadLab), normal(base), 'tskad removes every VIP it added');
    // keepalived 2.2.7 deletes a peer VIP with IFA_ADDRESS = the local address, which never matches
    const left = normal(keepalivedLab).filter((a) => !normal(base).includes(a));
    assert.deepEqual(
      left.map((a) => JSON.parse(a.slice(a.indexOf(' ') + 1)).local),
      ['192.0.2.21'],
    );
  });

  test('the IPv6 defaults: nodad unless -nodad, a /128 deprecated unless preferred_lft says otherwise', () => {
    const by = (a: string) => specs.find((s) => s.address === a)!;
    assert.equal(by('2001:db8::10').flags.nodad, true);
    assert.equal(by('2001:db8::10').preferredLft, 0);
    assert.equal(by('2001:db8::12').flags.nodad, false, '-nodad turns keepalived’s nodad off');
    assert.equal(by('2001:db8::11').preferredLft, undefined, 'a /64 stays preferred');
    assert.equal(by('2001:db8::13').preferredLft, 300);
  });
});

describe('rtnl: VIP ownership', { timeout: 60_000 }, () => {
  let lab: Lab;
  let agent: Agent;
  let dir: string;
  let stateFile: string;

  before(async () => {
    requireLab(['keepalived']);
    lab = createLab('own');
    dir = mkdtempSync(join(tmpdir(), 'tskad-rtnl-own-'));
    stateFile = join(dir, 'run', 'tskad', 'vips.json');
    agent = await startAgent(lab.ns);
    await agent.request({ op: 'ownerLoad', stateFile });
  });
  after(() => {
    agent?.kill();
    lab?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const has = (address: string, prefix: number) => lab.addrs('veth0').some((a) => a.local === address && a.prefixlen === prefix);

  test('an address that was there before is not tskad’s: release leaves it', async () => {
    lab.ip('addr', 'add', '192.0.2.40/32', 'dev', 'veth0');
    const vip = plainAddressSpec('veth0', '192.0.2.40');
    assert.equal(await agent.request({ op: 'ownerAdd', spec: vip }), 'foreign');
    assert.equal(await agent.request({ op: 'ownerRemove', key: vip }), 'not-ours');
    assert.ok(has('192.0.2.40', 32));
    // the same address with another prefix is another address, and that one tskad adds
    const other = plainAddressSpec('veth0', '192.0.2.40', 24);
    assert.equal(await agent.request({ op: 'ownerAdd', spec: other }), 'added');
    assert.equal(await agent.request({ op: 'ownerRemove', key: other }), 'removed');
    assert.ok(has('192.0.2.40', 32) && !has('192.0.2.40', 24));
    lab.ip('addr', 'del', '192.0.2.40/32', 'dev', 'veth0');
  });

  test('keepalived 2.2.7, by contrast, deletes such an address at startup and adds it back as its own', async () => {
    lab.ip('addr', 'add', '192.0.2.41/32', 'dev', 'veth0');
    const keepalived = startKeepalived(
      lab.ns,
      'vrrp_instance V4 {\n state BACKUP\n interface veth0\n virtual_router_id 52\n priority 100\n advert_int 1\n virtual_ipaddress {\n  192.0.2.41\n }\n}\n',
    );
    try {
      await keepalived.waitFor(/removing VIPs/);
      assert.ok(!has('192.0.2.41', 32), 'removed at startup, while BACKUP');
      await keepalived.waitFor(/Entering MASTER STATE/);
    } finally {
      await keepalived.stop();
    }
    assert.ok(!has('192.0.2.41', 32), 'and gone after it stops');
  });

  test('an address an operator deleted is forgotten; the ledger file follows every change', async () => {
    const vip = plainAddressSpec('veth0', '2001:db8::42');
    assert.equal(await agent.request({ op: 'ownerAdd', spec: vip }), 'added');
    assert.match(readFileSync(stateFile, 'utf8'), /2001:db8::42/);
    lab.ip('addr', 'del', '2001:db8::42/128', 'dev', 'veth0');
    assert.equal(await agent.request({ op: 'ownerRemove', key: vip }), 'gone');
    assert.doesNotMatch(readFileSync(stateFile, 'utf8'), /2001:db8::42/);
  });

  test('after a crash, a new process removes what the state file lists, and nothing else', async () => {
    const mine = [plainAddressSpec('veth0', '192.0.2.43'), plainAddressSpec('veth0', '2001:db8::43'), plainAddressSpec('veth1', '198.51.100.43', 24)];
    for (const spec of mine) assert.equal(await agent.request({ op: 'ownerAdd', spec }), 'added');
    lab.ip('addr', 'add', '192.0.2.44/32', 'dev', 'veth0');
    agent.kill();
    agent = await startAgent(lab.ns);
    const loaded = await agent.request<unknown[]>({ op: 'ownerLoad', stateFile });
    assert.equal(loaded.length, 3);
    lab.ip('addr', 'del', '2001:db8::43/128', 'dev', 'veth0'); // one already gone
    const results = await agent.request<Array<{ key: { address: string }; outcome: string }>>({ op: 'ownerLeftovers' });
    assert.deepEqual(
      results.map((r) => `${r.key.address} ${r.outcome}`),
      ['192.0.2.43 removed', '2001:db8::43 gone', '198.51.100.43 removed'],
    );
    assert.ok(!has('192.0.2.43', 32) && has('192.0.2.44', 32));
    assert.deepEqual(JSON.parse(readFileSync(stateFile, 'utf8')), { version: 1, vips: [] });
  });
});
