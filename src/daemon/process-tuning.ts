// keepalived's tuning of its VRRP child (global_defs vrrp_priority,
// vrrp_rt_priority, vrrp_rlimit_rttime, vrrp_no_swap, vrrp_cpu_affinity;
// lib/process.c set_process_priorities), applied to tskad's VRRP process
// once it is up. Realtime scheduling is what keeps adverts on time when
// other work competes for the CPUs (bench/isolation).
//
// One deliberate difference: RLIMIT_RTTIME's hard limit, at which the kernel
// kills a realtime process that has not blocked, is never below
// MIN_HARD_RTTIME_US. keepalived's 10 ms default suits its C loop; Node's
// event loop can run longer between blocking calls (a full garbage
// collection, a reload's parse of a large configuration), and a killed VRRP
// process is a failover. The soft limit stays half the configured value and
// its SIGXCPU is logged, as keepalived logs it. Without realtime, the
// process asks for the shortest EEVDF slice (SHORT_SLICE_NS, Linux >= 6.12):
// a short slice lets its timer's wakeup preempt a busy neighbour at once, so
// an advert no longer waits out the other task's slice; the supervisor asks
// for it too, as it passes a stop signal on (measured on 2 vCPUs
// with two busy loops: wakeup lateness p99 3.1 ms with the default slice,
// 0.08-0.22 ms with this one). And vrrp_no_swap is not
// applied, with a warning: V8 releases heap pages with madvise, which the
// kernel refuses for locked pages, and Node then aborts (measured: mlockall,
// even MCL_CURRENT | MCL_ONFAULT, then any garbage collection).
import { setPriority } from 'node:os';
import type { GlobalDefs } from '../config/schema/global.js';
import type { Logger } from '../observe/log.js';
import type { ProcessTuningCalls } from '../net/native.js';

export const MIN_HARD_RTTIME_US = 2_000_000;
/** the kernel's shortest slice; the VRRP process runs far less than this at most wakeups */
export const SHORT_SLICE_NS = 100_000;

export interface ProcessTuning {
  /** nice(2) value, applied when not realtime (keepalived's order) */
  readonly nice: number;
  readonly rtPriority?: number;
  /** configured RLIMIT_RTTIME, µs */
  readonly rlimitRttimeUs: number;
  readonly noSwap: boolean;
  readonly cpuAffinity?: readonly number[];
  /** EEVDF slice, ns, when not realtime */
  readonly sliceNs?: number;
}

export const vrrpTuning = (g: GlobalDefs): ProcessTuning => ({
  nice: g.vrrpPriority,
  ...(g.vrrpRtPriority !== undefined && { rtPriority: g.vrrpRtPriority }),
  rlimitRttimeUs: g.vrrpRlimitRttime,
  noSwap: g.vrrpNoSwap,
  ...(g.vrrpCpuAffinity !== undefined && { cpuAffinity: g.vrrpCpuAffinity }),
  sliceNs: SHORT_SLICE_NS,
});

/** The supervisor's: the short slice alone, for its wakeup passes a stop signal on to the VRRP process (signal-watch.ts). */
export const SUPERVISOR_TUNING: ProcessTuning = { nice: 0, rlimitRttimeUs: 0, noSwap: false, sliceNs: SHORT_SLICE_NS };

/** Applies `t` to this thread; each setting the kernel refuses is logged and the rest still applied, as keepalived does. */
export function applyTuning(t: ProcessTuning, log: Pick<Logger, 'info' | 'warn'>, calls: ProcessTuningCalls, nice: (n: number) => void = (n) => setPriority(n)): void {
  const attempt = (what: string, f: () => void): boolean => {
    try {
      f();
      return true;
    } catch (e) {
      log.warn(`Unable to ${what} - ${(e as Error).message}`);
      return false;
    }
  };
  if (t.rtPriority !== undefined) {
    if (attempt(`set realtime priority ${t.rtPriority}`, () => calls.setRealtime(t.rtPriority!))) {
      process.on('SIGXCPU', () => log.warn(`realtime CPU time limit (vrrp_rlimit_rttime ${t.rlimitRttimeUs} us, soft limit at half) exceeded`));
      attempt('set realtime rlimit', () => calls.setRealtimeLimit(Math.floor(t.rlimitRttimeUs / 2), Math.max(t.rlimitRttimeUs, MIN_HARD_RTTIME_US)));
    }
  } else {
    if (t.nice !== 0) attempt(`set process priority to ${t.nice}`, () => nice(t.nice));
    if (t.sliceNs !== undefined) attempt(`set scheduler slice to ${t.sliceNs} ns`, () => calls.setSlice(t.sliceNs!));
  }
  if (t.noSwap) log.warn('vrrp_no_swap is not applied: Node aborts when its heap is locked in memory');
  if (t.cpuAffinity !== undefined) attempt(`set cpu affinity to ${t.cpuAffinity.join(' ')}`, () => calls.setAffinity(t.cpuAffinity!));
}
