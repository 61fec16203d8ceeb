// What the isolation bench (issue 4) measures, as data: a master's advert
// period at each advert interval, in the arrangements that tell what the
// process split buys — idle (no checks: the baseline), split (the checker
// load in a process of its own, as the checker child will run), one process
// (tskad's VRRP process and the load sharing an event loop) — for tskad, and
// for keepalived 2.2.7 idle and split as the reference; and the stand-in
// load: how many real servers, how often each is checked, the page size.
import type { ConfigTemplate } from '../../src/lab/config-template.js';
import type { DaemonKind } from '../../src/lab/daemon.js';

export type Arrangement = 'idle' | 'split' | 'one process';

export interface Row {
  readonly kind: DaemonKind;
  readonly arrangement: Arrangement;
}

/** keepalived has no in-process variant to run: its checks live in their own child by design */
export const ROWS: readonly Row[] = [
  { kind: 'tskad', arrangement: 'idle' },
  { kind: 'tskad', arrangement: 'split' },
  { kind: 'tskad', arrangement: 'one process' },
  { kind: 'keepalived', arrangement: 'idle' },
  { kind: 'keepalived', arrangement: 'split' },
];

export interface Interval {
  /** advert_int, s */
  readonly advertInt: number;
  /** the measuring window of each row in each round, s */
  readonly seconds: number;
  /**
   * each round measures every row, in the opposite order to the round
   * before, so that other work on the machine falls on every row alike
   */
  readonly rounds: number;
}

export interface LoadPlan {
  /** real servers, each with one HTTP_GET check */
  readonly servers: number;
  /** keepalived's delay_loop, s */
  readonly delayLoop: number;
  /** the page each real server returns, bytes (digested by every check) */
  readonly bodyBytes: number;
}

export interface Plan {
  readonly name: string;
  readonly intervals: readonly Interval[];
  readonly load: LoadPlan;
  /** from the load's start to the window: JIT compilation done and the heap grown, the checker settles to its steady CPU, s */
  readonly warmupSeconds: number;
  /** both daemons' vrrp_rt_priority (keepalived's keyword: SCHED_RR for the VRRP process); none by default */
  readonly rtPriority?: number;
}

/** 1,000 real servers checked every second: a large LVS director's checker */
export const HEAVY_LOAD: LoadPlan = { servers: 1000, delayLoop: 1, bodyBytes: 4096 };

/** about 11 minutes: 1,500 periods a row at 0.02 s, 60 at 1 s */
export const DEFAULT_PLAN: Plan = {
  name: 'default',
  intervals: [
    { advertInt: 0.02, seconds: 10, rounds: 3 },
    { advertInt: 1, seconds: 20, rounds: 3 },
  ],
  load: HEAVY_LOAD,
  warmupSeconds: 5,
};

/** a smoke run of about a minute and a half */
export const QUICK_PLAN: Plan = {
  name: 'quick',
  intervals: [
    { advertInt: 0.02, seconds: 3, rounds: 1 },
    { advertInt: 1, seconds: 3, rounds: 1 },
  ],
  load: HEAVY_LOAD,
  warmupSeconds: 3,
};

/** the rows in the order round `round` measures them */
export const roundOrder = (round: number): Row[] => (round % 2 === 0 ? [...ROWS] : [...ROWS].reverse());

export const VIP = '192.0.2.200';
export const VRID = 30;

/**
 * One router alone, state MASTER: it takes over soon after it starts
 * (keepalived, vrrp_scheduler.c, listens one advert interval for another
 * master rather than the whole Master_Down_Interval of RFC 5798 §6.4.2).
 */
export function instanceConfig(advertInt: number, rtPriority?: number): ConfigTemplate {
  return {
    routerId: 'bench-isolation',
    ...(rtPriority !== undefined && { globals: [`vrrp_rt_priority ${rtPriority}`] }),
    instances: [{ name: 'VI_ISOLATION', state: 'MASTER', interface: 'eth0', virtualRouterId: VRID, priority: 100, advertInt, version: 3, vips: [`${VIP}/24`] }],
  };
}
