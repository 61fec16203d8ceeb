// Configurations as people write them (from tutorials, addresses moved to
// documentation ranges: test/fixtures/config/vrrp/seeds) load without errors,
// into the model the tutorial means.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, loadConfigText } from '../../../src/config/load.js';
import { formatDiagnostic } from '../../../src/config/diagnostics.js';
import * as eff from '../../../src/config/effective-vrrp.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const DIR = join(repoRoot(), 'test/fixtures/config/vrrp/seeds');
const load = (name: string) => loadConfig(join(DIR, name));
const errorsOf = (r: ReturnType<typeof loadConfig>) => r.diagnostics.sorted().filter((d) => d.severity === 'error' || d.severity === 'fatal').map(formatDiagnostic);

for (const name of readdirSync(DIR).filter((f) => f.endsWith('.conf'))) {
  test(`${name} loads without errors`, () => assert.deepEqual(errorsOf(load(name)), []));
}

test('the NFS pair: a 10-character password is truncated to 8, on both nodes alike', () => {
  const master = load('nfs-master.conf');
  const backup = load('nfs-backup.conf');
  for (const r of [master, backup]) {
    assert.deepEqual(r.diagnostics.items.map((d) => [d.code, d.loc?.line]), [['TSKAD_W_AUTH_PASS_TRUNCATED', r === master ? 15 : 14]]);
    assert.deepEqual(eff.authentication(r.config.vrrpInstance[0]!, r.config.globalDefs), { type: 'PASS', pass: 'nfsuser1' });
  }
  const [m, b] = [master.config.vrrpInstance[0]!, backup.config.vrrpInstance[0]!];
  assert.deepEqual([eff.initialState(m, master.config.globalDefs), eff.basePriority(m)], ['MASTER', 150]);
  assert.deepEqual([eff.initialState(b, backup.config.globalDefs), eff.basePriority(b)], ['BACKUP', 100]);
  assert.equal(m.virtualRouterId, b.virtualRouterId);
  assert.deepEqual(m.virtualIpaddress, b.virtualIpaddress);
});

test('the sync group binds the VIP and the DIP instances', () => {
  const r = load('sync-group.conf');
  assert.deepEqual(r.diagnostics.items, []);
  assert.deepEqual(r.config.vrrpSyncGroup[0]!.group, ['VI_1', 'VI_2']);
  assert.deepEqual(r.config.vrrpInstance.map((i) => [i.name, i.interface, i.virtualIpaddress[0]!.address]), [
    ['VI_1', 'eth0', '203.0.113.100'],
    ['VI_2', 'eth1', '198.51.100.1'],
  ]);
});

test('notify scripts keep their argument, and run without a shell', () => {
  const i = load('notify.conf').config.vrrpInstance[0]!;
  assert.deepEqual([i.notifyMaster, i.notifyBackup, i.notifyFault], ['master', 'backup', 'fault'].map((s) => ({ command: `/etc/keepalived/notify.sh ${s}`, runner: 'exec' })));
});

test('chk_down with weight -20 takes the backup from 99 to 79; shell lines go through a shell', () => {
  const r = load('chk-down.conf');
  const [down, nginx] = r.config.vrrpScript;
  assert.deepEqual([down!.name, down!.weight, down!.script.runner], ['chk_down', { value: -20, reverse: false }, 'sh']);
  assert.deepEqual([nginx!.name, nginx!.weight.value, nginx!.script.runner], ['chk_nginx', -10, 'bash']);
  const i = r.config.vrrpInstance[0]!;
  assert.equal(eff.basePriority(i) + down!.weight.value, 79);
  assert.deepEqual(i.trackScript, [{ name: 'chk_down' }, { name: 'chk_nginx' }]);
  assert.deepEqual(i.virtualIpaddress.map((v) => [v.address, v.prefix, v.dev, v.label]), [['198.51.100.100', 16, 'eno16777736', 'eno16777736:1']]);
});

test('the tutorial\'s typo `notify_bakcup` is named, with the keyword meant', () => {
  const text = 'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    notify_bakcup "/etc/keepalived/keepalived.sh backup"\n    virtual_ipaddress {\n        192.0.2.1\n    }\n}\n';
  const [d, ...rest] = loadConfigText(text).diagnostics.items;
  assert.deepEqual(rest, []);
  assert.deepEqual([d!.code, d!.loc?.line, d!.hint], ['TSKAD_E_UNKNOWN_KEYWORD', 4, "did you mean 'notify_backup'?"]);
});

test('`killall -0 nginx` is exec\'d directly; with a redirection it needs bash', () => {
  const r = load('killall.conf');
  assert.deepEqual(r.diagnostics.items, []);
  assert.deepEqual(
    r.config.vrrpScript.map((s) => [s.name, s.script.command, s.script.runner, s.weight.value]),
    [
      ['chk_nginx', 'killall -0 nginx &> /dev/null', 'bash', -10],
      ['chk_nginx2', 'killall -0 nginx', 'exec', -2],
    ],
  );
});

test('the LVS director\'s VRRP half uses its own multicast group', () => {
  const r = load('lvs-director.conf');
  const i = r.config.vrrpInstance[0]!;
  assert.equal(eff.mcastGroup(i, r.config.globalDefs), '233.252.0.10');
  assert.equal(r.config.vrrpScript[0]!.script.runner, 'bash');
});
