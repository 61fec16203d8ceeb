// The effective LVS settings: what keepalived 2.2.7 uses where the
// configuration leaves a value out. A virtual server's setting is the default
// for its real servers, and a real server's for its checkers
// (keepalived.conf(5) "LVS CONFIGURATION"; check_data.c validate_check_config).
// Pure functions of the model, shared by the checker process, the IPVS
// reconciler and the validator, so the three agree.
import type { Config } from './schema/index.js';
import type { Checker, CheckerType, HttpChecker, MiscChecker, Url } from './schema/checkers.js';
import { CONNECTING_CHECKERS } from './schema/checkers.js';
import { DEFAULT_PERSISTENCE, type Forwarding, type VirtualServerGroup } from './schema/lvs.js';
import type { Script } from './schema/common.js';

export type VirtualServer = Config['virtualServer'][number];
export type RealServer = VirtualServer['realServer'][number];
export type { Checker, VirtualServerGroup };

export const DEFAULT_SCHEDULER = 'wlc';
export const DEFAULT_METHOD = 'NAT';
/** the kernel's own default for a protocol of 0 */
export const DEFAULT_PROTOCOL = 'UDP';

// ---------------------------------------------------------------- the service

export type ServiceKind = 'address' | 'fwmark' | 'group';

export const serviceKind = (vs: VirtualServer): ServiceKind =>
  vs.group !== undefined ? 'group' : vs.fwmark !== undefined ? 'fwmark' : 'address';

/** How logs name a virtual server: `[192.0.2.10]:80`, `fwmark 1`, `group web`. */
export function virtualServerLabel(vs: VirtualServer): string {
  switch (serviceKind(vs)) {
    case 'group':
      return `group ${vs.group}`;
    case 'fwmark':
      return `fwmark ${vs.fwmark}`;
    case 'address':
      return `[${vs.address}]:${vs.port ?? 0}`;
  }
}

/** The group a `virtual_server group NAME` uses: the first of that name, as keepalived looks it up. */
export const groupOf = (vs: VirtualServer, groups: readonly VirtualServerGroup[]): VirtualServerGroup | undefined =>
  vs.group === undefined ? undefined : groups.find((g) => g.name === vs.group);

/** Whether the service matches packets by address (and so has a protocol and ports). */
export function matchesAddresses(vs: VirtualServer, group?: VirtualServerGroup): boolean {
  const kind = serviceKind(vs);
  return kind === 'address' || (kind === 'group' && (group?.entries ?? []).some((e) => !('fwmark' in e)));
}

/** Whether any part of the service matches a firewall mark. */
export function matchesFwmarks(vs: VirtualServer, group?: VirtualServerGroup): boolean {
  const kind = serviceKind(vs);
  return kind === 'fwmark' || (kind === 'group' && (group?.entries ?? []).some((e) => 'fwmark' in e));
}

export const scheduler = (vs: VirtualServer): string => vs.lvsSched ?? DEFAULT_SCHEDULER;

/** The L4 protocol; a firewall-mark-only service has none (keepalived clears it). */
export function protocol(vs: VirtualServer, group?: VirtualServerGroup): 'TCP' | 'UDP' | 'SCTP' | undefined {
  return matchesAddresses(vs, group) ? (vs.protocol ?? DEFAULT_PROTOCOL) : undefined;
}

/**
 * Persistence in seconds, 0 for none. A granularity implies persistence, and
 * so does a service without a port (keepalived forces 360 s then).
 */
export function persistenceTimeout(vs: VirtualServer, group?: VirtualServerGroup): number {
  if (vs.persistenceTimeout !== undefined) return vs.persistenceTimeout;
  if (vs.persistenceGranularity !== undefined) return DEFAULT_PERSISTENCE;
  const portless =
    serviceKind(vs) === 'address' ? vs.port === undefined : (group?.entries ?? []).some((e) => !('fwmark' in e) && e.port === undefined);
  return portless ? DEFAULT_PERSISTENCE : 0;
}

