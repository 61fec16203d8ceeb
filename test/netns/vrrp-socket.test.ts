// VRRP sockets on a real kernel: two namespaces joined by a veth pair, tskad
// at both ends (and keepalived 2.2.7 at one): adverts arrive with TTL / hop
// limit, source, destination and multicast flag right, for IPv4 and IPv6,
// multicast and unicast; tcpdump decodes what went on the wire; closing stops
// delivery and leaks no descriptor.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeAdvert, encodeAdvert, isDecodeError, passAuthData, textAddrs, AUTH_NONE, AUTH_PASS, type Advert, type PacketAddrs } from '../../src/vrrp/packet.js';
import { ipv4Header } from '../../src/net/vrrp-socket.js';
import { createVethPair, frameBytes, requireLab, startAgent, startCapture, type Agent, type Host, type VethPair } from './veth-pair.js';
import type { PacketEvent } from './socket-agent.js';

const v2: Advert = { version: 2, vrid: 51, priority: 150, maxAdverInt: 100, addresses: ['192.0.2.100'], authType: AUTH_PASS, authData: passAuthData('nfsuser1') };
const v3v4: Advert = { version: 3, vrid: 52, priority: 200, maxAdverInt: 50, addresses: ['192.0.2.100'], authType: AUTH_NONE };
const v3v6: Advert = { version: 3, vrid: 53, priority: 100, maxAdverInt: 100, addresses: ['2001:db8::100', '2001:db8::101'], authType: AUTH_NONE };

const hex = (addrs: PacketAddrs, ad: Advert): string => encodeAdvert(ad, addrs).toString('hex');
/** the agent's `send` of `ad` from `src` to each of `dsts`, each with its own encoding */
const advert = (sock: string, family: 4 | 6, src: string, dsts: string[], ad: Advert, ttl?: number) =>
  ({ op: 'send', sock, src, ttl, to: dsts.map((dst) => ({ dst, message: hex(textAddrs(family, src, dst), ad) })) }) as const;
const multicast = (h: Host, family: 4 | 6) => ({ ifname: h.ifname, ifindex: h.ifindex, family, group: family === 4 ? '224.0.0.18' : 'ff02::12' });
const unicast = (h: Host, family: 4 | 6, src: string) => ({ ifname: h.ifname, ifindex: h.ifindex, family, unicast: { src } });
/** payload, and the IP-level facts the socket reports, as one comparable object */
const seen = (p: PacketEvent) => (assert.equal(p.srcBytes, p.source, 'the source as bytes and as text'), { payload: p.payload, source: p.source, destination: p.destination, ttl: p.ttl, multicast: p.multicast, ifindex: p.ifindex });

