// What a VRRP state change tells the world, in keepalived 2.2.7's order
// (vrrp/vrrp_notify.c send_instance_notifies / send_group_notifies /
// send_event_notify / notify_shutdown; checked against keepalived 2.2.7 with
// recording scripts, test/netns/notify-keepalived.test.ts):
//  1. the state's own script (notify_master/backup/fault/stop/deleted), run
//     with exactly the configured command;
//  2. the generic `notify`, with `INSTANCE|GROUP NAME STATE PRIORITY`
//     appended (an instance's effective priority; 0 for a group);
//  3. the FIFO line `INSTANCE "NAME" STATE PRIORITY`;
//  4. the alert mail, when smtp_alert is on, the state differs from the last
//     one mailed, and no_email_faults does not rule it out.
// notify_master_rx_lower_pri runs its script and writes MASTER_RX_LOWER_PRI
// to the FIFO, nothing else; priority changes go to the FIFO only
// (notify_priority_changes). An instance removed by a reload reports FAULT
// unless notify_deleted is set. A sync group member already in its group's
// state sends nothing more.
//
// planNotify() is the pure part; Notifier carries the plan out: scripts
// asynchronously (their exit is logged, never awaited), except the STOP
// scripts at shutdown, which the caller awaits for at most 1 s before they
// are SIGKILLed (keepalived's shutdown timer).
import type { Script } from '../config/schema/common.js';
import { scriptArgv } from '../config/script.js';
import type { Logger } from '../observe/log.js';
import { vrrpFifoLine, type NotifyFifo } from './fifo.js';
import { describeOutcome, succeeded, type RunRequest, type ScriptResult } from './script-runner.js';
import type { RunAsVerdict } from './script-user.js';
import { vrrpAlert, type Alert, type AlertSender } from './alerts.js';

export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED';
export type SubjectType = 'INSTANCE' | 'GROUP';

/** The notify keywords a vrrp_instance or vrrp_sync_group has (the config model's field names). */
export interface NotifyConfig {
  readonly notifyMaster?: Script;
  readonly notifyBackup?: Script;
  readonly notifyFault?: Script;
  readonly notifyStop?: Script;
  readonly notify?: Script;
  /** instances only: present (with or without a script) means DELETED is reported */
  readonly notifyDeleted?: { readonly script?: Script };
  readonly notifyMasterRxLowerPri?: Script;
}

/** Who changed: an instance or a sync group, with its notify settings. */
export interface NotifySubject {
  readonly type: SubjectType;
  readonly name: string;
  readonly config: NotifyConfig;
  /** effective smtp_alert (effective-vrrp.ts smtpAlert) */
  readonly smtpAlert: boolean;
}

export type NotifyAction =
  | { readonly type: 'script'; readonly keyword: string; readonly script: Script; readonly extra: readonly string[]; readonly stop: boolean }
  | { readonly type: 'fifo'; readonly line: string }
  | { readonly type: 'mail'; readonly alert: Alert };

export interface TransitionInput {
  readonly state: NotifyState;
  /** an instance's effective priority; ignored for a group (0) */
  readonly priority: number;
  /** the state last mailed for this subject (keepalived's last_email_state) */
  readonly lastMailed?: NotifyState;
  /** global no_email_faults */
  readonly noEmailFaults: boolean;
}

const SPECIFIC: Readonly<Record<Exclude<NotifyState, 'DELETED'>, { field: keyof NotifyConfig; keyword: string }>> = {
  MASTER: { field: 'notifyMaster', keyword: 'notify_master' },
  BACKUP: { field: 'notifyBackup', keyword: 'notify_backup' },
  FAULT: { field: 'notifyFault', keyword: 'notify_fault' },
  STOP: { field: 'notifyStop', keyword: 'notify_stop' },
};

