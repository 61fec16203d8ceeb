// Every keyword of keepalived 2.2.7's global_defs, and the root keywords
// outside any block: each read with its arguments into the model, the
// defaults of an empty configuration (as `keepalived -d` dumps them), the
// deprecated spellings, and parse → print → parse of all of them at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../../src/config/load.js';
import { printConfig } from '../../../src/config/printer.js';
import { formatDiagnostic } from '../../../src/config/diagnostics.js';

const load = (body: string, top = '') => loadConfigText(`${top}\nglobal_defs {\n${body}\n}\n`);
const problems = (r: ReturnType<typeof loadConfigText>) => r.diagnostics.sorted().map(formatDiagnostic);

/** [line inside global_defs, model field, value read, codes it draws alone (none when left out)] */
const KEYWORDS: ReadonlyArray<readonly [string, string, unknown, string[]?]> = [
  // identity, mail and alerts
  ['router_id lb-1', 'routerId', 'lb-1'],
  ['notification_email {\n ops@example.com oncall@example.com\n root@localhost\n}', 'notificationEmail', ['ops@example.com', 'oncall@example.com', 'root@localhost'], ['TSKAD_W_RECIPIENTS_WITHOUT_SMTP']],
  ['notification_email_from kad@example.com', 'notificationEmailFrom', 'kad@example.com'],
  ['smtp_server 192.0.2.25', 'smtpServer', { host: '192.0.2.25', port: 25 }, ['TSKAD_W_SMTP_WITHOUT_RECIPIENTS']],
  ['smtp_server 2001:db8::25 587', 'smtpServer', { host: '2001:db8::25', port: 587 }, ['TSKAD_W_SMTP_WITHOUT_RECIPIENTS']],
  ['smtp_server mail.example.com 2525', 'smtpServer', { host: 'mail.example.com', port: 2525 }, ['TSKAD_W_SMTP_WITHOUT_RECIPIENTS']],
  ['smtp_helo_name lb-1.example.com', 'smtpHeloName', 'lb-1.example.com'],
  ['smtp_connect_timeout 4294', 'smtpConnectTimeout', 4294],
  ['smtp_alert', 'smtpAlert', true],
  ['smtp_alert off', 'smtpAlert', false],
  ['smtp_alert_vrrp no', 'smtpAlertVrrp', false],
  ['smtp_alert_checker yes', 'smtpAlertChecker', true],
  ['no_email_faults', 'noEmailFaults', true],
  ['no_checker_emails', 'noCheckerEmails', true],
  ['checker_log_all_failures true', 'checkerLogAllFailures', true],
  ['rs_init_notifies', 'rsInitNotifies', true],
  // processes and scheduling
  ['process_names', 'processNames', true],
  ['process_name kad', 'processName', 'kad'],
  ['vrrp_process_name abcdefghijklmno', 'vrrpProcessName', 'abcdefghijklmno'],
  ['checker_process_name kad_chk', 'checkerProcessName', 'kad_chk'],
  ['bfd_process_name kad_bfd', 'bfdProcessName', 'kad_bfd'],
  ['vrrp_priority -20', 'vrrpPriority', -20],
  ['checker_priority 19', 'checkerPriority', 19],
  ['bfd_priority 5', 'bfdPriority', 5],
  ['vrrp_no_swap', 'vrrpNoSwap', true],
  ['checker_no_swap', 'checkerNoSwap', true],
  ['bfd_no_swap', 'bfdNoSwap', true],
  ['vrrp_rt_priority 1', 'vrrpRtPriority', 1],
  ['checker_rt_priority 99', 'checkerRtPriority', 99],
  ['bfd_rt_priority 50', 'bfdRtPriority', 50],
  ['vrrp_cpu_affinity 0 1', 'vrrpCpuAffinity', [0, 1]],
  ['checker_cpu_affinity 1', 'checkerCpuAffinity', [1]],
  ['bfd_cpu_affinity 0', 'bfdCpuAffinity', [0]],
  ['vrrp_rlimit_rttime 5000', 'vrrpRlimitRttime', 5000],
  ['checker_rlimit_rttime 1', 'checkerRlimitRttime', 2],
  ['bfd_rlimit_rttime 4294967295', 'bfdRlimitRttime', 4294967295],
  ['max_auto_priority', 'maxAutoPriority', 99],
  ['max_auto_priority -1', 'maxAutoPriority', -1],
  ['min_auto_priority_delay 10000000', 'minAutoPriorityDelay', 10000000],
  ['umask 077', 'umask', 0o077],
  ['umask 0x12', 'umask', 0o022],
  ['umask 18', 'umask', 0o022],
  ['umask IWGRP|IXOTH', 'umask', 0o021],
  ['umask IWGRP | IWOTH', 'umask', 0o022],
  // files, reload control
  ['tmp_config_directory /var/tmp', 'tmpConfigDirectory', '/var/tmp'],
  ['config_save_dir /var/tmp/kad', 'configSaveDir', '/var/tmp/kad'],
  ['data_use_instance', 'dataUseInstance', true],
  ['random_seed 42', 'randomSeed', 42],
  ['reload_check_config', 'reloadCheckConfig', '/dev/null'],
  ['reload_check_config /var/log/kad-check.log', 'reloadCheckConfig', '/var/log/kad-check.log'],
  ['reload_time_file /run/kad.time', 'reloadTimeFile', '/run/kad.time'],
  ['reload_repeat', 'reloadRepeat', true],
  ['reload_file', 'reloadFile', ''],
  ['reload_file /run/kad.reload', 'reloadFile', '/run/kad.reload'],
  ['include_check', 'includeCheck', []],
  ['include_check read +match -wildcard_match +brace_match', 'includeCheck', ['read', '+match', '-wildcard_match', '+brace_match']],
  // VRRP defaults
  ['vrrp_mcast_group4 224.18.0.10', 'vrrpMcastGroup4', '224.18.0.10'],
  ['vrrp_mcast_group6 ff12::12', 'vrrpMcastGroup6', 'ff12::12'],
  ['default_interface eth1', 'defaultInterface', 'eth1'],
  ['vrrp_version 3', 'vrrpVersion', 3],
  ['vrrp_garp_master_delay 0', 'vrrpGarpMasterDelay', 0],
  ['vrrp_garp_master_repeat 1', 'vrrpGarpMasterRepeat', 1],
  ['vrrp_garp_lower_prio_delay 0', 'vrrpGarpLowerPrioDelay', 0],
  ['vrrp_garp_lower_prio_repeat 0', 'vrrpGarpLowerPrioRepeat', 0],
  ['vrrp_garp_master_refresh 60', 'vrrpGarpMasterRefresh', 60],
  ['vrrp_garp_master_refresh_repeat 2', 'vrrpGarpMasterRefreshRepeat', 2],
  ['vrrp_garp_interval 0.001', 'vrrpGarpInterval', 0.001],
  ['vrrp_gna_interval 0.000001', 'vrrpGnaInterval', 0.000001],
  ['vrrp_min_garp', 'vrrpMinGarp', true],
  ['vrrp_garp_extra_if 100', 'vrrpGarpExtraIf', { all: false, interval: 100 }],
  ['vrrp_garp_extra_if all 86400', 'vrrpGarpExtraIf', { all: true, interval: 86400 }],
  ['vrrp_garp_extra_if 60 all', 'vrrpGarpExtraIf', { all: true, interval: 60 }],
  ['vrrp_down_timer_adverts 100', 'vrrpDownTimerAdverts', 100],
  ['vrrp_lower_prio_no_advert', 'vrrpLowerPrioNoAdvert', true],
  ['vrrp_higher_prio_send_advert on', 'vrrpHigherPrioSendAdvert', true],
  ['vrrp_skip_check_adv_addr', 'vrrpSkipCheckAdvAddr', true],
  ['vrrp_strict', 'vrrpStrict', true],
  ['vrrp_check_unicast_src', 'vrrpCheckUnicastSrc', true],
  ['vrrp_notify_priority_changes', 'vrrpNotifyPriorityChanges', true],
  ['vrrp_startup_delay 5.5', 'vrrpStartupDelay', 5.5],
  ['log_unknown_vrids', 'logUnknownVrids', true],
  ['vmac_prefix kav', 'vmacPrefix', 'kav'],
  ['vmac_addr_prefix kaa', 'vmacAddrPrefix', 'kaa'],
  ['dynamic_interfaces', 'dynamicInterfaces', { allowIfChanges: false }],
  ['dynamic_interfaces allow_if_changes', 'dynamicInterfaces', { allowIfChanges: true }],
  ['disable_local_igmp', 'disableLocalIgmp', true],
  ['vrrp_rx_bufs_policy MTU', 'vrrpRxBufsPolicy', 'MTU'],
  ['vrrp_rx_bufs_policy advert', 'vrrpRxBufsPolicy', 'ADVERT'],
  ['vrrp_rx_bufs_policy 65536', 'vrrpRxBufsPolicy', 65536],
  ['vrrp_rx_bufs_multiplier 4', 'vrrpRxBufsMultiplier', 4],
  // firewall
  ['nftables', 'nftables', 'keepalived'],
  ['nftables kad', 'nftables', 'kad'],
  ['nftables_priority -150', 'nftablesPriority', -150],
  ['nftables_counters', 'nftablesCounters', true],
  ['nftables_ifindex', 'nftablesIfindex', true],
  ['nftables_ipvs', 'nftablesIpvs', 'keepalived_ipvs'],
  ['nftables_ipvs_priority 5', 'nftablesIpvsPriority', 5],
  ['nftables_ipvs_start_fwmark 4294967295', 'nftablesIpvsStartFwmark', 4294967295],
  ['vrrp_iptables', 'vrrpIptables', { inChain: 'INPUT', outChain: 'OUTPUT' }, ['TSKAD_W_IPTABLES_AS_NFTABLES']],
  ['vrrp_iptables kad_in', 'vrrpIptables', { inChain: 'kad_in' }, ['TSKAD_W_IPTABLES_AS_NFTABLES']],
  ['vrrp_iptables kad_in kad_out', 'vrrpIptables', { inChain: 'kad_in', outChain: 'kad_out' }, ['TSKAD_W_IPTABLES_AS_NFTABLES']],
  ['vrrp_ipsets', 'vrrpIpsets', [], ['TSKAD_W_IPTABLES_AS_NFTABLES']],
  ['vrrp_ipsets kad kad6', 'vrrpIpsets', ['kad', 'kad6'], ['TSKAD_W_IPTABLES_AS_NFTABLES']],
  // LVS
  ['lvs_sync_daemon eth1', 'lvsSyncDaemon', { interface: 'eth1' }],
  ['lvs_sync_daemon eth1 VI_1', 'lvsSyncDaemon', { interface: 'eth1', instance: 'VI_1' }, ['TSKAD_E_UNKNOWN_SYNC_INSTANCE']],
  [
    'lvs_sync_daemon eth1 inst VI_1 id 7 maxlen 1400 port 8849 ttl 2 group 224.0.0.81',
    'lvsSyncDaemon',
    { interface: 'eth1', instance: 'VI_1', syncId: 7, maxlen: 1400, port: 8849, ttl: 2, group: '224.0.0.81' },
    ['TSKAD_E_UNKNOWN_SYNC_INSTANCE'],
  ],
  ['lvs_sync_daemon eth1 group ff02::81 id 0', 'lvsSyncDaemon', { interface: 'eth1', group: 'ff02::81', syncId: 0 }],
  ['lvs_timeouts tcp 900 tcpfin 120 udp 300', 'lvsTimeouts', { tcp: 900, tcpfin: 120, udp: 300 }],
  ['lvs_timeouts udp 0', 'lvsTimeouts', { udp: 0 }],
  ['lvs_flush', 'lvsFlush', true],
  ['lvs_flush_on_stop', 'lvsFlushOnStop', 'full'],
  ['lvs_flush_on_stop VS', 'lvsFlushOnStop', 'VS'],
  // scripts and notify FIFOs
  ['script_user keepalived_script', 'scriptUser', { user: 'keepalived_script' }],
  ['script_user nobody nogroup', 'scriptUser', { user: 'nobody', group: 'nogroup' }],
  ['enable_script_security', 'enableScriptSecurity', true],
  ['startup_script "/usr/local/bin/up.sh now" root', 'startupScript', { command: '/usr/local/bin/up.sh now', user: 'root', runner: 'exec' }],
  ['startup_script_timeout 1000', 'startupScriptTimeout', 1000],
  ['shutdown_script /usr/local/bin/down.sh', 'shutdownScript', { command: '/usr/local/bin/down.sh', runner: 'exec' }],
  ['shutdown_script_timeout 1', 'shutdownScriptTimeout', 1],
  ['notify_fifo /run/kad.fifo', 'notifyFifo', { path: '/run/kad.fifo' }],
  ['notify_fifo_script /usr/local/bin/fifo.sh root root', 'notifyFifoScript', { command: '/usr/local/bin/fifo.sh', user: 'root', group: 'root', runner: 'exec' }],
  ['vrrp_notify_fifo /run/vrrp.fifo nobody nogroup', 'vrrpNotifyFifo', { path: '/run/vrrp.fifo', user: 'nobody', group: 'nogroup' }],
  ['vrrp_notify_fifo_script /usr/local/bin/vfifo.sh', 'vrrpNotifyFifoScript', { command: '/usr/local/bin/vfifo.sh', runner: 'exec' }],
  ['lvs_notify_fifo /run/lvs.fifo root', 'lvsNotifyFifo', { path: '/run/lvs.fifo', user: 'root' }],
  ['lvs_notify_fifo_script /usr/local/bin/lfifo.sh', 'lvsNotifyFifoScript', { command: '/usr/local/bin/lfifo.sh', runner: 'exec' }],
  ['fifo_write_vrrp_states_on_reload', 'fifoWriteVrrpStatesOnReload', true],
  // SNMP and D-Bus
  ['snmp_socket udp:192.0.2.1:705', 'snmpSocket', 'udp:192.0.2.1:705'],
  ['enable_traps', 'enableTraps', true],
  ['enable_snmp_vrrp', 'enableSnmpVrrp', true],
  ['enable_snmp_checker', 'enableSnmpChecker', true],
  ['enable_snmp_rfc', 'enableSnmpRfc', true],
  ['enable_snmp_rfcv2', 'enableSnmpRfcv2', true],
  ['enable_snmp_rfcv3', 'enableSnmpRfcv3', true],
  ['enable_dbus', 'enableDbus', true],
  ['dbus_service_name org.example.Kad', 'dbusServiceName', 'org.example.Kad'],
  // netlink buffers
  ['vrrp_netlink_cmd_rcv_bufs 1048576', 'vrrpNetlinkCmdRcvBufs', 1048576],
  ['vrrp_netlink_cmd_rcv_bufs_force', 'vrrpNetlinkCmdRcvBufsForce', true],
  ['vrrp_netlink_monitor_rcv_bufs 0', 'vrrpNetlinkMonitorRcvBufs', 0],
  ['vrrp_netlink_monitor_rcv_bufs_force yes', 'vrrpNetlinkMonitorRcvBufsForce', true],
  ['lvs_netlink_cmd_rcv_bufs 4294967295', 'lvsNetlinkCmdRcvBufs', 4294967295],
  ['lvs_netlink_cmd_rcv_bufs_force on', 'lvsNetlinkCmdRcvBufsForce', true],
  ['lvs_netlink_monitor_rcv_bufs 212992', 'lvsNetlinkMonitorRcvBufs', 212992],
  ['lvs_netlink_monitor_rcv_bufs_force', 'lvsNetlinkMonitorRcvBufsForce', true],
  ['process_monitor_rcv_bufs 500000', 'processMonitorRcvBufs', 500000],
  ['process_monitor_rcv_bufs_force', 'processMonitorRcvBufsForce', true],
  // the tskad extension
  ['tskad_metrics_listen 9100', 'tskadMetricsListen', { host: '127.0.0.1', port: 9100 }],
  ['tskad_metrics_listen 192.0.2.10:9100', 'tskadMetricsListen', { host: '192.0.2.10', port: 9100 }],
  ['tskad_metrics_listen [2001:db8::10]:9100', 'tskadMetricsListen', { host: '2001:db8::10', port: 9100 }],
];

