// One running VRRP instance: drives the pure state machine (fsm.ts) with
// events — startup, received adverts that pass the receiver's checks
// (RFC 5798 §7.1, advert-check.ts), timer expiry, priority and fault
// changes, shutdown — and carries out its actions through ports: adverts
// (§5, packet.ts) to the group or the unicast peers, the VIPs and excluded
// VIPs in the kernel, gratuitous ARP / unsolicited NA bursts (§6.4.1), and
// one timer per kind at absolute monotonic times. Every state change passes
// through `funnel`, which logs keepalived's line `(VI_1) Entering MASTER
// STATE` with a structured record, counts it and tells listeners; so do the
// other things notify scripts and FIFOs report: a change of effective
// priority, of the reasons for FAULT, and a lower-priority advert heard as
// MASTER.
//
// A reload (reload.ts) reconfigures a running instance in place: its state,
// timers and VIPs carry on, the VIP list edits alone reach the kernel.
//
// Timers do not drift: a timer's follow-up is due one interval after the
// previous due time, not after the moment the callback happened to run,
// unless that was more than LATE_EXPIRY_MS late (expireNow).
//
// A step's wire and kernel work goes first: the advert, encoded in
// advance, leaves and the first VIP request is made on the step's own
// stack; its log lines and listeners (notify scripts among them) follow
// (holding()). keepalived adds the VIPs and sends the GARPs before it
// notifies too (vrrp.c vrrp_state_become_master); its log lines cost it
// microseconds, ours a JSON record each.
import { EventEmitter } from 'node:events';
import { ipToBytes } from '../net/ip.js';
import type { AddressSpec } from '../net/rtnl-address.js';
import { createLogger, type Logger } from '../observe/log.js';
import { checkAdvert, REJECTION_COUNTER, type ReceiveParams, type Rejection } from './advert-check.js';
import { initialMachine, masterDownInterval, step, type TimerKind, type VrrpAction, type VrrpEvent, type VrrpMachine, type VrrpParams, type VrrpState } from './fsm.js';
import { COUNTER_OF, decodeAdvert, encodeAdvert, isDecodeError, textAddrs, type Advert, type ChecksumVariant, type DecodeError } from './packet.js';
import type { InstancePlan } from './params.js';
import { vipEdits } from './reload.js';
import { LATE_EXPIRY_MS, type Cancel, type Prelude, type Scheduler } from './scheduler.js';
import type { Announcement, PreludeWork } from './timer-prelude.js';
import type { TrackResult } from './track-interface.js';

/** keepalived's statistics names (vrrp.h vrrp_stats, the JSON and SNMP names), plus RFC 6527's version and checksum errors */
export const STAT_NAMES = [
  'advert_rcvd',
  'advert_sent',
  'become_master',
  'release_master',
  'packet_len_err',
  'advert_interval_err',
  'ip_ttl_err',
  'invalid_type_rcvd',
  'addr_list_err',
  'invalid_authtype',
  'authtype_mismatch',
  'auth_failure',
  'pri_zero_rcvd',
  'pri_zero_sent',
  'version_err',
  'checksum_err',
] as const;
export type StatName = (typeof STAT_NAMES)[number];
export type Stats = Record<StatName, number>;

/** One advert: to the group, or to each unicast peer (VRRPv3's checksum covers the destination, RFC 5798 §5.2.8). */
export interface OutgoingAdvert {
  readonly src: string;
  /** unicast_ttl; undefined: 255 (the socket's default for multicast) */
  readonly ttl?: number;
  readonly to: ReadonlyArray<{ readonly dst: string; readonly message: Buffer }>;
}

/** What an instance needs from the world. */
export interface InstancePorts {
  readonly scheduler: Scheduler;
  readonly log: Logger;
  sendAdvert(advert: OutgoingAdvert): Promise<void>;
  addAddress(spec: AddressSpec): Promise<void>;
  removeAddress(spec: AddressSpec): Promise<void>;
  /** one GARP (IPv4) or unsolicited NA (IPv6) per entry, in order, on `dev` */
  announce(dev: string, addresses: readonly string[]): Promise<void>;
  /** `work`, to be done at a timer's expiry before its step (timer-prelude.ts), where the edge can */
  prelude?(work: PreludeWork): Prelude | undefined;
  /** what a stop starts with while this instance is MASTER, its priority-0 advert, to be done by the stop signal's handler; undefined once it is not */
  farewell?(work: PreludeWork | undefined): void;
}

/** What rehearseTakeover's copy does instead of sending and adding: everything short of the system call. */
export interface TakeoverDryRuns {
  readonly sendAdvert?: (advert: OutgoingAdvert) => void;
  readonly addAddress?: (spec: AddressSpec) => void;
}

/** One piece of an instance's kernel and frame work (VrrpRuntime.enqueue). */
interface Effect {
  begun: boolean;
  readonly started: Promise<void>;
  /** settles once this and all the work before it has */
  done: Promise<void>;
}

/** A packet for this instance's VRID, as the socket delivered it. */
export interface IncomingPacket {
  readonly payload: Buffer;
  readonly source: string;
  /** the IP header's source and destination, as bytes (VRRPv3's pseudo-header) */
  readonly srcBytes: Uint8Array;
  readonly dstBytes: Uint8Array;
  /** TTL / hop limit, when known */
  readonly ttl?: number;
  readonly multicast: boolean;
  /** ms since the packet reached the host (its kernel receive stamp); absent or negative when unknown */
  readonly age?: number;
}

