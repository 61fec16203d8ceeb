// The data dumps (keepalived 2.2.7 vrrp_data.c dump_data_vrrp, written to
// /tmp/keepalived.data on SIGUSR1; and main.c print_parent_data, the
// supervisor's /tmp/keepalived_parent.data, only the global definitions).
// keepalived's sections, line layout and words, for what tskad has: the
// global VRRP settings, each instance's state and configuration, and the
// sync groups. What tskad does not keep (keepalived's wantstate and fault
// counters, the read timeout, socket descriptors, the script user's ids,
// the socket pool, script and track-file tables, the interface list) is
// left out rather than made up; every line written is one keepalived
// writes in the same situation.
import * as eff from '../config/effective-vrrp.js';
import type { Config } from '../config/schema/index.js';
import { cTime } from '../observe/log.js';
import { addressText, commandText, dumpedInstances, notifyScripts, printG, type DumpedInstance, type DumpGroup, type DumpSource } from './vrrp-dump-model.js';

const onOff = (b: boolean): string => (b ? 'enabled' : 'disabled');

/** ctime_us_r: `Sun Nov 22 02:52:45.606722 2026`, local time (log.ts cTime with the microseconds) */
function ctimeUs(ms: number): string {
  const us = String(Math.round(ms * 1000) % 1_000_000).padStart(6, '0');
  return cTime(new Date(ms)).replace(/ (\d+)$/, `.${us} $1`);
}

function globalDefinitions(config: Config, hostname: string): string[] {
  const g = config.globalDefs;
  return [
    '------< Global definitions >------',
    ` Network namespace = ${g.netNamespace ?? '(default)'}`,
    ` Router ID = ${g.routerId ?? hostname}`,
    ` VRRP IPv4 mcast group = ${g.vrrpMcastGroup4}`,
    ` VRRP IPv6 mcast group = ${g.vrrpMcastGroup6}`,
    ` VRRP default protocol version = ${g.vrrpVersion}`,
    ` VRRP check unicast_src = ${g.vrrpCheckUnicastSrc ?? false}`,
    ` VRRP skip check advert addresses = ${g.vrrpSkipCheckAdvAddr ?? false}`,
    ` VRRP strict mode = ${g.vrrpStrict ?? false}`,
  ];
}

