// vrrp_sync_group: instances that change state together, as keepalived
// 2.2.7 does it (keepalived/vrrp/vrrp_sync.c, the TSM table in
// vrrp_scheduler.c, down_instance / try_up_instance in vrrp_track.c and
// vrrp_scheduler.c):
//  - a member whose master-down timer runs out becomes MASTER only if every
//    other member wants MASTER too (or the group already is MASTER);
//    otherwise it waits another Master_Down_Interval;
//  - when one member becomes MASTER, every BACKUP member follows;
//  - when a MASTER member falls back to BACKUP, every MASTER member follows;
//  - while any member has a fault of its own, every member is in FAULT; when
//    the last one clears, all leave FAULT together.
//  - on reload, a group over members already running starts from their
//    states: MASTER when all of them are (vrrp.c vrrp_complete_init).
// The rules are pure functions of the members' states and wishes; SyncGroup
// applies them to running instances (instance.ts), one reaction at a time.
import type { Logger } from '../observe/log.js';
import type { VrrpState } from './fsm.js';
import { SYNC_GROUP_FAULT, type GroupGate, type TransitionRecord, type VrrpRuntime } from './instance.js';

export type GroupState = 'BACKUP' | 'MASTER' | 'FAULT';
/** keepalived's wantstate: where the member would be, were it not in a group */
export type Want = 'MASTER' | 'BACKUP' | 'FAULT';

export interface MemberView {
  readonly name: string;
  readonly state: VrrpState;
  readonly wants: Want;
  readonly owner: boolean;
  /** a fault of its own (not the group's) */
  readonly ownFaulty: boolean;
}

export type SyncCommand =
  | { readonly member: string; readonly goto: 'MASTER' | 'BACKUP' }
  | { readonly member: string; readonly fault: boolean };

export interface GroupStep {
  readonly state: GroupState;
  readonly commands: readonly SyncCommand[];
  /** keepalived's log line for the group's change, if it changed */
  readonly message?: string;
}

/**
 * keepalived starts a group in MASTER only when every member is an address
 * owner that wants it; otherwise every member that wants MASTER is made to
 * want BACKUP (vrrp.c vrrp_complete_init), so `state MASTER` in a group of
 * non-owners waits the full Master_Down_Interval like BACKUP (seen in the lab).
 */
export function initialWants(members: ReadonlyArray<{ readonly owner: boolean; readonly wants: 'MASTER' | 'BACKUP' }>): Want[] {
  const allMaster = members.every((m) => m.owner && m.wants === 'MASTER');
  return members.map((m) => (allMaster ? m.wants : 'BACKUP'));
}

/** MASTER when every member wants MASTER (so all are owners, see initialWants), else BACKUP; faults come after (vrrp_sync_set_group). */
export const initialGroupState = (members: readonly MemberView[]): GroupState =>
  members.every((m) => m.owner && m.wants === 'MASTER') ? 'MASTER' : 'BACKUP';

/** After a reload: MASTER when every member already is, FAULT when one has a fault of its own, else BACKUP. */
export const runningGroupState = (members: readonly MemberView[]): GroupState =>
  members.some((m) => m.ownFaulty) ? 'FAULT' : members.every((m) => m.state === 'MASTER') ? 'MASTER' : 'BACKUP';

/** vrrp_sync_can_goto_master: prefer BACKUP, to avoid thrashing, until everyone wants MASTER. */
export const mayBecomeMaster = (state: GroupState, members: readonly MemberView[], name: string): boolean =>
  state === 'MASTER' || members.every((m) => m.name === name || m.wants === 'MASTER');

/** The group's reaction to one member's state change (keepalived's TSM: *→MASTER syncs to MASTER, MASTER→BACKUP to BACKUP). */
export function afterTransition(state: GroupState, members: readonly MemberView[], name: string, from: VrrpState, to: VrrpState): GroupStep {
  const others = members.filter((m) => m.name !== name);
  if (to === 'MASTER' && state !== 'MASTER') {
    return { state: 'MASTER', commands: others.filter((m) => m.state === 'BACKUP').map((m) => ({ member: m.name, goto: 'MASTER' })), message: 'Syncing instances to MASTER state' };
  }
  if (from === 'MASTER' && to === 'BACKUP' && state !== 'BACKUP') {
    return { state: 'BACKUP', commands: others.filter((m) => m.state === 'MASTER').map((m) => ({ member: m.name, goto: 'BACKUP' })), message: 'Syncing instances to BACKUP state' };
  }
  return { state, commands: [] };
}

