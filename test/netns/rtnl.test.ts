// rtnetlink on a real kernel, inside a namespace: interfaces and addresses
// read back as `ip -j` sees them; the primary IPv4 address chosen as
// keepalived 2.2.7 chooses it (the source of its adverts, captured); the
// IPv6 link-local and forwarding state; and refusals that name the
// interface and the address.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { AddressInfo } from '../../src/net/rtnl-address.js';
import { plainAddressSpec } from '../../src/net/rtnl-address.js';
import type { LinkInfo } from '../../src/net/rtnl-link.js';
import { createLab, requireLab, run, startAgent, startKeepalived, type Agent, type Lab } from './rtnl-harness.js';

interface IpLink {
  ifindex: number;
  ifname: string;
  address: string;
  mtu: number;
  flags: string[];
  link_type: string;
  operstate: string;
}

describe('rtnl: links and addresses', { timeout: 60_000 }, () => {
  let lab: Lab;
  let agent: Agent;

  before(async () => {
    requireLab(['keepalived', 'tcpdump']);
    lab = createLab('read');
    agent = await startAgent(lab.ns);
  });
  after(() => {
    agent?.kill();
    lab?.remove();
  });

  test('links: name, index, MAC, flags, MTU and type as ip link shows them', async () => {
    lab.ip('link', 'set', 'veth1', 'mtu', '1400');
    const ours = await agent.request<LinkInfo[]>({ op: 'links' });
    const theirs = JSON.parse(lab.ip('-j', 'link', 'show')) as IpLink[];
    assert.deepEqual(
      ours.map((l) => ({ index: l.index, name: l.name, mac: l.mac, mtu: l.mtu, up: l.up, lowerUp: l.lowerUp, type: l.type, oper: l.operState })),
      theirs.map((l) => ({
        index: l.ifindex,
        name: l.ifname,
        mac: l.address,
        mtu: l.mtu,
        up: l.flags.includes('UP'),
        lowerUp: l.flags.includes('LOWER_UP'),
        type: l.link_type,
        oper: l.operstate.toLowerCase(),
      })),
    );
    const veth0 = await agent.request<LinkInfo>({ op: 'link', dev: 'veth0' });
    assert.equal(veth0.parent, ours.find((l) => l.name === 'veth1')!.index, 'IFLA_LINK names the veth peer');
    assert.equal(veth0.running, true);
  });

  test('an interface that does not exist: ENODEV naming it', async () => {
    await assert.rejects(agent.request({ op: 'link', dev: 'nosuch0' }), { code: 'ENODEV', message: 'interface nosuch0 does not exist (ENODEV)' });
    await assert.rejects(agent.request({ op: 'addresses', dev: 'nosuch0' }), { code: 'ENODEV', message: 'interface nosuch0 does not exist (ENODEV)' });
    await assert.rejects(agent.request({ op: 'addAddress', spec: plainAddressSpec('nosuch0', '192.0.2.9') }), {
      code: 'ENODEV',
      message: 'cannot add 192.0.2.9/32 to nosuch0: interface nosuch0 does not exist (ENODEV)',
    });
    await assert.rejects(agent.request({ op: 'delAddress', key: { dev: 'nosuch0', address: '2001:db8::9', prefix: 128 } }), {
      code: 'ENODEV',
      message: 'cannot delete 2001:db8::9/128 from nosuch0: interface nosuch0 does not exist (ENODEV)',
    });
    await assert.rejects(agent.request({ op: 'ipv6Forwarding', dev: 'nosuch0' }), { code: 'ENODEV', message: /interface nosuch0 has no IPv6 configuration/ });
  });

  test('refused adds and deletes name the interface and the address (EEXIST, EADDRNOTAVAIL)', async () => {
    await assert.rejects(agent.request({ op: 'addAddress', spec: plainAddressSpec('veth0', '192.0.2.1', 24) }), {
      code: 'EEXIST',
      message: 'cannot add 192.0.2.1/24 to veth0: the address is already there (EEXIST)',
    });
    await assert.rejects(agent.request({ op: 'delAddress', key: { dev: 'veth0', address: '192.0.2.77', prefix: 32 } }), {
      code: 'EADDRNOTAVAIL',
      message: 'cannot delete 192.0.2.77/32 from veth0: veth0 has no such address (EADDRNOTAVAIL)',
    });
    // the same address with another prefix is another address: not there
    await assert.rejects(agent.request({ op: 'delAddress', key: { dev: 'veth0', address: '192.0.2.1', prefix: 32 } }), { code: 'EADDRNOTAVAIL' });
    // a multicast group is no interface address unless the kernel is to join it (autojoin)
    await assert.rejects(agent.request({ op: 'addAddress', spec: plainAddressSpec('veth0', 'ff02::12') }), {
      code: 'EADDRNOTAVAIL',
      message: 'cannot add ff02::12/128 to veth0: the kernel does not take this address on an interface (EADDRNOTAVAIL)',
    });
  });

  test('addresses per interface and family, in the kernel’s order, as ip -j addr shows them', async () => {
    lab.ip('addr', 'add', '198.51.100.1/24', 'dev', 'veth1');
    lab.ip('addr', 'add', '2001:db8:1::1/64', 'dev', 'veth1', 'nodad');
    try {
      for (const family of [undefined, 4, 6] as const) {
        const ours = await agent.request<AddressInfo[]>({ op: 'addresses', dev: 'veth1', family });
        const theirs = lab.addrs('veth1').filter((a) => family === undefined || a.family === (family === 4 ? 'inet' : 'inet6'));
        assert.deepEqual(
          ours.map((a) => `${a.address}/${a.prefix}`),
          theirs.map((a) => `${a.local}/${a.prefixlen}`),
        );
      }
      const all = await agent.request<AddressInfo[]>({ op: 'addresses' });
      assert.ok(all.some((a) => a.address === '192.0.2.1') && all.some((a) => a.address === '198.51.100.1'), 'without a filter, every interface');
    } finally {
      lab.ip('addr', 'del', '198.51.100.1/24', 'dev', 'veth1');
      lab.ip('addr', 'del', '2001:db8:1::1/64', 'dev', 'veth1');
    }
  });

  test('primary IPv4: the first non-secondary address in the kernel’s order, VIPs excluded, kept while present', async () => {
    lab.ip('addr', 'add', '192.0.2.2/24', 'dev', 'veth0'); // secondary to 192.0.2.1/24
    lab.ip('addr', 'add', '198.51.100.1/24', 'dev', 'veth0');
    try {
      assert.equal(await agent.request({ op: 'primaryIpv4', dev: 'veth0' }), '192.0.2.1');
      assert.equal(await agent.request({ op: 'primaryIpv4', dev: 'veth0', choice: { exclude: ['192.0.2.1'] } }), '198.51.100.1', 'a secondary is never the primary');
      assert.equal(await agent.request({ op: 'primaryIpv4', dev: 'veth0', choice: { current: '198.51.100.1' } }), '198.51.100.1');
      assert.equal(await agent.request({ op: 'primaryIpv4', dev: 'veth0', choice: { current: '203.0.113.1' } }), '192.0.2.1', 'a current address that went is replaced');
      assert.equal(await agent.request({ op: 'primaryIpv4', dev: 'veth1' }), undefined);
    } finally {
      lab.ip('addr', 'del', '198.51.100.1/24', 'dev', 'veth0');
      lab.ip('addr', 'del', '192.0.2.2/24', 'dev', 'veth0');
    }
  });

  test('primary IPv4 is the address keepalived 2.2.7 sends its adverts from', async () => {
    // a scope link address added last comes first in the kernel's list, and keepalived takes it
    lab.ip('addr', 'add', '198.51.100.1/24', 'dev', 'veth0');
    lab.ip('addr', 'add', '192.0.2.50/32', 'dev', 'veth0', 'scope', 'link');
    const capture = spawn('ip', ['netns', 'exec', lab.ns, 'tcpdump', '-n', '-l', '-i', 'veth1', '-c', '1', 'ip proto 112'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    capture.stdout!.on('data', (d: Buffer) => (seen += d.toString()));
    const captured = new Promise<void>((resolve) => capture.on('exit', () => resolve()));
    const listening = new Promise<void>((resolve) => capture.stderr!.on('data', (d: Buffer) => d.toString().includes('listening on') && resolve()));
    await Promise.race([listening, captured.then(() => Promise.reject(new Error('tcpdump exited before listening')))]);
    const keepalived = startKeepalived(
      lab.ns,
      'vrrp_instance V4 {\n state MASTER\n interface veth0\n virtual_router_id 51\n priority 255\n advert_int 1\n virtual_ipaddress {\n  192.0.2.100\n }\n}\n',
    );
    try {
      await captured;
      const source = /IP (\S+) > 224\.0\.0\.18: VRRP/.exec(seen)?.[1];
      assert.equal(source, '192.0.2.50', seen);
      assert.equal(await agent.request({ op: 'primaryIpv4', dev: 'veth0', choice: { exclude: ['192.0.2.100'] } }), source);
    } finally {
      if (capture.exitCode === null && capture.pid !== undefined) process.kill(capture.pid, 'SIGKILL');
      await keepalived.stop();
      lab.ip('addr', 'del', '192.0.2.50/32', 'dev', 'veth0');
      lab.ip('addr', 'del', '198.51.100.1/24', 'dev', 'veth0');
    }
  });

  test('IPv6 link-local: the interface’s scope link address; forwarding read per interface', async () => {
    const ll = lab.addrs('veth0').find((a) => a.family === 'inet6' && a.scope === 'link')!.local;
    assert.equal(await agent.request({ op: 'ipv6LinkLocal', dev: 'veth0' }), ll);
    assert.equal(await agent.request({ op: 'ipv6LinkLocal', dev: 'veth0', choice: { exclude: [ll] } }), undefined);
    assert.equal(await agent.request({ op: 'ipv6Forwarding', dev: 'veth0' }), false);
    run('ip', ['netns', 'exec', lab.ns, 'sysctl', '-qw', 'net.ipv6.conf.veth0.forwarding=1']);
    assert.equal(await agent.request({ op: 'ipv6Forwarding', dev: 'veth0' }), true);
    assert.equal(await agent.request({ op: 'ipv6Forwarding', dev: 'veth1' }), false, 'per interface');
  });
});
