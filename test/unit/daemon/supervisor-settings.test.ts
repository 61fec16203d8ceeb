// What the supervisor and its children agree on before they start: pid
// files (keepalived's names, -p/-r over them), the runtime directory that
// two daemons never share, the metrics listener from the flag or the
// keyword, child_wait_time, and which configurations it refuses to run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childrenFor, daemonSettings, parseListen, type DaemonFlags } from '../../../src/daemon/settings.js';
import { loadModel } from '../vrrp/instance-fakes.js';

const flags = (over: Partial<DaemonFlags> = {}): DaemonFlags => ({
  file: 'keepalived.conf',
  allConfig: false,
  dontFork: true,
  vrrpOnly: false,
  checkOnly: false,
  logConsole: false,
  logDetail: false,
  noSyslog: false,
  dontReleaseVrrp: false,
  dontRespawn: false,
  ...over,
});

const VRRP = 'vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n priority 100\n virtual_ipaddress {\n  192.0.2.1\n }\n}\n';
const LVS = 'virtual_server 192.0.2.1 80 {\n real_server 192.0.2.2 80 {\n }\n}\n';

test("keepalived's pid file names and /run/tskad by default; -p moves the runtime directory beside it", () => {
  const s = daemonSettings(flags(), loadModel(VRRP));
  assert.deepEqual(s.pidFiles, { main: '/run/keepalived.pid', vrrp: '/run/vrrp.pid', checkers: '/run/checkers.pid' });
  assert.deepEqual([s.statusSocket, s.vipStateFile, s.childWaitMs], ['/run/tskad/status.sock', '/run/tskad/vips.json', 5000]);
  const p = daemonSettings(flags({ pidFile: '/tmp/lab/r1/daemon.pid', vrrpPidFile: '/tmp/lab/r1/vrrp.pid' }), loadModel(VRRP));
  assert.deepEqual([p.pidFiles.main, p.pidFiles.vrrp, p.runtimeDir], ['/tmp/lab/r1/daemon.pid', '/tmp/lab/r1/vrrp.pid', '/tmp/lab/r1/daemon.tskad']);
  assert.equal(daemonSettings(flags({ pidFile: '/tmp/x.pid', runtimeDir: '/tmp/rt' }), loadModel(VRRP)).runtimeDir, '/tmp/rt');
});

test('instance NAME: pid files in /run/keepalived/ with the name, a runtime directory of its own; child_wait_time in ms', () => {
  const s = daemonSettings(flags(), loadModel(`instance edge\nchild_wait_time 2\n${VRRP}`));
  assert.deepEqual([s.pidFiles.main, s.pidFiles.vrrp, s.runtimeDir, s.childWaitMs], ['/run/keepalived/keepalived_edge.pid', '/run/keepalived/vrrp_edge.pid', '/run/tskad/edge', 2000]);
});

test('the metrics listener: --metrics-listen over tskad_metrics_listen, loopback when only a port is given', () => {
  const config = loadModel(`global_defs {\n tskad_metrics_listen 192.0.2.5:9100\n}\n${VRRP}`);
  assert.deepEqual(daemonSettings(flags(), config).metricsListen, { host: '192.0.2.5', port: 9100 });
  assert.deepEqual(daemonSettings(flags({ metricsListen: '9650' }), config).metricsListen, { host: '127.0.0.1', port: 9650 });
  assert.equal(daemonSettings(flags(), loadModel(VRRP)).metricsListen, undefined, 'off unless asked for');
  assert.deepEqual(parseListen('[2001:db8::1]:9650'), { host: '2001:db8::1', port: 9650 });
  for (const bad of ['0', '70000', 'host:', ':9650', '2001:db8::1:9650']) assert.equal(parseListen(bad), undefined, bad);
});

test('what runs: VRRP alone; LVS parts are refused until the checker process exists, unless -P', () => {
  assert.deepEqual(childrenFor(flags(), loadModel(VRRP)), { vrrp: true });
  assert.match((childrenFor(flags(), loadModel(LVS)) as { refusal: string }).refusal, /only virtual_server blocks/);
  assert.match((childrenFor(flags(), loadModel(VRRP + LVS)) as { refusal: string }).refusal, /run with -P/);
  assert.deepEqual(childrenFor(flags({ vrrpOnly: true }), loadModel(VRRP + LVS)), { vrrp: true });
  assert.match((childrenFor(flags(), loadModel('global_defs {\n}\n')) as { refusal: string }).refusal, /no vrrp_instance/);
});
