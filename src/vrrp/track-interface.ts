// Interface tracking (keepalived.conf(5) track_interface, dont_track_primary;
// keepalived 2.2.7 vrrp.c vrrp_complete_instance / sync_group_tracking_init,
// vrrp_track.c, keepalived_netlink.c process_if_status_change). Pure: which
// interfaces an instance tracks and with what weight, then, fed link states,
// what they add to its priority and which of them hold it in FAULT.
//
// A weight of 0 means FAULT while the interface is down (with `reverse`:
// while it is up). Otherwise the weight moves the priority: a positive
// weight is added while the link is up, a negative one while it is down;
// `reverse` flips the sign. keepalived clamps the sum to 1..254 and never
// moves an address owner (fsm.ts PriorityChanged does both).
import type { Tracked } from '../config/schema/vrrp.js';

export interface TrackedInterface {
  readonly name: string;
  /** 0: FAULT while down; otherwise added to the priority (see the header) */
  readonly weight: number;
  readonly reverse: boolean;
}

export interface TrackingInput {
  /** the instance's own interface */
  readonly interface: string;
  readonly trackInterface: readonly Tracked[];
  readonly dontTrackPrimary: boolean;
  readonly owner: boolean;
  /** the instance's sync group, if any */
  readonly group?: {
    readonly trackInterface: readonly Tracked[];
    /** sync_group_tracking_weight: members keep their own weights */
    readonly trackingWeight: boolean;
    /** a member has priority 255: the group's weights are cleared */
    readonly hasOwner: boolean;
  };
}

export interface TrackingPlan {
  readonly tracked: readonly TrackedInterface[];
  /** keepalived's configuration messages about entries it changed or dropped */
  readonly notes: readonly string[];
}

/** The interfaces an instance tracks, merged as keepalived merges the instance's, its own interface and its group's. */
export function trackedInterfaces(name: string, t: TrackingInput): TrackingPlan {
  const notes: string[] = [];
  // undefined weight: listed but not tracked (dont_track_primary), so a group entry can still take it over
  const entries = new Map<string, { weight: number | undefined; reverse: boolean }>();

  for (const e of t.trackInterface) {
    if (e.name === t.interface) {
      notes.push(`(${name}) Ignoring track_interface ${e.name} since own interface`);
      continue;
    }
    if (entries.has(e.name)) {
      notes.push(`(${name}) duplicate track_interface ${e.name} - ignoring`);
      continue;
    }
    let weight = e.weight ?? 0;
    if (weight !== 0 && t.group && !t.group.trackingWeight) {
      notes.push(`(${name}) ignoring ${e.name} tracked interface weight due to SYNC group`);
      weight = 0;
    } else if (weight !== 0 && t.owner) {
      notes.push(`(${name}) ignoring ${e.name} tracked interface due to address owner`);
      continue;
    }
    entries.set(e.name, { weight, reverse: e.reverse ?? false });
  }
  if (!entries.has(t.interface)) entries.set(t.interface, { weight: t.dontTrackPrimary ? undefined : 0, reverse: false });

  for (const e of t.group?.trackInterface ?? []) {
    let weight = e.weight ?? 0;
    if (weight !== 0 && t.group!.hasOwner) {
      notes.push(`(${name}) Cannot have weighted track interface '${e.name}' with member having priority 255 - clearing weight`);
      weight = 0;
    }
    const had = entries.get(e.name);
    // the group's entry wins unless the instance already goes to FAULT on this interface
    if (had === undefined || had.weight !== 0) entries.set(e.name, { weight, reverse: e.reverse ?? false });
  }

  const tracked = [...entries].flatMap(([n, e]) => (e.weight === undefined ? [] : [{ name: n, weight: e.weight, reverse: e.reverse }]));
  return { tracked, notes };
}

export interface TrackResult {
  /** the sum of the weights that apply now */
  readonly weight: number;
  /** interfaces holding the instance in FAULT, as fault reasons */
  readonly faults: readonly string[];
}

/** What a tracked interface contributes in a given link state. */
export function contribution(t: TrackedInterface, up: boolean): { weight: number; fault: boolean } {
  const sign = t.reverse ? -1 : 1;
  if (t.weight === 0) return { weight: 0, fault: up === t.reverse };
  if (up) return { weight: t.weight > 0 ? t.weight * sign : 0, fault: false };
  return { weight: t.weight < 0 ? t.weight * sign : 0, fault: false };
}

/** The fault reason an interface gives, as the FSM's FAULT set holds it. */
export const interfaceFault = (t: TrackedInterface): string => `interface ${t.name} ${t.reverse ? 'up' : 'down'}`;

/** The weight and faults given each tracked interface's link state (`isUp` false for a missing interface). */
export function trackResult(tracked: readonly TrackedInterface[], isUp: (name: string) => boolean): TrackResult {
  let weight = 0;
  const faults: string[] = [];
  for (const t of tracked) {
    const c = contribution(t, isUp(t.name));
    weight += c.weight;
    if (c.fault) faults.push(interfaceFault(t));
  }
  return { weight, faults };
}
