// Timer preludes (timer-prelude.ts, instance.ts preludeFor): which timers
// carry one — a BACKUP's master-down timer, a MASTER's advert timer — and
// what work it describes; how the work that ran answers the step's own
// calls, once each; and that a takeover or an advert through a prelude keeps
// every counter, log line and kernel outcome of one without.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PreludeOp } from '../../../src/net/native.js';
import type { PreludePart } from '../../../src/net/prelude-part.js';
import type { AddressSpec } from '../../../src/net/rtnl-address.js';
import { createLogger } from '../../../src/observe/log.js';
import type { OutgoingAdvert } from '../../../src/vrrp/instance.js';
import { instancePlan, receiveParams, vrrpParams } from '../../../src/vrrp/params.js';
import { combinePreludes, TimerPrelude, type PreludeEdges, type PreludeWork } from '../../../src/vrrp/timer-prelude.js';
import type { Prelude } from '../../../src/vrrp/scheduler.js';
import { ipToBytes } from '../../../src/net/ip.js';
import { loadModel, makeInstance, masterDown1s, peerPacket, settle } from './instance-fakes.js';

/** two VIPs on two interfaces, two GARP rounds */
const BACKUP = `
vrrp_instance VI_1 {
  state BACKUP
  priority 100
  interface veth0
  virtual_router_id 51
  advert_int 1
  garp_master_repeat 2
  virtual_ipaddress {
    192.0.2.100/24
    192.0.2.101/24 dev veth1
  }
}`;

/** an advert from a master of priority 150 */
const peer = () => peerPacket({ priority: 150, addresses: ['192.0.2.100', '192.0.2.101'] });


/** A part of `n` ops tagged `tag`, whose outcome fails with the first nonzero errno. */
function part(tag: string, n = 1): PreludePart {
  return {
    ops: Array.from({ length: n }, () => ({ kind: 'rtnl', data: Buffer.from(tag) }) satisfies PreludeOp),
    outcome: async (errnos) => {
      const failed = errnos.find((e) => e !== 0);
      if (failed !== undefined) throw new Error(`${tag} failed: ${failed}`);
    },
  };
}

const tags = (ops: readonly PreludeOp[]): string[] => ops.map((o) => o.data.toString());

function fakeEdges(o: { advert?: boolean; add?: (spec: AddressSpec) => boolean } = {}): PreludeEdges {
  return {
    advert: () => (o.advert === false ? undefined : part('advert')),
    add: (spec) => (o.add?.(spec) === false ? undefined : part(`add ${spec.address}`)),
    announce: (a) => part(`garp ${a.dev}`, a.addresses.length),
  };
}

function work(): PreludeWork {
  const advert: OutgoingAdvert = { src: '192.0.2.10', to: [{ dst: '224.0.0.18', message: Buffer.from('x') }] };
  return {
    advert,
    addresses: makeInstance(BACKUP).plan.addresses,
    announcements: [
      { dev: 'veth0', addresses: ['192.0.2.100', '192.0.2.100'] },
      { dev: 'veth1', addresses: ['192.0.2.101', '192.0.2.101'] },
    ],
  };
}

test('a prelude is the advert, then each address, then each GARP round, in that order; without the advert there is none', () => {
  const w = work();
  const prelude = new TimerPrelude(fakeEdges({ add: (s) => s.address !== '192.0.2.101' }), 'VI_1', createLogger()).prepare(w)!;
  assert.deepEqual(tags(prelude.ops), ['advert', 'add 192.0.2.100', 'garp veth0', 'garp veth0', 'garp veth1', 'garp veth1']);
  assert.equal(new TimerPrelude(fakeEdges({ advert: false }), 'VI_1', createLogger()).prepare(w), undefined);
});

