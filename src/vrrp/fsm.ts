// The VRRP state machine of one virtual router (RFC 5798 §6, RFC 3768 §6),
// with keepalived's FAULT state and its extensions (preempt_delay,
// lower-priority re-assertion, GARP bursts). Pure: time is an input, effects
// are returned as actions for the edge to carry out. Every state change goes
// through `transition`, which emits the one Transition action the edge logs,
// counts and notifies on.

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';

export type MasterReason =
  | 'startup-owner'
  | 'startup'
  | 'resumed'
  | 'master-down-timer'
  | 'preempt'
  | 'higher-priority-advert'
  | 'fault'
  | 'fault-cleared'
  | 'shutdown';

/** The instance's protocol parameters, resolved from the configuration. */
export interface VrrpParams {
  readonly version: 2 | 3;
  /** configured priority; 255 = address owner */
  readonly basePriority: number;
  /** Advertisement_Interval, ms */
  readonly advertInt: number;
  readonly preempt: boolean;
  /** ms; 0 = none */
  readonly preemptDelay: number;
  /** keepalived's down_timer_adverts (RFC: 3) */
  readonly downTimerAdverts: number;
  /** keepalived's lower_prio_no_advert: a MASTER ignores lower-priority adverts (RFC behaviour) */
  readonly lowerPrioNoAdvert: boolean;
  /** send one advert before yielding to a higher-priority master */
  readonly higherPrioSendAdvert: boolean;
  /** GARP/NA burst on becoming MASTER: count, and the delay (ms) of the second burst; 0 = none */
  readonly garpMasterRepeat: number;
  readonly garpMasterDelay: number;
  /** after a lower-priority advert was heard */
  readonly garpLowerPrioRepeat: number;
  readonly garpLowerPrioDelay: number;
  /** periodic refresh while MASTER, ms; 0 = off */
  readonly garpMasterRefresh: number;
  readonly garpMasterRefreshRepeat: number;
  /** our primary address as bytes, for the equal-priority tie-break (RFC 5798 §6.4.3) */
  readonly primaryAddress: Uint8Array;
}

export type TimerKind = 'adver' | 'masterDown' | 'garp' | 'garpRefresh';

export type VrrpEvent =
  | { readonly type: 'Startup' }
  /** a respawned VRRP process takes back the MASTER role its crashed predecessor held, before any peer could have taken over */
  | { readonly type: 'Resume' }
  | { readonly type: 'AdvertReceived'; readonly priority: number; /** ms */ readonly maxAdverInt: number; readonly source: Uint8Array }
  | { readonly type: 'TimerExpired'; readonly timer: TimerKind }
  | { readonly type: 'PriorityChanged'; readonly effective: number }
  | { readonly type: 'FaultChanged'; readonly fault: boolean; readonly reason: string }
  /** sync group: follow a member to MASTER now, or back to BACKUP without a priority-0 advert (keepalived vrrp_sync_master/backup) */
  | { readonly type: 'SyncToMaster'; readonly reason: string }
  | { readonly type: 'SyncToBackup'; readonly reason: string }
  /** another router also claims priority 255: keepalived demotes itself to 254 for good, then yields */
  | { readonly type: 'OwnerConflict' }
  /** `release` false: keepalived's -V, the VIPs stay and no priority-0 advert is sent */
  | { readonly type: 'Shutdown'; readonly release: boolean };

export type VrrpAction =
  | { readonly type: 'SendAdvert'; readonly priority: number }
  | { readonly type: 'AddVips' }
  | { readonly type: 'DelVips' }
  | { readonly type: 'SendGarp'; readonly repeat: number }
  | { readonly type: 'ArmTimer'; readonly timer: TimerKind; readonly at: number }
  | { readonly type: 'CancelTimer'; readonly timer: TimerKind }
  | { readonly type: 'Transition'; readonly from: VrrpState; readonly to: VrrpState; readonly reason: string }
  | { readonly type: 'LowerPriorityAdvert'; readonly priority: number }
  | { readonly type: 'Ignored'; readonly state: VrrpState; readonly event: VrrpEvent['type'] };

export interface VrrpMachine {
  readonly state: VrrpState;
  /** the configured priority, unless an owner conflict demoted it */
  readonly basePriority: number;
  /** effective priority: base plus tracking weights (255 stays 255) */
  readonly priority: number;
  /** Master_Adver_Interval (ms): the interval the current master advertises (VRRPv3 learns it) */
  readonly masterAdverInt: number;
  /** when preempt_delay allows this BACKUP to preempt a lower-priority master; undefined = not armed */
  readonly preemptAllowedAt?: number;
  /** when the running master-down timer is due, so a priority change can move it */
  readonly masterDownAt?: number;
  /** FAULT is sticky while any reason holds */
  readonly faults: ReadonlySet<string>;
}

export interface Step {
  readonly machine: VrrpMachine;
  readonly actions: readonly VrrpAction[];
}