/**
 * Quorum and hysteresis as keepalived runs them: a quorum above the total
 * weight of the real servers is lowered to it, a hysteresis not below the
 * quorum to quorum − 1 (wrapping like keepalived's unsigned at quorum 0).
 */
export function quorum(vs: VirtualServer, realServers: readonly RealServer[] = vs.realServer): { quorum: number; hysteresis: number; weightSum: number } {
  const weightSum = realServers.reduce((s, rs) => s + realServerWeight(vs, rs), 0);
  const q = Math.min(vs.quorum, weightSum);
  const hysteresis = vs.hysteresis >= q ? (q === 0 ? 0xffffffff : q - 1) : vs.hysteresis;
  return { quorum: q, hysteresis, weightSum };
}

// ---------------------------------------------------------------- real and sorry servers

/** A forwarding method with the tunnel defaults (ipip, no checksum) filled in for TUN. */
export type EffectiveForwarding = Required<Pick<Forwarding, 'method'>> & Omit<Forwarding, 'method'>;

const withTunnelDefaults = (f: Forwarding): EffectiveForwarding =>
  f.method === 'TUN' ? { tunnelType: 'ipip', tunnelCsum: 'nocsum', ...f } : { method: f.method };

const DEFAULT_FORWARDING: Forwarding = { method: DEFAULT_METHOD };

/** A real server's forwarding as written: its own, else its virtual server's, else NAT. */
const writtenForwarding = (vs: VirtualServer, rs?: RealServer): Forwarding => rs?.lvsMethod ?? vs.lvsMethod ?? DEFAULT_FORWARDING;

export const forwarding = (vs: VirtualServer, rs?: RealServer): EffectiveForwarding => withTunnelDefaults(writtenForwarding(vs, rs));

/** `forwarding(vs, rs).method`, without the object: the validator asks it of every real server. */
export const forwardingMethod = (vs: VirtualServer, rs?: RealServer): Forwarding['method'] => writtenForwarding(vs, rs).method;

export const sorryServerForwarding = (vs: VirtualServer): EffectiveForwarding =>
  withTunnelDefaults(vs.sorryServerLvsMethod ?? vs.lvsMethod ?? { method: DEFAULT_METHOD });

export const realServerWeight = (vs: VirtualServer, rs: RealServer): number => rs.weight ?? vs.weight;

export const inhibitOnFailure = (vs: VirtualServer, rs: RealServer): boolean => rs.inhibitOnFailure ?? vs.inhibitOnFailure;

/**
 * The destination port: NAT keeps the real server's (or takes the service's);
 * DR and TUN cannot change it, so it is the service's, and none on a fwmark
 * service. For a group the entries give the port, so the real server's stands.
 */
export function realServerPort(vs: VirtualServer, server: { port?: number }, method: Forwarding['method']): number | undefined {
  switch (serviceKind(vs)) {
    case 'group':
      return server.port;
    case 'fwmark':
      return method === 'NAT' ? server.port : undefined;
    case 'address':
      return method === 'NAT' ? (server.port ?? vs.port) : vs.port;
  }
}

/** The global switches smtp_alert falls back on (global_defs). */
export interface SmtpAlertGlobals {
  smtpAlert?: boolean;
  smtpAlertChecker?: boolean;
}

/**
 * Whether to mail on a change: the level's own setting, else the global
 * checker or general one, else off for a virtual server and, for backward
 * compatibility, on for a real server.
 */
export const smtpAlert = (own: boolean | undefined, level: 'virtual' | 'real', globals: SmtpAlertGlobals = {}): boolean =>
  own ?? globals.smtpAlertChecker ?? globals.smtpAlert ?? level === 'real';

// ---------------------------------------------------------------- checkers

/** keepalived's retry default per checker: 1, but 3 for DNS and 0 for MISC. */
const DEFAULT_RETRY: Partial<Record<CheckerType, number>> = { DNS_CHECK: 3, MISC_CHECK: 0 };
/** delay_before_retry default: 1 s, 3 s for HTTP and SSL; DNS waits a delay_loop. */
const DEFAULT_DELAY_BEFORE_RETRY: Partial<Record<CheckerType, number>> = { HTTP_GET: 3, SSL_GET: 3 };

