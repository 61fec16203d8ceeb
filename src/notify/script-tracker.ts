// Runs the tracked vrrp_scripts on their intervals (keepalived 2.2.7
// vrrp_scheduler.c vrrp_script_thread / vrrp_script_child_thread) and
// reports each change of a script's state, with what it did to the
// priorities of the instances tracking it.
//
// A script runs only when some instance or sync group tracks it; the caller
// passes only those. Runs start every `interval` from the previous start,
// whatever they take; the first at start(). A run still going at its next
// tick is not doubled: the next run starts as soon as it ends (keepalived
// 2.2.7 logs "skipping run" and starts another anyway). A run that times out
// is killed with its process group and counts as a failure, even if the
// script catches SIGTERM and exits 0 (keepalived then counts a success).
//
// The runtime owns the priorities: `apply` is its callback, given each change
// and returning what it did to each instance, so the log shows the effective
// priority before and after next to the reason. A weight too small to cross
// the peer's priority — a classic mistake — is then visible at once.
import type { UserSpec } from '../config/hostcheck.js';
import type { Script } from '../config/schema/common.js';
import type { Config } from '../config/schema/index.js';
import { scriptArgv } from '../config/script.js';
import type { Logger } from '../observe/log.js';
import { realScheduler, type Cancel, type Scheduler } from '../vrrp/scheduler.js';
import { describeOutcome, succeeded, type RunAs, type RunRequest, type ScriptResult } from './script-runner.js';
import type { RunAsVerdict } from './script-user.js';
import { afterRun, initialScriptState, type ScriptCounts, type ScriptState, type ScriptStatus } from './vrrp-script.js';

export interface ScriptDefinition {
  readonly name: string;
  readonly argv: readonly string[];
  readonly runAs?: RunAs;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly counts: ScriptCounts;
}

/** One script changed state. */
export interface ScriptChange {
  readonly script: string;
  readonly from: ScriptStatus;
  readonly to: Exclude<ScriptStatus, 'unknown'>;
  /** the run that decided it */
  readonly result: ScriptResult;
}

/** What a change did to one instance tracking the script (the runtime's answer). */
export interface PriorityEffect {
  readonly instance: string;
  /** effective priorities */
  readonly before: number;
  readonly after: number;
  /** the weight the script now contributes, 0 for an unweighted one */
  readonly weight: number;
  /** the script now holds the instance in FAULT */
  readonly fault: boolean;
  /** the priority last advertised by another router, when the instance knows one */
  readonly peerPriority?: number;
}

export interface TrackerPorts {
  run(req: RunRequest): Promise<ScriptResult>;
  readonly log: Logger;
  /** the runtime applies a change to the instances tracking the script */
  apply(change: ScriptChange): readonly PriorityEffect[];
  readonly scheduler?: Scheduler;
}

/**
 * The vrrp_script blocks that something tracks, ready to run. A script that
 * may not run (`runAsOf`, script-gate.ts, logs why) is dropped: keepalived
 * disables it and removes it from the instances tracking it.
 */
export function scriptDefinitions(
  config: Pick<Config, 'vrrpScript'>,
  tracked: ReadonlySet<string>,
  runAsOf: (script: Script, what: string, blockUser?: UserSpec) => RunAsVerdict,
  log: Logger,
): ScriptDefinition[] {
  return config.vrrpScript.flatMap((s) => {
    if (!tracked.has(s.name) || !s.script) return [];
    const who = runAsOf(s.script, `VRRP_Script(${s.name})`, s.user);
    if (!who.ok) {
      log.warn({ script: s.name }, `Disabling track script ${s.name}`);
      return [];
    }
    const interval = (s.interval ?? 1) * 1000;
    return [
      {
        name: s.name,
        argv: scriptArgv(s.script.command, s.script.runner),
        runAs: who.runAs,
        intervalMs: interval,
        // keepalived: timeout 0 (unset) means the interval
        timeoutMs: s.timeout ? s.timeout * 1000 : interval,
        counts: { rise: s.rise ?? 1, fall: s.fall ?? 1, initFail: s.initFail ?? false },
      },
    ];
  });
}

interface Tracked {
  readonly def: ScriptDefinition;
  state: ScriptState;
  /** exit status of the last run that exited, for keepalived's "now returning" */
  lastStatus?: number;
  running: boolean;
  /** a tick came while running: run again when it ends */
  owed: boolean;
  due: number;
  cancel?: Cancel;
}

