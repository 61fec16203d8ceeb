// vrrp_track_process (keepalived.conf(5) "vrrp_track_process"; keepalived
// 2.2.7 core/track_process.c, vrrp_parser.c vrrp_tprocess_*). Pure: which
// processes a definition matches, and how the number of matching processes
// turns into "quorum gained" / "quorum lost".
//
// Matching: without full_command the process name is compared with the
// kernel's comm (/proc/PID/stat, 15 characters at most); with it, with argv[0]
// of /proc/PID/cmdline. Parameters on the `process` line, or param_match,
// imply full_command. param_match compares the arguments as keepalived does,
// as one NUL-separated string: exact (all of them), partial (the first n),
// initial (the first n-1, and the n-th as a prefix).
//
// Quorum: up while quorum <= count <= quorum_max. keepalived only looks at
// the count crossing a bound. A fork of a counted process that brings the
// count into range waits fork_delay; an exit that takes it out waits
// terminate_delay; an exit during a pending fork delay (or a fork during a
// pending terminate delay) cancels it with no change. A process that starts
// matching or stops matching (exec, a changed comm) changes the state at once.
import type { Config } from '../config/schema/index.js';
import { contribution } from '../vrrp/track-interface.js';
import type { TrackedWeight } from './tracking.js';

export type ParamMatch = 'none' | 'exact' | 'partial' | 'initial';

export interface ProcessDefinition {
  readonly name: string;
  /** compared with comm, or with argv[0] when fullCommand */
  readonly path: string;
  readonly params: readonly string[];
  readonly paramMatch: ParamMatch;
  readonly fullCommand: boolean;
  readonly quorum: number;
  /** Infinity when not configured (keepalived's UINT_MAX) */
  readonly quorumMax: number;
  readonly forkDelayMs: number;
  readonly terminateDelayMs: number;
  readonly weight: number;
  readonly reverse: boolean;
}

type TrackProcessConfig = Config['vrrpTrackProcess'][number];

export function processDefinition(p: TrackProcessConfig): ProcessDefinition | undefined {
  if (!p.process) return undefined;
  const { command, params } = p.process;
  const paramMatch: ParamMatch = p.paramMatch ?? (params.length > 0 ? 'exact' : 'none');
  const quorumMax = p.quorumMax ?? Number.POSITIVE_INFINITY;
  const ms = (s: number | undefined) => Math.round((s ?? 0) * 1000);
  return {
    name: p.name,
    path: command,
    params,
    paramMatch,
    fullCommand: p.fullCommand || paramMatch !== 'none',
    // vrrp_parser.c: quorum_max 0 means "up while none runs"
    quorum: quorumMax === 0 ? 0 : p.quorum,
    quorumMax,
    forkDelayMs: ms(p.forkDelay ?? p.delay),
    terminateDelayMs: ms(p.terminateDelay ?? p.delay),
    weight: p.weight.value,
    reverse: p.weight.reverse,
  };
}

/** One process as /proc shows it. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** the kernel's name of the process (prctl PR_SET_NAME) */
  readonly comm: string;
  /** /proc/PID/cmdline, when some definition needs it */
  readonly argv?: readonly string[];
  /** zombie or dead: no longer counted */
  readonly gone: boolean;
}

const joined = (args: readonly string[]): string => args.map((a) => `${a}\0`).join('');

/** keepalived's check_params: the arguments, NUL-joined, against the configured ones. */
function paramsMatch(d: ProcessDefinition, args: readonly string[]): boolean {
  const want = joined(d.params);
  const have = joined(args);
  if (d.paramMatch === 'exact') return have === want;
  if (have.length < want.length) return false;
  if (d.paramMatch === 'partial') return have.startsWith(want);
  // initial: the last configured argument is a prefix (its NUL is not compared)
  return have.startsWith(want.slice(0, -1));
}

export function matches(d: ProcessDefinition, p: ProcessInfo): boolean {
  if (p.gone) return false;
  const name = d.fullCommand ? p.argv?.[0] : p.comm;
  if (name !== d.path) return false;
  return d.paramMatch === 'none' || paramsMatch(d, p.argv?.slice(1) ?? []);
}

