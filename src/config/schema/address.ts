// The entry grammars of the address, route and rule blocks: virtual_ipaddress,
// virtual_ipaddress_excluded and static_ipaddress (`ip address add` syntax),
// virtual_routes and static_routes (`ip route add`), virtual_rules and
// static_rules (`ip rule add`) — keepalived.conf(5) "Static routes/addresses/
// rules" and the virtual_* keywords of "VRRP instance(s)".
//
// Each entry line is one element. As in keepalived, a fatal problem drops the
// entry, and a problem with one option drops only that option. Names that
// iproute2 looks up in /etc/iproute2 (tables, protocols, realms) are kept as
// written; whether they exist on the host is not a question for the config.
import { ipVersion } from '../ip-version.js';
import { z } from 'zod';
import type { Word } from '../source.js';
import { INVALID, lines, type ReadCx } from './dsl.js';

export type Family = 'inet' | 'inet6';

/** The family of an address (keepalived decides by the presence of ':'). */
export const familyOf = (address: string): Family => (address.includes(':') ? 'inet6' : 'inet');
const fullPrefix = (f: Family): number => (f === 'inet' ? 32 : 128);

const U32_MAX = 0xffffffff;
const u32 = z.number().int().min(0).max(U32_MAX);
const u8 = z.number().int().min(0).max(255);
const name = z.string().min(1);

/** iproute2 scopes by name, or a number. */
const SCOPES = ['global', 'site', 'link', 'host', 'nowhere'] as const;
/** route types (`ip route add TYPE PREFIX`), as keepalived's rttables.c knows them */
const ROUTE_TYPES = ['unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'] as const;

// ---------------------------------------------------------------- reading helpers

/** Walks an entry's words; options take their parameter through `arg`. */
class Cursor {
  private i = 0;
  constructor(
    readonly words: readonly Word[],
    readonly cx: ReadCx,
    /** what the entry is called in messages: the address, or 'route', 'rule' */
    readonly what: string,
  ) {}

  get done(): boolean {
    return this.i >= this.words.length;
  }
  next(): Word {
    return this.words[this.i++]!;
  }
  peek(): Word | undefined {
    return this.words[this.i];
  }
  /** The parameter of option `opt`; reports and returns undefined when the line ends. */
  arg(opt: Word): Word | undefined {
    if (this.done) {
      this.cx.report('TSKAD_E_BAD_ENTRY', `${opt.text} needs a value in ${this.what}; the entry is ignored`, opt.loc);
      return undefined;
    }
    return this.next();
  }
  /** A problem that costs the whole entry (keepalived drops it). */
  drop(w: Word, message: string): typeof INVALID {
    this.cx.report('TSKAD_E_BAD_ENTRY', `${message}; the entry is ignored`, w.loc);
    return INVALID;
  }
  /** A problem that costs one option only. */
  skip(w: Word, message: string): void {
    this.cx.report('TSKAD_E_BAD_ENTRY', `${message}; ignored`, w.loc);
  }
}

