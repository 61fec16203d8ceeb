// Which signal does what, and who gets it: keepalived 2.2.7's table
// (core/main.c signal_init, propagate_signal; keepalived(8) "SIGNALS").
// The supervisor acts on HUP (reload), TERM and INT (stop) and USR1 (its
// own data dump), and relays HUP and USR1 to every child; USR2,
// STATS_CLEAR and JSON only ever reach the VRRP process. The numbers come
// from `--signum` (src/cli/signum.ts), one source for both.
import { constants } from 'node:os';
import { signalNumber } from '../cli/signum.js';

export type SignalFunction = 'STOP' | 'RELOAD' | 'DATA' | 'STATS' | 'STATS_CLEAR' | 'JSON';
export type ChildKind = 'vrrp' | 'checker';

export interface SignalRoute {
  readonly sigfunc: SignalFunction;
  readonly signum: number;
  /**
   * Node's name for it, which process.on() needs; undefined for the
   * real-time signals (JSON, STATS_CLEAR), which Node cannot catch, and
   * whose default action ends the process.
   */
  readonly name: NodeJS.Signals | undefined;
  /** what the supervisor does itself */
  readonly supervisor: 'reload' | 'stop' | 'dump' | undefined;
  /** the children it passes the signal on to */
  readonly relayTo: readonly ChildKind[];
}

const NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

function route(sigfunc: SignalFunction, signum: number, supervisor: SignalRoute['supervisor'], relayTo: readonly ChildKind[]): SignalRoute {
  return { sigfunc, signum, name: NAMES.get(signum), supervisor, relayTo };
}

const num = (f: SignalFunction): number => {
  const n = signalNumber(f);
  if (n === undefined) throw new Error(`no signal number for ${f}`);
  return n;
};

const BOTH: readonly ChildKind[] = ['vrrp', 'checker'];

/** Every signal the daemon handles; SIGINT stops too, though --signum=STOP names SIGTERM. */
export const SIGNAL_ROUTES: readonly SignalRoute[] = [
  route('STOP', num('STOP'), 'stop', []),
  route('STOP', constants.signals.SIGINT, 'stop', []),
  route('RELOAD', num('RELOAD'), 'reload', BOTH),
  route('DATA', num('DATA'), 'dump', BOTH),
  route('STATS', num('STATS'), undefined, ['vrrp']),
  route('STATS_CLEAR', num('STATS_CLEAR'), undefined, ['vrrp']),
  route('JSON', num('JSON'), undefined, ['vrrp']),
];

export function routeOf(signum: number): SignalRoute | undefined {
  return SIGNAL_ROUTES.find((r) => r.signum === signum);
}

/** The signals a process cannot receive through process.on(): each needs a native handler, or it kills the process. */
export const UNCATCHABLE_IN_NODE: readonly SignalRoute[] = SIGNAL_ROUTES.filter((r) => r.name === undefined);
