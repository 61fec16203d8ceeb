// Every VRRP keyword reads into the model with keepalived 2.2.7's defaults
// (checked with `keepalived -d`), and bad values are reported where written.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../../src/config/load.js';
import { printConfig } from '../../../src/config/printer.js';
import { CODES } from '../../../src/config/codes/index.js';

/** Codes of the binding stage: a keyword or value the schema did not take. */
const SCHEMA_PROBLEMS = new Set(['TSKAD_E_UNKNOWN_KEYWORD', 'TSKAD_E_BAD_VALUE', 'TSKAD_E_MISSING_ARGUMENT', 'TSKAD_W_EXTRA_ARGUMENT', 'TSKAD_E_MISSING_KEYWORD', 'TSKAD_E_NOT_A_BLOCK', 'TSKAD_E_BAD_ENTRY']);

const schemaProblems = (r: ReturnType<typeof loadConfigText>) =>
  r.diagnostics.items.filter((d) => SCHEMA_PROBLEMS.has(d.code)).map((d) => `${d.loc?.line}:${d.loc?.col} ${d.code} ${d.message}`);

/** One instance with `lines` in its body (after interface and VRID: from line 4 on), and a VIP after them. */
const instance = (lines: string, before = '') =>
  loadConfigText(`${before}vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n${lines}\n    virtual_ipaddress {\n        192.0.2.99\n    }\n}\n`);

