// global_defs and the root keywords outside any block (keepalived.conf(5)
// "GLOBAL CONFIGURATION"; keepalived 2.2.7 core/global_parser.c). Ranges,
// defaults and the spellings accepted are keepalived 2.2.7's, checked against
// `keepalived -t`. A value keepalived skips with an error is reported here, at
// its word, and left out of the model, so the default stays in force as it
// does in keepalived. Defaults that depend on the host (router_id, the mail
// sender, the HELO name) stay undefined; effective-global.ts resolves them.
import { z } from 'zod';
import { ipVersion } from '../ip-version.js';
import type { Word } from '../source.js';
import {
  firstWins,
  INVALID, argWords, block, derive, flag, int, keyword, one, optionalFlag, seconds, str, sub, toNumber, wordBlock, words,
  type Keyword, type Opts, type ReadCx,
} from './dsl.js';
import { ipAddress, port, scriptKeyword } from './common.js';


const UINT_MAX = 4294967295;
const INT_MAX = 2147483647;
/** keepalived keeps timers in µs in an unsigned int, so whole seconds stop here */
const MAX_TIMER_SECONDS = Math.floor(UINT_MAX / 1e6);
/** TASK_COMM_LEN − 1 and IP_VS_IFNAME_MAXLEN − 1 */
const MAX_KERNEL_NAME = 15;

// ---------------------------------------------------------------- argument shapes

/** A keyword keepalived turns on by its presence alone: any argument is ignored (and warned about). */
const present = (o: Opts = {}) => flag({ ...o, noArg: true });

/** `KEYWORD [WORD]`: the word, or `bare` when the keyword stands alone ('' prints as the bare keyword). */
function optWord(bare: string, o: Opts) {
  return keyword({
    ...o,
    schema: z.string().optional(),
    item: z.string(),
    read: (node, cx) => {
      const ws = argWords(node, cx, 0, 1);
      return ws === INVALID ? INVALID : (ws[0]?.text ?? bare);
    },
    print: (v: string, name) => [{ words: v === '' ? [name] : [name, v] }],
  });
}

const printWord = (v: string, name: string) => [{ words: [name, v] }];

/** For the keywords keepalived ignores whole, with an error, when given more than one word. */
function onlyOne<S extends z.ZodType>(kw: Keyword<S>): Keyword<S> {
  return derive(kw, {
    read: (node, cx) => {
      const extra = node.args[1];
      if (!extra) return kw.read(node, cx);
      cx.report('TSKAD_E_TOO_MANY_ARGUMENTS', `${node.keyword.text} takes one argument; the line is ignored, as keepalived ignores it`, extra.loc);
      return INVALID;
    },
  });
}

function bad(cx: ReadCx, w: Word, message: string): typeof INVALID {
  cx.report('TSKAD_E_BAD_VALUE', message, w.loc);
  return INVALID;
}

/** An unsigned whole number in [min, max] inside an option list; undefined after reporting. */
function uintWord(w: Word, min: number, max: number, what: string, cx: ReadCx): number | undefined {
  const n = /^\d+$/.test(w.text) ? Number(w.text) : Number.NaN;
  if (Number.isNaN(n)) cx.report('TSKAD_E_BAD_VALUE', `${what}: expected a whole number, got '${w.text}'`, w.loc);
  else if (n < min || n > max) cx.report('TSKAD_E_BAD_VALUE', `${what}: must be in [${min}, ${max}], got ${n}`, w.loc);
  else return n;
  return undefined;
}

/** The value word after an option word, or undefined after reporting that it is missing. */
function optionValue(ws: readonly Word[], i: number, what: string, cx: ReadCx): Word | undefined {
  const v = ws[i + 1];
  if (!v) cx.report('TSKAD_E_MISSING_ARGUMENT', `${what} needs a value`, ws[i]!.loc);
  return v;
}

/** RFC 5771 (224.0.0.0/4) and RFC 4291 §2.7 (ff00::/8). */
function isMulticast(addr: string): boolean {
  if (ipVersion(addr) === 4) return Number(addr.split('.')[0]) >> 4 === 0xe;
  return (firstGroup(addr) & 0xff00) === 0xff00;
}

/** RFC 4291 §2.7: scope 2 in the low nibble of the first group (ff02::, ff12::…). */
const isLinkLocalMulticast6 = (addr: string): boolean => (firstGroup(addr) & 0xff0f) === 0xff02;
const firstGroup = (addr: string): number => parseInt(addr.split(':')[0] || '0', 16);

/** `vrrp_mcast_group4|6 ADDR`: keepalived skips an address of the wrong family or not multicast. */
function mcastGroup(family: 4 | 6, def: string, o: Opts) {
  return keyword({
    ...o,
    schema: ipAddress.default(def),
    item: ipAddress,
    read: (node, cx) => {
      const ws = argWords(node, cx, 1, 1);
      if (ws === INVALID) return INVALID;
      const w = ws[0]!;
      const name = node.keyword.text;
      if (ipVersion(w.text) !== family) return bad(cx, w, `${name}: '${w.text}' is not an IPv${family} address`);
      if (!isMulticast(w.text)) {
        cx.report('TSKAD_E_NOT_MULTICAST', `${name}: ${w.text} is not a multicast address; keeping ${def}`, w.loc);
        return INVALID;
      }
      if (family === 6 && !isLinkLocalMulticast6(w.text)) {
        cx.report('TSKAD_W_MCAST_GROUP6_NOT_LINK_LOCAL', `${name}: ${w.text} should be link-local multicast (ff02::/16)`, w.loc);
      }
      return w.text;
    },
    print: printWord,
  });
}

