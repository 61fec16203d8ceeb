// Tracking at run time (keepalived 2.2.7 vrrp_track.c): an instance's
// effective priority and its reasons for FAULT come from everything it
// tracks at once — interfaces (process.ts follows them over rtnetlink),
// vrrp_scripts (ScriptTracker), track_files (TrackFileWatcher) and
// vrrp_track_processes (ProcessWatcher) — and are recomputed whenever any of
// them changes, so an event of one kind never wipes the weight of another.
// An unweighted script that has not answered yet holds its instance in FAULT
// without a notify (instance.ts awaitingFault). Each change of a script, a
// file or a process's quorum is logged with the effective priority of every
// instance tracking it, before and after, and the peer's when one was
// heard: a weight too small to cross the peer's priority shows at once.
// trackedObjects() is the read-only view for `tskad status`.
import type { Config } from '../config/schema/index.js';
import type { Tracked, VrrpInstance } from '../config/schema/vrrp.js';
import type { Logger } from '../observe/log.js';
import { awaitingFault, type VrrpRuntime } from '../vrrp/instance.js';
import type { Scheduler } from '../vrrp/scheduler.js';
import type { TrackResult } from '../vrrp/track-interface.js';
import type { ScriptGate } from './script-gate.js';
import type { RunRequest, ScriptResult } from './script-runner.js';
import { describeEffect, scriptDefinitions, ScriptTracker, type PriorityEffect, type ScriptChange } from './script-tracker.js';
import { fileContribution, filesResult } from './track-file.js';
import { TrackFileWatcher, type FileValueChange } from './track-file-watcher.js';
import { processContribution, processDefinition, processesResult } from './track-process.js';
import { ProcessWatcher, type ProcessWatcherOptions, type QuorumChange } from './track-process-watcher.js';
import { FILE_KIND, mergeTracking, PROCESS_KIND, SCRIPT_KIND, type TrackedWeight, type TrackingKind } from './tracking.js';
import { scriptContribution, scriptsResult } from './vrrp-script.js';

type SyncGroupConfig = Config['vrrpSyncGroup'][number];

/** One running instance, with what it tracks as configured. */
export interface TrackingMember {
  readonly vrrp: VrrpRuntime;
  readonly instance: VrrpInstance;
  /** its sync group, and whether some member of the group is an address owner */
  readonly group?: { readonly config: SyncGroupConfig; readonly hasOwner: boolean };
  /** what its tracked interfaces say now */
  interfaces(): TrackResult;
}

export interface TrackingPorts {
  readonly log: Logger;
  readonly gate: ScriptGate;
  run(req: RunRequest): Promise<ScriptResult>;
  readonly scheduler?: Scheduler;
  /** where processes are read and how changes arrive (default: /proc, the kernel's process events) */
  readonly processes?: Pick<ProcessWatcherOptions, 'source' | 'events'>;
}

interface Follow {
  readonly member: TrackingMember;
  readonly scripts: readonly TrackedWeight[];
  readonly files: readonly TrackedWeight[];
  readonly processes: readonly TrackedWeight[];
}

/** One tracked object as one instance sees it now. */
export interface TrackedObjectView {
  readonly instance: string;
  readonly kind: 'script' | 'file' | 'process';
  readonly name: string;
  /** script: it succeeds (undefined until its first result); process: it has its quorum; file: undefined (see value) */
  readonly up: boolean | undefined;
  /** a track_file's number */
  readonly value?: number;
  /** a process's matching processes */
  readonly count?: number;
  /** the instance's weight for it: 0 means FAULT */
  readonly weight: number;
  readonly reverse: boolean;
  /** what it adds to the instance's priority now */
  readonly adds: number;
  /** it holds the instance in FAULT now */
  readonly fault: boolean;
}

type Defined = ReadonlyMap<string, { readonly weight: number; readonly reverse: boolean }>;

export class VrrpTracking {
  private readonly follows: readonly Follow[];
  private readonly scripts: ScriptTracker;
  private readonly files: TrackFileWatcher;
  private readonly processes: ProcessWatcher;

