// The VRRP process (keepalived's VRRP child, vrrp_daemon.c): reads the
// configuration, builds the instances and sync groups, shares sockets per
// interface, family and group, follows links and addresses over rtnetlink
// (tracked interfaces, the address adverts come from), runs the tracked
// scripts and watches the tracked files (notify/vrrp-tracking.ts), reports
// every change through notify scripts, FIFOs and mail
// (notify/vrrp-notifications.ts), starts, and on SIGTERM/SIGINT stops
// gracefully: the scripts are told to end, every MASTER sends priority 0
// and releases its VIPs (RFC 5798 §6.4.3), so a backup takes over within
// its Skew_Time, then STOP is reported; `-V` (dont_release_vrrp) leaves
// adverts and VIPs alone, as keepalived does.
//
// reload() (SIGHUP) re-reads the configuration and, if it is usable, applies
// it as a diff (reload.ts, keepalived's clear_diff_vrrp): an instance that
// is the same virtual router keeps its state, timers and VIPs, and takes its
// new parameters from now on; instances that went release their VIPs as on
// a stop and report DELETED; new ones start as at startup; tracking,
// notifications, sync groups and sockets are rebuilt around them.
//
// After a crash the VIP ledger (net/vip-owner.ts) says what the dead
// process left: a respawned process takes back the instances that were
// MASTER a moment ago (reload-respawn.ts), and removes the rest.
import { EventEmitter } from 'node:events';
import { formatDiagnostic } from '../config/diagnostics.js';
import { isAddressOwner } from '../config/effective-vrrp.js';
import { realHostEnv } from '../config/hostcheck.js';
import { defaultReadOptions, loadConfig, type LoadResult, type ReadOptions } from '../config/load.js';
import type { Config } from '../config/schema/index.js';
import type { VrrpInstance } from '../config/schema/vrrp.js';
import { parseMac } from '../net/announce.js';
import { FrameSender, type AnnounceLink } from '../net/frame-sender.js';
import { canonicalIp, familyOf, ipToBytes } from '../net/ip.js';
import type { PreludePart } from '../net/prelude-part.js';
import { ipv6LinkLocal, primaryIpv4, type AddressInfo } from '../net/rtnl-address.js';
import { isOperational, type LinkInfo } from '../net/rtnl-link.js';
import { ipv6Forwarding, Rtnl, RtnlWatcher, type RtnlEvent } from '../net/rtnl.js';
import { ledgerId, sameRouter, VipOwner, type MasterRecord } from '../net/vip-owner.js';
import type { VrrpSocketOptions } from '../net/vrrp-socket.js';
import { ScriptGate } from '../notify/script-gate.js';
import { ScriptRunner } from '../notify/script-runner.js';
import { VrrpNotifications } from '../notify/vrrp-notifications.js';
import { VrrpTracking, type TrackedObjectView } from '../notify/vrrp-tracking.js';
import { createLogger, type Logger } from '../observe/log.js';
import { SYNC_GROUP_FAULT, VrrpRuntime } from './instance.js';
import { instancePlan, receiveParams, unsupported, vrrpParams, type InstancePlan } from './params.js';
import { diffInstances, fixedSettingChanges } from './reload.js';
import { resumeVerdict, type RespawnInfo } from './reload-respawn.js';
import { realScheduler, type Prelude, type Scheduler, type TimerLateness } from './scheduler.js';
import { SocketPool } from './socket-pool.js';
import { SyncGroup } from './sync-group.js';
import { combinePreludes, TimerPrelude, type PreludeWork } from './timer-prelude.js';
import { trackedInterfaces, trackResult, type TrackedInterface } from './track-interface.js';

