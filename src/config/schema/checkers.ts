// The health checkers of a real_server (keepalived.conf(5) "real_server …
// CHECKER_TYPE { }"; inventory §2.11): HTTP_GET, SSL_GET, TCP_CHECK,
// SMTP_CHECK, DNS_CHECK, MISC_CHECK, UDP_CHECK, PING_CHECK, FILE_CHECK and
// BFD_CHECK, as one tagged list. Also the timing keywords a virtual_server and
// a real_server set as defaults for their checkers (delay_loop, retry, …):
// where a level does not write one it stays undefined, and
// config/effective-lvs.ts resolves the chain VS → RS → checker.
import { z } from 'zod';
import type { Word } from '../source.js';
import {
  firstWins,
  INVALID, block, flag, int, one, oneOf, optionalFlag, required, seconds, str, sub, tagged, toInteger, words,
  type ReadCx,
} from './dsl.js';
import { ipAddress, scriptSchema } from './common.js';
import { classifyScript } from '../script.js';

export const UINT_MAX = 4294967295;
/** keepalived stores timers in µs in an unsigned long: ULONG_MAX − 1 µs */
const TIMER_MAX = 18446744073709.551614;
/** connect_timeout is held in an unsigned int of µs */
const CONNECT_TIMEOUT_MAX = 4294.967295;
/** Linux IFNAMSIZ − 1 */
const IFNAME_MAX = 15;

// ---------------------------------------------------------------- shared keyword shapes

/** A keyword that is on when present and takes no argument (keepalived ignores any: `ops off` is on). */
export const bareFlag = (doc: string, name?: string) => flag({ noArg: true, doc, ...(name ? { name } : {}) });

/** An address keyword (`connect_ip`, `bindto`). */
const address = (doc: string) => one(ipAddress.optional(), (t) => t, { doc });

// ---------------------------------------------------------------- inherited timing

/** delay_loop, the interval between two checks (a virtual server's default is 60 s) */
export const DELAY_LOOP = [1e-6, TIMER_MAX] as const;
/** connect_timeout (a virtual server's default is 5 s) */
export const CONNECT_TIMEOUT = [1e-6, CONNECT_TIMEOUT_MAX] as const;
/** delay_before_retry, and warmup: the random delay before a checker's first run (0: none) */
export const RETRY_DELAY = [0, TIMER_MAX] as const;
/**
 * retry, delay_before_retry and warmup, as a virtual server, a real server and
 * a checker each take them; `from` names the level a value left out comes from.
 * keepalived takes retry 0 only on a checker.
 */
export const timing = (retryMin: 0 | 1, from?: string) => {
  const inherit = from ? `the ${from}'s, else ` : '';
  return {
    retry: int(retryMin, UINT_MAX, undefined, { doc: `failed attempts tolerated before a checker goes down (default: ${inherit}1; DNS_CHECK 3, MISC_CHECK 0)` }),
    delayBeforeRetry: seconds(...RETRY_DELAY, undefined, { doc: `seconds between retries (default: ${inherit}1; HTTP_GET and SSL_GET 3, DNS_CHECK delay_loop)` }),
    warmup: seconds(...RETRY_DELAY, undefined, { doc: `a checker's first run waits a random time up to this; 0: none (default: ${inherit}delay_loop)` }),
  };
};

// ---------------------------------------------------------------- common checker keywords

/** Where a checker connects from and to (all checkers but MISC, FILE and BFD). */
const connection = {
  connectIp: address('the address to check (default: the real server\'s)'),
  connectPort: int(1, 65535, undefined, { doc: 'the port to check (default: the real server\'s)' }),
  bindto: address('the source address of the check'),
  bindIf: one(z.string().refine((s) => s.length <= IFNAME_MAX, { message: `an interface name has at most ${IFNAME_MAX} characters` }).optional(), (t) => t, {
    doc: 'the interface to check through; needed for an IPv6 link-local target',
  }),
  bindPort: int(1, 65535, undefined, { doc: 'the source port of the check' }),
  connectTimeout: seconds(...CONNECT_TIMEOUT, undefined, { doc: 'seconds to connect and to wait for a reply (default: the real server\'s)' }),
  fwmark: int(0, UINT_MAX, undefined, { doc: 'firewall mark (SO_MARK) put on the check\'s packets' }),
};

