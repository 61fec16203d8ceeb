// vrrp_script tracking (keepalived.conf(5) vrrp_script; keepalived 2.2.7
// vrrp_scheduler.c vrrp_script_child_thread, vrrp_track.c
// process_script_update_priority / initialise_track_script_state). Pure:
// a script's OK/failed state fed with run results, and what a tracked
// script adds to an instance's priority or whether it holds it in FAULT.
//
// keepalived keeps one counter per script, 0 … rise+fall-1, OK at rise or
// above: from failed, `rise` consecutive successes make it OK; from OK,
// `fall` consecutive failures make it failed. Until its first result a
// script's state is unknown: that first result decides at once.
//
// Weights: 0 means FAULT while the script fails (with `reverse`: while it
// succeeds). A positive weight is added while it succeeds, a negative one
// while it fails; `reverse` flips the sign. An unknown script adds nothing,
// and an unweighted unknown one holds the instance out of service without
// counting as a fault: keepalived then starts it in FAULT but sends no
// notify until the script has answered.
import type { TrackedWeight } from './tracking.js';

export type ScriptStatus = 'unknown' | 'ok' | 'failed';

export interface ScriptCounts {
  /** successes needed to become OK */
  readonly rise: number;
  /** failures needed to become failed */
  readonly fall: number;
  /**
   * start failed. keepalived 2.2.7 documents this but overrides it whenever
   * an instance tracks the script (vrrp_track.c alloc_track_script resets
   * init_state), so there the first result always decides; tskad does what
   * the documentation says.
   */
  readonly initFail: boolean;
}

export interface ScriptState {
  /** keepalived's vscript->result */
  readonly result: number;
  readonly status: ScriptStatus;
}

export function initialScriptState(c: ScriptCounts): ScriptState {
  return c.initFail ? { result: 0, status: 'failed' } : { result: c.rise - 1, status: 'unknown' };
}

/** One run's result; the status changes only when rise or fall is reached (or on the first result). */
export function afterRun(c: ScriptCounts, s: ScriptState, ok: boolean): ScriptState {
  const top = c.rise + c.fall - 1;
  if (ok) {
    if (s.result < c.rise - 1) return { result: s.result + 1, status: s.status };
    return { result: top, status: 'ok' };
  }
  if (s.result > c.rise) return { result: s.result - 1, status: s.status };
  return { result: 0, status: 'failed' };
}

export interface Contribution {
  /** added to the priority */
  readonly weight: number;
  /** holds the instance in FAULT */
  readonly fault: boolean;
  /** an unweighted script that has not answered yet: out of service, without a FAULT notify */
  readonly pending: boolean;
}

/** What one tracked script adds to an instance in a given state. */
export function scriptContribution(t: Pick<TrackedWeight, 'weight' | 'reverse'>, status: ScriptStatus): Contribution {
  if (status === 'unknown') return { weight: 0, fault: false, pending: t.weight === 0 };
  const ok = status === 'ok';
  if (t.weight === 0) return { weight: 0, fault: ok === t.reverse, pending: false };
  const sign = t.reverse ? -1 : 1;
  const applies = ok ? t.weight > 0 : t.weight < 0;
  return { weight: applies ? t.weight * sign : 0, fault: false, pending: false };
}

/** The fault reason a script gives, as the FSM's FAULT set holds it. */
export const scriptFault = (t: TrackedWeight): string => `script ${t.name} ${t.reverse ? 'succeeded' : 'failed'}`;

export interface ScriptsResult {
  /** the sum of the weights that apply now */
  readonly weight: number;
  /** scripts holding the instance in FAULT, as fault reasons */
  readonly faults: readonly string[];
  /** unweighted scripts still unknown */
  readonly pending: readonly string[];
}

/** The weight, faults and pending scripts of an instance, given each script's status. */
export function scriptsResult(tracked: readonly TrackedWeight[], statusOf: (name: string) => ScriptStatus): ScriptsResult {
  let weight = 0;
  const faults: string[] = [];
  const pending: string[] = [];
  for (const t of tracked) {
    const c = scriptContribution(t, statusOf(t.name));
    weight += c.weight;
    if (c.fault) faults.push(scriptFault(t));
    if (c.pending) pending.push(t.name);
  }
  return { weight, faults, pending };
}
