// Catching the daemon's signals (signals.ts SIGNAL_ROUTES) in one of its
// processes: the named ones through process.on(), the real-time ones
// keepalived uses (JSON, SIGRTMIN+2; STATS_CLEAR, SIGRTMAX-1), which Node
// refuses, through the native addon's libuv watcher. Without the addon those
// two would still end the process (their default action), so that is said
// once at start-up. The supervisor also takes TERM and INT through the
// addon (`relayStop`), which passes SIGTERM on to its children before any
// JavaScript runs; its own handler then sends it again, harmlessly.
import { constants } from 'node:os';
import { loadNative, type SignalWatcher } from '../net/native.js';
import type { Logger } from '../observe/log.js';
import { SIGNAL_ROUTES, type SignalRoute } from './signals.js';

export interface SignalWatch {
  /** relayStop: the processes a stop signal is passed on to, as SIGTERM, by the native handler */
  relayStopTo(pids: readonly number[]): void;
  /** whether relayStopTo takes effect (relayStop asked, and the addon is there) */
  readonly relaysStop: boolean;
  /** stops catching; the signals' default actions apply again */
  close(): void;
}

export function watchSignals(
  onSignal: (route: SignalRoute) => void,
  log: Pick<Logger, 'warn'>,
  routes: readonly SignalRoute[] = SIGNAL_ROUTES,
  o: { relayStop?: boolean } = {},
): SignalWatch {
  const closers: (() => void)[] = [];
  const native: SignalRoute[] = [];
  const stopWatchers: SignalWatcher[] = [];
  const viaNode = (route: SignalRoute, name: NodeJS.Signals): void => {
    const handler = () => onSignal(route);
    process.on(name, handler);
    closers.push(() => void process.off(name, handler));
  };
  for (const route of routes) {
    if (route.name === undefined || (o.relayStop && route.supervisor === 'stop')) native.push(route);
    else viaNode(route, route.name);
  }
  if (native.length > 0) {
    const watchers: SignalWatcher[] = [];
    try {
      const { SignalWatcher } = loadNative();
      // an exception must not escape into the addon's callback, where it would abort the process
      const guarded = (route: SignalRoute) => () => {
        try {
          onSignal(route);
        } catch (e) {
          log.warn(`signal ${route.signum} (${route.sigfunc}): ${(e as Error).message}`);
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
  return {
    relayStopTo: (pids) => stopWatchers.forEach((w) => w.relayTo(pids, constants.signals.SIGTERM)),
    relaysStop: stopWatchers.length > 0,
    close: () => closers.splice(0).forEach((c) => c()),
  };
}