/** Unsigned integer in decimal or 0x hex (strtoul base 0, as ip(8) reads numbers). */
export function readUnsigned(text: string, max: number): number | undefined {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

/** `ADDR` or, where allowed, `ADDR/PREFIX`; undefined when not an address. */
interface Prefix {
  address: string;
  family: Family;
  prefix: number;
}
function parsePrefix(text: string, withPrefix: boolean): (Prefix & { badPrefix?: string }) | undefined {
  const slash = withPrefix ? text.indexOf('/') : -1;
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = familyOf(text);
  if (ipVersion(address) !== (family === 'inet' ? 4 : 6)) return undefined;
  if (slash < 0) return { address, family, prefix: fullPrefix(family) };
  const p = text.slice(slash + 1);
  const prefix = /^\d+$/.test(p) ? Number(p) : Number.NaN;
  // keepalived keeps the address and uses the full prefix
  if (!(prefix <= fullPrefix(family))) return { address, family, prefix: fullPrefix(family), badPrefix: p };
  return { address, family, prefix };
}

/**
 * A route or rule destination: a prefix, or `default`/`any`/`all`, which
 * keepalived reads as "no family yet": once the entry has a family (from an
 * earlier address), `default` conflicts with it. `default6` is the IPv6 one.
 */
const ANY_DESTINATION = ['default', 'any', 'all'];
function parseDestination(c: Cursor, w: Word, fam: FamilyOf): { text: string; family?: Family } | typeof INVALID {
  if (ANY_DESTINATION.includes(w.text)) {
    if (fam.value !== undefined) return c.drop(w, `'${w.text}' after the ${c.what} is already ${fam.value === 'inet' ? 'IPv4' : 'IPv6'}: keepalived cannot mix them (put '${w.text}' first, or write ${fam.value === 'inet' ? '0.0.0.0/0' : "'default6' or ::/0"})`);
    return { text: w.text };
  }
  if (w.text === 'default6') {
    c.cx.report('TSKAD_W_DEPRECATED_KEYWORD', "'default6' is deprecated; write 'inet6 default'", w.loc);
    return { text: 'default', family: 'inet6' };
  }
  const p = parsePrefix(w.text, true);
  if (!p) return c.drop(w, `'${w.text}' is not an address or prefix`);
  if (p.badPrefix !== undefined) c.skip(w, `prefix length '${p.badPrefix}' is out of range for ${p.address}`);
  return { text: p.prefix === fullPrefix(p.family) ? p.address : `${p.address}/${p.prefix}`, family: p.family };
}

/** Keeps one entry's address family consistent (keepalived: "Cannot mix IPv4 and IPv6"). */
class FamilyOf {
  value: Family | undefined;
  constructor(private readonly c: Cursor) {}
  /** false (after reporting) when `f` contradicts what the entry already is */
  set(f: Family | undefined, w: Word): boolean {
    if (f === undefined) return true;
    if (this.value !== undefined && this.value !== f) {
      this.c.drop(w, `${w.text} is ${f === 'inet' ? 'IPv4' : 'IPv6'} but the ${this.c.what} is ${this.value === 'inet' ? 'IPv4' : 'IPv6'}`);
      return false;
    }
    this.value = f;
    return true;
  }
}

/**
 * `inet` / `inet6` in a route or rule. keepalived (2.2.7, and still 2.4)
 * steps over the word after it, which is then lost, as here.
 */
function familyWord(c: Cursor, fam: FamilyOf, w: Word): boolean {
  if (!fam.set(w.text as Family, w)) return false;
  const lost = c.done ? undefined : c.next();
  if (lost) c.skip(lost, `keepalived steps over the word after '${w.text}', so '${lost.text}' is lost`);
  return true;
}

/** `default6` for the IPv6 default, the only spelling keepalived takes for it. */
const printDestination = (text: string, family: Family): string => (family === 'inet6' && ANY_DESTINATION.includes(text) ? 'default6' : text);

const isScope = (t: string): boolean => (SCOPES as readonly string[]).includes(t) || readUnsigned(t, 255) !== undefined;
/** A name iproute2 resolves from /etc/iproute2, or a number. */
const isTableName = (t: string): boolean => readUnsigned(t, U32_MAX) !== undefined || /^[A-Za-z_][\w.-]*$/.test(t);
const isRealms = (t: string): boolean => /^[\w.-]+(\/[\w.-]+)?$/.test(t);
/** `ip route` times: a number of ms, or with a unit */
const isTime = (t: string): boolean => /^\d+(\.\d+)?(s|sec|secs|ms|msec|msecs)?$/.test(t);
const IFNAMSIZ = 16;

// ---------------------------------------------------------------- addresses

export const vipSchema = z.object({
  /** the address as written, without the prefix */
  address: z.string(),
  /** 32 / 128 when not written */
  prefix: z.number().int().min(0).max(128),
  /** a broadcast address, or '+' / '-' (host bits set / cleared) */
  broadcast: z.string().optional(),
  /** without dev: the instance's interface (or VMAC); static addresses: default_interface */
  dev: name.optional(),
  scope: z.string().refine(isScope, { message: 'not a scope' }).optional(),
  label: name.max(IFNAMSIZ - 1).optional(),
  peer: z.string().optional(),
  home: z.boolean().default(false),
  /** `-nodad` */
  nodad: z.boolean().default(false),
  mngtmpaddr: z.boolean().default(false),
  noprefixroute: z.boolean().default(false),
  autojoin: z.boolean().default(false),
  /** deleting the address from outside does not take the instance out of MASTER */
  noTrack: z.boolean().default(false),
  /** virtual addresses only: put it on a VMAC of its dev */
  useVmac: z.boolean().default(false),
  /** static addresses only */
  trackGroup: name.optional(),
  /** IPv6; unset means 0 (deprecated) for a /128 and forever otherwise */
  preferredLft: z.union([u32, z.literal('forever')]).optional(),
});
export type Vip = z.output<typeof vipSchema>;

/** keepalived's default preferred lifetime: a /128 IPv6 VIP is deprecated so it is never a source address. */
export const preferredLftOf = (v: Vip): number | 'forever' | undefined =>
  familyOf(v.address) === 'inet' ? undefined : (v.preferredLft ?? (v.prefix === 128 ? 0 : 'forever'));

const VIP_FLAGS = { home: 'home', '-nodad': 'nodad', mngtmpaddr: 'mngtmpaddr', noprefixroute: 'noprefixroute', autojoin: 'autojoin', no_track: 'noTrack' } as const;

/** `static`: a static_ipaddress entry (track_group allowed, use_vmac not). */
export function readVip(ws: readonly Word[], cx: ReadCx, isStatic: boolean): Record<string, unknown> | typeof INVALID {
  const first = ws[0]!;
  const c = new Cursor(ws, cx, first.text);
  c.next();
  const p = parsePrefix(first.text, true);
  if (!p) return c.drop(first, `'${first.text}' is not an IPv4 or IPv6 address`);
  if (p.badPrefix !== undefined) c.skip(first, `prefix length '${p.badPrefix}' is out of range for ${p.address}; /${p.prefix} is used`);
  const v: Record<string, unknown> = { address: p.address, prefix: p.prefix };
  let brdWord: Word | undefined;
  while (!c.done) {
    const w = c.next();
    const flag = VIP_FLAGS[w.text as keyof typeof VIP_FLAGS];
    if (flag) {
      v[flag] = true;
      continue;
    }
    switch (w.text) {
      case 'dev': {
        const a = c.arg(w);
        if (!a) return INVALID;
        if (v.dev !== undefined) return c.drop(a, `dev given twice for ${p.address}`);
        v.dev = a.text;
        break;
      }
      case 'scope': {
        const a = c.arg(w);
        if (!a) return INVALID;
        if (isScope(a.text)) v.scope = a.text;
        else c.skip(a, `'${a.text}' is not a scope (${SCOPES.join('|')} or a number)`);
        break;
      }
      case 'brd':
      case 'broadcast': {
        const a = c.arg(w);
        if (!a) return INVALID;
        if (p.family === 'inet6') return c.drop(w, `an IPv6 address (${p.address}) has no broadcast address`);
        if (a.text !== '+' && a.text !== '-' && ipVersion(a.text) !== 4) return c.drop(a, `'${a.text}' is not a broadcast address`);
        v.broadcast = a.text;
        brdWord = w;
        break;
      }
      case 'label': {
        const a = c.arg(w);
        if (!a) return INVALID;
        if (a.text.length >= IFNAMSIZ) return c.drop(a, `label '${a.text}' is longer than ${IFNAMSIZ - 1} characters`);
        v.label = a.text;
        break;
      }
      case 'peer': {
        const a = c.arg(w);
        if (!a) return INVALID;
        if (v.peer !== undefined) c.skip(a, `a second peer for ${p.address}`);
        else if (ipVersion(a.text) === 0) c.skip(a, `'${a.text}' is not a peer address`);
        else if (familyOf(a.text) !== p.family) c.skip(a, `peer ${a.text} is not of the family of ${p.address}`);
        else {
          // with a peer the prefix belongs to the peer, and keepalived uses the full length
          if (p.prefix !== fullPrefix(p.family)) c.skip(first, `a prefix length together with a peer address; /${fullPrefix(p.family)} is used`);
          v.prefix = fullPrefix(p.family);
          v.peer = a.text;
        }
        break;
      }
      case 'preferred_lft': {
        const a = c.arg(w);
        if (!a) return INVALID;
        const n = a.text === 'forever' ? 'forever' : readUnsigned(a.text, U32_MAX);
        if (n === undefined) c.skip(a, `preferred_lft '${a.text}' is not a number of seconds or 'forever'`);
        else v.preferredLft = n;
        break;
      }
      case 'track_group': {
        if (!isStatic) {
          c.skip(w, 'track_group is for static addresses only');
          break;
        }
        const a = c.arg(w);
        if (!a) return INVALID;
        v.trackGroup = a.text;
        break;
      }
      case 'use_vmac':
        if (isStatic) c.skip(w, 'use_vmac is for virtual addresses only');
        else v.useVmac = true;
        break;
      default:
        c.skip(w, `'${w.text}' is not an option of an ip address`);
    }
  }
  if (brdWord && v.peer !== undefined) {
    c.skip(brdWord, 'a broadcast address together with a peer address');
    delete v.broadcast;
  } else if ((v.broadcast === '+' || v.broadcast === '-') && p.prefix > 30) {
    c.skip(brdWord!, `a /${p.prefix} has no host bits for brd ${v.broadcast as string}`);
    delete v.broadcast;
  }
  if (p.family === 'inet6') {
    // keepalived only notices a scope other than global (0)
    if (v.scope !== undefined && v.scope !== 'global' && v.scope !== '0') {
      c.skip(first, `IPv6 addresses take no scope (${p.address})`);
      delete v.scope;
    }
    if (v.label !== undefined) {
      c.skip(first, `IPv6 addresses take no label (${p.address})`);
      delete v.label;
    }
  }
  return v;
}

export function printVip(v: Vip): string[] {
  const out = [v.prefix === fullPrefix(familyOf(v.address)) ? v.address : `${v.address}/${v.prefix}`];
  const opt = (word: string, value: string | number | undefined) => {
    if (value !== undefined) out.push(word, String(value));
  };
  opt('brd', v.broadcast);
  opt('dev', v.dev);
  opt('scope', v.scope);
  opt('label', v.label);
  opt('peer', v.peer);
  for (const [word, field] of Object.entries(VIP_FLAGS)) if (v[field]) out.push(word);
  if (v.useVmac) out.push('use_vmac');
  opt('track_group', v.trackGroup);
  opt('preferred_lft', v.preferredLft);
  return out;
}

/** virtual_ipaddress / virtual_ipaddress_excluded / static_ipaddress */
export const addressBlock = (o: { static: boolean; doc: string }) =>
  lines(vipSchema, (ws, cx) => readVip(ws, cx, o.static), printVip, { doc: o.doc });

// ---------------------------------------------------------------- routes

const metricsSchema = z.object({
  mtu: u32.optional(),
  hoplimit: u8.optional(),
  advmss: u32.optional(),
  rtt: z.string().optional(),
  rttvar: z.string().optional(),
  reordering: u32.optional(),
  window: u32.optional(),
  cwnd: u32.optional(),
  ssthresh: u32.optional(),
  rtoMin: z.string().optional(),
  initcwnd: u32.optional(),
  initrwnd: u32.optional(),
  quickack: z.number().int().min(0).max(1).optional(),
  fastopenNoCookie: z.number().int().min(0).max(1).optional(),
  congctl: z.string().optional(),
});
type Metric = keyof z.output<typeof metricsSchema>;

/** `ip route` metrics: word → field, how the value reads, and whether `lock` may precede it. */
const METRICS: Record<string, { field: Metric; value: 'u32' | 'u8' | 'bit' | 'time' | 'word'; lock?: true }> = {
  mtu: { field: 'mtu', value: 'u32', lock: true },
  hoplimit: { field: 'hoplimit', value: 'u8' },
  advmss: { field: 'advmss', value: 'u32', lock: true },
  rtt: { field: 'rtt', value: 'time', lock: true },
  rttvar: { field: 'rttvar', value: 'time', lock: true },
  reordering: { field: 'reordering', value: 'u32', lock: true },
  window: { field: 'window', value: 'u32' },
  cwnd: { field: 'cwnd', value: 'u32', lock: true },
  ssthresh: { field: 'ssthresh', value: 'u32', lock: true },
  rto_min: { field: 'rtoMin', value: 'time', lock: true },
  initcwnd: { field: 'initcwnd', value: 'u32' },
  initrwnd: { field: 'initrwnd', value: 'u32' },
  quickack: { field: 'quickack', value: 'bit' },
  fastopen_no_cookie: { field: 'fastopenNoCookie', value: 'bit' },
  congctl: { field: 'congctl', value: 'word', lock: true },
};

function readMetricValue(kind: (typeof METRICS)[string]['value'], text: string): number | string | undefined {
  switch (kind) {
    case 'u32':
      return readUnsigned(text, U32_MAX);
    case 'u8':
      return readUnsigned(text, 255);
    case 'bit':
      return readUnsigned(text, 1);
    case 'time':
      return isTime(text) ? text : undefined;
    case 'word':
      return text;
  }
}

const nexthopSchema = z.object({
  via: z.string().optional(),
  dev: name.optional(),
  /** 1..256, as written (the kernel stores weight - 1) */
  weight: z.number().int().min(1).max(256).optional(),
  onlink: z.boolean().default(false),
  realms: z.string().optional(),
});
export type Nexthop = z.output<typeof nexthopSchema>;

export const routeSchema = z.object({
  family: z.enum(['inet', 'inet6']),
  type: z.enum(ROUTE_TYPES).optional(),
  /** a prefix, or default/any/all */
  dst: z.string(),
  /** preferred source (`src`) */
  src: z.string().optional(),
  /** IPv6 source prefix (`from`) */
  from: z.string().optional(),
  via: z.string().optional(),
  /** `dev` / `oif`; a route without one is not tracked */
  dev: name.optional(),
  table: z.string().optional(),
  protocol: z.string().optional(),
  scope: z.string().optional(),
  /** `metric` / `priority` / `preference` */
  metric: u32.optional(),
  /** `tos` / `dsfield` */
  tos: z.string().optional(),
  onlink: z.boolean().default(false),
  expires: u32.optional(),
  realms: z.string().optional(),
  metrics: metricsSchema.default({}),
  /** metrics written with `lock` */
  lock: z.array(z.string()).default([]),
  /** `features ecn` */
  ecn: z.boolean().default(false),
  pref: z.union([z.enum(['low', 'medium', 'high']), u8]).optional(),
  ttlPropagate: z.enum(['enabled', 'disabled']).optional(),
  /** how the route is added: keepalived prepends unless told */
  mode: z.enum(['prepend', 'add', 'append']).default('prepend'),
  nexthops: z.array(nexthopSchema).default([]),
  noTrack: z.boolean().default(false),
  /** static routes only */
  trackGroup: name.optional(),
  vrf: name.optional(),
});
export type Route = z.output<typeof routeSchema>;

/** The options of one `nexthop` (after the word); stops at the next `nexthop`. */
function readNexthop(c: Cursor, fam: FamilyOf): Record<string, unknown> | typeof INVALID {
  const nh: Record<string, unknown> = {};
  while (!c.done && c.peek()!.text !== 'nexthop') {
    const w = c.next();
    if (w.text === 'onlink') {
      nh.onlink = true;
      continue;
    }
    const a = c.arg(w);
    if (!a) return INVALID;
    switch (w.text) {
      case 'via': {
        const v = readVia(c, a, fam);
        if (v === INVALID) return v;
        nh.via = v;
        break;
      }
      case 'dev':
        nh.dev = a.text;
        break;
      case 'weight': {
        const n = readUnsigned(a.text, 256);
        if (!n) return c.drop(a, `nexthop weight '${a.text}' is not 1..256`);
        nh.weight = n;
        break;
      }
      case 'realms':
        if (!isRealms(a.text)) return c.drop(a, `'${a.text}' is not a realm`);
        if (!fam.set('inet', w)) return INVALID;
        nh.realms = a.text;
        break;
      default:
        return c.drop(w, `'${w.text}' is not an option of a nexthop`);
    }
  }
  return nh;
}

/** `via [inet|inet6] ADDR`; `a` is the word after `via`. */
function readVia(c: Cursor, a: Word, fam: FamilyOf): string | typeof INVALID {
  let addr: Word | undefined = a;
  if (a.text === 'inet' || a.text === 'inet6') {
    if (!fam.set(a.text, a)) return INVALID;
    addr = c.arg(a);
    if (!addr) return INVALID;
  }
  if (ipVersion(addr.text) === 0) return c.drop(addr, `'${addr.text}' is not a gateway address`);
  if (!fam.set(familyOf(addr.text), addr)) return INVALID;
  return addr.text;
}

/** Route options that take one plain value: word → field and check. */
const ROUTE_VALUES: Record<string, { field: keyof Route; ok: (t: string) => boolean; what: string }> = {
  table: { field: 'table', ok: isTableName, what: 'a routing table' },
  protocol: { field: 'protocol', ok: isTableName, what: 'a route protocol' },
  scope: { field: 'scope', ok: isScope, what: 'a scope' },
  tos: { field: 'tos', ok: isTableName, what: 'a TOS value' },
  dsfield: { field: 'tos', ok: isTableName, what: 'a TOS value' },
  dev: { field: 'dev', ok: () => true, what: 'an interface' },
  oif: { field: 'dev', ok: () => true, what: 'an interface' },
  vrf: { field: 'vrf', ok: () => true, what: 'a VRF' },
};

export function readRoute(ws: readonly Word[], cx: ReadCx, isStatic: boolean): Record<string, unknown> | typeof INVALID {
  const c = new Cursor(ws, cx, 'route');
  const fam = new FamilyOf(c);
  const r: Record<string, unknown> = { metrics: {}, lock: [], nexthops: [] };
  const metrics = r.metrics as Record<string, unknown>;
  let dstWord: Word | undefined;
  while (!c.done) {
    const w = c.next();
    const simple = ROUTE_VALUES[w.text];
    const metric = METRICS[w.text];
    if (simple) {
      const a = c.arg(w);
      if (!a) return INVALID;
      if (!simple.ok(a.text)) return c.drop(a, `'${a.text}' is not ${simple.what}`);
      r[simple.field] = a.text;
    } else if (metric) {
      let a = c.arg(w);
      if (a && metric.lock && a.text === 'lock') {
        (r.lock as string[]).push(metric.field);
        a = c.arg(w);
      }
      if (!a) return INVALID;
      const v = readMetricValue(metric.value, a.text);
      if (v === undefined) return c.drop(a, `'${a.text}' is not a valid ${w.text}`);
      metrics[metric.field] = v;
    } else {
      switch (w.text) {
        case 'inet':
        case 'inet6':
          if (!familyWord(c, fam, w)) return INVALID;
          break;
        case 'src': {
          const a = c.arg(w);
          if (!a) return INVALID;
          if (ipVersion(a.text) === 0) return c.drop(a, `'${a.text}' is not a source address`);
          if (!fam.set(familyOf(a.text), a)) return INVALID;
          r.src = a.text;
          break;
        }
        case 'from': {
          const a = c.arg(w);
          if (!a) return INVALID;
          const p = parseDestination(c, a, fam);
          if (p === INVALID) return p;
          if (p.family !== 'inet6') return c.drop(a, 'a route from-prefix must be IPv6');
          if (!fam.set(p.family, a)) return INVALID;
          r.from = p.text;
          break;
        }
        case 'via':
        case 'gw': {
          if (w.text === 'gw') cx.report('TSKAD_W_DEPRECATED_KEYWORD', "'gw' is deprecated; write 'via'", w.loc);
          const a = c.arg(w);
          if (!a) return INVALID;
          const v = readVia(c, a, fam);
          if (v === INVALID) return v;
          r.via = v;
          break;
        }
        case 'metric':
        case 'priority':
        case 'preference': {
          const a = c.arg(w);
          if (!a) return INVALID;
          const n = readUnsigned(a.text, U32_MAX);
          if (n === undefined) return c.drop(a, `'${a.text}' is not a metric`);
          r.metric = n;
          break;
        }
        case 'onlink':
          r.onlink = true;
          break;
        case 'expires': {
          const a = c.arg(w);
          if (!a) return INVALID;
          const n = readUnsigned(a.text, U32_MAX);
          if (n === undefined) return c.drop(a, `'${a.text}' is not an expiry time`);
          if (!fam.set('inet6', w)) return INVALID;
          r.expires = n;
          break;
        }
        case 'realms': {
          const a = c.arg(w);
          if (!a) return INVALID;
          if (!isRealms(a.text)) return c.drop(a, `'${a.text}' is not a realm`);
          if (!fam.set('inet', w)) return INVALID;
          r.realms = a.text;
          break;
        }
        case 'features': {
          const a = c.arg(w);
          if (!a) return INVALID;
          if (a.text === 'ecn') r.ecn = true;
          else c.skip(a, `feature '${a.text}' is not supported (only ecn)`);
          break;
        }
        case 'pref': {
          const a = c.arg(w);
          if (!a) return INVALID;
          const v = ['low', 'medium', 'high'].includes(a.text) ? a.text : readUnsigned(a.text, 255);
          if (v === undefined) return c.drop(a, `'${a.text}' is not a route preference (low|medium|high)`);
          if (!fam.set('inet6', w)) return INVALID;
          r.pref = v;
          break;
        }
        case 'ttl-propagate': {
          const a = c.arg(w);
          if (!a) return INVALID;
          if (a.text === 'enabled' || a.text === 'disabled') r.ttlPropagate = a.text;
          else c.skip(a, `ttl-propagate '${a.text}' is not enabled|disabled`);
          break;
        }
        case 'add':
        case 'prepend':
        case 'append':
          r.mode = w.text;
          break;
        case 'or': {
          // keepalived's old two-gateway form: the via and the `or` address become two nexthops
          cx.report('TSKAD_W_DEPRECATED_KEYWORD', "'or' is deprecated; write 'nexthop via A nexthop via B'", w.loc);
          const a = c.arg(w);
          if (!a) return INVALID;
          const nhs = r.nexthops as unknown[];
          if (nhs.length > 0) {
            c.skip(a, "a second 'or'");
            break;
          }
          if (ipVersion(a.text) === 0) return c.drop(a, `'${a.text}' is not a gateway address`);
          nhs.push({ via: r.via }, { via: a.text });
          delete r.via;
          break;
        }
        case 'nexthop': {
          // nexthops end the route: each runs to the next `nexthop` word
          const nhs = r.nexthops as unknown[];
          if (nhs.length > 0) return c.drop(w, "nexthops together with 'or'");
          for (;;) {
            const nh = readNexthop(c, fam);
            if (nh === INVALID) return nh;
            nhs.push(nh);
            if (c.done) break;
            c.next();
          }
          break;
        }
        case 'no_track':
          r.noTrack = true;
          break;
        case 'track_group': {
          const a = c.arg(w);
          if (!a) return INVALID;
          if (!isStatic) return c.drop(w, 'track_group is for static routes only');
          r.trackGroup = a.text;
          break;
        }
        case 'as': {
          // MPLS `as [to] ADDR`: keepalived reports it and carries on without it
          const a = c.arg(w);
          if (a?.text === 'to') c.arg(a);
          c.skip(w, "'as [to]' is for MPLS routes, which keepalived does not add");
          break;
        }
        case 'encap':
          return c.drop(w, "'encap' routes are not supported by tskad");
        default: {
          // `[to] [TYPE] PREFIX`
          let d: Word | undefined = w;
          if (d.text === 'to') d = c.arg(d);
          if (d && (ROUTE_TYPES as readonly string[]).includes(d.text)) {
            r.type = d.text;
            d = c.arg(d);
          }
          if (!d) return INVALID;
          // a second destination replaces the first, as in keepalived
          const p = parseDestination(c, d, fam);
          if (p === INVALID) return p;
          if (!fam.set(p.family, d)) return INVALID;
          r.dst = p.text;
          dstWord = d;
        }
      }
    }
  }
  if (!dstWord) return c.drop(ws[0]!, 'a route needs a destination');
  r.family = fam.value ?? 'inet';
  if (r.trackGroup !== undefined && r.dev === undefined) {
    c.skip(ws[0]!, 'track_group needs the route to have a dev');
    delete r.trackGroup;
  }
  trackedProtocol(c, r, 'route');
  if (!r.noTrack && r.dev === undefined) {
    // keepalived watches a route through its interface; without one it cannot
    cx.report('TSKAD_W_ROUTE_NOT_TRACKED', `route ${dstWord.text} has no dev, so keepalived does not track it`, ws[0]!.loc, "add 'dev IF', or 'no_track' to say so");
  }
  return r;
}

/**
 * A tracked route or rule carries keepalived's own protocol number
 * (RTPROT_KEEPALIVED, 18), which is how keepalived recognises it: another
 * protocol is dropped from the entry, as keepalived replaces it.
 */
function trackedProtocol(c: Cursor, entry: Record<string, unknown>, what: string): void {
  const p = entry.protocol;
  if (entry.noTrack || p === undefined || p === 'keepalived' || String(p) === '18') return;
  c.cx.report('TSKAD_E_BAD_ENTRY', `a tracked ${what} uses protocol keepalived (18); protocol ${String(p)} is replaced`, c.words[0]!.loc, "add 'no_track' to keep the protocol");
  delete entry.protocol;
}

export function printRoute(r: Route): string[] {
  const out: string[] = [];
  const opt = (word: string, value: string | number | undefined) => {
    if (value !== undefined) out.push(word, String(value));
  };
  opt('src', r.src);
  opt('from', r.from);
  if (r.type) out.push(r.type);
  out.push(printDestination(r.dst, r.family));
  opt('via', r.via);
  opt('dev', r.dev);
  opt('table', r.table);
  opt('protocol', r.protocol);
  opt('scope', r.scope);
  opt('metric', r.metric);
  opt('tos', r.tos);
  if (r.onlink) out.push('onlink');
  opt('expires', r.expires);
  opt('realms', r.realms);
  for (const [word, m] of Object.entries(METRICS)) {
    const v = r.metrics[m.field];
    if (v === undefined) continue;
    out.push(word, ...(r.lock.includes(m.field) ? ['lock'] : []), String(v));
  }
  if (r.ecn) out.push('features', 'ecn');
  opt('pref', r.pref);
  opt('ttl-propagate', r.ttlPropagate);
  if (r.mode !== 'prepend') out.push(r.mode);
  opt('vrf', r.vrf);
  if (r.noTrack) out.push('no_track');
  opt('track_group', r.trackGroup);
  for (const nh of r.nexthops) {
    out.push('nexthop');
    opt('via', nh.via);
    opt('dev', nh.dev);
    opt('weight', nh.weight);
    if (nh.onlink) out.push('onlink');
    opt('realms', nh.realms);
  }
  return out;
}

/** virtual_routes / static_routes */
export const routeBlock = (o: { static: boolean; doc: string }) =>
  lines(routeSchema, (ws, cx) => readRoute(ws, cx, o.static), printRoute, { doc: o.doc });

// ---------------------------------------------------------------- rules

const portRange = z.object({ start: z.number().int().min(0).max(65535), end: z.number().int().min(0).max(65535) });
const RULE_ACTIONS = ['table', 'goto', 'nop', 'blackhole', 'unreachable', 'prohibit'] as const;

export const ruleSchema = z.object({
  family: z.enum(['inet', 'inet6']),
  from: z.string().optional(),
  to: z.string().optional(),
  /** `not`: the selector is inverted */
  not: z.boolean().default(false),
  /** `preference` / `order` / `priority`; keepalived picks one when missing */
  preference: u32.optional(),
  tos: z.string().optional(),
  fwmark: u32.optional(),
  fwmask: u32.optional(),
  realms: z.string().optional(),
  suppressPrefixlength: z.number().int().min(0).max(0x7fffffff).optional(),
  suppressIfgroup: z.string().optional(),
  /** `iif` / `dev` */
  iif: name.optional(),
  oif: name.optional(),
  tunnelId: z.string().regex(/^\d+$/).optional(),
  uidrange: z.object({ start: u32, end: u32 }).optional(),
  /** `l3mdev`: look up the table of the VRF device (action table, no table number) */
  l3mdev: z.boolean().default(false),
  protocol: u8.optional(),
  ipproto: z.string().optional(),
  sport: portRange.optional(),
  dport: portRange.optional(),
  action: z.enum(RULE_ACTIONS),
  table: z.string().optional(),
  goto: u32.optional(),
  noTrack: z.boolean().default(false),
  /** static rules only */
  trackGroup: name.optional(),
});
export type Rule = z.output<typeof ruleSchema>;

/** `START-END`: keepalived 2.2.7 reads ranges with sscanf("%u-%u") and refuses a lone number. */
function readRange(text: string, max: number): { start: number; end: number } | undefined {
  const m = /^(\d+)-(\d+)$/.exec(text);
  if (!m) return undefined;
  const [start, end] = [Number(m[1]), Number(m[2])];
  return start <= max && end <= max ? { start, end } : undefined;
}

export function readRule(ws: readonly Word[], cx: ReadCx, isStatic: boolean): Record<string, unknown> | typeof INVALID {
  const c = new Cursor(ws, cx, 'rule');
  const fam = new FamilyOf(c);
  const r: Record<string, unknown> = {};
  let actionWord: Word | undefined;
  /** realms and suppressors belong to a table lookup */
  let tableOption: Word | undefined;
  const setAction = (w: Word, action: string): boolean => {
    if (actionWord) {
      c.drop(w, `only one of table/nop/goto/blackhole/prohibit/unreachable/l3mdev (already ${actionWord.text})`);
      return false;
    }
    r.action = action;
    actionWord = w;
    return true;
  };
  /** the options that take no parameter; false when the entry is lost */
  const RULE_WORDS: Record<string, (w: Word) => boolean> = {
    not: () => (r.not = true),
    no_track: () => (r.noTrack = true),
    inet: (w) => familyWord(c, fam, w),
    inet6: (w) => familyWord(c, fam, w),
    nop: (w) => setAction(w, 'nop'),
    blackhole: (w) => setAction(w, 'blackhole'),
    unreachable: (w) => setAction(w, 'unreachable'),
    prohibit: (w) => setAction(w, 'prohibit'),
    l3mdev: (w) => setAction(w, 'table') && (r.l3mdev = true),
  };
  while (!c.done) {
    const w = c.next();
    const wordOnly = RULE_WORDS[w.text];
    if (wordOnly) {
      if (!wordOnly(w)) return INVALID;
      continue;
    }
    const a = c.arg(w);
    if (!a) return INVALID;
    switch (w.text) {
      case 'from':
      case 'to': {
        const p = parseDestination(c, a, fam);
        if (p === INVALID) return p;
        if (!fam.set(p.family, a)) return INVALID;
        r[w.text] = p.text;
        break;
      }
      case 'table':
      case 'lookup':
        if (!isTableName(a.text)) return c.drop(a, `'${a.text}' is not a routing table`);
        if (a.text === '0') return c.drop(a, 'table 0 is not valid');
        if (!setAction(w, 'table')) return INVALID;
        r.table = a.text;
        break;
      case 'preference':
      case 'order':
      case 'priority': {
        const n = readUnsigned(a.text, U32_MAX);
        if (n === undefined) return c.drop(a, `'${a.text}' is not a rule preference`);
        r.preference = n;
        break;
      }
      case 'tos':
      case 'dsfield':
        if (!isTableName(a.text)) return c.drop(a, `'${a.text}' is not a TOS value`);
        r.tos = a.text;
        break;
      case 'fwmark': {
        const [mark, mask, more] = a.text.split('/');
        const m = readUnsigned(mark!, U32_MAX);
        const k = mask === undefined ? undefined : readUnsigned(mask, U32_MAX);
        if (m === undefined || (mask !== undefined && k === undefined) || more !== undefined) return c.drop(a, `'${a.text}' is not a fwmark (MARK[/MASK])`);
        r.fwmark = m;
        if (k !== undefined) r.fwmask = k;
        break;
      }
      case 'realms':
        if (!isRealms(a.text)) return c.drop(a, `'${a.text}' is not a realm`);
        if (!fam.set('inet', w)) return INVALID;
        r.realms = a.text;
        tableOption = w;
        break;
      case 'suppress_prefixlength':
      case 'sup_pl': {
        const n = readUnsigned(a.text, 0x7fffffff);
        if (n === undefined) return c.drop(a, `'${a.text}' is not a prefix length`);
        r.suppressPrefixlength = n;
        tableOption = w;
        break;
      }
      case 'suppress_ifgroup':
      case 'sup_group':
        if (!isTableName(a.text)) return c.drop(a, `'${a.text}' is not an interface group`);
        r.suppressIfgroup = a.text;
        tableOption = w;
        break;
      case 'dev':
      case 'iif':
        r.iif = a.text;
        break;
      case 'oif':
        r.oif = a.text;
        break;
      case 'tunnel-id':
        if (!/^\d+$/.test(a.text)) return c.drop(a, `'${a.text}' is not a tunnel id`);
        r.tunnelId = a.text;
        break;
      case 'uidrange': {
        const u = readRange(a.text, U32_MAX);
        if (!u) return c.drop(a, `'${a.text}' is not a uid range (A-B)`);
        r.uidrange = u;
        break;
      }
      case 'protocol': {
        const n = readUnsigned(a.text, 255);
        if (n === undefined) c.skip(a, `'${a.text}' is not a protocol number`);
        else r.protocol = n;
        break;
      }
      case 'ipproto':
        r.ipproto = a.text;
        break;
      case 'sport':
      case 'dport': {
        const p = readRange(a.text, 65535);
        if (!p) c.skip(a, `'${a.text}' is not a port range START-END${/^\d+$/.test(a.text) ? ` (keepalived refuses a single port: write ${a.text}-${a.text})` : ''}`);
        else r[w.text] = p;
        break;
      }
      case 'goto': {
        const n = readUnsigned(a.text, U32_MAX);
        if (n === undefined) return c.drop(a, `'${a.text}' is not a rule preference to go to`);
        if (!setAction(w, 'goto')) return INVALID;
        r.goto = n;
        break;
      }
      case 'type':
        if (!['blackhole', 'unreachable', 'prohibit'].includes(a.text)) return c.drop(a, `'${a.text}' is not a rule type`);
        if (!setAction(a, a.text)) return INVALID;
        break;
      case 'track_group':
        if (!isStatic) return c.drop(w, 'track_group is for static rules only');
        r.trackGroup = a.text;
        break;
      default:
        return c.drop(w, `'${w.text}' is not an option of a rule`);
    }
  }
  const first = ws[0]!;
  if (!actionWord) return c.drop(first, 'a rule needs an action (table, goto, nop, blackhole, unreachable, prohibit or l3mdev)');
  if (r.action === 'goto') {
    if (r.preference === undefined) return c.drop(actionWord, 'a goto rule needs a preference');
    if ((r.preference as number) >= (r.goto as number)) return c.drop(actionWord, `preference ${String(r.preference)} is not before goto target ${String(r.goto)}`);
  }
  if (tableOption && r.action !== 'table') return c.drop(tableOption, `${tableOption.text} applies to table lookups only`);
  if (r.l3mdev && r.table !== undefined) return c.drop(first, 'an l3mdev rule takes no table');
  trackedProtocol(c, r, 'rule');
  if (r.trackGroup !== undefined && r.iif === undefined) {
    c.skip(first, 'track_group needs the rule to have dev/iif');
    delete r.trackGroup;
  }
  r.family = fam.value ?? 'inet';
  if (r.preference === undefined) {
    cx.report('TSKAD_W_RULE_NO_PREFERENCE', 'rule has no preference; keepalived assigns one, probably not the one wanted', first.loc, "add 'preference N'");
  }
  return r;
}

export function printRule(r: Rule): string[] {
  const out: string[] = [];
  const opt = (word: string, value: string | number | undefined) => {
    if (value !== undefined) out.push(word, String(value));
  };
  if (r.not) out.push('not');
  opt('from', r.from && printDestination(r.from, r.family));
  opt('to', r.to && printDestination(r.to, r.family));
  opt('preference', r.preference);
  opt('tos', r.tos);
  opt('fwmark', r.fwmark === undefined ? undefined : r.fwmask === undefined ? r.fwmark : `${r.fwmark}/${r.fwmask}`);
  opt('realms', r.realms);
  opt('suppress_prefixlength', r.suppressPrefixlength);
  opt('suppress_ifgroup', r.suppressIfgroup);
  opt('iif', r.iif);
  opt('oif', r.oif);
  opt('tunnel-id', r.tunnelId);
  opt('uidrange', r.uidrange && `${r.uidrange.start}-${r.uidrange.end}`);
  opt('protocol', r.protocol);
  opt('ipproto', r.ipproto);
  const range = (p: { start: number; end: number } | undefined) => p && `${p.start}-${p.end}`;
  opt('sport', range(r.sport));
  opt('dport', range(r.dport));
  if (r.l3mdev) out.push('l3mdev');
  else if (r.action === 'table') opt('table', r.table);
  else if (r.action === 'goto') opt('goto', r.goto);
  else out.push(r.action);
  if (r.noTrack) out.push('no_track');
  opt('track_group', r.trackGroup);
  return out;
}

/** virtual_rules / static_rules */
export const ruleBlock = (o: { static: boolean; doc: string }) =>
  lines(ruleSchema, (ws, cx) => readRule(ws, cx, o.static), printRule, { doc: o.doc });
