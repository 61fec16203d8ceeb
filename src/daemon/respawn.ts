// The supervisor's policy for a child process that died, as keepalived
// 2.2.7 decides it (lib/scheduler.c calc_restart_delay and
// report_child_status, vrrp/vrrp_daemon.c vrrp_respawn_thread). Pure: the
// supervisor feeds it the exit and how long the child ran, and carries out
// the decision.
//
// keepalived's sequence, for a child that keeps dying within a minute of
// its start: respawn at once, then after 1, 2, 4, 8, 16, 32 and 60 s, and
// 60 s from then on. A child that ran for a minute or more is respawned at
// once and the sequence starts over.

/** keepalived's exit codes (lib/scheduler.h). */
export const EXIT = {
  OK: 0,
  FATAL: 1,
  CONFIG: 2,
  MISSING_PERMISSION: 4,
  NO_CONFIG: 6,
  PROGRAM_ERROR: 70,
  NO_MEMORY: 204,
} as const;

/** errno values keepalived hands systemd (ERRNO=) when a child's permanent error stops it. */
const EPERM = 1;
const EINVAL = 22;

/** A run that lasted this long earns an immediate respawn and a fresh backoff. */
export const STABLE_RUN_MS = 60_000;
const MAX_DELAY_S = 60;

export interface ChildExit {
  /** exit status, or null when killed by a signal */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What the supervisor remembers of one child between deaths (keepalived's *_next_restart_delay). */
export interface Backoff {
  readonly nextDelayS: number;
}

export const freshBackoff: Backoff = { nextDelayS: 0 };

export type RespawnDecision =
  /** FATAL, CONFIG or MISSING_PERMISSION: no respawn would help; the supervisor exits with `exitCode` and tells systemd `errno` */
  | { readonly action: 'terminate'; readonly exitCode: number; readonly errno: number; readonly message: string }
  /** -R: the supervisor stops everything, as on SIGTERM */
  | { readonly action: 'stop'; readonly message: string }
  | { readonly action: 'respawn'; readonly delayMs: number; readonly backoff: Backoff; readonly messages: readonly string[] };

const PERMANENT: Readonly<Record<number, string>> = {
  [EXIT.FATAL]: 'FATAL',
  [EXIT.CONFIG]: 'CONFIG',
  [EXIT.MISSING_PERMISSION]: 'missing permission',
};

export interface ChildDeath {
  /** the process as keepalived names it in logs: VRRP, Healthcheck */
  readonly name: string;
  readonly pid: number;
  readonly exit: ChildExit;
  /** from the child's start to its death */
  readonly ranMs: number;
  readonly backoff: Backoff;
  /** -R */
  readonly dontRespawn: boolean;
}

/** keepalived's line for how a child ended (report_child_status); undefined for a clean exit. */
export function exitDescription(name: string, exit: ChildExit): string | undefined {
  if (exit.signal !== null) return `${name} exited due to signal ${exit.signal}${exit.signal === 'SIGKILL' ? ' - has rlimit_rttime been exceeded?' : ''}`;
  if (exit.code !== null && exit.code !== EXIT.OK) return `${name} exited with status ${exit.code}`;
  return undefined;
}

/** The next delay and backoff (calc_restart_delay): the current delay is used, the next one doubles. */
function nextRestart(ranMs: number, b: Backoff): { delayS: number; backoff: Backoff } {
  if (ranMs >= STABLE_RUN_MS) return { delayS: 0, backoff: freshBackoff };
  const delayS = b.nextDelayS;
  const next = delayS === 0 ? 1 : Math.min(delayS * 2, MAX_DELAY_S);
  return { delayS, backoff: { nextDelayS: next } };
}

export function decideRespawn(d: ChildDeath): RespawnDecision {
  const permanent = d.exit.code === null ? undefined : PERMANENT[d.exit.code];
  if (permanent !== undefined) {
    return {
      action: 'terminate',
      exitCode: d.exit.code!,
      errno: d.exit.code === EXIT.MISSING_PERMISSION ? EPERM : EINVAL,
      message: `${d.name} exited with permanent error ${permanent}. Terminating`,
    };
  }
  if (d.dontRespawn) return { action: 'stop', message: `${d.name} child process(${d.pid}) died: Exiting` };
  const { delayS, backoff } = nextRestart(d.ranMs, d.backoff);
  const messages = [`${d.name} child process(${d.pid}) died: Respawning`];
  if (delayS > 0) messages.push(`Restart of ${d.name} process delayed ${delayS} seconds to limit respawn rate`);
  return { action: 'respawn', delayMs: delayS * 1000, backoff, messages };
}