export interface TransitionRecord {
  readonly instance: string;
  readonly vrid: number;
  readonly from: VrrpState;
  readonly to: VrrpState;
  readonly reason: string;
  /** effective priority at the transition (what keepalived's notify passes) */
  readonly priority: number;
}

/** A sync group's say in when a member may become MASTER (sync-group.ts). */
export interface GroupGate {
  /** the member's master-down timer ran out, so it wants MASTER: may it go now? */
  mayBecomeMaster(member: VrrpRuntime): boolean;
  /** an advert from a live master holds the member in BACKUP: it no longer wants MASTER */
  heldInBackup(member: VrrpRuntime): void;
}

/** A MASTER heard another router advertise a lower priority (keepalived's MASTER_RX_LOWER_PRI). */
export interface LowerPriorityRecord {
  /** our effective priority */
  readonly priority: number;
  /** the one advertised */
  readonly heard: number;
  readonly source: string;
}

export interface InstanceEvents {
  transition: [TransitionRecord];
  /** the instance's own faults (not its group's) started or ended */
  ownFault: [boolean];
  /** the set of reasons for FAULT changed (each start and end of one) */
  faults: [ReadonlySet<string>];
  priority: [{ readonly from: number; readonly to: number }];
  lowerPriority: [LowerPriorityRecord];
}

/** The fault reason a sync group puts on every member while any member is faulty. */
export const SYNC_GROUP_FAULT = 'sync group';
/** The fault reason while the interface has no address to send adverts from. */
export const NO_ADDRESS_FAULT = 'no address';

const AWAITING = 'awaiting ';
/**
 * A reason that holds an instance in FAULT without being one to announce: an
 * unweighted tracked script that has not answered yet. keepalived starts
 * such an instance in "FAULT STATE (init)" and sends no notify until the
 * script answers (vrrp_track.c num_script_init, vrrp_scheduler.c vrrp_init_state).
 */
export const awaitingFault = (what: string): string => `${AWAITING}${what}`;
export const isAwaitingFault = (reason: string): boolean => reason.startsWith(AWAITING);

const emptyStats = (): Stats => Object.fromEntries(STAT_NAMES.map((n) => [n, 0])) as Stats;

/** keepalived's wording for each receiver rejection (vrrp.c vrrp_check_packet). */
function rejectionText(r: Rejection, p: ReceiveParams, plan: InstancePlan): string {
  switch (r.kind) {
    case 'ttl':
      return `invalid TTL/HL. Received ${r.ttl} and expect 255`;
    case 'version':
      return `wrong version. Received ${r.version} and expect ${p.version}`;
    case 'invalid-auth-type':
      return `Invalid auth type: ${r.authType}`;
    case 'auth-type-mismatch':
      return `received a ${r.authType} auth, expecting ${p.authType}!`;
    case 'auth-failure':
      return 'received an invalid passwd!';
    case 'interval':
      return `advertisement interval mismatch mine=${p.advertInt / 100} sec rcv'd=${r.got / 100} sec`;
    case 'address-count':
      return `received an unexpected ip number count ${r.got}, expected ${p.vips.length}!`;
    case 'cast-mismatch':
      return p.unicast ? 'Expected unicast packet but received multicast packet' : 'Expected multicast packet but received unicast packet';
    case 'address-missing':
      return `ip address associated with VRID ${plan.vrid} not present in MASTER advert: ${r.address}`;
    case 'not-a-peer':
      return `unicast source address ${r.source} not a unicast peer`;
  }
}

function decodeErrorText(e: DecodeError, version: number): string {
  switch (e.kind) {
    case 'length':
      return `vrrp packet length error: ${e.detail}`;
    case 'version':
      return `wrong version. Received ${e.version} and expect ${version}`;
    case 'type':
      return `Invalid packet type. ${e.type} and expect 1`;
    case 'checksum':
      return `Invalid VRRPv${version} checksum`;
  }
}

/**
 * keepalived counts an advert as received once its header, length, TTL,
 * authentication and cast are right, before it looks at the addresses
 * and the unicast peer (vrrp.c vrrp_check_packet).
 */
const countedAsReceived = (r: Rejection | undefined, unicast: boolean): boolean =>
  r === undefined || r.kind === 'address-missing' || r.kind === 'not-a-peer' || (r.kind === 'ttl' && unicast);

