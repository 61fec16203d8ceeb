// The global settings keepalived derives rather than reads, as keepalived 2.2.7
// derives them (checked against `keepalived -d` dumps: "Router ID = vm",
// "Email notification from = root@vm", the GARP lines under vrrp_min_garp,
// "Reload_file = /run/keepalived.reload").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../../src/config/load.js';
import {
  effectiveGarp, effectiveMail, effectiveNftablesTable, effectiveProcessNames, effectiveReloadFile, effectiveRouterId, effectiveSnmp,
  effectiveVmacAddrPrefix, globalSmtpAlert, usesPidDir, type HostFacts,
} from '../../../src/config/effective-global.js';

const config = (body: string, top = '') => loadConfigText(`${top}\nglobal_defs {\n${body}\n}\n`).config;
const globals = (body: string) => config(body).globalDefs;
const HOST: HostFacts = { canonicalName: 'lb1.example.com', userName: 'root' };
const UNRESOLVED: HostFacts = { userName: 'root' };

test('router_id: as given, else the canonical host name, else [unknown]', () => {
  assert.equal(effectiveRouterId(globals('router_id r1'), HOST), 'r1');
  assert.equal(effectiveRouterId(globals(''), HOST), 'lb1.example.com');
  assert.equal(effectiveRouterId(globals(''), UNRESOLVED), '[unknown]');
});

test('alert mail needs a relay and a recipient; sender and HELO name default from the host', () => {
  assert.equal(effectiveMail(globals('smtp_server 192.0.2.25'), HOST), undefined);
  assert.equal(effectiveMail(globals('notification_email {\n ops@example.com\n}'), HOST), undefined);
  const both = 'smtp_server 192.0.2.25\nnotification_email {\n ops@example.com\n}';
  assert.deepEqual(effectiveMail(globals(both), HOST), {
    server: { host: '192.0.2.25', port: 25 },
    recipients: ['ops@example.com'],
    from: 'root@lb1.example.com',
    heloName: 'lb1.example.com',
    connectTimeout: 30,
  });
  assert.deepEqual(effectiveMail(globals(`${both}\nnotification_email_from kad@example.com\nsmtp_helo_name mx1\nsmtp_connect_timeout 5`), UNRESOLVED), {
    server: { host: '192.0.2.25', port: 25 },
    recipients: ['ops@example.com'],
    from: 'kad@example.com',
    heloName: 'mx1',
    connectTimeout: 5,
  });
  // keepalived leaves both unset when the host name does not resolve
  const bare = effectiveMail(globals(both), UNRESOLVED)!;
  assert.equal(bare.from, undefined);
  assert.equal(bare.heloName, undefined);
});

test('smtp_alert_vrrp and smtp_alert_checker override smtp_alert; all unset gives undefined', () => {
  assert.equal(globalSmtpAlert(globals(''), 'vrrp'), undefined);
  assert.equal(globalSmtpAlert(globals('smtp_alert'), 'checker'), true);
  assert.equal(globalSmtpAlert(globals('smtp_alert\nsmtp_alert_vrrp off'), 'vrrp'), false);
  assert.equal(globalSmtpAlert(globals('smtp_alert\nsmtp_alert_vrrp off'), 'checker'), true);
});

test('GARP defaults: the lower-priority pair follows the master pair; vrrp_min_garp lowers what is at its default', () => {
  assert.deepEqual(effectiveGarp(globals('')), {
    masterDelay: 5, masterRepeat: 5, masterRefresh: 0, masterRefreshRepeat: 1, lowerPrioDelay: 5, lowerPrioRepeat: 5,
  });
  assert.deepEqual(effectiveGarp(globals('vrrp_garp_master_delay 10\nvrrp_garp_master_repeat 2\nvrrp_garp_lower_prio_repeat 0')), {
    masterDelay: 10, masterRepeat: 2, masterRefresh: 0, masterRefreshRepeat: 1, lowerPrioDelay: 10, lowerPrioRepeat: 0,
  });
  // keepalived -d with vrrp_min_garp: delay 0, repeat 1, refresh 0, refresh repeat 0, lower priority 0 and 1
  assert.deepEqual(effectiveGarp(globals('vrrp_min_garp')), {
    masterDelay: 0, masterRepeat: 1, masterRefresh: 0, masterRefreshRepeat: 0, lowerPrioDelay: 0, lowerPrioRepeat: 1,
  });
  assert.deepEqual(effectiveGarp(globals('vrrp_min_garp\nvrrp_garp_master_repeat 3\nvrrp_garp_master_refresh 60')), {
    masterDelay: 0, masterRepeat: 3, masterRefresh: 60, masterRefreshRepeat: 0, lowerPrioDelay: 0, lowerPrioRepeat: 3,
  });
  assert.equal(effectiveGarp(globals('vrrp_min_garp off')).masterRepeat, 5);
});

test('process_names names the children (keepalived_vrrp, keepalived_lvs, keepalived_bfd); explicit names win', () => {
  assert.deepEqual(effectiveProcessNames(globals('')), {});
  assert.deepEqual(effectiveProcessNames(globals('process_names')), { vrrp: 'keepalived_vrrp', checker: 'keepalived_lvs', bfd: 'keepalived_bfd' });
  assert.deepEqual(effectiveProcessNames(globals('process_names\nprocess_name kad\nvrrp_process_name kv')), {
    parent: 'kad', vrrp: 'kv', checker: 'keepalived_lvs', bfd: 'keepalived_bfd',
  });
});

test('the pid directory and reload_file follow use_pid_dir, instance and net_namespace', () => {
  assert.equal(usesPidDir(config('')), false);
  for (const top of ['use_pid_dir', 'instance lb1', 'net_namespace blue']) assert.equal(usesPidDir(config('', top)), true, top);
  assert.equal(effectiveReloadFile(config('')), undefined);
  assert.equal(effectiveReloadFile(config('reload_file /run/kad.reload')), '/run/kad.reload');
  assert.equal(effectiveReloadFile(config('reload_file')), '/run/keepalived.reload');
  assert.equal(effectiveReloadFile(config('reload_file', 'use_pid_dir')), '/run/keepalived/keepalived.reload');
  assert.equal(effectiveReloadFile(config('reload_file', 'instance lb1')), '/run/keepalived/keepalived_lb1.reload');
});

test('firewall table, VMAC address prefix and SNMP parts', () => {
  assert.equal(effectiveNftablesTable(globals('')), undefined);
  assert.equal(effectiveNftablesTable(globals('vrrp_iptables')), 'keepalived');
  assert.equal(effectiveNftablesTable(globals('nftables kad\nvrrp_iptables')), 'kad');
  assert.equal(effectiveVmacAddrPrefix(globals('vmac_prefix kv')), 'kv');
  assert.equal(effectiveVmacAddrPrefix(globals('vmac_prefix kv\nvmac_addr_prefix ka')), 'ka');
  assert.deepEqual(effectiveSnmp(globals('enable_snmp_rfc\nenable_traps'), false), { vrrp: false, checker: false, rfcv2: true, rfcv3: true, traps: true });
  assert.deepEqual(effectiveSnmp(globals(''), true), { vrrp: true, checker: true, rfcv2: true, rfcv3: true, traps: false });
});
