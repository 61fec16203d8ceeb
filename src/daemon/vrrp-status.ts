// The VRRP process's answer to `tskad status` (observe/status.ts): a
// snapshot of every instance from what the running instances show — state,
// effective priority, the master, faults, what it tracks, counters — with
// the configured side (base priority, VIPs, sync group) from the
// configuration they were built from, and the last transition each made
// since this watch began (which the dumps, vrrp-dumps.ts, also use). A
// reload hands the watch the new instances and configuration (follow), and
// an instance the reload kept keeps its last transition.
//
// The master is this node's own address while MASTER, and while BACKUP the
// source of the last advert it accepted (RFC 5798 §6.4.2: the router whose
// adverts reset its Master_Down_Timer).
import { basePriority } from '../config/effective-vrrp.js';
import type { Config } from '../config/schema/index.js';
import type { Vip } from '../config/schema/address.js';
import type { TrackedObjectView } from '../notify/vrrp-tracking.js';
import { STATUS_VERSION, type InstanceStatus, type StatusSnapshot, type TrackedStatus } from '../observe/status.js';
import type { TransitionRecord, VrrpRuntime } from '../vrrp/instance.js';
import type { SyncGroup } from '../vrrp/sync-group.js';
import { LATE_EXPIRY_MS, type TimerLateness } from '../vrrp/scheduler.js';

/** A running instance, as the status reads it. */
export type StatusRuntime = VrrpRuntime;

/** One tracked interface of an instance, with its link state (what vrrp/process.ts follows over rtnetlink). */
export interface TrackedInterfaceState {
  readonly instance: string;
  readonly name: string;
  /** 0: FAULT while down */
  readonly weight: number;
  readonly reverse: boolean;
  readonly up: boolean;
}

/** One tracked script, file or process of an instance, as notify/vrrp-tracking.ts trackedObjects() shows it. */
export type TrackedObjectState = Omit<TrackedObjectView, 'adds'>;

export interface VrrpStatusSource {
  readonly instances: readonly StatusRuntime[];
  readonly groups: readonly SyncGroup[];
  /** the tracked interfaces of every instance, when the process tells them */
  trackedInterfaces?(): readonly TrackedInterfaceState[];
  /** the tracked scripts, files and processes of every instance, when the process tells them */
  trackedObjects?(): readonly TrackedObjectState[];
  /** how late the process's timers fired, when it tells */
  timers?(): TimerLateness | undefined;
}

export interface VrrpStatus {
  snapshot(): StatusSnapshot;
  /** wall-clock ms of the instance's last transition since the watch began */
  lastTransitionAt(instance: string): number | undefined;
  /** after a reload: the source's instances now, and the configuration they run */
  follow(config: Config): void;
  close(): void;
}

type LastTransition = NonNullable<InstanceStatus['lastTransition']>;

const vipText = (v: Vip): string => `${v.address}/${v.prefix}`;

function interfaceStatus(t: TrackedInterfaceState): TrackedStatus {
  return { kind: 'interface', name: t.name, up: t.up, weight: t.weight, ...(t.reverse && { reverse: true as const }) };
}

function objectStatus(t: TrackedObjectState): TrackedStatus {
  // a file has no up or down of its own: it is up while its value does not hold the instance in FAULT
  const up = t.kind === 'file' ? !t.fault : t.up === true;
  return {
    kind: t.kind,
    name: t.name,
    up,
    weight: t.weight,
    ...(t.reverse && { reverse: true as const }),
    ...(t.kind === 'script' && t.up === undefined && { pending: true as const }),
    ...(t.value !== undefined && { value: t.value }),
    ...(t.count !== undefined && { count: t.count }),
  };
}

export function watchVrrpStatus(vrrp: VrrpStatusSource, config: Config, startedAt: Date, now: () => Date = () => new Date()): VrrpStatus {
  const last = new Map<string, LastTransition & { readonly ms: number }>();
  const watched = new Map<StatusRuntime, () => void>();
  const watch = (): void => {
    const current = new Set(vrrp.instances);
    for (const [v, unsubscribe] of watched) {
      if (current.has(v)) continue;
      unsubscribe();
      watched.delete(v);
    }
    for (const v of current) {
      if (watched.has(v)) continue;
      const record = (t: TransitionRecord) => {
        const at = now();
        last.set(v.name, { at: at.toISOString(), ms: at.getTime(), from: t.from, reason: t.reason });
      };
      v.on('transition', record);
      watched.set(v, () => void v.off('transition', record));
    }
    const names = new Set([...current].map((v) => v.name));
    for (const name of last.keys()) if (!names.has(name)) last.delete(name);
  };
  watch();

  const snapshot = (): StatusSnapshot => {
    const interfaces = vrrp.trackedInterfaces?.() ?? [];
    const objects = vrrp.trackedObjects?.() ?? [];
    const instanceStatus = (v: StatusRuntime): InstanceStatus => {
      const configured = config.vrrpInstance.find((i) => i.name === v.name);
      const group = vrrp.groups.find((g) => g.members.includes(v));
      const transition = last.get(v.name);
      const master = v.state === 'MASTER' ? v.sourceAddress : v.state === 'BACKUP' ? v.masterAddress : undefined;
      return {
        name: v.name,
        vrid: v.plan.vrid,
        family: v.plan.family,
        interface: v.plan.interface,
        state: v.state,
        basePriority: configured ? basePriority(configured) : v.priority,
        effectivePriority: v.priority,
        ...(master !== undefined && { master }),
        ...(group && { syncGroup: group.name }),
        ...(transition && { lastTransition: { at: transition.at, from: transition.from, reason: transition.reason } }),
        vips: configured?.virtualIpaddress.map(vipText) ?? v.plan.advertAddresses,
        excludedVips: configured?.virtualIpaddressExcluded.map(vipText) ?? [],
        faults: [...v.faults],
        tracked: [...interfaces.filter((t) => t.instance === v.name).map(interfaceStatus), ...objects.filter((t) => t.instance === v.name).map(objectStatus)],
        stats: { ...v.stats },
      };
    };
    const t = vrrp.timers?.();
    return {
      version: STATUS_VERSION,
      pid: process.pid,
      startedAt: startedAt.toISOString(),
      vrrp: vrrp.instances.map(instanceStatus),
      ...(t && { timers: { expiries: t.expiries, lateAfterMs: LATE_EXPIRY_MS, late: { ...t.late } } }),
    };
  };

  return {
    snapshot,
    lastTransitionAt: (name) => last.get(name)?.ms,
    follow: (c) => {
      config = c;
      watch();
    },
    close: () => {
      for (const unsubscribe of watched.values()) unsubscribe();
      watched.clear();
    },
  };
}