function instanceLines(d: DumpedInstance, src: DumpSource): string[] {
  const { runtime: v, config: i, group } = d;
  const g = src.config.globalDefs;
  const p = v.plan;
  const unicast = p.mcastGroup === undefined;
  const garp = eff.garp(i, g);
  const auth = eff.authentication(i, g);
  const at = src.lastTransition(v.name);
  const vipsSet = v.state === 'MASTER';
  const out = [` VRRP Instance = ${v.name}`, `   VRRP Version = ${p.version}`];
  if (group) out.push(`   Sync group = ${group.name}`);
  if (p.family === 6) out.push('   Using Native IPv6');
  out.push(`   State = ${v.state}`);
  // keepalived prints whatever address it last stored; tskad only a master it heard
  if (v.state === 'BACKUP' && v.masterAddress !== undefined) out.push(`   Master router = ${v.masterAddress}`, `   Master priority = ${v.peerPriority ?? 0}`);
  out.push(...(unicast ? ['   Flags:', '     Using unicast'] : ['   Flags: none']));
  out.push(`   Last transition = ${(at / 1000).toFixed(6)} (${ctimeUs(at)})`);
  out.push(`   Interface = ${p.interface}`);
  if (i.dontTrackPrimary) out.push('   VRRP interface tracking disabled');
  if (p.skipCheckAdvAddr) out.push('   Skip checking advert IP addresses');
  if (eff.isStrict(i, g)) out.push('   Enforcing strict VRRP compliance');
  out.push(`   Using src_ip = ${v.sourceAddress ?? '(none)'}${p.sourceAddress !== undefined ? ' (from configuration)' : ''}`);
  // an IPv6 group line carries the interface index, which tskad does not keep
  if (!unicast && p.family === 4) out.push(`   Multicast address ${p.mcastGroup}`);
  out.push(
    `   Gratuitous ARP delay = ${Math.floor(garp.masterDelay)}`,
    `   Gratuitous ARP repeat = ${garp.masterRepeat}`,
    `   Gratuitous ARP refresh = ${Math.floor(garp.masterRefresh)}`,
    `   Gratuitous ARP refresh repeat = ${garp.masterRefreshRepeat}`,
    `   Gratuitous ARP lower priority delay = ${Math.floor(garp.lowerPrioDelay)}`,
    `   Gratuitous ARP lower priority repeat = ${garp.lowerPrioRepeat}`,
    `   Down timer adverts = ${eff.downTimerAdverts(i, g)}`,
    `   Send advert after receive lower priority advert = ${!eff.lowerPrioNoAdvert(i, g)}`,
    `   Send advert after receive higher priority advert = ${eff.higherPrioSendAdvert(i, g)}`,
    `   Virtual Router ID = ${p.vrid}`,
    `   Priority = ${eff.basePriority(i)}`,
    `   Effective priority = ${v.priority}`,
    p.version === 2 ? `   Advert interval = ${p.advertIntCs / 100} sec` : `   Advert interval = ${p.advertIntCs * 10} milli-sec`,
    `   Accept = ${onOff(eff.acceptMode(i, g))}`,
    `   Preempt = ${onOff(!eff.nopreempt(i, g))}`,
  );
  const delay = eff.preemptDelay(i, g);
  if (delay > 0) out.push(`   Preempt delay = ${printG(delay)} secs`);
  out.push(`   Promote_secondaries = ${onOff(i.promoteSecondaries)}`);
  if (auth) out.push(`   Authentication type = ${auth.type === 'AH' ? 'IPSEC_AH' : 'SIMPLE_PASSWORD'}`, ...(auth.type === 'PASS' ? [`   Password = ${auth.pass.slice(0, 8)}`] : []));
  else if (p.version === 2) out.push('   Authentication type = none');
  if (i.virtualIpaddress.length > 0) out.push(`   Virtual IP (${i.virtualIpaddress.length}):`, ...i.virtualIpaddress.map((a) => `     ${addressText(a, p.interface, vipsSet)}`));
  if (i.virtualIpaddressExcluded.length > 0) out.push('   Virtual IP Excluded :', ...i.virtualIpaddressExcluded.map((a) => `     ${addressText(a, p.interface, vipsSet)}`));
  if (unicast) {
    out.push(`   Unicast TTL = ${p.ttl ?? 255}`, `   Check unicast src : ${eff.checkUnicastSrc(i, g) ? 'yes' : 'no'}`, '   Unicast Peer :');
    out.push(...i.unicastPeer.map((u) => `     ${u.address} min_ttl ${u.minTtl ?? 0} max_ttl ${u.maxTtl ?? 255}`));
    if (p.version === 3 && p.family === 4) out.push(`   Unicast checksum compatibility = ${i.oldUnicastChecksum === 'never' ? 'never' : i.oldUnicastChecksum === 'on' ? 'config' : 'no'}`);
  }
  const weighted = (t: { name: string; weight: number; reverse: boolean }, comma: string) => `     ${t.name}${comma} weight ${t.weight}${t.reverse ? ' reverse' : ''}`;
  if (d.trackInterfaces.length > 0) out.push('   Tracked interfaces :', ...d.trackInterfaces.map((t) => weighted(t, '')));
  if (d.trackScripts.length > 0) out.push('   Tracked scripts :', ...d.trackScripts.map((t) => weighted(t, '')));
  if (d.trackFiles.length > 0) out.push('   Tracked files :', ...d.trackFiles.map((t) => weighted(t, ',')));
  out.push(`   Using smtp notification = ${eff.smtpAlert(i, g) ? 'yes' : 'no'}`, `   Notify deleted = ${i.notifyDeleted !== undefined ? 'Deleted' : 'Fault'}`);
  for (const s of notifyScripts(i)) out.push(`   ${s.text} state transition script = ${commandText(s.script, src.program)}`);
  out.push(`   Notify priority changes = ${eff.notifyPriorityChanges(i, group, g)}`);
  return out;
}

function groupLines(sg: DumpGroup, src: DumpSource): string[] {
  const configured = src.config.vrrpSyncGroup.find((x) => x.name === sg.name);
  const count = (s: string) => sg.members.filter((m) => m.state === s).length;
  const out = [` VRRP Sync Group = ${sg.name}, ${sg.state}`, `   Num member fault ${count('FAULT')}, num member init ${count('INIT')}`, '   VRRP member instances :', ...sg.members.map((m) => `     ${m.name}`)];
  if (configured) {
    const g = src.config.globalDefs;
    out.push(`   Using smtp notification = ${(configured.smtpAlert ?? g.smtpAlertVrrp ?? g.smtpAlert ?? false) ? 'yes' : 'no'}`);
    const scripts: Array<[string, typeof configured.notify]> = [
      ['Backup', configured.notifyBackup],
      ['Master', configured.notifyMaster],
      ['Fault', configured.notifyFault],
      ['Stop', configured.notifyStop],
      ['Generic', configured.notify],
    ];
    for (const [what, s] of scripts) if (s) out.push(`   ${what} state transition script = ${commandText(s, src.program)}`);
  }
  return out;
}

const text = (lines: readonly string[]): string => `${lines.join('\n')}\n`;

/** keepalived.data, as the VRRP process writes it. */
export function formatDataDump(src: DumpSource): string {
  const lines = [...globalDefinitions(src.config, src.hostname), '------< VRRP Topology >------', ...dumpedInstances(src).flatMap((d) => instanceLines(d, src))];
  if (src.groups.length > 0) lines.push('------< VRRP Sync groups >------', ...src.groups.flatMap((g) => groupLines(g, src)));
  return text(lines);
}

/** keepalived_parent.data, as the supervisor writes it: the global definitions. */
export function formatParentDataDump(src: Pick<DumpSource, 'config' | 'hostname'>): string {
  return text(globalDefinitions(src.config, src.hostname));
}
