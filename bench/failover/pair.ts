// One daemon's HA pair in the bench's lab: r1 and r2 running keepalived or
// tskad on the same configuration (plan.ts), which of them is master, and a
// lost master coming back, with a fresh daemon, as the BACKUP of the router
// that took over. The backup is always a daemon that has never been master;
// a takeover the bench did not cause is counted and undone.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { wallClock } from '../../src/lab/command.js';
import { daemonCommand, startDaemon, stateOf, type Daemon, type DaemonKind } from '../../src/lab/daemon.js';
import { renderConfig } from '../../src/lab/config-template.js';
import { instanceFacts, type InstanceFacts } from '../../src/lab/instance-facts.js';
import type { Lab, LabLink } from '../../src/lab/topology.js';
import { pairConfig, VIP, VRID, type Scenario } from './plan.js';
import { isAdvert, type WireAdvert, type WireCapture, type WireEvent } from './wire.js';

const ROUTERS = ['r1', 'r2'] as const;
export type Router = (typeof ROUTERS)[number];

export const other = (r: Router): Router => (r === 'r1' ? 'r2' : 'r1');

export interface Pair {
  readonly kind: DaemonKind;
  readonly lab: Lab;
  readonly wire: WireCapture;
  /** the instance as both routers run it: intervals by RFC 5798 §6.1 */
  readonly facts: InstanceFacts;
  /** when the daemons were started (ms since the epoch) */
  readonly startedAt: number;
  /** the router holding the VIP */
  master: Router;
  /** takeovers nobody caused so far: a backup that took over from a live master, or a master that yielded */
  readonly unsolicited: number;
  daemon(r: Router): Daemon;
  link(r: Router): LabLink;
  /**
   * SIGKILLs the daemon of `r` if it runs, clears what it left as a reboot
   * would, and starts it again; returns when it was started
   */
  restart(r: Router): Promise<number>;
  /** an advert of this pair's VRID from `r` */
  advertFrom(r: Router): (e: WireEvent) => e is WireAdvert;
  /** resolves once `r`, lost at `since` and brought back, is BACKUP and has heard the master */
  rejoined(r: Router, since: number): Promise<void>;
  /**
   * Makes the pair what the bench left it — `master` alone holds the VIP,
   * the other is a BACKUP never master — counting a takeover if it was not.
   */
  recover(): Promise<void>;
  /** both daemons SIGKILLed and cleared (without the shutdown's priority 0, which keepalived follows with 1 s of IGMP leaves) */
  stop(): Promise<void>;
}

/** how long a step may take beyond the protocol's own intervals before the bench gives up */
const SLACK_MS = 10_000;