/** Every script a subject has, with its keyword: to judge them all at startup (script-gate.ts). */
export function notifyScripts(c: NotifyConfig): Array<{ readonly keyword: string; readonly script: Script }> {
  const entries: Array<[string, Script | undefined]> = [
    ...Object.values(SPECIFIC).map(({ field, keyword }): [string, Script | undefined] => [keyword, c[field] as Script | undefined]),
    ['notify', c.notify],
    ['notify_deleted', c.notifyDeleted?.script],
    ['notify_master_rx_lower_pri', c.notifyMasterRxLowerPri],
  ];
  return entries.flatMap(([keyword, script]) => (script ? [{ keyword, script }] : []));
}

/** The state reported: DELETED only for an instance with notify_deleted, FAULT otherwise (keepalived's backward compatibility). */
export function reportedState(s: NotifySubject, state: NotifyState): NotifyState {
  return state === 'DELETED' && (s.type === 'GROUP' || s.config.notifyDeleted === undefined) ? 'FAULT' : state;
}

/** The actions of a state change, in keepalived's order (see the header). */
export function planNotify(s: NotifySubject, t: TransitionInput): NotifyAction[] {
  const state = reportedState(s, t.state);
  const priority = s.type === 'GROUP' ? 0 : t.priority;
  const stop = state === 'STOP';
  const actions: NotifyAction[] = [];
  const specific = state === 'DELETED' ? { script: s.config.notifyDeleted?.script, keyword: 'notify_deleted' } : { script: s.config[SPECIFIC[state].field] as Script | undefined, keyword: SPECIFIC[state].keyword };
  if (specific.script) actions.push({ type: 'script', keyword: specific.keyword, script: specific.script, extra: [], stop });
  if (s.config.notify) actions.push({ type: 'script', keyword: 'notify', script: s.config.notify, extra: [s.type, s.name, state, String(priority)], stop });
  actions.push({ type: 'fifo', line: vrrpFifoLine(s.type, s.name, state, priority) });
  if (s.smtpAlert && !(t.noEmailFaults && state === 'FAULT') && t.lastMailed !== state) actions.push({ type: 'mail', alert: vrrpAlert(s.type, s.name, state) });
  return actions;
}

/** A MASTER heard a lower priority (notify_master_rx_lower_pri): its script verbatim, and the FIFO event. */
export function planRxLowerPriority(s: NotifySubject, priority: number): NotifyAction[] {
  const script = s.config.notifyMasterRxLowerPri;
  return [
    ...(script ? [{ type: 'script' as const, keyword: 'notify_master_rx_lower_pri', script, extra: [], stop: false }] : []),
    { type: 'fifo', line: vrrpFifoLine('INSTANCE', s.name, 'MASTER_RX_LOWER_PRI', priority) },
  ];
}

/** notify_priority_changes: the FIFO event MASTER_PRIORITY (as MASTER) or BACKUP_PRIORITY (any other state). */
export const planPriorityChange = (name: string, state: string, priority: number): NotifyAction[] => [
  { type: 'fifo', line: vrrpFifoLine('INSTANCE', name, state === 'MASTER' ? 'MASTER_PRIORITY' : 'BACKUP_PRIORITY', priority) },
];

// ---------------------------------------------------------------- carrying plans out

/** keepalived reaps STOP scripts for 1 s at shutdown, then kills them */
export const STOP_LIMIT_MS = 1000;

export interface NotifierPorts {
  run(req: RunRequest): Promise<ScriptResult>;
  /** whether a script may run, and as whom (script-gate.ts); `what` names it: `notify_master of VI_1` */
  runAsOf(script: Script, what: string): RunAsVerdict;
  /** notify_fifo and vrrp_notify_fifo, those that opened */
  readonly fifos: readonly NotifyFifo[];
  readonly mailer?: AlertSender;
  readonly noEmailFaults: boolean;
  readonly log: Logger;
}

/** A member of a sync group: keepalived sends nothing more once it is in its group's state. */
export interface GroupContext {
  /** the group's state when the member's change is reported */
  readonly state: NotifyState;
}

