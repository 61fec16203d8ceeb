// Cross-block checks of the VRRP part of the model, after keepalived 2.2.7's
// own (vrrp_parser.c, vrrp.c vrrp_complete_instance() / check_vrid_conflicts(),
// vrrp_sync.c), each reported where the offending value was written.
//
// keepalived resolves track_* names while it reads the file, so a block named
// before it is defined is ignored; those checks compare source positions.
// Positions in different files (include) are taken to be in order.
import type { Diagnostics } from './diagnostics.js';
import type { SourceMap } from './bind.js';
import type { Config } from './schema/index.js';
import type { Code } from './codes/index.js';
import type { Loc } from './source.js';
import type { Path } from './schema/dsl.js';
import type { VrrpInstance, Tracked } from './schema/vrrp.js';
import { familyOf, type Family } from './schema/address.js';
import * as eff from './effective-vrrp.js';

type Instance = VrrpInstance;

class Checker {
  /** the instances keepalived keeps: the first block of each name, with its index in the model */
  readonly instances: ReadonlyArray<{ readonly inst: Instance; readonly i: number }>;

  constructor(
    readonly config: Config,
    private readonly sources: SourceMap,
    private readonly diag: Diagnostics,
  ) {
    const names = new Set<string>();
    this.instances = config.vrrpInstance.flatMap((inst, i) => (names.has(inst.name) ? [] : (names.add(inst.name), [{ inst, i }])));
  }

  get globals(): eff.VrrpGlobals {
    return this.config.globalDefs;
  }

  /** Where `path` was written, or the nearest enclosing line that was. */
  loc(path: Path): Loc | undefined {
    return this.sources.nearest(path);
  }

  report(code: Code, message: string, path: Path, hint?: string): void {
    this.diag.report(code, message, this.loc(path), hint);
  }
}

/** a before b in the file (positions in different files are taken to be in order) */
const before = (a: Loc | undefined, b: Loc | undefined): boolean =>
  !a || !b || a.file !== b.file || a.line < b.line || (a.line === b.line && a.col < b.col);

/** Sorts by position in the file; positions in different files keep their order (the sort is stable). */
const byPosition = (a: { loc: Loc | undefined }, b: { loc: Loc | undefined }): number =>
  before(a.loc, b.loc) === before(b.loc, a.loc) ? 0 : before(a.loc, b.loc) ? -1 : 1;

export function validateVrrp(config: Config, sources: SourceMap, diag: Diagnostics): void {
  const c = new Checker(config, sources, diag);
  checkNames(c);
  checkTrackedObjects(c);
  checkStaticEntries(c);
  for (const { inst, i } of c.instances) checkInstance(c, inst, i);
  checkSyncGroups(c);
  checkTrackGroups(c);
  checkVridConflicts(c);
  checkDuplicateVips(c);
  checkUnusedScripts(c);
}

// ---------------------------------------------------------------- names

/** Blocks keepalived skips when the name is taken (error), or keeps but never finds (warning). */
function checkNames(c: Checker): void {
  const kinds = [
    ['vrrpInstance', 'vrrp_instance', 'TSKAD_E_DUPLICATE_NAME'],
    ['vrrpSyncGroup', 'vrrp_sync_group', 'TSKAD_E_DUPLICATE_NAME'],
    ['trackGroup', 'track_group', 'TSKAD_E_DUPLICATE_NAME'],
    ['bfdInstance', 'bfd_instance', 'TSKAD_E_DUPLICATE_NAME'],
    ['vrrpScript', 'vrrp_script', 'TSKAD_W_DUPLICATE_NAME'],
    ['trackFile', 'track_file', 'TSKAD_W_DUPLICATE_NAME'],
    ['vrrpTrackProcess', 'vrrp_track_process', 'TSKAD_W_DUPLICATE_NAME'],
  ] as const;
  for (const [field, keyword, code] of kinds) {
    const seen = new Map<string, number>();
    c.config[field].forEach((b: { name: string }, i: number) => {
      const first = seen.get(b.name);
      if (first === undefined) seen.set(b.name, i);
      else {
        const what = code === 'TSKAD_E_DUPLICATE_NAME' ? 'keepalived skips this block' : 'every reference finds the first one';
        c.report(code, `${keyword} ${b.name} is already defined (line ${c.loc([field, first])?.line ?? '?'}); ${what}`, [field, i]);
      }
    });
  }
}

// ---------------------------------------------------------------- references

interface Definition {
  readonly loc: Loc | undefined;
  readonly weight: number;
  readonly reverse: boolean;
}

/** The definitions a track_* block refers to, by name (the first of a name, as keepalived finds). */
function definitions(c: Checker, field: 'vrrpScript' | 'trackFile' | 'vrrpTrackProcess' | 'bfdInstance'): Map<string, Definition> {
  const out = new Map<string, Definition>();
  c.config[field].forEach((b, i) => {
    if (!out.has(b.name)) out.set(b.name, { loc: c.loc([field, i]), weight: b.weight.value, reverse: b.weight.reverse });
  });
  return out;
}

