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

/** What is kept of each instance watched. */
interface Watched {
  /** the name it was published under: a reload may rename a kept instance */
  id: InstanceId;
  /** its counters when last compared */
  stats: Stats;
  readonly unsubscribe: () => void;
}

export function publishVrrpEvents(instances: readonly VrrpRuntime[], o: { readonly statIntervalMs?: number } = {}): VrrpPublisher {
  const watched = new Map<VrrpRuntime, Watched>();
  const publishInstance = (v: VrrpRuntime, id: InstanceId, change: 'added' | 'removed') =>
    vrrpEvents.instance.publish({ ...id, change, state: v.state, priority: v.priority });
  const watch = (v: VrrpRuntime) => {
    const onTransition = (t: { from: typeof v.state; to: typeof v.state; reason: string; priority: number }) =>
      vrrpEvents.transition.publish({ ...w.id, from: t.from, to: t.to, reason: t.reason, priority: t.priority });
    const onPriority = (p: { to: number }) => vrrpEvents.priority.publish({ ...w.id, priority: p.to });
    v.on('transition', onTransition);
    v.on('priority', onPriority);
    const w: Watched = {
      id: idOf(v),
      stats: { ...v.stats },
      unsubscribe: () => {
        v.off('transition', onTransition);
        v.off('priority', onPriority);
      },
    };
    watched.set(v, w);
    publishInstance(v, w.id, 'added');
  };
  const unwatch = (v: VrrpRuntime, w: Watched) => {
    w.unsubscribe();
    watched.delete(v);
    publishInstance(v, w.id, 'removed');
  };
  instances.forEach(watch);

  const publishIncrements = () => {
    for (const [v, w] of watched) {
      if (vrrpEvents.stat.hasSubscribers) {
        for (const stat of STAT_NAMES) {
          for (let n = w.stats[stat]; n < v.stats[stat]; n++) vrrpEvents.stat.publish({ ...w.id, stat });
        }
      }
      w.stats = { ...v.stats };
    }
  };
  const timer = setInterval(publishIncrements, o.statIntervalMs ?? 1000);
  // observation never keeps the VRRP process alive
  timer.unref();

  return {
    follow(next) {
      publishIncrements();
      for (const [v, w] of watched) if (!next.includes(v)) unwatch(v, w);
      for (const v of next) {
        const w = watched.get(v);
        if (w === undefined) watch(v);
        else if (w.id.instance !== v.name) {
          // renamed at the reload: listeners drop the old name's series and start the new one's
          publishInstance(v, w.id, 'removed');
          w.id = idOf(v);
          publishInstance(v, w.id, 'added');
        }
      }
    },
    close() {
      clearInterval(timer);
      publishIncrements();
      for (const [v, w] of watched) unwatch(v, w);
    },
  };
}