/** A process name: the kernel keeps 15 characters, and keepalived truncates with an error. */
function processName(o: Opts) {
  return keyword({
    ...o,
    schema: z.string().min(1).max(MAX_KERNEL_NAME).optional(),
    item: z.string().min(1).max(MAX_KERNEL_NAME),
    read: (node, cx) => {
      const ws = argWords(node, cx, 1, 1);
      if (ws === INVALID) return INVALID;
      const w = ws[0]!;
      if (w.text.length <= MAX_KERNEL_NAME) return w.text;
      const cut = w.text.slice(0, MAX_KERNEL_NAME);
      cx.report('TSKAD_E_NAME_TOO_LONG', `${node.keyword.text}: '${w.text}' is longer than ${MAX_KERNEL_NAME} characters; using '${cut}'`, w.loc);
      return cut;
    },
    print: printWord,
  });
}

// Per-child process tuning (vrrp, checker, bfd): the same five keywords each.
const nice = (o: Opts) => int(-20, 19, 0, o);
const rtPriority = (o: Opts) => int(1, 99, undefined, o);
const cpuAffinity = (o: Opts) =>
  words(z.array(z.number().int().min(0)).optional(), 1, Infinity, (ws) => ws.map((w) => toNumber(w.text)), (v) => v.map(String), o);
/** µs; keepalived halves it for the soft limit, so 1 is raised to 2 */
const rlimitRttime = (o: Opts) =>
  one(z.number().int().min(1).max(UINT_MAX).default(10000), (t) => (toNumber(t) === 1 ? 2 : toNumber(t)), o);

const bufSize = (o: Opts) => int(0, UINT_MAX, undefined, o);

/** `FIFO [USER [GROUP]]` */
const fifoSchema = z.object({ path: z.string().min(1), user: z.string().optional(), group: z.string().optional() });
export type NotifyFifo = z.output<typeof fifoSchema>;
const notifyFifo = (o: Opts) =>
  words(
    fifoSchema.optional(),
    1,
    3,
    ([p, u, g]) => ({ path: p!.text, ...(u ? { user: u.text } : {}), ...(g ? { group: g.text } : {}) }),
    (v) => [v.path, ...(v.user ? [v.user] : []), ...(v.group ? [v.group] : [])],
    o,
  );

/** `CMD [USER [GROUP]]`: startup/shutdown scripts and FIFO readers. */

// ---------------------------------------------------------------- structured keywords

/** RFC 1123 host name, for smtp_server given by name (resolved when mail is sent). */
const HOST_NAME = /^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const SMTP_PORT = 25;

const smtpServerSchema = z.object({
  host: z.string().refine((h) => ipVersion(h) !== 0 || HOST_NAME.test(h), { message: 'expected an IP address or a host name' }),
  port: port.min(1),
});

const smtpServer = words(
  smtpServerSchema.optional(),
  1,
  2,
  ([h, p]) => ({ host: h!.text, port: p ? toNumber(p.text) : SMTP_PORT }),
  (v) => [v.host, ...(v.port === SMTP_PORT ? [] : [String(v.port)])],
  { doc: 'Relay for alert mail: an IP address or a host name, and a port (25). No mail is sent unless notification_email lists a recipient too.' },
);

/** The recipients; each word should be a bare address (checked here, as keepalived does not). */
function emailList(o: Opts): ReturnType<typeof wordBlock> {
  const base = wordBlock(o);
  const read: Keyword['read'] = (node, cx) => {
    const addrs = (node.children ?? []).flatMap((c) => [c.keyword, ...c.args]);
    if (addrs.length === 0) cx.report('TSKAD_E_EMPTY_EMAIL_LIST', `${node.keyword.text} lists no address`, node.open ?? node.keyword.loc);
    for (const w of addrs) checkEmail(w, cx);
    return base.read(node, cx);
  };
  return { ...base, read };
}

/** addr-spec, loosely: something@something, with nothing SMTP would choke on. */
const EMAIL = /^[^\s@<>()",;]+@[^\s@<>()",;]+$/;

function checkEmail(w: Word, cx: ReadCx): void {
  if (!EMAIL.test(w.text)) cx.report('TSKAD_W_MALFORMED_EMAIL', `'${w.text}' is not an email address of the form local@domain`, w.loc);
}

const emailFrom = keyword({
  doc: 'Sender address of alert mail. Default: <user keepalived runs as>@<canonical host name> (resolved at run time).',
  schema: z.string().min(1).optional(),
  item: z.string().min(1),
  read: (node, cx) => {
    const ws = argWords(node, cx, 1, 1);
    if (ws === INVALID) return INVALID;
    checkEmail(ws[0]!, cx);
    return ws[0]!.text;
  },
  print: printWord,
});

/** `lvs_sync_daemon IF [[inst] VI] [id N] [maxlen N] [port N] [ttl N] [group IP]` */
const syncDaemonSchema = z.object({
  interface: z.string().min(1).max(MAX_KERNEL_NAME),
  instance: z.string().optional(),
  syncId: z.number().int().min(0).max(255).optional(),
  maxlen: z.number().int().min(1).max(65507).optional(),
  port: port.min(1).optional(),
  ttl: z.number().int().min(1).max(255).optional(),
  group: ipAddress.optional(),
});
type SyncDaemon = z.output<typeof syncDaemonSchema>;

