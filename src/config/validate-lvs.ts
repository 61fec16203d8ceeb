// Cross-block checks of the LVS part of the model (keepalived.conf(5) "LVS
// CONFIGURATION"), each reported on the line that causes it. They follow
// keepalived 2.2.7's check_parser.c / validate_check_config / link_vsg_to_vs:
// what `keepalived -t` reports is an error here; what keepalived -t accepts
// but then silently drops or ignores is a warning.
import type { Diagnostics } from './diagnostics.js';
import type { SourceMap } from './bind.js';
import type { Loc } from './source.js';
import type { Code } from './codes/index.js';
import type { Path } from './schema/dsl.js';
import type { Config } from './schema/index.js';
import { addressFamily, type Forwarding } from './schema/lvs.js';
import { canonicalIp } from '../net/ip.js';
import { CONNECTING_CHECKERS } from './schema/checkers.js';
import {
  DEFAULT_METHOD, DEFAULT_PROTOCOL, DEFAULT_SCHEDULER, forwardingMethod, groupOf, inhibitOnFailure, matchesAddresses, matchesFwmarks,
  protocol, quorum, serviceKind, sorryServerForwarding, virtualServerLabel,
  type Checker, type RealServer, type VirtualServer, type VirtualServerGroup,
} from './effective-lvs.js';

interface Cx {
  readonly config: Config;
  readonly groups: readonly VirtualServerGroup[];
  /** where a model path was written: the path itself, else its nearest written parent */
  loc(path: Path): Loc | undefined;
  report(code: Code, message: string, path: Path, hint?: string): void;
  /** canonicalIp, remembered: a large configuration names the same few real servers 1,000s of times */
  canonical(address: string): string;
}

export function validateLvs(config: Config, sources: SourceMap, diag: Diagnostics): void {
  const loc = (path: Path): Loc | undefined => sources.nearest(path);
  const canonical = new Map<string, string>();
  const cx: Cx = {
    config,
    groups: config.virtualServerGroup,
    loc,
    report: (code, message, path, hint) => diag.report(code, message, loc(path), hint),
    canonical: (address) => {
      let c = canonical.get(address);
      if (c === undefined) canonical.set(address, (c = canonicalIp(address)));
      return c;
    },
  };
  checkGroups(cx);
  const all = config.virtualServer;
  for (let i = 0; i < all.length; i++) checkVirtualServer(cx, all[i]!, ['virtualServer', i]);
  checkDuplicateServices(cx, all);
}

// ---------------------------------------------------------------- virtual_server_group

function checkGroups(cx: Cx): void {
  const seen = new Map<string, number>();
  cx.groups.forEach((g, i) => {
    const at = ['virtualServerGroup', i];
    const first = seen.get(g.name);
    if (first !== undefined) {
      cx.report('TSKAD_W_LVS_GROUP_UNUSABLE', `virtual_server_group ${g.name} is defined again (first at line ${cx.loc(['virtualServerGroup', first])?.line}); only the first is used`, at);
    } else seen.set(g.name, i);
    if (g.entries.length === 0) cx.report('TSKAD_E_LVS_GROUP_ENTRY', `virtual_server_group ${g.name} has no valid entry; keepalived removes it`, at);
    else if (groupFamilies(g).size === 2 && g.entries.some((e) => 'fwmark' in e && e.family === undefined)) {
      cx.report('TSKAD_E_LVS_GROUP_ENTRY', `virtual_server_group ${g.name} has IPv4 and IPv6 entries and a fwmark without family; keepalived removes it`, at, 'give the fwmark a family: fwmark N inet|inet6');
    }
  });
}

/** The address families a group's entries name (fwmarks with a family included). */
function groupFamilies(g: VirtualServerGroup): Set<4 | 6> {
  const out = new Set<4 | 6>();
  for (const e of g.entries) {
    if (!('fwmark' in e)) out.add(addressFamily(e.first));
    else if (e.family) out.add(e.family === 'inet6' ? 6 : 4);
  }
  return out;
}