  constructor(config: Config, members: readonly TrackingMember[], private readonly ports: TrackingPorts) {
    const { log } = ports;
    const scriptWeights: Defined = new Map(config.vrrpScript.map((s) => [s.name, { weight: s.weight.value, reverse: s.weight.reverse }]));
    const fileWeights: Defined = new Map(config.trackFile.map((f) => [f.name, { weight: f.weight.value, reverse: f.weight.reverse }]));
    const processWeights: Defined = new Map(config.vrrpTrackProcess.map((p) => [p.name, { weight: p.weight.value, reverse: p.weight.reverse }]));
    const merged = members.map((m) => ({
      member: m,
      scripts: this.merge(SCRIPT_KIND, m, m.instance.trackScript, m.group?.config.trackScript, scriptWeights),
      files: this.merge(FILE_KIND, m, m.instance.trackFile, m.group?.config.trackFile, fileWeights),
      processes: this.merge(PROCESS_KIND, m, m.instance.trackProcess, m.group?.config.trackProcess, processWeights),
    }));

    const defs = scriptDefinitions(config, new Set(merged.flatMap((f) => f.scripts.map((s) => s.name))), (s, what, user) => ports.gate.verdict(s, what, user), log);
    // keepalived removes a disabled script from the instances tracking it (vrrp.c check_vrrp_script_security)
    const runnable = new Set(defs.map((d) => d.name));
    this.follows = merged.map((f) => ({ ...f, scripts: f.scripts.filter((s) => runnable.has(s.name)) }));
    this.scripts = new ScriptTracker(defs, { run: ports.run, log, apply: (c) => this.scriptChanged(c), ...(ports.scheduler && { scheduler: ports.scheduler }) });

    const trackedFiles = new Set(this.follows.flatMap((f) => f.files.map((t) => t.name)));
    const fileDefs = config.trackFile.filter((f) => trackedFiles.has(f.name)).map((f) => ({ name: f.name, path: f.file, ...(f.initFile && { initFile: f.initFile }) }));
    this.files = new TrackFileWatcher(fileDefs, log);
    this.files.on('change', (c) => this.fileChanged(c));

    const trackedProcesses = new Set(this.follows.flatMap((f) => f.processes.map((t) => t.name)));
    const processDefs = config.vrrpTrackProcess.filter((p) => trackedProcesses.has(p.name)).flatMap((p) => processDefinition(p) ?? []);
    const receiveBuffer = config.globalDefs.processMonitorRcvBufs;
    this.processes = new ProcessWatcher(processDefs, {
      log,
      ...(ports.scheduler && { scheduler: ports.scheduler }),
      ...(receiveBuffer !== undefined && { receiveBuffer }),
      ...ports.processes,
    });
    this.processes.on('change', (c) => this.processChanged(c));
    // keepalived's words, reverse or not (vrrp_track.c initialise_process_tracking_priorities)
    for (const f of this.follows) {
      for (const t of f.processes) {
        if (processContribution(t, this.processes.up(t.name)).fault) log.info({ instance: f.member.vrrp.name, process: t.name }, `(${f.member.vrrp.name}) entering FAULT state (tracked process ${t.name} quorum not achieved)`);
      }
    }
  }

  /** Starts the scripts (their first runs begin now) and following processes. */
  start(): void {
    this.scripts.start();
    this.processes.start();
  }