export class Notifier {
  private readonly lastMailed = new Map<string, NotifyState>();
  /** instances that have sent their notifies at least once (keepalived's notifies_sent) */
  private readonly sent = new Set<string>();

  constructor(private readonly ports: NotifierPorts) {}

  /** An instance changed state; resolves when its STOP scripts ended (other scripts are not awaited). */
  instance(s: NotifySubject, state: NotifyState, priority: number, group?: GroupContext): Promise<void> {
    const key = `INSTANCE ${s.name}`;
    if (group && this.sent.has(key) && group.state === reportedState(s, state)) return Promise.resolve();
    this.sent.add(key);
    return this.transition(key, s, state, priority);
  }

  group(s: NotifySubject, state: NotifyState): Promise<void> {
    return this.transition(`GROUP ${s.name}`, s, state, 0);
  }

  rxLowerPriority(s: NotifySubject, priority: number): void {
    void this.carryOut(s.name, planRxLowerPriority(s, priority));
  }

  priorityChanged(name: string, state: string, priority: number): void {
    void this.carryOut(name, planPriorityChange(name, state, priority));
  }

  /** Shutdown: STOP for every instance, then every group; resolves when their scripts ended (at most STOP_LIMIT_MS) and the mail went. */
  async shutdown(instances: ReadonlyArray<{ subject: NotifySubject; priority: number }>, groups: readonly NotifySubject[]): Promise<void> {
    const deadline = performance.now() + STOP_LIMIT_MS;
    const done = [...instances.map((i) => this.transition(`INSTANCE ${i.subject.name}`, i.subject, 'STOP', i.priority)), ...groups.map((g) => this.transition(`GROUP ${g.name}`, g, 'STOP', 0))];
    await Promise.all(done);
    await this.ports.mailer?.flush(Math.max(0, deadline - performance.now()));
  }

  private transition(key: string, s: NotifySubject, state: NotifyState, priority: number): Promise<void> {
    const actions = planNotify(s, { state, priority, noEmailFaults: this.ports.noEmailFaults, ...(this.lastMailed.has(key) && { lastMailed: this.lastMailed.get(key)! }) });
    for (const a of actions) if (a.type === 'mail') this.lastMailed.set(key, reportedState(s, state));
    return this.carryOut(s.name, actions);
  }

  private carryOut(name: string, actions: readonly NotifyAction[]): Promise<void> {
    const stops: Array<Promise<unknown>> = [];
    for (const a of actions) {
      if (a.type === 'script') {
        const run = this.runScript(name, a);
        if (a.stop) stops.push(run);
      } else if (a.type === 'fifo') {
        for (const f of this.ports.fifos) f.write(a.line);
      } else this.ports.mailer?.send(a.alert);
    }
    return Promise.all(stops).then(() => undefined);
  }

  private async runScript(name: string, a: Extract<NotifyAction, { type: 'script' }>): Promise<void> {
    const { log } = this.ports;
    const what = `${a.keyword} of ${name}`;
    const who = this.ports.runAsOf(a.script, what);
    if (!who.ok) {
      log.error({ instance: name, keyword: a.keyword }, `${what} not run: ${who.why}`);
      return;
    }
    const r = await this.ports.run({
      name: what,
      argv: scriptArgv(a.script.command, a.script.runner, a.extra),
      runAs: who.runAs,
      ...(a.stop && { timeoutMs: STOP_LIMIT_MS, timeoutSignal: 'SIGKILL' as const }),
    });
    const output = r.output.trim() === '' ? '' : `: ${r.output.trim().split('\n').slice(-3).join(' | ')}`;
    const fields = { instance: name, keyword: a.keyword, outcome: r.outcome, durationMs: Math.round(r.durationMs) };
    if (succeeded(r)) log.debug(fields, `${what} ${describeOutcome(r.outcome)}${output}`);
    else log.warn(fields, `${what} ${describeOutcome(r.outcome)}${output}`);
  }
}
