// The VRRP part of keepalived.conf (keepalived.conf(5) "VRRPD CONFIGURATION",
// and the VRRP blocks of "GLOBAL CONFIGURATION": track_file, vrrp_track_process,
// static addresses/routes/rules, track groups, linkbeat, up/down delays,
// garp_group, bfd_instance).
//
// Defaults are keepalived 2.2.7's (vrrp_data.c alloc_*, checked with
// `keepalived -d`). A setting an instance inherits from global_defs when it
// is absent (garp timings, version, strict mode…) stays undefined here;
// effective-vrrp.ts resolves it. So does the priority: 100, but 255 for
// `state MASTER` without a priority.
import { ipVersion } from '../ip-version.js';
import { z } from 'zod';
import type { Word } from '../source.js';
import { argWords, block, firstWins, flag, INVALID, int, keyword, lines, one, oneOf, optionalFlag, required, seconds, str, sub, toInteger, toNumber, wordBlock, words, type ReadCx } from './dsl.js';
import { ipAddress, nameHead, printScript, readScript, scriptKeyword, scriptSchema } from './common.js';
import { addressBlock, readUnsigned, routeBlock, ruleBlock } from './address.js';

const INT_MAX = 0x7fffffff;
const U32_MAX = 0xffffffff;
/** keepalived's timers are µs in an unsigned int: at most this many seconds */
const TIMER_MAX_S = Math.floor(U32_MAX / 1e6);

// ---------------------------------------------------------------- keyword shapes

/** keepalived keeps the first notify script of a kind and reports a repeat */
const script = (doc: string) => firstWins(scriptKeyword({ doc }));

/**
 * Two spellings setting one boolean field (`accept`/`no_accept`,
 * `nopreempt`/`preempt`): the later line wins, as in keepalived.
 */
function either<S extends z.ZodType<boolean | undefined>>(yes: string, no: string, schema: S, doc: string) {
  return keyword({
    name: yes,
    synonyms: [no],
    doc,
    schema,
    item: z.boolean(),
    read: (node, cx) => (argWords(node, cx, 0, 0) === INVALID ? INVALID : node.keyword.text === yes),
    print: (v: boolean) => [{ words: [v ? yes : no] }],
  });
}

/** `weight N [reverse]` of a tracked object's own block. */
const weightSchema = z.object({ value: z.number().int(), reverse: z.boolean() });
function weight(min: number, max: number, def: number) {
  return words(
    weightSchema.default({ value: def, reverse: false }),
    1,
    2,
    (ws, cx) => {
      const value = toInteger(ws[0]!.text);
      if (!(value >= min && value <= max)) {
        cx.report('TSKAD_E_BAD_VALUE', `weight must be an integer in ${min}..${max}, got '${ws[0]!.text}'`, ws[0]!.loc);
        return INVALID;
      }
      const opt = ws[1];
      if (opt && opt.text !== 'reverse') cx.report('TSKAD_E_BAD_VALUE', `'${opt.text}' after the weight: only 'reverse' is allowed; ignored`, opt.loc);
      return { value, reverse: opt?.text === 'reverse' };
    },
    (v) => [String(v.value), ...(v.reverse ? ['reverse'] : [])],
    { doc: 'the default weight of the instances tracking this, and whether it works in reverse' },
  );
}

// ---------------------------------------------------------------- tracking references

/**
 * An entry of a track_* block: `NAME [weight N [reverse|noreverse]]`. Weight
 * and direction left out mean the tracked object's own (a tracked interface: 0).
 */
export const trackedSchema = z.object({
  name: z.string().min(1),
  weight: z.number().int().optional(),
  reverse: z.boolean().optional(),
});
export type Tracked = z.output<typeof trackedSchema>;

interface TrackRules {
  what: string;
  /** weights run -max..max */
  max: number;
  /** interfaces and scripts: keepalived still reads ±254 and uses ±253 */
  clamp254?: true;
  /** `noreverse` is accepted (not for interfaces) */
  noreverse?: true;
  /** a bad word after the weight drops the entry (track_file) instead of being ignored */
  strictOption?: true;
}

