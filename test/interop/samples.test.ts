// keepalived's own sample configurations (Debian ships them with keepalived
// 2.2.7), checked by `keepalived -t` and by tskad's config test side by side,
// in one network namespace that has every interface the samples name: both
// must give the same exit code, and tskad must report an error on every line
// keepalived reports one on.
import { after, before, describe, test } from 'node:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createNetns, type Netns } from './netns.js';
import { assertAgree, assertKeepalived22, keepalivedVerdict, tskadVerdict } from './side-by-side.js';

const SAMPLES = '/usr/share/doc/keepalived/samples';
/** every interface the samples name (vrrp_instance, track_interface, dev) */
const SAMPLE_INTERFACES = ['eth0', 'eth1', 'eth2', 'eth3', 'eth0.1'];

describe('keepalived samples: tskad -t agrees with keepalived -t', () => {
  let ns: Netns | undefined;
  before(() => {
    ns = createNetns('samples', SAMPLE_INTERFACES);
  });
  after(() => ns?.remove());

  test('keepalived 2.2 is installed', assertKeepalived22);

  const samples = readdirSync(SAMPLES).filter((f) => f.startsWith('keepalived.conf.')).sort();
  test('the samples are there', () => {
    if (samples.length === 0) throw new Error(`no keepalived.conf.* in ${SAMPLES}`);
  });
  for (const name of samples) {
    test(name, () => {
      const file = join(SAMPLES, name);
      assertAgree(keepalivedVerdict(ns!, file), tskadVerdict(ns!, file));
    });
  }
});
