// A lab topology: router namespaces r1…rN and a client namespace, each link a
// veth whose other end is a port of a bridge in a namespace of its own, so
// nothing touches the host's network. Inside a router the links are called
// eth0 (192.0.2.0/24, 2001:db8::/64) and eth1 (198.51.100.0/24,
// 2001:db8:1::/64, the optional second segment), the names the shipped
// examples use. Only documentation addresses; IPv6 without DAD, so addresses
// and link-locals are usable at once.
//
// Everything made here — namespaces, the processes started in them, the temp
// dir — goes on destroy(), on SIGINT/SIGTERM and on process exit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './command.js';
import { DEFAULT_PREFIX, namespaceName, removeNamespaces, sweepLeftovers } from './namespaces.js';
import { spawnIn, type LabProcess, type SpawnOptions } from './process.js';
import { onProcessEnd } from './reaper.js';
import { holdsAddress, watchAddress, type AddressWatch } from './address-watch.js';

export interface LabOptions {
  /** routers r1…rN (default 2) */
  readonly routers?: number;
  /** 1: eth0 only; 2: also eth1 on a second bridge (sync groups) */
  readonly segments?: 1 | 2;
  /** IPv6 addresses on every link (default true) */
  readonly ipv6?: boolean;
  /** first part of every namespace name (default tskad-lab) */
  readonly prefix?: string;
}

export interface LabLink {
  readonly ifname: string;
  readonly segment: number;
  readonly ipv4: string;
  readonly ipv6?: string;
  /** the source of its IPv6 adverts (RFC 5798 §5.1.2.1) */
  readonly linkLocal: string;
  readonly mac: string;
  /** its other end, a port of the segment's bridge in the switch namespace */
  readonly port: string;
}

export interface LabNode {
  /** r1…rN, client */
  readonly name: string;
  readonly ns: string;
  readonly links: readonly LabLink[];
}

export interface PingResult {
  readonly received: boolean;
  /** round-trip time of the reply, ms */
  readonly rttMs?: number;
}

/** Nodes are named by `LabNode.name` (r1, client; `switch` for the bridges' namespace). */
export interface Lab {
  readonly routers: readonly LabNode[];
  readonly client: LabNode;
  /** the namespace of the bridges */
  readonly switchNs: string;
  /** every namespace of the lab */
  readonly namespaces: readonly string[];
  /** a temp dir for configs, pid files and logs, removed with the lab */
  readonly dir: string;
  node(name: string): LabNode;
  exec(node: string, argv: readonly string[]): Promise<string>;
  /** starts a process in the node's namespace, killed (with its descendants) at the latest by destroy() */
  spawn(node: string, argv: readonly string[], opts?: SpawnOptions): LabProcess;
  /** the router loses carrier on the link, as if its cable were pulled: its addresses stay */
  linkDown(router: string, ifname: string): Promise<void>;
  linkUp(router: string, ifname: string): Promise<void>;
  /** takes every link of the router off its bridge: it hears nothing and is heard by no one, with carrier still up (split brain) */
  cut(router: string): Promise<void>;
  rejoin(router: string): Promise<void>;
  /** the link's addresses as address/prefix, in the kernel's order */
  addressesOf(node: string, ifname: string): Promise<string[]>;
  /** whether `ip` is on any link of the node */
  holds(node: string, ip: string): Promise<boolean>;
  /**
   * Resolves once a change of `ip` on any link of the node (to present, or
   * absent) cannot be missed; start it before causing the change.
   */
  watchAddress(node: string, ip: string, present: boolean, timeoutMs: number): Promise<AddressWatch>;
  /** the time (ms since the epoch, to the µs) `ip` was on (or off) the node, or now if it already is */
  waitForAddress(node: string, ip: string, present: boolean, timeoutMs: number): Promise<number>;
  ping(from: string, ip: string, timeoutS?: number): Promise<PingResult>;
  /** the MAC the node's neighbour table holds for `ip` (who answers for a VIP) */
  neighbourMac(node: string, ip: string): Promise<string | undefined>;
  /** kills every process the lab started and deletes every namespace; safe to call more than once */
  destroy(): Promise<void>;
}