describe('VRRP sockets across two namespaces', () => {
  let pair: VethPair;
  let a: Host;
  let b: Host;
  let sender: Agent;
  let receiver: Agent;

  before(async () => {
    requireLab(['tcpdump']);
    pair = createVethPair('sock');
    ({ a, b } = pair);
    sender = await startAgent(a.ns);
    receiver = await startAgent(b.ns);
  });
  after(() => {
    sender?.kill();
    receiver?.kill();
    pair?.remove();
  });

  test('IPv4 multicast: a VRRPv2 advert arrives with TTL 255, byte for byte as keepalived builds it', async () => {
    await sender.request({ op: 'open', sock: 'm4', options: multicast(a, 4) });
    await receiver.request({ op: 'open', sock: 'm4', options: multicast(b, 4) });
    const addrs = textAddrs(4, a.ipv4, '224.0.0.18');
    const capture = await startCapture(b.ns, b.ifname, 'ip proto 112');
    let wire: string[];
    try {
      await sender.request(advert('m4', 4, a.ipv4, ['224.0.0.18'], v2));
      const got = await receiver.packet((p) => p.sock === 'm4');
      assert.deepEqual(seen(got), { payload: hex(addrs, v2), source: a.ipv4, destination: '224.0.0.18', ttl: 255, multicast: true, ifindex: b.ifindex });
    } finally {
      wire = await capture.stop();
    }
    assert.equal(wire.length, 1, wire.join('\n'));
    const text = wire[0]!;
    assert.match(text, /> 01:00:5e:00:00:12, ethertype IPv4 .*\(tos 0xc0, ttl 255, id 1, offset 0, flags \[none\], proto VRRP \(112\), length 40\)/);
    assert.match(text, /192\.0\.2\.1 > 224\.0\.0\.18: VRRPv2, Advertisement, vrid 51, prio 150, authtype simple, intvl 1s, length 20, addrs: 192\.0\.2\.100 auth "nfsuser1"/);
    // the whole IP packet, as keepalived builds it given the same id (cf. the capture in test/fixtures/vrrp)
    const message = Buffer.from(hex(addrs, v2), 'hex');
    const ip = Buffer.concat([ipv4Header({ src: a.ipv4, dst: '224.0.0.18', ttl: 255, id: 1, payloadLength: message.length }), message]);
    assert.deepEqual(frameBytes(text).subarray(14), ip);
    // IP_MULTICAST_LOOP is off: the sender does not hear itself
    await sleep(200);
    assert.deepEqual(sender.packets, []);
  });

  test('IPv4 multicast: the IP id counts up per VRID from 1, as keepalived does', async () => {
    const capture = await startCapture(b.ns, b.ifname, 'ip proto 112');
    let wire: string[];
    try {
      for (const ad of [v2, v2, v3v4]) await sender.request(advert('m4', 4, a.ipv4, ['224.0.0.18'], ad));
      await receiver.packet((p) => p.sock === 'm4' && p.payload.startsWith('3134'));
    } finally {
      wire = await capture.stop();
    }
    // VRID 51 went out once in the previous test
    assert.deepEqual(wire.map((p) => frameBytes(p).readUInt16BE(14 + 4)), [2, 3, 1]);
    assert.match(wire[2]!, /VRRPv3, Advertisement, vrid 52, prio 200, intvl 50cs, length 12, addrs: 192\.0\.2\.100/);
  });

  test('IPv4 unicast: to each peer with TTL 255 or unicast_ttl, one IP id per advert, only to unicast sockets', async () => {
    spawnSync('ip', ['-n', b.ns, 'addr', 'add', '192.0.2.3/24', 'dev', b.ifname]);
    await sender.request({ op: 'open', sock: 'u4', options: unicast(a, 4, a.ipv4) });
    await receiver.request({ op: 'open', sock: 'u4', options: unicast(b, 4, b.ipv4) });
    await receiver.request({ op: 'open', sock: 'u4b', options: unicast(b, 4, '192.0.2.3') });
    const from = receiver.packets.length;
    const fresh = (p: PacketEvent) => receiver.packets.indexOf(p) >= from;
    const capture = await startCapture(b.ns, b.ifname, 'ip proto 112');
    let wire: string[];
    try {
      await sender.request(advert('u4', 4, a.ipv4, [b.ipv4, '192.0.2.3'], v3v4));
      const got = await receiver.packet((p) => fresh(p) && p.sock === 'u4');
      const payload = hex(textAddrs(4, a.ipv4, b.ipv4), v3v4);
      assert.deepEqual(seen(got), { payload, source: a.ipv4, destination: b.ipv4, ttl: 255, multicast: false, ifindex: b.ifindex });
      assert.equal((await receiver.packet((p) => fresh(p) && p.sock === 'u4b')).destination, '192.0.2.3');
      await sender.request(advert('u4', 4, a.ipv4, [b.ipv4], v3v4, 7));
      assert.equal((await receiver.packet((p) => fresh(p) && p.sock === 'u4' && p.ttl !== 255)).ttl, 7);
      // a multicast advert reaches the multicast socket only
      await sender.request(advert('m4', 4, a.ipv4, ['224.0.0.18'], v2));
      await receiver.packet((p) => fresh(p) && p.sock === 'm4');
    } finally {
      wire = await capture.stop();
    }
    await sleep(200);
    assert.deepEqual(
      receiver.packets.filter(fresh).map((p) => `${p.sock} ${p.destination} ${p.ttl}`),
      ['u4 192.0.2.2 255', 'u4b 192.0.2.3 255', 'u4 192.0.2.2 7', 'm4 224.0.0.18 255'],
    );
    // keepalived's unicast adverts: the same id to every peer (vrrp.c vrrp_send_adv)
    const ids = wire.map((p) => frameBytes(p).readUInt16BE(14 + 4));
    assert.equal(ids[0], ids[1]);
    assert.match(wire[0]!, /192\.0\.2\.1 > 192\.0\.2\.2: VRRPv3, Advertisement, vrid 52, prio 200/);
  });

  test('IPv6 multicast: a VRRPv3 advert from the link-local address arrives with hop limit 255', async () => {
    await sender.request({ op: 'open', sock: 'm6', options: multicast(a, 6) });
    await receiver.request({ op: 'open', sock: 'm6', options: multicast(b, 6) });
    const addrs = textAddrs(6, a.linkLocal, 'ff02::12');
    const capture = await startCapture(b.ns, b.ifname, 'ip6 proto 112');
    let wire: string[];
    try {
      await sender.request(advert('m6', 6, a.linkLocal, ['ff02::12'], v3v6));
      const got = await receiver.packet((p) => p.sock === 'm6');
      assert.deepEqual(seen(got), { payload: hex(addrs, v3v6), source: a.linkLocal, destination: 'ff02::12', ttl: 255, multicast: true, ifindex: b.ifindex });
    } finally {
      wire = await capture.stop();
    }
    assert.equal(wire.length, 1, wire.join('\n'));
    assert.match(wire[0]!, /> 33:33:00:00:00:12, ethertype IPv6 .*\(class 0xc0, flowlabel 0x[0-9a-f]+, hlim 255, next-header VRRP \(112\) payload length: 40\) fe80::[0-9a-f:]+ > ff02::12: VRRPv3, Advertisement, vrid 53, prio 100, intvl 100cs, length 40, addrs\(2\): 2001:db8::100,2001:db8::101/);
    // the checksum the kernel filled in (IPV6_CHECKSUM) is the codec's
    assert.equal(frameBytes(wire[0]!).subarray(14 + 40).toString('hex'), hex(addrs, v3v6));
    await sleep(200);
    assert.deepEqual(sender.packets.filter((p) => p.sock === 'm6'), []);
  });

  test('IPv6 unicast: the kernel’s hop limit unless unicast_ttl is set, as keepalived', async () => {
    await sender.request({ op: 'open', sock: 'u6', options: unicast(a, 6, a.ipv6) });
    await receiver.request({ op: 'open', sock: 'u6', options: unicast(b, 6, b.ipv6) });
    const addrs = textAddrs(6, a.ipv6, b.ipv6);
    await sender.request(advert('u6', 6, a.ipv6, [b.ipv6], v3v6));
    const got = await receiver.packet((p) => p.sock === 'u6');
    assert.deepEqual(seen(got), { payload: hex(addrs, v3v6), source: a.ipv6, destination: b.ipv6, ttl: 64, multicast: false, ifindex: b.ifindex });
    await sender.request(advert('u6', 6, a.ipv6, [b.ipv6], v3v6, 255));
    assert.equal((await receiver.packet((p) => p.sock === 'u6' && p.ttl === 255)).destination, b.ipv6);
    // the multicast socket did not see the unicast adverts, nor the other way round
    await sleep(200);
    assert.deepEqual([...new Set(receiver.packets.filter((p) => p.sock.endsWith('6')).map((p) => `${p.sock} ${p.destination}`))], ['m6 ff02::12', 'u6 2001:db8::2']);
  });

  test('a unicast socket cannot bind to an address the host does not have', async () => {
    await assert.rejects(receiver.request({ op: 'open', sock: 'bad', options: unicast(b, 6, '2001:db8::99') }), /bind: Cannot assign requested address/);
  });

  for (const family of [4, 6] as const) {
    test(`IPv${family}: a packet's age counts from its arrival (kernel stamp), not from when the event loop reads it`, async () => {
      const group = family === 4 ? '224.0.0.18' : 'ff02::12';
      const sock = `age${family}`;
      await sender.request({ op: 'open', sock, options: multicast(a, family) });
      await receiver.request({ op: 'open', sock, options: multicast(b, family) });
      await sender.request(advert(sock, family, family === 4 ? a.ipv4 : a.linkLocal, [group], family === 4 ? v3v4 : v3v6));
      const fresh = await receiver.packet((p) => p.sock === sock);
      assert.ok(fresh.age !== undefined && fresh.age >= 0 && fresh.age < 100, `age of a packet read at once: ${fresh.age}`);
      // the receiver's loop is held for 400 ms; the advert arrives 100 ms into it and waits
      const blocked = receiver.request({ op: 'block', ms: 400 });
      await sleep(100);
      await sender.request(advert(sock, family, family === 4 ? a.ipv4 : a.linkLocal, [group], family === 4 ? v3v4 : v3v6));
      await blocked;
      const waited = await receiver.packet((p) => p.sock === sock && p !== fresh);
      assert.ok(waited.age !== undefined && waited.age >= 150 && waited.age < 1000, `age of a packet that waited: ${waited.age}`);
      await receiver.request({ op: 'close', sock });
      await sender.request({ op: 'close', sock });
    });
  }

  for (const family of [4, 6] as const) {
    test(`IPv${family}: a timer prelude sends the advert, adds the address and sends the GARP from the timer's expiry, and reads their outcome as the edges' own calls would`, async () => {
      const group = family === 4 ? '224.0.0.18' : 'ff02::12';
      const src = family === 4 ? a.ipv4 : a.linkLocal;
      const sock = `pre${family}`;
      const vip = family === 4 ? '192.0.2.77' : '2001:db8::77';
      const prefix = family === 4 ? 24 : 64;
      await sender.request({ op: 'open', sock, options: multicast(a, family) });
      await receiver.request({ op: 'open', sock, options: multicast(b, family) });
      const ad = family === 4 ? v3v4 : v3v6;
      const add = { dev: a.ifname, ifindex: a.ifindex, address: vip, prefix, scope: 0, flags: { nodad: true, home: false, mngtmpaddr: false, noprefixroute: false, autojoin: false } };
      const garp = family === 4 ? { link: { ifindex: a.ifindex, mac: a.mac, router: false, garpInterval: 0, gnaInterval: 0 }, vips: [vip] } : undefined;
      const capture = await startCapture(b.ns, b.ifname, family === 4 ? 'arp' : 'icmp6 and ip6[40] == 136');
      let wire: string[];
      let reply;
      try {
        reply = await sender.request({ ...advert(sock, family, src, [group], ad), op: 'prelude', delayMs: 50, blockMs: 0, add, ...(garp && { garp }) });
        const got = await receiver.packet((p) => p.sock === sock);
        assert.equal(got.payload, hex(textAddrs(family, src, group), ad));
      } finally {
        wire = await capture.stop();
      }
      assert.deepEqual(reply.done, family === 4 ? [0, 0, 0] : [0, 0]);
      assert.deepEqual(reply.outcomes, family === 4 ? ['ok', 'ok', 'ok'] : ['ok', 'ok']);
      assert.match(spawnSync('ip', ['-n', a.ns, 'addr', 'show', 'dev', a.ifname], { encoding: 'utf8' }).stdout, new RegExp(`inet6? ${vip.replaceAll('.', '\\.')}/${prefix}`));
      if (family === 4) assert.ok(wire.some((l) => l.includes(`Request who-has ${vip} (ff:ff:ff:ff:ff:ff) tell ${vip}`)), wire.join('\n'));
      // the same add again reads as addAddress would have failed: the address is there already
      const again = await sender.request({ ...advert(sock, family, src, [group], ad), op: 'prelude', delayMs: 10, blockMs: 0, add });
      assert.deepEqual(again.done, [0, 17]);
      await receiver.packet(() => receiver.packets.filter((p) => p.sock === sock).length === 2);
      assert.match(again.outcomes![1]!, new RegExp(`cannot add ${vip}/${prefix} to ${a.ifname}: the address is already there \\(EEXIST\\)`));
      spawnSync('ip', ['-n', a.ns, 'addr', 'del', `${vip}/${prefix}`, 'dev', a.ifname]);
    });

    test(`IPv${family}: a timer prelude does nothing while its VRRP socket has a packet waiting`, async () => {
      const group = family === 4 ? '224.0.0.18' : 'ff02::12';
      const sock = `pre${family}`;
      const ad = family === 4 ? v3v4 : v3v6;
      const onSock = () => receiver.packets.filter((p) => p.sock === sock).length;
      const before = onSock();
      const heard = sender.packets.length;
      // expiry at 50 ms, an advert from the peer at about 150 ms, the loop free at 400 ms: epoll reports the timer first
      const armed = sender.request({ ...advert(sock, family, family === 4 ? a.ipv4 : a.linkLocal, [group], ad), op: 'prelude', delayMs: 50, blockMs: 400 });
      await sleep(150);
      await receiver.request(advert(sock, family, family === 4 ? b.ipv4 : b.linkLocal, [group], ad));
      const reply = await armed;
      assert.equal(reply.done, null);
      // the waiting advert is read by JavaScript, and nothing went out
      await sender.packet((p) => p.sock === sock && sender.packets.indexOf(p) >= heard);
      await sleep(200);
      assert.equal(onSock(), before);
      await receiver.request({ op: 'close', sock });
      await sender.request({ op: 'close', sock });
    });
  }

  test("IPv4: a farewell's prelude leaves the IP id to the kernel and takes none of the instance's; its packet is otherwise the advert's", async () => {
    const send = advert('m4', 4, a.ipv4, ['224.0.0.18'], v2);
    const count = () => receiver.packets.filter((p) => p.sock === 'm4').length;
    const before = count();
    const capture = await startCapture(b.ns, b.ifname, 'ip proto 112');
    let wire: string[];
    try {
      await sender.request(send);
      const reply = await sender.request({ ...send, op: 'prelude', delayMs: 10, blockMs: 0, farewell: true });
      assert.deepEqual([reply.done, reply.outcomes], [[0], ['ok']]);
      await sender.request(send);
      await receiver.packet(() => count() === before + 3);
    } finally {
      wire = await capture.stop();
    }
    const ids = wire.map((p) => frameBytes(p).readUInt16BE(14 + 4));
    assert.equal(ids.length, 3, wire.join('\n'));
    assert.notEqual(ids[1], 0, 'the kernel picked one');
    assert.equal(ids[2], ids[0]! + 1, "the instance's ids go on as if the farewell had not been sent");
    const withoutId = (p: string) => {
      const ip = Buffer.from(frameBytes(p).subarray(14));
      ip.writeUInt16BE(0, 4);
      ip.writeUInt16BE(0, 10);
      return ip.toString('hex');
    };
    assert.equal(withoutId(wire[1]!), withoutId(wire[0]!));
  });

  for (const family of [4, 6] as const) {
    test(`IPv${family}: closing a socket stops delivery and leaks no descriptor`, async () => {
      const group = family === 4 ? '224.0.0.18' : 'ff02::12';
      const send = advert(`m${family}`, family, family === 4 ? a.ipv4 : a.linkLocal, [group], family === 4 ? v3v4 : v3v6);
      const fds = (await receiver.request({ op: 'fds' })).fds;
      const count = (sock: string) => receiver.packets.filter((p) => p.sock === sock).length;
      const before = count(`m${family}`);
      await receiver.request({ op: 'open', sock: `c${family}`, options: multicast(b, family) });
      await sender.request(send);
      await receiver.packet((p) => p.sock === `c${family}`);
      await receiver.request({ op: 'close', sock: `c${family}` });
      await sender.request(send);
      // the long-lived socket on the same group sees both adverts
      await receiver.packet(() => count(`m${family}`) === before + 2);
      await sleep(200);
      assert.equal(count(`c${family}`), 1);
      assert.equal((await receiver.request({ op: 'fds' })).fds, fds);
    });
  }
});