const TRACKERS = [
  ['trackScript', 'track_script', 'vrrpScript', 'vrrp_script'],
  ['trackFile', 'track_file', 'trackFile', 'track_file'],
  ['trackProcess', 'track_process', 'vrrpTrackProcess', 'vrrp_track_process'],
  ['trackBfd', 'track_bfd', 'bfdInstance', 'bfd_instance'],
] as const;

type TrackerField = (typeof TRACKERS)[number][0] | 'trackInterface';
type TrackingBlock = { readonly [F in TrackerField]: readonly Tracked[] };
/** a track_* entry with its weight and direction resolved, and its place in its block */
type Resolved = Tracked & Definition & { readonly index: number };

/**
 * The entries of a track_* block that keepalived keeps: names defined earlier
 * in the file, each once. Reports the others.
 */
function resolvedTrackers(c: Checker, owner: TrackingBlock, path: Path): Map<TrackerField, Resolved[]> {
  const out = new Map<TrackerField, Resolved[]>();
  for (const [field, keyword, defField, defKeyword] of TRACKERS) {
    const defs = definitions(c, defField);
    const kept: Resolved[] = [];
    const seen = new Set<string>();
    owner[field].forEach((t, j) => {
      const at = [...path, field, j];
      const def = defs.get(t.name);
      if (seen.has(t.name)) {
        c.report('TSKAD_E_DUPLICATE_REFERENCE', `${t.name} is already in this ${keyword} block; keepalived ignores the repeat`, at);
      } else if (!def) {
        c.report('TSKAD_E_UNKNOWN_REFERENCE', `${keyword} ${t.name}: there is no ${defKeyword} ${t.name}; keepalived ignores it`, at);
      } else if (!before(def.loc, c.loc(at))) {
        c.report('TSKAD_E_UNKNOWN_REFERENCE', `${keyword} ${t.name}: ${defKeyword} ${t.name} is defined later (line ${def.loc!.line}); keepalived looks names up while reading, so it ignores this entry`, at, `move ${defKeyword} ${t.name} above`);
      } else {
        kept.push({ ...def, ...t, weight: t.weight ?? def.weight, reverse: t.reverse ?? def.reverse, index: j });
      }
      seen.add(t.name);
    });
    out.set(field, kept);
  }
  const ifs = new Set<string>();
  out.set(
    'trackInterface',
    owner.trackInterface.flatMap((t, j) => {
      if (ifs.has(t.name)) {
        c.report('TSKAD_E_DUPLICATE_REFERENCE', `${t.name} is already in this track_interface block; keepalived ignores the repeat`, [...path, 'trackInterface', j]);
        return [];
      }
      ifs.add(t.name);
      return [{ ...t, loc: undefined, weight: t.weight ?? 0, reverse: t.reverse ?? false, index: j }];
    }),
  );
  return out;
}

// ---------------------------------------------------------------- the tracked objects

function checkTrackedObjects(c: Checker): void {
  c.config.vrrpTrackProcess.forEach((p, i) => {
    if (p.quorumMax !== undefined && p.quorum > p.quorumMax) {
      c.report('TSKAD_E_TRACK_PROCESS_QUORUM', `quorum ${p.quorum} is above quorum_max ${p.quorumMax}: the process can never be up`, ['vrrpTrackProcess', i, 'quorum']);
    }
  });
  const sessions = new Map<string, number>();
  c.config.bfdInstance.forEach((b, i) => {
    const path = ['bfdInstance', i];
    if (b.sourceIp !== undefined && familyOf(b.sourceIp) !== familyOf(b.neighborIp)) {
      c.report('TSKAD_E_BFD_CONFLICT', `bfd_instance ${b.name}: source_ip ${b.sourceIp} and neighbor_ip ${b.neighborIp} are of different families; keepalived disables the session`, [...path, 'sourceIp']);
      return;
    }
    const key = `${b.neighborIp} ${b.sourceIp ?? ''}`;
    const first = sessions.get(key);
    if (first !== undefined) {
      c.report('TSKAD_E_BFD_CONFLICT', `bfd_instance ${b.name}: the same neighbor${b.sourceIp ? ' and source' : ''} as bfd_instance ${c.config.bfdInstance[first]!.name}; keepalived ignores this one`, [...path, 'neighborIp']);
      return;
    }
    sessions.set(key, i);
    // RFC 5881 §5: 255 for IPv4; keepalived uses a hop limit of 64 for IPv6
    const ttl = b.ttl ?? (familyOf(b.neighborIp) === 'inet' ? 255 : 64);
    if (b.maxHops > ttl) c.report('TSKAD_E_BFD_CONFLICT', `max_hops ${b.maxHops} exceeds the TTL ${ttl}; keepalived uses ${ttl}`, [...path, 'maxHops']);
  });
  c.config.garpGroup.forEach((g, i) => {
    if (g.garpInterval === undefined && g.gnaInterval === undefined) {
      c.report('TSKAD_E_MISSING_KEYWORD', 'garp_group sets neither garp_interval nor gna_interval; keepalived removes it', ['garpGroup', i]);
    }
  });
}