describe('vrrp_instance', () => {
  test('defaults: keepalived 2.2.7 values, inherited ones undefined', () => {
    const r = instance('');
    const v = r.config.vrrpInstance[0]!;
    assert.equal(v.name, 'VI_1');
    assert.equal(v.interface, 'eth0');
    assert.equal(v.virtualRouterId, 51);
    // derived or inherited: the effective-vrrp functions resolve these
    for (const f of ['state', 'priority', 'version', 'accept', 'strictMode', 'garpMasterDelay', 'garpMasterRepeat', 'downTimerAdverts', 'lowerPrioNoAdvert', 'higherPrioSendAdvert', 'skipCheckAdvAddr', 'smtpAlert', 'mcastDstIp', 'unicastTtl', 'authentication'] as const) {
      assert.equal(v[f], undefined, f);
    }
    assert.equal(v.advertInt, 1);
    assert.equal(v.preemptDelay, 0);
    assert.equal(v.nopreempt, false);
    assert.deepEqual([v.unicastPeer, v.trackScript, v.virtualRoutes, v.virtualIpaddressExcluded], [[], [], [], []]);
  });

  // keyword line → field → value in the model
  const cases: Array<[string, string, unknown]> = [
    ['state MASTER', 'state', 'MASTER'],
    ['state BACKUP', 'state', 'BACKUP'],
    ['priority 150', 'priority', 150],
    ['advert_int 0.5', 'advertInt', 0.5],
    ['version 3', 'version', 3],
    ['vrf blue', 'vrf', 'blue'],
    ['mcast_src_ip 192.0.2.1', 'mcastSrcIp', '192.0.2.1'],
    ['unicast_src_ip 192.0.2.1', 'unicastSrcIp', '192.0.2.1'],
    ['mcast_dst_ip 233.252.0.1', 'mcastDstIp', '233.252.0.1'],
    ['mcast_dst_ip ff02::99', 'mcastDstIp', 'ff02::99'],
    ['unicast_ttl 10', 'unicastTtl', 10],
    ['nopreempt', 'nopreempt', true],
    ['nopreempt\n    preempt', 'nopreempt', false],
    ['preempt_delay 2.5', 'preemptDelay', 2.5],
    ['accept', 'accept', true],
    ['no_accept', 'accept', false],
    ['strict_mode', 'strictMode', true],
    ['strict_mode off', 'strictMode', false],
    ['skip_check_adv_addr', 'skipCheckAdvAddr', true],
    ['lower_prio_no_advert', 'lowerPrioNoAdvert', true],
    ['higher_prio_send_advert no', 'higherPrioSendAdvert', false],
    ['smtp_alert', 'smtpAlert', true],
    ['notify_priority_changes yes', 'notifyPriorityChanges', true],
    ['use_vmac', 'useVmac', {}],
    ['use_vmac vrrp.51 02:00:5e:00:01', 'useVmac', { name: 'vrrp.51', mac: '02:00:5e:00:01' }],
    ['use_vmac_addr', 'useVmacAddr', true],
    ['vmac_xmit_base', 'vmacXmitBase', true],
    ['use_ipvlan ipvl0 192.0.2.5/24 private', 'useIpvlan', { name: 'ipvl0', address: '192.0.2.5/24', mode: 'private' }],
    ['garp_master_delay 10', 'garpMasterDelay', 10],
    ['garp_master_repeat 3', 'garpMasterRepeat', 3],
    ['garp_lower_prio_delay 4', 'garpLowerPrioDelay', 4],
    ['garp_lower_prio_repeat 0', 'garpLowerPrioRepeat', 0],
    ['garp_master_refresh 60', 'garpMasterRefresh', 60],
    ['garp_master_refresh_repeat 2', 'garpMasterRefreshRepeat', 2],
    ['garp_extra_if all 30', 'garpExtraIf', { all: true, interval: 30 }],
    ['garp_extra_if 0', 'garpExtraIf', { all: false, interval: 0 }],
    ['down_timer_adverts 5', 'downTimerAdverts', 5],
    ['dont_track_primary', 'dontTrackPrimary', true],
    ['track_src_ip', 'trackSrcIp', true],
    ['promote_secondaries', 'promoteSecondaries', true],
    ['unicast_fault_no_peer', 'unicastFaultNoPeer', true],
    ['check_unicast_src', 'checkUnicastSrc', true],
    ['old_unicast_checksum', 'oldUnicastChecksum', 'on'],
    ['old_unicast_checksum never', 'oldUnicastChecksum', 'never'],
    ['native_ipv6', 'nativeIpv6', true],
    ['linkbeat_use_polling', 'linkbeatUsePolling', true],
    ['lvs_sync_daemon_interface eth1', 'lvsSyncDaemonInterface', 'eth1'],
    ['kernel_rx_buf_size 65536', 'kernelRxBufSize', 65536],
    ['debug 2', 'debug', 2],
    ['notify_master "/etc/keepalived/notify.sh master"', 'notifyMaster', { command: '/etc/keepalived/notify.sh master', runner: 'exec' }],
    ['notify_backup /etc/keepalived/backup.sh root', 'notifyBackup', { command: '/etc/keepalived/backup.sh', user: 'root', runner: 'exec' }],
    ['notify_fault /x.sh nobody nogroup', 'notifyFault', { command: '/x.sh', user: 'nobody', group: 'nogroup', runner: 'exec' }],
    ['notify_stop /x.sh', 'notifyStop', { command: '/x.sh', runner: 'exec' }],
    ['notify "/x.sh > /tmp/log"', 'notify', { command: '/x.sh > /tmp/log', runner: 'sh' }],
    ['notify_master_rx_lower_pri /x.sh', 'notifyMasterRxLowerPri', { command: '/x.sh', runner: 'exec' }],
    ['notify_deleted', 'notifyDeleted', {}],
    ['notify_deleted /x.sh', 'notifyDeleted', { script: { command: '/x.sh', runner: 'exec' } }],
    ['authentication {\n        auth_type PASS\n        auth_pass secret\n    }', 'authentication', { authType: 'PASS', authPass: 'secret' }],
    ['unicast_peer {\n        192.0.2.2\n        192.0.2.3 min_ttl 250 max_ttl 255\n    }', 'unicastPeer', [{ address: '192.0.2.2' }, { address: '192.0.2.3', minTtl: 250, maxTtl: 255 }]],
    ['track_interface {\n        eth1\n        eth2 weight -10 reverse\n    }', 'trackInterface', [{ name: 'eth1' }, { name: 'eth2', weight: -10, reverse: true }]],
  ];
  for (const [line, field, value] of cases) {
    test(`${line.split('\n')[0]} → ${field}`, () => {
      const r = instance(`    ${line}`);
      assert.deepEqual(schemaProblems(r), []);
      assert.deepEqual((r.config.vrrpInstance[0] as Record<string, unknown>)[field], value);
    });
  }

  test('the track_* blocks read NAME [weight N [reverse|noreverse]]; weight and direction unset mean the tracked object\'s', () => {
    const before = 'vrrp_script chk {\n    script /bin/true\n}\ntrack_file tf {\n    file /run/tf\n}\nvrrp_track_process p {\n    process nginx\n}\nbfd_instance b {\n    neighbor_ip 192.0.2.2\n}\n';
    const r = instance('    track_script {\n        chk weight -20 noreverse\n    }\n    track_file {\n        tf\n    }\n    track_process {\n        p weight 5 reverse\n    }\n    track_bfd {\n        b weight 1\n    }', before);
    assert.deepEqual(schemaProblems(r), []);
    const v = r.config.vrrpInstance[0]!;
    assert.deepEqual(v.trackScript, [{ name: 'chk', weight: -20, reverse: false }]);
    assert.deepEqual(v.trackFile, [{ name: 'tf' }]);
    assert.deepEqual(v.trackProcess, [{ name: 'p', weight: 5, reverse: true }]);
    assert.deepEqual(v.trackBfd, [{ name: 'b', weight: 1 }]);
  });

  test('a track entry with an unknown option is dropped; a bad weight leaves the default', () => {
    const r = instance('    track_interface {\n        eth1 speed 10\n        eth2 weight 999\n        eth3 weight 5 noreverse\n    }');
    assert.deepEqual(r.config.vrrpInstance[0]!.trackInterface, [{ name: 'eth2' }, { name: 'eth3', weight: 5 }]);
    assert.deepEqual(
      r.diagnostics.items.map((d) => [d.loc?.line, d.code]),
      [
        [5, 'TSKAD_E_BAD_VALUE'],
        [6, 'TSKAD_E_BAD_VALUE'],
        [7, 'TSKAD_E_BAD_VALUE'],
      ],
    );
  });

  test('bad values are reported at the value and keep the default', () => {
    const r = instance('    priority 256\n    advert_int 0\n    state master\n    mcast_dst_ip 192.0.2.9\n    version 4\n    down_timer_adverts 101\n    garp_master_repeat 0\n    use_vmac vrrp.1 zz:zz');
    const bad = r.diagnostics.items.filter((d) => d.code === 'TSKAD_E_BAD_VALUE').map((d) => `${d.loc?.line}:${d.loc?.col}`);
    assert.deepEqual(bad, ['4:14', '5:16', '6:11', '7:18', '8:13', '9:24', '10:24', '11:21']);
    const v = r.config.vrrpInstance[0]!;
    assert.deepEqual([v.priority, v.advertInt, v.state, v.mcastDstIp, v.version, v.useVmac], [undefined, 1, undefined, undefined, undefined, { name: 'vrrp.1' }]);
  });

  test('a missing virtual_router_id is reported at the end of the block, as keepalived does', () => {
    const r = loadConfigText('vrrp_instance VI_1 {\n    interface eth0\n}\n');
    assert.deepEqual(r.diagnostics.items.map((d) => [d.code, d.loc?.line]), [['TSKAD_E_MISSING_KEYWORD', 3]]);
  });

  test('vmac_garp_intvl is the deprecated spelling of garp_extra_if', () => {
    const r = instance('    vmac_garp_intvl 30');
    assert.deepEqual(r.diagnostics.items.map((d) => d.code), ['TSKAD_W_DEPRECATED_KEYWORD']);
    assert.deepEqual(r.config.vrrpInstance[0]!.garpExtraIf, { all: false, interval: 30 });
  });

  test('repeated virtual_ipaddress blocks add up', () => {
    const r = instance('    virtual_ipaddress {\n        192.0.2.10\n    }\n    virtual_ipaddress {\n        192.0.2.11\n    }');
    assert.deepEqual(r.config.vrrpInstance[0]!.virtualIpaddress.map((v) => v.address), ['192.0.2.10', '192.0.2.11', '192.0.2.99']);
  });
});