describe('keepalived 2.2.7 and tskad on one wire', () => {
  let pair: VethPair;
  let a: Host;
  let b: Host;
  let tskad: Agent;
  let dir: string;
  /** the stop() of each keepalived still running */
  const keepaliveds = new Set<() => Promise<void>>();

  const conf = (state: string, priority: number, h: Host) => `
global_defs { router_id tskad_test }
vrrp_instance V4 {
  state ${state}
  interface ${h.ifname}
  virtual_router_id 51
  priority ${priority}
  advert_int 1
  authentication { auth_type PASS
    auth_pass nfsuser1 }
  virtual_ipaddress { 192.0.2.100/24 }
}
vrrp_instance V6 {
  state ${state}
  interface ${h.ifname}
  virtual_router_id 53
  priority ${priority}
  advert_int 1
  virtual_ipaddress { 2001:db8::100/64 }
}
`;
  /** keepalived in `ns`, its log collected; `stop()` SIGTERMs it and waits for it to exit */
  function keepalived(ns: string, name: string, config: string): { log: () => string; stop: () => Promise<void> } {
    const file = join(dir, `${name}.conf`);
    writeFileSync(file, config);
    const pid = (what: string) => join(dir, `${name}-${what}.pid`);
    const child = spawn('ip', ['netns', 'exec', ns, 'keepalived', '-n', '-l', '-D', '-P', '-f', file, '-p', pid('main'), '-r', pid('vrrp'), '-c', pid('check')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let log = '';
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const stop = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM');
      await exited;
      keepaliveds.delete(stop);
    };
    keepaliveds.add(stop);
    return { log: () => log, stop };
  }

  before(async () => {
    requireLab(['keepalived', 'tcpdump']);
    dir = mkdtempSync(join(tmpdir(), 'tskad-keepalived-'));
    pair = createVethPair('kad');
    ({ a, b } = pair);
    tskad = await startAgent(b.ns);
  });
  after(async () => {
    for (const stop of keepaliveds) await stop();
    tskad?.kill();
    pair?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('keepalived’s adverts arrive and decode, its IPv4 packet exactly as tskad would build it', async () => {
    await tskad.request({ op: 'open', sock: 'k4', options: multicast(b, 4) });
    await tskad.request({ op: 'open', sock: 'k6', options: multicast(b, 6) });
    const capture = await startCapture(b.ns, b.ifname, 'ip proto 112');
    let wire: string[];
    const k = keepalived(a.ns, 'master', conf('MASTER', 150, a));
    try {
      const v4 = await tskad.packet((p) => p.sock === 'k4', 8000);
      const v6 = await tskad.packet((p) => p.sock === 'k6', 8000);
      const d4 = decodeAdvert(Buffer.from(v4.payload, 'hex'), textAddrs(4, v4.source, v4.destination));
      const d6 = decodeAdvert(Buffer.from(v6.payload, 'hex'), textAddrs(6, v6.source, v6.destination));
      assert.ok(!isDecodeError(d4) && !isDecodeError(d6), `${JSON.stringify(d4)} ${JSON.stringify(d6)}\n${k.log()}`);
      assert.deepEqual(d4.advert, v2);
      assert.deepEqual(d6.advert, { ...v3v6, priority: 150, addresses: ['2001:db8::100'] });
      assert.deepEqual(
        [v4, v6].map((p) => [p.source, p.destination, p.ttl, p.multicast, p.ifindex]),
        [
          [a.ipv4, '224.0.0.18', 255, true, b.ifindex],
          [a.linkLocal, 'ff02::12', 255, true, b.ifindex],
        ],
      );
    } finally {
      await k.stop();
      wire = await capture.stop();
    }
    const first = frameBytes(wire[0]!).subarray(14);
    const message = first.subarray(20);
    const id = first.readUInt16BE(4);
    assert.deepEqual(first, Buffer.concat([ipv4Header({ src: a.ipv4, dst: '224.0.0.18', ttl: 255, id, payloadLength: message.length }), message]));
  });

  test('keepalived as BACKUP stays BACKUP while tskad sends it higher-priority adverts, v4 and v6', async () => {
    const k = keepalived(b.ns, 'backup', conf('BACKUP', 100, b));
    // tskad speaks from namespace A this time: a second agent there
    const master = await startAgent(a.ns);
    try {
      await master.request({ op: 'open', sock: 'm4', options: multicast(a, 4) });
      await master.request({ op: 'open', sock: 'm6', options: multicast(a, 6) });
      // keepalived's master-down interval at priority 100: 3 s + (256-100)/256 s; outlast it by far
      for (let i = 0; i < 6; i++) {
        await master.request(advert('m4', 4, a.ipv4, ['224.0.0.18'], { ...v2, priority: 200 }));
        await master.request(advert('m6', 6, a.linkLocal, ['ff02::12'], { ...v3v6, priority: 200, addresses: ['2001:db8::100'] }));
        await sleep(1000);
      }
      const log = k.log();
      assert.match(log, /\(V4\) Entering BACKUP STATE/, log);
      assert.match(log, /\(V6\) Entering BACKUP STATE/, log);
      assert.doesNotMatch(log, /Entering MASTER STATE/, log);
      assert.doesNotMatch(log, /bogus VRRP packet|invalid TTL|checksum|ip address associated with VRID/i, log);
    } finally {
      master.kill();
    }
  });
});
