// What the VRRP child tells observers, on instances driven by a fake clock:
// the status snapshot (state, priorities, master, VIPs, last transition,
// counters) and the diagnostics-channel events that feed the metrics —
// `added`, each transition, and every counter increment — read back through
// the real metrics registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { publishVrrpEvents } from '../../../src/daemon/vrrp-publisher.js';
import { watchVrrpStatus } from '../../../src/daemon/vrrp-status.js';
import { createVrrpMetrics } from '../../../src/observe/metrics.js';
import { ipToBytes } from '../../../src/net/ip.js';
import { instancePlan, receiveParams, vrrpParams } from '../../../src/vrrp/params.js';
import { loadModel, makeInstance } from '../vrrp/instance-fakes.js';

const TEXT = `
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
    virtual_ipaddress {
        192.0.2.200/24
    }
    virtual_ipaddress_excluded {
        198.51.100.7
    }
}
`;

function running() {
  const config = loadModel(TEXT);
  const made = makeInstance(TEXT, { config, address: '192.0.2.11' });
  return { config, ...made };
}

test('the snapshot shows the configured and the live side of each instance', () => {
  const { config, vrrp, scheduler } = running();
  let clock = Date.parse('2026-01-02T03:04:05Z');
  const status = watchVrrpStatus({ instances: [vrrp], groups: [] }, config, new Date(clock), () => new Date(clock));
  vrrp.start();
  const backup = status.snapshot().vrrp[0]!;
  assert.equal(backup.state, 'BACKUP');
  assert.equal(backup.master, undefined, 'no master known to a BACKUP that heard none');
  clock += 4000;
  scheduler.advance(4000);
  const s = status.snapshot();
  assert.equal(s.pid, process.pid);
  assert.equal(s.startedAt, '2026-01-02T03:04:05.000Z');
  const { stats, ...rest } = s.vrrp[0]!;
  assert.deepEqual(rest, {
    name: 'VI_1',
    vrid: 51,
    family: 4,
    interface: 'eth0',
    state: 'MASTER',
    basePriority: 150,
    effectivePriority: 150,
    master: '192.0.2.11',
    lastTransition: { at: '2026-01-02T03:04:09.000Z', from: 'BACKUP', reason: 'master-down-timer' },
    vips: ['192.0.2.200/24'],
    excludedVips: ['198.51.100.7/32'],
    faults: [],
    tracked: [],
  });
  assert.equal(stats.become_master, 1);
  assert.ok(stats.advert_sent >= 1);
  status.close();
});

test('events reach the metrics: the instance, its transitions and every counter increment', async () => {
  const { vrrp, scheduler } = running();
  const metrics = createVrrpMetrics();
  const publisher = publishVrrpEvents([vrrp], { statIntervalMs: 10 });
  const value = async (name: string, labels: Record<string, string> = {}) =>
    (await metrics.registry.getSingleMetric(name)!.get()).values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;
  assert.equal(await value('tskad_vrrp_state'), 0, 'added, in INIT');
  vrrp.start();
  scheduler.advance(4000);
  assert.equal(await value('tskad_vrrp_state'), 2, 'MASTER');
  assert.equal(await value('tskad_vrrp_transitions_total', { from: 'INIT', to: 'BACKUP' }), 1);
  assert.equal(await value('tskad_vrrp_transitions_total', { from: 'BACKUP', to: 'MASTER' }), 1);
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(vrrp.stats.advert_sent >= 1);
  assert.equal(await value('tskad_vrrp_adverts_sent_total'), vrrp.stats.advert_sent, 'each increment published');
  assert.equal(await value('tskad_vrrp_become_master_total'), 1);
  publisher.close();
  assert.equal(await value('tskad_vrrp_state'), undefined, 'removed at close');
  metrics.close();
});

test('an instance renamed at a reload (kept: same interface and VRID) goes on in the metrics under its new name', async () => {
  const { vrrp, scheduler } = running();
  const metrics = createVrrpMetrics();
  const publisher = publishVrrpEvents([vrrp], { statIntervalMs: 10 });
  const state = async (instance: string) => (await metrics.registry.getSingleMetric('tskad_vrrp_state')!.get()).values.find((v) => v.labels.instance === instance)?.value;
  vrrp.start();
  scheduler.advance(4000);
  assert.equal(await state('VI_1'), 2, 'MASTER as VI_1');
  const renamed = loadModel(TEXT.replace('VI_1', 'VI_WEB'));
  const i = renamed.vrrpInstance[0]!;
  vrrp.reconfigure(instancePlan(i, renamed.globalDefs), vrrpParams(i, renamed.globalDefs, ipToBytes('192.0.2.11')), receiveParams(i, renamed.globalDefs));
  publisher.follow([vrrp]);
  assert.equal(await state('VI_1'), undefined, 'the old name is gone');
  assert.equal(await state('VI_WEB'), 2, 'still MASTER, under the new name');
  publisher.close();
  metrics.close();
});