/** static_* entries: a track_group must be defined above them. */
function checkStaticEntries(c: Checker): void {
  const groups = new Map<string, Loc | undefined>();
  c.config.trackGroup.forEach((g, i) => groups.has(g.name) || groups.set(g.name, c.loc(['trackGroup', i])));
  for (const field of ['staticIpaddress', 'staticRoutes', 'staticRules'] as const) {
    c.config[field].forEach((e, j) => {
      if (e.trackGroup === undefined) return;
      const at = [field, j];
      const def = groups.get(e.trackGroup);
      if (!groups.has(e.trackGroup)) c.report('TSKAD_E_UNKNOWN_REFERENCE', `track_group ${e.trackGroup} is not defined; keepalived does not track this entry`, at);
      else if (!before(def, c.loc(at))) {
        c.report('TSKAD_E_UNKNOWN_REFERENCE', `track_group ${e.trackGroup} is defined later (line ${def!.line}); keepalived does not track this entry`, at, `move track_group ${e.trackGroup} above`);
      }
    });
  }
}

// ---------------------------------------------------------------- instances

function checkInstance(c: Checker, inst: Instance, i: number): void {
  const path: Path = ['vrrpInstance', i];
  const g = c.globals;
  const strict = eff.isStrict(inst, g);
  const family = checkFamily(c, inst, path);
  checkInterface(c, inst, path);
  checkVersion(c, inst, path, family);
  const version = eff.vrrpVersion(inst, g);
  checkVips(c, inst, path, family, version, strict);
  checkAdvertInt(c, inst, path, version);
  if (inst.authentication) checkAuthentication(c, inst, path, family, version, strict);
  if (strict) checkStrict(c, inst, path, version);
  checkPreempt(c, inst, path, strict);
  checkUnicast(c, inst, path);
  checkVmac(c, inst, i, path);
  checkTracking(c, inst, path, resolvedTrackers(c, inst, path));
  checkDeprecated(c, inst, path);
}

/**
 * The instance's family is that of the first address keepalived reads; any
 * later address of the other family is ignored. Returns the family.
 */
function checkFamily(c: Checker, inst: Instance, path: Path): Family {
  const items: Array<{ address: string; at: Path; what: string }> = [
    ...(['mcastSrcIp', 'unicastSrcIp', 'mcastDstIp'] as const).flatMap((f) => (inst[f] === undefined ? [] : [{ address: inst[f], at: [...path, f], what: f === 'mcastDstIp' ? 'mcast_dst_ip' : 'source address' }])),
    ...inst.unicastPeer.map((p, j) => ({ address: p.address, at: [...path, 'unicastPeer', j], what: 'unicast peer' })),
    ...inst.virtualIpaddress.map((v, j) => ({ address: v.address, at: [...path, 'virtualIpaddress', j], what: 'VIP' })),
  ];
  if (inst.nativeIpv6) items.push({ address: '::', at: [...path, 'nativeIpv6'], what: 'native_ipv6' });
  const first0 = items[0];
  if (!first0) return 'inet';
  // one family among all: nothing to report, and no need to ask where each was written
  const only = familyOf(first0.address);
  if (items.every((it) => familyOf(it.address) === only)) return only;
  const sorted = items.map((it) => ({ ...it, loc: c.loc(it.at) })).sort(byPosition);
  const first = sorted[0]!;
  const family = familyOf(first.address);
  for (const it of sorted.slice(1)) {
    if (familyOf(it.address) === family) continue;
    const fam = (f: Family) => (f === 'inet' ? 'IPv4' : 'IPv6');
    c.report('TSKAD_E_FAMILY_MISMATCH', `${it.what} ${it.what === 'native_ipv6' ? '' : `${it.address} `}is ${fam(familyOf(it.address))} but the instance is ${fam(family)} (from line ${first.loc?.line ?? '?'}); keepalived ignores it`, it.at);
  }
  return family;
}

