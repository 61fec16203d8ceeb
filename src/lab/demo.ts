// `tskad lab`: the one-command demonstration of an HA pair. Two routers and a
// client in network namespaces; each router runs the daemon on one of the
// pair's configurations (the shipped NFS example by default). It shows the
// election, the client reaching the VIP, one failover timed against the
// protocol's interval, and the preemption back; then it removes everything
// it made, also on Ctrl-C.
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireTools, wallClock } from './command.js';
import { createLab, type Lab, type LabNode, type PingResult } from './topology.js';
import { daemonCommand, startDaemon, stateOf, type Daemon, type DaemonKind } from './daemon.js';
import { watchAdverts, type AdvertWatch } from './adverts.js';
import { instanceFacts, type InstanceFacts } from './instance-facts.js';
import { DaemonExited, pingVip, settledHolder, whileRunning } from './cluster.js';
import { timeTakeover } from './takeover.js';

export interface LabDemoOptions {
  /** the daemon both routers run (default tskad) */
  readonly daemon?: DaemonKind;
  /** the pair's configurations, one per router (default the NFS example) */
  readonly configs?: readonly [string, string];
  /** how the master is stopped: SIGKILL is a crash (default), SIGTERM a clean shutdown */
  readonly stop?: 'SIGTERM' | 'SIGKILL';
  /** where the operator's lines go (default stdout) */
  readonly print?: (line: string) => void;
}

export interface Timing {
  /** measured, s */
  readonly seconds: number;
  /** what the protocol says, s */
  readonly expected: number;
}

export interface LabDemoReport {
  readonly vip: string;
  /** the router the election made master, and the other */
  readonly master: string;
  readonly backup: string;
  readonly pingBefore: PingResult;
  readonly pingAfter: PingResult;
  /** from the stop to the VIP on the backup */
  readonly failover: Timing & { readonly signal: 'SIGTERM' | 'SIGKILL'; /** from the master's last advert, s */ readonly sinceLastAdvert: number };
  /** from the restart to the VIP leaving the backup; undefined when the master did not take it back */
  readonly preemption?: Timing;
}

/** The package's root: the nearest directory above this module with a package.json, outside dist/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('/dist')) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the tskad package root (for examples/)');
    dir = up;
  }
  return dir;
}

export const defaultDemoConfigs = (): [string, string] => {
  const root = packageRoot();
  return [join(root, 'examples/nfs-master.conf'), join(root, 'examples/nfs-backup.conf')];
};

const secs = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;
const shown = (file: string): string => (relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file));

/** RFC 5798 §6.1, written out with the instance's numbers */
function masterDownFormula(f: InstanceFacts): string {
  return `Master_Down_Interval ${f.downTimerAdverts} × ${f.advertInt} s + ${skewFormula(f)} = ${f.masterDown.toFixed(3)} s`;
}
const skewFormula = (f: InstanceFacts): string =>
  f.version === 2 ? `(256 − ${f.priority})/256 s` : `(256 − ${f.priority}) × ${f.advertInt} s/256`;

/** A router of the pair, with the configuration it runs. */
interface Member {
  readonly node: LabNode;
  readonly conf: string;
  readonly facts: InstanceFacts;
}

/** What the demo's steps share. */
interface Scene {
  readonly lab: Lab;
  readonly print: (line: string) => void;
  readonly kind: DaemonKind;
  readonly ifname: string;
  readonly vip: string;
  readonly adverts: AdvertWatch;
  readonly daemons: Map<string, Daemon>;
  start(m: Member): void;
}

export async function runLabDemo(opts: LabDemoOptions = {}): Promise<LabDemoReport> {
  const print = opts.print ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const kind = opts.daemon ?? 'tskad';
  requireTools({ ip: 'iproute2', ping: 'iputils-ping', tcpdump: 'tcpdump', ...(kind === 'keepalived' ? { keepalived: 'keepalived' } : {}) });
  const configs = opts.configs ?? defaultDemoConfigs();
  const facts = configs.map((c) => instanceFacts(c));
  const vip = facts[0]!.vips[0];
  if (vip === undefined) throw new Error(`${configs[0]}: the instance has no virtual_ipaddress`);
  const ifname = facts[0]!.interface ?? 'eth0';

  const lab = await createLab({ routers: 2 });
  try {
    const members = lab.routers.map((node, i): Member => ({ node, conf: configs[i]!, facts: facts[i]! }));
    print(`lab: 2 routers and a client on one bridge, in network namespaces ${lab.client.ns.replace(/-client$/, '-*')}`);
    for (const m of members) print(`  ${m.node.name.padEnd(7)}${ifname} ${m.node.links[0]!.ipv4.padEnd(14)}${kind} -f ${shown(m.conf)}`);
    print(`  client ${ifname} ${lab.client.links[0]!.ipv4}`);
    const segment = members[0]!.node.links.find((l) => l.ifname === ifname)?.segment ?? 0;
    const command = daemonCommand(kind);
    const daemons = new Map<string, Daemon>();
    const scene: Scene = {
      lab,
      print,
      kind,
      ifname,
      vip,
      adverts: await watchAdverts(lab, segment),
      daemons,
      start: (m) => void daemons.set(m.node.name, startDaemon(lab, m.node.name, { command, config: { file: m.conf } })),
    };
    const { master, backup } = await elect(scene, members);
    const pingBefore = await pingClient(scene);
    const failover = await stopMaster(scene, master, backup, opts.stop ?? 'SIGKILL');
    const pingAfter = await pingClient(scene);
    const preemption = await restartMaster(scene, master, backup);
    scene.adverts.stop();
    return { vip, master: master.node.name, backup: backup.node.name, pingBefore, pingAfter, failover, ...(preemption ? { preemption } : {}) };
  } finally {
    await lab.destroy();
    print(`cleanup: ${lab.namespaces.length} namespaces and every process of the lab removed`);
  }
}

