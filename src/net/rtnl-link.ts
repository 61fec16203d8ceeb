// Network interfaces as rtnetlink carries them (rtnetlink(7) RTM_NEWLINK /
// RTM_DELLINK, struct ifinfomsg + IFLA_* attributes), pure: a link read back
// from a dump or an event, and what changed between two sightings of it.
import type { ifla, rt } from 'netlink';

/** RFC 2863 ifOperStatus, as IFLA_OPERSTATE numbers them (IF_OPER_*). */
const OPER_STATES = ['unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up'] as const;
export type OperState = (typeof OPER_STATES)[number];

export interface LinkInfo {
  readonly index: number;
  readonly name: string;
  /** ARPHRD_* in lower case: 'ether', 'loopback', … */
  readonly type: string;
  /** hardware address aa:bb:cc:dd:ee:ff (absent on links without one) */
  readonly mac?: string;
  readonly mtu: number;
  /** IFF_UP: administratively up */
  readonly up: boolean;
  /** IFF_LOWER_UP: the driver has carrier */
  readonly lowerUp: boolean;
  /** IFF_RUNNING: operationally up (RFC 2863 up or unknown) */
  readonly running: boolean;
  readonly operState: OperState;
  /** IFLA_LINK: the parent of a macvlan, vlan or veth */
  readonly parent?: number;
  /** IFLA_MASTER: the bridge or bond it is enslaved to */
  readonly master?: number;
}

const macText = (b: Buffer): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

export function linkFromMessage(msg: rt.LinkMessage): LinkInfo {
  const { data, attrs } = msg;
  const flags = data.flags ?? {};
  const parent = linkIndexAttr(attrs);
  return {
    index: data.index ?? 0,
    name: attrs.ifname ?? '',
    type: typeof data.type === 'string' ? data.type.toLowerCase() : String(data.type ?? 'unknown'),
    ...(attrs.address && attrs.address.length > 0 && { mac: macText(attrs.address) }),
    mtu: attrs.mtu ?? 0,
    up: !!flags.up,
    lowerUp: !!flags.lowerUp,
    running: !!flags.running,
    operState: OPER_STATES[attrs.operstate ?? 0] ?? 'unknown',
    ...(parent !== undefined && { parent }),
    ...(attrs.master !== undefined && { master: attrs.master }),
  };
}

/** IFLA_LINK is a u32 that this netlink package leaves as raw bytes; 0 means none. */
function linkIndexAttr(attrs: ifla.LinkAttrs): number | undefined {
  const b = attrs.link;
  const v = b && b.length === 4 ? b.readUInt32LE(0) : 0;
  return v === 0 ? undefined : v;
}

/**
 * Whether VRRP can run over the link: IFF_UP and IFF_RUNNING both set, as
 * keepalived's IF_FLAGS_UP tests it; a tracked interface turning false sends
 * an instance to FAULT.
 */
export const isOperational = (l: LinkInfo): boolean => l.up && l.running;

export type LinkChange = 'added' | 'removed' | 'up' | 'down' | 'changed';

/** What an RTM_NEWLINK (`next`) or RTM_DELLINK (`next` undefined) says about a link last seen as `prev`. */
export function linkChange(prev: LinkInfo | undefined, next: LinkInfo | undefined): LinkChange {
  if (next === undefined) return 'removed';
  if (prev === undefined) return 'added';
  const was = isOperational(prev);
  const is = isOperational(next);
  return was === is ? 'changed' : is ? 'up' : 'down';
}

/**
 * The link events a fresh dump (`now`) implies against the links last known:
 * those that went, and those that came or went up or down. Other changes
 * carry no event, as nothing can tell what they were.
 */
export function linkResync(known: ReadonlyMap<number, LinkInfo>, now: readonly LinkInfo[]): Array<{ change: LinkChange; link: LinkInfo }> {
  const seen = new Set(now.map((l) => l.index));
  const gone = [...known.values()].filter((l) => !seen.has(l.index)).map((link) => ({ change: 'removed' as const, link }));
  const moved = now.map((link) => ({ change: linkChange(known.get(link.index), link), link })).filter((e) => e.change !== 'changed');
  return [...gone, ...moved];
}