export const initialMachine = (p: VrrpParams): VrrpMachine => ({
  state: 'INIT',
  basePriority: p.basePriority,
  priority: p.basePriority,
  masterAdverInt: p.advertInt,
  faults: new Set(),
});

/** RFC 5798 §6.1: Skew_Time. VRRPv2 (RFC 3768 §6.1) uses whole seconds: (256 − Priority)/256 s. */
export function skewTime(p: VrrpParams, priority: number, masterAdverInt: number): number {
  return p.version === 2 ? ((256 - priority) * 1000) / 256 : ((256 - priority) * masterAdverInt) / 256;
}

/** RFC 5798 §6.1: Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time (keepalived: down_timer_adverts × …). */
export function masterDownInterval(p: VrrpParams, priority: number, masterAdverInt: number): number {
  const interval = p.version === 2 ? p.advertInt : masterAdverInt;
  return p.downTimerAdverts * interval + skewTime(p, priority, masterAdverInt);
}

const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
};

export function step(p: VrrpParams, m: VrrpMachine, ev: VrrpEvent, now: number): Step {
  const out: VrrpAction[] = [];
  let s: VrrpMachine = m;

  const transition = (to: VrrpState, reason: string) => {
    out.push({ type: 'Transition', from: s.state, to, reason });
    s = { ...s, state: to };
  };
  const armMasterDown = (after: number) => {
    out.push({ type: 'ArmTimer', timer: 'masterDown', at: now + after });
    s = { ...s, masterDownAt: now + after };
  };
  const cancelMasterDown = () => {
    out.push({ type: 'CancelTimer', timer: 'masterDown' });
    s = { ...s, masterDownAt: undefined };
  };
  const sendAdvert = (priority = s.priority) => out.push({ type: 'SendAdvert', priority });
  const armAdver = () => out.push({ type: 'ArmTimer', timer: 'adver', at: now + p.advertInt });

  const becomeMaster = (reason: string) => {
    cancelMasterDown();
    transition('MASTER', reason);
    // RFC 5798 §6.4.2: send an advert, then (§6.4.1) broadcast gratuitous ARP for each VIP
    sendAdvert();
    out.push({ type: 'AddVips' });
    out.push({ type: 'SendGarp', repeat: p.garpMasterRepeat });
    if (p.garpMasterDelay > 0) out.push({ type: 'ArmTimer', timer: 'garp', at: now + p.garpMasterDelay });
    if (p.garpMasterRefresh > 0) out.push({ type: 'ArmTimer', timer: 'garpRefresh', at: now + p.garpMasterRefresh });
    armAdver();
    s = { ...s, preemptAllowedAt: undefined };
  };

  const leaveMaster = () => {
    out.push({ type: 'CancelTimer', timer: 'adver' }, { type: 'CancelTimer', timer: 'garp' }, { type: 'CancelTimer', timer: 'garpRefresh' });
    out.push({ type: 'DelVips' });
  };

  const becomeBackup = (reason: string) => {
    transition('BACKUP', reason);
    armMasterDown(masterDownInterval(p, s.priority, s.masterAdverInt));
  };

  const ignored = () => out.push({ type: 'Ignored', state: s.state, event: ev.type });

  switch (ev.type) {
    case 'Startup': {
      if (s.state !== 'INIT') ignored();
      else if (s.faults.size > 0) transition('FAULT', [...s.faults][0]!);
      // RFC 5798 §6.4.1: the address owner takes over at once; everyone else waits as BACKUP
      else if (s.priority === 255) becomeMaster('startup-owner');
      else becomeBackup('startup');
      break;
    }

    case 'Resume': {
      // as Startup, except that a router that was MASTER a moment ago stays MASTER: the advert goes out now, before the peers' Master_Down_Interval (RFC 5798 §6.4.2) runs out
      if (s.state !== 'INIT') ignored();
      else if (s.faults.size > 0) transition('FAULT', [...s.faults][0]!);
      else becomeMaster('resumed');
      break;
    }

    case 'TimerExpired': {
      if (ev.timer === 'masterDown' && s.state === 'BACKUP') {
        s = { ...s, masterDownAt: undefined };
        becomeMaster('master-down-timer');
      }
      else if (ev.timer === 'adver' && s.state === 'MASTER') {
        sendAdvert();
        armAdver();
      } else if (ev.timer === 'garp' && s.state === 'MASTER') {
        out.push({ type: 'SendGarp', repeat: p.garpMasterRepeat });
      } else if (ev.timer === 'garpRefresh' && s.state === 'MASTER') {
        out.push({ type: 'SendGarp', repeat: p.garpMasterRefreshRepeat });
        out.push({ type: 'ArmTimer', timer: 'garpRefresh', at: now + p.garpMasterRefresh });
      } else ignored();
      break;
    }

    case 'AdvertReceived': {
      if (s.state === 'BACKUP') {
        if (ev.priority === 0) {
          // RFC 5798 §6.4.2: the master is leaving; take over after Skew_Time only
          armMasterDown(skewTime(p, s.priority, s.masterAdverInt));
          break;
        }
        const lower = ev.priority < s.priority;
        // keepalived starts preempt_delay at the first lower-priority advert it hears
        if (lower && p.preempt && p.preemptDelay > 0 && s.preemptAllowedAt === undefined) s = { ...s, preemptAllowedAt: now + p.preemptDelay };
        const delayHolds = lower && s.preemptAllowedAt !== undefined && now < s.preemptAllowedAt;
        if (!p.preempt || !lower || delayHolds) {
          // VRRPv3 learns the master's interval; VRRPv2 requires it to match ours
          const mai = p.version === 3 ? ev.maxAdverInt : s.masterAdverInt;
          s = { ...s, masterAdverInt: mai };
          armMasterDown(masterDownInterval(p, s.priority, mai));
        }
        // else: discard; the master-down timer runs out and this router preempts
        break;
      }
      if (s.state === 'MASTER') {
        if (ev.priority === 0) {
          sendAdvert();
          armAdver();
          break;
        }
        const higher = ev.priority > s.priority || (ev.priority === s.priority && compareBytes(ev.source, p.primaryAddress) > 0);
        if (higher) {
          if (p.higherPrioSendAdvert) sendAdvert();
          leaveMaster();
          s = { ...s, masterAdverInt: p.version === 3 ? ev.maxAdverInt : s.masterAdverInt };
          becomeBackup('higher-priority-advert');
        } else {
          out.push({ type: 'LowerPriorityAdvert', priority: ev.priority });
          if (!p.lowerPrioNoAdvert) {
            // keepalived re-asserts at once, then repairs ARP caches a split may have poisoned
            sendAdvert();
            armAdver();
            out.push({ type: 'SendGarp', repeat: p.garpLowerPrioRepeat });
            if (p.garpLowerPrioDelay > 0) out.push({ type: 'ArmTimer', timer: 'garp', at: now + p.garpLowerPrioDelay });
          }
        }
        break;
      }
      ignored();
      break;
    }

    case 'PriorityChanged': {
      const effective = s.basePriority === 255 ? 255 : Math.min(254, Math.max(1, ev.effective));
      if (effective === s.priority) break;
      const before = s.priority;
      s = { ...s, priority: effective };
      // the new priority is advertised at once, so peers re-elect without waiting an interval
      if (s.state === 'MASTER') {
        sendAdvert();
        armAdver();
      } else if (s.state === 'BACKUP' && s.masterDownAt !== undefined) {
        // keepalived moves a running master-down timer by the change in skew (vrrp_set_effective_priority)
        const shift = masterDownInterval(p, effective, s.masterAdverInt) - masterDownInterval(p, before, s.masterAdverInt);
        armMasterDown(s.masterDownAt + shift - now);
      }
      break;
    }

    case 'SyncToMaster': {
      if (s.state === 'BACKUP') becomeMaster(ev.reason);
      else ignored();
      break;
    }

    case 'SyncToBackup': {
      if (s.state === 'MASTER') {
        leaveMaster();
        becomeBackup(ev.reason);
      } else ignored();
      break;
    }

    case 'OwnerConflict': {
      if (s.basePriority !== 255) break;
      s = { ...s, basePriority: 254, priority: 254 };
      if (s.state === 'MASTER') {
        leaveMaster();
        becomeBackup('owner-conflict');
      }
      break;
    }

    case 'FaultChanged': {
      const faults = new Set(s.faults);
      if (ev.fault) faults.add(ev.reason);
      else faults.delete(ev.reason);
      s = { ...s, faults };
      if (faults.size > 0 && s.state !== 'FAULT' && s.state !== 'INIT') {
        if (s.state === 'MASTER') {
          // keepalived: a MASTER entering FAULT sends priority 0 so the backup takes over at once
          sendAdvert(0);
          leaveMaster();
        } else cancelMasterDown();
        transition('FAULT', ev.reason);
      } else if (faults.size === 0 && s.state === 'FAULT') {
        // the master's interval learnt before the fault is stale (vrrp_state_leave_fault)
        s = { ...s, masterAdverInt: p.advertInt };
        if (s.priority === 255) becomeMaster('fault-cleared');
        else becomeBackup('fault-cleared');
      }
      break;
    }

    case 'Shutdown': {
      if (s.state === 'MASTER') {
        // RFC 5798 §6.4.3: on shutdown send priority 0, then stop
        if (ev.release) sendAdvert(0);
        out.push({ type: 'CancelTimer', timer: 'adver' }, { type: 'CancelTimer', timer: 'garp' }, { type: 'CancelTimer', timer: 'garpRefresh' });
        if (ev.release) out.push({ type: 'DelVips' });
      } else cancelMasterDown();
      transition('INIT', 'shutdown');
      break;
    }
  }
  return { machine: s, actions: out };
}