export interface VrrpOptions {
  /** -f */
  readonly configFile: string;
  /** -i, -e */
  readonly readOptions?: ReadOptions;
  /** the configuration the caller has read from configFile already (a reload reads the file again) */
  readonly loaded?: LoadResult;
  /** -l (with -n): keepalived's console lines on stderr */
  readonly console?: boolean;
  /** -D */
  readonly detail?: boolean;
  /** instead of the one -l / -D would make */
  readonly logger?: Logger;
  /** -V: on stop, no priority 0 and the VIPs stay */
  readonly dontReleaseVrrp?: boolean;
  /** the MASTERs' priority-0 adverts, for the stop signal's handler to send before the stop (vrrp-child.ts: natively), told whenever they change */
  readonly farewell?: (prelude: Prelude | undefined) => void;
  /** stop on SIGTERM / SIGINT (default true) */
  readonly handleSignals?: boolean;
  /** the VIP ledger (vip-owner.ts): a restart after a crash removes what the dead process had added */
  readonly vipStateFile?: string;
  /** started by the supervisor after the previous VRRP process died: the MASTERs it recorded may be resumed */
  readonly respawn?: RespawnInfo;
  readonly scheduler?: Scheduler;
}

export interface VrrpProcess {
  /** the running instances and groups: a reload changes them (see onReloaded) */
  readonly instances: readonly VrrpRuntime[];
  readonly groups: readonly SyncGroup[];
  /** the configuration they run with */
  readonly config: Config;
  /**
   * Re-reads the configuration and applies it (see the header); true once
   * applied, false when it was refused and the running one stays. A reload
   * asked for during one runs after it.
   */
  reload(): Promise<boolean>;
  /** called after each reload applied */
  onReloaded(listener: () => void): void;
  /** every instance's tracked interfaces and their link state (tskad status) */
  trackedInterfaces(): Array<TrackedInterface & { readonly instance: string; readonly up: boolean }>;
  /** every instance's tracked scripts, files and processes (tskad status) */
  trackedObjects(): TrackedObjectView[];
  /** how late the process's timers fired, when its scheduler can tell (tskad status) */
  timers(): TimerLateness | undefined;
  /** Stops every instance (see the header), then closes sockets; idempotent. */
  stop(): Promise<void>;
  /** settles once stopped, by stop() or a signal */
  readonly stopped: Promise<void>;
}

/** The tracked objects this build cannot follow yet; an instance that lists them is warned about. */
const UNTRACKED = ['trackBfd'] as const;

interface Member {
  readonly vrrp: VrrpRuntime;
  readonly instance: VrrpInstance;
  readonly group?: Config['vrrpSyncGroup'][number];
  readonly hasOwner: boolean;
  readonly tracked: readonly TrackedInterface[];
}

/** The links and addresses as rtnetlink last told them. */
class NetView {
  private readonly links = new Map<number, LinkInfo>();
  private addresses: AddressInfo[];

  constructor(links: readonly LinkInfo[], addresses: readonly AddressInfo[]) {
    for (const l of links) this.links.set(l.index, l);
    this.addresses = [...addresses];
  }

  link(name: string): LinkInfo | undefined {
    return [...this.links.values()].find((l) => l.name === name);
  }

  isUp(name: string): boolean {
    const l = this.link(name);
    return l !== undefined && isOperational(l);
  }

  /** The address an instance sends from: the first primary IPv4 / IPv6 link-local address that is not one of its VIPs. */
  sourceFor(plan: InstancePlan, current: string | undefined): string | undefined {
    const l = this.link(plan.interface);
    if (!l) return undefined;
    const choice = { ...(current !== undefined && { current }), exclude: new Set(plan.addresses.map((a) => a.address)) };
    return plan.family === 4 ? primaryIpv4(this.addresses, l.index, choice) : ipv6LinkLocal(this.addresses, l.index, choice);
  }

  /** Applies one event; returns the name of a link whose operational state changed. */
  apply(ev: RtnlEvent): { readonly changed?: string; readonly up?: boolean } {
    if (ev.type === 'link') {
      if (ev.change === 'removed') this.links.delete(ev.link.index);
      else this.links.set(ev.link.index, ev.link);
      const moved = ev.change === 'up' || ev.change === 'down' || ev.change === 'removed' || ev.change === 'added';
      return moved ? { changed: ev.link.name, up: ev.change !== 'removed' && isOperational(ev.link) } : {};
    }
    if (ev.type === 'address') {
      const a = ev.address;
      this.addresses = this.addresses.filter((x) => !(x.index === a.index && x.address === a.address && x.prefix === a.prefix));
      if (ev.change === 'added') this.addresses.push(a);
    }
    return {};
  }

  replaceAddresses(addresses: readonly AddressInfo[]): void {
    this.addresses = [...addresses];
  }
}