test('the work that ran answers the step’s calls for it once each, with its own errnos; other calls are not answered', async () => {
  const w = work();
  const takeover = new TimerPrelude(fakeEdges(), 'VI_1', createLogger());
  const prelude = takeover.prepare(w)!;
  assert.equal(takeover.takeAdvert(w.advert), undefined, 'nothing ran yet');
  prelude.ran([0, 0, 17, 0, 0, 0, 0]);
  await takeover.takeAdvert(w.advert);
  assert.equal(takeover.takeAdvert(w.advert), undefined, 'taken once');
  assert.equal(takeover.takeAdvert({ ...w.advert }), undefined, 'another advert is sent by the step itself');
  await takeover.takeAdd(w.addresses[0]!);
  await assert.rejects(takeover.takeAdd(w.addresses[1]!)!, /add 192\.0\.2\.101 failed: 17/);
  assert.equal(takeover.takeAnnouncement('veth0', ['192.0.2.100']), undefined, 'a different round');
  await takeover.takeAnnouncement('veth1', ['192.0.2.101', '192.0.2.101']);
  await takeover.takeAnnouncement('veth0', ['192.0.2.100', '192.0.2.100']);
  prelude.over();
});

test('an address the step did not take up is reported when the step is over, and forgotten', () => {
  const w = work();
  const records: Array<{ msg: string }> = [];
  const log = createLogger({ json: { write: (s: string) => void records.push(JSON.parse(s)) } });
  const takeover = new TimerPrelude(fakeEdges(), 'VI_1', log);
  const prelude = takeover.prepare(w)!;
  prelude.ran(prelude.ops.map(() => 0));
  void takeover.takeAdvert(w.advert);
  void takeover.takeAdd(w.addresses[0]!);
  prelude.over();
  assert.deepEqual(
    records.map((r) => r.msg),
    ['(VI_1) 192.0.2.101/24 was requested on veth1 at the takeover, but the takeover did not take it up'],
  );
  assert.equal(takeover.takeAdd(w.addresses[1]!), undefined);
});

test('a BACKUP’s master-down timer carries the work its takeover starts with: the advert it sends, its VIPs, its GARP rounds', () => {
  const { vrrp, ports, scheduler, plan } = makeInstance(BACKUP);
  const asked: PreludeWork[] = [];
  ports.prelude = (w: PreludeWork) => {
    asked.push(w);
    return { ops: [], ran: () => undefined, over: () => undefined };
  };
  vrrp.start();
  assert.equal(asked.length, 1);
  assert.equal(scheduler.preludes().length, 1);
  const [w] = asked;
  assert.equal(w!.addresses, plan.addresses);
  assert.deepEqual(w!.announcements, [
    { dev: 'veth0', addresses: ['192.0.2.100', '192.0.2.100'] },
    { dev: 'veth1', addresses: ['192.0.2.101', '192.0.2.101'] },
  ]);
  scheduler.runUntil(masterDown1s(100));
  assert.equal(vrrp.state, 'MASTER');
  assert.equal(ports.adverts.length, 1);
  assert.equal(ports.adverts[0]!.message, w!.advert.to[0]!.message, 'the very advert the prelude described');
  const advertTimer = scheduler.preludes();
  assert.equal(advertTimer.length, 1, 'a MASTER’s advert timer carries its next advert');
  assert.deepEqual(asked.slice(1), [{ advert: w!.advert, addresses: [], announcements: [] }]);
});

test('a MASTER’s advert timer carries a prelude made afresh for every advert, which answers the advert’s send', async () => {
  const { vrrp, ports, scheduler } = makeInstance(BACKUP);
  const takeover = new TimerPrelude(fakeEdges(), 'VI_1', ports.log);
  let made = 0;
  ports.prelude = (w: PreludeWork) => {
    made++;
    return takeover.prepare(w);
  };
  const own = ports.sendAdvert.bind(ports);
  ports.sendAdvert = (a) => takeover.takeAdvert(a) ?? own(a);
  scheduler.runPreludes = true;
  vrrp.start();
  scheduler.runUntil(masterDown1s(100));
  const afterTakeover = made;
  scheduler.advance(5000);
  await settle();
  assert.equal(vrrp.state, 'MASTER');
  assert.equal(made - afterTakeover, 5, 'one per advert');
  assert.equal(ports.adverts.length, 0, 'every advert went through its prelude');
  assert.equal(vrrp.stats.advert_sent, 6);
});

