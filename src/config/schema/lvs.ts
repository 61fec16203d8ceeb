// virtual_server_group, virtual_server, real_server, sorry_server and the SSL
// block (keepalived.conf(5) "LVS CONFIGURATION"; inventory §2.8–2.10). The
// checkers inside a real_server are in checkers.ts. Values a lower level
// inherits (lvs_method, weight, alpha, inhibit_on_failure, the checker timing)
// stay undefined where not written: config/effective-lvs.ts resolves them.
import { z } from 'zod';
import { ipVersion } from '../ip-version.js';
import type { Word } from '../source.js';
import type { Code } from '../codes/index.js';
import { INVALID, argWords, block, firstWins, int, keyword, lines, one, oneOf, optionalFlag, seconds, str, sub, toInteger, words, type Keyword, type ReadCx } from './dsl.js';
import { ipAddress, port, scriptKeyword } from './common.js';
import {
  CONNECT_TIMEOUT, DELAY_LOOP, UINT_MAX, bareFlag, checkers, timing,
} from './checkers.js';

const IPVS_WEIGHT_MAX = 2147483647;
/** LVS_MAX_TIMEOUT: 31 days */
const PERSISTENCE_MAX = 86400 * 31;
/** what a bare `persistence_timeout` means (IPVS_SVC_PERSISTENT_TIMEOUT) */
export const DEFAULT_PERSISTENCE = 360;
/** IP_VS_PENAME_MAXLEN − 1 */
const PE_NAME_MAX = 15;

export const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'sh', 'dh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos'] as const;

// ---------------------------------------------------------------- addresses

/** An address as one integer (32 bits for IPv4, 128 for IPv6), for ranges and comparison. */
export function addressValue(a: string): bigint {
  if (ipVersion(a) === 4) return a.split('.').reduce((acc, o) => (acc << 8n) | BigInt(o), 0n);
  const [head = '', tail] = a.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').flatMap((g) => (g.includes('.') ? v4Groups(g) : [g])));
  const hi = groups(head);
  const lo = tail === undefined ? [] : groups(tail);
  const all = [...hi, ...Array<string>(8 - hi.length - lo.length).fill('0'), ...lo];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

const v4Groups = (dotted: string): string[] => {
  const v = addressValue(dotted);
  return [(v >> 16n).toString(16), (v & 0xffffn).toString(16)];
};

/** The RFC 5952 text of an address value: the longest run of zero groups becomes `::`. */
export function formatAddress(v: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
  const g = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => (v >> s) & 0xffffn);
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0n) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = (xs: bigint[]) => xs.map((x) => x.toString(16)).join(':');
  return best.at < 0 ? hex(g) : `${hex(g.slice(0, best.at))}::${hex(g.slice(best.at + best.len))}`;
}

export const addressFamily = (a: string): 4 | 6 => (ipVersion(a) === 6 ? 6 : 4);

/** Report a problem and give up on the value. */
function fail(cx: ReadCx, code: Code, message: string, w: Word): typeof INVALID {
  cx.report(code, message, w.loc);
  return INVALID;
}

/** keepalived's port word: all zeros means "no port"; otherwise 1..65535 in decimal. */
function readPort(w: Word, cx: ReadCx): number | undefined | typeof INVALID {
  if (/^0+$/.test(w.text)) return undefined;
  const n = /^\d+$/.test(w.text) ? Number(w.text) : NaN;
  if (n >= 1 && n <= 65535) return n;
  return fail(cx, 'TSKAD_E_BAD_VALUE', `port: expected 1-65535, got '${w.text}'`, w);
}

const endpointShape = { address: ipAddress, port: port.optional() };
const endpoint = z.object(endpointShape);
export type Endpoint = z.output<typeof endpoint>;

/**
 * `IP [PORT]` of a virtual, real or sorry server. keepalived drops a `-range`
 * or `/len` after the address without a word; tskad drops it too, and says so.
 */
function readEndpoint(ws: readonly Word[], cx: ReadCx): Endpoint | typeof INVALID {
  // indexed, not destructured: this runs per server, mostly before V8 has optimised it
  const a = ws[0];
  const p = ws[1];
  const cut = a!.text.search(/[-/]/);
  const address = cut > 0 ? a!.text.slice(0, cut) : a!.text;
  if (cut > 0) cx.report('TSKAD_W_LVS_IGNORED_SETTING', `'${a!.text.slice(cut)}' after the address is ignored: only ${address} is used`, a!.loc);
  if (ipVersion(address) === 0) return fail(cx, 'TSKAD_E_BAD_VALUE', `'${a!.text}' is not an IPv4 or IPv6 address`, a!);
  const n = p ? readPort(p, cx) : undefined;
  return n === INVALID ? INVALID : { address, ...(n === undefined ? {} : { port: n }) };
}

