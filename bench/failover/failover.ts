// One failover, measured: the master is lost right after one of its adverts,
// so the backup waits its whole interval — Master_Down_Interval after a link
// cut or a crash, Skew_Time after the priority-0 advert of a shutdown
// (RFC 5798 §6.4.2) — and the clock starts when the link is cut or the
// signal sent (the time taken right before). The VIP's arrival is the
// kernel event `ip -ts monitor` stamps in the backup's namespace; the GARP's
// is the capture stamp on the bridge. Then the lost router comes back as
// BACKUP, for the next failover to go the other way, with a fresh daemon
// (pair.ts): every takeover measured is the first in the backup's process,
// as for a backup that has waited since its start. tskad's later ones are
// faster — measured at 0.1 s: 5–19 ms over the interval for a first
// takeover, 2–5 ms for a later one — and would flatter it. (Since the
// takeover path is rehearsed at startup, vrrp/instance.ts, a first one
// measured 2–10 ms over at 0.1 s.)
import { wallClock } from '../../src/lab/command.js';
import type { Loss } from './plan.js';
import { VIP } from './plan.js';
import { other, type Pair, type Router } from './pair.js';
import type { PortSwitch } from './switch-port.js';
import { isGarp, type WireAdvert, type WireEvent, type WireGarp } from './wire.js';

export interface FailoverTimes {
  readonly loss: Loss;
  /** the protocol's interval, ms: Master_Down_Interval, or Skew_Time for SIGTERM (RFC 5798 §6.1) */
  readonly theoryMs: number;
  /**
   * from the loss to the VIP on the backup, ms: when `ip monitor` read the
   * address event, or the backup's first gratuitous ARP for it if that came
   * first. Both daemons add the address before they announce it (keepalived's
   * vrrp_state_become_master, tskad's takeover prelude), so a monitor stamp
   * after the GARP is the monitor waiting for its CPU: on this VM, a halted
   * vCPU's wakeup, up to 6 ms even for a SCHED_FIFO monitor.
   */
  readonly vipMs: number;
  /** from the loss to the monitor's stamp alone, ms */
  readonly monitorMs: number;
  /** from the loss to the backup's first gratuitous ARP for the VIP on the wire, ms */
  readonly garpMs: number;
  /** from the master's last advert before the loss to the loss, ms: what the backup had already waited */
  readonly leadMs: number;
  /** SIGTERM: from the signal to the master's priority-0 advert on the wire, ms, where the backup's Skew_Time starts */
  readonly zeroMs?: number;
}

const SLACK_MS = 10_000;

export async function failover(pair: Pair, ports: PortSwitch, loss: Loss): Promise<FailoverTimes> {
  const { lab, wire, facts } = pair;
  await pair.recover();
  const master = pair.master;
  const backup = other(master);
  if (await lab.holds(backup, VIP)) throw new Error(`${pair.kind}: ${backup} holds ${VIP} before ${master} is lost`);
  const theoryMs = (loss === 'SIGTERM' ? facts.skew : facts.masterDown) * 1000;
  const intervalMs = facts.advertInt * 1000;
  const onBackup = await lab.watchAddress(backup, VIP, true, theoryMs + SLACK_MS);

  await wire.next(pair.advertFrom(master), wallClock(), 3 * intervalMs + SLACK_MS);
  const lost = lose(pair, ports, master, loss);
  const [lossAt, vipAt] = await Promise.all([lost, onBackup.at]);
  const backupMac = pair.link(backup).mac;
  const garp = await wire.next((e: WireEvent): e is WireGarp => isGarp(e) && e.ip === VIP && e.mac === backupMac, lossAt, SLACK_MS);
  const zero = loss === 'SIGTERM' ? await wire.next((e: WireEvent): e is WireAdvert => pair.advertFrom(master)(e) && e.priority === 0, lossAt, SLACK_MS) : undefined;
  const last = wire.events.findLast((e) => pair.advertFrom(master)(e) && e.at < lossAt);
  if (!last) throw new Error(`${pair.kind}: no advert from ${master} before its loss`);
  if (vipAt < lossAt) throw new Error(`${pair.kind}: ${VIP} was on ${backup} ${(lossAt - vipAt).toFixed(1)} ms before ${master}'s loss`);

  const restoredAt = await restore(pair, ports, master, loss);
  pair.master = backup;
  await pair.rejoined(master, restoredAt);
  return { loss, theoryMs, vipMs: Math.min(vipAt, garp.at) - lossAt, monitorMs: vipAt - lossAt, garpMs: garp.at - lossAt, leadMs: lossAt - last.at, ...(zero && { zeroMs: zero.at - lossAt }) };
}

/** Loses the master; resolves with the time taken right before, once a stopped daemon has exited. */
async function lose(pair: Pair, ports: PortSwitch, master: Router, loss: Loss): Promise<number> {
  if (loss === 'link cut') return ports.set(pair.link(master).port, 'down');
  return pair.daemon(master).stop(loss);
}

/** Brings the lost router back with a fresh daemon; returns when that was started. */
async function restore(pair: Pair, ports: PortSwitch, router: Router, loss: Loss): Promise<number> {
  if (loss === 'link cut') {
    // a master in FAULT removes its VIPs (keepalived's vrrp_state_leave_master)
    await pair.lab.waitForAddress(router, VIP, false, SLACK_MS);
    await pair.daemon(router).stop('SIGKILL');
    ports.set(pair.link(router).port, 'up');
  }
  // RFC 5798 §6.4.3: a master shutting down stops being one; keepalived removes its VIPs
  if (loss === 'SIGTERM' && (await pair.lab.holds(router, VIP))) throw new Error(`${pair.kind} on ${router} left ${VIP} behind after SIGTERM`);
  return pair.restart(router);
}