const usable = (g: VirtualServerGroup): boolean =>
  g.entries.length > 0 && !(groupFamilies(g).size === 2 && g.entries.some((e) => 'fwmark' in e && e.family === undefined));

// ---------------------------------------------------------------- virtual_server

function checkVirtualServer(cx: Cx, vs: VirtualServer, at: Path): void {
  const label = virtualServerLabel(vs);
  const group = groupOf(vs, cx.groups);
  // what keepalived's parser reports, whatever becomes of the service
  checkSchedulerFlags(cx, vs, at, label);
  checkSorryServerOrder(cx, vs, at);
  const misfits = checkFamilies(cx, vs, at, group, label);
  // a checker's path is built only for a report: a large configuration has 10,000s of checkers and few reports
  const servers = vs.realServer;
  for (let r = 0; r < servers.length; r++) {
    const rs = servers[r]!;
    for (let k = 0; k < rs.checkers.length; k++) checkChecker(cx, rs, rs.checkers[k]!, at, r, k);
  }
  if (isIgnored(cx, vs)) {
    const why = !group ? 'is not defined' : !usable(group) ? 'is removed (see its errors)' : 'has addresses of another family than the servers';
    cx.report('TSKAD_W_LVS_GROUP_UNUSABLE', `virtual server ${label}: the group ${why}; keepalived ignores this virtual server`, at);
    return;
  }
  // what keepalived checks once the whole service is read (validate_check_config)
  checkDefaults(cx, vs, at, group, label);
  checkServiceOptions(cx, vs, at, group, label);
  const unique = checkDuplicateRealServers(cx, vs, at, misfits);
  if (unique.length === 0) {
    cx.report('TSKAD_E_LVS_NO_REAL_SERVER', `virtual server ${label} has no ${vs.realServer.length ? 'usable ' : ''}real_server; keepalived ignores it`, at);
  }
  checkSorryServerInhibit(cx, vs, at, unique);
  checkQuorum(cx, vs, at, unique, label);
  checkPorts(cx, vs, at, group, label);
}

/** Whether keepalived keeps a virtual server at all: a group one needs a usable group of its family. */
function isIgnored(cx: Cx, vs: VirtualServer): boolean {
  if (vs.group === undefined) return false;
  const group = groupOf(vs, cx.groups);
  return !group || !usable(group) || !familyOf(vs, group).groupFits;
}

/** The settings keepalived fills in with a warning: scheduler, forwarding method, protocol. */
function checkDefaults(cx: Cx, vs: VirtualServer, at: Path, group: VirtualServerGroup | undefined, label: string): void {
  if (vs.lvsSched === undefined) cx.report('TSKAD_W_DEFAULT_USED', `virtual server ${label} has no lvs_sched; using ${DEFAULT_SCHEDULER}`, at);
  const needsMethod = vs.realServer.some((rs) => rs.lvsMethod === undefined) || (vs.sorryServer && !vs.sorryServerLvsMethod);
  if (vs.lvsMethod === undefined && needsMethod) {
    cx.report('TSKAD_W_DEFAULT_USED', `virtual server ${label} has no lvs_method; forwarding with ${DEFAULT_METHOD}`, at);
  }
  if (vs.protocol === undefined && matchesAddresses(vs, group)) {
    cx.report('TSKAD_W_DEFAULT_USED', `virtual server ${label} has no protocol; using ${DEFAULT_PROTOCOL}`, at);
  }
}

/** Options that only some kinds of service take (check_parser.c lbflags_handler, validate_check_config). */
function checkServiceOptions(cx: Cx, vs: VirtualServer, at: Path, group: VirtualServerGroup | undefined, label: string): void {
  const notApplicable = (field: string, message: string) => cx.report('TSKAD_E_LVS_OPTION_NOT_APPLICABLE', `virtual server ${label}: ${message}`, [...at, field]);
  if (vs.haSuspend && matchesFwmarks(vs, group)) notApplicable('haSuspend', 'ha_suspend cannot be used with a firewall mark; keepalived clears it');
  if (matchesAddresses(vs, group)) {
    if (vs.ops && protocol(vs, group) !== 'UDP') notApplicable('ops', 'one-packet scheduling (ops) needs protocol UDP; keepalived resets it');
  } else if (vs.protocol !== undefined) {
    notApplicable('protocol', 'a firewall-mark service has no protocol; keepalived ignores it');
  }
}