/** keepalived keeps the first instance of a name and the first group an instance is named in. */
function uniqueInstances(config: Config, log: Logger): VrrpInstance[] {
  const seen = new Set<string>();
  return config.vrrpInstance.filter((i) => {
    if (seen.has(i.name)) return false;
    seen.add(i.name);
    const why = unsupported(i, config.globalDefs);
    if (why) log.error({ instance: i.name }, `(${i.name}) ${why} - ignoring this instance`);
    return why === undefined;
  });
}

function groupOf(config: Config, name: string) {
  return config.vrrpSyncGroup.find((g) => g.group.includes(name));
}

export async function runVrrp(o: VrrpOptions): Promise<VrrpProcess> {
  const log = o.logger ?? createLogger({ console: o.console ?? false, detail: o.detail ?? false });
  const scheduler = o.scheduler ?? realScheduler;
  const loaded = o.loaded ?? loadConfig(o.configFile, o.readOptions ?? defaultReadOptions());
  for (const d of loaded.diagnostics.sorted()) log[d.severity === 'warning' ? 'warn' : 'error']({ code: d.code }, formatDiagnostic(d));
  if (loaded.diagnostics.hasFatal) throw new Error(`${o.configFile}: the configuration has fatal errors`);
  const config = loaded.config;
  const g = config.globalDefs;
  log.info({ pid: process.pid }, `Starting VRRP process, pid=${process.pid}`);

  const rtnl = Rtnl.open();
  let watcher: RtnlWatcher | undefined;
  const pool = new SocketPool(log, g.logUnknownVrids);
  const frames = new FrameSender();
  try {
    watcher = await RtnlWatcher.open();
    return await startVrrp(o, { log, scheduler, config, rtnl, watcher, pool, frames });
  } catch (e) {
    pool.close();
    frames.close();
    watcher?.close();
    rtnl.close();
    throw e;
  }
}

interface Edges {
  readonly log: Logger;
  readonly scheduler: Scheduler;
  readonly config: Config;
  readonly rtnl: Rtnl;
  readonly watcher: RtnlWatcher;
  readonly pool: SocketPool;
  readonly frames: FrameSender;
}

/** What one configuration runs with; a reload builds the next one around the instances it keeps. */
interface Generation {
  readonly config: Config;
  readonly members: readonly Member[];
  readonly notifications: VrrpNotifications;
  readonly tracking: VrrpTracking;
  readonly groups: readonly SyncGroup[];
}