/** When and how often a checker runs (all checkers but FILE and BFD). */
const schedule = {
  ...timing(0, 'real server'),
  delayLoop: seconds(...DELAY_LOOP, undefined, { doc: 'seconds between two checks (default: the real server\'s)' }),
  alpha: optionalFlag({ doc: 'start this checker down, until it first succeeds (default: the real server\'s)' }),
  logAllFailures: optionalFlag({ doc: 'log every failed check, not only state changes (default: global checker_log_all_failures)' }),
};

// ---------------------------------------------------------------- HTTP_GET / SSL_GET

const statusRange = z.object({ from: z.number().int(), to: z.number().int() });
export type StatusRange = z.output<typeof statusRange>;
const HTTP_STATUS_MIN = 100;
const HTTP_STATUS_MAX = 599;

/** `status_code 200 300-399 …`: each word one code or an inclusive range. */
function readStatusCodes(ws: readonly Word[], cx: ReadCx): StatusRange[] | typeof INVALID {
  const out: StatusRange[] = [];
  // indexed: this runs per url, mostly before V8 has optimised it
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    const m = /^(\d+)(?:-(\d+))?$/.exec(w.text);
    const from = m ? Number(m[1]) : NaN;
    const to = m?.[2] !== undefined ? Number(m[2]) : from;
    if (!(from >= HTTP_STATUS_MIN && to <= HTTP_STATUS_MAX && from <= to)) {
      cx.report('TSKAD_E_BAD_VALUE', `status_code '${w.text}' is not a code or range within ${HTTP_STATUS_MIN}-${HTTP_STATUS_MAX}`, w.loc);
      continue;
    }
    out.push({ from, to });
  }
  return out.length ? out : INVALID;
}

/** PCRE2 options keepalived 2.2.7 knows for `regex_options`. */
const REGEX_OPTIONS = [
  'allow_empty_class', 'alt_bsux', 'auto_callout', 'caseless', 'dollar_endonly', 'dotall', 'dupnames', 'extended',
  'firstline', 'match_unset_backref', 'multiline', 'never_ucp', 'never_utf', 'no_auto_capture', 'no_auto_possess',
  'no_dotstar_anchor', 'no_start_optimize', 'ucp', 'ungreedy', 'utf', 'never_backslash_c', 'alt_circumflex',
  'alt_verbnames', 'use_offset_limit',
] as const;
type RegexOption = (typeof REGEX_OPTIONS)[number];

function readRegexOptions(ws: readonly Word[], cx: ReadCx): RegexOption[] {
  const known = ws.filter((w) => (REGEX_OPTIONS as readonly string[]).includes(w.text));
  for (const w of ws.filter((x) => !known.includes(x))) {
    // keepalived skips an unknown option without a word; say so
    cx.report('TSKAD_W_LVS_IGNORED_SETTING', `unknown regex option '${w.text}' is ignored`, w.loc);
  }
  return known.map((w) => w.text as RegexOption);
}

const stackSize = z.object({ start: z.number().int().min(0), max: z.number().int().min(0) }).refine((s) => s.start <= s.max, {
  message: 'the start size cannot exceed the maximum',
});