export class VrrpRuntime extends EventEmitter<InstanceEvents> {
  private currentPlan: InstancePlan;
  private params: VrrpParams;
  private receiveParams: ReceiveParams;
  private machine: VrrpMachine;
  private readonly timers = new Map<TimerKind, { readonly at: number; readonly cancel: Cancel }>();
  readonly stats: Stats = emptyStats();
  /** the address adverts go out from, and the tie-break compares */
  private source: string | undefined;
  /** skip_check_adv_addr: the master whose adverts were last accepted */
  private knownMaster: string | undefined;
  /** the source of the last advert that held this BACKUP in BACKUP: the master it follows (RFC 5798 §6.4.2) */
  private followedMaster: string | undefined;
  /** the priority another router last advertised (accepted adverts, priority 0 aside) */
  private heardPriority: number | undefined;
  private sendChecksum: ChecksumVariant;
  private vipsSet = false;
  /** kernel and frame work, in order (enqueue): VIPs go in before their GARPs, and out after they went in */
  private lastEffect: Effect | undefined;
  /** settles when all of it has */
  private effects: Promise<void> = Promise.resolve();
  private group: GroupGate | undefined;
  /** adverts handed to the socket and not yet sent: stop() waits for the priority-0 one */
  private readonly sending = new Set<Promise<void>>();
  /** the plan's checksum group as bytes (checksumGroupBytes()), with the text it was made from */
  private checksumGroup: { readonly text: string; readonly bytes: Uint8Array } | undefined;
  /** the adverts last encoded, and what each was encoded from (outgoing()): a MASTER's own, and its priority-0 one */
  private encoded: Array<{ readonly priority: number; readonly src: string; readonly checksum: ChecksumVariant; readonly plan: InstancePlan; readonly advert: OutgoingAdvert }> = [];
  /** what the step under way says and tells, while holding() holds it */
  private held: Array<() => void> | undefined;
  /** the faults the last tracking verdict held */
  private trackFaults: ReadonlySet<string> = new Set();
  /** after a reload, until its scripts answer: the new tracking's "not answered yet" does not count (keepalived SCRIPT_INIT_STATE_INIT_RELOAD) */
  private awaitingCarriedOver = false;
  /** the takeover prelude last prepared, and what it was prepared from (takeoverPrelude()) */
  private lastPrelude:
    | { readonly advert: OutgoingAdvert; readonly params: VrrpParams; readonly prelude: Prelude | undefined }
    | undefined;

  constructor(
    plan: InstancePlan,
    params: VrrpParams,
    receiveParams: ReceiveParams,
    private readonly ports: InstancePorts,
  ) {
    super();
    this.currentPlan = plan;
    this.params = params;
    this.receiveParams = receiveParams;
    this.machine = initialMachine(params);
    this.sendChecksum = plan.checksum.send;
    this.source = plan.sourceAddress;
  }

  get plan(): InstancePlan {
    return this.currentPlan;
  }

  /** The checksum group's bytes, made once per group rather than per packet. */
  private checksumGroupBytes(): Uint8Array {
    const text = this.currentPlan.checksumGroup;
    if (this.checksumGroup?.text !== text) this.checksumGroup = { text, bytes: ipToBytes(text) };
    return this.checksumGroup.bytes;
  }

  get name(): string {
    return this.plan.name;
  }
  get state(): VrrpState {
    return this.machine.state;
  }
  get priority(): number {
    return this.machine.priority;
  }
  get faults(): ReadonlySet<string> {
    return this.machine.faults;
  }
  get ownFaulty(): boolean {
    return [...this.machine.faults].some((f) => f !== SYNC_GROUP_FAULT);
  }
  /** the priority another router last advertised, if one was heard: whether a tracking weight crosses it */
  get peerPriority(): number | undefined {
    return this.heardPriority;
  }
  get sourceAddress(): string | undefined {
    return this.source;
  }
  /** the master this BACKUP follows, when it heard one (tskad status, the dumps) */
  get masterAddress(): string | undefined {
    return this.state === 'BACKUP' ? this.followedMaster : undefined;
  }
  /** when each armed timer is due (for status output and tests) */
  timerDue(kind: TimerKind): number | undefined {
    return this.timers.get(kind)?.at;
  }

  /**
   * Takes a copy of this instance through a takeover — master-down
   * timeout, MASTER with its advert, VIPs and GARPs, one more timer — and a
   * stop, against ports that do nothing and a clock of its own. V8 compiles
   * a function when it first runs, and a takeover's path (the state
   * machine's MASTER branches, the effects, the priority-0 stop) otherwise
   * first runs when it matters most (measured: 1–3 ms of a first
   * takeover). Nothing leaves the process; this instance is not touched.
   * `dry` are the edge's own dry runs of an advert's send and a VIP's
   * request, which the copy's sends and adds go to.
   */
  rehearseTakeover(dry: TakeoverDryRuns = {}): void {
    let clock = 0;
    const timers = new Set<{ readonly at: number; readonly fire: (lateMs: number) => void }>();
    const idle = async (): Promise<void> => undefined;
    const copy = new VrrpRuntime(this.currentPlan, this.params, this.receiveParams, {
      scheduler: {
        now: () => clock,
        at: (at, fire) => {
          const timer = { at, fire };
          timers.add(timer);
          return () => void timers.delete(timer);
        },
      },
      log: createLogger(),
      sendAdvert: async (a) => dry.sendAdvert?.(a),
      addAddress: async (spec) => dry.addAddress?.(spec),
      removeAddress: idle,
      announce: idle,
    });
    copy.setInterfaceAddress(this.source);
    copy.start();
    for (let fired = 0; fired < 2 && timers.size > 0; fired++) {
      const next = [...timers].reduce((a, b) => (b.at < a.at ? b : a));
      timers.delete(next);
      clock = next.at;
      next.fire(0);
    }
    void copy.stop();
  }

  joinGroup(gate: GroupGate): void {
    this.group = gate;
    this.refreshPreludes();
  }

  leaveGroup(gate: GroupGate): void {
    if (this.group !== gate) return;
    this.group = undefined;
    this.refreshPreludes();
  }