function readTracked(ws: readonly Word[], cx: ReadCx, r: TrackRules): Tracked | typeof INVALID {
  const [nameW, opt, valueW, dirW, extra] = ws;
  const entry: Tracked = { name: nameW!.text };
  if (!opt) return entry;
  if (opt.text !== 'weight') {
    cx.report('TSKAD_E_BAD_VALUE', `'${opt.text}' is not an option of a ${r.what} entry (only 'weight N'); the entry is ignored`, opt.loc);
    return INVALID;
  }
  if (!valueW) {
    cx.report('TSKAD_E_MISSING_ARGUMENT', `weight without a value for ${r.what} ${entry.name}; the entry is ignored`, opt.loc);
    return INVALID;
  }
  const lim = r.clamp254 ? 254 : r.max;
  const n = toInteger(valueW.text);
  if (!(n >= -lim && n <= lim)) {
    cx.report('TSKAD_E_BAD_VALUE', `weight must be an integer in ${-r.max}..${r.max}, got '${valueW.text}'; the weight is ignored`, valueW.loc);
  } else if (r.clamp254 && Math.abs(n) === 254) {
    entry.weight = Math.sign(n) * 253;
    cx.report('TSKAD_E_WEIGHT_IGNORED', `weight ${n} is out of range; keepalived uses ${entry.weight}`, valueW.loc);
  } else entry.weight = n;
  if (dirW) {
    if (dirW.text === 'reverse' || (r.noreverse && dirW.text === 'noreverse')) entry.reverse = dirW.text === 'reverse';
    else {
      const allowed = r.noreverse ? "'reverse' or 'noreverse'" : "'reverse'";
      cx.report('TSKAD_E_BAD_VALUE', `'${dirW.text}' after the weight: only ${allowed} is allowed; ${r.strictOption ? 'the entry is' : 'it is'} ignored`, dirW.loc);
      if (r.strictOption) return INVALID;
    }
  }
  if (extra) cx.report('TSKAD_W_EXTRA_ARGUMENT', `'${extra.text}' and after are ignored`, extra.loc);
  return entry;
}

const printTracked = (t: Tracked): string[] => [
  t.name,
  ...(t.weight === undefined ? [] : ['weight', String(t.weight), ...(t.reverse === true ? ['reverse'] : t.reverse === false ? ['noreverse'] : [])]),
];

const tracking = (r: TrackRules, doc: string) => lines(trackedSchema, (ws, cx) => readTracked(ws, cx, r), printTracked, { doc });

const TRACK_INTERFACE: TrackRules = { what: 'track_interface', max: 253, clamp254: true };
const TRACK_SCRIPT: TrackRules = { what: 'track_script', max: 253, clamp254: true, noreverse: true };
const TRACK_FILE: TrackRules = { what: 'track_file', max: 254, noreverse: true, strictOption: true };
const TRACK_PROCESS: TrackRules = { what: 'track_process', max: 254, noreverse: true };
const TRACK_BFD: TrackRules = { what: 'track_bfd', max: 253, noreverse: true };

/** The track_* keywords a vrrp_instance and a vrrp_sync_group share. */
const trackers = () => ({
  trackInterface: tracking(TRACK_INTERFACE, 'interfaces whose link state counts: down → FAULT, or ± weight'),
  trackScript: tracking(TRACK_SCRIPT, 'vrrp_script names; weight defaults to the script\'s'),
  trackFile: tracking(TRACK_FILE, 'track_file names; weight defaults to the file\'s'),
  trackProcess: tracking(TRACK_PROCESS, 'vrrp_track_process names; weight defaults to the process\'s'),
  trackBfd: tracking(TRACK_BFD, 'bfd_instance names; weight defaults to the session\'s'),
});

/** The notify scripts a vrrp_instance and a vrrp_sync_group share. */
const notifies = () => ({
  notifyMaster: script('run on becoming MASTER, with no extra arguments'),
  notifyBackup: script('run on becoming BACKUP'),
  notifyFault: script('run on entering FAULT'),
  notifyStop: script('run when VRRP stops'),
  notify: script('run on every transition, with TYPE NAME STATE PRIORITY appended'),
  smtpAlert: optionalFlag({ doc: 'mail on transitions (default: global smtp_alert_vrrp / smtp_alert, else off)' }),
  notifyPriorityChanges: optionalFlag({ doc: 'write priority changes to the notify FIFOs' }),
});

// ---------------------------------------------------------------- vrrp_script, track_file, vrrp_track_process, bfd_instance

