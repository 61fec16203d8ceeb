// The metrics a VRRP process exposes, fed by its events and scraped over
// real HTTP with node's fetch, as Prometheus would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vrrpEvents, RECEIVE_ERROR_STATS, type InstanceId } from '../../../src/observe/events.js';
import { createVrrpMetrics, serveMetrics } from '../../../src/observe/metrics.js';
import { STAT_NAMES } from '../../../src/vrrp/instance.js';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The text exposition format: `# HELP`, `# TYPE`, then `name{label="value",…} number` lines. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

const find = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

const VI_1: InstanceId = { instance: 'VI_1', vrid: 51, interface: 'eth0', family: 4 };
const id = { instance: 'VI_1', vrid: '51', interface: 'eth0' };

async function scrape(url: string) {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

test('state, priority, transitions, adverts and every receive-error counter, scraped over HTTP', async (t) => {
  const metrics = createVrrpMetrics();
  t.after(() => metrics.close());
  const server = await serveMetrics(metrics.registry, { host: '127.0.0.1', port: 0 });
  t.after(() => server.close());
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

  vrrpEvents.instance.publish({ ...VI_1, change: 'added', state: 'INIT', priority: 100 });
  let { samples, types } = await scrape(server.url);
  assert.deepEqual(find(samples, 'tskad_vrrp_state', id).map((s) => s.value), [0]);
  // every counter exists at 0 from the start
  for (const error of RECEIVE_ERROR_STATS) assert.deepEqual(find(samples, 'tskad_vrrp_receive_errors_total', { ...id, error }).map((s) => s.value), [0], error);
  assert.deepEqual(find(samples, 'tskad_vrrp_adverts_sent_total', id).map((s) => s.value), [0]);

  vrrpEvents.transition.publish({ ...VI_1, from: 'INIT', to: 'BACKUP', reason: 'startup', priority: 100 });
  vrrpEvents.transition.publish({ ...VI_1, from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer', priority: 100 });
  vrrpEvents.priority.publish({ ...VI_1, priority: 90 });
  for (let i = 0; i < 3; i++) vrrpEvents.stat.publish({ ...VI_1, stat: 'advert_sent' });
  vrrpEvents.stat.publish({ ...VI_1, stat: 'advert_rcvd' });
  vrrpEvents.stat.publish({ ...VI_1, stat: 'become_master' });
  vrrpEvents.stat.publish({ ...VI_1, stat: 'ip_ttl_err' });
  vrrpEvents.stat.publish({ ...VI_1, stat: 'checksum_err' });
  vrrpEvents.stat.publish({ ...VI_1, stat: 'checksum_err' });

  ({ samples, types } = await scrape(server.url));
  assert.deepEqual(find(samples, 'tskad_vrrp_state', id).map((s) => s.value), [2]);
  assert.deepEqual(find(samples, 'tskad_vrrp_effective_priority', id).map((s) => s.value), [90]);
  assert.deepEqual(find(samples, 'tskad_vrrp_transitions_total', { ...id, from: 'BACKUP', to: 'MASTER' }).map((s) => s.value), [1]);
  assert.deepEqual(find(samples, 'tskad_vrrp_adverts_sent_total', id).map((s) => s.value), [3]);
  assert.deepEqual(find(samples, 'tskad_vrrp_adverts_received_total', id).map((s) => s.value), [1]);
  assert.deepEqual(find(samples, 'tskad_vrrp_become_master_total', id).map((s) => s.value), [1]);
  assert.deepEqual(find(samples, 'tskad_vrrp_receive_errors_total', { ...id, error: 'ip_ttl_err' }).map((s) => s.value), [1]);
  assert.deepEqual(find(samples, 'tskad_vrrp_receive_errors_total', { ...id, error: 'checksum_err' }).map((s) => s.value), [2]);
  assert.equal(types.get('tskad_vrrp_receive_errors_total'), 'counter');
  assert.equal(types.get('tskad_vrrp_state'), 'gauge');
});

test("every one of keepalived's counters has a series: each stat an instance counts is exported", async (t) => {
  const metrics = createVrrpMetrics();
  t.after(() => metrics.close());
  vrrpEvents.instance.publish({ ...VI_1, change: 'added', state: 'BACKUP', priority: 100 });
  for (const stat of STAT_NAMES) vrrpEvents.stat.publish({ ...VI_1, stat });
  const { samples } = parseExposition(await metrics.registry.metrics());
  const ones = samples.filter((s) => s.labels.instance === 'VI_1' && s.name.endsWith('_total') && s.name !== 'tskad_vrrp_transitions_total' && s.value === 1);
  assert.equal(ones.length, STAT_NAMES.length);
});

test('a removed instance takes all its series with it', async (t) => {
  const metrics = createVrrpMetrics();
  t.after(() => metrics.close());
  vrrpEvents.instance.publish({ ...VI_1, change: 'added', state: 'INIT', priority: 100 });
  vrrpEvents.transition.publish({ ...VI_1, from: 'INIT', to: 'BACKUP', reason: 'startup', priority: 100 });
  vrrpEvents.instance.publish({ ...VI_1, change: 'removed', state: 'BACKUP', priority: 100 });
  const { samples } = parseExposition(await metrics.registry.metrics());
  assert.deepEqual(samples.filter((s) => s.labels.instance === 'VI_1'), []);
});

test('event-loop delay: quantiles since the last scrape, in seconds, showing a blocked loop', async (t) => {
  const metrics = createVrrpMetrics({ eventLoopResolutionMs: 1 });
  t.after(() => metrics.close());
  await metrics.registry.metrics();
  await new Promise((r) => setTimeout(r, 20));
  const end = Date.now() + 30;
  while (Date.now() < end);
  await new Promise((r) => setTimeout(r, 20));
  const { samples } = parseExposition(await metrics.registry.metrics());
  const max = find(samples, 'tskad_vrrp_event_loop_delay_seconds', { quantile: '1' })[0]!.value;
  const p50 = find(samples, 'tskad_vrrp_event_loop_delay_seconds', { quantile: '0.5' })[0]!.value;
  assert.ok(max >= 0.025 && max < 1, `max ${max}`);
  assert.ok(p50 > 0 && p50 <= max, `p50 ${p50}`);
});

test("the timers' expiries, the late ones by cause, and the latest since the previous scrape", async (t) => {
  let maxMs = 3.5;
  const lateness = { expiries: 120, late: { wakeup: 4, runqueue: 2, busy: 1 } };
  const takeMaxLateMs = () => {
    const max = maxMs;
    maxMs = 0;
    return max;
  };
  const metrics = createVrrpMetrics({ timers: { lateness: () => lateness, takeMaxLateMs } });
  t.after(() => metrics.close());
  let { samples, types } = parseExposition(await metrics.registry.metrics());
  assert.deepEqual(find(samples, 'tskad_vrrp_timer_expiries_total', {}).map((s) => s.value), [120]);
  assert.deepEqual(
    ['wakeup', 'runqueue', 'busy'].map((cause) => find(samples, 'tskad_vrrp_timer_late_total', { cause })[0]?.value),
    [4, 2, 1],
  );
  assert.deepEqual(find(samples, 'tskad_vrrp_timer_lateness_max_seconds', {}).map((s) => s.value), [0.0035]);
  assert.equal(types.get('tskad_vrrp_timer_late_total'), 'counter');
  lateness.expiries = 170;
  ({ samples } = parseExposition(await metrics.registry.metrics()));
  assert.deepEqual(find(samples, 'tskad_vrrp_timer_expiries_total', {}).map((s) => s.value), [170]);
  assert.deepEqual(find(samples, 'tskad_vrrp_timer_lateness_max_seconds', {}).map((s) => s.value), [0]);
});

test('only GET and HEAD of /metrics are served, and close() stops the listener', async (t) => {
  const metrics = createVrrpMetrics();
  t.after(() => metrics.close());
  const server = await serveMetrics(metrics.registry, { host: '127.0.0.1', port: 0 });
  const base = server.url.replace(/\/metrics$/, '');
  assert.equal((await fetch(`${base}/`)).status, 404);
  assert.equal((await fetch(server.url, { method: 'POST' })).status, 405);
  const head = await fetch(server.url, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
  await server.close();
  await assert.rejects(fetch(server.url));
});

test('a port already taken is an error, not a crash', async (t) => {
  const metrics = createVrrpMetrics();
  t.after(() => metrics.close());
  const first = await serveMetrics(metrics.registry, { host: '127.0.0.1', port: 0 });
  t.after(() => first.close());
  const port = Number(new URL(first.url).port);
  await assert.rejects(serveMetrics(metrics.registry, { host: '127.0.0.1', port }), { code: 'EADDRINUSE' });
});
