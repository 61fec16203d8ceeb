// rtnetlink events on a real kernel: link down/up, links created and deleted,
// addresses added and deleted from outside (an operator's `ip addr del` of a
// VIP, which ownership then forgets), how fast they arrive, and that a reader
// whose event loop stalls during a burst still gets every one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { plainAddressSpec } from '../../src/net/rtnl-address.js';
import type { LinkInfo } from '../../src/net/rtnl-link.js';
import type { RtnlEvent } from '../../src/net/rtnl.js';
import { createLab, requireLab, startAgent, type Agent, type Lab } from './rtnl-harness.js';

const linkEvent = (name: string, change: string) => (e: RtnlEvent) => e.type === 'link' && e.link.name === name && e.change === change;
const addressEvent = (address: string, change: string) => (e: RtnlEvent) => e.type === 'address' && e.address.address === address && e.change === change;

describe('rtnl: events', { timeout: 60_000 }, () => {
  let lab: Lab;
  let agent: Agent;

  before(async () => {
    requireLab();
    lab = createLab('events');
    agent = await startAgent(lab.ns);
    const known = await agent.request<LinkInfo[]>({ op: 'watch' });
    assert.deepEqual(known.map((l) => l.name).sort(), ['lo', 'veth0', 'veth1']);
  });
  after(() => {
    agent?.kill();
    lab?.remove();
  });

  test('link down and up, within a millisecond or so of `ip link set`', async (t) => {
    // one `ip -batch` fed line by line, so the time measured is not ip's start-up
    const ip = spawn('ip', ['-n', lab.ns, '-batch', '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
    const latencies: number[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const from = agent.events.length;
        const t0 = process.hrtime.bigint();
        ip.stdin!.write('link set veth0 down\n');
        const down = await agent.event(linkEvent('veth0', 'down'), { from });
        latencies.push(Number(down.at - t0) / 1e6);
        assert.equal(down.ev.type === 'link' && down.ev.link.up, false);
        ip.stdin!.write('link set veth0 up\n');
        await agent.event(linkEvent('veth0', 'up'), { from });
      }
    } finally {
      ip.stdin!.end();
      if (ip.exitCode === null && ip.pid !== undefined) process.kill(ip.pid, 'SIGTERM');
    }
    // the peer loses carrier with it: running off, administratively still up
    const peer = await agent.event(linkEvent('veth1', 'down'));
    assert.equal(peer.ev.type === 'link' && peer.ev.link.up, true);
    latencies.sort((a, b) => a - b);
    t.diagnostic(`ip link set down → event in the agent: min ${latencies[0]!.toFixed(3)} ms, median ${latencies[10]!.toFixed(3)} ms, max ${latencies[19]!.toFixed(3)} ms`);
    assert.ok(latencies[10]! < 50, `half the events came more than ${latencies[10]} ms late`);
  });

  test('links created and deleted', async () => {
    lab.ip('link', 'add', 'veth2', 'type', 'veth', 'peer', 'name', 'veth3');
    const added = await agent.event(linkEvent('veth2', 'added'));
    assert.equal(added.ev.type === 'link' && added.ev.link.up, false);
    lab.ip('link', 'del', 'veth2');
    await agent.event(linkEvent('veth2', 'removed'));
    await agent.event(linkEvent('veth3', 'removed'));
  });

  test('addresses added and deleted from outside, IPv4 and IPv6, named with their interface', async () => {
    lab.ip('addr', 'add', '192.0.2.60/32', 'dev', 'veth0', 'label', 'veth0:vip');
    const added = await agent.event(addressEvent('192.0.2.60', 'added'));
    assert.deepEqual(added.ev.type === 'address' && [added.ev.dev, added.ev.address.label, added.ev.address.prefix], ['veth0', 'veth0:vip', 32]);
    lab.ip('addr', 'del', '192.0.2.60/32', 'dev', 'veth0');
    await agent.event(addressEvent('192.0.2.60', 'removed'));
    lab.ip('addr', 'add', '2001:db8::60/128', 'dev', 'veth1', 'nodad');
    const added6 = await agent.event(addressEvent('2001:db8::60', 'added'));
    assert.equal(added6.ev.type === 'address' && added6.ev.dev, 'veth1');
    lab.ip('addr', 'del', '2001:db8::60/128', 'dev', 'veth1');
    await agent.event(addressEvent('2001:db8::60', 'removed'));
  });

  test('an operator deletes a VIP: the event carries what ownership needs to forget it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tskad-rtnl-events-'));
    try {
      await agent.request({ op: 'ownerLoad', stateFile: join(dir, 'vips.json') });
      const vip = plainAddressSpec('veth0', '192.0.2.61');
      assert.equal(await agent.request({ op: 'ownerAdd', spec: vip }), 'added');
      lab.ip('addr', 'del', '192.0.2.61/32', 'dev', 'veth0');
      const gone = await agent.event(addressEvent('192.0.2.61', 'removed'));
      assert.ok(gone.ev.type === 'address' && gone.ev.dev !== undefined);
      await agent.request({ op: 'ownerForget', key: { dev: gone.ev.dev, address: gone.ev.address.address, prefix: gone.ev.address.prefix } });
      // someone adds it back by hand: it is theirs now, and stays
      lab.ip('addr', 'add', '192.0.2.61/32', 'dev', 'veth0');
      assert.equal(await agent.request({ op: 'ownerRemove', key: vip }), 'not-ours');
      assert.ok(lab.addrs('veth0').some((a) => a.local === '192.0.2.61'));
      lab.ip('addr', 'del', '192.0.2.61/32', 'dev', 'veth0');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a stalled reader loses nothing: 300 address changes and a link down wait in the socket', async (t) => {
    const from = agent.events.length;
    // the agent's event loop stops for 2 s while the changes happen
    const blocked = agent.request({ op: 'block', ms: 2000 });
    await sleep(100);
    // IPv4: the kernel queues an IPv4 address's event in the `ip` call that adds
    // it, so all 300 precede the link's; an IPv6 one's comes later from the
    // DAD work queue (even with nodad) and may follow it on a busy machine
    const address = (i: number) => (i < 150 ? `198.51.100.${i + 1}` : `203.0.113.${i - 149}`);
    const batch = Array.from({ length: 300 }, (_, i) => `addr add ${address(i)}/32 dev veth1`);
    const t0 = Date.now();
    const r = spawnSync('ip', ['-n', lab.ns, '-batch', '-'], { input: `${batch.join('\n')}\n`, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    lab.ip('link', 'set', 'veth0', 'down');
    assert.ok(Date.now() - t0 < 1900, 'the changes were made while the reader stalled');
    await blocked;
    await agent.event(linkEvent('veth0', 'down'), { from, timeoutMs: 5000 });
    const seen = agent.events.slice(from);
    const added = seen.filter((e) => e.ev.type === 'address' && e.ev.change === 'added' && /^(198\.51\.100|203\.0\.113)\./.test(e.ev.address.address));
    // an overrun (the socket's buffer full) comes first: it would explain the count
    assert.ok(!seen.some((e) => e.ev.type === 'overrun'), `the kernel overran the event socket (net.core.rmem_max ${readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim()})`);
    assert.equal(added.length, 300, `events seen: ${seen.map((e) => (e.ev.type === 'link' ? `link ${e.ev.link.name} ${e.ev.change}` : e.ev.type)).join(', ').slice(0, 2000)}`);
    t.diagnostic(`${seen.length} events queued in the socket while the reader stalled`);
    lab.ip('link', 'set', 'veth0', 'up');
    await agent.event(linkEvent('veth0', 'up'), { from });
  });
});
