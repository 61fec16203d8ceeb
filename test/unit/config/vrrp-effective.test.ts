// What an instance runs with (src/config/effective-vrrp.ts): keepalived
// 2.2.7's derived defaults and corrections, from the instance and global_defs.
// The expected values are those `keepalived -d` dumps for the same settings.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../../src/config/load.js';
import * as eff from '../../../src/config/effective-vrrp.js';

/** The instance and the globals of a configuration with one instance. */
function load(body: string, globals = '') {
  const r = loadConfigText(`global_defs {\n${globals}\n}\nvrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n${body}\n}\n`);
  return { i: r.config.vrrpInstance[0]!, g: r.config.globalDefs as eff.VrrpGlobals };
}
const V4 = '    virtual_ipaddress {\n        192.0.2.10\n    }';
const V6 = '    virtual_ipaddress {\n        fe80::10\n    }';

describe('priority and state', () => {
  test('priority 100, or 255 for state MASTER without one', () => {
    assert.equal(eff.basePriority(load(V4).i), 100);
    assert.equal(eff.basePriority(load(`    state MASTER\n${V4}`).i), 255);
    assert.equal(eff.basePriority(load(`    state MASTER\n    priority 150\n${V4}`).i), 150);
    assert.equal(eff.isAddressOwner(load(`    priority 255\n${V4}`).i), true);
  });

  test('the initial state: as written, else MASTER iff owner; strict follows ownership; AH cannot start MASTER', () => {
    const st = (body: string, globals = '') => {
      const { i, g } = load(`${body}\n${V4}`, globals);
      return eff.initialState(i, g);
    };
    assert.equal(st(''), 'BACKUP');
    assert.equal(st('    priority 255'), 'MASTER');
    assert.equal(st('    state MASTER\n    priority 100'), 'MASTER');
    assert.equal(st('    state BACKUP\n    priority 255'), 'BACKUP');
    assert.equal(st('    state MASTER\n    priority 100', '    vrrp_strict'), 'BACKUP');
    assert.equal(st('    state MASTER\n    priority 100\n    authentication {\n        auth_type AH\n        auth_pass x\n    }'), 'BACKUP');
  });

  test('nopreempt and preempt_delay only where they can work', () => {
    const of = (body: string, globals = '') => {
      const { i, g } = load(`${body}\n${V4}`, globals);
      return [eff.nopreempt(i, g), eff.preemptDelay(i, g)];
    };
    assert.deepEqual(of('    nopreempt'), [true, 0]);
    assert.deepEqual(of('    preempt_delay 5'), [false, 5]);
    assert.deepEqual(of('    state MASTER\n    priority 100\n    nopreempt\n    preempt_delay 5'), [false, 0]);
    assert.deepEqual(of('    priority 255\n    nopreempt'), [false, 0]);
    assert.deepEqual(of('    nopreempt\n    preempt_delay 5'), [true, 0]);
    assert.deepEqual(of('    preempt_delay 5', '    vrrp_strict'), [false, 0]);
  });
});