function checkInterface(c: Checker, inst: Instance, path: Path): void {
  if (inst.vrf !== undefined && (inst.interface !== undefined || !eff.isUnicast(inst))) {
    c.report('TSKAD_E_VRF_CONFLICT', 'vrf is for unicast instances without an interface; keepalived ignores it', [...path, 'vrf']);
  }
  // keepalived 2.2.7 checks for an interface before it knows the instance is
  // unicast (chk_min_cfg), so even a unicast instance needs one
  if (inst.interface === undefined) {
    const unicast = eff.isUnicast(inst) ? ' (keepalived 2.2.7 requires one even for unicast, whatever keepalived.conf(5) says)' : '';
    c.report('TSKAD_E_NO_INTERFACE', `vrrp_instance ${inst.name} has no interface${unicast}; keepalived refuses it`, path);
  }
}

function checkVersion(c: Checker, inst: Instance, path: Path, family: Family): void {
  if (inst.version !== 2 || family !== 'inet6') return;
  const at = [...path, 'version'];
  const firstV6 = [...inst.virtualIpaddress.map((_, j) => c.loc([...path, 'virtualIpaddress', j])), ...inst.unicastPeer.map((_, j) => c.loc([...path, 'unicastPeer', j]))].find((l) => l);
  if (eff.isStrict(inst, c.globals)) c.report('TSKAD_E_STRICT_CONFLICT', 'IPv6 needs VRRPv3 in strict mode; keepalived uses version 3', at);
  else if (firstV6 && before(firstV6, c.loc(at))) c.report('TSKAD_E_VERSION_CONFLICT', 'version 2 after IPv6 addresses: IPv6 needs VRRPv3, and keepalived ignores this line', at);
  else c.report('TSKAD_W_VRRPV2_IPV6', 'VRRPv2 over IPv6 is not standard (RFC 5798 is VRRPv3); keepalived runs it only because this line comes first', at, 'use version 3');
}

/** The packet's address count is 8 bits, and the addresses must fit one 1500-byte frame (vrrp.c). */
function maxVips(family: Family, version: 2 | 3): number {
  const header = family === 'inet' ? 14 + 20 + 8 + (version === 2 ? 8 : 0) : 14 + 40 + 8;
  return Math.min(255, Math.floor((1500 - header) / (family === 'inet' ? 4 : 16)));
}

function checkVips(c: Checker, inst: Instance, path: Path, family: Family, version: 2 | 3, strict: boolean): void {
  const vips = inst.virtualIpaddress;
  if (vips.length === 0) {
    if (version === 3 || family === 'inet6' || strict) {
      c.report('TSKAD_E_NO_VIP', `vrrp_instance ${inst.name} has no virtual_ipaddress, which VRRPv3, IPv6 and strict mode require; keepalived refuses it`, path);
    } else c.report('TSKAD_W_NO_VIP', `vrrp_instance ${inst.name} has no virtual_ipaddress`, path);
    return;
  }
  const max = maxVips(family, version);
  if (vips.length > max) {
    c.report('TSKAD_E_TOO_MANY_VIPS', `${vips.length} VIPs, but an advert carries at most ${max}; keepalived moves the rest to virtual_ipaddress_excluded`, [...path, 'virtualIpaddress', max]);
  }
  const first = vips[0]!;
  if (family === 'inet6' && !eff.isUnicast(inst) && !/^fe[89ab]/i.test(first.address)) {
    const at = [...path, 'virtualIpaddress', 0];
    if (strict) c.report('TSKAD_E_STRICT_CONFLICT', `the first IPv6 VIP must be link-local in strict mode (RFC 5798 §5.2.9), not ${first.address}`, at);
    else c.report('TSKAD_W_IPV6_FIRST_VIP_NOT_LINK_LOCAL', `the first IPv6 VIP should be link-local (RFC 5798 §5.2.9), not ${first.address}`, at);
  }
}

function checkAdvertInt(c: Checker, inst: Instance, path: Path, version: 2 | 3): void {
  const used = eff.advertInterval(inst, c.globals);
  if (used === inst.advertInt) return;
  const at = [...path, 'advertInt'];
  if (version === 2) c.report('TSKAD_E_ADVERT_INT', `VRRPv2 advertises whole seconds; keepalived rounds advert_int ${inst.advertInt} to ${used}`, at);
  else if (inst.advertInt >= 40.96) c.report('TSKAD_E_ADVERT_INT', `VRRPv3 advert_int must be below 40.96 s; keepalived uses ${used}`, at);
  else c.report('TSKAD_E_ADVERT_INT', `VRRPv3 advertises centiseconds; keepalived rounds advert_int ${inst.advertInt} to ${used}`, at);
}

