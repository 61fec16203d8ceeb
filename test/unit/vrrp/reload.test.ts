// Reload as a diff (vrrp/reload.ts), as scenario data: each case is the
// running configuration, the new one, and which instances are kept (old name
// → new name), removed and added, with the VIP edits of the kept ones. Then
// a running instance reconfigured in place (instance.ts reconfigure): no
// transition, no advert gap, only the edited VIPs touched; and the settings
// a reload cannot change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Config } from '../../../src/config/schema/index.js';
import { instancePlan, receiveParams, vrrpParams } from '../../../src/vrrp/params.js';
import { diffInstances, fixedSettingChanges, vipEdits } from '../../../src/vrrp/reload.js';
import { ipToBytes } from '../../../src/net/ip.js';
import { loadModel, makeInstance, settle } from './instance-fakes.js';

const inst = (name: string, o: { dev?: string; vrid?: number; vips?: string[]; excluded?: string[]; extra?: string } = {}) => `
vrrp_instance ${name} {
  interface ${o.dev ?? 'eth0'}
  virtual_router_id ${o.vrid ?? 51}
  priority 100
  advert_int 1
  ${o.extra ?? ''}
  virtual_ipaddress {
${(o.vips ?? ['192.0.2.100/32']).map((v) => `    ${v}`).join('\n')}
  }
${o.excluded ? `  virtual_ipaddress_excluded {\n${o.excluded.map((v) => `    ${v}`).join('\n')}\n  }` : ''}
}`;

interface Scenario {
  readonly intent: string;
  readonly running: string;
  readonly next: string;
  /** old name → new name */
  readonly kept: Readonly<Record<string, string>>;
  readonly removed: readonly string[];
  readonly added: readonly string[];
  /** per kept instance (new name): the addresses added and removed */
  readonly edits?: Readonly<Record<string, { readonly added: readonly string[]; readonly removed: readonly string[] }>>;
}

const SCENARIOS: readonly Scenario[] = [
  {
    intent: 'the same configuration: everything kept, nothing edited',
    running: inst('VI_1') + inst('VI_2', { vrid: 52, vips: ['192.0.2.101/32'] }),
    next: inst('VI_1') + inst('VI_2', { vrid: 52, vips: ['192.0.2.101/32'] }),
    kept: { VI_1: 'VI_1', VI_2: 'VI_2' },
    removed: [],
    added: [],
    edits: { VI_1: { added: [], removed: [] }, VI_2: { added: [], removed: [] } },
  },
  {
    intent: 'one VIP added and another removed: exactly those',
    running: inst('VI_1', { vips: ['192.0.2.100/32', '192.0.2.101/32'] }),
    next: inst('VI_1', { vips: ['192.0.2.100/32', '192.0.2.102/32'] }),
    kept: { VI_1: 'VI_1' },
    removed: [],
    added: [],
    edits: { VI_1: { added: ['eth0 192.0.2.102/32'], removed: ['eth0 192.0.2.101/32'] } },
  },
  {
    intent: 'excluded VIPs and a changed prefix are edits too',
    running: inst('VI_1', { excluded: ['198.51.100.1/32'] }),
    next: inst('VI_1', { vips: ['192.0.2.100/24'], excluded: ['198.51.100.2/32'] }),
    kept: { VI_1: 'VI_1' },
    removed: [],
    added: [],
    edits: { VI_1: { added: ['eth0 192.0.2.100/24', 'eth0 198.51.100.2/32'], removed: ['eth0 192.0.2.100/32', 'eth0 198.51.100.1/32'] } },
  },
  {
    intent: 'keepalived matches the virtual router, not the name: a renamed instance is kept',
    running: inst('VI_1'),
    next: inst('WEB'),
    kept: { VI_1: 'WEB' },
    removed: [],
    added: [],
  },
  {
    intent: 'a new VRID is another virtual router: the old one removed, the new one added',
    running: inst('VI_1'),
    next: inst('VI_1', { vrid: 61 }),
    kept: {},
    removed: ['VI_1'],
    added: ['VI_1'],
  },
  {
    intent: 'so is another interface, or multicast turned unicast',
    running: inst('VI_1') + inst('VI_2', { vrid: 52 }),
    next: inst('VI_1', { dev: 'eth1' }) + inst('VI_2', { vrid: 52, extra: 'unicast_peer {\n 192.0.2.2\n }' }),
    kept: {},
    removed: ['VI_1', 'VI_2'],
    added: ['VI_1', 'VI_2'],
  },
  {
    intent: 'priority, advert_int, preempt and authentication change in place',
    running: inst('VI_1'),
    next: inst('VI_1', { extra: 'nopreempt\n  authentication {\n auth_type PASS\n auth_pass secret\n }' }).replace('priority 100', 'priority 150').replace('advert_int 1', 'advert_int 2'),
    kept: { VI_1: 'VI_1' },
    removed: [],
    added: [],
  },
  {
    intent: 'an instance removed and another added beside one kept',
    running: inst('VI_1') + inst('VI_2', { vrid: 52 }),
    next: inst('VI_1') + inst('VI_3', { vrid: 53 }),
    kept: { VI_1: 'VI_1' },
    removed: ['VI_2'],
    added: ['VI_3'],
  },
];