const printEndpoint = (v: Endpoint): string[] => [v.address, ...(v.port === undefined ? [] : [String(v.port)])];

// ---------------------------------------------------------------- virtual_server_group

const fwmarkEntry = z.object({ fwmark: z.number().int().min(0).max(UINT_MAX), family: z.enum(['inet', 'inet6']).optional() });
/** a single address has first === last */
const addressEntry = z.object({ first: ipAddress, last: ipAddress, port: port.optional() });
const groupEntry = z.union([fwmarkEntry, addressEntry]);
export type GroupEntry = z.output<typeof groupEntry>;

function readGroupEntry(ws: readonly Word[], cx: ReadCx): GroupEntry | typeof INVALID {
  const [first, second, third] = ws;
  const bad = (w: Word, msg: string): typeof INVALID => fail(cx, 'TSKAD_E_LVS_GROUP_ENTRY', msg, w);
  if (first!.text === 'fwmark') {
    if (!second) return bad(first!, 'fwmark needs a number');
    const fwmark = /^\d+$/.test(second.text) ? Number(second.text) : NaN;
    if (!(fwmark <= UINT_MAX)) return bad(second, `fwmark '${second.text}' is not a number in 0-${UINT_MAX}`);
    if (third && third.text !== 'inet' && third.text !== 'inet6') return bad(third, `fwmark family '${third.text}' is not inet or inet6`);
    return { fwmark, ...(third ? { family: third.text as 'inet' | 'inet6' } : {}) };
  }
  const range = readRange(first!, cx);
  if (range === INVALID) return INVALID;
  const p = second ? readPort(second, cx) : undefined;
  return p === INVALID ? INVALID : { ...range, ...(p === undefined ? {} : { port: p }) };
}

/** `IP`, `IP-LAST` (last byte; IPv6: last 16 bits, in hex), `IP-IP` or `IP/LEN`, as keepalived reads them. */
function readRange(w: Word, cx: ReadCx): { first: string; last: string } | typeof INVALID {
  const bad = (msg: string): typeof INVALID => fail(cx, 'TSKAD_E_LVS_GROUP_ENTRY', `${w.text}: ${msg}`, w);
  const [first = '', rest] = w.text.split(/[-/](.*)/s);
  if (ipVersion(first) === 0) return bad('not an IPv4 or IPv6 address');
  const family = addressFamily(first);
  const bits = family === 4 ? 32 : 128;
  const start = addressValue(first);
  if (rest === undefined) return { first, last: first };
  if (w.text[first.length] === '/') {
    const len = /^\d+$/.test(rest) ? Number(rest) : NaN;
    if (!(len >= 1 && len <= bits)) return bad(`prefix length must be 1-${bits}`);
    const host = (1n << BigInt(bits - len)) - 1n;
    if (start & host) return bad('the address has bits set beyond the prefix length');
    return { first, last: formatAddress(start | host, family) };
  }
  let end: bigint;
  if (rest.includes(family === 4 ? '.' : ':')) {
    if (ipVersion(rest) !== (family === 4 ? 4 : 6)) return bad(`range end '${rest}' is not an address of the same family`);
    end = addressValue(rest);
    if (end < start) return bad('the range ends before it starts');
  } else {
    const lastBits = family === 4 ? 8n : 16n;
    const n = (family === 4 ? /^\d+$/ : /^[0-9a-fA-F]+$/).test(rest) ? BigInt(family === 4 ? rest : `0x${rest}`) : -1n;
    if (n < 0n || n >= 1n << lastBits) return bad(`range end '${rest}' must be a number in 0-${family === 4 ? 255 : 'ffff'}`);
    if (n <= (start & ((1n << lastBits) - 1n))) return bad('the range end is not above its start');
    end = ((start >> lastBits) << lastBits) | n;
  }
  return { first, last: formatAddress(end, family) };
}

const printGroupEntry = (e: GroupEntry): string[] =>
  'fwmark' in e
    ? ['fwmark', String(e.fwmark), ...(e.family ? [e.family] : [])]
    : [e.first === e.last ? e.first : `${e.first}-${e.last}`, ...(e.port === undefined ? [] : [String(e.port)])];

const groupEntries = lines(groupEntry, readGroupEntry, printGroupEntry);
const virtualServerGroupSchema = z.object({ name: z.string().min(1), entries: z.array(groupEntry) });
export type VirtualServerGroup = z.output<typeof virtualServerGroupSchema>;