function checkAuthentication(c: Checker, inst: Instance, path: Path, family: Family, version: 2 | 3, strict: boolean): void {
  const auth = inst.authentication!;
  const at = [...path, 'authentication'];
  if (auth.authPass !== undefined && auth.authPass.length > 8) {
    c.report('TSKAD_W_AUTH_PASS_TRUNCATED', `auth_pass is ${auth.authPass.length} characters; keepalived uses only '${auth.authPass.slice(0, 8)}'`, [...at, 'authPass']);
  }
  // the same order as keepalived: the first reason wins
  if (auth.authType === undefined) c.report('TSKAD_W_AUTH_WITHOUT_TYPE', 'authentication without auth_type: adverts carry no authentication', at);
  else if (strict) c.report('TSKAD_E_STRICT_CONFLICT', 'strict mode has no authentication; keepalived ignores it', at);
  else if (version === 3) c.report('TSKAD_E_AUTH_CONFLICT', 'VRRPv3 has no authentication; keepalived ignores it', at);
  else if (!auth.authPass) c.report('TSKAD_E_AUTH_CONFLICT', 'authentication without auth_pass; keepalived ignores it', at);
  else if (family === 'inet6' && auth.authType === 'AH') c.report('TSKAD_E_AUTH_CONFLICT', 'AH authentication is IPv4 only; keepalived ignores it', at);
  else if (auth.authType === 'AH' && inst.state === 'MASTER' && !eff.isAddressOwner(inst)) {
    c.report('TSKAD_E_AUTH_CONFLICT', 'with AH authentication the instance cannot start as MASTER (it needs an advert first); keepalived starts it as BACKUP', [...path, 'state']);
  }
}

/** What strict mode resets (besides authentication, IPv6 version and first VIP, checked with those). */
function checkStrict(c: Checker, inst: Instance, path: Path, version: 2 | 3): void {
  const g = c.globals;
  const owner = eff.isAddressOwner(inst);
  const fail = (message: string, field: string) => c.report('TSKAD_E_STRICT_CONFLICT', `${message} in strict mode; keepalived resets it`, [...path, field]);
  if (inst.state !== undefined && (inst.state === 'MASTER') !== owner) {
    fail(inst.state === 'MASTER' ? `state MASTER needs priority 255 (the address owner), not ${eff.basePriority(inst)}` : 'the address owner (priority 255) starts as MASTER, not BACKUP', 'state');
  }
  if (inst.preemptDelay > 0) fail('preempt_delay is not allowed', 'preemptDelay');
  const dta = inst.downTimerAdverts ?? g.vrrpDownTimerAdverts ?? eff.DOWN_TIMER_ADVERTS;
  if (dta !== eff.DOWN_TIMER_ADVERTS) fail(`down_timer_adverts must be ${eff.DOWN_TIMER_ADVERTS}, not ${dta}`, 'downTimerAdverts');
  if (inst.accept === true && !owner && version === 2) fail('accept mode does not exist in VRRPv2 (RFC 3768)', 'accept');
  if (inst.garpLowerPrioRepeat) fail('garp_lower_prio_repeat must be 0', 'garpLowerPrioRepeat');
  if (inst.garpLowerPrioDelay) fail('garp_lower_prio_delay must be 0', 'garpLowerPrioDelay');
  if (inst.lowerPrioNoAdvert === false) fail('lower_prio_no_advert must be on', 'lowerPrioNoAdvert');
  if (inst.higherPrioSendAdvert === true) fail('higher_prio_send_advert must be off', 'higherPrioSendAdvert');
  if (inst.useVmac?.mac !== undefined) fail('a VMAC address of your own is not allowed', 'useVmac');
  if (inst.useVmac && inst.vmacXmitBase) fail('vmac_xmit_base is not allowed', 'vmacXmitBase');
  if (eff.isUnicast(inst)) {
    c.report('TSKAD_W_STRICT_UNICAST', 'unicast peers in strict mode: RFC 5798 has no unicast; keepalived 2.2.7 runs it anyway', [...path, 'unicastPeer', 0]);
  }
}

/** keepalived's order: owner clears nopreempt, a MASTER start clears both, then preempt_delay against strict and nopreempt. */
function checkPreempt(c: Checker, inst: Instance, path: Path, strict: boolean): void {
  let nopreempt = inst.nopreempt;
  let delay = inst.preemptDelay > 0;
  const fail = (message: string, field: string) => c.report('TSKAD_E_PREEMPT_CONFLICT', message, [...path, field]);
  if (nopreempt && eff.isAddressOwner(inst)) {
    fail('nopreempt does nothing for the address owner (priority 255); keepalived clears it', 'nopreempt');
    nopreempt = false;
  }
  if (eff.initialState(inst, c.globals) === 'MASTER') {
    if (nopreempt) fail('nopreempt needs state BACKUP; keepalived clears it', 'nopreempt');
    if (delay) fail('preempt_delay needs state BACKUP; keepalived clears it', 'preemptDelay');
    return;
  }
  if (delay && strict) delay = false; // reported by checkStrict
  if (delay && nopreempt) fail('preempt_delay does nothing with nopreempt; keepalived clears it', 'preemptDelay');
}