export interface CheckerTiming {
  /** seconds between checks */
  delayLoop: number;
  /** failed attempts tolerated before the checker goes down */
  retry: number;
  delayBeforeRetry: number;
  /** the first run is delayed by a random time up to this; 0: none */
  warmup: number;
  /** start down, until the first success */
  alpha: boolean;
  /** for checkers that connect */
  connectTimeout?: number;
}

type TimingFields = Partial<Pick<RealServer, 'delayLoop' | 'retry' | 'delayBeforeRetry' | 'warmup' | 'alpha' | 'connectTimeout'>>;

/** The timing a checker runs with, each value from the checker, else its real server, else its virtual server. */
export function checkerTiming(vs: VirtualServer, rs: RealServer, checker: Checker): CheckerTiming {
  const own = checker as TimingFields;
  const delayLoop = own.delayLoop ?? rs.delayLoop ?? vs.delayLoop;
  const connects = CONNECTING_CHECKERS.includes(checker.type);
  return {
    delayLoop,
    retry: own.retry ?? rs.retry ?? vs.retry ?? DEFAULT_RETRY[checker.type] ?? 1,
    delayBeforeRetry:
      own.delayBeforeRetry ?? rs.delayBeforeRetry ?? vs.delayBeforeRetry ?? (checker.type === 'DNS_CHECK' ? delayLoop : (DEFAULT_DELAY_BEFORE_RETRY[checker.type] ?? 1)),
    warmup: own.warmup ?? rs.warmup ?? vs.warmup ?? delayLoop,
    // a FILE_CHECK knows its state at once: keepalived clears alpha there
    alpha: checker.type === 'FILE_CHECK' ? false : (own.alpha ?? rs.alpha ?? vs.alpha),
    ...(connects ? { connectTimeout: own.connectTimeout ?? rs.connectTimeout ?? vs.connectTimeout } : {}),
  };
}

/** Where a connecting checker connects: connect_ip/connect_port, else the real server's address and port. */
export function checkerTarget(vs: VirtualServer, rs: RealServer, checker: Checker): { address: string; port?: number } {
  const own = checker as { connectIp?: string; connectPort?: number };
  const port = own.connectPort ?? realServerPort(vs, rs, forwarding(vs, rs).method);
  return { address: own.connectIp ?? rs.address, ...(port === undefined ? {} : { port }) };
}

/** The Host header of a url: the url's, the checker's, the real server's, then the virtual server's virtualhost. */
export const urlVirtualhost = (vs: VirtualServer, rs: RealServer, checker: HttpChecker, url: Url): string | undefined =>
  url.virtualhost ?? checker.virtualhost ?? rs.virtualhost ?? vs.virtualhost;

/** A MISC_CHECK's script with its user; its timeout is misc_timeout, or the virtual server's delay_loop. */
export function miscScript(vs: VirtualServer, checker: MiscChecker): Script & { timeout: number } {
  return { ...checker.miscPath, ...(checker.user ?? {}), timeout: checker.miscTimeout || vs.delayLoop };
}

/**
 * UDP_CHECK payload and require_reply text as bytes: each word is hex, two
 * digits a byte (a lone last digit is a byte of its own); in a reply an `X`
 * digit matches anything, which `mask` marks with set bits.
 */
export function hexBytes(text: string): { data: Uint8Array; mask: Uint8Array } {
  const data: number[] = [];
  const mask: number[] = [];
  for (const word of text.split(' ')) {
    for (let i = 0; i < word.length; i += 2) {
      const digits = word.slice(i, i + 2).padStart(2, '0');
      data.push(parseInt(digits.replace(/x/gi, '0'), 16));
      mask.push(parseInt(digits.replace(/[^x]/gi, '0').replace(/x/gi, 'f'), 16));
    }
  }
  return { data: Uint8Array.from(data), mask: Uint8Array.from(mask) };
}
