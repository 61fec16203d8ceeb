// What the VRRP process tells the world about its instances and sync groups
// (keepalived 2.2.7 vrrp_notify.c, vrrp_scheduler.c vrrp_init_state,
// vrrp_sync.c, vrrp_daemon.c): it follows the running instances and groups
// and hands each change to the Notifier (notify.ts), which runs the scripts,
// writes the FIFOs and sends the mail.
//  - Each transition of an instance is reported; its INIT at shutdown is
//    not: STOP is reported for every instance, then every group, at shutdown.
//  - A FAULT held only by scripts that have not answered yet is not
//    reported (keepalived's silent "FAULT STATE (init)"); FAULT is reported
//    once a real reason holds the instance or its group.
//  - keepalived's order: the instance that changed, then the members its
//    group moved, then the group. So the instance listeners here are
//    attached before the sync groups attach theirs (process.ts builds the
//    groups after this), and the groups are looked at once the reaction to
//    a member's event has run its course: the events a group reacts to are
//    bracketed, and the outermost bracket's end is that moment.
//  - At startup a group in BACKUP or FAULT reports it before any instance.
//  - A lower-priority advert heard as MASTER runs notify_master_rx_lower_pri;
//    with notify_priority_changes, priority changes go to the FIFOs.
//  - A reload replaces this object: the old one lets go of the instances
//    (detach), reports DELETED (or FAULT, keepalived's default) for the
//    instances that went, and the new one starts from the groups' present
//    states, so a group that did not change reports nothing.
import { notifyPriorityChanges, smtpAlert } from '../config/effective-vrrp.js';
import { globalSmtpAlert } from '../config/effective-global.js';
import type { HostEnv } from '../config/hostcheck.js';
import type { Script } from '../config/schema/common.js';
import type { NotifyFifo as FifoConfig } from '../config/schema/global.js';
import type { Config } from '../config/schema/index.js';
import type { VrrpInstance } from '../config/schema/vrrp.js';
import { scriptArgv } from '../config/script.js';
import type { Logger } from '../observe/log.js';
import { isAwaitingFault, SYNC_GROUP_FAULT, type InstanceEvents, type TransitionRecord, type VrrpRuntime } from '../vrrp/instance.js';
import type { GroupState, SyncGroup } from '../vrrp/sync-group.js';
import { NotifyFifo } from './fifo.js';
import { Notifier, notifyScripts, type NotifySubject } from './notify.js';
import type { ScriptGate } from './script-gate.js';
import type { RunRequest, ScriptResult } from './script-runner.js';
import { resolveUserSpec } from './script-user.js';
import { configuredMailer, type Mailer } from './smtp.js';

type SyncGroupConfig = Config['vrrpSyncGroup'][number];

export interface NotifyMember {
  readonly vrrp: VrrpRuntime;
  readonly instance: VrrpInstance;
  readonly group?: SyncGroupConfig;
}

export interface NotificationPorts {
  readonly log: Logger;
  readonly gate: ScriptGate;
  readonly env: HostEnv;
  run(req: RunRequest): Promise<ScriptResult>;
}

/** A reason for FAULT worth reporting: not the group's, not a script still to answer. */
const ownRealFault = (v: VrrpRuntime): boolean => [...v.faults].some((f) => f !== SYNC_GROUP_FAULT && !isAwaitingFault(f));

export class VrrpNotifications {
  private readonly notifier: Notifier;
  private readonly fifos: NotifyFifo[];
  private readonly mailer: Mailer | undefined;
  private readonly subjects = new Map<VrrpRuntime, NotifySubject>();
  private readonly groupOf = new Map<VrrpRuntime, SyncGroup>();
  private readonly groupSubjects = new Map<SyncGroup, NotifySubject>();
  /** the state each group last reported; undefined while it has reported none (keepalived's group INIT) */
  private readonly groupReported = new Map<SyncGroup, GroupState | undefined>();
  /** instances in FAULT that have not reported it: only scripts yet to answer hold them */
  private readonly held = new Set<VrrpRuntime>();
  /** groups report nothing before announceGroups() */
  private started = false;
  /** how many member events a sync group may still be reacting to */
  private reacting = 0;
  private readonly enter = (): void => void this.reacting++;
  private readonly leave = (): void => {
    if (--this.reacting === 0) this.lookAtGroups();
  };
  /** undoes every listener this object attached */
  private readonly detachers: Array<() => void> = [];