function checkUnicast(c: Checker, inst: Instance, path: Path): void {
  const peers = inst.unicastPeer.length > 0;
  const unicastWords = inst.unicastSrcIp !== undefined || inst.unicastFaultNoPeer || inst.checkUnicastSrc || inst.oldUnicastChecksum !== undefined;
  if (!peers) {
    if (unicastWords && !inst.unicastFaultNoPeer) {
      c.report('TSKAD_W_UNICAST_NO_PEERS', 'unicast keywords without unicast_peer: keepalived runs multicast (deprecated)', path, "add unicast_peer, or unicast_fault_no_peer to go to FAULT instead");
    }
    if (inst.unicastTtl !== undefined) c.report('TSKAD_E_UNICAST_CONFLICT', 'unicast_ttl without unicast peers; keepalived ignores it', [...path, 'unicastTtl']);
    return;
  }
  if (inst.mcastDstIp !== undefined) c.report('TSKAD_E_UNICAST_CONFLICT', 'mcast_dst_ip with unicast peers; keepalived ignores it', [...path, 'mcastDstIp']);
  inst.unicastPeer.forEach((p, j) => {
    if (p.minTtl !== undefined && p.maxTtl !== undefined && p.minTtl > p.maxTtl) {
      c.report('TSKAD_E_UNICAST_CONFLICT', `min_ttl ${p.minTtl} > max_ttl ${p.maxTtl}: every advert from ${p.address} is discarded`, [...path, 'unicastPeer', j]);
    }
  });
  if (inst.useVmac || inst.useIpvlan) {
    const which = inst.useVmac ? 'use_vmac' : 'use_ipvlan';
    if (inst.interface === undefined) c.report('TSKAD_E_UNICAST_CONFLICT', `${which} with unicast and no interface; keepalived ignores ${which}`, [...path, inst.useVmac ? 'useVmac' : 'useIpvlan']);
    else if (!inst.vmacXmitBase) c.report('TSKAD_E_UNICAST_CONFLICT', `${which} with unicast needs vmac_xmit_base; keepalived sets it`, [...path, inst.useVmac ? 'useVmac' : 'useIpvlan'], 'add vmac_xmit_base');
  }
}

function checkVmac(c: Checker, inst: Instance, i: number, path: Path): void {
  const vmac = inst.useVmac !== undefined || inst.useIpvlan !== undefined;
  if (inst.vmacXmitBase && inst.useVmac === undefined) c.report('TSKAD_E_VMAC_CONFLICT', 'vmac_xmit_base without use_vmac; keepalived ignores it', [...path, 'vmacXmitBase']);
  if (inst.promoteSecondaries && vmac) c.report('TSKAD_E_VMAC_CONFLICT', 'promote_secondaries is always set on a VMAC; keepalived ignores it', [...path, 'promoteSecondaries']);
  const name = inst.useVmac?.name ?? inst.useIpvlan?.name;
  if (name === undefined) return;
  const other = c.config.vrrpInstance.findIndex((o, j) => j < i && (o.useVmac?.name ?? o.useIpvlan?.name) === name);
  if (other >= 0) c.report('TSKAD_E_VMAC_CONFLICT', `vrrp_instance ${c.config.vrrpInstance[other]!.name} already uses the interface name ${name}; keepalived ignores it here`, [...path, inst.useVmac ? 'useVmac' : 'useIpvlan']);
}

/** The sync group an instance belongs to: the first that names it, as keepalived assigns. */
function syncGroupOf(c: Checker, name: string) {
  return c.config.vrrpSyncGroup.find((g) => g.group.includes(name));
}

function checkTracking(c: Checker, inst: Instance, path: Path, resolved: Map<TrackerField, Resolved[]>): void {
  inst.trackInterface.forEach((t, j) => {
    if (inst.interface !== undefined && t.name === inst.interface) {
      c.report('TSKAD_E_TRACK_OWN_INTERFACE', `${t.name} is the instance's own interface, always tracked; keepalived ignores this entry${t.weight ? ' and its weight' : ''}`, [...path, 'trackInterface', j]);
    }
  });
  const group = syncGroupOf(c, inst.name);
  const owner = eff.isAddressOwner(inst);
  if (!(group && !group.syncGroupTrackingWeight) && !owner) return;
  // keepalived: sync group members (unless sync_group_tracking_weight) and owners run unweighted
  const why = group && !group.syncGroupTrackingWeight ? `it is in sync group ${group.name}` : 'it is the address owner (priority 255)';
  const fields: Array<[TrackerField, string]> = [
    ['trackInterface', 'track_interface'],
    ['trackScript', 'track_script'],
    ['trackFile', 'track_file'],
    ['trackBfd', 'track_bfd'],
  ];
  for (const [field, keyword] of fields) {
    for (const t of resolved.get(field)!) {
      if (!t.weight) continue;
      const at = [...path, field, t.index];
      if (field === 'trackFile' && t.weight === 1) {
        c.report('TSKAD_E_WEIGHT_IGNORED', `${keyword} ${t.name} has weight 1 (the default), but ${why}; keepalived uses weight 0`, at, 'write weight 0');
      } else if (field === 'trackInterface' && group && !group.syncGroupTrackingWeight) {
        c.report('TSKAD_E_WEIGHT_IGNORED', `${keyword} ${t.name} has weight ${t.weight}, but ${why}; keepalived uses weight 0`, at);
      } else {
        c.report('TSKAD_E_WEIGHT_IGNORED', `${keyword} ${t.name} has weight ${t.weight}, but ${why}; keepalived ignores the entry`, at);
      }
    }
  }
}