for (const [line, field, value, codes = []] of KEYWORDS) {
  test(`global_defs: ${line.split('\n').join(' ')}`, () => {
    const r = load(line);
    assert.deepEqual((r.config.globalDefs as Record<string, unknown>)[field], value);
    assert.deepEqual(r.diagnostics.items.map((d) => d.code), codes, problems(r).join('\n'));
  });
}

test('every global_defs keyword of keepalived 2.2.7 is in the table above', () => {
  // keepalived 2.2.7 core/global_parser.c init_global_keywords(), as built by Debian
  // (vrrp_ipsets only in builds with iptables), plus tskad's own extension
  const known = new Set(KEYWORDS.map(([line]) => line.split(/\s/)[0]));
  const expected = `process_names process_name vrrp_process_name checker_process_name bfd_process_name router_id
    notification_email_from smtp_server smtp_helo_name smtp_connect_timeout notification_email smtp_alert startup_script
    startup_script_timeout shutdown_script shutdown_script_timeout max_auto_priority min_auto_priority_delay smtp_alert_vrrp
    smtp_alert_checker checker_log_all_failures dynamic_interfaces no_email_faults default_interface disable_local_igmp
    lvs_timeouts lvs_flush lvs_flush_on_stop lvs_sync_daemon vrrp_mcast_group4 vrrp_mcast_group6 vrrp_garp_master_delay
    vrrp_garp_master_repeat vrrp_garp_master_refresh vrrp_garp_master_refresh_repeat vrrp_garp_lower_prio_delay
    vrrp_garp_lower_prio_repeat vrrp_down_timer_adverts vrrp_garp_interval vrrp_gna_interval vrrp_min_garp vrrp_garp_extra_if
    vrrp_lower_prio_no_advert vrrp_higher_prio_send_advert vrrp_version vrrp_iptables vrrp_ipsets nftables nftables_priority
    nftables_ifindex nftables_ipvs nftables_ipvs_priority nftables_ipvs_start_fwmark nftables_counters vrrp_check_unicast_src
    vrrp_skip_check_adv_addr vrrp_strict vrrp_priority vrrp_no_swap vrrp_rt_priority vrrp_cpu_affinity vrrp_rlimit_rttime
    notify_fifo notify_fifo_script vrrp_notify_fifo vrrp_notify_fifo_script vrrp_notify_priority_changes
    fifo_write_vrrp_states_on_reload lvs_notify_fifo lvs_notify_fifo_script checker_priority checker_no_swap
    checker_rt_priority checker_cpu_affinity checker_rlimit_rttime bfd_priority bfd_no_swap bfd_rt_priority bfd_cpu_affinity
    bfd_rlimit_rttime snmp_socket enable_traps enable_snmp_vrrp enable_snmp_rfc enable_snmp_rfcv2 enable_snmp_rfcv3
    enable_snmp_checker enable_dbus dbus_service_name script_user enable_script_security vrrp_netlink_cmd_rcv_bufs
    vrrp_netlink_cmd_rcv_bufs_force vrrp_netlink_monitor_rcv_bufs vrrp_netlink_monitor_rcv_bufs_force process_monitor_rcv_bufs
    process_monitor_rcv_bufs_force lvs_netlink_cmd_rcv_bufs lvs_netlink_cmd_rcv_bufs_force lvs_netlink_monitor_rcv_bufs
    lvs_netlink_monitor_rcv_bufs_force rs_init_notifies no_checker_emails vrrp_rx_bufs_policy vrrp_rx_bufs_multiplier
    vrrp_startup_delay log_unknown_vrids vmac_prefix vmac_addr_prefix umask random_seed reload_check_config reload_time_file
    reload_repeat reload_file include_check config_save_dir tmp_config_directory data_use_instance tskad_metrics_listen`;
  assert.deepEqual([...expected.split(/\s+/).filter((k) => !known.has(k))], []);
});

