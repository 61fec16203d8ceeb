// Resuming MASTER across a respawn of the VRRP process (a tskad addition;
// keepalived's respawned VRRP child always starts afresh). The VIP ledger
// (net/vip-owner.ts) says which instances were MASTER; the supervisor says
// when the previous process died. An instance resumes as MASTER only while
// no backup can have taken over yet: the dead master's last advert went out
// at most one Advertisement_Interval before it died, and a backup waits
// Master_Down_Interval = down_timer_adverts × interval + Skew_Time after the
// last advert it heard (RFC 5798 §6.1, §6.4.2). Pure.
import type { MasterRecord } from '../net/vip-owner.js';
import type { VrrpParams } from './fsm.js';

/** What the supervisor tells a child it started again after the previous one died. */
export interface RespawnInfo {
  /** when the previous VRRP process died, ms since the epoch */
  readonly diedAt: number;
}

export type ResumeVerdict = { readonly resume: true; readonly downMs: number } | { readonly resume: false; readonly why?: string };

/** Whether an instance recorded as MASTER by the dead process takes MASTER back now. */
export function resumeVerdict(record: MasterRecord | undefined, respawn: RespawnInfo | undefined, p: Pick<VrrpParams, 'advertInt' | 'downTimerAdverts'>, now: number): ResumeVerdict {
  if (record === undefined || respawn === undefined) return { resume: false };
  const downMs = Math.max(0, Math.round(now - respawn.diedAt));
  // Skew_Time left out: the margin for a peer of priority 255
  const limit = (p.downTimerAdverts - 1) * p.advertInt;
  if (downMs < limit) return { resume: true, downMs };
  return { resume: false, why: `it was MASTER, but the previous VRRP process died ${downMs} ms ago (a backup may have taken over after ${limit} ms)` };
}