/** The group's reaction to a member's own fault starting or ending (down_instance → vrrp_sync_fault, try_up_instance). */
export function afterFaultChange(state: GroupState, members: readonly MemberView[]): GroupStep {
  const faulty = members.some((m) => m.ownFaulty);
  if (faulty && state !== 'FAULT') {
    return { state: 'FAULT', commands: members.map((m) => ({ member: m.name, fault: true })), message: 'Syncing instances to FAULT state' };
  }
  if (!faulty && state === 'FAULT') {
    return { state: 'BACKUP', commands: members.map((m) => ({ member: m.name, fault: false })), message: 'Syncing instances to BACKUP state' };
  }
  return { state, commands: [] };
}

/** A sync group over running instances. Reactions run one after another, never inside each other. */
export class SyncGroup implements GroupGate {
  private current: GroupState;
  private readonly wants = new Map<VrrpRuntime, Want>();
  private readonly pending: Array<() => void> = [];
  private reacting = false;
  private readonly unsubscribe: Array<() => void> = [];

  /** `running`: the members are already running (a reload), so the group takes their states rather than the configured ones. */
  constructor(
    readonly name: string,
    readonly members: readonly VrrpRuntime[],
    private readonly log: Logger,
    o: { readonly running?: boolean } = {},
  ) {
    const wants = initialWants(members.map((m) => ({ owner: m.plan.owner, wants: m.plan.initialState })));
    members.forEach((m, k) => {
      this.wants.set(m, o.running && m.state !== 'INIT' ? m.state : wants[k]!);
      m.joinGroup(this);
      const onTransition = (t: TransitionRecord) => this.react(() => this.onTransition(m, t));
      const onOwnFault = () => this.react(() => this.apply(afterFaultChange(this.current, this.views())));
      m.on('transition', onTransition);
      m.on('ownFault', onOwnFault);
      this.unsubscribe.push(() => {
        m.off('transition', onTransition);
        m.off('ownFault', onOwnFault);
        m.leaveGroup(this);
      });
    });
    this.current = o.running ? runningGroupState(this.views()) : initialGroupState(this.views());
    // a member faulty before it joined takes the group to FAULT now; after a reload, one the old group held in FAULT leaves it if nobody here is faulty
    if (o.running && this.current !== 'FAULT') {
      for (const m of members) m.setFault(SYNC_GROUP_FAULT, false);
    }
    this.react(() => this.apply(afterFaultChange(o.running && this.current === 'FAULT' ? 'BACKUP' : this.current, this.views())));
    const owners = members.filter((m) => m.plan.owner).length;
    if (owners > 0 && owners < members.length) {
      log.error({ group: name }, `Sync group ${name} has some member(s) as address owner and some not as address owner. This won't work.`);
    }
  }

  get state(): GroupState {
    return this.current;
  }

  start(): void {
    for (const m of this.members) m.start();
  }

  /** Lets go of the members (a reload replaces the group); their states are left as they are. */
  close(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  mayBecomeMaster(member: VrrpRuntime): boolean {
    this.wants.set(member, 'MASTER');
    return mayBecomeMaster(this.current, this.views(), member.name);
  }

  heldInBackup(member: VrrpRuntime): void {
    this.wants.set(member, 'BACKUP');
  }

  private view(m: VrrpRuntime): MemberView {
    return { name: m.name, state: m.state, wants: this.wants.get(m)!, owner: m.plan.owner, ownFaulty: m.ownFaulty };
  }

  private views(): MemberView[] {
    return this.members.map((m) => this.view(m));
  }

  private onTransition(m: VrrpRuntime, t: TransitionRecord): void {
    // startup leaves the wish as configured (`state MASTER` still wants MASTER); INIT is not a wish
    if (t.to === 'FAULT' || (t.from !== 'INIT' && t.to !== 'INIT')) this.wants.set(m, t.to);
    this.apply(afterTransition(this.current, this.views(), m.name, t.from, t.to));
  }

  /** Queues a reaction; the first caller runs the queue, so a command's own transitions are handled after it. */
  private react(reaction: () => void): void {
    this.pending.push(reaction);
    if (this.reacting) return;
    this.reacting = true;
    try {
      for (let r = this.pending.shift(); r; r = this.pending.shift()) r();
    } finally {
      this.reacting = false;
    }
  }

  private apply(s: GroupStep): void {
    this.current = s.state;
    if (s.message) this.log.info({ group: this.name, state: s.state }, `VRRP_Group(${this.name}) ${s.message}`);
    for (const c of s.commands) {
      const m = this.members.find((x) => x.name === c.member)!;
      if ('fault' in c) m.setFault(SYNC_GROUP_FAULT, c.fault);
      else if (c.goto === 'MASTER') {
        this.wants.set(m, 'MASTER');
        m.syncToMaster(this.name);
      } else {
        this.wants.set(m, 'BACKUP');
        m.syncToBackup(this.name);
      }
    }
  }
}