  /** Leaves INIT (RFC 5798 §6.4.1): the owner becomes MASTER, anyone else waits as BACKUP; FAULT while a fault holds. */
  start(): void {
    this.leaveInit({ type: 'Startup' });
    // the advert a takeover sends first, ready before the master-down timer runs out
    this.outgoing(this.machine.priority);
  }

  /** Leaves INIT as MASTER at once, keeping the VIPs a crashed predecessor left (fsm.ts Resume); FAULT while a fault holds. */
  resume(): void {
    this.leaveInit({ type: 'Resume' });
  }

  /** Without an address to advertise from, an instance leaves INIT for FAULT. */
  private leaveInit(ev: Extract<VrrpEvent, { type: 'Startup' | 'Resume' }>): void {
    if (this.source === undefined && !this.machine.faults.has(NO_ADDRESS_FAULT)) this.setFault(NO_ADDRESS_FAULT, true);
    this.feed(ev, this.ports.scheduler.now());
  }

  /**
   * Reload (keepalived clear_diff_vrrp, restore_vrrp_state): the same
   * virtual router with new parameters, from now on. No transition and no
   * timer is touched; the running adver timer keeps its due time. While the
   * VIPs are set, the ones no longer configured go and the new ones come,
   * followed, when some came, by a GARP/NA round for all of them as
   * keepalived sends (vrrp_send_link_update).
   */
  reconfigure(plan: InstancePlan, params: VrrpParams, receive: ReceiveParams): void {
    const before = this.currentPlan;
    const { added, removed } = vipEdits(before, plan);
    this.currentPlan = plan;
    this.receiveParams = receive;
    // the source address is the interface's unless configured: the one in use stays until the next refresh says otherwise
    this.params = { ...params, primaryAddress: plan.sourceAddress === before.sourceAddress ? this.params.primaryAddress : params.primaryAddress };
    if (plan.sourceAddress !== undefined) this.source = plan.sourceAddress;
    else if (before.sourceAddress !== undefined) this.source = undefined;
    if (plan.checksum.send !== before.checksum.send) this.sendChecksum = plan.checksum.send;
    // the owner demotion (OwnerConflict) ends with the configuration it was about; the effective priority follows at the next tracking verdict
    this.machine = { ...this.machine, basePriority: params.basePriority };
    this.awaitingCarriedOver = true;
    this.refreshPreludes();
    if (!this.vipsSet) return;
    if (removed.length > 0) this.enqueue(this.eachAddress('remove', removed, (s) => this.ports.removeAddress(s)));
    if (added.length > 0) {
      this.ports.log.info({ instance: this.name }, `(${this.name}) setting VIPs added by the reload.`);
      this.enqueue(this.eachAddress('add', added, (s) => this.ports.addAddress(s)));
      this.sendGarp(params.garpMasterRepeat);
    }
  }

  /** Stops (RFC 5798 §6.4.3: a MASTER sends priority 0 and releases its VIPs); `release: false` (-V) keeps both. */
  async stop(o: { release?: boolean } = {}): Promise<void> {
    const release = o.release ?? true;
    if (this.state !== 'INIT') {
      this.feed({ type: 'Shutdown', release }, this.ports.scheduler.now());
    }
    for (const kind of [...this.timers.keys()]) this.cancelTimer(kind);
    await Promise.all([this.effects, ...this.sending]);
  }

  /**
   * The interface's own address, when no mcast_src_ip / unicast_src_ip is
   * set: adverts come from it and the equal-priority tie-break compares it
   * (RFC 5798 §6.4.3). Without one the instance cannot advertise: FAULT.
   */
  setInterfaceAddress(address: string | undefined): void {
    if (this.plan.sourceAddress !== undefined) return;
    const changed = address !== this.source;
    this.source = address;
    if (address !== undefined) this.params = { ...this.params, primaryAddress: ipToBytes(address) };
    if (changed) this.refreshPreludes();
    if ((address === undefined) !== this.machine.faults.has(NO_ADDRESS_FAULT)) {
      if (address === undefined) this.ports.log.info({ instance: this.name }, `(${this.name}) entering FAULT state (no IPv${this.plan.family} address for interface)`);
      this.setFault(NO_ADDRESS_FAULT, address === undefined);
    }
  }

  /** The tracked objects' weights moved: effective priority = base + weight (fsm.ts clamps it). */
  setTrackingWeight(weight: number): void {
    const before = this.machine.priority;
    this.feed({ type: 'PriorityChanged', effective: this.machine.basePriority + weight }, this.ports.scheduler.now());
    const after = this.machine.priority;
    if (after === before) return;
    this.ports.log.info({ instance: this.name, vrid: this.plan.vrid, from: before, to: after }, `(${this.name}) Changing effective priority from ${before} to ${after}`);
    this.emit('priority', { from: before, to: after });
  }

  /** The tracked objects' verdict (interfaces, scripts, files): the sum of their weights, and the faults they hold. */
  applyTracking(r: TrackResult): void {
    if (this.awaitingCarriedOver && !r.faults.some((f) => isAwaitingFault(f) && !this.trackFaults.has(f))) this.awaitingCarriedOver = false;
    const now = new Set(this.awaitingCarriedOver ? r.faults.filter((f) => !isAwaitingFault(f) || this.trackFaults.has(f)) : r.faults);
    // new reasons before the old end, so one taking over from another (awaiting → failed) never lets FAULT go
    for (const f of now) this.setFault(f, true);
    for (const f of this.trackFaults) if (!now.has(f)) this.setFault(f, false);
    this.trackFaults = now;
    this.setTrackingWeight(r.weight);
  }