export const url = block({
  path: required(str(undefined, { doc: 'the path to GET, e.g. /health' })),
  digest: firstWins(
    one(z.string().regex(/^[0-9a-fA-F]{32}$/, { message: 'expected 32 hex digits (an MD5 sum, as genhash prints it)' }).optional(), (t) => t, {
      doc: 'MD5 the body must have, as `genhash` prints it',
    }),
  ),
  statusCode: words(
    z.array(statusRange).default([{ from: 200, to: 299 }]),
    1,
    Infinity,
    readStatusCodes,
    (v) => v.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`)),
    { doc: 'the status codes that pass: codes and ranges (200 300-399); lines add up' },
  ),
  virtualhost: str(undefined, { doc: 'Host header for this url (default: the checker\'s virtualhost)' }),
  regex: str(undefined, { doc: 'a PCRE2 pattern the body must match' }),
  regexNoMatch: bareFlag('the check fails when the body matches regex'),
  regexOptions: words(z.array(z.enum(REGEX_OPTIONS)).optional(), 1, Infinity, readRegexOptions, (v) => [...v], { doc: 'PCRE2 options for regex (caseless, multiline…)' }),
  regexStack: words(
    stackSize.optional(),
    2,
    2,
    (ws) => ({ start: toInteger(ws[0]!.text), max: toInteger(ws[1]!.text) }),
    (v) => [String(v.start), String(v.max)],
    { doc: 'start and maximum bytes of the PCRE2 JIT stack' },
  ),
  regexMinOffset: int(0, Number.MAX_SAFE_INTEGER, undefined, { doc: 'where in the body the match may start, at the earliest' }),
  regexMaxOffset: int(0, Number.MAX_SAFE_INTEGER, undefined, { doc: 'where in the body the match may start, at the latest' }),
});

const http = block({
  ...connection,
  ...schedule,
  // nb_get_retry is deprecated here only: TCP_CHECK and the others reject it
  retry: { ...schedule.retry, aliases: ['nb_get_retry'] },
  virtualhost: str(undefined, { doc: 'Host header of the requests (default: the real server\'s virtualhost)' }),
  httpProtocol: oneOf(['1.0', '1.0C', '1.1'], '1.0', { ci: true, doc: 'HTTP version; 1.0C is 1.0 with "Connection: close", which 1.1 sends too' }),
  enableSni: flag({ doc: 'send the virtualhost as SNI in the TLS handshake (SSL_GET)' }),
  fastRecovery: flag({ doc: 'check every url at once after a failure, not one per delay_loop' }),
  url: sub(url, { many: true, doc: 'a url to fetch; several are checked in turn' }),
});

// ---------------------------------------------------------------- the other checkers

/** TCP_CHECK, PING_CHECK and the deprecated SMTP_CHECK `host { }`: the common keywords alone. */
const connecting = block({ ...connection, ...schedule });

const smtp = block({
  ...connection,
  ...schedule,
  heloName: str('smtpchecker.keepalived.org', { doc: 'the name given in HELO' }),
  // keepalived 2.2.7 still reads host { } blocks without a word of warning, so tskad does too
  host: sub(connecting, { many: true, doc: 'one more server to check, with its own connection keywords (obsolete: prefer one SMTP_CHECK per host)' }),
});

const DNS_TYPES = ['A', 'NS', 'CNAME', 'SOA', 'MX', 'TXT', 'AAAA', 'RRSIG', 'DNSKEY'] as const;
/** a name with an empty label (`a..b`, `.a`) cannot be queried; `.` alone is the root */
const dnsName = z.string().refine((n) => n === '.' || (!n.startsWith('.') && !n.includes('..')), { message: 'has an empty label' });

const dns = block({
  ...connection,
  ...schedule,
  // not `type`: that field is the checker's tag
  queryType: oneOf(DNS_TYPES, 'SOA', { ci: true, name: 'type', doc: 'the query type; the check passes on any NOERROR reply' }),
  name: firstWins(one(dnsName.default('.'), (t) => t, { doc: 'the name to query' })),
});

/** `misc_path` takes the rest of the line: a quoted command, or the program and its arguments. */
const miscCommand = scriptSchema.pick({ command: true, runner: true });
export type MiscCommand = z.output<typeof miscCommand>;

function readMiscPath(ws: readonly Word[]): MiscCommand {
  const command = ws.map((w) => w.text).join(' ');
  return { command, runner: classifyScript(command).runner };
}

const misc = block({
  ...schedule,
  miscPath: required(words(miscCommand.optional(), 1, Infinity, readMiscPath, (v) => [v.command], { doc: 'the program and its arguments; exit 0 passes, 1 fails', script: true })),
  miscTimeout: int(0, Math.floor(UINT_MAX / 1e6), undefined, { doc: 'seconds before the script is killed (0 or absent: the virtual server\'s delay_loop)' }),
  miscDynamic: bareFlag('exit codes 2..255 pass and set the real server\'s weight to code − 2'),
  user: words(
    scriptSchema.pick({ user: true, group: true }).required({ user: true }).optional(),
    1,
    2,
    (ws) => ({ user: ws[0]!.text, ...(ws[1] ? { group: ws[1].text } : {}) }),
    (v) => [v.user, ...(v.group ? [v.group] : [])],
    { doc: 'USER [GROUP] to run the script as (default: global script_user)' },
  ),
});

/** UDP_CHECK hex strings: words of hex digits, two per byte (`X` = any nibble, in replies). */
const hexWords = (nibble: RegExp) => z.string().refine((s) => s.split(' ').every((w) => nibble.test(w)), { message: 'expected hex digits' });

const udp = block({
  ...connection,
  ...schedule,
  payload: words(hexWords(/^[0-9a-fA-F]+$/).optional(), 1, Infinity, (ws) => ws.map((w) => w.text).join(' '), (v) => v.split(' '), {
    doc: 'the datagram to send, in hex (default: random bytes)',
  }),
  /** present: a reply is required; `data`, when given, is what it must start with */
  requireReply: words(
    z.object({ data: hexWords(/^[0-9a-fA-FxX]+$/).optional() }).optional(),
    0,
    Infinity,
    (ws) => (ws.length ? { data: ws.map((w) => w.text).join(' ') } : {}),
    (v) => (v.data ? v.data.split(' ') : []),
    { doc: 'a reply must come, and start with these hex bytes (X: any nibble)' },
  ),
  minReplyLength: int(0, 65535, 0, { doc: 'the shortest reply that passes' }),
  maxReplyLength: int(0, 65535, 255, { doc: 'the longest reply that passes' }),
});

const IPVS_WEIGHT_MAX = 2147483647;
const fileWeight = z.object({ weight: z.number().int().min(-IPVS_WEIGHT_MAX).max(IPVS_WEIGHT_MAX), reverse: z.boolean() });

function readFileWeight(ws: readonly Word[], cx: ReadCx): z.output<typeof fileWeight> | typeof INVALID {
  const dir = ws[1];
  if (dir && dir.text !== 'reverse' && dir.text !== 'noreverse') {
    cx.report('TSKAD_E_BAD_VALUE', `weight: expected reverse or noreverse after the number, got '${dir.text}'`, dir.loc);
    return INVALID;
  }
  return { weight: toInteger(ws[0]!.text), reverse: dir?.text === 'reverse' };
}

const file = block({
  trackFile: required(str(undefined, { doc: 'the track_file block (defined above) whose value is followed' })),
  weight: words(fileWeight.optional(), 1, 2, readFileWeight, (v) => [String(v.weight), ...(v.reverse ? ['reverse'] : [])], {
    doc: 'multiplier of the file\'s value, added to the weight; 0: non-zero fails (default: the track_file\'s)',
  }),
});

const bfd = block({
  name: required(str(undefined, { doc: 'the bfd_instance (defined above) whose session is followed' })),
  alpha: optionalFlag({ doc: 'start down, until the session is first up (default: the real server\'s)' }),
});

// ---------------------------------------------------------------- the tagged list

const members = {
  HTTP_GET: sub(http, { doc: 'up while GETting each url gives a passing status (and digest, regex)' }),
  SSL_GET: sub(http, { doc: 'HTTP_GET over TLS (certificates from the SSL block)' }),
  TCP_CHECK: sub(connecting, { doc: 'up while a TCP connection succeeds' }),
  SMTP_CHECK: sub(smtp, { doc: 'up while the server greets, answers HELO with 250, and QUITs' }),
  DNS_CHECK: sub(dns, { doc: 'up while a UDP query gets a NOERROR reply' }),
  MISC_CHECK: sub(misc, { doc: 'up while a script exits 0' }),
  UDP_CHECK: sub(udp, { doc: 'up while a datagram draws no ICMP error (and, if required, a matching reply)' }),
  PING_CHECK: sub(connecting, { doc: 'up while ICMP echo is answered' }),
  FILE_CHECK: sub(file, { doc: 'state and weight from a track_file' }),
  BFD_CHECK: sub(bfd, { doc: 'up while a BFD session is up' }),
};

export const checkers = tagged(members);
/** One checker of a real server, discriminated by `type` (the keyword that made it). */
export type Checker = z.output<typeof checkers.schema>[number];
export type CheckerType = Checker['type'];
export type HttpChecker = Extract<Checker, { type: 'HTTP_GET' | 'SSL_GET' }>;
export type MiscChecker = Extract<Checker, { type: 'MISC_CHECK' }>;
export type Url = HttpChecker['url'][number];

/** The checkers with connection keywords (connect_ip, connect_timeout…). */
export const CONNECTING_CHECKERS: readonly CheckerType[] = ['HTTP_GET', 'SSL_GET', 'TCP_CHECK', 'SMTP_CHECK', 'DNS_CHECK', 'UDP_CHECK', 'PING_CHECK'];

