// What keepalived's dump files (vrrp-dump-data.ts, vrrp-dump-stats.ts,
// vrrp-dump-json.ts) say about a running VRRP process, gathered once from
// the running instances and the configuration they were built from: the
// effective values (effective-vrrp.ts), the tracked objects as keepalived
// merges them with the sync group's (tracking.ts, track-interface.ts), the
// notify scripts as keepalived prints them (lib/notify.c cmd_str) and the
// addresses (vrrp_ipaddress.c format_ipaddress). Pure: the world comes in
// through DumpSource.
import * as eff from '../config/effective-vrrp.js';
import type { Vip } from '../config/schema/address.js';
import type { Script } from '../config/schema/common.js';
import type { Config } from '../config/schema/index.js';
import type { VrrpInstance } from '../config/schema/vrrp.js';
import { splitScriptWords } from '../config/script.js';
import { RT_SCOPES, vipAddressSpec } from '../net/rtnl-address.js';
import { FILE_KIND, mergeTracking, SCRIPT_KIND, type TrackedWeight, type TrackingKind } from '../notify/tracking.js';
import type { VrrpState } from '../vrrp/fsm.js';
import type { Stats } from '../vrrp/instance.js';
import type { InstancePlan } from '../vrrp/params.js';
import type { GroupState } from '../vrrp/sync-group.js';
import { trackedInterfaces, type TrackedInterface } from '../vrrp/track-interface.js';

/** What a dump reads of a running instance (vrrp/instance.ts VrrpRuntime). */
export interface DumpRuntime {
  readonly name: string;
  readonly state: VrrpState;
  readonly priority: number;
  readonly plan: InstancePlan;
  readonly stats: Stats;
  readonly sourceAddress: string | undefined;
  readonly peerPriority: number | undefined;
  /** the router whose adverts this BACKUP last accepted (instance.ts getter, when it has one) */
  readonly masterAddress?: string | undefined;
}

export interface DumpGroup {
  readonly name: string;
  readonly state: GroupState;
  readonly members: readonly { readonly name: string; readonly state: VrrpState }[];
}

export interface DumpSource {
  readonly config: Config;
  readonly instances: readonly DumpRuntime[];
  readonly groups: readonly DumpGroup[];
  /** wall-clock time (ms since the epoch) of an instance's last transition */
  lastTransition(instance: string): number;
  /** a script's program as keepalived shows it: its real path (it resolves symlinks when it checks scripts) */
  program(word: string): string;
  /** router_id's default: the host name */
  readonly hostname: string;
}

/** keepalived's state numbers (vrrp.h VRRP_STATE_*), which the JSON dump and its exporters use */
export const STATE_NUMBER: Readonly<Record<VrrpState, number>> = { INIT: 0, BACKUP: 1, MASTER: 2, FAULT: 3 };

/** A notify script as lib/notify.c cmd_str prints it: every word in single quotes, the program resolved. */
export function commandText(s: Script, program: (word: string) => string): string {
  const [first, ...rest] = splitScriptWords(s.command).words;
  if (first === undefined) return '';
  // a bare redirection (`</path`) is left unquoted: keepalived's file-existence test
  const head = first.startsWith('<') || first.startsWith('>') ? first : `'${program(first)}'`;
  return [head, ...rest.map((w) => `'${w}'`)].join(' ');
}

const SCOPE_NAME = new Map<number, string>(Object.entries(RT_SCOPES).map(([name, n]) => [n, name]));

/** One address as vrrp_ipaddress.c format_ipaddress writes it; `set` once it is on the interface. */
export function addressText(v: Vip, dev: string, set: boolean): string {
  const spec = vipAddressSpec(v, dev);
  const full = spec.address.includes(':') ? 128 : 32;
  const parts = [spec.prefix === full ? spec.address : `${spec.address}/${spec.prefix}`];
  if (spec.broadcast !== undefined) parts.push(`brd ${spec.broadcast}`);
  parts.push(`dev ${spec.dev}`, `scope ${SCOPE_NAME.get(spec.scope) ?? spec.scope}`);
  if (spec.label !== undefined) parts.push(`label ${spec.label}`);
  if (spec.peer !== undefined) parts.push(`peer ${spec.peer}/${spec.prefix}`);
  if (v.home) parts.push('home');
  if (v.nodad) parts.push('-nodad');
  if (v.mngtmpaddr) parts.push('mngtmpaddr');
  if (v.noprefixroute) parts.push('noprefixroute');
  if (v.autojoin) parts.push('autojoin');
  if (v.noTrack) parts.push('no_track');
  if (spec.address.includes(':')) parts.push(spec.preferredLft === undefined ? 'preferred_lft forever' : spec.preferredLft === 0 ? 'deprecated' : `preferred_lft ${spec.preferredLft}`);
  if (set) parts.push('set');
  return parts.join(' ');
}