  /** A reason to be in FAULT started or ended (a tracked interface, a missing address, the sync group). */
  setFault(reason: string, fault: boolean): void {
    if (this.machine.faults.has(reason) === fault) return;
    const wasOwnFaulty = this.ownFaulty;
    this.feed({ type: 'FaultChanged', fault, reason }, this.ports.scheduler.now());
    if (this.ownFaulty !== wasOwnFaulty) this.emit('ownFault', this.ownFaulty);
    this.emit('faults', this.machine.faults);
  }

  /** Sync group: become MASTER now, as if the master-down timer had run out (keepalived vrrp_sync_master). */
  syncToMaster(group: string): void {
    if (this.state !== 'BACKUP') return;
    this.feed({ type: 'SyncToMaster', reason: `sync group ${group}` }, this.ports.scheduler.now());
  }

  /** Sync group: leave MASTER for BACKUP, releasing the VIPs without the priority-0 advert a fault sends (keepalived vrrp_sync_backup). */
  syncToBackup(group: string): void {
    this.feed({ type: 'SyncToBackup', reason: `sync group ${group}` }, this.ports.scheduler.now());
  }

  /** One packet addressed to this instance's VRID. */
  receive(pkt: IncomingPacket): void {
    // keepalived reads and drops everything while in FAULT or INIT, uncounted
    if (this.state === 'FAULT' || this.state === 'INIT') return;
    const decoded = decodeAdvert(
      pkt.payload,
      { family: this.plan.family, src: pkt.srcBytes, dst: pkt.dstBytes, mcastGroup: this.checksumGroupBytes() },
      this.plan.checksum.autoSwitch && this.sendChecksum === 'mcast-dst' ? ['mcast-dst'] : this.plan.checksum.accept,
    );
    if (isDecodeError(decoded)) {
      this.stats[COUNTER_OF[decoded.kind] as StatName]++;
      this.ports.log.info({ instance: this.name, source: pkt.source }, `(${this.name}) ${decodeErrorText(decoded, this.plan.version)}`);
      return;
    }
    if (decoded.checksum === 'mcast-dst' && this.plan.checksum.autoSwitch && this.sendChecksum !== 'mcast-dst') {
      this.sendChecksum = 'mcast-dst';
      this.ports.log.info({ instance: this.name }, `(${this.name}) Setting unicast VRRPv3 checksum to old version`);
      this.refreshPreludes();
    }
    const ad = decoded.advert;
    if (ad.vrid !== this.plan.vrid) return;
    // skip_check_adv_addr: a BACKUP trusts the address list of the master it already checked
    const checkAddresses = !(this.plan.skipCheckAdvAddr && this.state === 'BACKUP' && this.knownMaster === pkt.source);
    const rejection = checkAdvert(this.receiveParams, { advert: ad, source: pkt.source, ttl: pkt.ttl, multicast: pkt.multicast }, checkAddresses);
    if (countedAsReceived(rejection, this.receiveParams.unicast)) this.stats.advert_rcvd++;
    if (rejection) {
      // RFC 2787 vrrpStatsAdvertisementIntervalErrors; keepalived 2.2.7 has the counter but leaves it at 0
      const counter = rejection.kind === 'interval' ? 'advert_interval_err' : REJECTION_COUNTER[rejection.kind];
      if (counter !== undefined) this.stats[counter as StatName]++;
      this.ports.log.info({ instance: this.name, source: pkt.source, rejection: rejection.kind }, `(${this.name}) ${rejectionText(rejection, this.receiveParams, this.plan)}`);
      return;
    }
    if (ad.priority === 0) this.stats.pri_zero_rcvd++;
    this.advertAccepted(ad, pkt.source, pkt.srcBytes, this.arrivedAt(pkt.age));
  }

  /**
   * When a packet `age` ms old reached the host: the time its advert restarts
   * the Master_Down_Timer from (RFC 5798 §6.4.2 counts from its receipt).
   * Never more than one advert interval back, so that a step of the realtime
   * clock, in which the kernel stamps, costs at most one interval of patience.
   */
  private arrivedAt(age: number | undefined): number {
    const now = this.ports.scheduler.now();
    return age === undefined || age <= 0 ? now : now - Math.min(age, this.params.advertInt);
  }

