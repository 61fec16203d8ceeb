// What a takeover does first, and what it keeps for later (instance.ts):
// the advert, the address request and the GARP leave before the log lines
// and the transition's listeners, which keep their order; the encoded advert
// is reused while nothing in it changes; a rehearsal of the takeover
// touches neither the instance nor its ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeInstance, masterDown1s, settle } from './instance-fakes.js';

const BACKUP = `
vrrp_instance VI_1 {
  state BACKUP
  interface veth0
  virtual_router_id 51
  priority 100
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/24
  }
}`;


test('a takeover sends its advert and asks for its VIP before it logs a line or tells a listener; the lines keep their order', async () => {
  const { vrrp, ports, scheduler } = makeInstance(BACKUP);
  const seen: string[] = [];
  const linesNow = () => ports.messages().length;
  const sendAdvert = ports.sendAdvert.bind(ports);
  const addAddress = ports.addAddress.bind(ports);
  ports.sendAdvert = (a) => {
    seen.push(`advert after ${linesNow()} lines`);
    return sendAdvert(a);
  };
  ports.addAddress = (s) => {
    seen.push(`add after ${linesNow()} lines`);
    return addAddress(s);
  };
  vrrp.start();
  const before = linesNow();
  vrrp.on('transition', (t) => seen.push(`${t.to} told after ${linesNow() - before} lines`));
  scheduler.runUntil(masterDown1s(100));
  await settle();
  assert.deepEqual(seen, [`advert after ${before} lines`, `add after ${before} lines`, 'MASTER told after 4 lines']);
  assert.deepEqual(ports.messages().slice(before), [
    '(VI_1) Receive advertisement timeout',
    '(VI_1) Entering MASTER STATE',
    '(VI_1) setting VIPs.',
    '(VI_1) Sending/queueing gratuitous ARPs on veth0 for 192.0.2.100',
  ]);
});

test('a takeover announces its VIP as soon as the address request is made, not after the kernel answers; a removal waits for the answer', async () => {
  const { vrrp, ports, scheduler } = makeInstance(BACKUP);
  const seen: string[] = [];
  const linesNow = () => ports.messages().length;
  let answer!: () => void;
  const addAddress = ports.addAddress.bind(ports);
  const announce = ports.announce.bind(ports);
  const removeAddress = ports.removeAddress.bind(ports);
  ports.addAddress = (s) => {
    seen.push(`add after ${linesNow()} lines`);
    void addAddress(s);
    return new Promise((resolve) => (answer = resolve));
  };
  ports.announce = (dev, addresses) => {
    seen.push(`GARP after ${linesNow()} lines`);
    return announce(dev, addresses);
  };
  ports.removeAddress = (s) => {
    seen.push('remove');
    return removeAddress(s);
  };
  vrrp.start();
  const before = linesNow();
  scheduler.runUntil(masterDown1s(100));
  assert.deepEqual(seen, [`add after ${before} lines`, `GARP after ${before} lines`]);
  const stopped = vrrp.stop();
  await settle();
  assert.deepEqual(seen.slice(2), [], 'the removal waits for the answer to the add');
  answer();
  await stopped;
  assert.deepEqual(seen.slice(2), ['remove']);
});

test('a MASTER sends the same encoded advert every interval; a new priority is encoded afresh', () => {
  const { vrrp, ports, scheduler } = makeInstance(BACKUP);
  vrrp.start();
  scheduler.runUntil(masterDown1s(100) + 2000);
  const [first, second, third] = ports.adverts;
  assert.equal(ports.adverts.length, 3);
  assert.equal(second!.message, first!.message, 'the same buffer');
  assert.equal(third!.message, first!.message);
  vrrp.setTrackingWeight(-10);
  scheduler.runUntil(masterDown1s(100) + 3000);
  const last = ports.adverts.at(-1)!;
  assert.notEqual(last.message, first!.message);
  assert.equal(last.advert.priority, 90);
});

test('rehearsing a takeover leaves the instance and its ports as they were', async () => {
  const { vrrp, ports, scheduler } = makeInstance(BACKUP);
  vrrp.rehearseTakeover();
  await settle();
  assert.equal(vrrp.state, 'INIT');
  assert.deepEqual([ports.adverts, ports.kernel, ports.announced, ports.records], [[], [], [], []]);
  assert.deepEqual(vrrp.stats.advert_sent + vrrp.stats.become_master, 0);
  vrrp.start();
  scheduler.runUntil(masterDown1s(100));
  assert.equal(vrrp.state, 'MASTER', 'and it runs as before');
});