/** keepalived reads sh-port… against the scheduler set so far (check_parser.c lbflags_handler). */
const SCHEDULER_FLAGS = [['shPort', 'sh-port', 'sh'], ['shFallback', 'sh-fallback', 'sh'], ['mhPort', 'mh-port', 'mh'], ['mhFallback', 'mh-fallback', 'mh']] as const;

function checkSchedulerFlags(cx: Cx, vs: VirtualServer, at: Path, label: string): void {
  // asked only when a flag is set: a place makes the source map build its index
  const schedLine = () => cx.loc([...at, 'lvsSched'])?.line ?? Infinity;
  // indexed, and destructured only for a flag that is set: this runs per virtual server, mostly before V8 has optimised it
  for (let i = 0; i < SCHEDULER_FLAGS.length; i++) {
    if (!vs[SCHEDULER_FLAGS[i]![0]]) continue;
    const [field, name, sched] = SCHEDULER_FLAGS[i]!;
    if (vs.lvsSched !== sched || schedLine() > (cx.loc([...at, field])?.line ?? 0)) {
      cx.report('TSKAD_E_LVS_OPTION_NOT_APPLICABLE', `virtual server ${label}: ${name} only applies to lvs_sched ${sched}, written before it; ignored`, [...at, field]);
    }
  }
}

interface FamilyFit {
  /** the service's family: its address, ip_family, or its first non-tunnelled server */
  family?: 4 | 6;
  ipFamilyConflicts: boolean;
  /** indexes of the real servers of another family that do not tunnel */
  misfits: number[];
  sorryMisfits: boolean;
  /** whether the group's addresses are of the service's family (or the family is open) */
  groupFits: boolean;
}

const NO_FAMILIES: ReadonlySet<4 | 6> = new Set();

/**
 * IPVS forwards within one family unless it tunnels (check_parser.c
 * rs_end_handler, vs_end_handler, ip_family_handler; ipwrapper.c link_vsg_to_vs).
 */
function familyOf(vs: VirtualServer, group: VirtualServerGroup | undefined): FamilyFit {
  const own = vs.address !== undefined ? addressFamily(vs.address) : undefined;
  const declared = vs.ipFamily === undefined ? undefined : vs.ipFamily === 'inet6' ? 6 : 4;
  let family = own ?? declared;
  const fits = (address: string, tunnelled: boolean): boolean => {
    if (tunnelled) return true;
    const f = addressFamily(address);
    family ??= f;
    return f === family;
  };
  const misfits: number[] = [];
  const servers = vs.realServer;
  for (let r = 0; r < servers.length; r++) if (!fits(servers[r]!.address, forwardingMethod(vs, servers[r]) === 'TUN')) misfits.push(r);
  const sorryMisfits = vs.sorryServer !== undefined && !fits(vs.sorryServer.address, sorryServerForwarding(vs).method === 'TUN');
  const families = group ? groupFamilies(group) : NO_FAMILIES;
  const groupFits = family === undefined || families.size === 0 || (families.size === 1 && families.has(family));
  return { ...(family === undefined ? {} : { family }), ipFamilyConflicts: own !== undefined && declared !== undefined && own !== declared, misfits, sorryMisfits, groupFits };
}