  /** `sourceBytes`: the sender as its IP header gave it, for the election's address tie-break */
  private advertAccepted(ad: Advert, source: string, sourceBytes: Uint8Array, at: number): void {
    const was = this.state;
    const ours = this.machine.priority;
    const log = this.ports.log;
    const tag = `(${this.name})`;
    if (was === 'MASTER' && ad.priority === ours && source === this.source) {
      log.info({ instance: this.name }, `${tag} WARNING - equal priority advert received from remote host with our IP address.`);
    } else if (was === 'MASTER' && ad.priority === 255 && ours === 255) {
      // two address owners: keepalived lowers itself to 254 for good, and so yields (vrrp.c vrrp_state_master_rx)
      log.error({ instance: this.name, source }, `${tag} CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority`);
      this.feed({ type: 'OwnerConflict' }, this.ports.scheduler.now());
    }
    if (was === 'BACKUP' && ad.priority === 0) log.debug({ instance: this.name }, `${tag} Backup received priority 0 advertisement`);
    if (was === 'MASTER' && ad.priority === 0) log.debug({ instance: this.name }, `${tag} Master received priority 0 message`);

    const priority = this.machine.priority;
    const actions = this.feed({ type: 'AdvertReceived', priority: ad.priority, maxAdverInt: ad.maxAdverInt * 10, source: sourceBytes }, at);

    if (ad.priority > 0) this.heardPriority = ad.priority;
    if (was === 'BACKUP' && ad.priority > 0) {
      this.knownMaster = source;
      const held = actions.some((a) => a.type === 'ArmTimer' && a.timer === 'masterDown');
      if (held) {
        this.followedMaster = source;
        this.group?.heldInBackup(this);
      } else log.info({ instance: this.name, source }, `${tag} received lower priority (${ad.priority}) advert from ${source} - discarding`);
    }
    if (actions.some((a) => a.type === 'LowerPriorityAdvert')) {
      const election = this.params.lowerPrioNoAdvert ? '' : ', forcing new election';
      log.info({ instance: this.name, source }, `${tag} Received advert from ${source} with lower priority ${ad.priority}, ours ${priority}${election}`);
      this.emit('lowerPriority', { priority, heard: ad.priority, source });
    }
    if (was === 'MASTER' && this.state === 'BACKUP') {
      // the router whose advert took MASTER from us is the master we follow now
      this.followedMaster = source;
      const why = ad.priority > priority ? `with higher priority ${ad.priority}, ours ${priority}` : `with same priority ${ad.priority} but higher IP address than ours`;
      log.info({ instance: this.name, source }, `${tag} Master received advert from ${source} ${why}`);
    }
  }

  /** Runs one FSM step and carries out its actions; returns them for the caller to inspect. */
  private feed(ev: VrrpEvent, now: number): readonly VrrpAction[] {
    const r = step(this.params, this.machine, ev, now);
    this.machine = r.machine;
    this.holding(() => {
      // the change of state is told first, then carried out, in keepalived's order: "Entering FAULT STATE", then the priority-0 advert
      const records = r.actions.flatMap((a) => (a.type === 'Transition' ? [this.funnel(a.from, a.to, a.reason)] : []));
      for (const a of r.actions) if (a.type !== 'Transition') this.carryOut(a);
      // listeners (a sync group) act on other instances only once this one's step is complete
      this.held!.push(() => records.forEach((t) => this.emit('transition', t)));
    });
    return r.actions;
  }

  /**
   * Runs `work` with the log lines it says, and the transitions it tells,
   * held back, then lets them out in their order: a takeover's advert and
   * address requests leave first, and the lines telling of them (each a
   * JSON record and a write, 0.3–0.6 ms on a path run for the first time)
   * and the listeners (notify scripts, status) follow, as keepalived
   * notifies once its sends are done.
   */
  private holding(work: () => void): void {
    if (this.held !== undefined) return work();
    this.held = [];
    try {
      work();
    } finally {
      const told = this.held;
      this.held = undefined;
      for (const tell of told) tell();
    }
  }

  /** A log line of the step under way (see holding). */
  private say(level: 'debug' | 'info', fields: object, text: string): void {
    if (this.held !== undefined) this.held.push(() => this.ports.log[level](fields, text));
    else this.ports.log[level](fields, text);
  }

  /** Every state change, logged, counted and published once (STYLE: one transition funnel). */
  private funnel(from: VrrpState, to: VrrpState, reason: string): TransitionRecord {
    const record: TransitionRecord = { instance: this.name, vrid: this.plan.vrid, from, to, reason, priority: this.machine.priority };
    // a prelude holds descriptors and interface indexes, which a FAULT may have seen change, and the IP id after the last takeover
    this.lastPrelude = undefined;
    if (to === 'MASTER') this.stats.become_master++;
    if (from === 'MASTER' && to !== 'INIT') this.stats.release_master++;
    if (from === 'MASTER') this.ports.farewell?.(undefined);
    // keepalived says nothing when stopping; its "(init)" marks the first state after startup
    const init = from === 'INIT' && to !== 'MASTER' ? ' (init)' : '';
    const text = to === 'INIT' ? `(${this.name}) Leaving ${from} STATE (${reason})` : `(${this.name}) Entering ${to} STATE${init}`;
    this.say(to === 'INIT' ? 'debug' : 'info', record, text);
    return record;
  }

  private carryOut(a: Exclude<VrrpAction, { type: 'Transition' }>): void {
    switch (a.type) {
      case 'SendAdvert':
        return this.sendAdvert(a.priority);
      case 'AddVips':
        return this.addVips();
      case 'DelVips':
        return this.delVips();
      case 'SendGarp':
        return this.sendGarp(a.repeat);
      case 'ArmTimer':
        return this.arm(a.timer, a.at);
      case 'CancelTimer':
        return this.cancelTimer(a.timer);
      case 'LowerPriorityAdvert':
        // told as `lowerPriority` by advertAccepted, which knows the sender
        return;
      case 'Ignored':
        this.say('debug', { instance: this.name, state: a.state, event: a.event }, `(${this.name}) ${a.event} ignored in ${a.state} state`);
        return;
    }
  }