export const vrrpScript = block({
  // keepalived reads only the first word (quote a command with arguments); the rest is ignored
  script: required(words(scriptSchema.optional(), 1, 1, readScript, printScript, { doc: 'the command, quoted when it has arguments; run without a shell', script: true })),
  interval: int(1, TIMER_MAX_S, 1, { doc: 'seconds between runs' }),
  timeout: int(1, TIMER_MAX_S, undefined, { doc: 'seconds before a run counts as failed (default: the interval)' }),
  weight: weight(-253, 253, 0),
  rise: int(1, INT_MAX, 1, { doc: 'successes needed to become OK' }),
  fall: int(1, INT_MAX, 1, { doc: 'failures needed to become KO' }),
  user: words(
    z.object({ user: z.string(), group: z.string().optional() }).optional(),
    1,
    2,
    (ws) => ({ user: ws[0]!.text, ...(ws[1] ? { group: ws[1].text } : {}) }),
    (v) => [v.user, ...(v.group ? [v.group] : [])],
    { doc: 'USER [GROUP] to run as (default: global script_user)' },
  ),
  initFail: flag({ noArg: true, doc: 'start in the failed state' }),
});

export const trackFile = block({
  file: required(str(undefined, { doc: 'the file holding an integer' })),
  weight: weight(-254, 254, 1),
  initFile: words(
    z.object({ value: z.number().int(), overwrite: z.boolean() }).optional(),
    0,
    2,
    (ws, cx) => {
      const out = { value: 0, overwrite: false };
      for (const w of ws) {
        if (w.text === 'overwrite') out.overwrite = true;
        else if (/^-?\d+$/.test(w.text)) out.value = Number(w.text);
        else cx.report('TSKAD_E_BAD_VALUE', `'${w.text}' is not an init_file value or 'overwrite'; ignored`, w.loc);
      }
      return out;
    },
    (v) => [String(v.value), ...(v.overwrite ? ['overwrite'] : [])],
    { doc: 'write VALUE (default 0) to the file at startup if it is missing, or always with overwrite' },
  ),
});

export const vrrpTrackProcess = block({
  process: required(
    words(
      z.object({ command: z.string().min(1), params: z.array(z.string()) }).optional(),
      1,
      Number.POSITIVE_INFINITY,
      (ws) => ({ command: ws[0]!.text, params: ws.slice(1).map((w) => w.text) }),
      (v) => [v.command, ...v.params],
      { doc: 'process name (or path) and, to match the command line, its parameters' },
    ),
  ),
  paramMatch: words(
    z.enum(['exact', 'initial', 'partial']).optional(),
    0,
    1,
    (ws, cx) => {
      const t = ws[0]?.text ?? 'exact';
      if (t === 'initial' || t === 'partial' || !ws[0]) return t;
      cx.report('TSKAD_E_BAD_VALUE', `param_match '${t}' is not initial|partial`, ws[0].loc);
      return INVALID;
    },
    (v) => (v === 'exact' ? [] : [v]),
    { doc: 'how parameters match: all exactly (no argument), the first n (partial), or the last as a prefix (initial)' },
  ),
  weight: weight(-254, 254, 0),
  quorum: int(1, 65535, 1, { doc: 'processes needed to be up' }),
  quorumMax: int(0, 65535, undefined, { doc: 'more processes than this is a failure' }),
  delay: seconds(0.000001, 3600, undefined, { doc: 'sets fork_delay and terminate_delay' }),
  terminateDelay: seconds(0.000001, 3600, undefined, { doc: 'seconds to wait after losing quorum' }),
  forkDelay: seconds(0.000001, 3600, undefined, { doc: 'seconds to wait after gaining quorum' }),
  fullCommand: flag({ noArg: true, doc: 'match the whole command line, not the process name' }),
});