const plans = (c: Config) => c.vrrpInstance.map((i) => instancePlan(i, c.globalDefs));

for (const s of SCENARIOS) {
  test(`reload diff: ${s.intent}`, () => {
    const running = plans(loadModel(s.running)).map((plan) => ({ plan }));
    const d = diffInstances(running, plans(loadModel(s.next)));
    assert.deepEqual(Object.fromEntries(d.kept.map((k) => [k.old.plan.name, k.plan.name])), s.kept);
    assert.deepEqual(d.removed.map((r) => r.plan.name), s.removed);
    assert.deepEqual(d.added.map((a) => a.name), s.added);
    const text = (a: { dev: string; address: string; prefix: number }) => `${a.dev} ${a.address}/${a.prefix}`;
    for (const [name, e] of Object.entries(s.edits ?? {})) {
      const k = d.kept.find((x) => x.plan.name === name)!;
      const edits = vipEdits(k.old.plan, k.plan);
      assert.deepEqual({ added: edits.added.map(text), removed: edits.removed.map(text) }, e, name);
    }
  });
}

test('settings that cannot change on reload refuse it, with keepalived\'s words', () => {
  const base = loadModel(inst('VI_1'));
  assert.deepEqual(fixedSettingChanges(base, loadModel(inst('VI_1', { vips: ['192.0.2.9/32'] }))), []);
  assert.deepEqual(fixedSettingChanges(base, loadModel(`net_namespace blue\ninstance one\n${inst('VI_1')}`)), [
    'Cannot change network namespace at a reload - please restart tskad',
    'Cannot change instance name at a reload - please restart tskad',
  ]);
});

/** A MASTER of `before`, reconfigured with `after`. */
async function masterReconfigured(before: string, after: string) {
  const m = makeInstance(before);
  m.vrrp.start();
  m.scheduler.advance(4000);
  await settle();
  assert.equal(m.vrrp.state, 'MASTER');
  const config = loadModel(after);
  const i = config.vrrpInstance[0]!;
  const advertsBefore = m.ports.adverts.length;
  const kernelBefore = m.ports.kernel.length;
  const dueBefore = m.vrrp.timerDue('adver');
  m.vrrp.reconfigure(instancePlan(i, config.globalDefs), vrrpParams(i, config.globalDefs, ipToBytes('192.0.2.10')), receiveParams(i, config.globalDefs));
  await settle();
  return { ...m, advertsBefore, kernelBefore, dueBefore };
}