describe('protocol', () => {
  test('family from the addresses, IPv4 without any', () => {
    assert.equal(eff.instanceFamily(load(V4).i), 'inet');
    assert.equal(eff.instanceFamily(load(V6).i), 'inet6');
    assert.equal(eff.instanceFamily(load('    unicast_peer {\n        2001:db8::2\n    }').i), 'inet6');
    assert.equal(eff.instanceFamily(load('').i), 'inet');
  });

  test('version: global vrrp_version, 3 for IPv6; an explicit 2 over IPv6 survives outside strict mode', () => {
    const ver = (body: string, globals = '') => {
      const { i, g } = load(body, globals);
      return eff.vrrpVersion(i, g);
    };
    assert.equal(ver(V4), 2);
    assert.equal(ver(V4, '    vrrp_version 3'), 3);
    assert.equal(ver(`    version 3\n${V4}`), 3);
    assert.equal(ver(V6), 3);
    assert.equal(ver(`    version 2\n${V6}`), 2);
    assert.equal(ver(`    version 2\n${V6}`, '    vrrp_strict'), 3);
  });

  test('advert interval: v2 whole seconds (rounded half up), v3 centiseconds below 40.96 s', () => {
    const adv = (body: string) => {
      const { i, g } = load(`${body}\n${V4}`);
      return eff.advertInterval(i, g);
    };
    assert.equal(adv(''), 1);
    assert.equal(adv('    advert_int 1.5'), 2);
    assert.equal(adv('    advert_int 1.4'), 1);
    assert.equal(adv('    advert_int 0.2'), 1);
    assert.equal(adv('    version 3\n    advert_int 0.125'), 0.13);
    assert.equal(adv('    version 3\n    advert_int 0.014'), 0.01);
    assert.equal(adv('    version 3\n    advert_int 50'), 40.95);
    assert.equal(adv('    version 3\n    advert_int 0.5'), 0.5);
  });

  test('Accept_Mode: on, off under strict unless owner; strict VRRPv2 never accepts', () => {
    const acc = (body: string, globals = '') => {
      const { i, g } = load(`${body}\n${V4}`, globals);
      return eff.acceptMode(i, g);
    };
    assert.equal(acc(''), true);
    assert.equal(acc('    no_accept'), false);
    assert.equal(acc('', '    vrrp_strict'), false);
    assert.equal(acc('    priority 255', '    vrrp_strict'), true);
    assert.equal(acc('    accept', '    vrrp_strict'), false);
    assert.equal(acc('    accept\n    version 3', '    vrrp_strict'), true);
    assert.equal(acc('    strict_mode'), false);
    assert.equal(acc('    strict_mode off', '    vrrp_strict'), true);
  });

  test('down_timer_adverts: instance, global, 3; always 3 in strict mode', () => {
    const dta = (body: string, globals = '') => {
      const { i, g } = load(`${body}\n${V4}`, globals);
      return eff.downTimerAdverts(i, g);
    };
    assert.equal(dta(''), 3);
    assert.equal(dta('', '    vrrp_down_timer_adverts 5'), 5);
    assert.equal(dta('    down_timer_adverts 7', '    vrrp_down_timer_adverts 5'), 7);
    assert.equal(dta('    down_timer_adverts 7', '    vrrp_strict'), 3);
  });

  test('the multicast group: mcast_dst_ip, else the global group of the family; none for unicast', () => {
    const grp = (body: string, globals = '') => {
      const { i, g } = load(body, globals);
      return eff.mcastGroup(i, g);
    };
    assert.equal(grp(V4), '224.0.0.18');
    assert.equal(grp(V6), 'ff02::12');
    assert.equal(grp(V4, '    vrrp_mcast_group4 233.252.0.1'), '233.252.0.1');
    assert.equal(grp(`    mcast_dst_ip 233.252.0.2\n${V4}`, '    vrrp_mcast_group4 233.252.0.1'), '233.252.0.2');
    assert.equal(grp(`    unicast_peer {\n        192.0.2.2\n    }\n${V4}`), undefined);
  });

  test('unicast: TTL 255 for IPv4, the kernel default for IPv6; checking sources when asked or implied by a TTL range', () => {
    const { i, g } = load(`    unicast_peer {\n        192.0.2.2\n    }\n${V4}`);
    assert.equal(eff.isUnicast(i), true);
    assert.equal(eff.unicastTtl(i), 255);
    assert.equal(eff.checkUnicastSrc(i, g), false);
    assert.equal(eff.unicastTtl(load(`    unicast_peer {\n        2001:db8::2\n    }\n${V6}`).i), undefined);
    assert.equal(eff.unicastTtl(load(`    unicast_ttl 10\n${V4}`).i), undefined);
    const ranged = load(`    unicast_peer {\n        192.0.2.2 min_ttl 250\n    }\n${V4}`);
    assert.equal(eff.checkUnicastSrc(ranged.i, ranged.g), true);
    const global = load(`    unicast_peer {\n        192.0.2.2\n    }\n${V4}`, '    vrrp_check_unicast_src');
    assert.equal(eff.checkUnicastSrc(global.i, global.g), true);
  });

  test('authentication as it runs: 8 characters of password; none under strict, v3, without password', () => {
    const auth = (body: string, globals = '') => {
      const { i, g } = load(`${body}\n${V4}`, globals);
      return eff.authentication(i, g);
    };
    const block = (type: string, pass: string) => `    authentication {\n        auth_type ${type}\n        auth_pass ${pass}\n    }`;
    assert.deepEqual(auth(block('PASS', 'nfsuser123')), { type: 'PASS', pass: 'nfsuser1' });
    assert.equal(auth(block('PASS', 'x'), '    vrrp_strict'), undefined);
    assert.equal(auth(`    version 3\n${block('PASS', 'x')}`), undefined);
    assert.equal(auth('    authentication {\n        auth_pass x\n    }'), undefined);
    assert.equal(auth(''), undefined);
  });
});