export const bfdInstance = block({
  neighborIp: required(one(ipAddress.optional(), (t) => t, { synonyms: ['neighbour_ip'], doc: 'the BFD peer' })),
  sourceIp: one(ipAddress.optional(), (t) => t, { doc: 'our address' }),
  minRx: seconds(1, TIMER_MAX_S * 1000, 10, { doc: 'required min RX interval, ms' }),
  minTx: seconds(1, TIMER_MAX_S * 1000, 10, { doc: 'desired min TX interval, ms' }),
  idleTx: seconds(1000, TIMER_MAX_S * 1000, 1000, { doc: 'desired idle TX interval, ms' }),
  multiplier: int(1, 255, 5, { doc: 'missed packets before the session is down' }),
  passive: flag({ noArg: true }),
  ttl: int(1, 255, undefined, { synonyms: ['hoplimit'], doc: 'outgoing TTL / hop limit (default 255 IPv4, 64 IPv6)' }),
  maxHops: int(-1, 255, 0, { doc: 'maximum TTL reduction of received packets (255: no check)' }),
  weight: weight(-253, 253, 0),
  vrrp: flag({ noArg: true, doc: 'send events only to VRRP' }),
  checker: flag({ noArg: true, doc: 'send events only to the checkers' }),
});

// ---------------------------------------------------------------- global-section VRRP blocks

export const trackGroup = block({
  group: wordBlock({ doc: 'the vrrp_instances that go to FAULT when a static entry of this group cannot be restored' }),
});

const linkbeatSchema = z.object({ name: z.string(), type: z.enum(['MII', 'ETHTOOL', 'IOCTL']).optional() });
const linkbeatInterfaces = lines(
  linkbeatSchema,
  (ws, cx) => {
    const [ifW, typeW, extra] = ws;
    const type = typeW && linkbeatSchema.shape.type.safeParse(typeW.text).success ? typeW.text : undefined;
    const bad = typeW && !type ? typeW : extra;
    if (bad) cx.report('TSKAD_E_BAD_VALUE', `'${bad.text}' after ${ifW!.text}: only MII, ETHTOOL or IOCTL is allowed; ignored`, bad.loc);
    return { name: ifW!.text, ...(type ? { type } : {}) };
  },
  (v) => [v.name, ...(v.type ? [v.type] : [])],
  { doc: 'interfaces whose link state is polled (MII, ETHTOOL or IOCTL) rather than taken from netlink' },
);

const delaySchema = z.object({ name: z.string(), down: z.number().min(0).max(255), up: z.number().min(0).max(255) });
const interfaceUpDownDelays = lines(
  delaySchema,
  (ws, cx) => {
    const [ifW, downW, upW, extra] = ws;
    if (!downW) {
      cx.report('TSKAD_E_MISSING_ARGUMENT', `no delays for ${ifW!.text}`, ifW!.loc);
      return INVALID;
    }
    if (extra) cx.report('TSKAD_W_EXTRA_ARGUMENT', `'${extra.text}' and after are ignored`, extra.loc);
    // keepalived 2.2.7 makes a missing up delay 0 (the man page says: equal to the down delay)
    return { name: ifW!.text, down: toNumber(downW.text), up: upW ? toNumber(upW.text) : 0 };
  },
  (v) => [v.name, String(v.down), String(v.up)],
  { doc: 'IF DOWN_DELAY [UP_DELAY]: seconds a link change must last before it counts' },
);

export const garpGroup = block({
  garpInterval: seconds(0, INT_MAX / 1e6, undefined, { doc: 'seconds between gratuitous ARPs on these interfaces' }),
  gnaInterval: seconds(0, INT_MAX / 1e6, undefined, { doc: 'seconds between unsolicited neighbour adverts' }),
  interface: str(undefined, { doc: 'the one interface the intervals apply to' }),
  interfaces: wordBlock({ doc: 'interfaces on one switch, paced together' }),
});

// ---------------------------------------------------------------- vrrp_sync_group

export const vrrpSyncGroup = block({
  group: wordBlock({ doc: 'the member vrrp_instances' }),
  ...trackers(),
  ...notifies(),
  globalTracking: flag({ noArg: true, doc: 'deprecated: use the group\'s own track_* blocks' }),
  syncGroupTrackingWeight: flag({ noArg: true, doc: 'let members keep their tracking weights' }),
});

// ---------------------------------------------------------------- vrrp_instance

/** RFC 5798 §5.1.1.2 / 5.1.2.2: the advert group is IPv4 multicast, or IPv6 link-local multicast (ffX2::). */
export const isVrrpMulticast = (a: string): boolean =>
  ipVersion(a) === 4 ? Number(a.split('.')[0]) >= 224 && Number(a.split('.')[0]) <= 239 : /^ff[0-9a-f]2:/i.test(a);

const peerSchema = z.object({
  address: ipAddress,
  minTtl: z.number().int().min(0).max(255).optional(),
  maxTtl: z.number().int().min(0).max(255).optional(),
});
export type UnicastPeer = z.output<typeof peerSchema>;