test('reconfigured MASTER: no transition, the adver timer keeps its due time, only the edited VIPs touched, then a GARP round', async () => {
  const m = await masterReconfigured(inst('VI_1', { vips: ['192.0.2.100/32', '192.0.2.101/32'] }), inst('VI_1', { vips: ['192.0.2.100/32', '192.0.2.102/32'] }));
  const transitions = m.ports.transitions().length;
  assert.equal(m.vrrp.state, 'MASTER');
  assert.equal(m.vrrp.timerDue('adver'), m.dueBefore);
  assert.deepEqual(
    m.ports.kernel.slice(m.kernelBefore).map((k) => `${k.op} ${k.address}`),
    ['remove 192.0.2.101', 'add 192.0.2.102'],
  );
  assert.deepEqual(m.ports.announced.at(-1)!.addresses.slice(0, 2), ['192.0.2.100', '192.0.2.102']);
  // the next advert comes on time and carries the new list
  m.scheduler.advance(1000);
  await settle();
  const next = m.ports.adverts.slice(m.advertsBefore);
  assert.equal(next.length, 1);
  assert.equal(next[0]!.at, m.dueBefore);
  assert.deepEqual(next[0]!.advert.addresses, ['192.0.2.100', '192.0.2.102']);
  assert.equal(m.ports.transitions().length, transitions, 'no transition');
});

test('reconfigured MASTER: a new priority is advertised from the next advert, a new advert_int from the one after', async () => {
  const m = await masterReconfigured(inst('VI_1'), inst('VI_1').replace('priority 100', 'priority 90').replace('advert_int 1', 'advert_int 3'));
  // the effective priority follows the base at the next tracking verdict (process.ts rebuilds tracking)
  m.vrrp.setTrackingWeight(0);
  m.scheduler.advance(1000 + 3000);
  await settle();
  const sent = m.ports.adverts.slice(m.advertsBefore);
  assert.deepEqual(sent.map((a) => a.advert.priority).slice(-2), [90, 90]);
  assert.deepEqual(sent.slice(-2).map((a) => a.advert.maxAdverInt), [300, 300]);
  assert.equal(m.ports.kernel.length, m.kernelBefore, 'the VIPs stay');
});

test('reconfigured BACKUP: the VIP edits wait until it becomes MASTER, which adds the new list', async () => {
  const m = makeInstance(inst('VI_1', { vips: ['192.0.2.100/32', '192.0.2.101/32'] }));
  m.vrrp.start();
  assert.equal(m.vrrp.state, 'BACKUP');
  const config = loadModel(inst('VI_1', { vips: ['192.0.2.102/32'] }));
  const i = config.vrrpInstance[0]!;
  m.vrrp.reconfigure(instancePlan(i, config.globalDefs), vrrpParams(i, config.globalDefs, ipToBytes('192.0.2.10')), receiveParams(i, config.globalDefs));
  await settle();
  assert.equal(m.ports.kernel.length, 0, 'nothing while BACKUP');
  m.scheduler.advance(4000);
  await settle();
  assert.deepEqual(m.ports.kernel.map((k) => `${k.op} ${k.address}`), ['add 192.0.2.102']);
});

test('a reload does not count a tracked script that has not answered again: no FAULT flap', async () => {
  const m = makeInstance(inst('VI_1'));
  m.vrrp.start();
  m.scheduler.advance(4000);
  const config = loadModel(inst('VI_1'));
  const i = config.vrrpInstance[0]!;
  m.vrrp.reconfigure(instancePlan(i, config.globalDefs), vrrpParams(i, config.globalDefs, ipToBytes('192.0.2.10')), receiveParams(i, config.globalDefs));
  m.vrrp.applyTracking({ weight: 0, faults: ['awaiting script chk'] });
  assert.equal(m.vrrp.state, 'MASTER');
  m.vrrp.applyTracking({ weight: 0, faults: ['script chk failed'] });
  assert.equal(m.vrrp.state, 'FAULT', 'a real answer counts');
});