/** Reports the servers that do not fit the service's family; returns the indexes of the real servers keepalived skips. */
function checkFamilies(cx: Cx, vs: VirtualServer, at: Path, group: VirtualServerGroup | undefined, label: string): readonly number[] {
  const fit = familyOf(vs, group);
  if (fit.ipFamilyConflicts) {
    cx.report('TSKAD_E_LVS_FAMILY_MISMATCH', `virtual server ${label}: ip_family ${vs.ipFamily} conflicts with its address; ignored`, [...at, 'ipFamily']);
  }
  for (const r of fit.misfits) {
    cx.report('TSKAD_E_LVS_FAMILY_MISMATCH', `real server ${vs.realServer[r]!.address} is not of virtual server ${label}'s address family; keepalived skips it`, [...at, 'realServer', r], 'use lvs_method TUN to reach a server of the other family');
  }
  if (fit.sorryMisfits) {
    cx.report('TSKAD_E_LVS_FAMILY_MISMATCH', `sorry server ${vs.sorryServer!.address} is not of virtual server ${label}'s address family; keepalived skips it`, [...at, 'sorryServer'], 'use sorry_server_lvs_method TUN to reach a server of the other family');
  }
  return fit.misfits;
}

/** keepalived keeps the first of two real servers with one address and port, and drops the second. */
function checkDuplicateRealServers(cx: Cx, vs: VirtualServer, at: Path, skipped: readonly number[]): RealServer[] {
  const seen = new Map<string, number>();
  const unique: RealServer[] = [];
  const servers = vs.realServer;
  for (let r = 0; r < servers.length; r++) {
    if (skipped.length > 0 && skipped.includes(r)) continue;
    const rs = servers[r]!;
    const key = `${cx.canonical(rs.address)}|${rs.port ?? 0}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, r);
      unique.push(rs);
    } else {
      const line = cx.loc([...at, 'realServer', first])?.line;
      cx.report('TSKAD_E_LVS_DUPLICATE_REAL_SERVER', `real server ${rs.address}${rs.port ? ` port ${rs.port}` : ''} is already in this virtual server (line ${line}); keepalived drops this one`, [...at, 'realServer', r]);
    }
  }
  return unique;
}

/** keepalived applies sorry_server_inhibit and sorry_server_lvs_method to the sorry server read so far. */
function checkSorryServerOrder(cx: Cx, vs: VirtualServer, at: Path): void {
  if (!vs.sorryServerInhibit && vs.sorryServerLvsMethod === undefined) return;
  const sorryLine = vs.sorryServer ? (cx.loc([...at, 'sorryServer'])?.line ?? 0) : Infinity;
  const options = [['sorryServerInhibit', 'sorry_server_inhibit', vs.sorryServerInhibit], ['sorryServerLvsMethod', 'sorry_server_lvs_method', vs.sorryServerLvsMethod !== undefined]] as const;
  for (const [field, name, set] of options) {
    if (set && (cx.loc([...at, field])?.line ?? 0) < sorryLine) {
      cx.report('TSKAD_E_LVS_SORRY_SERVER', `${name} ${vs.sorryServer ? 'comes before sorry_server' : 'without sorry_server'}; keepalived ignores it`, [...at, field]);
    }
  }
}

/** A sorry server that is also a real server must agree with it on inhibit_on_failure. */
function checkSorryServerInhibit(cx: Cx, vs: VirtualServer, at: Path, realServers: readonly RealServer[]): void {
  const sorry = vs.sorryServer;
  const same = sorry && realServers.find((rs) => cx.canonical(rs.address) === cx.canonical(sorry.address) && rs.port === sorry.port);
  if (same && inhibitOnFailure(vs, same) !== vs.sorryServerInhibit) {
    cx.report('TSKAD_E_LVS_SORRY_SERVER', 'the sorry server is also a real server, whose inhibit_on_failure differs from sorry_server_inhibit; keepalived makes them equal', [...at, 'sorryServer']);
  }
}

function checkQuorum(cx: Cx, vs: VirtualServer, at: Path, realServers: readonly RealServer[], label: string): void {
  if (realServers.length === 0) return;
  const q = quorum(vs, realServers);
  if (vs.quorum > q.weightSum) {
    cx.report('TSKAD_E_LVS_QUORUM', `virtual server ${label}: quorum ${vs.quorum} exceeds the total weight ${q.weightSum} of its real servers, so it could never come up; keepalived lowers it to ${q.weightSum}`, [...at, 'quorum']);
  }
  if (vs.hysteresis >= q.quorum) {
    cx.report('TSKAD_E_LVS_QUORUM', `virtual server ${label}: hysteresis ${vs.hysteresis} is not below quorum ${q.quorum}; keepalived lowers it to ${q.hysteresis}`, [...at, 'hysteresis']);
  }
}

/** DR and TUN keep the destination port, so a real or sorry server's port must be the service's (validate_check_config). */
function checkPorts(cx: Cx, vs: VirtualServer, at: Path, group: VirtualServerGroup | undefined, label: string): void {
  const servicePorts = serviceKind(vs) === 'address' ? [vs.port ?? 0] : (group?.entries ?? []).flatMap((e) => ('fwmark' in e ? [] : [e.port ?? 0]));
  const keptPort = (what: string, port: number | undefined, method: Forwarding['method'], path: () => Path): void => {
    if (method === 'NAT' || port === undefined) return;
    if (matchesFwmarks(vs, group)) {
      cx.report('TSKAD_E_LVS_PORT_MISMATCH', `virtual server ${label} matches a firewall mark: ${what} cannot have a port with ${method}; keepalived ignores it`, path());
    } else if (servicePorts.some((p) => p !== port)) {
      cx.report('TSKAD_E_LVS_PORT_MISMATCH', `${what} port ${port} differs from virtual server ${label}'s, which ${method} cannot change; keepalived uses the service's port`, path(), 'leave the port out, or use lvs_method NAT');
    }
  };
  const servers = vs.realServer;
  for (let r = 0; r < servers.length; r++) {
    const rs = servers[r]!;
    // NAT, nearly every server: no label or path to build
    const method = forwardingMethod(vs, rs);
    if (method !== 'NAT') keptPort(`real server ${rs.address}`, rs.port, method, () => [...at, 'realServer', r]);
  }
  if (vs.sorryServer) keptPort('the sorry server', vs.sorryServer.port, sorryServerForwarding(vs).method, () => [...at, 'sorryServer']);
  if (serviceKind(vs) === 'address' && vs.port === undefined && vs.persistenceTimeout === undefined && vs.persistenceGranularity === undefined) {
    cx.report('TSKAD_E_LVS_PORT_NEEDS_PERSISTENCE', `virtual server ${label} has no port, which only works with persistence; keepalived sets persistence_timeout 360`, at);
  }
  const portless = (group?.entries ?? []).find((e) => !('fwmark' in e) && e.port === undefined);
  if (portless && vs.persistenceTimeout === undefined && vs.persistenceGranularity === undefined) {
    cx.report('TSKAD_E_LVS_PORT_NEEDS_PERSISTENCE', `virtual server ${label}: group ${group!.name} has an entry without port, which only works with persistence; keepalived sets persistence_timeout 360`, at);
  }
}

/** Two virtual servers for one IPVS service: the same address, port and protocol, fwmark, or group and protocol. */
function checkDuplicateServices(cx: Cx, all: readonly VirtualServer[]): void {
  const seen = new Map<string, number>();
  for (let i = 0; i < all.length; i++) {
    const vs = all[i]!;
    if (isIgnored(cx, vs)) continue;
    const group = groupOf(vs, cx.groups);
    const proto = protocol(vs, group) ?? '';
    const key =
      serviceKind(vs) === 'address'
        ? `${cx.canonical(vs.address!)}|${vs.port ?? 0}|${proto}`
        : serviceKind(vs) === 'fwmark'
          ? `fwmark|${vs.fwmark}|${vs.ipFamily ?? ''}`
          : `group|${vs.group}|${proto}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else {
      cx.report('TSKAD_W_LVS_DUPLICATE_VIRTUAL_SERVER', `virtual server ${virtualServerLabel(vs)}${proto ? ` (${proto})` : ''} is already defined at line ${cx.loc(['virtualServer', first])?.line}`, ['virtualServer', i]);
    }
  }
}