test('adverts that hold a BACKUP re-arm its timer with the same prelude; a priority change, a reload and a FAULT make new ones', () => {
  const { vrrp, ports, scheduler } = makeInstance(BACKUP);
  let made = 0;
  ports.prelude = () => {
    made++;
    return { ops: [], ran: () => undefined, over: () => undefined };
  };
  vrrp.start();
  vrrp.receive(peer());
  vrrp.receive(peer());
  assert.equal(made, 1);
  vrrp.setTrackingWeight(-10);
  assert.equal(made, 2);
  assert.equal(scheduler.preludes().length, 1);
  const config = loadModel(BACKUP);
  const i = config.vrrpInstance[0]!;
  vrrp.reconfigure(instancePlan(i, config.globalDefs), vrrpParams(i, config.globalDefs, ipToBytes('192.0.2.10')), receiveParams(i, config.globalDefs));
  assert.equal(made, 3);
  vrrp.setFault('link down', true);
  assert.equal(scheduler.preludes().length, 0);
  vrrp.setFault('link down', false);
  assert.equal(made, 4, 'after a FAULT the prelude is made afresh');
});

test('no prelude in a sync group, whose gate decides at the expiry, nor while a release is under way', async () => {
  const { vrrp, ports, scheduler } = makeInstance(BACKUP);
  ports.prelude = () => ({ ops: [], ran: () => undefined, over: () => undefined });
  vrrp.joinGroup({ mayBecomeMaster: () => true, heldInBackup: () => undefined });
  vrrp.start();
  assert.equal(scheduler.preludes().length, 0);
  vrrp.leaveGroup({ mayBecomeMaster: () => true, heldInBackup: () => undefined });
  assert.equal(scheduler.preludes().length, 0, 'another group’s leaving changes nothing');

  const alone = makeInstance(BACKUP);
  const removals: Array<() => void> = [];
  alone.ports.prelude = () => ({ ops: [], ran: () => undefined, over: () => undefined });
  alone.ports.removeAddress = () => new Promise((r) => removals.push(r));
  alone.vrrp.start();
  alone.scheduler.runUntil(masterDown1s(100));
  await settle();
  alone.vrrp.receive(peer());
  assert.equal(alone.vrrp.state, 'BACKUP');
  assert.equal(alone.scheduler.preludes().length, 0, 'the VIPs are still being removed');
  for (const done of removals) done();
  await settle();
  alone.vrrp.receive(peer());
  assert.equal(alone.scheduler.preludes().length, 1);
});

test('a takeover through a prelude answers the advert, the adds and the GARPs from it, and says and counts what a takeover without one does', async () => {
  const run = async (withPrelude: boolean) => {
    const { vrrp, ports, scheduler } = makeInstance(BACKUP);
    const takeover = new TimerPrelude(fakeEdges(), 'VI_1', ports.log);
    const own = { sendAdvert: ports.sendAdvert.bind(ports), addAddress: ports.addAddress.bind(ports), announce: ports.announce.bind(ports) };
    if (withPrelude) {
      scheduler.runPreludes = true;
      ports.prelude = (w: PreludeWork) => takeover.prepare(w);
      ports.sendAdvert = (a) => takeover.takeAdvert(a) ?? own.sendAdvert(a);
      ports.addAddress = (s: AddressSpec) => takeover.takeAdd(s) ?? own.addAddress(s);
      ports.announce = (dev, addresses) => takeover.takeAnnouncement(dev, addresses) ?? own.announce(dev, addresses);
    }
    vrrp.start();
    scheduler.runUntil(masterDown1s(100));
    await settle();
    return { ports, stats: { ...vrrp.stats }, state: vrrp.state };
  };
  const direct = await run(false);
  const preluded = await run(true);
  assert.equal(preluded.state, 'MASTER');
  assert.deepEqual([preluded.ports.adverts.length, preluded.ports.kernel.length, preluded.ports.announced.length], [0, 0, 0], 'nothing done twice');
  assert.deepEqual([direct.ports.adverts.length, direct.ports.kernel.length, direct.ports.announced.length], [1, 2, 2]);
  assert.deepEqual(preluded.stats, direct.stats);
  // one line more, at -D: what went before the step
  const said = preluded.ports.messages();
  const native = "(VI_1) takeover: advert, 2 address request(s) and 4 gratuitous ARP(s) sent at the master-down timer's expiry";
  assert.deepEqual(said.filter((m) => m !== native), direct.ports.messages());
  assert.equal(said.filter((m) => m === native).length, 1);
});