const SYNC_NUMBERS = {
  id: ['syncId', 0, 255],
  maxlen: ['maxlen', 1, 65507],
  port: ['port', 1, 65535],
  ttl: ['ttl', 1, 255],
} as const;

function readSyncDaemon(ws: readonly Word[], cx: ReadCx): SyncDaemon | typeof INVALID {
  const [ifw, ...rest] = ws;
  if (ifw!.text.length > MAX_KERNEL_NAME) {
    cx.report('TSKAD_E_NAME_TOO_LONG', `lvs_sync_daemon: interface name '${ifw!.text}' is longer than ${MAX_KERNEL_NAME} characters; line ignored`, ifw!.loc);
    return INVALID;
  }
  const v: { -readonly [K in keyof SyncDaemon]: SyncDaemon[K] } = { interface: ifw!.text };
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    const opt = w.text;
    if (opt === 'inst' || opt === 'group' || opt in SYNC_NUMBERS) {
      const val = optionValue(rest, i++, `lvs_sync_daemon ${opt}`, cx);
      if (!val) continue;
      if (opt === 'inst') v.instance = val.text;
      else if (opt === 'group') {
        if (ipVersion(val.text) === 0) bad(cx, val, `lvs_sync_daemon group: '${val.text}' is not an IP address`);
        else if (!isMulticast(val.text)) cx.report('TSKAD_E_NOT_MULTICAST', `lvs_sync_daemon group: ${val.text} is not a multicast address; ignored`, val.loc);
        else v.group = val.text;
      } else {
        const [field, min, max] = SYNC_NUMBERS[opt as keyof typeof SYNC_NUMBERS];
        const n = uintWord(val, min, max, `lvs_sync_daemon ${opt}`, cx);
        if (n !== undefined) v[field] = n;
      }
    } else if (i === 0) {
      // keepalived < 2: `lvs_sync_daemon IF INSTANCE [SYNCID]`
      v.instance = opt;
    } else if (i === 1) {
      const n = uintWord(w, 0, 255, 'lvs_sync_daemon sync id', cx);
      if (n !== undefined) {
        cx.report('TSKAD_E_SYNC_ID_NEEDS_KEYWORD', `write 'id ${n}': a bare sync id after the instance is the old syntax`, w.loc);
        v.syncId = n;
      }
    } else {
      cx.report('TSKAD_E_UNKNOWN_OPTION', `lvs_sync_daemon: unknown option '${opt}' (inst, id, maxlen, port, ttl, group)`, w.loc);
    }
  }
  return v;
}

const printSyncDaemon = (v: SyncDaemon): string[] => [
  v.interface,
  ...(v.instance !== undefined ? ['inst', v.instance] : []),
  ...(v.syncId !== undefined ? ['id', String(v.syncId)] : []),
  ...(v.maxlen !== undefined ? ['maxlen', String(v.maxlen)] : []),
  ...(v.port !== undefined ? ['port', String(v.port)] : []),
  ...(v.ttl !== undefined ? ['ttl', String(v.ttl)] : []),
  ...(v.group !== undefined ? ['group', v.group] : []),
];

/** IPVS connection timeouts, seconds; keepalived caps them at 31 days. */
const LVS_MAX_TIMEOUT = 86400 * 31;
const LVS_TIMEOUT_NAMES = ['tcp', 'tcpfin', 'udp'] as const;
const lvsTimeoutsSchema = z.object(
  Object.fromEntries(LVS_TIMEOUT_NAMES.map((n) => [n, z.number().int().min(0).max(LVS_MAX_TIMEOUT).optional()])) as Record<
    (typeof LVS_TIMEOUT_NAMES)[number],
    z.ZodOptional<z.ZodNumber>
  >,
);

function readLvsTimeouts(ws: readonly Word[], cx: ReadCx): z.output<typeof lvsTimeoutsSchema> {
  const v: Partial<Record<(typeof LVS_TIMEOUT_NAMES)[number], number>> = {};
  for (let i = 0; i < ws.length; i++) {
    const opt = ws[i]!.text as (typeof LVS_TIMEOUT_NAMES)[number];
    if (!LVS_TIMEOUT_NAMES.includes(opt)) {
      cx.report('TSKAD_E_UNKNOWN_OPTION', `lvs_timeouts: unknown option '${ws[i]!.text}' (tcp, tcpfin, udp)`, ws[i]!.loc);
      continue;
    }
    const val = optionValue(ws, i++, `lvs_timeouts ${opt}`, cx);
    const n = val && uintWord(val, 0, LVS_MAX_TIMEOUT, `lvs_timeouts ${opt}`, cx);
    if (n !== undefined) v[opt] = n;
  }
  return v;
}

/** `vrrp_garp_extra_if [all] SECS`, in either order; keepalived drops the line at the first bad word. */
const garpExtraIf = words(
  z.object({ all: z.boolean(), interval: z.number().int().min(1).max(86400) }).optional(),
  1,
  2,
  (ws, cx, node) => {
    let all = false;
    let interval: number | undefined;
    for (const w of ws) {
      if (w.text === 'all') all = true;
      else if ((interval = uintWord(w, 1, 86400, node.keyword.text, cx)) === undefined) return INVALID;
    }
    if (interval === undefined) {
      cx.report('TSKAD_E_MISSING_ARGUMENT', `${node.keyword.text} needs an interval in seconds`, node.keyword.loc);
      return INVALID;
    }
    return { all, interval };
  },
  (v) => [...(v.all ? ['all'] : []), String(v.interval)],
  {
    aliases: ['vrrp_vmac_garp_intvl'],
    doc: "Send GARP/NA every SECS (1..86400) on VIP interfaces other than the instance's: VMACs only, or every interface with `all`.",
  },
);