describe('vrrp_script', () => {
  test('defaults: interval 1, weight 0, rise and fall 1, timeout unset (= interval)', () => {
    const r = loadConfigText('vrrp_script chk {\n    script "/usr/bin/killall -0 nginx"\n}\n');
    assert.deepEqual(r.config.vrrpScript, [
      { name: 'chk', script: { command: '/usr/bin/killall -0 nginx', runner: 'exec' }, interval: 1, weight: { value: 0, reverse: false }, rise: 1, fall: 1, initFail: false },
    ]);
  });

  test('every keyword', () => {
    const r = loadConfigText('vrrp_script chk {\n    script "[ -f /etc/keepalived/down ] && exit 1 || exit 0"\n    interval 2\n    timeout 5\n    weight -20 reverse\n    rise 3\n    fall 2\n    user nobody nogroup\n    init_fail\n}\n');
    assert.deepEqual(schemaProblems(r), []);
    assert.deepEqual(r.config.vrrpScript[0], {
      name: 'chk',
      script: { command: '[ -f /etc/keepalived/down ] && exit 1 || exit 0', runner: 'sh' },
      interval: 2,
      timeout: 5,
      weight: { value: -20, reverse: true },
      rise: 3,
      fall: 2,
      user: { user: 'nobody', group: 'nogroup' },
      initFail: true,
    });
  });

  test('an unquoted command keeps only its first word, as in keepalived', () => {
    const r = loadConfigText('vrrp_script chk {\n    script killall -0 nginx\n}\n');
    assert.equal(r.config.vrrpScript[0]!.script.command, 'killall');
    assert.deepEqual(r.diagnostics.items.map((d) => [d.code, d.loc?.col]), [['TSKAD_W_EXTRA_ARGUMENT', 20], ['TSKAD_W_UNUSED_SCRIPT', 1]]);
  });

  test('no script, a weight beyond ±253, interval 0', () => {
    const r = loadConfigText('vrrp_script chk {\n    weight 254\n    interval 0\n}\n');
    assert.deepEqual(r.diagnostics.items.map((d) => [d.code, d.loc?.line]), [
      ['TSKAD_E_BAD_VALUE', 2],
      ['TSKAD_E_BAD_VALUE', 3],
      ['TSKAD_E_MISSING_KEYWORD', 4],
    ]);
  });
});

