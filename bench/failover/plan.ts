// What the bench measures, as data: the advert intervals of issue 3 (1 s
// under VRRPv2; 1, 0.1 and 0.02 s under VRRPv3), how the master is lost in
// each, how many alternating rounds, and the steady window in which the
// advert jitter and the daemons' RSS and CPU are read. The default plan
// runs in about 7 minutes; the quick one is a smoke run of about 1.
import type { ConfigTemplate } from '../../src/lab/config-template.js';
import type { DaemonKind } from '../../src/lab/daemon.js';

/**
 * link cut: the master's bridge port goes down (its carrier drops; it goes
 * to FAULT); crash: SIGKILL of the daemon and its children; shutdown:
 * SIGTERM, after which the master sends priority 0 (RFC 5798 §6.4.3).
 */
export type Loss = 'link cut' | 'SIGKILL' | 'SIGTERM';

export const LOSSES: readonly Loss[] = ['link cut', 'SIGKILL', 'SIGTERM'];

export interface Scenario {
  readonly version: 2 | 3;
  /** advert_int, s */
  readonly advertInt: number;
  readonly losses: readonly Loss[];
  /** each round starts a pair of each daemon in turn, the order alternating from round to round */
  readonly rounds: number;
  /** failovers of each loss per pair */
  readonly cyclesPerRound: number;
  /** s of undisturbed mastership per pair, for jitter, RSS and CPU; 0 for none */
  readonly steadySeconds: number;
}

export interface Plan {
  readonly name: string;
  readonly scenarios: readonly Scenario[];
}

export const DEFAULT_PLAN: Plan = {
  name: 'default',
  scenarios: [
    { version: 2, advertInt: 1, losses: LOSSES, rounds: 3, cyclesPerRound: 1, steadySeconds: 0 },
    { version: 3, advertInt: 1, losses: LOSSES, rounds: 3, cyclesPerRound: 1, steadySeconds: 0 },
    { version: 3, advertInt: 0.1, losses: LOSSES, rounds: 3, cyclesPerRound: 2, steadySeconds: 0 },
    { version: 3, advertInt: 0.02, losses: LOSSES, rounds: 3, cyclesPerRound: 2, steadySeconds: 10 },
  ],
};

export const QUICK_PLAN: Plan = {
  name: 'quick',
  scenarios: [
    { version: 2, advertInt: 1, losses: ['SIGKILL'], rounds: 1, cyclesPerRound: 1, steadySeconds: 0 },
    { version: 3, advertInt: 0.1, losses: LOSSES, rounds: 1, cyclesPerRound: 1, steadySeconds: 0 },
    { version: 3, advertInt: 0.02, losses: LOSSES, rounds: 1, cyclesPerRound: 1, steadySeconds: 5 },
  ],
};

export const scenarioName = (s: Scenario): string => `VRRPv${s.version} ${s.advertInt} s`;

/** the daemons in the order round `round` starts them: tskad first in even rounds */
export const roundOrder = (round: number): DaemonKind[] => (round % 2 === 0 ? ['tskad', 'keepalived'] : ['keepalived', 'tskad']);

export const VIP = '192.0.2.200';
const INSTANCE = 'VI_BENCH';
/** each daemon its own VRID, so their adverts in one capture never mix */
export const VRID: Record<DaemonKind, number> = { tskad: 10, keepalived: 20 };

/**
 * Both routers alike: equal priorities and nopreempt, so a restored router
 * stays BACKUP under the master that took over (RFC 5798 §6.4.2 with
 * Preempt_Mode False) and the next failover goes the other way, without
 * waiting for a preemption.
 */
export function pairConfig(kind: DaemonKind, router: string, s: Scenario): ConfigTemplate {
  return {
    routerId: `bench-${router}`,
    instances: [
      {
        name: INSTANCE,
        state: 'BACKUP',
        interface: 'eth0',
        virtualRouterId: VRID[kind],
        priority: 100,
        advertInt: s.advertInt,
        version: s.version,
        nopreempt: true,
        vips: [`${VIP}/24`],
      },
    ],
  };
}