  /**
   * The advert for `priority` to every destination, encoded once and sent
   * as it is for as long as nothing it holds changes: a MASTER sends the
   * same bytes every interval and has its priority-0 ones ready for a
   * stop, and a BACKUP has the ones of its takeover ready (see start()), so
   * none encodes on the way to the wire. The last two encoded are kept.
   */
  private outgoing(priority: number): OutgoingAdvert | undefined {
    const src = this.source;
    if (src === undefined) return undefined;
    const p = this.plan;
    const checksum = this.sendChecksum;
    const known = this.encoded.find((e) => e.priority === priority && e.src === src && e.checksum === checksum && e.plan === p);
    if (known) return known.advert;
    const dsts = p.mcastGroup !== undefined ? [p.mcastGroup] : p.unicastPeers;
    const advert: OutgoingAdvert = {
      src,
      ...(p.mcastGroup === undefined && p.ttl !== undefined && { ttl: p.ttl }),
      to: dsts.map((dst) => ({ dst, message: this.advert(priority, src, dst) })),
    };
    this.encoded = [{ priority, src, checksum, plan: p, advert }, ...this.encoded.slice(0, 1)];
    return advert;
  }

  /** RFC 5798 §5: the VIPs in config order; VRRPv2 PASS carries the key (RFC 2338 §5.3.6.1). */
  private advert(priority: number, src: string, dst: string): Buffer {
    const p = this.plan;
    return encodeAdvert(
      {
        version: p.version,
        vrid: p.vrid,
        priority,
        maxAdverInt: p.advertIntCs,
        addresses: p.advertAddresses,
        authType: p.authType,
        ...(p.authData && { authData: p.authData }),
      },
      textAddrs(p.family, src, dst, p.checksumGroup),
      { checksum: this.sendChecksum },
    );
  }

  private sendAdvert(priority: number): void {
    const advert = this.outgoing(priority);
    if (advert === undefined) return;
    const sending = this.ports.sendAdvert(advert).catch((e: Error) => {
      // a priority-0 advert on a dead link is expected to fail (keepalived stays quiet too)
      const level = priority === 0 ? 'debug' : 'info';
      this.ports.log[level]({ instance: this.name, err: e.message }, `(${this.name}) send advert error: ${e.message}`);
    });
    this.sending.add(sending);
    void sending.finally(() => this.sending.delete(sending));
    this.stats.advert_sent++;
    if (priority === 0) {
      this.stats.pri_zero_sent++;
      this.say('debug', { instance: this.name }, `(${this.name}) sent 0 priority`);
    }
  }

  /**
   * Runs `work` after the kernel and frame work before it: once that is done
   * (`after: 'done'`), or once it has begun (`'begun'`), which is enough for
   * a GARP: rtnetlink carries out an address request within the call that
   * sends it, so the answer a GARP would wait for adds nothing but a turn
   * of the event loop (3 ms measured at a takeover). Work that can start
   * now starts on the caller's stack: a new master's address request and
   * GARPs leave before the transition's log lines and listeners (notify
   * scripts, status), as keepalived adds the VIPs and sends the GARPs
   * before it notifies.
   */
  private enqueue(work: () => Promise<void>, after: 'done' | 'begun' = 'done'): void {
    const prev = this.lastEffect;
    let markBegun!: () => void;
    const effect: Effect = { begun: false, started: new Promise((r) => (markBegun = r)), done: this.effects };
    const run = (): Promise<void> => {
      effect.begun = true;
      markBegun();
      return work();
    };
    const own = prev === undefined || (after === 'begun' && prev.begun) ? run() : (after === 'begun' ? prev.started : prev.done).then(run);
    // done: this and everything before it
    effect.done = Promise.all([this.effects, own]).then(() => {
      if (this.lastEffect === effect) this.lastEffect = undefined;
    });
    this.lastEffect = effect;
    this.effects = effect.done;
  }

  /** All at once, each on its own: one the kernel refuses does not keep the others out, nor wait for their answers. */
  private eachAddress(verb: 'add' | 'remove', specs: readonly AddressSpec[], op: (s: AddressSpec) => Promise<void>): () => Promise<void> {
    return async () => {
      await Promise.all(
        specs.map((spec) =>
          op(spec).catch((e: Error) => {
            this.ports.log.error({ instance: this.name, address: spec.address, dev: spec.dev, err: e.message }, `(${this.name}) cannot ${verb} ${spec.address}/${spec.prefix} on ${spec.dev}: ${e.message}`);
          }),
        ),
      );
    };
  }

  private addVips(): void {
    this.vipsSet = true;
    this.say('info', { instance: this.name }, `(${this.name}) setting VIPs.`);
    this.enqueue(this.eachAddress('add', this.plan.addresses, (s) => this.ports.addAddress(s)));
  }

  private delVips(): void {
    if (!this.vipsSet) return;
    this.vipsSet = false;
    this.say('info', { instance: this.name }, `(${this.name}) removing VIPs.`);
    this.enqueue(this.eachAddress('remove', this.plan.addresses, (s) => this.ports.removeAddress(s)));
  }

