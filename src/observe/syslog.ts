// Syslog output, as keepalived's openlog(ident, LOG_PID, facility) and
// glibc's syslog(3) produce it: one datagram per record on /dev/log,
// `<PRI>Mmm dd hh:mm:ss IDENT[PID]: MSG` (RFC 3164 §4.1), which rsyslog
// and journald both read. The facility comes from -S (0-7 → local0-7), so
// a rule like `local3.* /var/log/keepalived.log` keeps catching tskad's
// lines; the idents are keepalived's (Keepalived, Keepalived_vrrp,
// Keepalived_healthcheckers), so filters on the program name keep working.
//
// Nothing here blocks, where glibc's syslog(3) blocks on a full queue and
// falls back to /dev/console without /dev/log (stalling keepalived for ms).
// While the syslog daemon's queue is full (unix sockets queue only
// net.unix.max_dgram_qlen datagrams), records wait in a bounded backlog
// that drains as soon as the socket is writable again. Where /dev/log is
// missing or its reader is gone, records are dropped and one line on stderr
// says so; connecting is retried at most every `retryMs`, so a syslog
// daemon started later is picked up again.
import type { DestinationStream } from 'pino';
import { connectDatagram, type DatagramError, type DatagramLink } from '../daemon/unix-datagram.js';

/** syslog(3) facility codes, already shifted (LOG_DAEMON = 3 << 3). */
export const FACILITY = {
  user: 1 << 3,
  daemon: 3 << 3,
  local0: 16 << 3,
} as const;

/** `-S`: 0-7 or local0-7 → local0-7, `user`, `daemon`; anything else (or none): daemon, keepalived's default. */
export function facilityFromFlag(value: string | undefined): number {
  const m = value === undefined ? null : /^(?:local)?([0-7])$/.exec(value);
  if (m) return FACILITY.local0 + (Number(m[1]) << 3);
  return value === 'user' ? FACILITY.user : FACILITY.daemon;
}

/** syslog(3) severities. */
const SEVERITY = { crit: 2, err: 3, warning: 4, info: 6, debug: 7 } as const;

/**
 * pino level → severity. pino's `debug` carries keepalived's -D "detail"
 * messages (log.ts), which keepalived sends at LOG_INFO: a `local3.info`
 * rule must see them as it does with keepalived.
 */
export function severityOf(level: number): number {
  if (level >= 60) return SEVERITY.crit;
  if (level >= 50) return SEVERITY.err;
  if (level >= 40) return SEVERITY.warning;
  if (level >= 20) return SEVERITY.info;
  return SEVERITY.debug;
}

export type DaemonPart = 'parent' | 'vrrp' | 'checker';

const IDENT: Record<DaemonPart, string> = { parent: 'Keepalived', vrrp: 'Keepalived_vrrp', checker: 'Keepalived_healthcheckers' };

/** keepalived's ident (make_syslog_ident): `Keepalived_vrrp`, with `_NETNS` and `_INSTANCE` appended when those are configured. */
export function syslogIdent(part: DaemonPart, o: { readonly netNamespace?: string; readonly instance?: string } = {}): string {
  return [IDENT[part], o.netNamespace, o.instance].filter((s) => s !== undefined && s !== '').join('_');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** RFC 3164 §4.1.2 TIMESTAMP, local time, as glibc writes it: `Nov  2 00:04:32`. */
export function syslogTimestamp(d: Date): string {
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export function syslogLine(priority: number, time: Date, ident: string, pid: number, msg: string): string {
  return `<${priority}>${syslogTimestamp(time)} ${ident}[${pid}]: ${msg}`;
}

export interface SyslogOptions {
  readonly ident: string;
  /** shifted facility code (facilityFromFlag) */
  readonly facility: number;
  /** the syslog socket (default /dev/log) */
  readonly path?: string;
  readonly pid?: number;
  /** told when syslog becomes unavailable, once per outage (default: a line on stderr) */
  readonly onUnavailable?: (message: string) => void;
  /** least time between attempts while syslog is unavailable (default 10 s) */
  readonly retryMs?: number;
  /** records held while the syslog daemon's queue is full (default 1000); beyond, they are dropped */
  readonly queueLimit?: number;
  /** the clock for timestamps and retries (tests) */
  readonly now?: () => number;
}

export interface SyslogDestination extends DestinationStream {
  /** records not delivered: syslog unavailable, or the backlog full */
  readonly dropped: number;
  close(): void;
}

export const DEFAULT_SYSLOG_PATH = '/dev/log';

/** A pino destination that writes each record to syslog; see the header. */
export function syslogDestination(o: SyslogOptions): SyslogDestination {
  const path = o.path ?? DEFAULT_SYSLOG_PATH;
  const pid = o.pid ?? process.pid;
  const now = o.now ?? Date.now;
  const retryMs = o.retryMs ?? 10_000;
  const queueLimit = o.queueLimit ?? 1000;
  const unavailable = o.onUnavailable ?? ((m: string) => void process.stderr.write(`${m}\n`));
  let link: DatagramLink | undefined;
  /** lines the syslog daemon had no room for yet, oldest first */
  const backlog: Buffer[] = [];
  let down = false;
  let retryAt = 0;
  let dropped = 0;

  const fail = (why: string) => {
    link?.close();
    link = undefined;
    dropped += backlog.length;
    backlog.length = 0;
    retryAt = now() + retryMs;
    if (down) return;
    down = true;
    unavailable(`syslog unavailable (${why}); messages are not logged to syslog until it is back`);
  };

  const connect = (): DatagramLink | undefined => {
    try {
      const l = connectDatagram(path);
      l.onWritable(flush);
      down = false;
      return l;
    } catch (e) {
      fail((e as Error).message);
      return undefined;
    }
  };

  /** Sends one line; a syslog daemon restarted since we connected (ECONNREFUSED) gets one reconnection. */
  const transmit = (line: Buffer): 'sent' | 'congested' | 'failed' => {
    for (let attempt = 0; attempt < 2; attempt++) {
      link ??= connect();
      if (!link) return 'failed';
      try {
        return link.send(line);
      } catch (e) {
        const err = e as DatagramError;
        if (err.code !== 'ECONNREFUSED' || attempt === 1) {
          fail(err.message);
          return 'failed';
        }
        link.close();
        link = undefined;
      }
    }
    return 'failed';
  };

  const hold = (line: Buffer) => {
    if (backlog.length < queueLimit) backlog.push(line);
    else dropped++;
  };

  function flush(): void {
    while (backlog.length > 0) {
      const r = transmit(backlog[0]!);
      if (r === 'congested') return;
      if (r === 'sent') backlog.shift();
    }
  }

  const write = (record: string): void => {
    if (down && now() < retryAt) {
      dropped++;
      return;
    }
    let r: { level?: number; time?: number; msg?: string };
    try {
      r = JSON.parse(record) as typeof r;
    } catch {
      return;
    }
    if (r.msg === undefined) return;
    const line = Buffer.from(syslogLine(o.facility | severityOf(r.level ?? 30), new Date(r.time ?? now()), o.ident, pid, r.msg));
    // keep the order: nothing overtakes the backlog
    if (backlog.length > 0) return hold(line);
    const sent = transmit(line);
    if (sent === 'congested') hold(line);
    else if (sent === 'failed') dropped++;
  };

  return {
    write,
    get dropped() {
      return dropped;
    },
    close: () => link?.close(),
  };
}
