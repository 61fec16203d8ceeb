// What the VRRP process tells observers (metrics, and anything else that
// wants to listen), over node:diagnostics_channel: publishing costs next to
// nothing while no one subscribes, and the protocol code never calls an
// observer, so a slow scrape cannot delay an advert.
//
// The contract, for the VRRP process:
// - `instance`: publish `added` once an instance exists (before its first
//   transition) and `removed` when a reload deletes it or the process
//   stops; observers drop its series then.
// - `transition`: every state change, from the instance's transition funnel.
// - `priority`: every change of effective priority (tracking, reload).
// - `stat`: every increment of one of keepalived's statistics counters
//   (instance.ts STAT_NAMES: adverts sent and received, become/release
//   master, priority-0 adverts, and each receive-error counter), by the name
//   keepalived gives it in its JSON dump and SNMP MIB.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { VrrpState } from '../vrrp/fsm.js';
import type { StatName } from '../vrrp/instance.js';

/** Names one instance in every event. */
export interface InstanceId {
  readonly instance: string;
  readonly vrid: number;
  readonly interface: string;
  readonly family: 4 | 6;
}

export interface InstanceEvent extends InstanceId {
  readonly change: 'added' | 'removed';
  readonly state: VrrpState;
  readonly priority: number;
}

export interface TransitionEvent extends InstanceId {
  readonly from: VrrpState;
  readonly to: VrrpState;
  /** why, in the words of the transition funnel (`master-down-timer`, `priority-0`…) */
  readonly reason: string;
  /** effective priority at the transition */
  readonly priority: number;
}

export interface PriorityEvent extends InstanceId {
  readonly priority: number;
}

export interface StatEvent extends InstanceId {
  readonly stat: StatName;
}

/** keepalived's counters of received packets it dropped; the other stats count adverts and transitions. */
export const RECEIVE_ERROR_STATS = [
  'packet_len_err',
  'advert_interval_err',
  'ip_ttl_err',
  'invalid_type_rcvd',
  'addr_list_err',
  'invalid_authtype',
  'authtype_mismatch',
  'auth_failure',
  'version_err',
  'checksum_err',
] as const satisfies readonly StatName[];
export type ReceiveErrorStat = (typeof RECEIVE_ERROR_STATS)[number];
export const isReceiveError = (stat: string): stat is ReceiveErrorStat => (RECEIVE_ERROR_STATS as readonly string[]).includes(stat);

/** A diagnostics channel that carries one message type. */
export interface TypedChannel<T> {
  readonly name: string;
  /** false while no one listens: publishers may skip building the message */
  readonly hasSubscribers: boolean;
  publish(message: T): void;
  /** returns the function that unsubscribes */
  subscribe(listener: (message: T) => void): () => void;
}

function typedChannel<T>(name: string): TypedChannel<T> {
  const ch = diagnosticsChannel.channel(name);
  return {
    name,
    get hasSubscribers() {
      return ch.hasSubscribers;
    },
    publish: (message) => ch.publish(message),
    subscribe(listener) {
      const fn = (m: unknown) => listener(m as T);
      ch.subscribe(fn);
      return () => void ch.unsubscribe(fn);
    },
  };
}

export const vrrpEvents = {
  instance: typedChannel<InstanceEvent>('tskad:vrrp:instance'),
  transition: typedChannel<TransitionEvent>('tskad:vrrp:transition'),
  priority: typedChannel<PriorityEvent>('tskad:vrrp:priority'),
  stat: typedChannel<StatEvent>('tskad:vrrp:stat'),
} as const;
