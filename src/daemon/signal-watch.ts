// Catching the daemon's signals (signals.ts SIGNAL_ROUTES) in one of its
// processes: the named ones through process.on(), the real-time ones
// keepalived uses (JSON, SIGRTMIN+2; STATS_CLEAR, SIGRTMAX-1), which Node
// refuses, through the native addon's libuv watcher. Without the addon those
// two would still end the process (their default action), so that is said
// once at start-up. TERM and INT go through the addon too: the supervisor's
// handler passes SIGTERM on to its children there, before any JavaScript
// runs (its own handler then sends it again, harmlessly); the VRRP
// process's sends its MASTERs' priority-0 adverts there (a prelude,
// vrrp/timer-prelude.ts).
import { constants } from 'node:os';
import { loadNative, type SignalWatcher } from '../net/native.js';
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
  const stopWatchers: SignalWatcher[] = [];
  let prelude: Prelude | undefined;
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
      // an exception must not escape into the addon's callback, where it would abort the process
      const guarded = (route: SignalRoute) => (_signum: number, done: readonly number[] | undefined) => {
        const ran = done === undefined ? undefined : prelude;
        // done once: the other stop signal's watcher must not do it again
        if (ran !== undefined) setStopPrelude(undefined);
        ran?.ran(done!);
        try {
          onSignal(route);
        } catch (e) {
          log.warn(`signal ${route.signum} (${route.sigfunc}): ${(e as Error).message}`);
        } finally {
          ran?.over();
        }
      };
      for (const route of native) {
        const w = new SignalWatcher(route.signum, guarded(route));
        watchers.push(w);
        if (route.supervisor === 'stop') stopWatchers.push(w);
      }
    } catch (e) {
      for (const w of watchers.splice(0)) w.close();
      stopWatchers.length = 0;
      // without the addon, Node still catches the stop signals; the caller's handler relays them
      for (const route of native) if (route.name !== undefined) viaNode(route, route.name);
      const lost = native.filter((r) => r.name === undefined);
      const which = lost.map((r) => `${r.signum} (${r.sigfunc})`).join(', ');
      if (lost.length > 0) log.warn(`signals ${which} cannot be caught and would end this process: ${(e as Error).message}`);
    }
    for (const w of watchers) closers.push(() => w.close());
  }
  function setStopPrelude(p: Prelude | undefined): void {
    prelude = p;
    for (const w of stopWatchers) w.setPrelude(p?.ops);
  }
  return {
    relayStopTo: (pids) => stopWatchers.forEach((w) => w.relayTo(pids, constants.signals.SIGTERM)),
    stopPrelude: setStopPrelude,
    stopsNatively: stopWatchers.length > 0,
    close: () => closers.splice(0).forEach((c) => c()),
  };
}
