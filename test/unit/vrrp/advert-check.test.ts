// Receiver checks in keepalived's order, each rejection with its counter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAdvert, REJECTION_COUNTER, type ReceiveParams, type Received } from '../../../src/vrrp/advert-check.js';
import { passAuthData, type Advert } from '../../../src/vrrp/packet.js';

const p: ReceiveParams = { version: 2, authType: 1, authData: passAuthData('secret'), advertInt: 100, vips: ['192.0.2.100', '192.0.2.101'], unicast: false };
const ad: Advert = { version: 2, vrid: 51, priority: 100, maxAdverInt: 100, addresses: ['192.0.2.101', '192.0.2.100'], authType: 1, authData: passAuthData('secret') };
const rx = (over: Partial<Advert> = {}, r: Partial<Received> = {}): Received => ({ advert: { ...ad, ...over }, source: '192.0.2.20', ttl: 255, multicast: true, ...r });

test('a good advert passes, addresses in any order', () => assert.equal(checkAdvert(p, rx(), true), undefined));

test('each misconfiguration is rejected with the kind keepalived counts it as', () => {
  const cases: Array<[Received, ReceiveParams, string]> = [
    [rx({}, { ttl: 64 }), p, 'ttl'],
    [rx({ version: 3 }), p, 'version'],
    [rx({ authType: 7 }), p, 'invalid-auth-type'],
    [rx({ authType: 0 }), p, 'auth-type-mismatch'],
    [rx({ authData: passAuthData('wrong') }), p, 'auth-failure'],
    [rx({ maxAdverInt: 200 }), p, 'interval'],
    [rx({ addresses: ['192.0.2.100'] }), p, 'address-count'],
    [rx({ addresses: ['192.0.2.100', '192.0.2.102'] }), p, 'address-missing'],
    [rx({}, { multicast: false }), p, 'cast-mismatch'],
  ];
  for (const [r, params, kind] of cases) assert.equal(checkAdvert(params, r, true)?.kind, kind, kind);
  assert.equal(REJECTION_COUNTER['address-missing'], 'addr_list_err');
  assert.equal(REJECTION_COUNTER.interval, undefined);
});

test('skip_check_adv_addr skips the address list; unicast waives TTL 255 but checks peers', () => {
  assert.equal(checkAdvert(p, rx({ addresses: [] }), false), undefined);
  const uni: ReceiveParams = { ...p, unicast: true, peers: [{ address: '192.0.2.20', minTtl: 250, maxTtl: 255 }] };
  assert.equal(checkAdvert(uni, rx({}, { multicast: false, ttl: 254 }), true), undefined);
  assert.equal(checkAdvert(uni, rx({}, { multicast: false, ttl: 64 }), true)?.kind, 'ttl');
  assert.equal(checkAdvert(uni, rx({}, { multicast: false, source: '192.0.2.99' }), true)?.kind, 'not-a-peer');
});

test('VRRPv3 has no authentication and learns rather than checks the interval', () => {
  const v3: ReceiveParams = { ...p, version: 3, authType: 0, authData: undefined };
  assert.equal(checkAdvert(v3, rx({ version: 3, authType: 0, authData: undefined, maxAdverInt: 37 }), true), undefined);
});