/** The segments' networks: a host's address is the prefix plus its number. */
const SEGMENTS = [
  { ipv4: '192.0.2.', ipv6: '2001:db8::' },
  { ipv4: '198.51.100.', ipv6: '2001:db8:1::' },
] as const;
/** routers are hosts 11, 12… (r1 192.0.2.11), the client host 100 */
const routerHost = (index: number): number => 11 + index;
const CLIENT_HOST = 100;
const CLIENT = 'client';
const SWITCH = 'switch';

let labsMade = 0;

export async function createLab(opts: LabOptions = {}): Promise<Lab> {
  const routerCount = opts.routers ?? 2;
  const segments = opts.segments ?? 1;
  const ipv6 = opts.ipv6 ?? true;
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  if (!Number.isInteger(routerCount) || routerCount < 1 || routerCount > 80) throw new Error(`routers: 1 to 80, not ${routerCount}`);
  if (segments !== 1 && segments !== 2) throw new Error(`segments: 1 or 2, not ${String(segments)}`);
  sweepLeftovers(prefix);

  const labIndex = labsMade++;
  const nsOf = (node: string): string => namespaceName(prefix, process.pid, labIndex, node);
  const routerNames = Array.from({ length: routerCount }, (_, i) => `r${i + 1}`);
  const nodeNames = [...routerNames, CLIENT];
  const namespaces = [nsOf(SWITCH), ...nodeNames.map(nsOf)];
  const dir = mkdtempSync(join(tmpdir(), namespaceName(prefix, process.pid, labIndex, '')));
  const processes: LabProcess[] = [];

  // registered before anything exists, so a failure half-way still removes what was made
  const teardown = onProcessEnd(() => {
    for (const p of processes) p.killTree();
    removeNamespaces(namespaces);
    rmSync(dir, { recursive: true, force: true });
  });

  try {
    for (const ns of namespaces) await run(['ip', 'netns', 'add', ns]);
    await setUpSwitch(nsOf(SWITCH), segments);
    const nodes = new Map<string, LabNode>();
    for (const [i, name] of nodeNames.entries()) {
      const host = name === CLIENT ? CLIENT_HOST : routerHost(i);
      // the client sits on the first segment only: it stands for the service's users
      const linkCount = name === CLIENT ? 1 : segments;
      nodes.set(name, await setUpNode(name, nsOf(name), nsOf(SWITCH), host, linkCount, ipv6));
    }
    return handle({ nodes, switchNs: nsOf(SWITCH), namespaces, dir, processes, teardown });
  } catch (e) {
    teardown();
    throw e;
  }
}