function readPeer(ws: readonly Word[], cx: ReadCx): UnicastPeer | typeof INVALID {
  const [addrW, ...opts] = ws;
  if (ipVersion(addrW!.text) === 0) {
    cx.report('TSKAD_E_BAD_ENTRY', `'${addrW!.text}' is not a unicast peer address; the entry is ignored`, addrW!.loc);
    return INVALID;
  }
  const peer: UnicastPeer = { address: addrW!.text };
  for (let i = 0; i < opts.length; i += 2) {
    const [opt, val] = [opts[i]!, opts[i + 1]];
    if (opt.text !== 'min_ttl' && opt.text !== 'max_ttl') {
      cx.report('TSKAD_E_BAD_ENTRY', `'${opt.text}' is not a unicast_peer option (min_ttl, max_ttl); it and the rest are ignored`, opt.loc);
      break;
    }
    const n = val ? readUnsigned(val.text, 255) : undefined;
    if (n === undefined) {
      cx.report('TSKAD_E_BAD_ENTRY', `${opt.text} needs a TTL 0..255; ignored`, (val ?? opt).loc);
      if (!val) break;
      continue;
    }
    peer[opt.text === 'min_ttl' ? 'minTtl' : 'maxTtl'] = n;
  }
  return peer;
}

const printPeer = (p: UnicastPeer): string[] => [
  p.address,
  ...(p.minTtl === undefined ? [] : ['min_ttl', String(p.minTtl)]),
  ...(p.maxTtl === undefined ? [] : ['max_ttl', String(p.maxTtl)]),
];

const authentication = block({
  authType: oneOf(['PASS', 'AH'], undefined, { doc: 'PASS (simple password) or AH (IPsec AH); VRRPv2 only' }),
  // the 8-byte limit is a warning (keepalived truncates), so the schema takes any length
  authPass: str(undefined, { doc: 'the password; keepalived uses the first 8 characters' }),
});

const MAC = /^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){4,5}$/i;
const useVmacSchema = z.object({ name: z.string().optional(), mac: z.string().optional() });
const useIpvlanSchema = z.object({ name: z.string().optional(), address: z.string().optional(), mode: z.enum(['bridge', 'private', 'vepa']).optional() });
const garpExtraIfSchema = z.object({ all: z.boolean(), interval: z.number().int().min(0).max(86400) });

