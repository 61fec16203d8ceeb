// The isolation benchmark (issue 4): does a busy checker delay the VRRP
// process's adverts? One router, r1, alone on a bridge with the lab's
// client namespace, which holds the real servers (servers.ts); a capture on
// the bridge stamps every advert. For each advert interval of the plan, each
// row (plan.ts) starts on r1 the daemon — tskad (supervisor and VRRP child)
// or keepalived, VRRP only — with the stand-in checker load (load.ts) in a
// process of its own beside it (started first, and warmed up before the
// daemon starts), or none; or, for tskad, one process running both
// (child.ts). Once r1 is master and the load has warmed up, a window of the
// plan's length gives the advert periods on the wire, the checks made, the
// CPU each side used, and the periods a bare C sleeper beside them saw (the
// machine's floor, wakeup-floor.c). Everything the lab made is gone when this returns
// or throws.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { SHORT_SLICE_NS } from '../../src/daemon/process-tuning.js';
import { requireTools, wallClock } from '../../src/lab/command.js';
import { renderConfig } from '../../src/lab/config-template.js';
import { daemonCommand, startDaemon } from '../../src/lab/daemon.js';
import type { LabProcess } from '../../src/lab/process.js';
import { createLab, type Lab } from '../../src/lab/topology.js';
import { usageOf } from '../failover/resources.js';
import { captureWire, isAdvert, type WireAdvert, type WireCapture } from '../failover/wire.js';
import { buildWakeupFloor, type WakeupFloor } from '../wakeup-floor.js';
import { COUNTERS_PREFIX, READY_LINE, type ChildOptions, type ChildRole, type CountersLine } from './protocol.js';
import type { LoadOptions } from './load.js';
import { instanceConfig, roundOrder, VIP, VRID, type Interval, type LoadPlan, type Plan, type Row } from './plan.js';
import { realServerPage } from './servers.js';

/** one row measured in one round */
export interface RowSample extends Row {
  readonly round: number;
  /** advert_int, ms */
  readonly intervalMs: number;
  /** the window, s */
  readonly seconds: number;
  /** r1's advert periods on the wire in the window, ms */
  readonly periods: readonly number[];
  /** the periods a bare C sleeper at advert_int saw in the window, ms: the machine's floor (wakeup-floor.c) */
  readonly floor: readonly number[];
  /** checks finished per second in the window; 0 idle */
  readonly checksPerSecond: number;
  readonly checksFailed: number;
  /** CPU the daemon's processes used in the window, s per s (with the load, in one process) */
  readonly daemonCpu: number;
  /** CPU the separate checker process used, s per s */
  readonly checkerCpu?: number;
}

export interface IsolationReport {
  readonly plan: string;
  readonly load: LoadPlan;
  /** wall time of the whole run, s */
  readonly seconds: number;
  readonly samples: readonly RowSample[];
}

export interface BenchOptions {
  readonly plan: Plan;
  /** a line per row as it is measured */
  readonly progress?: (line: string) => void;
}

export const BENCH_PREFIX = 'tskad-iso';

const ROUTER = 'r1';
const FIRST_PORT = 10_000;
/** how long a start or a stop may take before the bench gives up */
const SLACK_MS = 15_000;
/** from the VIP's arrival to the window: the takeover's GARPs are sent (RFC 5798 §6.4.1) and the first adverts are out */
const SETTLE_MS = 1000;

const isReady = (text: string): boolean => text === READY_LINE;

/** child.ts beside this module: compiled, or its source under tsx */
const fromSource = import.meta.url.endsWith('.ts');
const CHILD = fileURLToPath(new URL(`./child.${fromSource ? 'ts' : 'js'}`, import.meta.url));
const childCommand = <R extends ChildRole>(role: R, options: ChildOptions[R]): string[] => [
  process.execPath,
  ...(fromSource ? ['--import', import.meta.resolve('tsx')] : []),
  CHILD,
  role,
  JSON.stringify(options),
];