test('a MASTER tells its priority-0 advert for the stop signal’s handler, and that it has none once it leaves MASTER', () => {
  const { vrrp, ports, scheduler } = makeInstance(BACKUP);
  const told: Array<PreludeWork | undefined> = [];
  ports.farewell = (w: PreludeWork | undefined) => void told.push(w);
  vrrp.start();
  assert.equal(told.length, 0, 'a BACKUP has none');
  scheduler.runUntil(masterDown1s(100));
  scheduler.advance(1000);
  assert.equal(told.length, 2, 'told at each advert timer');
  const w = told[1]!;
  assert.deepEqual([w.addresses, w.announcements, w.farewell], [[], [], true]);
  assert.equal(told[0]!.advert, w.advert, 'the same advert while nothing it holds changes');
  vrrp.receive(peer());
  assert.equal(vrrp.state, 'BACKUP');
  assert.equal(told.at(-1), undefined);
});

test('a stop through the farewell answers the priority-0 send from it, and counts it as a stop without one does', async () => {
  const run = async (withFarewell: boolean) => {
    const { vrrp, ports, scheduler } = makeInstance(BACKUP);
    const preludes = new TimerPrelude(fakeEdges(), 'VI_1', ports.log);
    let farewell: ReturnType<TimerPrelude['prepare']>;
    const own = ports.sendAdvert.bind(ports);
    if (withFarewell) {
      ports.farewell = (w: PreludeWork | undefined) => void (farewell = w && preludes.prepare(w));
      ports.sendAdvert = (a) => preludes.takeAdvert(a) ?? own(a);
    }
    vrrp.start();
    scheduler.runUntil(masterDown1s(100));
    const sent = ports.adverts.length;
    const f = farewell;
    f?.ran(f.ops.map(() => 0));
    const stopped = vrrp.stop();
    f?.over();
    await stopped;
    return { sentAtStop: ports.adverts.length - sent, stats: { ...vrrp.stats }, hadOne: f !== undefined };
  };
  const direct = await run(false);
  const farewelled = await run(true);
  assert.ok(farewelled.hadOne);
  assert.deepEqual([direct.sentAtStop, farewelled.sentAtStop], [1, 0]);
  assert.deepEqual(farewelled.stats, direct.stats);
  assert.equal(farewelled.stats.pri_zero_sent, 1);
});

test("a farewell's prelude is prepared once for as long as its edge gives the same part; an advert's every time", () => {
  const asked: boolean[] = [];
  const kept = new Map<OutgoingAdvert, PreludePart>();
  const edges: PreludeEdges = {
    ...fakeEdges(),
    advert: (a, farewell) => {
      asked.push(farewell);
      if (!farewell) return part('advert');
      if (!kept.has(a)) kept.set(a, part('farewell'));
      return kept.get(a);
    },
  };
  const preludes = new TimerPrelude(edges, 'VI_1', createLogger());
  const advert = work().advert;
  const bye = { advert, addresses: [], announcements: [], farewell: true };
  const first = preludes.prepare(bye);
  assert.equal(preludes.prepare(bye), first);
  assert.notEqual(preludes.prepare({ ...bye, advert: { ...advert } }), first, 'another advert, another part');
  const plain = { advert, addresses: [], announcements: [] };
  assert.notEqual(preludes.prepare(plain), preludes.prepare(plain));
  assert.deepEqual(asked, [true, true, true, false, false]);
});

test('preludes combined run as one, each told its own errnos', () => {
  const seen: string[] = [];
  const p = (name: string, n: number): Prelude => ({
    ops: Array.from({ length: n }, () => ({ kind: 'rtnl', data: Buffer.from(name) }) satisfies PreludeOp),
    ran: (e) => seen.push(`${name} ${e.join(',')}`),
    over: () => seen.push(`${name} over`),
  });
  assert.equal(combinePreludes([]), undefined);
  const one = p('a', 1);
  assert.equal(combinePreludes([one]), one);
  const both = combinePreludes([p('a', 1), p('b', 2)])!;
  assert.deepEqual(tags(both.ops), ['a', 'b', 'b']);
  both.ran([0, 17, 0]);
  both.over();
  assert.deepEqual(seen, ['a 0', 'b 17,0', 'a over', 'b over']);
});
