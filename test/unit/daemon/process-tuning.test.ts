// keepalived's tuning of the VRRP child (process-tuning.ts): which calls a
// configuration makes, in keepalived's order, with a fake; then the real
// calls in a child process, checked in /proc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { applyTuning, MIN_HARD_RTTIME_US, SHORT_SLICE_NS, SUPERVISOR_TUNING, vrrpTuning } from '../../../src/daemon/process-tuning.js';
import { loadModel } from '../vrrp/instance-fakes.js';
import { repoPath } from '../../helpers/repo.js';

const INSTANCE = 'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n virtual_ipaddress { 192.0.2.1 }\n}\n';

function calls(globals: string, fail: readonly string[] = []) {
  const made: string[] = [];
  const warned: string[] = [];
  const call = (name: string, ...args: unknown[]) => {
    made.push(`${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`);
    if (fail.includes(name)) throw new Error('Operation not permitted');
  };
  const g = loadModel(`global_defs {\n${globals}\n}\n${INSTANCE}`).globalDefs;
  applyTuning(
    vrrpTuning(g),
    { info: () => undefined, warn: (m: string) => void warned.push(m) } as never,
    {
      setRealtime: (p) => call('setRealtime', p),
      setRealtimeLimit: (soft, hard) => call('setRealtimeLimit', soft, hard),
      setAffinity: (cpus) => call('setAffinity', cpus),
      setSlice: (ns) => call('setSlice', ns),
    },
    (n) => call('nice', n),
  );
  return { made, warned };
}

test('nothing configured: only the short scheduler slice', () => {
  assert.deepEqual(calls('router_id r1').made, [`setSlice(${SHORT_SLICE_NS})`]);
});

test("realtime first, with its CPU limit (soft at half; the hard one never under the floor); then nice is not used, as keepalived's", () => {
  assert.deepEqual(calls('vrrp_rt_priority 50\nvrrp_priority -10').made, ['setRealtime(50)', `setRealtimeLimit(5000, ${MIN_HARD_RTTIME_US})`]);
  assert.deepEqual(calls('vrrp_rt_priority 1\nvrrp_rlimit_rttime 5000000').made, ['setRealtime(1)', 'setRealtimeLimit(2500000, 5000000)']);
});

test("the supervisor's: the short slice alone", () => {
  const made: string[] = [];
  const call = (name: string) => () => void made.push(name);
  applyTuning(SUPERVISOR_TUNING, { info: () => undefined, warn: () => undefined } as never, {
    setRealtime: call('setRealtime'),
    setRealtimeLimit: call('setRealtimeLimit'),
    setAffinity: call('setAffinity'),
    setSlice: (ns) => void made.push(`setSlice(${ns})`),
  }, call('nice'));
  assert.deepEqual(made, [`setSlice(${SHORT_SLICE_NS})`]);
});

test('nice and CPU affinity; vrrp_no_swap is warned about, not applied', () => {
  const r = calls('vrrp_priority -10\nvrrp_no_swap\nvrrp_cpu_affinity 0 1');
  assert.deepEqual(r.made, ['nice(-10)', `setSlice(${SHORT_SLICE_NS})`, 'setAffinity([0,1])']);
  assert.deepEqual(r.warned, ['vrrp_no_swap is not applied: Node aborts when its heap is locked in memory']);
});

test('a refused call is logged and the others still made; no CPU limit without realtime', () => {
  const r = calls('vrrp_rt_priority 50\nvrrp_cpu_affinity 0', ['setRealtime']);
  assert.deepEqual(r.made, ['setRealtime(50)', 'setAffinity([0])']);
  assert.match(r.warned[0]!, /^Unable to set realtime priority 50 - Operation not permitted/);
});

test('the real calls: a process made SCHED_RR with a CPU limit and put on one CPU (needs root)', () => {
  const addon = repoPath('native', 'build', 'Release', 'tskad_native.node');
  const script = `
    const n = require(${JSON.stringify(addon)});
    n.setRealtime(10); n.setRealtimeLimit(50000, 3000000); n.setAffinity([0]);
    const fs = require('fs');
    const sched = fs.readFileSync('/proc/thread-self/sched', 'utf8');
    const limits = fs.readFileSync('/proc/self/limits', 'utf8');
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    console.log(JSON.stringify({ policy: /policy\\s*:\\s*(\\d+)/.exec(sched)[1], prio: /^prio\\s*:\\s*(\\d+)/m.exec(sched)[1],
      rttime: /Max realtime timeout\\s+(\\d+)\\s+(\\d+)/.exec(limits).slice(1), cpus: /Cpus_allowed_list:\\s*(\\S+)/.exec(status)[1] }));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as { policy: string; prio: string; rttime: string[]; cpus: string };
  assert.equal(got.policy, '2', 'SCHED_RR');
  assert.equal(got.prio, String(99 - 10), 'the kernel prio of rt priority 10');
  assert.deepEqual(got.rttime, ['50000', '3000000']);
  assert.equal(got.cpus, '0');
});

test('the real slice call: the thread gets the EEVDF slice, its nice value is kept, and a forked child is back on the default (needs Linux >= 6.12)', () => {
  const addon = repoPath('native', 'build', 'Release', 'tskad_native.node');
  const script = `
    const n = require(${JSON.stringify(addon)});
    const fs = require('fs');
    const read = (f) => { const s = fs.readFileSync(f, 'utf8'); return { slice: /se\\.slice\\s*:\\s*(\\d+)/.exec(s)?.[1], prio: /^prio\\s*:\\s*(\\d+)/m.exec(s)[1] }; };
    require('os').setPriority(5);
    const before = read('/proc/thread-self/sched');
    n.setSlice(${SHORT_SLICE_NS});
    const after = read('/proc/thread-self/sched');
    const child = require('child_process').spawnSync('cat', ['/proc/self/sched'], { encoding: 'utf8' }).stdout;
    console.log(JSON.stringify({ before, after, child: /se\\.slice\\s*:\\s*(\\d+)/.exec(child)?.[1] }));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as { before: { slice?: string; prio: string }; after: { slice?: string; prio: string }; child?: string };
  assert.equal(got.after.prio, '125', 'nice 5 kept');
  assert.ok(got.before.slice !== undefined, 'this kernel shows se.slice (Linux >= 6.12)');
  assert.equal(got.after.slice, String(SHORT_SLICE_NS));
  assert.equal(got.child, got.before.slice, 'a forked child has the default slice again');
});