  /** What every instance's tracked scripts, files and processes say now. */
  trackedObjects(): TrackedObjectView[] {
    return this.follows.flatMap((f) => {
      const instance = f.member.vrrp.name;
      const view = (kind: TrackedObjectView['kind'], t: TrackedWeight, c: { weight: number; fault: boolean }, more: Partial<TrackedObjectView>): TrackedObjectView => ({
        instance,
        kind,
        name: t.name,
        up: undefined,
        weight: t.weight,
        reverse: t.reverse,
        adds: c.weight,
        fault: c.fault,
        ...more,
      });
      return [
        ...f.scripts.map((t) => {
          const status = this.scripts.status(t.name);
          return view('script', t, scriptContribution(t, status), status === 'unknown' ? {} : { up: status === 'ok' });
        }),
        ...f.files.map((t) => view('file', t, fileContribution(t, this.files.value(t.name)), { value: this.files.value(t.name) })),
        ...f.processes.map((t) => {
          const up = this.processes.up(t.name);
          return view('process', t, processContribution(t, up), { up, count: this.processes.count(t.name) });
        }),
      ];
    });
  }

  /** Recomputes every instance (after an interface event, and before the instances start). */
  refresh(): void {
    for (const f of this.follows) this.recompute(f);
  }

  /** Stops scheduling scripts (running ones are left to the runner) and watching files. */
  stop(): void {
    this.scripts.stop();
    this.files.close();
    this.processes.close();
  }

  private merge(kind: TrackingKind, m: TrackingMember, own: readonly Tracked[], group: readonly Tracked[] | undefined, defined: Defined): readonly TrackedWeight[] {
    const g = m.group;
    const { tracked, notes } = mergeTracking(kind, {
      name: m.vrrp.name,
      entries: own,
      owner: m.vrrp.plan.owner,
      defined,
      ...(g && { group: { name: g.config.name, entries: group ?? [], trackingWeight: g.config.syncGroupTrackingWeight || g.config.globalTracking, hasOwner: g.hasOwner } }),
    });
    for (const note of notes) this.ports.log.info({ instance: m.vrrp.name }, note);
    return tracked;
  }

  private recompute(f: Follow): void {
    const i = f.member.interfaces();
    const s = scriptsResult(f.scripts, (n) => this.scripts.status(n));
    const t = filesResult(f.files, (n) => this.files.value(n));
    const p = processesResult(f.processes, (n) => this.processes.up(n));
    f.member.vrrp.applyTracking({
      weight: i.weight + s.weight + t.weight + p.weight,
      faults: [...i.faults, ...s.faults, ...t.faults, ...p.faults, ...s.pending.map((n) => awaitingFault(`script ${n}`))],
    });
  }

  /** Recomputes one instance and says what that did, with what the changed object now contributes. */
  private effect(f: Follow, contribution: { readonly weight: number; readonly fault: boolean }): PriorityEffect {
    const { vrrp } = f.member;
    const before = vrrp.priority;
    this.recompute(f);
    const peer = vrrp.peerPriority;
    return { instance: vrrp.name, before, after: vrrp.priority, ...contribution, ...(peer !== undefined && { peerPriority: peer }) };
  }

  private scriptChanged(c: ScriptChange): PriorityEffect[] {
    return this.follows.flatMap((f) => {
      const entry = f.scripts.find((s) => s.name === c.script);
      return entry ? [this.effect(f, scriptContribution(entry, c.to))] : [];
    });
  }

  private fileChanged(c: FileValueChange): void {
    for (const f of this.follows) {
      const entry = f.files.find((t) => t.name === c.name);
      if (!entry) continue;
      const e = this.effect(f, fileContribution(entry, c.to));
      const what = `(${e.instance}) track_file ${c.name} is now ${c.to}`;
      this.ports.log.info({ file: c.name, value: c.to, ...e }, e.fault ? `${what}: FAULT while it holds this value` : describeEffect(what, e));
    }
  }

  private processChanged(c: QuorumChange): void {
    for (const f of this.follows) {
      const entry = f.processes.find((t) => t.name === c.name);
      if (!entry) continue;
      const e = this.effect(f, processContribution(entry, c.up));
      const what = `(${e.instance}) tracked process ${c.name} quorum ${c.up ? 'gained' : 'lost'} (${c.count} running)`;
      this.ports.log.info({ process: c.name, up: c.up, count: c.count, ...e }, e.fault ? `${what}: FAULT while it lasts` : describeEffect(what, e));
    }
  }
}
