// Which tracked objects (vrrp_script, track_file, vrrp_track_process) an
// instance follows, and with what weight, once its own track_* entries and
// its sync group's are merged — keepalived 2.2.7 vrrp.c vrrp_complete_instance
// (the "SYNC group / address_owner" pass), sync_group_tracking_init,
// add_vrrp_to_track_script, add_vrrp_to_track_process, track_file.c
// add_obj_to_track_file. Pure; the messages are keepalived's.
//
//  - An entry's weight and direction default to the tracked object's own.
//  - In a sync group without sync_group_tracking_weight, or for an address
//    owner, the instance's weighted entries cannot move its priority: a
//    weighted script is dropped; a file at its default weight 1 becomes
//    unweighted (FAULT on a non-zero value), any other weighted file is
//    dropped. A weighted process is kept (keepalived 2.2.7 has no such rule
//    for processes; an owner's priority never moves anyway).
//  - The group's entries apply to every member; their weights are cleared
//    when a member is an address owner. An object tracked both ways keeps
//    the instance's entry when it is unweighted, else takes the group's.
import type { Tracked } from '../config/schema/vrrp.js';

export interface TrackedWeight {
  readonly name: string;
  /** 0: FAULT on failure; otherwise moves the priority */
  readonly weight: number;
  readonly reverse: boolean;
}

export interface TrackingPlan {
  readonly tracked: readonly TrackedWeight[];
  /** keepalived's configuration messages about entries it changed or dropped */
  readonly notes: readonly string[];
}

export interface MergeInput {
  /** the instance */
  readonly name: string;
  readonly entries: readonly Tracked[];
  /** priority 255 */
  readonly owner: boolean;
  /** the defined objects by name, with their own weight */
  readonly defined: ReadonlyMap<string, { readonly weight: number; readonly reverse: boolean }>;
  readonly group?: {
    readonly name: string;
    readonly entries: readonly Tracked[];
    /** sync_group_tracking_weight */
    readonly trackingWeight: boolean;
    /** some member has priority 255 */
    readonly hasOwner: boolean;
  };
}

/** How scripts and files differ in the rules above. */
export interface TrackingKind {
  /** `track script`, `track file`, `track process` */
  readonly what: string;
  /** the keyword: track_script, track_file, track_process */
  readonly keyword: string;
  /** an instance entry that cannot be weighted here: undefined to drop it, or its replacement */
  unweighted(e: TrackedWeight, why: string, instance: string, notes: string[]): TrackedWeight | undefined;
  /** keepalived's words when it clears a group entry's weight */
  readonly clearing: string;
}

export const SCRIPT_KIND: TrackingKind = {
  what: 'track script',
  keyword: 'track_script',
  unweighted: (e, why, instance, notes) => {
    notes.push(`(${instance}) ignoring tracked script ${e.name} with weights due to ${why}`);
    return undefined;
  },
  clearing: 'clearing weight',
};

/** keepalived's default weight of a track_file */
const FILE_DEFAULT_WEIGHT = 1;

export const FILE_KIND: TrackingKind = {
  what: 'track file',
  keyword: 'track_file',
  unweighted: (e, why, instance, notes) => {
    if (e.weight === FILE_DEFAULT_WEIGHT) {
      notes.push(`(${instance}) ignoring weight from tracked file ${e.name} due to ${why}. specify weight 0`);
      return { ...e, weight: 0 };
    }
    notes.push(`(${instance}) ignoring tracked file ${e.name} with weight ${e.weight} due to ${why}`);
    return undefined;
  },
  clearing: 'setting weight 0',
};

export const PROCESS_KIND: TrackingKind = {
  what: 'track process',
  keyword: 'track_process',
  unweighted: (e) => e,
  clearing: 'setting weight 0',
};

/** Entries resolved against the defined objects: unknown names and duplicates are dropped, as keepalived does. */
function resolve(owner: string, entries: readonly Tracked[], kind: TrackingKind, input: MergeInput, notes: string[]): TrackedWeight[] {
  const out: TrackedWeight[] = [];
  for (const e of entries) {
    const def = input.defined.get(e.name);
    if (!def) {
      notes.push(`(${owner}) ${kind.what} ${e.name} not found, ignoring...`);
      continue;
    }
    if (out.some((t) => t.name === e.name)) {
      notes.push(`(${owner}) duplicate ${kind.keyword} ${e.name} - ignoring`);
      continue;
    }
    out.push({ name: e.name, weight: e.weight ?? def.weight, reverse: e.reverse ?? def.reverse });
  }
  return out;
}

export function mergeTracking(kind: TrackingKind, input: MergeInput): TrackingPlan {
  const notes: string[] = [];
  const g = input.group;
  const why = g && !g.trackingWeight ? 'SYNC group' : input.owner ? 'address_owner' : undefined;
  const tracked = resolve(input.name, input.entries, kind, input, notes).flatMap((e) => {
    if (why === undefined || e.weight === 0) return [e];
    const kept = kind.unweighted(e, why, input.name, notes);
    return kept ? [kept] : [];
  });
  for (const e of g ? resolve(g.name, g.entries, kind, input, notes) : []) {
    let entry = e;
    if (g!.hasOwner && e.weight !== 0) {
      notes.push(`(${g!.name}) Cannot have weighted ${kind.keyword.replace('_', ' ')} '${e.name}' with member having priority 255 - ${kind.clearing}`);
      entry = { ...e, weight: 0 };
    }
    const i = tracked.findIndex((t) => t.name === e.name);
    if (i < 0) {
      tracked.push(entry);
      continue;
    }
    notes.push(`(${input.name}) ${kind.keyword} ${e.name} is configured on VRRP instance and sync group. Remove vrrp instance config`);
    if (tracked[i]!.weight !== 0) tracked[i] = entry;
  }
  return { tracked, notes };
}