  constructor(
    private readonly config: Config,
    private readonly members: readonly NotifyMember[],
    private readonly ports: NotificationPorts,
  ) {
    const g = config.globalDefs;
    this.fifos = [this.openFifo(g.notifyFifo, g.notifyFifoScript, '', 'notify_fifo_script'), this.openFifo(g.vrrpNotifyFifo, g.vrrpNotifyFifoScript, 'vrrp_', 'vrrp_notify_fifo_script')].filter(
      (f): f is NotifyFifo => f !== undefined,
    );
    this.mailer = configuredMailer(g, ports.log);
    this.notifier = new Notifier({
      run: ports.run,
      runAsOf: (s, what) => ports.gate.verdict(s, what),
      fifos: this.fifos,
      ...(this.mailer && { mailer: this.mailer }),
      noEmailFaults: g.noEmailFaults,
      log: ports.log,
    });
    for (const m of members) this.watchInstance(m);
  }

  /** Follows the sync groups; call once they exist (after the constructor, see the header). */
  watchGroups(groups: readonly SyncGroup[]): void {
    const g = this.config.globalDefs;
    for (const sg of groups) {
      const config = this.config.vrrpSyncGroup.find((c) => c.name === sg.name)!;
      const subject: NotifySubject = { type: 'GROUP', name: sg.name, config, smtpAlert: config.smtpAlert ?? globalSmtpAlert(g, 'vrrp') ?? false };
      this.groupSubjects.set(sg, subject);
      this.judgeScripts(subject);
      for (const m of sg.members) {
        this.groupOf.set(m, sg);
        // around every listener, the group's included
        for (const event of ['transition', 'ownFault'] as const) {
          m.prependListener(event, this.enter);
          m.on(event, this.leave);
          this.detachers.push(() => {
            m.off(event, this.enter);
            m.off(event, this.leave);
          });
        }
        this.listen(m, 'faults', () => this.reacting === 0 && this.lookAtGroups());
      }
    }
  }

  /** Startup: each group in BACKUP, or in a FAULT worth reporting, says so before its instances start (vrrp_init_state). */
  announceGroups(): void {
    this.started = true;
    for (const [sg, subject] of this.groupSubjects) {
      const silent = sg.state === 'FAULT' && !sg.members.some(ownRealFault);
      this.groupReported.set(sg, silent ? undefined : sg.state);
      if (!silent && sg.state !== 'MASTER') void this.notifier.group(subject, sg.state);
    }
  }

  /** After a reload: the groups start from their present states, and only those `isNew` says are new report theirs now. */
  resumeGroups(isNew: (group: SyncGroup) => boolean): void {
    this.started = true;
    for (const [sg, subject] of this.groupSubjects) {
      const silent = sg.state === 'FAULT' && !sg.members.some(ownRealFault);
      this.groupReported.set(sg, silent ? undefined : sg.state);
      if (isNew(sg) && !silent) void this.notifier.group(subject, sg.state);
    }
  }

  /**
   * An instance the reload removed: DELETED with notify_deleted, else FAULT,
   * unless it was in FAULT already (keepalived clear_diff_vrrp).
   */
  deleted(v: VrrpRuntime): Promise<void> {
    const subject = this.subjects.get(v);
    if (!subject || (v.state === 'FAULT' && subject.config.notifyDeleted === undefined)) return Promise.resolve();
    return this.notifier.instance(subject, 'DELETED', v.priority);
  }

  /** Lets go of the instances and groups (a reload hands them to a new VrrpNotifications); close() still to be called. */
  detach(): void {
    for (const d of this.detachers.splice(0)) d();
  }

  /** STOP for every instance, then every group; resolves when their scripts ended (at most 1 s) and the mail went. */
  shutdown(): Promise<void> {
    const instances = this.members.map((m) => ({ subject: this.subjects.get(m.vrrp)!, priority: m.vrrp.priority }));
    return this.notifier.shutdown(instances, [...this.groupSubjects.values()]);
  }