export const vrrpInstance = block({
  state: oneOf(['MASTER', 'BACKUP'], undefined, { doc: 'initial state (default: MASTER iff priority 255)' }),
  interface: str(undefined, { doc: 'the interface adverts go out on; VIPs go there by default' }),
  vrf: str(undefined, { doc: 'the VRF of a unicast instance without an interface' }),
  virtualRouterId: required(int(1, 255, undefined, { doc: 'the VRID, 1..255' })),
  priority: int(1, 255, undefined, { doc: 'election priority (default 100; 255 for state MASTER; 255 = address owner)' }),
  advertInt: seconds(0.01, 255, 1, { doc: 'seconds between adverts: whole seconds for VRRPv2, centiseconds for v3' }),
  version: int(2, 3, undefined, { doc: 'VRRP version (default: global vrrp_version; IPv6: 3)' }),
  nativeIpv6: flag({ noArg: true, doc: 'deprecated: the addresses decide the family' }),
  virtualIpaddress: addressBlock({ static: false, doc: 'the VIPs: added on MASTER, carried in adverts, all of one family' }),
  virtualIpaddressExcluded: addressBlock({ static: false, doc: 'addresses added on MASTER but not carried in adverts' }),
  virtualRoutes: routeBlock({ static: false, doc: 'routes added on MASTER' }),
  virtualRules: ruleBlock({ static: false, doc: 'rules added on MASTER' }),
  promoteSecondaries: flag({ noArg: true, doc: 'set promote_secondaries on the interface' }),
  ...trackers(),
  dontTrackPrimary: flag({ noArg: true, doc: 'ignore faults of the instance\'s own interface' }),
  trackSrcIp: flag({ noArg: true, doc: 'FAULT while the configured source address is missing' }),
  linkbeatUsePolling: flag({ noArg: true, doc: 'deprecated: use linkbeat_interfaces' }),
  mcastSrcIp: one(ipAddress.optional(), (t) => t, { doc: 'source address of adverts (default: the interface\'s primary)' }),
  unicastSrcIp: one(ipAddress.optional(), (t) => t, { doc: 'source address of unicast adverts' }),
  mcastDstIp: one(ipAddress.refine(isVrrpMulticast, { message: 'expected an IPv4 multicast or IPv6 link-local multicast (ffX2::) address' }).optional(), (t) => t, {
    doc: 'advert group (default: global vrrp_mcast_group4/6)',
  }),
  unicastPeer: lines(peerSchema, readPeer, printPeer, { doc: 'send adverts to these addresses instead of the multicast group' }),
  unicastTtl: int(0, 255, undefined, { doc: 'TTL / hop limit of unicast adverts (default 255 IPv4, kernel default IPv6)' }),
  unicastFaultNoPeer: flag({ noArg: true, doc: 'with unicast keywords but no peer, go to FAULT instead of multicast' }),
  checkUnicastSrc: flag({ noArg: true, doc: 'accept adverts only from the unicast peers' }),
  oldUnicastChecksum: words(
    z.enum(['on', 'never']).optional(),
    0,
    1,
    (ws, cx) => {
      if (!ws[0]) return 'on';
      if (ws[0].text === 'never') return 'never';
      cx.report('TSKAD_E_BAD_VALUE', `'${ws[0].text}' is not 'never'`, ws[0].loc);
      return INVALID;
    },
    (v) => (v === 'never' ? ['never'] : []),
    { doc: 'VRRPv3 unicast checksum of keepalived < 1.3.6; never: do not even detect it' },
  ),
  authentication: sub(authentication, { optional: true, doc: 'VRRPv2 authentication (removed from the RFC; avoid)' }),
  nopreempt: either('nopreempt', 'preempt', z.boolean().default(false), 'a higher priority does not take over from a running master (needs state BACKUP)'),
  preemptDelay: seconds(0, 1000, 0, { doc: 'seconds to wait before preempting' }),
  accept: either('accept', 'no_accept', z.boolean().optional(), 'receive packets for the VIPs when not the owner (default: on, off in strict mode)'),
  skipCheckAdvAddr: optionalFlag({ doc: 'do not check the addresses in adverts from the same master' }),
  strictMode: optionalFlag({ doc: 'RFC 5798 strict mode (default: global vrrp_strict)' }),
  useVmac: words(
    useVmacSchema.optional(),
    0,
    2,
    (ws, cx) => {
      const v: z.output<typeof useVmacSchema> = {};
      for (const w of ws) {
        // interface names cannot contain ':', so a ':' means a MAC address
        if (!w.text.includes(':')) v.name = w.text;
        else if (MAC.test(w.text)) v.mac = w.text;
        else cx.report('TSKAD_E_BAD_VALUE', `'${w.text}' is not a MAC address; ignored`, w.loc);
      }
      return v;
    },
    (v) => [...(v.name ? [v.name] : []), ...(v.mac ? [v.mac] : [])],
    { doc: 'run on a macvlan with the RFC virtual MAC: [IFNAME] [MAC]' },
  ),
  useVmacAddr: flag({ noArg: true, doc: 'also create VMACs for VIPs on other interfaces' }),
  vmacXmitBase: flag({ noArg: true, doc: 'send and receive adverts on the base interface, not the VMAC' }),
  useIpvlan: words(
    useIpvlanSchema.optional(),
    0,
    3,
    (ws) => {
      const v: Record<string, string> = {};
      for (const w of ws) {
        if (['bridge', 'private', 'vepa'].includes(w.text)) v.mode = w.text;
        else if (ipVersion(w.text.split('/')[0]!) !== 0) v.address = w.text;
        else v.name = w.text;
      }
      return v;
    },
    (v) => [...(v.name ? [v.name] : []), ...(v.address ? [v.address] : []), ...(v.mode ? [v.mode] : [])],
    { doc: 'run on an L2 ipvlan: [IFNAME] [ADDRESS] [bridge|private|vepa]' },
  ),
  garpMasterDelay: int(0, TIMER_MAX_S, undefined, { doc: 'seconds before the second GARP burst on becoming MASTER (0: none)' }),
  garpMasterRepeat: int(1, U32_MAX, undefined, { doc: 'GARPs per burst' }),
  garpLowerPrioDelay: int(0, TIMER_MAX_S, undefined, { doc: 'seconds before the GARPs sent after hearing a lower priority' }),
  garpLowerPrioRepeat: int(0, INT_MAX, undefined, { doc: 'GARPs sent after hearing a lower priority' }),
  garpMasterRefresh: int(0, U32_MAX, undefined, { doc: 'seconds between GARP refreshes while MASTER (0: none)' }),
  garpMasterRefreshRepeat: int(1, U32_MAX, undefined, { doc: 'GARPs per refresh' }),
  garpExtraIf: words(
    garpExtraIfSchema.optional(),
    1,
    2,
    (ws, cx) => {
      const all = ws.some((w) => w.text === 'all');
      const num = ws.filter((w) => w.text !== 'all');
      const n = num.length === 1 ? readUnsigned(num[0]!.text, 86400) : undefined;
      if (n === undefined) {
        cx.report('TSKAD_E_BAD_VALUE', 'expected [all] SECONDS (0..86400)', (num[0] ?? ws[0]!).loc);
        return INVALID;
      }
      return { all, interval: n };
    },
    (v) => [...(v.all ? ['all'] : []), String(v.interval)],
    { aliases: ['vmac_garp_intvl'], doc: '[all] SECONDS: periodic GARPs on the other interfaces of the VIPs (0: none)' },
  ),
  downTimerAdverts: int(1, 100, undefined, { doc: 'adverts missed before the master is down (RFC: 3)' }),
  lowerPrioNoAdvert: optionalFlag({ doc: 'a master hearing a lower priority does not answer with an advert' }),
  higherPrioSendAdvert: optionalFlag({ doc: 'send one advert before yielding to a higher priority' }),
  ...notifies(),
  notifyDeleted: words(
    z.object({ script: scriptSchema.optional() }).optional(),
    0,
    3,
    (ws, cx) => (ws.length ? { script: readScript(ws, cx) } : {}),
    (v) => (v.script ? printScript(v.script) : []),
    { doc: 'report DELETED rather than FAULT when a reload removes the instance [and run CMD]', script: true },
  ),
  notifyMasterRxLowerPri: script('run when the master hears a lower priority advert'),
  lvsSyncDaemonInterface: str(undefined, { doc: 'deprecated: use global lvs_sync_daemon' }),
  kernelRxBufSize: int(0, U32_MAX, undefined, { doc: 'SO_RCVBUF of the instance\'s socket' }),
  debug: int(0, 4, undefined, { doc: 'accepted, does nothing (as in keepalived)' }),
});