/** One instance with everything the dumps print of it. */
export interface DumpedInstance {
  readonly runtime: DumpRuntime;
  readonly config: VrrpInstance;
  readonly group?: Config['vrrpSyncGroup'][number];
  /** its tracked interfaces, its own interface aside (keepalived lists that one only under the interface) */
  readonly trackInterfaces: readonly TrackedInterface[];
  readonly trackScripts: readonly TrackedWeight[];
  readonly trackFiles: readonly TrackedWeight[];
}

function merged(kind: TrackingKind, i: VrrpInstance, group: DumpedInstance['group'], hasOwner: boolean, defined: ReadonlyMap<string, { weight: number; reverse: boolean }>): readonly TrackedWeight[] {
  const own = kind === SCRIPT_KIND ? i.trackScript : i.trackFile;
  const theirs = kind === SCRIPT_KIND ? group?.trackScript : group?.trackFile;
  return mergeTracking(kind, {
    name: i.name,
    entries: own,
    owner: eff.isAddressOwner(i),
    defined,
    ...(group && { group: { name: group.name, entries: theirs ?? [], trackingWeight: group.syncGroupTrackingWeight || group.globalTracking, hasOwner } }),
  }).tracked;
}

/** The running instances that have their configuration, with what they track, in the order they run. */
export function dumpedInstances(src: DumpSource): DumpedInstance[] {
  const { config } = src;
  const scripts = new Map(config.vrrpScript.map((s) => [s.name, { weight: s.weight.value, reverse: s.weight.reverse }]));
  const files = new Map(config.trackFile.map((f) => [f.name, { weight: f.weight.value, reverse: f.weight.reverse }]));
  return src.instances.flatMap((runtime) => {
    const i = config.vrrpInstance.find((x) => x.name === runtime.name);
    if (!i) return [];
    const group = config.vrrpSyncGroup.find((g) => g.group.includes(i.name));
    const hasOwner = group?.group.some((n) => config.vrrpInstance.some((x) => x.name === n && eff.isAddressOwner(x))) ?? false;
    const ifs = trackedInterfaces(i.name, {
      interface: runtime.plan.interface,
      trackInterface: i.trackInterface,
      dontTrackPrimary: i.dontTrackPrimary,
      owner: runtime.plan.owner,
      ...(group && { group: { trackInterface: group.trackInterface, trackingWeight: group.syncGroupTrackingWeight || group.globalTracking, hasOwner } }),
    }).tracked;
    return [
      {
        runtime,
        config: i,
        ...(group && { group }),
        trackInterfaces: ifs.filter((t) => t.name !== runtime.plan.interface),
        trackScripts: merged(SCRIPT_KIND, i, group, hasOwner, scripts),
        trackFiles: merged(FILE_KIND, i, group, hasOwner, files),
      },
    ];
  });
}

/** The notify scripts in keepalived's order, with the names the JSON dump gives them and the words the text dump does. */
export function notifyScripts(i: VrrpInstance): Array<{ readonly json: string; readonly text: string; readonly script: Script }> {
  const all: Array<[string, string, Script | undefined]> = [
    ['script_backup', 'Backup', i.notifyBackup],
    ['script_master', 'Master', i.notifyMaster],
    ['script_fault', 'Fault', i.notifyFault],
    ['script_stop', 'Stop', i.notifyStop],
    ['script_deleted', 'Deleted', i.notifyDeleted?.script],
    ['script', 'Generic', i.notify],
    ['script_master_rx_lower_pri', 'Master rx lower pri', i.notifyMasterRxLowerPri],
  ];
  return all.flatMap(([json, text, script]) => (script ? [{ json, text, script }] : []));
}

/** Seconds as C's %g prints them (six significant digits). */
export const printG = (n: number): string => String(Number(n.toPrecision(6)));
