// The VRRP process's answer to `tskad status` (observe/status.ts): a
// snapshot of every instance from what the running instances show — state,
// effective priority, faults, counters — with the configured side (base
// priority, VIPs, sync group) from the configuration they were built from,
// and the last transition each made since this watch began.
import { basePriority } from '../config/effective-vrrp.js';
import type { Config } from '../config/schema/index.js';
import type { Vip } from '../config/schema/address.js';
import { STATUS_VERSION, type InstanceStatus, type StatusSnapshot } from '../observe/status.js';
import type { TransitionRecord, VrrpRuntime } from '../vrrp/instance.js';
import type { SyncGroup } from '../vrrp/sync-group.js';

export interface VrrpStatusSource {
  readonly instances: readonly VrrpRuntime[];
  readonly groups: readonly SyncGroup[];
}

export interface VrrpStatus {
  snapshot(): StatusSnapshot;
  close(): void;
}

type LastTransition = NonNullable<InstanceStatus['lastTransition']>;

const vipText = (v: Vip): string => `${v.address}/${v.prefix}`;

export function watchVrrpStatus(vrrp: VrrpStatusSource, config: Config, startedAt: Date, now: () => Date = () => new Date()): VrrpStatus {
  const last = new Map<string, LastTransition>();
  const unsubscribe = vrrp.instances.map((v) => {
    const record = (t: TransitionRecord) => last.set(v.name, { at: now().toISOString(), from: t.from, reason: t.reason });
    v.on('transition', record);
    return () => void v.off('transition', record);
  });

  const instanceStatus = (v: VrrpRuntime): InstanceStatus => {
    const configured = config.vrrpInstance.find((i) => i.name === v.name);
    const group = vrrp.groups.find((g) => g.members.includes(v));
    const transition = last.get(v.name);
    // the master's address is known here only when it is this node
    const master = v.state === 'MASTER' ? v.sourceAddress : undefined;
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
      ...(transition && { lastTransition: transition }),
      vips: configured?.virtualIpaddress.map(vipText) ?? v.plan.advertAddresses,
      excludedVips: configured?.virtualIpaddressExcluded.map(vipText) ?? [],
      faults: [...v.faults],
      tracked: [],
      stats: { ...v.stats },
    };
  };

  return {
    snapshot: () => ({ version: STATUS_VERSION, pid: process.pid, startedAt: startedAt.toISOString(), vrrp: vrrp.instances.map(instanceStatus) }),
    close: () => unsubscribe.forEach((u) => u()),
  };
}