export async function runIsolationBench({ plan, progress = () => undefined }: BenchOptions): Promise<IsolationReport> {
  requireTools({ ip: 'iproute2', tcpdump: 'tcpdump', keepalived: 'keepalived' });
  const t0 = wallClock();
  const samples: RowSample[] = [];
  const floor = buildWakeupFloor(SHORT_SLICE_NS);
  const lab = await createLab({ routers: 1, ipv6: false, prefix: BENCH_PREFIX });
  try {
    const host = lab.client.links[0]!.ipv4;
    const servers = lab.spawn('client', childCommand('servers', { host, firstPort: FIRST_PORT, count: plan.load.servers, bodyBytes: plan.load.bodyBytes }));
    await servers.waitForLine(isReady, SLACK_MS);
    const load: LoadOptions = {
      host,
      firstPort: FIRST_PORT,
      servers: plan.load.servers,
      delayLoopMs: plan.load.delayLoop * 1000,
      digest: realServerPage(plan.load.bodyBytes).digest,
    };
    const wire = await captureWire(lab);
    try {
      for (const interval of plan.intervals) {
        for (let round = 0; round < interval.rounds; round++) {
          for (const row of roundOrder(round)) {
            const result = await measureRow(lab, wire, load, floor, plan, interval, row, round);
            samples.push(result);
            progress(describeRow(result));
          }
        }
      }
    } finally {
      wire.stop();
    }
  } finally {
    await lab.destroy();
    floor.close();
  }
  return { plan: plan.name, load: plan.load, seconds: (wallClock() - t0) / 1000, samples };
}

/** What runs on r1 for a row: the VRRP side (whose CPU is the daemon's), and the checker when apart. */
interface Running {
  readonly vrrp: LabProcess;
  readonly checker?: LabProcess;
  /** every process stopped cleanly (a master sends priority 0 and releases its VIP, RFC 5798 §6.4.3) */
  stop(): Promise<void>;
}

/**
 * Starts a row's processes, each also added to `started` as it starts (for
 * the kill if anything fails). A separate checker comes first and warms up:
 * in its first seconds JIT compilation and a heap still growing cost it
 * twice the CPU it settles to, and every row's window should see the load
 * as it runs for good.
 */
async function start(lab: Lab, load: LoadOptions, row: Row, conf: string, warmupMs: number, started: LabProcess[]): Promise<Running> {
  if (row.arrangement === 'one process') {
    const vrrp = lab.spawn(ROUTER, childCommand('vrrp-and-checker', { load, configFile: conf, logFile: join(lab.dir, 'one-process.log') }));
    started.push(vrrp);
    return { vrrp, stop: () => terminate(vrrp) };
  }
  let checker: LabProcess | undefined;
  if (row.arrangement === 'split') {
    checker = lab.spawn(ROUTER, childCommand('checker', load));
    started.push(checker);
    await checker.waitForLine(isReady, SLACK_MS);
    await sleep(warmupMs);
  }
  const daemon = startDaemon(lab, ROUTER, { command: daemonCommand(row.kind), config: { file: conf } });
  started.push(daemon.process);
  return {
    vrrp: daemon.process,
    ...(checker && { checker }),
    stop: async () => {
      if (checker) await terminate(checker);
      await daemon.stop('SIGTERM', SLACK_MS);
      for (const file of [daemon.files.pidFile, daemon.files.vrrpPidFile, daemon.files.checkersPidFile]) rmSync(file, { force: true });
    },
  };
}

async function terminate(p: LabProcess): Promise<void> {
  p.signal('SIGTERM');
  // unref'd: a process that exits in time leaves no timer holding the bench's own exit back
  const late = sleep(SLACK_MS, 'late' as const, { ref: false });
  if ((await Promise.race([p.exited, late])) === 'late') {
    p.killTree();
    throw new Error(`${p.argv.slice(0, 4).join(' ')} was still running ${SLACK_MS} ms after SIGTERM`);
  }
}

