// Catching the daemon's signals (signals.ts SIGNAL_ROUTES) in one of its
// processes: the named ones through process.on(), the real-time ones
// keepalived uses (JSON, SIGRTMIN+2; STATS_CLEAR, SIGRTMAX-1), which Node
// refuses, through the native addon's libuv watcher. Without the addon those
// two would still end the process (their default action), so that is said
// once at start-up. TERM and INT go through the addon too, whose signal
// handler does their first work whatever JavaScript runs: the supervisor's
// passes SIGTERM on to its children (its own handler then sends it again,
// harmlessly); the VRRP process's sends its MASTERs' priority-0 adverts (a
// prelude, vrrp/timer-prelude.ts). That farewell closes the process's
// farewell gate: no advert above priority 0 leaves after it (native
// signal_watcher.h), though timers and JavaScript run on until the stop.
import { constants } from 'node:os';
import { loadNative, type PreludeOp, type SignalWatcher } from '../net/native.js';
import type { Logger } from '../observe/log.js';
import type { Prelude } from '../vrrp/scheduler.js';
import { SIGNAL_ROUTES, type SignalRoute } from './signals.js';

export interface SignalWatch {
  /** the processes a stop signal is passed on to, as SIGTERM, by the native handler */
  relayStopTo(pids: readonly number[]): void;
  /** what the native handler does at the next stop signal, before the handler's JavaScript (replaces the one before) */
  stopPrelude(prelude: Prelude | undefined): void;
  /** whether relayStopTo and stopPrelude take effect (the addon is there) */
  readonly stopsNatively: boolean;
  /** stops catching; the signals' default actions apply again */
  close(): void;
}

export function watchSignals(onSignal: (route: SignalRoute) => void, log: Pick<Logger, 'warn'>): SignalWatch {
  const closers: (() => void)[] = [];
  const native: SignalRoute[] = [];
  let stopWatcher: SignalWatcher | undefined;
  // which prelude an ops array the handler ran belongs to: it may have been replaced since
  const preludes = new WeakMap<readonly PreludeOp[], Prelude>();
  const viaNode = (route: SignalRoute, name: NodeJS.Signals): void => {
    const handler = () => onSignal(route);
    process.on(name, handler);
    closers.push(() => void process.off(name, handler));
  };
  for (const route of SIGNAL_ROUTES) {
    if (route.name === undefined || route.supervisor === 'stop') native.push(route);
    else viaNode(route, route.name);
  }
  if (native.length > 0) {
    const watchers: SignalWatcher[] = [];
    try {
      const { SignalWatcher } = loadNative();
      const routes = new Map(native.map((r) => [r.signum, r]));
      // an exception must not escape into the addon's callback, where it would abort the process
      const guarded = (signum: number, done: readonly number[] | undefined, ops: readonly PreludeOp[] | undefined) => {
        const route = routes.get(signum)!;
        const ran = ops === undefined ? undefined : preludes.get(ops);
        ran?.ran(done!);
        try {
          onSignal(route);
        } catch (e) {
          log.warn(`signal ${route.signum} (${route.sigfunc}): ${(e as Error).message}`);
        } finally {
          ran?.over();
        }
      };
      // TERM and INT share one watcher: its prelude runs at whichever comes first, once
      const stops = native.filter((r) => r.supervisor === 'stop');
      if (stops.length > 0) watchers.push((stopWatcher = new SignalWatcher(stops.map((r) => r.signum), guarded)));
      for (const route of native) if (route.supervisor !== 'stop') watchers.push(new SignalWatcher(route.signum, guarded));
    } catch (e) {
      for (const w of watchers.splice(0)) w.close();
      stopWatcher = undefined;
      // without the addon, Node still catches the stop signals; the caller's handler relays them
      for (const route of native) if (route.name !== undefined) viaNode(route, route.name);
      const lost = native.filter((r) => r.name === undefined);
      const which = lost.map((r) => `${r.signum} (${r.sigfunc})`).join(', ');
      if (lost.length > 0) log.warn(`signals ${which} cannot be caught and would end this process: ${(e as Error).message}`);
    }
    for (const w of watchers) closers.push(() => w.close());
  }
  return {
    relayStopTo: (pids) => stopWatcher?.relayTo(pids, constants.signals.SIGTERM),
    stopPrelude: (p) => {
      if (p) preludes.set(p.ops, p);
      stopWatcher?.setPrelude(p?.ops);
    },
    stopsNatively: stopWatcher !== undefined,
    close: () => closers.splice(0).forEach((c) => c()),
  };
}