describe('track_file, vrrp_track_process, bfd_instance', () => {
  test('track_file: weight 1 by default; vrrp_track_file is deprecated', () => {
    const r = loadConfigText('vrrp_track_file tf {\n    file "/run/keepalived/tf"\n    init_file 5 overwrite\n}\n');
    assert.deepEqual(r.diagnostics.items.map((d) => d.code), ['TSKAD_W_DEPRECATED_KEYWORD']);
    assert.deepEqual(r.config.trackFile, [{ name: 'tf', file: '/run/keepalived/tf', weight: { value: 1, reverse: false }, initFile: { value: 5, overwrite: true } }]);
    assert.deepEqual(loadConfigText('track_file tf {\n    file /run/tf\n    init_file\n    weight -254 reverse\n}\n').config.trackFile[0]!, {
      name: 'tf',
      file: '/run/tf',
      weight: { value: -254, reverse: true },
      initFile: { value: 0, overwrite: false },
    });
  });

  test('vrrp_track_process: weight 0 (not the 1 of keepalived.conf(5)), quorum 1', () => {
    const r = loadConfigText('vrrp_track_process ngx {\n    process nginx\n}\n');
    assert.deepEqual(r.config.vrrpTrackProcess, [{ name: 'ngx', process: { command: 'nginx', params: [] }, weight: { value: 0, reverse: false }, quorum: 1, fullCommand: false }]);
    const all = loadConfigText(
      'vrrp_track_process ngx {\n    process /usr/sbin/nginx -g "daemon off;"\n    param_match initial\n    weight -10 reverse\n    quorum 2\n    quorum_max 4\n    delay 0.5\n    terminate_delay 1\n    fork_delay 2\n    full_command\n}\n',
    );
    assert.deepEqual(schemaProblems(all), []);
    assert.deepEqual(all.config.vrrpTrackProcess[0], {
      name: 'ngx',
      process: { command: '/usr/sbin/nginx', params: ['-g', 'daemon off;'] },
      paramMatch: 'initial',
      weight: { value: -10, reverse: true },
      quorum: 2,
      quorumMax: 4,
      delay: 0.5,
      terminateDelay: 1,
      forkDelay: 2,
      fullCommand: true,
    });
    assert.equal(loadConfigText('vrrp_track_process p {\n    process x\n    param_match\n}\n').config.vrrpTrackProcess[0]!.paramMatch, 'exact');
  });

  test('bfd_instance: RFC 5880 timers in ms, multiplier 5; neighbour_ip and hoplimit are synonyms', () => {
    const r = loadConfigText('bfd_instance b1 {\n    neighbour_ip 192.0.2.2\n}\n');
    assert.deepEqual(r.diagnostics.items, []);
    assert.deepEqual(r.config.bfdInstance, [
      { name: 'b1', neighborIp: '192.0.2.2', minRx: 10, minTx: 10, idleTx: 1000, multiplier: 5, passive: false, maxHops: 0, weight: { value: 0, reverse: false }, vrrp: false, checker: false },
    ]);
    const all = loadConfigText('bfd_instance b1 {\n    neighbor_ip 2001:db8::2\n    source_ip 2001:db8::1\n    min_rx 3.5\n    min_tx 20\n    idle_tx 2000\n    multiplier 3\n    passive\n    hoplimit 10\n    max_hops 2\n    weight 50 reverse\n    vrrp\n}\n');
    assert.deepEqual(schemaProblems(all), []);
    assert.deepEqual(all.config.bfdInstance[0], {
      name: 'b1',
      neighborIp: '2001:db8::2',
      sourceIp: '2001:db8::1',
      minRx: 3.5,
      minTx: 20,
      idleTx: 2000,
      multiplier: 3,
      passive: true,
      ttl: 10,
      maxHops: 2,
      weight: { value: 50, reverse: true },
      vrrp: true,
      checker: false,
    });
  });
});