/** `vrrp_rx_bufs_policy MTU|ADVERT|SIZE`; keepalived keeps a size over a policy and MTU over ADVERT. */
const rxBufsPolicy = words(
  z.union([z.enum(['MTU', 'ADVERT']), z.number().int().min(0).max(UINT_MAX)]).optional(),
  1,
  Infinity,
  (ws, cx) => {
    const policies = new Set<'MTU' | 'ADVERT'>();
    let size: number | undefined;
    for (const w of ws) {
      const p = w.text.toUpperCase();
      if (p === 'MTU' || p === 'ADVERT') policies.add(p);
      else size = uintWord(w, 0, UINT_MAX, 'vrrp_rx_bufs_policy', cx) ?? size;
    }
    const conflict = (msg: string) => cx.report('TSKAD_E_CONFLICTING_OPTIONS', `vrrp_rx_bufs_policy: ${msg}`, ws[0]!.loc);
    if (size !== undefined) {
      if (policies.size > 0) conflict(`a size and a policy exclude each other; using the size ${size}`);
      return size;
    }
    if (policies.size > 1) conflict('MTU and ADVERT exclude each other; using MTU');
    return policies.has('MTU') ? 'MTU' : policies.has('ADVERT') ? 'ADVERT' : INVALID;
  },
  (v) => [String(v)],
  { doc: 'Receive-buffer size of VRRP sockets: MTU or ADVERT (× vrrp_rx_bufs_multiplier per instance), or a size in bytes. Default: the system default.' },
);

/** umask(2) bits by name, as keepalived spells them. */
const UMASK_BITS: Record<string, number> = {
  IRUSR: 0o400, IWUSR: 0o200, IXUSR: 0o100, IRGRP: 0o040, IWGRP: 0o020, IXGRP: 0o010, IROTH: 0o004, IWOTH: 0o002, IXOTH: 0o001,
};

/** `umask NUMBER` (C syntax: 0x hex, 0 octal, decimal) or `umask IWGRP|IWOTH` (spaces around '|' allowed). */
function readUmask(ws: readonly Word[], cx: ReadCx): number | typeof INVALID {
  const first = ws[0]!;
  if (/^\d/.test(first.text)) {
    const t = first.text;
    const n = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^0[0-7]*$/.test(t) ? parseInt(t, 8) : /^[1-9]\d*$/.test(t) ? Number(t) : Number.NaN;
    if (!(n <= 0o777)) return bad(cx, first, `umask: '${t}' is not a mode of at most 0777`);
    if (ws.length > 1) cx.report('TSKAD_W_EXTRA_ARGUMENT', `umask takes one number; '${ws[1]!.text}' and after are ignored`, ws[1]!.loc);
    return n;
  }
  const expr = ws.map((w) => w.text).join('');
  const names = expr.split('|');
  let bits = 0;
  for (const n of names) {
    if (n === '') return bad(cx, first, `umask: '${expr}' has a '|' without a bit name after it`);
    if (!(n in UMASK_BITS)) return bad(cx, first, `umask: unknown bit '${n}' (I{R,W,X}{USR,GRP,OTH})`);
    bits |= UMASK_BITS[n]!;
  }
  return bits;
}

/** `tskad_metrics_listen [ADDR:]PORT`, `[IPV6]:PORT` */
const listenSchema = z.object({ host: ipAddress, port: port.min(1) });
export const METRICS_DEFAULT_HOST = '127.0.0.1';

function readListen(w: Word): unknown {
  const m = /^(?:\[([^\]]*)\]:|([^:[\]]*):)?(\d+)$/.exec(w.text);
  if (!m) return { host: w.text, port: Number.NaN };
  return { host: m[1] ?? m[2] ?? METRICS_DEFAULT_HOST, port: Number(m[3]) };
}

const printListen = (v: z.output<typeof listenSchema>): string[] => [v.host.includes(':') ? `[${v.host}]:${v.port}` : `${v.host}:${v.port}`];

// ---------------------------------------------------------------- global_defs

