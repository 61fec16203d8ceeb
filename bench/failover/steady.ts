// A pair left alone for a while: the CPU each daemon spends in that window
// and its resident memory (RSS and PSS) at the end, by role — the master sends an advert
// every interval, the backup receives them (RFC 5798 §6.4.2–6.4.3). A
// takeover nobody caused in the window (at 0.02 s, a master silent for
// 72 ms) is counted by the pair. A bare C sleeper at the same interval runs
// beside them (wakeup-floor.c): the machine's floor for the master's jitter.
// A tskad master also says, over its status socket, how many of its timer
// expiries in the window came late and why (vrrp/scheduler.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultRuntimeDir, statusSocketIn } from '../../src/daemon/settings.js';
import { wallClock } from '../../src/lab/command.js';
import type { Daemon } from '../../src/lab/daemon.js';
import { EXPIRY_LATENESS_CAUSES } from '../../src/net/native.js';
import { queryStatus } from '../../src/observe/status-client.js';
import type { TimerStatus } from '../../src/observe/status.js';
import { other, type Pair } from './pair.js';
import { usageOf } from './resources.js';
import type { WakeupFloor } from '../wakeup-floor.js';

export type Role = 'master' | 'backup';

export interface SteadyUsage {
  readonly role: Role;
  /** the window, s */
  readonly seconds: number;
  /** CPU time the daemon (all its processes) used in the window, s */
  readonly cpuSeconds: number;
  /** resident memory of all its processes at the end, KiB */
  readonly rssKiB: number;
  /** their proportional set size at the end (shared pages split among the processes mapping them), KiB */
  readonly pssKiB: number;
}

export interface SteadyWindow {
  /** ms since the epoch */
  readonly from: number;
  readonly to: number;
  readonly usage: readonly SteadyUsage[];
  /** the periods the C sleeper saw in the window, ms */
  readonly floor: readonly number[];
  /** a tskad master's timer expiries in the window, the late ones by why */
  readonly timers?: TimerStatus;
}

/** A tskad daemon's timer counts, from its status socket (beside its pid file). */
const timersOf = async (d: Daemon): Promise<TimerStatus | undefined> => (await queryStatus(statusSocketIn(defaultRuntimeDir(d.files.pidFile, undefined)))).timers;

/** What the counts grew by from `a` to `b`. */
function timersBetween(a: TimerStatus | undefined, b: TimerStatus | undefined): TimerStatus | undefined {
  if (a === undefined || b === undefined) return undefined;
  const late = Object.fromEntries(EXPIRY_LATENESS_CAUSES.map((c) => [c, b.late[c] - a.late[c]])) as TimerStatus['late'];
  return { expiries: b.expiries - a.expiries, lateAfterMs: b.lateAfterMs, late };
}

export async function steadyWindow(pair: Pair, seconds: number, floor: WakeupFloor): Promise<SteadyWindow> {
  const roles = [
    { role: 'master' as const, router: pair.master },
    { role: 'backup' as const, router: other(pair.master) },
  ];
  const pids = roles.map((r) => pair.daemon(r.router).process.pid);
  const master = pair.daemon(pair.master);
  const askTimers = pair.kind === 'tskad' ? () => timersOf(master) : () => Promise.resolve(undefined);
  // asked twice: the status code's first run in the process is cold and may hold an advert back, before the window and its count
  await askTimers();
  const timersBefore = await askTimers();
  const t0 = wallClock();
  const before = pids.map(usageOf);
  const [floorPeriods] = await Promise.all([floor.run(pair.facts.advertInt * 1000, seconds), sleep(seconds * 1000)]);
  const after = pids.map(usageOf);
  const t1 = wallClock();
  const timers = timersBetween(timersBefore, await askTimers());
  for (const { router } of roles) if (!pair.daemon(router).process.running()) throw new Error(`${pair.kind} on ${router} exited in the steady window`);
  const usage = roles.map(({ role }, i) => ({
    role,
    seconds: (t1 - t0) / 1000,
    cpuSeconds: after[i]!.cpuSeconds - before[i]!.cpuSeconds,
    rssKiB: after[i]!.rssKiB,
    pssKiB: after[i]!.pssKiB,
  }));
  await pair.recover();
  return { from: t0, to: t1, usage, floor: floorPeriods, ...(timers && { timers }) };
}