describe('vrrp_sync_group', () => {
  test('every keyword', () => {
    const r = loadConfigText(
      'vrrp_script chk {\n    script /bin/true\n}\nvrrp_sync_group VG_1 {\n    group {\n        VI_1 VI_2\n    }\n    track_interface {\n        eth2 weight 5\n    }\n    track_script {\n        chk\n    }\n    notify_master "/x.sh master"\n    notify_backup /x.sh\n    notify_fault /x.sh\n    notify_stop /x.sh\n    notify /x.sh\n    smtp_alert off\n    notify_priority_changes\n    sync_group_tracking_weight\n}\n',
    );
    assert.deepEqual(schemaProblems(r), []);
    const g = r.config.vrrpSyncGroup[0]!;
    assert.deepEqual(g.group, ['VI_1', 'VI_2']);
    assert.deepEqual(g.trackInterface, [{ name: 'eth2', weight: 5 }]);
    assert.deepEqual(g.trackScript, [{ name: 'chk' }]);
    assert.equal(g.notifyMaster?.command, '/x.sh master');
    assert.equal(g.smtpAlert, false);
    assert.equal(g.notifyPriorityChanges, true);
    assert.equal(g.syncGroupTrackingWeight, true);
    assert.equal(g.globalTracking, false);
  });

  test('notify_deleted is an instance keyword only (keepalived 2.2.7 has no sync group one)', () => {
    const r = loadConfigText('vrrp_sync_group VG_1 {\n    notify_deleted\n}\n');
    assert.ok(r.diagnostics.items.some((d) => d.code === 'TSKAD_E_UNKNOWN_KEYWORD' && d.loc?.line === 2));
  });
});

describe('global-section VRRP blocks', () => {
  test('track_group, linkbeat_interfaces, interface_up_down_delays, garp_group', () => {
    const r = loadConfigText(
      'track_group TG {\n    group {\n        VI_1\n    }\n}\nlinkbeat_interfaces {\n    eth0\n    eth1 ETHTOOL\n}\ninterface_up_down_delays {\n    eth0 1.5\n    eth1 0.5 2\n}\ngarp_group {\n    garp_interval 0.001\n    gna_interval 0.002\n    interfaces {\n        eth0 eth1\n    }\n}\n',
    );
    assert.deepEqual(schemaProblems(r), []);
    assert.deepEqual(r.config.trackGroup, [{ name: 'TG', group: ['VI_1'] }]);
    assert.deepEqual(r.config.linkbeatInterfaces, [{ name: 'eth0' }, { name: 'eth1', type: 'ETHTOOL' }]);
    // keepalived 2.2.7 makes a missing up delay 0 (keepalived -d: "Up debounce timer = 0us")
    assert.deepEqual(r.config.interfaceUpDownDelays, [
      { name: 'eth0', down: 1.5, up: 0 },
      { name: 'eth1', down: 0.5, up: 2 },
    ]);
    assert.deepEqual(r.config.garpGroup, [{ garpInterval: 0.001, gnaInterval: 0.002, interfaces: ['eth0', 'eth1'] }]);
  });

  test('static_ipaddress, static_routes and static_rules take track_group', () => {
    const r = loadConfigText(
      'track_group TG {\n    group {\n        VI_1\n    }\n}\nstatic_ipaddress {\n    192.0.2.50/24 dev eth0 track_group TG\n}\nstatic_routes {\n    203.0.113.0/24 via 192.0.2.254 dev eth0 track_group TG\n}\nstatic_rules {\n    from 203.0.113.0/24 table 100 preference 100 iif eth0 track_group TG\n}\n',
    );
    assert.deepEqual(schemaProblems(r), []);
    assert.equal(r.config.staticIpaddress[0]!.trackGroup, 'TG');
    assert.equal(r.config.staticRoutes[0]!.trackGroup, 'TG');
    assert.equal(r.config.staticRules[0]!.trackGroup, 'TG');
    const vip = instance('    virtual_ipaddress {\n        192.0.2.10 track_group TG\n    }');
    assert.ok(vip.diagnostics.items.some((d) => d.code === 'TSKAD_E_BAD_ENTRY'), 'a virtual address takes no track_group');
  });
});