function checkDeprecated(c: Checker, inst: Instance, path: Path): void {
  const deprecated: Array<[keyof Instance, string, string]> = [
    ['nativeIpv6', 'native_ipv6', 'the addresses decide the family'],
    ['linkbeatUsePolling', 'linkbeat_use_polling', 'use the linkbeat_interfaces block'],
    ['lvsSyncDaemonInterface', 'lvs_sync_daemon_interface', 'use global_defs lvs_sync_daemon'],
  ];
  for (const [field, keyword, instead] of deprecated) {
    if (inst[field]) c.report('TSKAD_W_DEPRECATED_KEYWORD', `'${keyword}' in a vrrp_instance is deprecated: ${instead}`, [...path, field]);
  }
  if (inst.skipCheckAdvAddr === false) {
    c.report('TSKAD_W_SKIP_CHECK_ADV_ADDR_OFF', 'keepalived reads `skip_check_adv_addr off` as on; tskad does the same', [...path, 'skipCheckAdvAddr'], 'remove the line to inherit vrrp_skip_check_adv_addr');
  }
}

// ---------------------------------------------------------------- sync groups and track groups

function checkSyncGroups(c: Checker): void {
  const names = new Set(c.config.vrrpInstance.map((v) => v.name));
  const member = new Map<string, string>();
  const groupNames = new Set<string>();
  c.config.vrrpSyncGroup.forEach((g, i) => {
    // a repeated name is skipped by keepalived (reported by checkNames)
    if (groupNames.has(g.name)) return;
    groupNames.add(g.name);
    const path = ['vrrpSyncGroup', i];
    if (g.globalTracking) c.report('TSKAD_W_DEPRECATED_KEYWORD', "'global_tracking' is deprecated: use the group's own track_* blocks", [...path, 'globalTracking']);
    const resolved = resolvedTrackers(c, g, path);
    if (g.group.length === 0) {
      c.report('TSKAD_E_SYNC_GROUP_EMPTY', `vrrp_sync_group ${g.name} names no vrrp_instance; keepalived removes it`, path);
      return;
    }
    const members: Instance[] = [];
    for (const [k, name] of g.group.entries()) {
      const at = [...path, 'group', k];
      if (!names.has(name)) c.report('TSKAD_E_UNKNOWN_REFERENCE', `vrrp_sync_group ${g.name}: there is no vrrp_instance ${name}; keepalived ignores it`, at);
      else if (member.has(name)) c.report('TSKAD_E_SYNC_GROUP_TWICE', `vrrp_instance ${name} is already in vrrp_sync_group ${member.get(name)}; keepalived ignores it here`, at);
      else {
        member.set(name, g.name);
        members.push(c.config.vrrpInstance.find((v) => v.name === name)!);
      }
    }
    if (members.length === 0) c.report('TSKAD_E_SYNC_GROUP_EMPTY', `vrrp_sync_group ${g.name} has no existing member; keepalived removes it`, path);
    else if (members.length === 1) c.report('TSKAD_W_SYNC_GROUP_SINGLE', `vrrp_sync_group ${g.name} has only one member (${members[0]!.name})`, path);
    // keepalived (vrrp_sync_set_group) notices this before deriving states: only
    // an explicit `state MASTER` + `priority 255` followed by an explicit `state BACKUP`
    const ownerAt = members.findIndex((m) => m.state === 'MASTER' && m.priority === eff.PRIORITY_OWNER);
    const other = ownerAt < 0 ? undefined : members.slice(ownerAt + 1).find((m) => m.state === 'BACKUP');
    if (other) {
      c.report('TSKAD_E_SYNC_GROUP_OWNER_MIX', `vrrp_sync_group ${g.name} mixes the address owner ${members[ownerAt]!.name} with ${other.name}; the group can never agree, and keepalived starts all as BACKUP`, path);
    }
    if (members.some((m) => eff.isAddressOwner(m))) {
      for (const [field, entries] of resolved) {
        for (const t of entries) {
          if (t.weight) c.report('TSKAD_E_WEIGHT_IGNORED', `${t.name} has weight ${t.weight}, but a member of the group is the address owner; keepalived uses weight 0`, [...path, field, t.index]);
        }
      }
    }
  });
}