/** `virtual_server_group NAME { entries }`: a named block whose lines are entries, not keywords. */
const virtualServerGroup: Keyword<z.ZodDefault<z.ZodArray<typeof virtualServerGroupSchema>>> = keyword({
  doc: 'addresses, ranges (IP-LAST, IP-IP, IP/LEN) [PORT] and fwmark N [inet|inet6], one per line, served by one virtual_server group NAME',
  shape: 'block',
  many: true,
  schema: z.array(virtualServerGroupSchema).default([]),
  item: virtualServerGroupSchema,
  read: (node, cx) => {
    const ws = argWords(node, cx, 1, 1);
    if (ws === INVALID) return INVALID;
    return { name: ws[0]!.text, entries: groupEntries.read(node, cx.within([...cx.path, 'entries'])) };
  },
  print: (v: VirtualServerGroup, name) => [{ words: [name, v.name], children: v.entries.map((e) => ({ words: printGroupEntry(e) })) }],
});

// ---------------------------------------------------------------- shared shapes

/** `lvs_method NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]` */
const forwarding = z.object({
  method: z.enum(['NAT', 'DR', 'TUN']),
  tunnelType: z.enum(['ipip', 'gue', 'gre']).optional(),
  tunnelPort: port.optional(),
  tunnelCsum: z.enum(['nocsum', 'csum', 'remcsum']).optional(),
});
export type Forwarding = z.output<typeof forwarding>;

function readForwarding(ws: readonly Word[], cx: ReadCx): Forwarding | typeof INVALID {
  const [m, ...opts] = ws;
  if (m!.text !== 'NAT' && m!.text !== 'DR' && m!.text !== 'TUN') return fail(cx, 'TSKAD_E_BAD_VALUE', `expected NAT, DR or TUN (upper case), got '${m!.text}'`, m!);
  const out: Forwarding = { method: m!.text };
  const bad = (w: Word, msg: string): typeof INVALID => fail(cx, 'TSKAD_E_LVS_TUNNEL', msg, w);
  for (let i = 0; i < opts.length; i++) {
    const w = opts[i]!;
    const arg = opts[i + 1];
    if (w.text === 'type' || w.text === 'port') {
      if (!arg) return bad(w, `tunnel ${w.text} needs a value`);
      i++;
      if (w.text === 'port') {
        const n = /^\d+$/.test(arg.text) ? Number(arg.text) : NaN;
        if (!(n >= 1 && n <= 65535)) return bad(arg, `gue port must be 1-65535, got '${arg.text}'`);
        out.tunnelPort = n;
      } else if (arg.text === 'ipip' || arg.text === 'gue' || arg.text === 'gre') out.tunnelType = arg.text;
      else return bad(arg, `unknown tunnel type '${arg.text}' (ipip, gue or gre)`);
    } else if (w.text === 'nocsum' || w.text === 'csum' || w.text === 'remcsum') out.tunnelCsum = w.text;
    else return bad(w, `unknown tunnel option '${w.text}'`);
  }
  if (out.method !== 'TUN' && opts.length) {
    cx.report('TSKAD_W_LVS_IGNORED_SETTING', `tunnel options only apply to lvs_method TUN; ignored with ${out.method}`, opts[0]!.loc);
    return { method: out.method };
  }
  if ((out.tunnelType === 'gue') !== (out.tunnelPort !== undefined)) return bad(m!, 'a gue tunnel needs `port N`, and only a gue tunnel takes a port');
  if ((out.tunnelType ?? 'ipip') === 'ipip' && out.tunnelCsum && out.tunnelCsum !== 'nocsum') return bad(m!, 'an ipip tunnel takes no checksum option');
  if (out.tunnelType === 'gre' && out.tunnelCsum === 'remcsum') return bad(m!, 'a gre tunnel does not support remcsum');
  return out;
}

const printForwarding = (v: Forwarding): string[] => [
  v.method,
  ...(v.tunnelType ? ['type', v.tunnelType] : []),
  ...(v.tunnelPort !== undefined ? ['port', String(v.tunnelPort)] : []),
  ...(v.tunnelCsum ? [v.tunnelCsum] : []),
];

const lvsMethod = (doc: string, o: { synonyms?: string[] } = {}) => words(forwarding.optional(), 1, 7, readForwarding, printForwarding, { doc, ...o });

/** `CMD [USER [GROUP]]`: notify_up/down, quorum_up/down */
const script = (doc: string) => scriptKeyword({ doc });