/** Both daemons start together; the state changes they log, and who ends up holding the VIP. */
async function elect(s: Scene, members: readonly Member[]): Promise<{ master: Member; backup: Member }> {
  const t0 = wallClock();
  for (const m of members) s.start(m);
  const holder = await whileRunning(s.daemons.values(), settledHolder(s.lab, s.vip, Math.max(...members.map((m) => m.facts.advertInt))));
  const master = members.find((m) => m.node.name === holder)!;
  const backup = members.find((m) => m !== master)!;
  s.print(`election (${master.facts.name}, VRID ${master.facts.virtualRouterId}, VIP ${s.vip}):`);
  const transitions = [...s.daemons.values()]
    .flatMap((d) => d.process.lines.flatMap((l) => {
      const state = stateOf(l.text)?.state;
      return state ? [{ at: l.at, router: d.router, state }] : [];
    }))
    .sort((x, y) => x.at - y.at);
  for (const t of transitions) s.print(`  ${secs(t.at - t0).padStart(9)}  ${t.router} ${t.state}`);
  s.print(`  ${holder} is MASTER: ${s.vip} is on its ${s.ifname}; ${backup.node.name} is BACKUP`);
  return { master, backup };
}

/**
 * One failover. The master is stopped right after one of its adverts, so the
 * backup waits its whole interval: Master_Down_Interval after a crash,
 * Skew_Time after the priority-0 advert of a clean stop (RFC 5798 §6.4.2).
 */
async function stopMaster(s: Scene, master: Member, backup: Member, signal: 'SIGTERM' | 'SIGKILL'): Promise<LabDemoReport['failover']> {
  const expected = signal === 'SIGKILL' ? backup.facts.masterDown : backup.facts.skew;
  const { disruptedAt: stopped, disruptedAfter, takeovers } = await timeTakeover(s.lab, {
    from: master.node,
    to: backup.node,
    targets: [{ vip: s.vip, vrid: master.facts.virtualRouterId, adverts: s.adverts }],
    disrupt: () => s.daemons.get(master.node.name)!.stop(signal),
    limitMs: (expected + 10) * 1000,
    running: [s.daemons.get(backup.node.name)!],
  });
  // after a SIGTERM, the master's last advert is its priority-0 one
  const { at: tookOver, lastAdvert: last } = takeovers[0]!;
  s.print(`failover: ${signal} to ${master.node.name}'s ${s.kind}, ${(stopped - disruptedAfter.at).toFixed(1)} ms after one of its adverts`);
  s.print(`  ${s.vip} on ${backup.node.name} ${secs(tookOver - stopped)} after the stop, ${secs(tookOver - last.at)} after ${master.node.name}'s last advert (priority ${last.priority})`);
  s.print(`  ${signal === 'SIGKILL' ? masterDownFormula(backup.facts) : `Skew_Time ${skewFormula(backup.facts)} = ${backup.facts.skew.toFixed(3)} s`}`);
  if (signal === 'SIGKILL' && (await s.lab.holds(master.node.name, s.vip)))
    s.print(`  ${master.node.name} still holds ${s.vip}: a crashed daemon removes nothing; it stopped advertising, and ${backup.node.name}'s gratuitous ARPs moved the traffic`);
  return { signal, seconds: (tookOver - stopped) / 1000, expected, sinceLastAdvert: (tookOver - last.at) / 1000 };
}

/** The master comes back: it starts as BACKUP, discards the lower priority it hears, and takes over when its own timer runs out. */
async function restartMaster(s: Scene, master: Member, backup: Member): Promise<Timing | undefined> {
  const limit = master.facts.masterDown + 10;
  const offBackup = await s.lab.watchAddress(backup.node.name, s.vip, false, limit * 1000);
  const restarted = wallClock();
  s.start(master);
  try {
    const released = await whileRunning(s.daemons.values(), offBackup.at);
    s.print(`preemption: ${master.node.name}'s ${s.kind} restarted`);
    s.print(`  ${s.vip} back on ${master.node.name}, off ${backup.node.name} ${secs(released - restarted)} after the restart; ${master.node.name} waits out its ${masterDownFormula(master.facts)}, plus its start`);
    return { seconds: (released - restarted) / 1000, expected: master.facts.masterDown };
  } catch (e) {
    if (e instanceof DaemonExited) throw e;
    s.print(`preemption: ${master.node.name} did not take ${s.vip} back within ${limit.toFixed(0)} s (nopreempt, or a lower priority?)`);
    return undefined;
  }
}

async function pingClient(s: Scene): Promise<PingResult> {
  const { ping, mac, router } = await pingVip(s.lab, s.vip);
  s.print(ping.received ? `client: ping ${s.vip}: reply in ${ping.rttMs ?? '?'} ms, from ${router ?? 'an unknown host'} (${mac})` : `client: ping ${s.vip}: no reply`);
  return ping;
}