export type QuorumTimer = 'fork' | 'terminate';

export interface QuorumState {
  /** matching processes now */
  readonly count: number;
  readonly up: boolean;
  /** a pending fork_delay / terminate_delay */
  readonly timer?: QuorumTimer;
}

export interface QuorumStep {
  readonly state: QuorumState;
  /** start this timer (replacing any pending one); a pending timer absent from `state` is cancelled */
  readonly arm?: QuorumTimer;
}

const inRange = (d: ProcessDefinition, count: number): boolean => count >= d.quorum && count <= d.quorumMax;

export const initialQuorum = (d: ProcessDefinition, count: number): QuorumState => ({ count, up: inRange(d, count) });

/** How a matching process came or went. */
export type Arrival = 'fork' | 'match';
export type Departure = 'exit' | 'mismatch';

const settle = (count: number, up: boolean): QuorumStep => ({ state: { count, up } });

/** One more matching process: by a fork of a counted one, or a process that now matches (exec, comm, first seen). */
export function added(d: ProcessDefinition, s: QuorumState, how: Arrival): QuorumStep {
  const count = s.count + 1;
  if (count !== d.quorum && count !== d.quorumMax + 1) return { state: { ...s, count } };
  const up = count === d.quorum;
  if (how === 'match') return s.timer === 'fork' ? { state: { count, up, timer: 'fork' } } : settle(count, up);
  if (s.timer === 'terminate') return settle(count, s.up);
  if (d.forkDelayMs > 0) return { state: { count, up: s.up, timer: 'fork' }, arm: 'fork' };
  return settle(count, up);
}

/** One matching process fewer: it exited, or no longer matches. */
export function removed(d: ProcessDefinition, s: QuorumState, how: Departure): QuorumStep {
  const count = s.count - 1;
  if (s.count !== d.quorum && count !== d.quorumMax) return { state: { ...s, count } };
  const up = count === d.quorumMax;
  if (how === 'mismatch') return s.timer === 'terminate' ? { state: { count, up, timer: 'terminate' } } : settle(count, up);
  if (s.timer === 'fork') return settle(count, s.up);
  if (d.terminateDelayMs > 0) return { state: { count, up: s.up, timer: 'terminate' }, arm: 'terminate' };
  return settle(count, up);
}

/** A fork_delay or terminate_delay ran out: the count decides. */
export const timerFired = (d: ProcessDefinition, s: QuorumState): QuorumStep => settle(s.count, inRange(d, s.count));

/** A fresh count after lost events (keepalived reinitialise_track_processes): losing quorum still waits terminate_delay. */
export function recounted(d: ProcessDefinition, s: QuorumState, count: number): QuorumStep {
  const up = inRange(d, count);
  if (up || up === s.up) return settle(count, up);
  return d.terminateDelayMs > 0 ? { state: { count, up: s.up, timer: 'terminate' }, arm: 'terminate' } : settle(count, up);
}

/**
 * What a tracked process adds, as a tracked interface does (keepalived 2.2.7
 * vrrp_track.c process_update_track_process_status): weight 0 is a FAULT
 * without quorum (with `reverse`: with it); a positive weight is added with
 * quorum, a negative one without; `reverse` flips the sign.
 */
export const processContribution = (t: Pick<TrackedWeight, 'name' | 'weight' | 'reverse'>, up: boolean): { weight: number; fault: boolean } => contribution(t, up);

/** The fault reason a process gives, as the FSM's FAULT set holds it. */
export const processFault = (t: Pick<TrackedWeight, 'name' | 'reverse'>): string => `tracked process ${t.name} quorum ${t.reverse ? 'achieved' : 'not achieved'}`;

/** The weight and faults of an instance's tracked processes, given whether each has its quorum. */
export function processesResult(tracked: readonly TrackedWeight[], upOf: (name: string) => boolean): { weight: number; faults: string[] } {
  let weight = 0;
  const faults: string[] = [];
  for (const t of tracked) {
    const c = processContribution(t, upOf(t.name));
    weight += c.weight;
    if (c.fault) faults.push(processFault(t));
  }
  return { weight, faults };
}