async function startVrrp(o: VrrpOptions, { log, scheduler, config: initialConfig, rtnl, watcher, pool, frames }: Edges): Promise<VrrpProcess> {
  const net = new NetView(watcher.knownLinks(), await rtnl.addresses());
  rtnl.knowIndexes((dev) => net.link(dev)?.index);
  const owner =
    o.vipStateFile === undefined
      ? new VipOwner(rtnl)
      : VipOwner.load(rtnl, o.vipStateFile, (e) => log.error({ err: e.message }, `cannot write the VIP state file ${o.vipStateFile}: ${e.message}`));
  const runner = new ScriptRunner({ log });
  const run = runner.run.bind(runner);
  const env = realHostEnv();
  const events = new EventEmitter<{ reloaded: [] }>();
  let gen: Generation | undefined;
  const configNow = () => gen?.config ?? initialConfig;

  /** `router`: whether `dev` forwards IPv6, which only NAs tell */
  const announceLink = (dev: string, router: boolean): AnnounceLink => {
    const l = net.link(dev);
    if (!l?.mac) throw new Error(`interface ${dev} is missing or has no hardware address`);
    const config = configNow();
    const group = config.garpGroup.find((x) => x.interface === dev || x.interfaces.includes(dev));
    return {
      ifindex: l.index,
      mac: parseMac(l.mac),
      router,
      garpInterval: group?.garpInterval ?? config.globalDefs.vrrpGarpInterval,
      gnaInterval: group?.gnaInterval ?? config.globalDefs.vrrpGnaInterval,
      ...(group && { garpGroup: String(config.garpGroup.indexOf(group)) }),
    };
  };
  /** GARPs leave on the caller's stack; only NAs wait, on /proc, for the router flag */
  const announce = async (dev: string, addresses: readonly string[]): Promise<void> => {
    const withNa = addresses.some((a) => familyOf(a) === 6);
    const link = announceLink(dev, withNa && (await ipv6Forwarding(dev).catch(() => false)));
    return frames.announce(link, addresses);
  };

  /** announce()'s GARPs as a timer prelude's part, where the interface is known and they need no pacing */
  const announcePart = (dev: string, addresses: readonly string[]): PreludePart | undefined => {
    if (addresses.some((a) => familyOf(a) === 6) || net.link(dev)?.mac === undefined) return undefined;
    return frames.announcePart(announceLink(dev, false), addresses);
  };

  /** each MASTER's priority-0 advert, as a prelude of its own instance's; told at every advert, passed on when it changes */
  const farewells = new Map<VrrpRuntime, Prelude>();
  const farewell = (vrrp: VrrpRuntime, prelude: Prelude | undefined): void => {
    if (prelude && farewells.get(vrrp) === prelude) return;
    if (prelude) farewells.set(vrrp, prelude);
    else if (!farewells.delete(vrrp)) return;
    o.farewell?.(combinePreludes([...farewells.values()]));
  };

  const routerOf = (v: VrrpRuntime) => ({ instance: v.name, interface: v.plan.interface, vrid: v.plan.vrid, family: v.plan.family });
  const newRuntime = (i: VrrpInstance, plan: InstancePlan, g: Config['globalDefs']): VrrpRuntime => {
    const preludes = new TimerPrelude(
      {
        advert: (a, farewell) => pool.preludePart(vrrp, a, farewell),
        add: (spec) => rtnl.addPart(spec),
        announce: ({ dev, addresses }) => announcePart(dev, addresses),
      },
      plan.name,
      log,
    );
    const vrrp: VrrpRuntime = new VrrpRuntime(plan, vrrpParams(i, g, ipToBytes(plan.family === 4 ? '0.0.0.0' : '::')), receiveParams(i, g), {
      scheduler,
      log,
      sendAdvert: (a) => preludes.takeAdvert(a) ?? pool.sender(vrrp)?.(a) ?? Promise.reject(new Error(`no VRRP socket on ${vrrp.plan.interface}`)),
      addAddress: async (spec) => {
        if ((await owner.add(spec, preludes.takeAdd(spec))) === 'foreign') log.warn({ instance: vrrp.name, address: spec.address }, `(${vrrp.name}) ${spec.address}/${spec.prefix} was already on ${spec.dev}; it is not tskad's and stays after release`);
      },
      removeAddress: async (spec) => void (await owner.remove(spec)),
      announce: (dev, addresses) => preludes.takeAnnouncement(dev, addresses) ?? announce(dev, addresses),
      prelude: (work) => preludes.prepare(work),
      ...(o.farewell && !o.dontReleaseVrrp && { farewell: (work: PreludeWork | undefined) => farewell(vrrp, work && preludes.prepare(work)) }),
    });
    vrrp.setInterfaceAddress(net.sourceFor(plan, undefined));
    // the record a respawned process resumes from
    vrrp.on('transition', (t) => {
      if (t.to === 'MASTER') owner.recordMaster(routerOf(vrrp), Date.now());
      else if (t.from === 'MASTER') owner.recordMaster(routerOf(vrrp), undefined);
    });
    return vrrp;
  };

  /** An instance's place in `config`: its sync group, tracked interfaces and socket. */
  const member = (vrrp: VrrpRuntime, i: VrrpInstance, config: Config): Member => {
    const g = config.globalDefs;
    const plan = vrrp.plan;
    for (const kind of UNTRACKED) if (i[kind].length > 0) log.warn({ instance: i.name }, `(${i.name}) ${kind} is not supported yet and is ignored`);
    const sg = groupOf(config, i.name);
    const hasOwner = sg?.group.some((n) => config.vrrpInstance.some((x) => x.name === n && isAddressOwner(x))) ?? false;
    const tracking = trackedInterfaces(i.name, {
      interface: plan.interface,
      trackInterface: i.trackInterface,
      dontTrackPrimary: i.dontTrackPrimary,
      owner: plan.owner,
      ...(sg && { group: { trackInterface: sg.trackInterface, trackingWeight: sg.syncGroupTrackingWeight || sg.globalTracking, hasOwner } }),
    });
    for (const note of tracking.notes) log.info({ instance: i.name }, note);
    // keepalived drops a tracked interface that does not exist at startup, unless dynamic_interfaces
    const tracked = tracking.tracked.filter((t) => {
      const keep = t.name === plan.interface || net.link(t.name) !== undefined || g.dynamicInterfaces !== undefined;
      if (!keep) log.error({ instance: i.name }, `(${i.name}) tracked interface ${t.name} doesn't exist`);
      return keep;
    });

    const link = net.link(plan.interface);
    const src = vrrp.sourceAddress;
    if (link && (plan.mcastGroup !== undefined || src !== undefined)) {
      const base = { ifname: link.name, ifindex: link.index, family: plan.family };
      const options: VrrpSocketOptions = plan.mcastGroup !== undefined ? { ...base, group: plan.mcastGroup } : { ...base, unicast: { src: canonicalIp(src!) } };
      pool.attach(vrrp, options);
    } else {
      pool.detach(vrrp);
      log.error({ instance: i.name }, `(${i.name}) no VRRP socket: interface ${plan.interface} is missing or has no IPv${plan.family} address`);
    }
    return { vrrp, instance: i, ...(sg && { group: sg }), hasOwner, tracked };
  };

  /** Notifications, tracking and sync groups over `members`; `running`: the members run already (a reload). */
  const generation = (config: Config, members: readonly Member[], running: boolean): Generation => {
    const gate = new ScriptGate(config.globalDefs, env, log);
    // before the sync groups exist: an instance's notifies go out before those its group causes (vrrp-notifications.ts)
    const notifications = new VrrpNotifications(config, members, { log, gate, env, run });
    const tracking = new VrrpTracking(
      config,
      members.map((m) => ({
        vrrp: m.vrrp,
        instance: m.instance,
        ...(m.group && { group: { config: m.group, hasOwner: m.hasOwner } }),
        interfaces: () => trackResult(m.tracked, (n) => net.isUp(n)),
      })),
      { log, gate, run, scheduler },
    );
    // what the tracked objects say before the sync groups exist: a member already faulty takes its group to FAULT at once
    tracking.refresh();

    const groups: SyncGroup[] = [];
    const grouped = new Set<string>();
    for (const sg of config.vrrpSyncGroup) {
      const inGroup = sg.group.flatMap((n) => {
        const m = members.find((x) => x.vrrp.name === n);
        if (!m) log.error({ group: sg.name }, `Virtual router ${n} specified in sync group ${sg.name} doesn't exist - ignoring`);
        else if (grouped.has(n)) log.error({ group: sg.name }, `Virtual router ${n} cannot exist in more than one sync group; ignoring ${sg.name}`);
        return m && !grouped.has(n) ? [m.vrrp] : [];
      });
      inGroup.forEach((m) => grouped.add(m.name));
      if (inGroup.length === 0) continue;
      if (inGroup.length === 1) log.warn({ group: sg.name }, `Sync group ${sg.name} has only 1 virtual router(s) - this probably isn't what you want`);
      groups.push(new SyncGroup(sg.name, inGroup, log, { running }));
    }
    notifications.watchGroups(groups);
    return { config, members, notifications, tracking, groups };
  };

  /** Starts the instances still in INIT, the sync groups' first (keepalived's order); `resume` says which take MASTER back. */
  const startFresh = (g: Generation, resume: ReadonlySet<VrrpRuntime> = new Set()) => {
    const inGroups = g.groups.flatMap((sg) => sg.members);
    const order = [...inGroups, ...g.members.map((m) => m.vrrp).filter((v) => !inGroups.includes(v))];
    for (const v of order) {
      if (v.state !== 'INIT') continue;
      v.rehearseTakeover({ sendAdvert: pool.rehearser(v), addAddress: (spec) => rtnl.rehearseAddAddress(spec) });
      if (resume.has(v)) v.resume();
      else v.start();
    }
  };

  // a respawn: which instances take MASTER back, and which leftovers they keep (reload-respawn.ts)
  const instances = uniqueInstances(initialConfig, log);
  const members = instances.map((i) => {
    const plan = instancePlan(i, initialConfig.globalDefs);
    return member(newRuntime(i, plan, initialConfig.globalDefs), i, initialConfig);
  });
  const resume = resumable(members, initialConfig, owner.masters, o.respawn, log);
  const kept = new Set([...resume].flatMap((v) => v.plan.addresses.map(ledgerId)));
  for (const r of await owner.removeLeftovers((k) => kept.has(ledgerId(k)))) log.info({ address: r.key.address, dev: r.key.dev, outcome: r.outcome }, `removed VIP ${r.key.address}/${r.key.prefix} left on ${r.key.dev} by a previous run (${r.outcome})`);
  if (owner.masters.length > 0) owner.clearMasters();
  gen = generation(initialConfig, members, false);

  const refresh = () => {
    for (const m of gen!.members) m.vrrp.setInterfaceAddress(net.sourceFor(m.vrrp.plan, m.vrrp.sourceAddress));
    gen!.tracking.refresh();
  };
  watcher.on('event', (ev) => {
    if (ev.type === 'overrun') {
      rtnl.addresses().then(
        (a) => {
          net.replaceAddresses(a);
          refresh();
        },
        (e: Error) => log.error({ err: e.message }, `cannot re-read addresses after a netlink overrun: ${e.message}`),
      );
      return;
    }
    const { changed, up } = net.apply(ev);
    if (changed !== undefined && gen!.members.some((m) => m.tracked.some((t) => t.name === changed))) log.info({ ifname: changed, up }, `Netlink reports ${changed} ${up ? 'up' : 'down'}`);
    refresh();
  });
  watcher.on('error', (e) => log.error({ err: e.message }, `netlink monitor: ${e.message}`));

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let stopping: Promise<void> | undefined;
  let reloading: Promise<boolean> | undefined;
  const onSignal = () => void stop();
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      // a reload half done would leave some instances out (no await without one: not even a turn's delay)
      if (reloading) await reloading;
      const { members, tracking, notifications } = gen!;
      // the priority-0 adverts first (RFC 5798 §6.4.3): each instance's leaves within its stop() call,
      // before the log line, the scripts told to end and the tracking wound down; a backup's Skew_Time starts at it
      const released = Promise.all(members.map((m) => m.vrrp.stop({ release: !o.dontReleaseVrrp })));
      log.info('Stopping');
      tracking.stop();
      const scriptsEnded = runner.killAll(1000);
      await released;
      await notifications.shutdown();
      await scriptsEnded;
      await owner.flush();
      notifications.close();
      pool.close();
      frames.close();
      watcher.close();
      rtnl.close();
      log.info('Stopped');
      resolveStopped();
    })();
    return stopping;
  };
  if (o.handleSignals ?? true) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  /** HUP (see reload.ts): validate everything first, then carry the diff out. */
  const applyReload = async (): Promise<boolean> => {
    log.info('Reloading');
    const loaded = loadConfig(o.configFile, o.readOptions ?? defaultReadOptions());
    for (const d of loaded.diagnostics.sorted()) log[d.severity === 'warning' ? 'warn' : 'error']({ code: d.code }, formatDiagnostic(d));
    if (loaded.diagnostics.hasFatal) {
      log.error('Reload failed: the configuration has errors; keeping the running configuration');
      return false;
    }
    const old = gen!;
    const next = loaded.config;
    const fixed = fixedSettingChanges(old.config, next);
    if (fixed.length > 0) {
      for (const f of fixed) log.error(f);
      log.error('Reload failed; keeping the running configuration');
      return false;
    }
    const wanted = uniqueInstances(next, log).map((i) => ({ i, plan: instancePlan(i, next.globalDefs) }));
    const diff = diffInstances(old.members.map((m) => m.vrrp), wanted.map((w) => w.plan));
    const configOf = (plan: InstancePlan) => wanted.find((w) => w.plan === plan)!.i;

    // keepalived kills the scripts and stops the file watches before it reads the new configuration
    old.tracking.stop();
    for (const sg of old.groups) sg.close();
    old.notifications.detach();
    await Promise.all(
      diff.removed.map(async (v) => {
        log.info({ instance: v.name }, `(${v.name}) removed by the reload`);
        const told = old.notifications.deleted(v);
        await v.stop();
        pool.detach(v);
        await told;
      }),
    );
    old.notifications.close();

    const members = [
      ...diff.kept.map(({ old: v, plan }) => {
        const i = configOf(plan);
        v.reconfigure(plan, vrrpParams(i, next.globalDefs, ipToBytes(plan.family === 4 ? '0.0.0.0' : '::')), receiveParams(i, next.globalDefs));
        return member(v, i, next);
      }),
      ...diff.added.map((plan) => {
        const i = configOf(plan);
        return member(newRuntime(i, plan, next.globalDefs), i, next);
      }),
    ];
    // the configuration's order, as at startup
    members.sort((a, b) => next.vrrpInstance.indexOf(a.instance) - next.vrrpInstance.indexOf(b.instance));
    gen = generation(next, members, true);
    // a group the reload dissolved no longer holds its former members in FAULT
    const grouped = new Set(gen.groups.flatMap((sg) => sg.members));
    for (const m of members) if (!grouped.has(m.vrrp)) m.vrrp.setFault(SYNC_GROUP_FAULT, false);
    const oldGroups = new Set(old.groups.map((sg) => sg.name));
    gen.notifications.resumeGroups((sg) => !oldGroups.has(sg.name));
    gen.tracking.start();
    refresh();
    startFresh(gen);
    log.info({ kept: diff.kept.length, added: diff.added.length, removed: diff.removed.length }, `Reload complete: ${diff.kept.length} instance(s) kept, ${diff.added.length} added, ${diff.removed.length} removed`);
    events.emit('reloaded');
    return true;
  };

  // vrrp_startup_delay: let bonds and switches settle before the first election
  if (initialConfig.globalDefs.vrrpStartupDelay > 0) await new Promise((r) => setTimeout(r, initialConfig.globalDefs.vrrpStartupDelay * 1000));
  if (!stopping) {
    gen.notifications.announceGroups();
    gen.tracking.start();
    startFresh(gen, resume);
    log.info('Startup complete');
  }
  return {
    get instances() {
      return gen!.members.map((m) => m.vrrp);
    },
    get groups() {
      return gen!.groups;
    },
    get config() {
      return gen!.config;
    },
    reload: () => {
      if (stopping) return Promise.resolve(false);
      const r = (reloading ?? Promise.resolve(true)).then(() => applyReload());
      reloading = r.catch((e: Error) => {
        log.error({ err: e.message }, `Reload failed: ${e.message}`);
        return false;
      });
      return reloading;
    },
    onReloaded: (listener) => void events.on('reloaded', listener),
    trackedInterfaces: () => gen!.members.flatMap((m) => m.tracked.map((t) => ({ instance: m.vrrp.name, name: t.name, weight: t.weight, reverse: t.reverse, up: net.isUp(t.name) }))),
    trackedObjects: () => gen!.tracking.trackedObjects(),
    timers: () => scheduler.expiries?.(),
    stop,
    stopped,
  };
}

