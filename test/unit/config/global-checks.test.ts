// The checks of global_defs and the root keywords, each with a failing and a
// passing case, written as data beside keepalived 2.2.7's verdict on the same
// text (`keepalived -t`: 0 accepted, 5 errors). tskad must reject what
// keepalived rejects and accept what it accepts, except where a case says why
// not. Where keepalived is installed the recorded verdicts are checked against
// it too, so the table cannot drift from the real thing.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigText } from '../../../src/config/load.js';
import { formatDiagnostic } from '../../../src/config/diagnostics.js';

interface Case {
  /** lines inside global_defs */
  readonly body: string;
  /** lines before global_defs (root keywords) */
  readonly top?: string;
  /** `keepalived -t` exit status, recorded from keepalived 2.2.7 */
  readonly keepalived: 0 | 5;
  /** the codes tskad reports, in any order */
  readonly codes: readonly string[];
  /** why tskad's verdict differs from keepalived's, when it does */
  readonly deviation?: string;
}

const CASES: readonly Case[] = [
  // alert mail: keepalived sends only with a relay and a recipient, and says nothing otherwise
  { body: 'notification_email {\n ops@example.com\n}\nsmtp_server 192.0.2.25', keepalived: 0, codes: [] },
  { body: 'smtp_server 192.0.2.25', keepalived: 0, codes: ['TSKAD_W_SMTP_WITHOUT_RECIPIENTS'] },
  { body: 'notification_email {\n ops@example.com\n}', keepalived: 0, codes: ['TSKAD_W_RECIPIENTS_WITHOUT_SMTP'] },
  { body: 'notification_email {\n}', keepalived: 5, codes: ['TSKAD_E_EMPTY_EMAIL_LIST'] },
  { body: 'notification_email {\n not-an-address\n}\nsmtp_server 192.0.2.25', keepalived: 0, codes: ['TSKAD_W_MALFORMED_EMAIL'] },
  { body: 'notification_email_from "Ops <ops@example.com>"', keepalived: 0, codes: ['TSKAD_W_MALFORMED_EMAIL'] },
  { body: 'notification_email_from ops@example.com', keepalived: 0, codes: [] },
  { body: 'notification_email_from', keepalived: 5, codes: ['TSKAD_E_MISSING_ARGUMENT'] },
  { body: 'smtp_server 192.0.2.25 0\nnotification_email {\n ops@example.com\n}', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE', 'TSKAD_W_RECIPIENTS_WITHOUT_SMTP'] },
  { body: 'smtp_server 192.0.2.25:25', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'smtp_server [2001:db8::25]', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'smtp_connect_timeout 0', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'smtp_connect_timeout 4295', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'smtp_connect_timeout 4294', keepalived: 0, codes: [] },

  // VRRP multicast groups (keepalived checks IN_MULTICAST, and only warns for a non-link-local IPv6 group)
  { body: 'vrrp_mcast_group4 224.18.0.10', keepalived: 0, codes: [] },
  { body: 'vrrp_mcast_group4 239.255.255.255', keepalived: 0, codes: [] },
  { body: 'vrrp_mcast_group4 192.0.2.1', keepalived: 5, codes: ['TSKAD_E_NOT_MULTICAST'] },
  { body: 'vrrp_mcast_group4 ff02::12', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_mcast_group4 foo', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_mcast_group6 ff02::12', keepalived: 0, codes: [] },
  { body: 'vrrp_mcast_group6 2001:db8::1', keepalived: 5, codes: ['TSKAD_E_NOT_MULTICAST'] },
  { body: 'vrrp_mcast_group6 224.0.0.18', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  {
    body: 'vrrp_mcast_group6 ff05::12',
    keepalived: 5,
    codes: ['TSKAD_W_MCAST_GROUP6_NOT_LINK_LOCAL'],
    deviation: 'keepalived reports it as a warning (CONFIG_WARNING) and uses the group, but any report makes -t exit 5',
  },

  // ranges
  { body: 'vrrp_priority -21', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_priority -20\nchecker_priority 19', keepalived: 0, codes: [] },
  { body: 'vrrp_rt_priority 0', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'checker_rt_priority 100', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'bfd_rt_priority 99', keepalived: 0, codes: [] },
  { body: 'vrrp_rlimit_rttime 0', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_version 1', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_down_timer_adverts 101', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_garp_master_repeat 0', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_garp_master_delay 1.5', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_garp_master_refresh -1', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_garp_interval 0', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_garp_interval 0.0000001', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_gna_interval 4294.967296', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_garp_interval 4294.967295\nvrrp_gna_interval 0.000001', keepalived: 0, codes: [] },
  { body: 'vrrp_startup_delay 0.0009', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_startup_delay 0.001', keepalived: 0, codes: [] },
  { body: 'max_auto_priority 100', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'max_auto_priority -2', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'min_auto_priority_delay 0', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'startup_script_timeout 1001', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'nftables_ipvs_start_fwmark 0', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'nftables_priority x', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_rx_bufs_multiplier 0', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_netlink_cmd_rcv_bufs 4294967296', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'random_seed -1', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_rx_bufs_multiplier 2 3', keepalived: 5, codes: ['TSKAD_E_TOO_MANY_ARGUMENTS'] },
  { body: 'snmp_socket unix:/run/agentx extra', keepalived: 5, codes: ['TSKAD_E_TOO_MANY_ARGUMENTS'] },
  { body: 'max_auto_priority 5 6', keepalived: 0, codes: ['TSKAD_W_EXTRA_ARGUMENT'] },
  { body: 'rs_init_notifies maybe', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: '', top: 'child_wait_time -1', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: '', top: 'child_wait_time 1.5', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },

  // option words
  { body: 'lvs_timeouts tcp 5 foo 3', keepalived: 5, codes: ['TSKAD_E_UNKNOWN_OPTION', 'TSKAD_E_UNKNOWN_OPTION'] },
  { body: 'lvs_timeouts udp 2678401', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'lvs_timeouts tcp', keepalived: 5, codes: ['TSKAD_E_MISSING_ARGUMENT'] },
  { body: 'lvs_timeouts tcpfin 10 udp 0', keepalived: 0, codes: [] },
  { body: 'lvs_flush_on_stop vs', keepalived: 5, codes: ['TSKAD_E_UNKNOWN_OPTION'] },
  { body: 'dynamic_interfaces foo', keepalived: 5, codes: ['TSKAD_E_UNKNOWN_OPTION'] },
  { body: 'include_check foo', keepalived: 5, codes: ['TSKAD_E_BAD_INCLUDE_CHECK'] },
  { body: 'include_check read match', keepalived: 5, codes: ['TSKAD_E_BAD_INCLUDE_CHECK'] },
  { body: 'include_check read +match -wildcard_match', keepalived: 0, codes: [] },
  { body: 'vrrp_garp_extra_if all', keepalived: 5, codes: ['TSKAD_E_MISSING_ARGUMENT'] },
  { body: 'vrrp_garp_extra_if 86401', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_rx_bufs_policy MTU ADVERT', keepalived: 5, codes: ['TSKAD_E_CONFLICTING_OPTIONS'] },
  { body: 'vrrp_rx_bufs_policy 1000 MTU', keepalived: 5, codes: ['TSKAD_E_CONFLICTING_OPTIONS'] },
  { body: 'vrrp_rx_bufs_policy x', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'vrrp_rx_bufs_policy mtu', keepalived: 0, codes: [] },
  { body: 'umask 0999', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'umask 01000', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'umask IWGRP|', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'umask FOO', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'umask IWGRP |IWOTH', keepalived: 0, codes: [] },

  // lvs_sync_daemon
  { body: 'lvs_sync_daemon eth0 group 192.0.2.1', keepalived: 5, codes: ['TSKAD_E_NOT_MULTICAST'] },
  { body: 'lvs_sync_daemon eth0 group ff02::81 port 8848 ttl 1 maxlen 100', keepalived: 0, codes: [] },
  { body: 'lvs_sync_daemon abcdefghijklmnop', keepalived: 5, codes: ['TSKAD_E_NAME_TOO_LONG'] },
  { body: 'lvs_sync_daemon eth0 id 256', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE'] },
  { body: 'lvs_sync_daemon eth0 maxlen 65508 port 0 ttl 0', keepalived: 5, codes: ['TSKAD_E_BAD_VALUE', 'TSKAD_E_BAD_VALUE', 'TSKAD_E_BAD_VALUE'] },
  { body: 'lvs_sync_daemon eth0 id', keepalived: 5, codes: ['TSKAD_E_MISSING_ARGUMENT'] },
  { body: 'lvs_sync_daemon eth0 VI_1 7', keepalived: 5, codes: ['TSKAD_E_SYNC_ID_NEEDS_KEYWORD', 'TSKAD_E_UNKNOWN_SYNC_INSTANCE'] },
  {
    body: 'lvs_sync_daemon eth0 inst VI_9',
    keepalived: 0,
    codes: ['TSKAD_E_UNKNOWN_SYNC_INSTANCE'],
    deviation: 'keepalived reports "Unable to find vrrp instance" and drops the sync daemon only when it starts; -t does not look',
  },

  // names
  { body: 'process_name abcdefghijklmnop', keepalived: 5, codes: ['TSKAD_E_NAME_TOO_LONG'] },
  { body: 'process_name abcdefghijklmno', keepalived: 0, codes: [] },
  { body: 'router_id', keepalived: 5, codes: ['TSKAD_E_MISSING_ARGUMENT'] },
  {
    body: 'smtp_helo_name',
    keepalived: 0,
    codes: ['TSKAD_E_MISSING_ARGUMENT'],
    deviation: 'keepalived silently ignores smtp_helo_name without a name; tskad says the line does nothing',
  },
  { body: 'default_interface', keepalived: 5, codes: ['TSKAD_E_MISSING_ARGUMENT'] },
  { body: 'dbus_service_name', keepalived: 5, codes: ['TSKAD_E_MISSING_ARGUMENT'] },
  { body: 'script_user', keepalived: 5, codes: ['TSKAD_E_MISSING_ARGUMENT'] },
  { body: 'snmp_socket', keepalived: 5, codes: ['TSKAD_E_MISSING_ARGUMENT'] },
  { body: 'notify_fifo', keepalived: 5, codes: ['TSKAD_E_MISSING_ARGUMENT'] },
  { body: 'tmp_config_directory', keepalived: 5, codes: ['TSKAD_E_MISSING_ARGUMENT'] },
  { body: 'reload_time_file', keepalived: 5, codes: ['TSKAD_E_MISSING_ARGUMENT'] },
  { body: '', top: 'instance', keepalived: 5, codes: ['TSKAD_E_MISSING_ARGUMENT'] },
  { body: '', top: 'net_namespace', keepalived: 5, codes: ['TSKAD_E_MISSING_ARGUMENT'] },
  { body: '', top: 'net_namespace blue\nnet_namespace_ipvs red\ninstance lb1', keepalived: 0, codes: [] },
  {
    body: '',
    top: 'instance lb/1',
    keepalived: 0,
    codes: ['TSKAD_W_NAME_WITH_SLASH'],
  },
  { body: '', top: 'net_namespace a/b', keepalived: 0, codes: ['TSKAD_W_NAME_WITH_SLASH'] },

  // notify FIFOs naming one FIFO twice (core/global_data.c drops the specific one)
  { body: 'notify_fifo /run/kad.fifo\nvrrp_notify_fifo /run/kad.fifo', keepalived: 0, codes: ['TSKAD_W_NOTIFY_FIFO_SHARED'] },
  { body: 'notify_fifo /run/kad.fifo\nlvs_notify_fifo /run/kad.fifo', keepalived: 0, codes: ['TSKAD_W_NOTIFY_FIFO_SHARED'] },
  {
    body: 'vrrp_notify_fifo /run/kad.fifo\nvrrp_notify_fifo_script /bin/cat\nlvs_notify_fifo /run/kad.fifo\nlvs_notify_fifo_script /bin/cat',
    keepalived: 0,
    codes: ['TSKAD_W_NOTIFY_FIFO_SHARED'],
  },
  { body: 'vrrp_notify_fifo /run/kad.fifo\nlvs_notify_fifo /run/kad.fifo\nlvs_notify_fifo_script /bin/cat', keepalived: 0, codes: [] },
  { body: 'notify_fifo /run/kad.fifo\nvrrp_notify_fifo /run/vrrp.fifo\nlvs_notify_fifo /run/lvs.fifo', keepalived: 0, codes: [] },

  // spellings keepalived reports although it accepts them
  {
    body: 'vrrp_vmac_garp_intvl 10',
    keepalived: 5,
    codes: ['TSKAD_W_DEPRECATED_KEYWORD'],
    deviation: 'keepalived reports the deprecated spelling (CONFIG_DEPRECATED), which makes -t exit 5; it uses the value',
  },
  {
    body: 'vrrp_iptables',
    keepalived: 5,
    codes: ['TSKAD_W_IPTABLES_AS_NFTABLES'],
    deviation: "Debian's build has no iptables and reports that it uses nftables instead; builds with iptables accept it",
  },
];

const configText = (c: Case) => `${c.top ?? ''}\nglobal_defs {\n${c.body}\n}\n`;
const label = (c: Case) => [c.top, c.body].filter(Boolean).join(' / ').replace(/\n/g, ' ⏎ ');

describe('global checks beside keepalived -t', () => {
  for (const c of CASES) {
    test(label(c), () => {
      const r = loadConfigText(configText(c));
      const seen = r.diagnostics.sorted();
      assert.deepEqual(seen.map((d) => d.code).sort(), [...c.codes].sort(), seen.map(formatDiagnostic).join('\n'));
      const rejects = r.diagnostics.hasErrors;
      if (c.deviation === undefined) assert.equal(rejects, c.keepalived !== 0, 'tskad and keepalived disagree');
      else assert.notEqual(rejects, c.keepalived !== 0, `the deviation has gone: ${c.deviation}`);
    });
  }
});

test('a diagnostic stands at the word it is about', () => {
  const r = loadConfigText('global_defs {\n  notification_email {\n    ops@example.com bad.address\n  }\n  smtp_server 192.0.2.25\n  vrrp_mcast_group4 192.0.2.1\n  lvs_sync_daemon eth0 group 192.0.2.2\n}\n');
  assert.deepEqual(
    r.diagnostics.sorted().map((d) => [d.code, d.loc?.line, d.loc?.col]),
    [
      ['TSKAD_W_MALFORMED_EMAIL', 3, 21],
      ['TSKAD_E_NOT_MULTICAST', 6, 21],
      ['TSKAD_E_NOT_MULTICAST', 7, 30],
    ],
  );
});

test('a value keepalived skips is left out: the default stays in force', () => {
  const g = loadConfigText('global_defs {\n vrrp_mcast_group4 192.0.2.1\n vrrp_mcast_group6 2001:db8::1\n smtp_connect_timeout 0\n}\n').config.globalDefs;
  assert.deepEqual([g.vrrpMcastGroup4, g.vrrpMcastGroup6, g.smtpConnectTimeout], ['224.0.0.18', 'ff02::12', 30]);
  // a warned group is used, as keepalived uses it
  assert.equal(loadConfigText('global_defs {\n vrrp_mcast_group6 ff05::12\n}\n').config.globalDefs.vrrpMcastGroup6, 'ff05::12');
});

test('a too-long process name is truncated, as keepalived does; a too-long sync interface drops the line', () => {
  const g = loadConfigText('global_defs {\n process_name abcdefghijklmnopq\n lvs_sync_daemon abcdefghijklmnop\n}\n').config.globalDefs;
  assert.equal(g.processName, 'abcdefghijklmno');
  assert.equal(g.lvsSyncDaemon, undefined);
});

test('lvs_sync_daemon following an instance that exists draws no diagnostic', () => {
  const r = loadConfigText('global_defs {\n lvs_sync_daemon eth0 inst VI_1\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n  192.0.2.10\n }\n}\n');
  assert.ok(!r.diagnostics.items.some((d) => d.code === 'TSKAD_E_UNKNOWN_SYNC_INSTANCE'), r.diagnostics.sorted().map(formatDiagnostic).join('\n'));
});

test("the seeds' global_defs load without a diagnostic", () => {
  // from the two configurations under /work/shared/seeds, comments and all
  const seeds = [
    [
      'global_defs {\n   notification_email {\n        root@localhost\n   }\n   notification_email_from kaadmin@localhost\n   smtp_server 127.0.0.1\n' +
        '   smtp_connect_timeout 30\n   router_id node1.com  # node2节点上id为node2.com\n   vrrp_mcast_group4 224.18.0.10\n}\n',
      { routerId: 'node1.com', from: 'kaadmin@localhost', group: '224.18.0.10' },
    ],
    [
      '! Configuration File for keepalived\nglobal_defs {\n   notification_email {\n        root@localhost\n   }\n' +
        '   notification_email_from keepalived_admin@localhost\n   smtp_server 127.0.0.1\n   smtp_connect_timeout 30\n   router_id Centos7.pc2\n}\n',
      { routerId: 'Centos7.pc2', from: 'keepalived_admin@localhost', group: '224.0.0.18' },
    ],
    ['# 全局定义 (global definition)\nglobal_defs {\n   # 机器标识，通常配置主机名\n   router_id NFS-Master\n}\n', { routerId: 'NFS-Master', from: undefined, group: '224.0.0.18' }],
  ] as const;
  for (const [text, want] of seeds) {
    const r = loadConfigText(text);
    assert.deepEqual(r.diagnostics.sorted().map(formatDiagnostic), [], text);
    const g = r.config.globalDefs;
    assert.deepEqual({ routerId: g.routerId, from: g.notificationEmailFrom, group: g.vrrpMcastGroup4 }, want);
    if (want.from) {
      assert.deepEqual(g.notificationEmail, ['root@localhost']);
      assert.deepEqual(g.smtpServer, { host: '127.0.0.1', port: 25 });
      assert.equal(g.smtpConnectTimeout, 30);
    }
  }
});

// keepalived -t on the same text, where keepalived is installed (Debian's package puts it here)
const KEEPALIVED = '/usr/sbin/keepalived';
if (existsSync(KEEPALIVED)) {
  describe('the recorded verdicts are keepalived 2.2.7’s', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tskad-global-'));
    CASES.forEach((c, i) => {
      test(label(c), () => {
        const file = join(dir, `case-${i}.conf`);
        writeFileSync(file, configText(c));
        const r = spawnSync(KEEPALIVED, ['-t', '-l', '-f', file], { encoding: 'utf8' });
        assert.equal(r.status, c.keepalived, r.stderr);
      });
    });
    test('clean up', () => rmSync(dir, { recursive: true, force: true }));
  });
}