/** A keyword keepalived no longer knows or that does nothing: warned about and left out of the model. */
function obsolete(why: string): Keyword<z.ZodOptional<z.ZodUndefined>> {
  return keyword({
    doc: `obsolete: ${why}; ignored`,
    shape: 'either',
    schema: z.undefined().optional(),
    read: (node, cx) => {
      cx.report('TSKAD_W_LVS_OBSOLETE_KEYWORD', `${node.keyword.text} ${why}; the line is ignored`, node.keyword.loc);
      return INVALID;
    },
    print: () => [],
  });
}

/** `persistence_timeout [SECS]`: bare, it is 360 s. */
const persistenceTimeout = words(
  z.number().int().min(1).max(PERSISTENCE_MAX).optional(),
  0,
  1,
  (ws) => (ws[0] ? toInteger(ws[0].text) : DEFAULT_PERSISTENCE),
  (v) => [String(v)],
  { doc: 'seconds a client sticks to its real server; bare: 360 (default: none, unless the service has no port)' },
);

/** `persistence_granularity`: an IPv4 netmask, or an IPv6 prefix length. */
const granularity = z.string().refine((g) => ipVersion(g) === 4 || (/^\d+$/.test(g) && Number(g) >= 1 && Number(g) <= 128), {
  message: 'expected an IPv4 netmask or an IPv6 prefix length 1-128',
});

// ---------------------------------------------------------------- real_server

export const realServer = block({
  weight: int(0, IPVS_WEIGHT_MAX, undefined, { doc: 'IPVS weight; 0: in the table but sent nothing (default: the virtual server\'s weight)' }),
  lvsMethod: lvsMethod('forwarding method (default: the virtual server\'s)'),
  uthreshold: int(0, UINT_MAX, undefined, { doc: 'IPVS upper connection threshold' }),
  lthreshold: int(0, UINT_MAX, undefined, { doc: 'IPVS lower connection threshold' }),
  inhibitOnFailure: optionalFlag({ doc: 'on failure set the weight to 0 rather than remove the server (default: the virtual server\'s)' }),
  notifyUp: firstWins(script('run when the server comes up')),
  notifyDown: firstWins(script('run when the server goes down')),
  alpha: optionalFlag({ doc: 'start down, until the checkers first succeed (default: the virtual server\'s)' }),
  ...timing(1, 'virtual server'),
  connectTimeout: seconds(...CONNECT_TIMEOUT, undefined, { doc: 'seconds to connect, for its checkers (default: the virtual server\'s)' }),
  delayLoop: seconds(...DELAY_LOOP, undefined, { doc: 'seconds between two checks, for its checkers (default: the virtual server\'s)' }),
  smtpAlert: optionalFlag({ doc: 'mail on state changes (default: global smtp_alert_checker / smtp_alert, else on)' }),
  virtualhost: str(undefined, { doc: 'Host header for its HTTP_GET and SSL_GET checkers (default: the virtual server\'s)' }),
  snmpName: str(undefined, { doc: 'a name for this server in SNMP' }),
  checkers,
});

const endpointHead = {
  shape: endpointShape,
  min: 1,
  max: 2,
  read: readEndpoint,
  print: printEndpoint,
};

// ---------------------------------------------------------------- virtual_server

/** `virtual_server IP [PORT] | fwmark N | group NAME`: exactly one of address, fwmark, group is set. */
const virtualServerHead = {
  shape: {
    address: ipAddress.optional(),
    port: port.optional(),
    fwmark: z.number().int().min(1).max(UINT_MAX).optional(),
    group: z.string().min(1).optional(),
  },
  min: 1,
  max: 2,
  read: (ws: readonly Word[], cx: ReadCx, node: { keyword: Word }) => {
    const [kind, arg] = ws;
    if (kind!.text !== 'fwmark' && kind!.text !== 'group') return readEndpoint(ws, cx);
    if (!arg) return fail(cx, 'TSKAD_E_MISSING_ARGUMENT', `${node.keyword.text} ${kind!.text} needs a ${kind!.text === 'group' ? 'group name' : 'number'}`, kind!);
    return kind!.text === 'group' ? { group: arg.text } : { fwmark: toInteger(arg.text) };
  },
  print: (v: { address?: string; port?: number; fwmark?: number; group?: string }) =>
    v.group !== undefined
      ? ['group', v.group]
      : v.fwmark !== undefined
        ? ['fwmark', String(v.fwmark)]
        : printEndpoint({ address: v.address!, ...(v.port === undefined ? {} : { port: v.port }) }),
};

const schedulerFlag = (flag: string) => bareFlag(`scheduler flag (ipvsadm -b ${flag})`, flag);