export type VrrpInstance = z.output<typeof vrrpInstance.schema> & { name: string };

/**
 * Root-level keywords this module owns. The order is the printer's: blocks
 * that others refer to come first, because keepalived resolves track_* names
 * while reading.
 */
export const VRRP_ROOT = {
  trackFile: sub(trackFile, { many: true, head: nameHead, aliases: ['vrrp_track_file'], doc: 'a file whose integer value is tracked' }),
  vrrpTrackProcess: sub(vrrpTrackProcess, { many: true, head: nameHead, doc: 'processes whose presence is tracked' }),
  bfdInstance: sub(bfdInstance, { many: true, head: nameHead, doc: 'a BFD session (RFC 5880) VRRP and checkers can track' }),
  vrrpScript: sub(vrrpScript, { many: true, head: nameHead, doc: 'a command run periodically, tracked by instances' }),
  trackGroup: sub(trackGroup, { many: true, head: nameHead, doc: 'instances that track static addresses, routes and rules' }),
  staticIpaddress: addressBlock({ static: true, doc: 'addresses kept whatever the VRRP state' }),
  staticRoutes: routeBlock({ static: true, doc: 'routes kept whatever the VRRP state' }),
  staticRules: ruleBlock({ static: true, doc: 'rules kept whatever the VRRP state' }),
  linkbeatInterfaces,
  interfaceUpDownDelays,
  garpGroup: sub(garpGroup, { many: true, doc: 'GARP / NA pacing per interface or per switch' }),
  vrrpSyncGroup: sub(vrrpSyncGroup, { many: true, head: nameHead, doc: 'instances that change state together' }),
  vrrpInstance: sub(vrrpInstance, { many: true, head: nameHead, doc: 'a VRRP virtual router' }),
};