function checkTrackGroups(c: Checker): void {
  const names = new Set(c.config.vrrpInstance.map((v) => v.name));
  c.config.trackGroup.forEach((g, i) => {
    g.group.forEach((name, k) => {
      if (!names.has(name)) c.report('TSKAD_W_TRACK_GROUP_MEMBER', `track_group ${g.name}: there is no vrrp_instance ${name}`, ['trackGroup', i, 'group', k]);
    });
  });
}

// ---------------------------------------------------------------- across instances

/**
 * keepalived's check_vrid_conflicts(): multicast instances conflict on the
 * same interface, family, VRID and group; unicast instances on the same
 * interface and source address when their peer sets overlap. Unicast and
 * multicast are separate VRID spaces.
 */
function checkVridConflicts(c: Checker): void {
  const g = c.globals;
  // only instances of one VRID can conflict: compare within each VRID, not every pair of a large configuration
  const byVrid = new Map<number, Array<Checker['instances'][number]>>();
  for (const entry of c.instances) {
    const { inst: b, i: j } = entry;
    let earlier = byVrid.get(b.virtualRouterId);
    if (!earlier) byVrid.set(b.virtualRouterId, (earlier = []));
    for (const { inst: a, i } of earlier) {
      if (eff.instanceFamily(a) !== eff.instanceFamily(b)) continue;
      if (eff.isUnicast(a) !== eff.isUnicast(b)) continue;
      const at = ['vrrpInstance', j, 'virtualRouterId'];
      if (eff.isUnicast(a)) {
        if (a.interface !== undefined && b.interface !== undefined && a.interface !== b.interface) continue;
        // the source: configured, or the interface's primary address (the same interface, the same address)
        const src = (v: Instance) => v.unicastSrcIp ?? v.mcastSrcIp ?? (v.interface === undefined ? undefined : `dev ${v.interface}`);
        if (src(a) === undefined || src(a) !== src(b)) continue;
        const shared = a.unicastPeer.find((p) => b.unicastPeer.some((q) => q.address === p.address));
        if (!shared) continue;
        c.report('TSKAD_E_VRID_CONFLICT', `VRID ${b.virtualRouterId} is also used by vrrp_instance ${a.name} (line ${c.loc(['vrrpInstance', i, 'virtualRouterId'])?.line ?? '?'}) with the same source and the same unicast peer ${shared.address}`, at);
      } else {
        if (a.interface === undefined || a.interface !== b.interface) continue;
        if (eff.mcastGroup(a, g) !== eff.mcastGroup(b, g)) continue;
        c.report('TSKAD_E_VRID_CONFLICT', `VRID ${b.virtualRouterId} is also used by vrrp_instance ${a.name} (line ${c.loc(['vrrpInstance', i, 'virtualRouterId'])?.line ?? '?'}) on ${b.interface} for ${eff.instanceFamily(b) === 'inet' ? 'IPv4' : 'IPv6'}`, at, 'use another virtual_router_id, or another mcast_dst_ip');
      }
      break;
    }
    earlier.push(entry);
  }
}

/** The same address as a VIP / eVIP twice, within an instance or across instances; the later one is reported. */
function checkDuplicateVips(c: Checker): void {
  const addresses = c.instances.flatMap(({ inst, i }) =>
    (['virtualIpaddress', 'virtualIpaddressExcluded'] as const).flatMap((field) =>
      inst[field].map((v, j) => ({ inst: inst.name, address: v.address, at: ['vrrpInstance', i, field, j] })),
    ),
  );
  // no address twice: nothing to report, and no need to ask where each was written
  if (new Set(addresses.map((e) => e.address.toLowerCase())).size === addresses.length) return;
  const entries = addresses.map((e) => ({ ...e, loc: c.loc(e.at) }));
  entries.sort(byPosition);
  const seen = new Map<string, (typeof entries)[number]>();
  for (const e of entries) {
    const key = e.address.toLowerCase();
    const prev = seen.get(key);
    if (!prev) {
      seen.set(key, e);
      continue;
    }
    const where = prev.inst === e.inst ? 'already in this instance' : `also in vrrp_instance ${prev.inst}`;
    c.report('TSKAD_W_DUPLICATE_VIP', `${e.address} is ${where} (line ${prev.loc?.line ?? '?'})`, e.at);
  }
}

function checkUnusedScripts(c: Checker): void {
  const used = new Set([...c.config.vrrpInstance, ...c.config.vrrpSyncGroup].flatMap((o) => o.trackScript.map((t) => t.name)));
  c.config.vrrpScript.forEach((s, i) => {
    if (!used.has(s.name)) c.report('TSKAD_W_UNUSED_SCRIPT', `vrrp_script ${s.name} is not tracked by any vrrp_instance or vrrp_sync_group; keepalived never runs it`, ['vrrpScript', i]);
  });
}