/**
 * The instances that take MASTER back after a respawn (reload-respawn.ts);
 * a sync group resumes only whole, or its members would disagree.
 */
function resumable(members: readonly Member[], config: Config, masters: readonly MasterRecord[], respawn: RespawnInfo | undefined, log: Logger): Set<VrrpRuntime> {
  const now = Date.now();
  const verdicts = new Map(
    members.map((m) => {
      const v = m.vrrp;
      const record = masters.find((r) => sameRouter(r, { instance: v.name, interface: v.plan.interface, vrid: v.plan.vrid, family: v.plan.family }));
      const p = vrrpParams(m.instance, config.globalDefs, new Uint8Array());
      const verdict = resumeVerdict(record, respawn, p, now);
      if (!verdict.resume && verdict.why) log.info({ instance: v.name }, `(${v.name}) not resuming MASTER: ${verdict.why}`);
      return [v, verdict] as const;
    }),
  );
  const out = new Set<VrrpRuntime>();
  for (const m of members) {
    const partners = m.group ? members.filter((x) => x.group === m.group) : [m];
    if (!partners.every((x) => verdicts.get(x.vrrp)!.resume)) continue;
    const verdict = verdicts.get(m.vrrp)!;
    if (verdict.resume) log.info({ instance: m.vrrp.name }, `(${m.vrrp.name}) resuming MASTER: the previous VRRP process was MASTER and died ${verdict.downMs} ms ago`);
    out.add(m.vrrp);
  }
  return out;
}