describe('the model prints back as it was read', () => {
  test('a configuration using every VRRP block', () => {
    const text = [
      'track_file tf {\n    file /run/tf\n    weight 0\n}',
      'vrrp_track_process ngx {\n    process nginx -g x\n    quorum 2\n}',
      'bfd_instance b1 {\n    neighbor_ip 192.0.2.2\n    weight -5 reverse\n}',
      'vrrp_script chk {\n    script "/bin/pidof haproxy"\n    weight -20\n}',
      'track_group TG {\n    group {\n        VI_1\n    }\n}',
      'static_ipaddress {\n    192.0.2.50/24 dev eth0 track_group TG\n}',
      'static_routes {\n    203.0.113.0/24 via 192.0.2.254 dev eth0 table 100 mtu lock 1400\n}',
      'static_rules {\n    from all fwmark 16/255 table 100 preference 100\n}',
      'linkbeat_interfaces {\n    eth0 MII\n}',
      'interface_up_down_delays {\n    eth0 1 2\n}',
      'garp_group {\n    garp_interval 0.01\n    interface eth0\n}',
      'vrrp_sync_group VG {\n    group {\n        VI_1\n        VI_2\n    }\n    notify "/x.sh group"\n}',
      'vrrp_instance VI_1 {\n    state MASTER\n    interface eth0\n    virtual_router_id 51\n    priority 150\n    advert_int 2\n    accept\n    authentication {\n        auth_type PASS\n        auth_pass secret\n    }\n    virtual_ipaddress {\n        192.0.2.10/24 brd + dev eth0 label eth0:1\n    }\n    virtual_ipaddress_excluded {\n        2001:db8::10/64 no_track preferred_lft forever\n    }\n    virtual_routes {\n        198.51.100.0/24 dev eth0 nexthop via 192.0.2.254 weight 2 nexthop via 192.0.2.253\n    }\n    virtual_rules {\n        to 198.51.100.0/24 goto 300 preference 200\n    }\n    track_script {\n        chk weight -30 noreverse\n    }\n    track_file {\n        tf weight 0\n    }\n    unicast_peer {\n        192.0.2.2 max_ttl 250\n    }\n    use_vmac vrrp.51\n    vmac_xmit_base\n    garp_extra_if all 30\n    notify_deleted /x.sh\n    nopreempt\n}',
      'vrrp_instance VI_2 {\n    interface eth1\n    virtual_router_id 52\n    no_accept\n    virtual_ipaddress {\n        198.51.100.10\n    }\n}',
    ].join('\n');
    const first = loadConfigText(text);
    const printed = printConfig(first.config);
    const second = loadConfigText(printed);
    assert.deepEqual(second.config, first.config);
    assert.deepEqual(
      second.diagnostics.items.map((d) => d.code),
      first.diagnostics.items.map((d) => d.code),
    );
  });
});

test('every VRRP code is documented with a summary and a help text', () => {
  for (const [code, info] of Object.entries(CODES)) {
    if (!/^TSKAD_[EWF]_/.test(code)) continue;
    assert.ok(info.summary.length > 10 && info.help.length > 30, code);
  }
});
