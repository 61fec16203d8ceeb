// Logging for the daemon's processes: one pino logger, whose records carry
// structured fields (`instance`, `vrid`, `from`, `to`, `reason`…) for
// machines, and a message worded as keepalived words it for people.
// With -l (and -n) the messages go to stderr as keepalived prints them:
// `Sun Nov 22 00:04:32 2026: (VI_1) Entering MASTER STATE` (lib/logger.c,
// strftime "%c"). -D adds keepalived's "detail" messages, logged here at
// debug level. Syslog comes later (issue 4); until then, without -l, nothing
// is written.
import { pino, type DestinationStream, type Logger } from 'pino';

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
  const level = o.detail ? 'debug' : 'info';
  if (streams.length === 0) return pino({ enabled: false });
  const [only] = streams;
  return pino({ level, base: undefined }, streams.length === 1 ? only : pino.multistream(streams.map((stream) => ({ stream, level }))));
}