  /** `repeat` rounds over every VIP and excluded VIP, per interface (keepalived vrrp_send_link_update). */
  private sendGarp(repeat: number): void {
    if (!this.vipsSet || repeat === 0) return;
    for (const s of this.plan.addresses) {
      const kind = s.address.includes(':') ? 'Unsolicited Neighbour Adverts' : 'gratuitous ARPs';
      this.say('debug', { instance: this.name }, `(${this.name}) Sending/queueing ${kind} on ${s.dev} for ${s.address}`);
    }
    const announcements = this.announcements(repeat);
    this.enqueue(async () => {
      await Promise.all(
        announcements.map(({ dev, addresses }) =>
          this.ports.announce(dev, addresses).catch((e: Error) => {
            this.ports.log.error({ instance: this.name, dev, err: e.message }, `(${this.name}) gratuitous ARP / NA on ${dev} failed: ${e.message}`);
          }),
        ),
      );
    }, 'begun');
  }

  /** `repeat` rounds of the VIPs, per interface */
  private announcements(repeat: number): Announcement[] {
    if (repeat === 0) return [];
    const byDev = new Map<string, string[]>();
    for (const s of this.plan.addresses) byDev.set(s.dev, [...(byDev.get(s.dev) ?? []), s.address]);
    return [...byDev].map(([dev, addrs]) => ({ dev, addresses: Array.from({ length: repeat }, () => addrs).flat() }));
  }

  /**
   * The work a timer's expiry is sure to start with, done natively before
   * its step (timer-prelude.ts): a MASTER's advert timer sends the advert;
   * a BACKUP's master-down timer takes over. A MASTER also tells, as it
   * arms its advert timer, the priority-0 advert a stop would start with
   * (ports.farewell), for the stop signal's handler. Anything else a prelude is
   * built from makes a new one: a reload, a new source address or checksum,
   * joining or leaving a group (refreshPreludes), a priority change (it
   * re-arms both timers).
   */
  private preludeFor(kind: TimerKind): Prelude | undefined {
    if (kind === 'adver' && this.state === 'MASTER') {
      // the advert's made afresh each time, for an IPv4 advert carries the next IP id; the farewell's id is the kernel's
      const farewell = this.outgoing(0);
      this.ports.farewell?.(farewell && { advert: farewell, addresses: [], announcements: [], farewell: true });
      const advert = this.outgoing(this.machine.priority);
      return advert && this.ports.prelude?.({ advert, addresses: [], announcements: [] });
    }
    return kind === 'masterDown' && this.ports.prelude !== undefined ? this.takeoverPrelude() : undefined;
  }

  /**
   * The master-down timer's: only for a BACKUP outside a sync group (whose
   * gate decides at the expiry), without VIPs set or kernel work still under
   * way (the step's requests would wait behind it). Kept while what it was
   * built from holds: a backup re-arms on every advert it hears.
   */
  private takeoverPrelude(): Prelude | undefined {
    if (this.state !== 'BACKUP' || this.group !== undefined || this.vipsSet || this.lastEffect !== undefined) return undefined;
    const advert = this.outgoing(this.machine.priority);
    if (advert === undefined) return undefined;
    const last = this.lastPrelude;
    if (last && last.advert === advert && last.params === this.params) return last.prelude;
    const prelude = this.ports.prelude!({ advert, addresses: this.plan.addresses, announcements: this.announcements(this.params.garpMasterRepeat) });
    this.lastPrelude = { advert, params: this.params, prelude };
    return prelude;
  }

  /** The timers that carry a prelude armed again for the same time, with one of what is now so. */
  private refreshPreludes(): void {
    for (const kind of ['masterDown', 'adver'] as const) {
      const t = this.timers.get(kind);
      if (t) this.arm(kind, t.at);
    }
  }

  private arm(kind: TimerKind, at: number): void {
    this.cancelTimer(kind);
    this.timers.set(kind, { at, cancel: this.ports.scheduler.at(at, (lateMs) => this.expire(kind, at, lateMs), this.preludeFor(kind)) });
  }

  private cancelTimer(kind: TimerKind): void {
    this.timers.get(kind)?.cancel();
    this.timers.delete(kind);
  }

  private expire(kind: TimerKind, due: number, lateMs: number): void {
    this.holding(() => this.expireNow(kind, due, lateMs));
  }

  private expireNow(kind: TimerKind, due: number, lateMs: number): void {
    this.timers.delete(kind);
    // The timer's usual lateness (its wakeup, tens of µs) is absorbed: the
    // next advert is due one interval after this one's due time, so periods
    // do not grow by it. Past LATE_EXPIRY_MS the advert left late, and the
    // next is due a whole interval after it left, as RFC 5798 §6.4.3 resets
    // Adver_Timer on sending: catching up would make the next period short
    // by as much, a second irregularity for peers (or, after a stall of
    // intervals, a burst).
    const now = lateMs > LATE_EXPIRY_MS ? due + lateMs : due;
    if (kind === 'masterDown' && this.state === 'BACKUP') {
      this.say('debug', { instance: this.name }, `(${this.name}) Receive advertisement timeout`);
      if (this.group && !this.group.mayBecomeMaster(this)) {
        // held back by the group: wait another Master_Down_Interval (vrrp_sync.c vrrp_sync_can_goto_master)
        this.arm('masterDown', now + masterDownInterval(this.params, this.machine.priority, this.machine.masterAdverInt));
        return;
      }
    }
    this.feed({ type: 'TimerExpired', timer: kind }, now);
  }
}