test('an empty configuration has keepalived 2.2.7\'s defaults (as keepalived -d dumps them)', () => {
  const g = loadConfigText('').config.globalDefs;
  assert.deepEqual(
    {
      routerId: g.routerId,
      notificationEmail: g.notificationEmail,
      notificationEmailFrom: g.notificationEmailFrom,
      smtpServer: g.smtpServer,
      smtpConnectTimeout: g.smtpConnectTimeout,
      smtpAlert: g.smtpAlert,
      smtpAlertVrrp: g.smtpAlertVrrp,
      smtpAlertChecker: g.smtpAlertChecker,
      checkerLogAllFailures: g.checkerLogAllFailures,
      vrrpMcastGroup4: g.vrrpMcastGroup4,
      vrrpMcastGroup6: g.vrrpMcastGroup6,
      defaultInterface: g.defaultInterface,
      vrrpVersion: g.vrrpVersion,
      vrrpGarpMasterDelay: g.vrrpGarpMasterDelay,
      vrrpGarpMasterRepeat: g.vrrpGarpMasterRepeat,
      vrrpGarpMasterRefresh: g.vrrpGarpMasterRefresh,
      vrrpGarpMasterRefreshRepeat: g.vrrpGarpMasterRefreshRepeat,
      vrrpGarpLowerPrioDelay: g.vrrpGarpLowerPrioDelay,
      vrrpGarpLowerPrioRepeat: g.vrrpGarpLowerPrioRepeat,
      vrrpGarpInterval: g.vrrpGarpInterval,
      vrrpGnaInterval: g.vrrpGnaInterval,
      vrrpDownTimerAdverts: g.vrrpDownTimerAdverts,
      vrrpLowerPrioNoAdvert: g.vrrpLowerPrioNoAdvert,
      vrrpHigherPrioSendAdvert: g.vrrpHigherPrioSendAdvert,
      vrrpStrict: g.vrrpStrict,
      vrrpSkipCheckAdvAddr: g.vrrpSkipCheckAdvAddr,
      vrrpCheckUnicastSrc: g.vrrpCheckUnicastSrc,
      maxAutoPriority: g.maxAutoPriority,
      minAutoPriorityDelay: g.minAutoPriorityDelay,
      vrrpPriority: g.vrrpPriority,
      vrrpRtPriority: g.vrrpRtPriority,
      vrrpRlimitRttime: g.vrrpRlimitRttime,
      checkerRlimitRttime: g.checkerRlimitRttime,
      bfdRlimitRttime: g.bfdRlimitRttime,
      vrrpRxBufsMultiplier: g.vrrpRxBufsMultiplier,
      nftablesPriority: g.nftablesPriority,
      nftablesIpvsStartFwmark: g.nftablesIpvsStartFwmark,
      lvsFlush: g.lvsFlush,
      lvsFlushOnStop: g.lvsFlushOnStop,
      startupScriptTimeout: g.startupScriptTimeout,
      dbusServiceName: g.dbusServiceName,
      vmacPrefix: g.vmacPrefix,
      umask: g.umask,
      enableScriptSecurity: g.enableScriptSecurity,
      tskadMetricsListen: g.tskadMetricsListen,
    },
    {
      routerId: undefined,
      notificationEmail: [],
      notificationEmailFrom: undefined,
      smtpServer: undefined,
      smtpConnectTimeout: 30,
      smtpAlert: undefined,
      smtpAlertVrrp: undefined,
      smtpAlertChecker: undefined,
      checkerLogAllFailures: false,
      vrrpMcastGroup4: '224.0.0.18',
      vrrpMcastGroup6: 'ff02::12',
      defaultInterface: 'eth0',
      vrrpVersion: 2,
      vrrpGarpMasterDelay: 5,
      vrrpGarpMasterRepeat: 5,
      vrrpGarpMasterRefresh: 0,
      vrrpGarpMasterRefreshRepeat: 1,
      vrrpGarpLowerPrioDelay: undefined,
      vrrpGarpLowerPrioRepeat: undefined,
      vrrpGarpInterval: 0,
      vrrpGnaInterval: 0,
      vrrpDownTimerAdverts: 3,
      vrrpLowerPrioNoAdvert: false,
      vrrpHigherPrioSendAdvert: false,
      vrrpStrict: false,
      vrrpSkipCheckAdvAddr: false,
      vrrpCheckUnicastSrc: false,
      maxAutoPriority: 0,
      minAutoPriorityDelay: 1000000,
      vrrpPriority: 0,
      vrrpRtPriority: undefined,
      vrrpRlimitRttime: 10000,
      checkerRlimitRttime: 10000,
      bfdRlimitRttime: 10000,
      vrrpRxBufsMultiplier: 3,
      nftablesPriority: -1,
      nftablesIpvsStartFwmark: 1000,
      lvsFlush: false,
      lvsFlushOnStop: undefined,
      startupScriptTimeout: 10,
      dbusServiceName: 'org.keepalived.Vrrp1',
      vmacPrefix: 'vrrp',
      umask: 0o177,
      enableScriptSecurity: false,
      tskadMetricsListen: undefined,
    },
  );
});

