// The failover benchmark (issue 3): tskad and keepalived 2.2.7 in one lab —
// two routers and a client on a bridge, in network namespaces — taking
// turns. For each scenario of the plan, each round starts a pair of each
// daemon (the order alternating between rounds), loses its master every way
// the plan lists, times each takeover, and leaves it alone for the steady
// window; the capture on the bridge runs throughout and gives the advert
// periods. Everything the lab made is gone when this returns or throws.
import { SHORT_SLICE_NS } from '../../src/daemon/process-tuning.js';
import { requireTools, wallClock } from '../../src/lab/command.js';
import type { DaemonKind } from '../../src/lab/daemon.js';
import { createLab } from '../../src/lab/topology.js';
import { failover, type FailoverTimes } from './failover.js';
import { startPair, type Pair } from './pair.js';
import { roundOrder, scenarioName, VRID, type Plan, type Scenario } from './plan.js';
import type { TimerStatus } from '../../src/observe/status.js';
import { advertPeriods } from './stats.js';
import { steadyWindow, type SteadyUsage, type SteadyWindow } from './steady.js';
import { portSwitch } from './switch-port.js';
import { captureWire, isAdvert } from './wire.js';
import { buildWakeupFloor } from '../wakeup-floor.js';

interface Measured {
  readonly scenario: string;
  readonly kind: DaemonKind;
}

export interface FailoverSample extends Measured, FailoverTimes {
  readonly round: number;
}

/** one pair's run: its master's advert periods, and what went on unasked */
export interface PairRun extends Measured {
  /** advert_int, ms */
  readonly intervalMs: number;
  /** takeovers nobody caused: a backup taking over from a live master (or a master yielding to it) */
  readonly unsolicited: number;
  /** the master's advert periods on the wire while the pair ran — failovers, restarts and all — ms */
  readonly whole: readonly number[];
  /** those of the steady window alone, when there was one */
  readonly steady: readonly number[];
  /** the periods a bare C sleeper at advert_int saw in the steady window: the machine's floor */
  readonly floor: readonly number[];
  /** a tskad master's timer expiries in the steady window, the late ones by why */
  readonly timers?: TimerStatus;
}

export type SteadySample = Measured & SteadyUsage;

export interface BenchReport {
  readonly plan: string;
  /** wall time of the whole run, s */
  readonly seconds: number;
  readonly scenarios: readonly string[];
  readonly failovers: readonly FailoverSample[];
  readonly runs: readonly PairRun[];
  readonly steady: readonly SteadySample[];
}

export interface BenchOptions {
  readonly plan: Plan;
  /** a line per measurement as it is made */
  readonly progress?: (line: string) => void;
}

export const BENCH_PREFIX = 'tskad-bench';

export async function runFailoverBench({ plan, progress = () => undefined }: BenchOptions): Promise<BenchReport> {
  requireTools({ ip: 'iproute2', tcpdump: 'tcpdump', keepalived: 'keepalived' });
  const t0 = wallClock();
  const failovers: FailoverSample[] = [];
  const runs: PairRun[] = [];
  const steady: SteadySample[] = [];
  const floor = buildWakeupFloor(SHORT_SLICE_NS);
  const lab = await createLab({ routers: 2, ipv6: false, prefix: BENCH_PREFIX });
  try {
    const wire = await captureWire(lab);
    const ports = portSwitch(lab.switchNs);
    try {
      for (const scenario of plan.scenarios) {
        const name = scenarioName(scenario);
        for (let round = 0; round < scenario.rounds; round++) {
          for (const kind of roundOrder(round)) {
            const pair = await startPair(lab, wire, kind, scenario);
            progress(`${name.padEnd(15)} ${kind.padEnd(10)} round ${round + 1}: ${pair.master} master, the other BACKUP, ${((wallClock() - pair.startedAt) / 1000).toFixed(1)} s after the start`);
            for (let c = 0; c < scenario.cyclesPerRound; c++) {
              for (const loss of scenario.losses) {
                const times = await failover(pair, ports, loss);
                failovers.push({ scenario: name, kind, round, ...times });
                progress(describeFailover(name, kind, times));
              }
            }
            const window = scenario.steadySeconds > 0 ? await steadyWindow(pair, scenario.steadySeconds, floor) : undefined;
            for (const u of window?.usage ?? []) steady.push({ scenario: name, kind, ...u });
            runs.push(runOf(pair, scenario, name, window));
            await pair.stop();
          }
        }
      }
    } finally {
      ports.close();
      wire.stop();
    }
  } finally {
    await lab.destroy();
    floor.close();
  }
  return { plan: plan.name, seconds: (wallClock() - t0) / 1000, scenarios: plan.scenarios.map(scenarioName), failovers, runs, steady };
}

function runOf(pair: Pair, scenario: Scenario, name: string, window: SteadyWindow | undefined): PairRun {
  const intervalMs = scenario.advertInt * 1000;
  const adverts = pair.wire.events.filter(isAdvert).filter((a) => a.at >= pair.startedAt && a.vrid === VRID[pair.kind]);
  const steady = window ? adverts.filter((a) => a.at >= window.from && a.at <= window.to) : [];
  return {
    scenario: name,
    kind: pair.kind,
    intervalMs,
    unsolicited: pair.unsolicited,
    whole: advertPeriods(adverts, intervalMs),
    steady: advertPeriods(steady, intervalMs),
    floor: window?.floor ?? [],
    ...(window?.timers && { timers: window.timers }),
  };
}

const ms = (x: number): string => `${x.toFixed(1)} ms`;

function describeFailover(scenario: string, kind: DaemonKind, t: FailoverTimes): string {
  const interval = t.loss === 'SIGTERM' ? 'Skew_Time' : 'Master_Down_Interval';
  const monitor = t.monitorMs > t.vipMs ? ` (monitor ${ms(t.monitorMs)})` : '';
  return `${scenario.padEnd(15)} ${kind.padEnd(10)} ${t.loss.padEnd(8)}  VIP ${ms(t.vipMs).padStart(10)}${monitor}  GARP ${ms(t.garpMs).padStart(10)}  ${interval} ${ms(t.theoryMs)}; lost ${ms(t.leadMs)} after an advert`;
}