export async function startPair(lab: Lab, wire: WireCapture, kind: DaemonKind, scenario: Scenario): Promise<Pair> {
  for (const r of ROUTERS) if (await lab.holds(r, VIP)) throw new Error(`${r} holds ${VIP} before the ${kind} pair starts`);
  const command = daemonCommand(kind);
  const confs = new Map<Router, string>();
  for (const r of ROUTERS) {
    const file = join(lab.dir, `${kind}-${r}.conf`);
    writeFileSync(file, renderConfig(pairConfig(kind, r, scenario)));
    confs.set(r, file);
  }
  const daemons = new Map<Router, Daemon>();
  const start = (r: Router): Daemon => {
    const d = startDaemon(lab, r, { command, config: { file: confs.get(r)! } });
    daemons.set(r, d);
    return d;
  };
  const facts = instanceFacts(confs.get('r1')!);
  /** whether the daemon now running on `r` has been master */
  const wasMaster = (r: Router): boolean => daemons.get(r)!.process.lines.some((l) => stateOf(l.text)?.state === 'MASTER');
  const restart = async (r: Router): Promise<number> => {
    const d = daemons.get(r)!;
    if (d.process.running()) await d.stop('SIGKILL');
    await clearCrash(lab, d);
    const at = wallClock();
    start(r);
    return at;
  };
  const advertFrom =
    (r: Router) =>
    (e: WireEvent): e is WireAdvert =>
      isAdvert(e) && e.vrid === VRID[kind] && e.source === lab.node(r).links[0]!.ipv4;
  const lastState = (r: Router, since = 0): string | undefined =>
    daemons.get(r)!.process.lines.filter((l) => l.at >= since).map((l) => stateOf(l.text)?.state).filter(Boolean).at(-1);

  const rejoined = async (r: Router, since: number): Promise<void> => {
    const deadline = Date.now() + facts.masterDown * 1000 + SLACK_MS;
    while (lastState(r, since) !== 'BACKUP') {
      const d = daemons.get(r)!;
      if (!d.process.running()) throw new Error(`${kind} on ${r} exited while rejoining:\n${tail(d)}`);
      if (Date.now() > deadline) throw new Error(`${kind} on ${r} was not BACKUP ${SLACK_MS} ms after it came back:\n${tail(d)}`);
      await sleep(5);
    }
    // an advert sent after r logged BACKUP has reset r's Master_Down_Timer (RFC 5798 §6.4.2)
    await wire.next(advertFrom(other(r)), wallClock(), facts.advertInt * 1000 * 3 + SLACK_MS);
  };

  // One after the other: r2 first, and r1 once r2 is master. Started
  // together, both would time out at once and be master for a moment
  // (RFC 5798 §6.4.3) before r1, the lower address, yields.
  const startedAt = wallClock();
  const elected = await lab.watchAddress('r2', VIP, true, facts.masterDown * 1000 + SLACK_MS);
  start('r2');
  await elected.at;
  const backupStart = wallClock();
  start('r1');
  await rejoined('r1', backupStart);

  let unsolicited = 0;
  const pair: Pair = {
    kind,
    lab,
    wire,
    facts,
    startedAt,
    master: 'r2',
    get unsolicited() {
      return unsolicited;
    },
    daemon: (r) => daemons.get(r)!,
    link: (r) => lab.node(r).links[0]!,
    restart,
    advertFrom,
    rejoined,
    recover: async () => {
      const holders: Router[] = [];
      for (const r of ROUTERS) if (await lab.holds(r, VIP)) holders.push(r);
      const backup = other(pair.master);
      if (holders.length === 1 && holders[0] === pair.master && !wasMaster(backup)) return;
      unsolicited++;
      pair.master = await settle(lab, ROUTERS.map((r) => daemons.get(r)!), lastState, facts);
      const fresh = other(pair.master);
      if (wasMaster(fresh)) await rejoined(fresh, await restart(fresh));
    },
    stop: async () => {
      for (const r of ROUTERS) {
        const d = daemons.get(r)!;
        await d.stop('SIGKILL');
        await clearCrash(lab, d);
      }
    },
  };
  return pair;
}

/**
 * What a SIGKILLed daemon leaves behind, its VIP and its pid files, goes as
 * after a reboot: keepalived refuses to start while a pid file names a
 * process that is still there, and its killed VRRP child can linger as a
 * zombie until init reaps it. (keepalived would delete the VIP at startup
 * itself; tskad deletes only what its own records say it added.)
 */
async function clearCrash(lab: Lab, d: Daemon): Promise<void> {
  if (await lab.holds(d.router, VIP)) await lab.exec(d.router, ['ip', 'addr', 'del', `${VIP}/24`, 'dev', 'eth0']);
  for (const file of [d.files.pidFile, d.files.vrrpPidFile, d.files.checkersPidFile]) rmSync(file, { force: true });
}

const tail = (d: Daemon): string =>
  d.process.lines
    .slice(-8)
    .map((l) => `    ${l.text}`)
    .join('\n');

/**
 * Waits for a disturbed pair to settle: one router holds the VIP and the
 * other is BACKUP (two masters hear each other and the lower address
 * yields, RFC 5798 §6.4.3).
 */
async function settle(lab: Lab, daemons: readonly Daemon[], lastState: (r: Router) => string | undefined, facts: InstanceFacts): Promise<Router> {
  const limit = facts.masterDown * 1000 + SLACK_MS;
  const deadline = Date.now() + limit;
  let candidate: Router | undefined;
  let since = 0;
  for (;;) {
    for (const d of daemons) if (!d.process.running()) throw new Error(`${d.router}'s daemon exited during the election:\n${tail(d)}`);
    const holders: Router[] = [];
    for (const r of ROUTERS) if (await lab.holds(r, VIP)) holders.push(r);
    const holder = holders.length === 1 && lastState(other(holders[0]!)) === 'BACKUP' ? holders[0] : undefined;
    if (holder === undefined || holder !== candidate) since = Date.now();
    candidate = holder;
    // the same master for two advert intervals: the other has heard it and stays BACKUP
    if (candidate !== undefined && Date.now() - since >= 2 * facts.advertInt * 1000) return candidate;
    if (Date.now() > deadline) throw new Error(`no single master of ${VIP} within ${limit} ms (holders: ${holders.join(', ') || 'none'})`);
    await sleep(20);
  }
}
