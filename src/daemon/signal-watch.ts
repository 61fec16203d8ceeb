// Catching the daemon's signals (signals.ts SIGNAL_ROUTES) in one of its
// processes: the named ones through process.on(), the real-time ones
// keepalived uses (JSON, SIGRTMIN+2; STATS_CLEAR, SIGRTMAX-1), which Node
// refuses, through the native addon's libuv watcher. Without the addon those
// two would still end the process (their default action), so that is said
// once at start-up.
import { loadNative, type SignalWatcher } from '../net/native.js';
import type { Logger } from '../observe/log.js';
import { SIGNAL_ROUTES, type SignalRoute } from './signals.js';

export interface SignalWatch {
  /** stops catching; the signals' default actions apply again */
  close(): void;
}

export function watchSignals(onSignal: (route: SignalRoute) => void, log: Pick<Logger, 'warn'>, routes: readonly SignalRoute[] = SIGNAL_ROUTES): SignalWatch {
  const closers: (() => void)[] = [];
  const native: SignalRoute[] = [];
  for (const route of routes) {
    const name = route.name;
    if (name === undefined) {
      native.push(route);
      continue;
    }
    const handler = () => onSignal(route);
    process.on(name, handler);
    closers.push(() => void process.off(name, handler));
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
      for (const route of native) watchers.push(new SignalWatcher(route.signum, guarded(route)));
    } catch (e) {
      for (const w of watchers.splice(0)) w.close();
      const which = native.map((r) => `${r.signum} (${r.sigfunc})`).join(', ');
      log.warn(`signals ${which} cannot be caught and would end this process: ${(e as Error).message}`);
    }
    for (const w of watchers) closers.push(() => w.close());
  }
  return { close: () => closers.splice(0).forEach((c) => c()) };
}