export class ScriptTracker {
  private readonly scripts = new Map<string, Tracked>();
  private readonly scheduler: Scheduler;
  private stopped = false;

  constructor(
    defs: readonly ScriptDefinition[],
    private readonly ports: TrackerPorts,
  ) {
    this.scheduler = ports.scheduler ?? realScheduler;
    for (const def of defs) this.scripts.set(def.name, { def, state: initialScriptState(def.counts), running: false, owed: false, due: 0 });
  }

  status(name: string): ScriptStatus {
    return this.scripts.get(name)?.state.status ?? 'unknown';
  }

  start(): void {
    const now = this.scheduler.now();
    for (const s of this.scripts.values()) {
      s.due = now;
      this.tick(s);
    }
  }

  /** Stops scheduling; running scripts are left to the runner's killAll. */
  stop(): void {
    this.stopped = true;
    for (const s of this.scripts.values()) s.cancel?.();
  }

  private tick(s: Tracked): void {
    if (this.stopped) return;
    // the next run is due one interval after this one was, not after now: no drift
    s.due += s.def.intervalMs;
    s.cancel = this.scheduler.at(s.due, () => this.tick(s));
    if (s.running) {
      s.owed = true;
      this.ports.log.debug({ script: s.def.name }, `Track script ${s.def.name} is already running, expect idle - running it again when it ends`);
      return;
    }
    this.runOnce(s);
  }

  private runOnce(s: Tracked): void {
    s.running = true;
    s.owed = false;
    const { def } = s;
    this.ports
      .run({ name: `VRRP_Script(${def.name})`, argv: def.argv, timeoutMs: def.timeoutMs, ...(def.runAs && { runAs: def.runAs }) })
      .then((r) => this.finished(s, r))
      .catch((e: Error) => this.ports.log.error({ script: def.name, err: e.message }, `VRRP_Script(${def.name}) run failed: ${e.message}`))
      .finally(() => {
        s.running = false;
        if (s.owed && !this.stopped) this.runOnce(s);
      });
  }

  private finished(s: Tracked, r: ScriptResult): void {
    if (this.stopped) return;
    const { log } = this.ports;
    const name = s.def.name;
    if (r.outcome.kind === 'exited') {
      if (r.outcome.code !== s.lastStatus) log.info({ script: name, status: r.outcome.code }, `Script \`${name}\` now returning ${r.outcome.code}`);
      s.lastStatus = r.outcome.code;
    }
    const from = s.state.status;
    s.state = afterRun(s.def.counts, s.state, succeeded(r));
    const to = s.state.status;
    if (to === from || to === 'unknown') return;

    const how = to === 'ok' ? 'succeeded' : r.outcome.kind === 'timed-out' ? 'timed_out' : `failed (${describeOutcome(r.outcome)})`;
    const output = to === 'failed' && r.output.trim() !== '' ? `: ${r.output.trim().split('\n').slice(-3).join(' | ')}` : '';
    log.info({ script: name, from, to, outcome: r.outcome }, `VRRP_Script(${name}) ${how}${output}`);
    for (const e of this.ports.apply({ script: name, from, to, result: r })) log.info({ script: name, ...e }, effectText(name, to, e));
  }
}

/** `(VI_1) chk_down failed: effective priority 100 -> 80 (weight -20); the peer advertises 90, still above` */
export function effectText(script: string, to: 'ok' | 'failed', e: PriorityEffect): string {
  const what = `(${e.instance}) ${script} ${to === 'ok' ? 'succeeded' : 'failed'}`;
  if (e.fault) return `${what}: FAULT while it ${to === 'ok' ? 'succeeds' : 'fails'} (unweighted track_script)`;
  return describeEffect(what, e);
}

/** What a change (`what`, which names instance and object) did to an instance's effective priority, next to the peer's. */
export function describeEffect(what: string, e: PriorityEffect): string {
  const moved = e.before === e.after ? `effective priority stays ${e.after}` : `effective priority ${e.before} -> ${e.after}`;
  const weight = e.weight === 0 ? '' : ` (weight ${e.weight > 0 ? '+' : ''}${e.weight})`;
  if (e.peerPriority === undefined) return `${what}: ${moved}${weight}`;
  const side = (p: number) => (p > e.peerPriority! ? 'above' : p < e.peerPriority! ? 'below' : 'equal to');
  const crossed = side(e.before) === side(e.after) ? `still ${side(e.after)} it` : `now ${side(e.after)} it`;
  return `${what}: ${moved}${weight}; the peer advertises ${e.peerPriority}, ${crossed}`;
}
