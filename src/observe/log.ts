// Logging for the daemon's processes: one pino logger, whose records carry
// structured fields (`instance`, `vrid`, `from`, `to`, `reason`…) for
// machines, and a message worded as keepalived words it for people.
// With -l (and -n) the messages go to stderr as keepalived prints them:
// `Sun Nov 22 00:04:32 2026: (VI_1) Entering MASTER STATE` (lib/logger.c,
// strftime "%c"). -D adds keepalived's "detail" messages, logged here at
// debug level. The daemon's processes also log to syslog unless -G, with
// keepalived's ident for each process and the facility from -S (syslog.ts).
import { pino, type DestinationStream, type Logger } from 'pino';
import { facilityFromFlag, syslogDestination, syslogIdent, type DaemonPart } from './syslog.js';

export type { Logger };

export interface LogOptions {
  /** -l: keepalived's console lines on stderr */
  readonly console?: boolean;
  /** -D: keepalived's detail messages */
  readonly detail?: boolean;
  /** where the console lines go (default stderr); tests capture them here */
  readonly consoleStream?: { write(line: string): unknown };
  /** every record as a JSON line, for machines and tests */
  readonly json?: DestinationStream;
  /** one more destination for every record: syslog (syslog.ts) */
  readonly destination?: DestinationStream;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** strftime's "%c" in the C locale, local time: `Sun Nov  2 00:04:32 2026`. */
export function cTime(d: Date): string {
  const day = String(d.getDate()).padStart(2, ' ');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${day} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

/** Turns pino's JSON records into keepalived's console lines. */
function consoleDestination(out: { write(line: string): unknown }): DestinationStream {
  return {
    write(record: string): void {
      const r = JSON.parse(record) as { time?: number; msg?: string };
      if (r.msg !== undefined) out.write(`${cTime(new Date(r.time ?? Date.now()))}: ${r.msg}\n`);
    },
  };
}

export function createLogger(o: LogOptions = {}): Logger {
  const streams: DestinationStream[] = [];
  if (o.console) streams.push(consoleDestination(o.consoleStream ?? process.stderr));
  if (o.json) streams.push(o.json);
  if (o.destination) streams.push(o.destination);
  const level = o.detail ? 'debug' : 'info';
  if (streams.length === 0) return pino({ enabled: false });
  const [only] = streams;
  return pino({ level, base: undefined }, streams.length === 1 ? only : pino.multistream(streams.map((stream) => ({ stream, level }))));
}

/** What the command line says about a daemon process's logging. */
export interface DaemonLogFlags {
  readonly part: DaemonPart;
  /** -l */
  readonly console: boolean;
  /** -D */
  readonly detail: boolean;
  /** not -G */
  readonly syslog: boolean;
  /** -S, as given */
  readonly facility?: string;
  /** the `net_namespace` and `instance` keywords, which keepalived appends to its idents */
  readonly netNamespace?: string;
  readonly instance?: string;
}

export interface DaemonLog {
  readonly log: Logger;
  /** lets go of the syslog socket, which would keep the event loop alive */
  close(): void;
}

/** The logger of one of the daemon's processes, as keepalived's flags ask for it. */
export function daemonLogger(f: DaemonLogFlags): DaemonLog {
  const ident = syslogIdent(f.part, { ...(f.netNamespace !== undefined && { netNamespace: f.netNamespace }), ...(f.instance !== undefined && { instance: f.instance }) });
  const syslog = f.syslog ? syslogDestination({ ident, facility: facilityFromFlag(f.facility) }) : undefined;
  return { log: createLogger({ console: f.console, detail: f.detail, ...(syslog && { destination: syslog }) }), close: () => syslog?.close() };
}