test('root keywords outside any block, with their defaults', () => {
  const empty = loadConfigText('').config;
  assert.deepEqual(
    [empty.netNamespace, empty.netNamespaceIpvs, empty.namespaceWithIpsets, empty.instance, empty.usePidDir, empty.linkbeatUsePolling, empty.childWaitTime],
    [undefined, undefined, false, undefined, false, false, 5],
  );
  const r = loadConfigText('net_namespace blue\nnet_namespace_ipvs\nnamespace_with_ipsets\ninstance lb1\nuse_pid_dir\nlinkbeat_use_polling\nchild_wait_time 0\n');
  assert.deepEqual(problems(r), []);
  const c = r.config;
  assert.deepEqual(
    [c.netNamespace, c.netNamespaceIpvs, c.namespaceWithIpsets, c.instance, c.usePidDir, c.linkbeatUsePolling, c.childWaitTime],
    ['blue', '', true, 'lb1', true, true, 0],
  );
  assert.equal(loadConfigText('net_namespace_ipvs red\n').config.netNamespaceIpvs, 'red');
});

test('keywords keepalived turns on by presence ignore an argument, with a warning, as keepalived does', () => {
  const r = load('vrrp_strict off\nlvs_flush no\nvrrp_skip_check_adv_addr off');
  assert.equal(r.config.globalDefs.vrrpStrict, true);
  assert.equal(r.config.globalDefs.lvsFlush, true);
  assert.equal(r.config.globalDefs.vrrpSkipCheckAdvAddr, true);
  assert.deepEqual(
    r.diagnostics.items.map((d) => [d.code, d.loc?.line]),
    [['TSKAD_W_EXTRA_ARGUMENT', 3], ['TSKAD_W_EXTRA_ARGUMENT', 4], ['TSKAD_W_EXTRA_ARGUMENT', 5]],
  );
});

