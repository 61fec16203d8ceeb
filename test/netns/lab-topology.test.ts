// The lab's topology on a real kernel: routers and a client on bridges in a
// namespace of their own, documentation addresses, IPv6 usable at once (no
// DAD); a pulled cable and a cut router; address changes timed by the
// kernel's own events.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requireTools, run, wallClock } from '../../src/lab/command.js';
import { createLab, type Lab } from '../../src/lab/topology.js';

/** clock reads around a command (see the waitForAddress test) */
const SLACK_MS = 5;

describe('lab topology', () => {
  let lab: Lab;
  before(async () => {
    requireTools({ ip: 'iproute2', ping: 'iputils-ping' });
    lab = await createLab({ routers: 3, segments: 2 });
  });
  after(() => lab?.destroy());

  test('routers r1…r3 hold eth0 and eth1 with documentation addresses; the client eth0 only', async () => {
    assert.deepEqual(
      lab.routers.map((r) => r.name),
      ['r1', 'r2', 'r3'],
    );
    for (const [i, r] of lab.routers.entries()) {
      const n = 11 + i;
      assert.deepEqual((await lab.addressesOf(r.name, 'eth0')).slice(0, 2), [`192.0.2.${n}/24`, `2001:db8::${n}/64`]);
      assert.deepEqual((await lab.addressesOf(r.name, 'eth1')).slice(0, 2), [`198.51.100.${n}/24`, `2001:db8:1::${n}/64`]);
      assert.match(r.links[0]!.linkLocal, /^fe80::/);
    }
    assert.deepEqual((await lab.addressesOf('client', 'eth0')).slice(0, 2), ['192.0.2.100/24', '2001:db8::100/64']);
    assert.equal(lab.client.links.length, 1);
    // the host's network is not touched: the bridges are in the lab's own namespace
    assert.match(await lab.exec('switch', ['ip', '-br', 'link', 'show', 'type', 'bridge']), /^br0 .*\nbr1 /s);
  });

  test('every node reaches every other on its segments, IPv4 and IPv6, at once', async () => {
    for (const r of lab.routers) {
      assert.ok((await lab.ping('client', r.links[0]!.ipv4)).received, `client → ${r.name}`);
      assert.ok((await lab.ping('client', r.links[0]!.ipv6!)).received, `client → ${r.name} IPv6`);
    }
    assert.ok((await lab.ping('r1', '198.51.100.13')).received, 'r1 → r3 on the second segment');
    assert.ok((await lab.ping('r3', `${lab.node('r1').links[0]!.linkLocal}%eth0`)).received, 'r3 → r1 link-local');
    assert.equal((await lab.ping('client', '198.51.100.11', 1)).received, false, 'the client is not on the second segment');
  });

  test('linkDown is a pulled cable: no carrier, addresses kept; linkUp restores it', async () => {
    await lab.linkDown('r2', 'eth0');
    try {
      const [link] = JSON.parse(await lab.exec('r2', ['ip', '-j', 'link', 'show', 'dev', 'eth0'])) as Array<{ flags: string[] }>;
      assert.ok(link!.flags.includes('NO-CARRIER'), link!.flags.join(','));
      assert.ok(link!.flags.includes('UP'), 'the interface itself stays up');
      assert.deepEqual((await lab.addressesOf('r2', 'eth0')).slice(0, 2), ['192.0.2.12/24', '2001:db8::12/64']);
      assert.equal((await lab.ping('client', '192.0.2.12', 1)).received, false);
    } finally {
      await lab.linkUp('r2', 'eth0');
    }
    assert.ok((await lab.ping('client', '192.0.2.12')).received);
  });

  test('cut isolates a router on every segment, with carrier still up; rejoin brings it back', async () => {
    await lab.cut('r3');
    try {
      const [link] = JSON.parse(await lab.exec('r3', ['ip', '-j', 'link', 'show', 'dev', 'eth1'])) as Array<{ flags: string[] }>;
      assert.ok(link!.flags.includes('LOWER_UP'), link!.flags.join(','));
      assert.equal((await lab.ping('r1', '192.0.2.13', 1)).received, false);
      assert.equal((await lab.ping('r1', '198.51.100.13', 1)).received, false);
    } finally {
      await lab.rejoin('r3');
    }
    // the neighbour entries the cut left FAILED are resolved afresh: allow a few tries
    const reachable = async (ip: string) => {
      for (let i = 0; i < 4; i++) if ((await lab.ping('r1', ip)).received) return true;
      return false;
    };
    assert.ok(await reachable('192.0.2.13'));
    assert.ok(await reachable('198.51.100.13'));
  });

  test('waitForAddress times an address change by the kernel event, within the command that made it', async () => {
    for (const [ip, prefix] of [['192.0.2.250', 24], ['2001:db8::250', 64]] as const) {
      const on = await lab.watchAddress('r1', ip, true, 5000);
      const before = wallClock();
      await run(['ip', '-n', lab.node('r1').ns, 'addr', 'add', `${ip}/${prefix}`, 'dev', 'eth1']);
      const after = wallClock();
      const at = await on.at;
      // ip's own timestamp and node's wall clock are read by different calls: allow a few ms between them
      assert.ok(at >= before - SLACK_MS && at <= after + SLACK_MS, `${ip} added at ${at - before} ms of a ${after - before} ms command`);

      const off = await lab.watchAddress('r1', ip, false, 5000);
      const before2 = wallClock();
      await run(['ip', '-n', lab.node('r1').ns, 'addr', 'del', `${ip}/${prefix}`, 'dev', 'eth1']);
      const at2 = await off.at;
      assert.ok(at2 >= before2 - SLACK_MS && at2 <= wallClock() + SLACK_MS, `${ip} deleted`);
    }
    // already in the state asked for: at once
    const t = wallClock();
    assert.ok((await lab.waitForAddress('r1', '192.0.2.11', true, 1000)) >= t);
    await assert.rejects(lab.waitForAddress('r1', '192.0.2.251', true, 300), /192\.0\.2\.251 was still absent from .*-r1 after 300 ms/);
  });

  test('spawn runs in the node\'s namespace and keeps each output line with its arrival time', async () => {
    const before = wallClock();
    const p = lab.spawn('r2', ['sh', '-c', 'echo one; echo two >&2; ip -br -4 addr show dev eth0']);
    assert.equal((await p.exited).code, 0);
    const of = (stream: string) => p.lines.filter((l) => l.stream === stream).map((l) => l.text.replace(/\s+/g, ' '));
    assert.equal(of('stdout').length, 2);
    assert.equal(of('stdout')[0], 'one');
    assert.match(of('stdout')[1]!, /^eth0@if\d+ UP 192\.0\.2\.12\/24 $/);
    assert.deepEqual(of('stderr'), ['two']);
    assert.ok(p.lines.every((l) => l.at >= before && l.at <= wallClock()));
  });
});

describe('lab topology without IPv6 addresses', () => {
  test('ipv6: false gives IPv4 addresses only, beside the link-locals', async () => {
    requireTools({ ip: 'iproute2', ping: 'iputils-ping' });
    const lab = await createLab({ routers: 1, ipv6: false });
    try {
      assert.equal(lab.node('r1').links[0]!.ipv6, undefined);
      const addresses = await lab.addressesOf('r1', 'eth0');
      assert.equal(addresses[0], '192.0.2.11/24');
      assert.deepEqual(addresses.slice(1).filter((a) => !a.startsWith('fe80::')), []);
      assert.ok((await lab.ping('client', '192.0.2.11')).received);
    } finally {
      await lab.destroy();
    }
  });
});