  close(): void {
    for (const f of this.fifos) f.close();
    this.mailer?.close();
  }

  private watchInstance(m: NotifyMember): void {
    const g = this.config.globalDefs;
    const subject: NotifySubject = { type: 'INSTANCE', name: m.vrrp.name, config: m.instance, smtpAlert: smtpAlert(m.instance, g) };
    this.subjects.set(m.vrrp, subject);
    this.judgeScripts(subject);
    this.listen(m.vrrp, 'transition', (t) => this.onTransition(m.vrrp, t));
    this.listen(m.vrrp, 'faults', () => this.onFaults(m.vrrp));
    this.listen(m.vrrp, 'lowerPriority', (r) => this.notifier.rxLowerPriority(subject, r.priority));
    if (notifyPriorityChanges(m.instance, m.group, g)) this.listen(m.vrrp, 'priority', (p) => this.notifier.priorityChanged(m.vrrp.name, m.vrrp.state, p.to));
  }

  private listen<E extends keyof InstanceEvents>(v: VrrpRuntime, event: E, listener: (...args: InstanceEvents[E]) => void): void {
    const l = listener as never;
    v.on(event, l);
    this.detachers.push(() => void v.off(event, l));
  }

  /** Refusals are logged at startup, not at the first transition that would run the script. */
  private judgeScripts(s: NotifySubject): void {
    for (const { keyword, script } of notifyScripts(s.config)) this.ports.gate.verdict(script, `${keyword} of ${s.name}`);
  }

  private onTransition(v: VrrpRuntime, t: TransitionRecord): void {
    if (t.to === 'INIT') return;
    if (t.to === 'FAULT' && !this.faultWorthReporting(v)) {
      this.held.add(v);
      return;
    }
    this.held.delete(v);
    this.report(v, t.to, t.priority);
  }

  /** A FAULT held back is reported once a real reason holds the instance (keepalived: the script's first failure). */
  private onFaults(v: VrrpRuntime): void {
    if (v.state !== 'FAULT' || !this.held.has(v) || !this.faultWorthReporting(v)) return;
    this.held.delete(v);
    this.report(v, 'FAULT', v.priority);
  }

  private faultWorthReporting(v: VrrpRuntime): boolean {
    const sg = this.groupOf.get(v);
    return ownRealFault(v) || (sg !== undefined && v.faults.has(SYNC_GROUP_FAULT) && sg.members.some(ownRealFault));
  }

  private report(v: VrrpRuntime, state: 'MASTER' | 'BACKUP' | 'FAULT', priority: number): void {
    const sg = this.groupOf.get(v);
    const reported = sg && this.groupReported.get(sg);
    void this.notifier.instance(this.subjects.get(v)!, state, priority, reported ? { state: reported } : undefined);
  }

  private lookAtGroups(): void {
    if (!this.started) return;
    for (const [sg, subject] of this.groupSubjects) {
      const state = sg.state;
      if (state === this.groupReported.get(sg)) continue;
      if (state === 'FAULT' && !sg.members.some(ownRealFault)) continue;
      this.groupReported.set(sg, state);
      void this.notifier.group(subject, state);
    }
  }

  /** notify_fifo / vrrp_notify_fifo, with its reader when one is configured and may run; undefined when not configured or not opened. */
  private openFifo(fifo: FifoConfig | undefined, reader: Script | undefined, kind: string, keyword: string): NotifyFifo | undefined {
    if (!fifo) return undefined;
    const { log, gate, env, run } = this.ports;
    const owner = fifo.user === undefined ? undefined : resolveUserSpec({ user: fifo.user, ...(fifo.group !== undefined && { group: fifo.group }) }, env);
    if (owner && !owner.ok) log.error({ fifo: fifo.path }, `${kind}notify_fifo ${fifo.path}: ${owner.why}; it stays owned by the daemon's user`);
    const who = reader && gate.verdict(reader, keyword);
    return NotifyFifo.open({
      path: fifo.path,
      kind,
      run,
      log,
      ...(owner?.ok && { owner: { uid: owner.runAs.uid, gid: owner.runAs.gid } }),
      ...(reader && who?.ok && { reader: { argv: scriptArgv(reader.command, reader.runner), runAs: who.runAs } }),
    });
  }
}