test('deprecated spellings keepalived 2.2.7 still accepts map to their keyword, with a warning', () => {
  const cases: ReadonlyArray<readonly [string, string, unknown]> = [
    ['lvs_flush_onstop', 'lvsFlushOnStop', 'full'],
    ['lvs_process_name kad_chk', 'checkerProcessName', 'kad_chk'],
    ['vrrp_rlimit_rtime 100', 'vrrpRlimitRttime', 100],
    ['checker_rlimit_rtime 100', 'checkerRlimitRttime', 100],
    ['bfd_rlimit_rtime 100', 'bfdRlimitRttime', 100],
    ['enable_snmp_keepalived', 'enableSnmpVrrp', true],
    ['vrrp_vmac_garp_intvl 30', 'vrrpGarpExtraIf', { all: false, interval: 30 }],
  ];
  for (const [line, field, value] of cases) {
    const r = load(line);
    assert.deepEqual((r.config.globalDefs as Record<string, unknown>)[field], value, line);
    assert.deepEqual(r.diagnostics.items.map((d) => [d.code, d.loc?.line]), [['TSKAD_W_DEPRECATED_KEYWORD', 3]], line);
  }
});

test('global_defs keywords outside global_defs, and root keywords inside it, are unknown there, with a hint', () => {
  const r = loadConfigText('router_id r1\nglobal_defs {\n  net_namespace blue\n}\n');
  assert.deepEqual(
    r.diagnostics.sorted().map((d) => [d.code, d.loc?.line, d.hint]),
    [
      ['TSKAD_E_UNKNOWN_KEYWORD', 1, 'router_id belongs in global_defs'],
      ['TSKAD_E_UNKNOWN_KEYWORD', 3, 'net_namespace belongs in the top level'],
    ],
  );
  assert.equal(r.config.globalDefs.routerId, undefined);
  assert.equal(r.config.netNamespace, undefined);
});

test('all the keywords at once print back to the same model', () => {
  const body = KEYWORDS.filter(([line], i) => KEYWORDS.findIndex(([l]) => l.split(/\s/)[0] === line.split(/\s/)[0]) === i)
    .map(([line]) => line)
    .join('\n');
  const first = load(body, 'net_namespace blue\nnet_namespace_ipvs\nnamespace_with_ipsets\ninstance lb1\nuse_pid_dir\nlinkbeat_use_polling\nchild_wait_time 9');
  const printed = printConfig(first.config);
  const second = loadConfigText(printed);
  assert.deepEqual(second.config, first.config);
  assert.equal(printConfig(second.config), printed);
});
