// Gratuitous ARPs and unsolicited NAs through the native addon's AF_PACKET
// socket, on a real wire: tcpdump at the far end of a veth pair decodes them,
// sees the bytes announce.ts built, and times the gaps vrrp_garp_interval /
// vrrp_gna_interval ask for.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gratuitousArp, parseMac, unsolicitedNa } from '../../src/net/announce.js';
import { createVethPair, frameBytes, requireLab, seenAt, startAgent, startCapture, type Agent, type Host, type VethPair } from './veth-pair.js';

const FILTER = 'arp or (icmp6 and ip6[40] == 136)';

describe('GARP / NA frames on the wire', () => {
  let pair: VethPair;
  let a: Host;
  let b: Host;
  let agent: Agent;
  const link = (garpInterval: number, gnaInterval: number, extra: { router?: boolean; garpGroup?: string } = {}) => ({
    ifindex: a.ifindex,
    mac: a.mac,
    router: false,
    garpInterval,
    gnaInterval,
    ...extra,
  });
  /** tcpdump's reading of what `announce` calls put on the wire, and how long they took */
  async function capture(announce: () => Promise<unknown>): Promise<{ wire: string[]; ms: number }> {
    const c = await startCapture(b.ns, b.ifname, FILTER);
    const start = performance.now();
    const outcome = await announce().then(
      () => ({ ms: performance.now() - start }),
      (error: unknown) => ({ error }),
    );
    // tcpdump stops whether or not the announcement failed
    const wire = await c.stop();
    if ('error' in outcome) throw outcome.error;
    return { wire, ms: outcome.ms };
  }

  before(async () => {
    requireLab(['tcpdump']);
    pair = createVethPair('garp');
    ({ a, b } = pair);
    agent = await startAgent(a.ns);
  });
  after(() => {
    agent?.kill();
    pair?.remove();
  });

  test('one GARP per IPv4 VIP and one NA per IPv6 VIP, byte for byte, each kind paced on its own', async (t) => {
    const vips = ['192.0.2.100', '2001:db8::100', '192.0.2.101', '2001:db8::101'];
    const { wire, ms } = await capture(() => agent.request({ op: 'announce', link: link(0.2, 0.05), vips }));
    assert.equal(wire.length, 4, wire.join('\n'));
    const arps = wire.filter((p) => p.includes('ethertype ARP'));
    const nas = wire.filter((p) => p.includes('ethertype IPv6'));
    assert.match(arps[0]!, new RegExp(`${a.mac} > ff:ff:ff:ff:ff:ff, ethertype ARP \\(0x0806\\), length 42: Ethernet \\(len 6\\), IPv4 \\(len 4\\), Request who-has 192\\.0\\.2\\.100 \\(ff:ff:ff:ff:ff:ff\\) tell 192\\.0\\.2\\.100, length 28`));
    assert.match(nas[0]!, new RegExp(`${a.mac} > 33:33:00:00:00:01, ethertype IPv6 .*hlim 255, next-header ICMPv6 \\(58\\) payload length: 32\\) 2001:db8::100 > ff02::1: \\[icmp6 sum ok\\] ICMP6, neighbor advertisement, length 32, tgt is 2001:db8::100, Flags \\[override\\]`, 's'));
    assert.match(nas[0]!, new RegExp(`destination link-address option \\(2\\), length 8 \\(1\\): ${a.mac}`));
    const mac = parseMac(a.mac);
    assert.deepEqual(arps.map(frameBytes), [gratuitousArp(mac, '192.0.2.100'), gratuitousArp(mac, '192.0.2.101')]);
    assert.deepEqual(nas.map(frameBytes), [unsolicitedNa(mac, '2001:db8::100', false), unsolicitedNa(mac, '2001:db8::101', false)]);
    // vrrp_garp_interval 0.2 s between the ARPs, vrrp_gna_interval 0.05 s between the NAs, and neither waits for
    // the other; never early, late by little (the upper bounds leave room for a loaded machine)
    const gap = (x: string, y: string) => seenAt(y) - seenAt(x);
    const [arpGap, naGap, apart] = [gap(arps[0]!, arps[1]!), gap(nas[0]!, nas[1]!), Math.abs(gap(arps[0]!, nas[0]!))];
    t.diagnostic(`ARP gap ${arpGap.toFixed(6)} s, NA gap ${naGap.toFixed(6)} s, first ARP/NA ${apart.toFixed(6)} s apart, announce settled after ${ms.toFixed(1)} ms`);
    assert.ok(arpGap >= 0.199 && arpGap < 0.3, `ARP gap ${arpGap}`);
    assert.ok(naGap >= 0.049 && naGap < 0.15, `NA gap ${naGap}`);
    assert.ok(apart < 0.05, `first ARP and first NA ${apart} s apart`);
    // the promise settles when the last frame has left
    assert.ok(ms >= 199 && ms < 500, `announce took ${ms} ms`);
  });

  test('interval 0: back to back', async (t) => {
    const vips = ['192.0.2.100', '192.0.2.101', '192.0.2.102', '192.0.2.103', '192.0.2.104'];
    const { wire } = await capture(() => agent.request({ op: 'announce', link: link(0, 0), vips }));
    assert.equal(wire.length, 5);
    const span = seenAt(wire[4]!) - seenAt(wire[0]!);
    t.diagnostic(`5 frames in ${(span * 1e3).toFixed(3)} ms`);
    assert.ok(span < 0.05, `${span} s for 5 frames`);
  });

  test('announcements of two instances on one interface share its pace', async (t) => {
    const { wire } = await capture(() =>
      Promise.all([
        agent.request({ op: 'announce', link: link(0.1, 0), vips: ['192.0.2.100', '192.0.2.101'] }),
        agent.request({ op: 'announce', link: link(0.1, 0), vips: ['192.0.2.110'] }),
      ]),
    );
    assert.equal(wire.length, 3);
    const gaps = [seenAt(wire[1]!) - seenAt(wire[0]!), seenAt(wire[2]!) - seenAt(wire[1]!)];
    t.diagnostic(`gaps ${gaps.map((g) => g.toFixed(6)).join(', ')} s`);
    assert.ok(gaps.every((g) => g >= 0.099 && g < 0.2), `gaps ${gaps.join(', ')}`);
  });

  test('the Router flag on a forwarding interface', async () => {
    const { wire } = await capture(() => agent.request({ op: 'announce', link: link(0, 0, { router: true }), vips: ['2001:db8::100'] }));
    assert.match(wire[0]!, /tgt is 2001:db8::100, Flags \[router, override\]/);
    assert.deepEqual(frameBytes(wire[0]!), unsolicitedNa(parseMac(a.mac), '2001:db8::100', true));
  });

  test('a send the kernel refuses rejects with its errno text, and the others still go', async () => {
    await assert.rejects(
      agent.request({ op: 'announce', link: { ...link(0, 0), ifindex: 999_999 }, vips: ['192.0.2.100', '2001:db8::100'] }),
      /2 of 2 announcements failed on ifindex 999999: .*sendto\(AF_PACKET\): No such device/,
    );
    const { wire } = await capture(() => agent.request({ op: 'announce', link: link(0, 0), vips: ['192.0.2.100'] }));
    assert.equal(wire.length, 1);
  });
});
