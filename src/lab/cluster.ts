// Clusters of VRRP daemons in a lab, shared by the `tskad lab` demo and the
// cluster and interop tests: a lab with its captures, each router's daemon
// (keepalived or tskad) on a config template or file, who holds a VIP once
// an election has settled and who answers the client for it, whose adverts
// are whose, and failing fast when a daemon exits.
import { setTimeout as sleep } from 'node:timers/promises';
import { wallClock } from './command.js';
import { watchAdverts, type AdvertWatch, type SeenAdvert } from './adverts.js';
import { watchAnnouncements, type AnnouncementWatch } from './announcements.js';
import { renderConfig, type ConfigTemplate } from './config-template.js';
import { daemonCommand, startDaemon, transitions, type Daemon, type DaemonKind } from './daemon.js';
import { instanceFacts, type InstanceFacts } from './instance-facts.js';
import { createLab, type Lab, type LabNode, type LabOptions, type PingResult } from './topology.js';

/** Resolves at wall-clock time `at` (ms since the epoch), or at once if it is past. */
export const sleepUntil = (at: number): Promise<void> => sleep(Math.max(0, at - wallClock()));

/** Every address a router's adverts can come from: IPv4, IPv6 global and link-local (RFC 5798 §5.1.2.1). */
export const routerAddresses = (n: LabNode): string[] => n.links.flatMap((l) => [l.ipv4, ...(l.ipv6 ? [l.ipv6] : []), l.linkLocal]);

/** Matches the adverts a router sends for a VRID. */
export function advertsOf(n: LabNode, vrid: number): (a: SeenAdvert) => boolean {
  const mine = new Set(routerAddresses(n));
  return (a) => a.vrid === vrid && mine.has(a.source);
}

export interface VipAnswer {
  readonly ping: PingResult;
  /** the MAC the client's neighbour table holds for the VIP after the ping */
  readonly mac?: string;
  /** the router that MAC belongs to */
  readonly router?: string;
}

/** Pings `vip` from the client: who answers for it is the router whose MAC the client learnt (from its ARP or NA). */
export async function pingVip(lab: Lab, vip: string): Promise<VipAnswer> {
  const ping = await lab.ping('client', vip);
  const mac = await lab.neighbourMac('client', vip);
  const router = lab.routers.find((r) => r.links.some((l) => l.mac === mac))?.name;
  return { ping, ...(mac !== undefined && { mac }), ...(router !== undefined && { router }) };
}

/** The router serving `vip` to the client, or what went wrong, for assertions: `r1`, `no reply`, `unknown MAC …`. */
export async function servedBy(lab: Lab, vip: string): Promise<string> {
  const a = await pingVip(lab, vip);
  if (!a.ping.received) return 'no reply';
  return a.router ?? `unknown MAC ${a.mac ?? '(none)'}`;
}

/** The routers holding `ip` now. */
export async function holders(lab: Lab, ip: string): Promise<string[]> {
  const found: string[] = [];
  for (const r of lab.routers) if (await lab.holds(r.name, ip)) found.push(r.name);
  return found;
}

/**
 * The router holding the VIP once the election has settled: the same one
 * alone holds it across an advert interval (two routers started together
 * can both time out and be MASTER for a moment, RFC 5798 §6.4.2–6.4.3).
 */
export async function settledHolder(lab: Lab, vip: string, advertIntS: number, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let previous: string | undefined;
  for (;;) {
    const now = await holders(lab, vip);
    const holder = now.length === 1 ? now[0] : undefined;
    if (holder !== undefined && holder === previous) return holder;
    if (Date.now() > deadline) throw new Error(`no single router held ${vip} for ${advertIntS} s within ${timeoutMs} ms (holders: ${now.join(', ') || 'none'})`);
    previous = holder;
    await sleep(holder === undefined ? 50 : advertIntS * 1000 + 100);
  }
}

export class DaemonExited extends Error {}

/** `work`, or a DaemonExited with its last lines as soon as one of `daemons` exits: a crash, a config error… */
export function whileRunning<T>(daemons: Iterable<Daemon>, work: Promise<T>): Promise<T> {
  const died = [...daemons].map((d) =>
    d.process.exited.then((e) => {
      const tail = d.process.lines.slice(-8).map((l) => `    ${l.text}`).join('\n');
      throw new DaemonExited(`${d.router}: the daemon exited (${e.code ?? e.signal}):\n${tail}`);
    }),
  );
  return Promise.race([work, ...died]);
}

/** The daemons of a lab's routers, each started on a config template, by kind (keepalived or tskad). */
export class Cluster {
  private readonly daemons = new Map<string, Daemon>();

  constructor(readonly lab: Lab) {}

  /** starts (or restarts) the router's daemon, on a config template or a file */
  start(router: string, kind: DaemonKind, config: ConfigTemplate | { readonly file: string }): Daemon {
    const source = 'file' in config ? config : { text: renderConfig(config) };
    const d = startDaemon(this.lab, router, { command: daemonCommand(kind), config: source });
    this.daemons.set(router, d);
    return d;
  }

  daemon(router: string): Daemon {
    const d = this.daemons.get(router);
    if (!d) throw new Error(`no daemon was started on ${router}`);
    return d;
  }

  /** the daemons still running */
  running(): Daemon[] {
    return [...this.daemons.values()].filter((d) => d.process.running());
  }

  /** an instance's intervals as the router's daemon runs it */
  facts(router: string, instance: string): InstanceFacts {
    return instanceFacts(this.daemon(router).files.conf, instance);
  }

  /**
   * The router holding `vip` once every running daemon has had its
   * instance's Master_Down_Interval to claim it (a router started later
   * preempts only then, RFC 5798 §6.4.2), and the same one alone has held
   * it across an advert interval.
   */
  async settledHolder(instance: string, vip: string, timeoutMs = 30_000): Promise<string> {
    const daemons = this.running();
    const firstState = new RegExp(`\\(${instance}\\) Entering \\w+ STATE`);
    let claimed = 0;
    let advertInt = 0;
    for (const d of daemons) {
      const start = await whileRunning(daemons, d.process.waitForLine(firstState, timeoutMs));
      const f = this.facts(d.router, instance);
      claimed = Math.max(claimed, start.at + f.masterDown * 1000);
      advertInt = Math.max(advertInt, f.advertInt);
    }
    await sleepUntil(claimed);
    return whileRunning(daemons, settledHolder(this.lab, vip, advertInt, timeoutMs));
  }

  /** the router's last logged state of an instance */
  state(router: string, instance: string): string | undefined {
    return transitions(this.daemon(router)).findLast((t) => t.instance === instance)?.state;
  }
}

/** A lab with its VRRP daemons and captures: adverts on every segment, announcements on the client's. */
export interface ClusterLab {
  readonly lab: Lab;
  readonly cluster: Cluster;
  /** by segment: [0] is eth0's, the client's */
  readonly adverts: readonly AdvertWatch[];
  readonly announcements: AnnouncementWatch;
}

export async function createClusterLab(opts: LabOptions): Promise<ClusterLab> {
  const lab = await createLab(opts);
  try {
    const adverts = [];
    for (let s = 0; s < (opts.segments ?? 1); s++) adverts.push(await watchAdverts(lab, s));
    return { lab, cluster: new Cluster(lab), adverts, announcements: await watchAnnouncements(lab) };
  } catch (e) {
    await lab.destroy();
    throw e;
  }
}