async function measureRow(lab: Lab, wire: WireCapture, load: LoadOptions, floor: WakeupFloor, plan: Plan, interval: Interval, row: Row, round: number): Promise<RowSample> {
  if (await lab.holds(ROUTER, VIP)) throw new Error(`${ROUTER} holds ${VIP} before ${row.kind} ${row.arrangement} starts`);
  const conf = join(lab.dir, `${row.kind}-${interval.advertInt}.conf`);
  writeFileSync(conf, renderConfig(instanceConfig(interval.advertInt, plan.rtPriority)));
  const warmupMs = plan.warmupSeconds * 1000;
  const elected = await lab.watchAddress(ROUTER, VIP, true, warmupMs + interval.advertInt * 4000 + SLACK_MS);
  const what = `${row.kind} ${row.arrangement} at ${interval.advertInt} s`;
  const started: LabProcess[] = [];
  try {
    const running = await start(lab, load, row, conf, warmupMs, started);
    await elected.at;
    if (row.arrangement === 'one process') {
      // the load starts once the VRRP process has: it warms up now
      await running.vrrp.waitForLine(isReady, SLACK_MS);
      await sleep(warmupMs);
    } else await sleep(SETTLE_MS);
    const loaded = row.arrangement === 'one process' ? running.vrrp : running.checker;

    const from = wallClock();
    const before = usageOf(running.vrrp.pid);
    const checkerBefore = running.checker && usageOf(running.checker.pid);
    const [floorPeriods] = await Promise.all([floor.run(interval.advertInt * 1000, interval.seconds), sleep(interval.seconds * 1000)]);
    const after = usageOf(running.vrrp.pid);
    const checkerAfter = running.checker && usageOf(running.checker.pid);
    const to = wallClock();
    for (const p of [running.vrrp, running.checker]) if (p && !p.running()) throw new Error(`${what}: ${p.argv[0]} exited in the window:\n${tail(p)}`);
    await running.stop();

    const seconds = (to - from) / 1000;
    const intervalMs = interval.advertInt * 1000;
    const source = lab.node(ROUTER).links[0]!.ipv4;
    const adverts = wire.events.filter(isAdvert).filter((a) => a.at >= from && a.at <= to && a.vrid === VRID && a.source === source);
    const checks = loaded ? checksIn(loaded, from, to) : { perSecond: 0, failed: 0 };
    return {
      ...row,
      round,
      intervalMs,
      seconds,
      periods: periodsOf(adverts),
      floor: floorPeriods,
      checksPerSecond: checks.perSecond,
      checksFailed: checks.failed,
      daemonCpu: (after.cpuSeconds - before.cpuSeconds) / seconds,
      ...(checkerBefore && checkerAfter && { checkerCpu: (checkerAfter.cpuSeconds - checkerBefore.cpuSeconds) / seconds }),
    };
  } catch (e) {
    for (const p of started) p.killTree();
    throw new Error(`${what}: ${(e as Error).message}${started.map((p) => `\n${tail(p)}`).join('')}`);
  } finally {
    // what a killed daemon left: the next row starts without a VIP
    if (await lab.holds(ROUTER, VIP)) await lab.exec(ROUTER, ['ip', 'addr', 'del', `${VIP}/24`, 'dev', 'eth0']);
  }
}

/**
 * The gaps between the master's consecutive adverts, ms (RFC 5798 §6.4.3:
 * one every Advertisement_Interval). One master throughout, so every gap
 * counts, however long: an advert late by an interval or more is what
 * isolation is meant to prevent.
 */
const periodsOf = (adverts: readonly WireAdvert[]): number[] => adverts.slice(1).map((a, i) => a.at - adverts[i]!.at);

/** The checks a checker finished between its first counters inside the window and its last. */
function checksIn(p: LabProcess, from: number, to: number): { perSecond: number; failed: number } {
  const lines = p.lines.flatMap((l) => (l.text.startsWith(COUNTERS_PREFIX) ? [JSON.parse(l.text.slice(COUNTERS_PREFIX.length)) as CountersLine] : [])).filter((c) => c.at >= from && c.at <= to);
  const first = lines[0];
  const last = lines.at(-1);
  if (!first || !last || last.at === first.at) throw new Error(`${p.argv.slice(0, 4).join(' ')} printed too few counters in the window`);
  return { perSecond: ((last.checks - first.checks) * 1000) / (last.at - first.at), failed: last.failed - first.failed };
}

const tail = (p: LabProcess): string =>
  p.lines
    .slice(-8)
    .map((l) => `    ${l.text}`)
    .join('\n');

function describeRow(r: RowSample): string {
  const worstMs = r.periods.reduce((m, p) => Math.max(m, Math.abs(p - r.intervalMs)), 0);
  return `${`${r.intervalMs / 1000} s`.padEnd(6)} round ${r.round + 1} ${r.kind.padEnd('keepalived'.length)} ${r.arrangement.padEnd('one process'.length)}  ${String(r.periods.length).padStart(5)} periods, worst ${worstMs.toFixed(3)} ms off; ${r.checksPerSecond.toFixed(0)} checks/s (${r.checksFailed} failed)`;
}