describe('adverts and GARPs', () => {
  test('GARP settings: keepalived defaults (5 s, 5, lower-priority = master), global, instance; strict sends no lower-priority repeats', () => {
    const garp = (body: string, globals = '') => {
      const { i, g } = load(`${body}\n${V4}`, globals);
      return eff.garp(i, g);
    };
    assert.deepEqual(garp(''), { masterDelay: 5, masterRepeat: 5, masterRefresh: 0, masterRefreshRepeat: 1, lowerPrioDelay: 5, lowerPrioRepeat: 5, extraIf: { all: false, interval: 0 } });
    assert.deepEqual(garp('', '    vrrp_garp_master_delay 10\n    vrrp_garp_master_repeat 3'), { masterDelay: 10, masterRepeat: 3, masterRefresh: 0, masterRefreshRepeat: 1, lowerPrioDelay: 10, lowerPrioRepeat: 3, extraIf: { all: false, interval: 0 } });
    assert.deepEqual(garp('    garp_master_delay 2\n    garp_lower_prio_repeat 1\n    garp_extra_if all 30', '    vrrp_garp_master_delay 10\n    vrrp_garp_lower_prio_delay 7'), {
      masterDelay: 2,
      masterRepeat: 5,
      masterRefresh: 0,
      masterRefreshRepeat: 1,
      lowerPrioDelay: 7,
      lowerPrioRepeat: 1,
      extraIf: { all: true, interval: 30 },
    });
    const strict = garp('', '    vrrp_strict');
    assert.deepEqual([strict.lowerPrioDelay, strict.lowerPrioRepeat], [0, 0]);
  });

  test('vrrp_min_garp: one GARP, no second burst, where the settings are still keepalived\'s defaults', () => {
    const { i, g } = load(V4, '    vrrp_min_garp');
    assert.deepEqual(eff.garp(i, g), { masterDelay: 0, masterRepeat: 1, masterRefresh: 0, masterRefreshRepeat: 0, lowerPrioDelay: 0, lowerPrioRepeat: 1, extraIf: { all: false, interval: 0 } });
    const kept = load(V4, '    vrrp_min_garp\n    vrrp_garp_master_repeat 3');
    assert.equal(eff.garp(kept.i, kept.g).masterRepeat, 3);
  });

  test('lower_prio_no_advert forced on, higher_prio_send_advert forced off, in strict mode', () => {
    const of = (body: string, globals = '') => {
      const { i, g } = load(`${body}\n${V4}`, globals);
      return [eff.lowerPrioNoAdvert(i, g), eff.higherPrioSendAdvert(i, g)];
    };
    assert.deepEqual(of(''), [false, false]);
    assert.deepEqual(of('    lower_prio_no_advert\n    higher_prio_send_advert'), [true, true]);
    assert.deepEqual(of('', '    vrrp_lower_prio_no_advert\n    vrrp_higher_prio_send_advert'), [true, true]);
    assert.deepEqual(of('    lower_prio_no_advert off\n    higher_prio_send_advert', '    vrrp_strict'), [true, false]);
  });

  test('skip_check_adv_addr: keepalived turns the check off for any instance value, `off` included', () => {
    const skip = (body: string, globals = '') => {
      const { i, g } = load(`${body}\n${V4}`, globals);
      return eff.skipCheckAdvAddr(i, g);
    };
    assert.equal(skip(''), false);
    assert.equal(skip('', '    vrrp_skip_check_adv_addr'), true);
    assert.equal(skip('    skip_check_adv_addr'), true);
    assert.equal(skip('    skip_check_adv_addr off'), true);
  });
});

describe('notifications', () => {
  test('smtp_alert: instance, global smtp_alert_vrrp, global smtp_alert, off', () => {
    const smtp = (body: string, globals = '') => {
      const { i, g } = load(`${body}\n${V4}`, globals);
      return eff.smtpAlert(i, g);
    };
    assert.equal(smtp(''), false);
    assert.equal(smtp('', '    smtp_alert'), true);
    assert.equal(smtp('', '    smtp_alert\n    smtp_alert_vrrp off'), false);
    assert.equal(smtp('    smtp_alert', '    smtp_alert_vrrp off'), true);
  });

  test('notify_priority_changes: instance, sync group, global', () => {
    const { i, g } = load(V4, '    vrrp_notify_priority_changes');
    assert.equal(eff.notifyPriorityChanges(i, undefined, g), true);
    assert.equal(eff.notifyPriorityChanges(i, { notifyPriorityChanges: false }, g), false);
    assert.equal(eff.notifyPriorityChanges(load(`    notify_priority_changes\n${V4}`).i, { notifyPriorityChanges: false }, {}), true);
  });
});