// Field order is print order, and the printed text must read back without new
// diagnostics: lvs_sched comes before sh-port…, sorry_server before its options.
export const virtualServer = block({
  delayLoop: seconds(...DELAY_LOOP, 60, { doc: 'seconds between two checks of each real server' }),
  lvsSched: oneOf(SCHEDULERS, undefined, { synonyms: ['lb_algo'], doc: 'the IPVS scheduler (default: wlc, with a warning)' }),
  flag1: schedulerFlag('flag-1'),
  flag2: schedulerFlag('flag-2'),
  flag3: schedulerFlag('flag-3'),
  shPort: schedulerFlag('sh-port'),
  shFallback: schedulerFlag('sh-fallback'),
  mhPort: schedulerFlag('mh-port'),
  mhFallback: schedulerFlag('mh-fallback'),
  ops: bareFlag('one-packet scheduling: each UDP datagram scheduled on its own'),
  hashed: obsolete('has no effect'),
  lvsMethod: lvsMethod('forwarding method of the real and sorry servers (default: NAT, with a warning)', { synonyms: ['lb_kind'] }),
  persistenceEngine: one(
    z.string().refine((s) => s.length <= PE_NAME_MAX, { message: `a persistence engine name has at most ${PE_NAME_MAX} characters` }).optional(),
    (t) => t,
    { doc: 'IPVS persistence engine (sip)' },
  ),
  persistenceTimeout,
  persistenceGranularity: one(granularity.optional(), (t) => t, { doc: 'netmask (IPv6: prefix length) grouping clients for persistence; implies persistence' }),
  protocol: oneOf(['TCP', 'UDP', 'SCTP'], undefined, { ci: true, doc: 'L4 protocol of an address service (default: UDP, with a warning); none for fwmark' }),
  haSuspend: bareFlag('suspend the checkers while the service address is not on this host'),
  ipFamily: oneOf(['inet', 'inet6'], undefined, { doc: 'family of a fwmark service whose real servers all tunnel' }),
  connectTimeout: seconds(...CONNECT_TIMEOUT, 5, { doc: 'seconds a checker waits to connect' }),
  ...timing(1),
  inhibitOnFailure: bareFlag('on failure set real servers\' weight to 0 rather than remove them'),
  alpha: bareFlag('start every real server down, until its checkers first succeed'),
  omega: bareFlag('at shutdown, run notify_down and quorum_down and send mail'),
  quorum: int(1, UINT_MAX, 1, { doc: 'the total weight of live real servers the service needs to be up' }),
  hysteresis: int(0, UINT_MAX, 0, { doc: 'quorum is gained at quorum + hysteresis and lost below quorum − hysteresis' }),
  quorumUp: firstWins(script('run when quorum is gained')),
  quorumDown: firstWins(script('run when quorum is lost')),
  weight: int(1, IPVS_WEIGHT_MAX, 1, { doc: 'the default weight of the real servers' }),
  sorryServer: words(endpoint.optional(), 1, 2, readEndpoint, printEndpoint, { doc: 'the server that takes all traffic while quorum is lost' }),
  sorryServerInhibit: bareFlag('keep the sorry server in IPVS at weight 0 while it is not needed'),
  sorryServerLvsMethod: lvsMethod('forwarding method of the sorry server (default: lvs_method)'),
  virtualhost: str(undefined, { doc: 'Host header for the HTTP_GET and SSL_GET checkers' }),
  smtpAlert: optionalFlag({ doc: 'mail on quorum changes (default: global smtp_alert_checker / smtp_alert, else off)' }),
  snmpName: str(undefined, { doc: 'a name for this service in SNMP' }),
  natMask: obsolete('only mattered with Linux 2.2 kernels; keepalived 2.2 no longer knows it'),
  realServer: sub(realServer, { many: true, head: endpointHead, doc: 'a real server of the service' }),
});

// ---------------------------------------------------------------- SSL

/** Files for SSL_GET; with none given keepalived makes its own context. */
export const ssl = block({
  password: str(undefined, { doc: 'password of the key' }),
  ca: str(undefined, { doc: 'CA certificate file' }),
  certificate: str(undefined, { doc: 'certificate file' }),
  key: str(undefined, { doc: 'key file' }),
});

/** Root-level keywords this module owns. */
export const LVS_ROOT = {
  virtualServerGroup,
  virtualServer: sub(virtualServer, {
    many: true,
    head: virtualServerHead,
    doc: 'an IPVS service: `virtual_server IP [PORT]`, `virtual_server fwmark N` or `virtual_server group NAME`',
  }),
  ssl: sub(ssl, { optional: true, name: 'SSL', doc: 'certificate files for SSL_GET (default: a context of its own)' }),
};
