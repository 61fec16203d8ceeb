// Publishes what the running VRRP instances do on the diagnostics channels
// of observe/events.ts, for metrics and any other listener: each instance
// as `added` now and `removed` at close, every transition and change of
// effective priority as the instance emits it. The instances do not yet
// publish each increment of their statistics counters, so their counters
// (VrrpRuntime.stats) are compared every `statIntervalMs` and each
// increment is published as a `stat` event; a listener sees counts at most
// that late. After a reload it follows the new list of instances, and the
// new name of one kept under another.
import { vrrpEvents, type InstanceId } from '../observe/events.js';
import { STAT_NAMES, type Stats, type VrrpRuntime } from '../vrrp/instance.js';

export interface VrrpPublisher {
  /** after a reload: publishes the instances that went as removed and the new ones as added; those kept go on as they were */
  follow(instances: readonly VrrpRuntime[]): void;
  /** publishes the counters' last increments, then every instance as removed; unsubscribes */
  close(): void;
}

const idOf = (v: VrrpRuntime): InstanceId => ({ instance: v.name, vrid: v.plan.vrid, interface: v.plan.interface, family: v.plan.family });

export function publishVrrpEvents(instances: readonly VrrpRuntime[], o: { readonly statIntervalMs?: number } = {}): VrrpPublisher {
  const seen = new Map<VrrpRuntime, Stats>();
  /** the name each instance was published under: a reload may rename a kept one */
  const ids = new Map<VrrpRuntime, InstanceId>();
  const unsubscribe = new Map<VrrpRuntime, () => void>();
  const added = (v: VrrpRuntime) => {
    ids.set(v, idOf(v));
    vrrpEvents.instance.publish({ ...idOf(v), change: 'added', state: v.state, priority: v.priority });
  };
  const removed = (v: VrrpRuntime) => vrrpEvents.instance.publish({ ...ids.get(v)!, change: 'removed', state: v.state, priority: v.priority });
  const watch = (v: VrrpRuntime) => {
    seen.set(v, { ...v.stats });
    added(v);
    const onTransition = (t: { from: typeof v.state; to: typeof v.state; reason: string; priority: number }) =>
      vrrpEvents.transition.publish({ ...ids.get(v)!, from: t.from, to: t.to, reason: t.reason, priority: t.priority });
    const onPriority = (p: { to: number }) => vrrpEvents.priority.publish({ ...ids.get(v)!, priority: p.to });
    v.on('transition', onTransition);
    v.on('priority', onPriority);
    unsubscribe.set(v, () => {
      v.off('transition', onTransition);
      v.off('priority', onPriority);
    });
  };
  const unwatch = (v: VrrpRuntime) => {
    unsubscribe.get(v)?.();
    unsubscribe.delete(v);
    seen.delete(v);
    removed(v);
    ids.delete(v);
  };
  instances.forEach(watch);

  const publishIncrements = () => {
    for (const [v, before] of seen) {
      if (!vrrpEvents.stat.hasSubscribers) {
        seen.set(v, { ...v.stats });
        continue;
      }
      const id = ids.get(v)!;
      for (const stat of STAT_NAMES) {
        for (let n = before[stat]; n < v.stats[stat]; n++) vrrpEvents.stat.publish({ ...id, stat });
      }
      seen.set(v, { ...v.stats });
    }
  };
  const timer = setInterval(publishIncrements, o.statIntervalMs ?? 1000);
  // observation never keeps the VRRP process alive
  timer.unref();

  return {
    follow(next) {
      publishIncrements();
      for (const v of [...seen.keys()]) if (!next.includes(v)) unwatch(v);
      for (const v of next) {
        if (!seen.has(v)) watch(v);
        else if (ids.get(v)!.instance !== v.name) {
          // renamed at the reload: listeners drop the old name's series and start the new one's
          removed(v);
          added(v);
        }
      }
    },
    close() {
      clearInterval(timer);
      publishIncrements();
      for (const v of [...seen.keys()]) unwatch(v);
    },
  };
}