const sysctl = (ns: string, ...settings: string[]): Promise<string> => run(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', ...settings]);

async function setUpSwitch(ns: string, segments: number): Promise<void> {
  // the bridges' own namespace needs no IPv6 of its own: no RS, MLD or link-locals on the wire from it
  await sysctl(ns, 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1');
  for (let s = 0; s < segments; s++) {
    // no STP (ports forward at once) and no multicast snooping (VRRP's ff02::12 floods to every port, like on a plain switch)
    await run(['ip', '-n', ns, 'link', 'add', `br${s}`, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0', 'mcast_snooping', '0']);
    await run(['ip', '-n', ns, 'link', 'set', `br${s}`, 'up']);
  }
}

async function setUpNode(name: string, ns: string, switchNs: string, host: number, linkCount: number, ipv6: boolean): Promise<LabNode> {
  // before the links exist, so their link-locals are never tentative (RFC 4862 §5.4: DAD off)
  await sysctl(ns, 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0');
  await run(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
  const links: LabLink[] = [];
  for (let s = 0; s < linkCount; s++) {
    const ifname = `eth${s}`;
    const port = `${name}-${ifname}`;
    const net = SEGMENTS[s]!;
    await run(['ip', '-n', ns, 'link', 'add', ifname, 'type', 'veth', 'peer', 'name', port, 'netns', switchNs]);
    await run(['ip', '-n', switchNs, 'link', 'set', port, 'master', `br${s}`, 'up']);
    const ipv4 = `${net.ipv4}${host}`;
    await run(['ip', '-n', ns, 'addr', 'add', `${ipv4}/24`, 'dev', ifname]);
    const v6 = ipv6 ? `${net.ipv6}${host}` : undefined;
    if (v6) await run(['ip', '-n', ns, 'addr', 'add', `${v6}/64`, 'dev', ifname, 'nodad']);
    await run(['ip', '-n', ns, 'link', 'set', ifname, 'up']);
    const [info] = JSON.parse(await run(['ip', '-j', '-n', ns, 'addr', 'show', 'dev', ifname])) as Array<{
      address: string;
      addr_info: Array<{ family: string; scope: string; local: string }>;
    }>;
    const linkLocal = info!.addr_info.find((a) => a.family === 'inet6' && a.scope === 'link')?.local;
    if (!linkLocal) throw new Error(`${ifname} in ${ns} has no IPv6 link-local address`);
    links.push({ ifname, segment: s, ipv4, ...(v6 ? { ipv6: v6 } : {}), linkLocal, mac: info!.address, port });
  }
  return { name, ns, links };
}

interface Parts {
  readonly nodes: ReadonlyMap<string, LabNode>;
  readonly switchNs: string;
  readonly namespaces: readonly string[];
  readonly dir: string;
  readonly processes: LabProcess[];
  readonly teardown: () => void;
}

function handle({ nodes, switchNs, namespaces, dir, processes, teardown }: Parts): Lab {
  const node = (name: string): LabNode => {
    const n = nodes.get(name);
    if (!n) throw new Error(`no node ${name} in this lab (${[...nodes.keys()].join(', ')})`);
    return n;
  };
  const nsOf = (name: string): string => (name === SWITCH ? switchNs : node(name).ns);
  const linkOf = (name: string, ifname: string): LabLink => {
    const l = node(name).links.find((x) => x.ifname === ifname);
    if (!l) throw new Error(`${name} has no link ${ifname}`);
    return l;
  };
  const setPort = (name: string, ifname: string, ...how: string[]): Promise<string> =>
    run(['ip', '-n', switchNs, 'link', 'set', linkOf(name, ifname).port, ...how]);
  const routers = [...nodes.values()].filter((n) => n.name !== CLIENT);

  const lab: Lab = {
    routers,
    client: node(CLIENT),
    switchNs,
    namespaces,
    dir,
    node,
    exec: (name, argv) => run(['ip', 'netns', 'exec', nsOf(name), ...argv]),
    spawn: (name, argv, opts) => {
      const p = spawnIn(nsOf(name), argv, opts);
      processes.push(p);
      return p;
    },
    linkDown: async (router, ifname) => void (await setPort(router, ifname, 'down')),
    linkUp: async (router, ifname) => void (await setPort(router, ifname, 'up')),
    cut: async (router) => {
      for (const l of node(router).links) await setPort(router, l.ifname, 'nomaster');
    },
    rejoin: async (router) => {
      for (const l of node(router).links) await setPort(router, l.ifname, 'master', `br${l.segment}`);
    },
    addressesOf: async (name, ifname) => {
      const [link] = JSON.parse(await run(['ip', '-j', '-n', nsOf(name), 'addr', 'show', 'dev', ifname])) as Array<{
        addr_info: Array<{ local: string; prefixlen: number }>;
      }>;
      return (link?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
    },
    holds: (name, ip) => holdsAddress(nsOf(name), ip),
    watchAddress: (name, ip, present, timeoutMs) => watchAddress((argv) => lab.spawn(name, argv), nsOf(name), ip, present, timeoutMs),
    waitForAddress: async (name, ip, present, timeoutMs) => (await lab.watchAddress(name, ip, present, timeoutMs)).at,
    ping: async (from, ip, timeoutS = 2) => {
      try {
        const out = await run(['ip', 'netns', 'exec', nsOf(from), 'ping', '-n', '-c', '1', '-W', String(timeoutS), ip]);
        const rtt = /time=([\d.]+) ms/.exec(out);
        return { received: true, ...(rtt ? { rttMs: Number(rtt[1]) } : {}) };
      } catch {
        return { received: false };
      }
    },
    neighbourMac: async (name, ip) => {
      const [entry] = JSON.parse(await run(['ip', '-j', '-n', nsOf(name), 'neigh', 'show', 'to', ip])) as Array<{ lladdr?: string }>;
      return entry?.lladdr;
    },
    destroy: async () => teardown(),
  };
  return lab;
}