export const globalDefs = block({
  // identity, mail and alerts
  routerId: str(undefined, { doc: 'Names this node, e.g. in the subject of alert mail. Default: the canonical host name (resolved at run time).' }),
  notificationEmail: emailList({ doc: 'Recipients of alert mail, any number per line.' }),
  notificationEmailFrom: emailFrom,
  smtpServer,
  smtpHeloName: str(undefined, { doc: 'Name given in SMTP HELO. Default: the canonical host name (resolved at run time).' }),
  smtpConnectTimeout: int(1, MAX_TIMER_SECONDS, 30, { doc: 'Seconds to wait for the SMTP relay.' }),
  smtpAlert: optionalFlag({ doc: 'Default of smtp_alert for every VRRP instance, sync group, virtual and real server. Unset by default.' }),
  smtpAlertVrrp: optionalFlag({ doc: 'Default of smtp_alert for VRRP instances and sync groups; overrides smtp_alert.' }),
  smtpAlertChecker: optionalFlag({ doc: 'Default of smtp_alert for virtual and real servers; overrides smtp_alert.' }),
  noEmailFaults: present({ doc: 'Send no mail for transitions to FAULT.' }),
  noCheckerEmails: flag({ doc: 'Mail only when a real server is added or removed, not at every checker state change.' }),
  checkerLogAllFailures: flag({ doc: 'Log every failed check, not only state changes.' }),
  rsInitNotifies: flag({ doc: 'Run the notify scripts of real servers found up at start-up.' }),

  // processes and scheduling
  processNames: present({ doc: 'Name the children keepalived_vrrp, keepalived_lvs and keepalived_bfd.' }),
  processName: processName({ doc: 'Name of the parent process (at most 15 characters).' }),
  vrrpProcessName: processName({ doc: 'Name of the VRRP child (at most 15 characters).' }),
  checkerProcessName: processName({ aliases: ['lvs_process_name'], doc: 'Name of the checker child (at most 15 characters).' }),
  bfdProcessName: processName({ doc: 'Name of the BFD child (at most 15 characters).' }),
  vrrpPriority: nice({ doc: 'nice(2) value of the VRRP child, -20..19.' }),
  checkerPriority: nice({ doc: 'nice(2) value of the checker child, -20..19.' }),
  bfdPriority: nice({ doc: 'nice(2) value of the BFD child, -20..19.' }),
  vrrpNoSwap: present({ doc: 'Lock the VRRP child in memory (mlockall).' }),
  checkerNoSwap: present({ doc: 'Lock the checker child in memory (mlockall).' }),
  bfdNoSwap: present({ doc: 'Lock the BFD child in memory (mlockall).' }),
  vrrpRtPriority: rtPriority({ doc: 'Run the VRRP child SCHED_RR at this priority, 1..99.' }),
  checkerRtPriority: rtPriority({ doc: 'Run the checker child SCHED_RR at this priority, 1..99.' }),
  bfdRtPriority: rtPriority({ doc: 'Run the BFD child SCHED_RR at this priority, 1..99.' }),
  vrrpCpuAffinity: cpuAffinity({ doc: 'CPUs the VRRP child may run on.' }),
  checkerCpuAffinity: cpuAffinity({ doc: 'CPUs the checker child may run on.' }),
  bfdCpuAffinity: cpuAffinity({ doc: 'CPUs the BFD child may run on.' }),
  vrrpRlimitRttime: rlimitRttime({ aliases: ['vrrp_rlimit_rtime'], doc: 'RLIMIT_RTTIME of the VRRP child when realtime, µs (at least 2).' }),
  checkerRlimitRttime: rlimitRttime({ aliases: ['checker_rlimit_rtime'], doc: 'RLIMIT_RTTIME of the checker child when realtime, µs (at least 2).' }),
  bfdRlimitRttime: rlimitRttime({ aliases: ['bfd_rlimit_rtime'], doc: 'RLIMIT_RTTIME of the BFD child when realtime, µs (at least 2).' }),
  maxAutoPriority: keyword({
    doc: 'Highest SCHED_RR priority to raise a late child to (0 off, -1 off without the start-up notice); alone, the highest there is (99).',
    schema: z.number().int().min(-1).max(99).default(0),
    read: (node, cx) => {
      const ws = argWords(node, cx, 0, 1);
      return ws === INVALID ? INVALID : ws[0] ? toNumber(ws[0].text) : 99;
    },
    print: (v: number, name) => [{ words: [name, String(v)] }],
  }),
  minAutoPriorityDelay: int(1, 10_000_000, 1_000_000, { doc: 'Lateness in µs that triggers max_auto_priority.' }),
  // the man page says IWGRP|IWOTH, but 2.2.7 starts from 0177 (lib/utils.c umask_val) and its data dump shows it
  umask: words(z.number().int().min(0).max(0o777).default(0o177), 1, Infinity, readUmask, (v) => [`0${v.toString(8)}`], {
    doc: 'umask for the files keepalived creates: a number (0x hex, 0 octal) or bits such as IWGRP|IWOTH; 0177 by default (the man page says IWGRP|IWOTH).',
  }),

  // files, reload control
  tmpConfigDirectory: firstWins(str(undefined, { doc: 'Directory for the copy of the configuration the children read (default: a memfd).' })),
  configSaveDir: str(undefined, { doc: 'Save the configuration and state before and after each reload here (debugging).' }),
  dataUseInstance: flag({ doc: 'Put the instance and namespace names into the names of the .data dump files.' }),
  randomSeed: int(0, UINT_MAX, undefined, { doc: 'Seed of ${_RANDOM}, for repeatable configurations (default: from the time).' }),
  reloadCheckConfig: optWord('/dev/null', { doc: 'Check a new configuration before reloading on SIGHUP, logging to the file given (default /dev/null); reload only if it is valid.' }),
  reloadTimeFile: str(undefined, { doc: 'File holding a time ([YY]YY-MM-DD HH:MM:SS[Z] or HH:MM:SS) at which to reload.' }),
  reloadRepeat: present({ doc: 'Keep reload_time_file after the reload, so a time of day reloads daily.' }),
  reloadFile: optWord('', { doc: 'File present while the configuration is read; alone, keepalived.reload in the pid directory.' }),
  includeCheck: words(z.array(z.string()).optional(), 0, Infinity, (ws) => ws.map((w) => w.text), (v) => v, {
    doc: 'Make problems with include files errors: read, match, wildcard_match, brace_match, each optionally +added or -removed; alone, all of them. Checked and applied while the files are read (reader.ts), for the includes after it.',
  }),

  // VRRP defaults
  vrrpMcastGroup4: mcastGroup(4, '224.0.0.18', {
    doc: 'IPv4 group of VRRP adverts (RFC 5798 §5.1.1.2). Any IPv4 multicast address is accepted, as keepalived does; peers must agree.',
  }),
  vrrpMcastGroup6: mcastGroup(6, 'ff02::12', { doc: 'IPv6 group of VRRP adverts (RFC 5798 §5.1.2.2); should be link-local scope.' }),
  defaultInterface: str('eth0', { doc: 'Interface of static and virtual addresses given no dev.' }),
  vrrpVersion: int(2, 3, 2, { doc: 'Default VRRP version; IPv6 instances always use 3.' }),
  vrrpGarpMasterDelay: int(0, MAX_TIMER_SECONDS, 5, { doc: 'Seconds after becoming MASTER before the second burst of GARP/NA; 0: no second burst.' }),
  vrrpGarpMasterRepeat: int(1, UINT_MAX, 5, { doc: 'GARP/NA per address in each burst.' }),
  vrrpGarpLowerPrioDelay: int(0, MAX_TIMER_SECONDS, undefined, { doc: 'Like vrrp_garp_master_delay, after a lower-priority advert is heard. Default: vrrp_garp_master_delay.' }),
  vrrpGarpLowerPrioRepeat: int(0, INT_MAX, undefined, { doc: 'Like vrrp_garp_master_repeat, after a lower-priority advert is heard. Default: vrrp_garp_master_repeat.' }),
  vrrpGarpMasterRefresh: int(0, UINT_MAX, 0, { doc: 'Seconds between GARP/NA refreshes while MASTER; 0: none.' }),
  vrrpGarpMasterRefreshRepeat: int(1, UINT_MAX, 1, { doc: 'GARP/NA per address at each refresh.' }),
  vrrpGarpInterval: seconds(0.000001, UINT_MAX / 1e6, 0, { doc: 'Gap between GARPs on one interface, seconds (µs resolution).' }),
  vrrpGnaInterval: seconds(0.000001, UINT_MAX / 1e6, 0, { doc: 'Gap between unsolicited NAs on one interface, seconds (µs resolution).' }),
  vrrpMinGarp: flag({ doc: 'One GARP/NA and no second burst: repeat, refresh, refresh repeat and delay left at their defaults become 1, 0, 0 and 0.' }),
  vrrpGarpExtraIf: garpExtraIf,
  vrrpDownTimerAdverts: int(1, 100, 3, { doc: 'Adverts missed before the master is down (RFC 5798 §6.1 uses 3).' }),
  vrrpLowerPrioNoAdvert: flag({ doc: 'A MASTER hearing a lower-priority advert does not answer with its own (the RFC behaviour; forced in strict mode).' }),
  vrrpHigherPrioSendAdvert: flag({ doc: 'A MASTER hearing a higher-priority advert sends one advert before yielding.' }),
  vrrpSkipCheckAdvAddr: present({ doc: 'Skip checking the addresses of an advert from the same master as the last one.' }),
  vrrpStrict: present({ doc: 'Strict RFC 5798 compliance: no unicast, no authentication, a firewall dropping traffic to the VIPs…' }),
  vrrpCheckUnicastSrc: present({ doc: 'In unicast mode, accept adverts only from the configured peers.' }),
  vrrpNotifyPriorityChanges: flag({ doc: 'Write priority changes to the notify FIFOs.' }),
  vrrpStartupDelay: seconds(0.001, UINT_MAX / 1e6, 0, { doc: 'Seconds to wait before starting VRRP, e.g. for bonds to settle.' }),
  logUnknownVrids: present({ doc: 'Log adverts for VRIDs not configured on the interface they arrive on.' }),
  vmacPrefix: firstWins(str('vrrp', { doc: 'Prefix of VMAC interface names: vrrp.<vrid>.' })),
  vmacAddrPrefix: str(undefined, { doc: 'Prefix of VMACs made for VIPs on other interfaces. Default: vmac_prefix.' }),
  dynamicInterfaces: keyword({
    doc: 'Allow interfaces that do not exist yet or are deleted and re-created; allow_if_changes also lets their type or parent change.',
    schema: z.object({ allowIfChanges: z.boolean() }).optional(),
    item: z.object({ allowIfChanges: z.boolean() }),
    read: (node, cx) => {
      const ws = argWords(node, cx, 0, 1);
      if (ws === INVALID) return INVALID;
      const opt = ws[0];
      if (opt && opt.text !== 'allow_if_changes') cx.report('TSKAD_E_UNKNOWN_OPTION', `dynamic_interfaces: unknown option '${opt.text}' (allow_if_changes)`, opt.loc);
      return { allowIfChanges: opt?.text === 'allow_if_changes' };
    },
    print: (v: { allowIfChanges: boolean }, name) => [{ words: v.allowIfChanges ? [name, 'allow_if_changes'] : [name] }],
  }),
  disableLocalIgmp: present({ doc: 'Set igmp_link_local_mcast_reports to 0 while running (restored at exit).' }),
  vrrpRxBufsPolicy: rxBufsPolicy,
  vrrpRxBufsMultiplier: onlyOne(int(1, UINT_MAX, 3, { doc: 'Multiplier of vrrp_rx_bufs_policy MTU or ADVERT.' })),

  // firewall for no_accept and VMACs
  nftables: firstWins(optWord('keepalived', { doc: 'Manage the firewall with nftables, in this table (default keepalived), which must not exist already.' })),
  nftablesPriority: int(-2147483648, INT_MAX, -1, { doc: 'Hook priority of the base chains.' }),
  nftablesCounters: present({ doc: 'Add counters to the rules.' }),
  nftablesIfindex: present({ doc: 'Key IPv6 link-local sets by interface index rather than name.' }),
  nftablesIpvs: optWord('keepalived_ipvs', { doc: 'Collapse virtual_server_group entries into one fwmark service, marked by nftables in this table (default keepalived_ipvs).' }),
  nftablesIpvsPriority: int(-2147483648, INT_MAX, -1, { doc: 'Hook priority of the nftables_ipvs chains.' }),
  nftablesIpvsStartFwmark: int(1, UINT_MAX, 1000, { doc: 'First fwmark nftables_ipvs allocates.' }),
  vrrpIptables: words(
    z.object({ inChain: z.string().min(1).max(27), outChain: z.string().min(1).max(27).optional() }).optional(),
    0,
    2,
    ([i, o], cx, node) => {
      cx.report('TSKAD_W_IPTABLES_AS_NFTABLES', 'vrrp_iptables is read as `nftables keepalived`: tskad manages the firewall with nftables', node.keyword.loc);
      return i ? { inChain: i.text, ...(o ? { outChain: o.text } : {}) } : { inChain: 'INPUT', outChain: 'OUTPUT' };
    },
    (v) => [v.inChain, ...(v.outChain ? [v.outChain] : [])],
    { doc: 'iptables chains for the VIP rules (default INPUT and OUTPUT). tskad uses nftables instead, as builds of keepalived without iptables do.' },
  ),
  vrrpIpsets: words(
    z.array(z.string().min(1).max(30)).optional(),
    0,
    5,
    (ws, cx, node) => {
      cx.report('TSKAD_W_IPTABLES_AS_NFTABLES', 'vrrp_ipsets is not used: tskad manages the firewall with nftables', node.keyword.loc);
      return ws.map((w) => w.text);
    },
    (v) => v,
    { doc: 'ipset names used with vrrp_iptables; none: no ipsets. Not used by tskad (nftables).' },
  ),

  // LVS / IPVS
  lvsSyncDaemon: firstWins(words(syncDaemonSchema.optional(), 1, Infinity, readSyncDaemon, printSyncDaemon, {
    doc: 'Run the IPVS connection-sync daemon on IF: following the VRRP instance given (master/backup), else both. id defaults to its VRID (0 without one); port 8848, group 224.0.0.81.',
  })),
  lvsTimeouts: words(lvsTimeoutsSchema.optional(), 2, Infinity, readLvsTimeouts, (v) => LVS_TIMEOUT_NAMES.flatMap((n) => (v[n] === undefined ? [] : [n, String(v[n])])), {
    doc: 'IPVS connection timeouts in seconds (tcp, tcpfin, udp); those not given are left as they are.',
  }),
  lvsFlush: present({ doc: 'Flush all of IPVS at start-up.' }),
  lvsFlushOnStop: keyword({
    aliases: ['lvs_flush_onstop'],
    doc: 'At stop, flush all of IPVS (alone), or delete only the virtual servers keepalived made (VS).',
    schema: z.enum(['full', 'VS']).optional(),
    item: z.enum(['full', 'VS']),
    read: (node, cx) => {
      const ws = argWords(node, cx, 0, 1);
      if (ws === INVALID) return INVALID;
      if (!ws[0]) return 'full';
      if (ws[0].text === 'VS') return 'VS';
      cx.report('TSKAD_E_UNKNOWN_OPTION', `lvs_flush_on_stop: unknown type '${ws[0].text}' (VS)`, ws[0].loc);
      return INVALID;
    },
    print: (v: 'full' | 'VS', name) => [{ words: v === 'VS' ? [name, 'VS'] : [name] }],
  }),

  // scripts and notify FIFOs
  scriptUser: words(
    z.object({ user: z.string().min(1), group: z.string().optional() }).optional(),
    1,
    2,
    ([u, g]) => ({ user: u!.text, ...(g ? { group: g.text } : {}) }),
    (v) => [v.user, ...(v.group ? [v.group] : [])],
    { doc: "Default user (and group) of scripts. Default: keepalived_script if that user exists, else keepalived's own." },
  ),
  enableScriptSecurity: present({ doc: 'Refuse to run scripts as root from paths non-root users can write.' }),
  startupScript: firstWins(scriptKeyword({ doc: 'Run once before the children start.' })),
  startupScriptTimeout: int(1, 1000, 10, { doc: 'Seconds before startup_script is killed.' }),
  shutdownScript: firstWins(scriptKeyword({ doc: 'Run once after the children have exited.' })),
  shutdownScriptTimeout: int(1, 1000, 10, { doc: 'Seconds before shutdown_script is killed.' }),
  notifyFifo: firstWins(notifyFifo({ doc: 'FIFO receiving VRRP and checker events.' })),
  notifyFifoScript: firstWins(scriptKeyword({ doc: 'Command reading notify_fifo; the FIFO name is appended as its last argument.' })),
  vrrpNotifyFifo: firstWins(notifyFifo({ doc: 'FIFO receiving VRRP events.' })),
  vrrpNotifyFifoScript: firstWins(scriptKeyword({ doc: 'Command reading vrrp_notify_fifo; the FIFO name is appended.' })),
  lvsNotifyFifo: firstWins(notifyFifo({ doc: 'FIFO receiving checker events.' })),
  lvsNotifyFifoScript: firstWins(scriptKeyword({ doc: 'Command reading lvs_notify_fifo; the FIFO name is appended.' })),
  fifoWriteVrrpStatesOnReload: present({ doc: 'Write every VRRP state to the FIFOs again after a reload.' }),

  // SNMP and D-Bus
  snmpSocket: firstWins(onlyOne(str(undefined, { doc: 'AgentX socket of the SNMP master agent (net-snmp default unix:/var/agentx/master).' }))),
  enableTraps: present({ doc: 'Send SNMP traps.' }),
  enableSnmpVrrp: present({ aliases: ['enable_snmp_keepalived'], doc: 'Serve the VRRP part of KEEPALIVED-MIB.' }),
  enableSnmpChecker: present({ doc: 'Serve the checker part of KEEPALIVED-MIB.' }),
  enableSnmpRfc: present({ doc: 'Serve both VRRP-MIB (RFC 2787) and VRRPV3-MIB (RFC 6527).' }),
  enableSnmpRfcv2: present({ doc: 'Serve VRRP-MIB (RFC 2787).' }),
  enableSnmpRfcv3: present({ doc: 'Serve VRRPV3-MIB (RFC 6527).' }),
  enableDbus: present({ doc: 'Serve the org.keepalived.Vrrp1 D-Bus interface.' }),
  dbusServiceName: str('org.keepalived.Vrrp1', { doc: 'D-Bus service name, to run several instances with D-Bus.' }),

  // netlink receive buffers, for "Netlink: Receive buffer overrun"
  vrrpNetlinkCmdRcvBufs: bufSize({ doc: 'Receive buffer of the VRRP netlink command socket, bytes (0: kernel default).' }),
  vrrpNetlinkCmdRcvBufsForce: flag({ doc: 'Set vrrp_netlink_cmd_rcv_bufs beyond rmem_max (SO_RCVBUFFORCE).' }),
  vrrpNetlinkMonitorRcvBufs: bufSize({ doc: 'Receive buffer of the VRRP netlink monitor socket, bytes (0: kernel default).' }),
  vrrpNetlinkMonitorRcvBufsForce: flag({ doc: 'Set vrrp_netlink_monitor_rcv_bufs beyond rmem_max (SO_RCVBUFFORCE).' }),
  lvsNetlinkCmdRcvBufs: bufSize({ doc: 'Receive buffer of the checker netlink command socket, bytes (0: kernel default).' }),
  lvsNetlinkCmdRcvBufsForce: flag({ doc: 'Set lvs_netlink_cmd_rcv_bufs beyond rmem_max (SO_RCVBUFFORCE).' }),
  lvsNetlinkMonitorRcvBufs: bufSize({ doc: 'Receive buffer of the checker netlink monitor socket, bytes (0: kernel default).' }),
  lvsNetlinkMonitorRcvBufsForce: flag({ doc: 'Set lvs_netlink_monitor_rcv_bufs beyond rmem_max (SO_RCVBUFFORCE).' }),
  processMonitorRcvBufs: bufSize({ doc: 'Receive buffer of the process-event (proc connector) socket, bytes (0: kernel default).' }),
  processMonitorRcvBufsForce: flag({ doc: 'Set process_monitor_rcv_bufs beyond rmem_max (SO_RCVBUFFORCE).' }),

  // tskad extensions (not keepalived keywords)
  tskadMetricsListen: words(listenSchema.optional(), 1, 1, ([w]) => readListen(w!), printListen, {
    doc: 'tskad extension, not a keepalived keyword: serve Prometheus metrics over HTTP at [ADDR:]PORT ([IPV6]:PORT); a port alone listens on 127.0.0.1. Off unless given.',
  }),
});

export type GlobalDefs = z.output<typeof globalDefs.schema>;

/** Root-level keywords this module owns: those outside any block (printed first, as keepalived.conf(5) lists them), and global_defs. */
export const GLOBAL_ROOT = {
  netNamespace: str(undefined, { doc: 'Run in this network namespace (from ip netns); implies use_pid_dir. Cannot change on reload.' }),
  netNamespaceIpvs: firstWins(optWord('', { doc: "Program IPVS in this network namespace; alone, in the default namespace. Default: keepalived's own." })),
  namespaceWithIpsets: present({ doc: 'Allow ipsets inside a namespace on kernels before 3.13.' }),
  instance: firstWins(str(undefined, { doc: 'Put this name into the pid-file names, to run several keepalived in one namespace; implies use_pid_dir. Cannot change on reload.' })),
  usePidDir: present({ doc: 'Keep the pid files in /run/keepalived/.' }),
  linkbeatUsePolling: present({ doc: 'Poll link state (MII, ethtool, ioctl) instead of relying on netlink.' }),
  childWaitTime: int(0, UINT_MAX, 5, { doc: 'Seconds the parent waits for the children to exit at shutdown.' }),
  globalDefs: sub(globalDefs),
};
