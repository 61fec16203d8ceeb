// The VRRP process's socket pool (socket-pool.ts): a farewell's prelude part
// is built once for as long as its advert and its instance's socket hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PreludePart } from '../../../src/net/prelude-part.js';
import type { VrrpSocket, VrrpSocketOptions } from '../../../src/net/vrrp-socket.js';
import { createLogger } from '../../../src/observe/log.js';
import type { OutgoingAdvert, VrrpRuntime } from '../../../src/vrrp/instance.js';
import { SocketPool } from '../../../src/vrrp/socket-pool.js';

test("a farewell's part is the same while its advert and socket are; an advert's is built every time", () => {
  const built: string[] = [];
  let opened = 0;
  const open = (o: VrrpSocketOptions): VrrpSocket => {
    const name = `socket ${++opened} (${o.unicast ? o.unicast.src : o.group})`;
    return {
      key: name,
      ifindex: o.ifindex,
      family: o.family,
      send: async () => undefined,
      rehearse: () => undefined,
      preludePart: (advert, farewell) => {
        built.push(`${name}${farewell ? ' farewell' : ''}`);
        return { ops: [], outcome: async () => undefined } satisfies PreludePart;
      },
      close: () => undefined,
    };
  };
  const pool = new SocketPool(createLogger(), false, open);
  const inst = { plan: { vrid: 51, unicastPeers: [] } } as unknown as VrrpRuntime;
  const advert: OutgoingAdvert = { src: '192.0.2.1', to: [{ dst: '224.0.0.18', message: Buffer.from('x') }] };
  const where = { ifname: 'eth0', ifindex: 2, family: 4 } as const;
  pool.attach(inst, { ...where, group: '224.0.0.18' });

  const first = pool.preludePart(inst, advert, true);
  assert.equal(pool.preludePart(inst, advert, true), first);
  assert.notEqual(pool.preludePart(inst, { ...advert }, true), first, 'another advert');
  assert.notEqual(pool.preludePart(inst, advert), pool.preludePart(inst, advert), 'an advert takes the next IP id each time');
  pool.attach(inst, { ...where, unicast: { src: '192.0.2.1' } });
  const moved = pool.preludePart(inst, advert, true);
  assert.equal(pool.preludePart(inst, advert, true), moved);
  pool.detach(inst);
  assert.equal(pool.preludePart(inst, advert, true), undefined, 'off every socket, none');
  assert.deepEqual(built, [
    'socket 1 (224.0.0.18) farewell',
    'socket 1 (224.0.0.18) farewell',
    'socket 1 (224.0.0.18)',
    'socket 1 (224.0.0.18)',
    'socket 2 (192.0.2.1) farewell',
  ]);
});