// ---------------------------------------------------------------- checkers

const LINK_LOCAL = /^fe[89ab][0-9a-f]:/i;

/** Checker `k` of real server `r` of the virtual server at `vsAt`. */
function checkChecker(cx: Cx, rs: RealServer, c: Checker, vsAt: Path, r: number, k: number): void {
  const at = (): Path => [...vsAt, 'realServer', r, 'checkers', k];
  const setting = (field: string, message: string) => cx.report('TSKAD_E_CHECKER_SETTING', `${c.type}: ${message}`, [...at(), field]);
  if (CONNECTING_CHECKERS.includes(c.type)) {
    const co = c as { connectIp?: string; bindto?: string; bindIf?: string };
    if (co.bindto !== undefined && co.connectIp !== undefined && addressFamily(co.bindto) !== addressFamily(co.connectIp)) {
      setting('bindto', `bindto ${co.bindto} and connect_ip ${co.connectIp} are of different address families; keepalived drops bindto`);
    }
    const target = co.connectIp ?? rs.address;
    if (!co.bindIf && LINK_LOCAL.test(cx.canonical(target))) {
      setting('connectIp', `the link-local target ${target} needs bind_if; keepalived drops the checker`);
    }
  }
  switch (c.type) {
    case 'HTTP_GET':
    case 'SSL_GET':
      if (c.url.length === 0) cx.report('TSKAD_E_CHECKER_NO_URL', `${c.type} has no url to fetch; keepalived drops the checker`, at(), 'add url { path / }');
      for (let i = 0; i < c.url.length; i++) {
        const u = c.url[i]!;
        if (u.regex === undefined && (u.regexNoMatch || u.regexOptions || u.regexStack || u.regexMinOffset !== undefined || u.regexMaxOffset !== undefined)) {
          cx.report('TSKAD_W_LVS_IGNORED_SETTING', 'regex_* settings without regex are ignored', [...at(), 'url', i]);
        } else if (u.regexMinOffset !== undefined && u.regexMaxOffset !== undefined && u.regexMinOffset > u.regexMaxOffset) {
          cx.report('TSKAD_W_LVS_IGNORED_SETTING', `regex_min_offset ${u.regexMinOffset} is beyond regex_max_offset ${u.regexMaxOffset}; keepalived ignores both`, [...at(), 'url', i, 'regexMinOffset']);
        }
      }
      break;
    case 'FILE_CHECK':
      checkReference(cx, 'trackFile', c.trackFile, [...at(), 'trackFile']);
      break;
    case 'BFD_CHECK':
      if (cx.config.bfdInstance.some((b) => b.name === c.name && b.vrrp && !b.checker)) {
        cx.report('TSKAD_E_UNKNOWN_REFERENCE', `bfd_instance ${c.name} is marked vrrp, so it reports to VRRP only; keepalived drops the checker`, [...at(), 'name'], 'add checker to the bfd_instance');
      } else checkReference(cx, 'bfdInstance', c.name, [...at(), 'name']);
      break;
    case 'UDP_CHECK':
      if (c.minReplyLength > c.maxReplyLength) {
        setting('minReplyLength', `min_reply_length ${c.minReplyLength} exceeds max_reply_length ${c.maxReplyLength}: the check can never succeed`);
      }
      break;
  }
}

/** keepalived looks the name up while reading, so the block must come earlier in the file. */
function checkReference(cx: Cx, root: 'trackFile' | 'bfdInstance', name: string, at: Path): void {
  const kind = root === 'trackFile' ? 'track_file' : 'bfd_instance';
  const use = cx.loc(at);
  const defs = cx.config[root].flatMap((b, i) => (b.name === name ? [cx.loc([root, i])] : []));
  const before = (def: Loc | undefined) => !def || !use || def.file !== use.file || def.line < use.line;
  if (defs.some(before)) return;
  cx.report('TSKAD_E_UNKNOWN_REFERENCE', `there is no ${kind} ${name}${defs.length ? ' before this line' : ''}; keepalived drops the checker`, at, defs.length ? `move the ${kind} block above the virtual_server` : undefined);
}
