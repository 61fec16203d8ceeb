// `tskad status` and `tskad status --json`: asks the daemon over its status
// socket (status.ts) and renders the answer, as a table for people or as
// the snapshot's JSON for scripts and probes.
import { connect } from 'node:net';
import { isReceiveError } from './events.js';
import { EXPIRY_LATENESS_CAUSES } from '../net/native.js';
import { lateTotal, STATUS_SOCKET, type InstanceStatus, type StatusReply, type StatusSnapshot, type TimerStatus, type TrackedStatus } from './status.js';

export class StatusQueryError extends Error {}

/** Why asking failed, in words an operator can act on. */
function explain(path: string, e: NodeJS.ErrnoException): string {
  if (e.code === 'ENOENT') return `tskad is not running (no status socket at ${path})`;
  if (e.code === 'ECONNREFUSED') return `tskad is not answering on ${path} (a socket left by a daemon that died?)`;
  if (e.code === 'EACCES' || e.code === 'EPERM') return `permission denied on ${path}: the status socket is root's (mode 0600); run as root`;
  return `cannot reach tskad on ${path}: ${e.message}`;
}

/** Asks the daemon for its status; rejects with a StatusQueryError that says why it could not. */
export function queryStatus(path: string = STATUS_SOCKET, timeoutMs = 3000): Promise<StatusSnapshot> {
  return new Promise((resolve, reject) => {
    let text = '';
    const fail = (message: string) => {
      socket.destroy();
      reject(new StatusQueryError(message));
    };
    const socket = connect(path, () => socket.write(`${JSON.stringify({ command: 'status' })}\n`));
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => fail(`tskad did not answer on ${path} within ${timeoutMs} ms`));
    socket.on('error', (e: NodeJS.ErrnoException) => fail(explain(path, e)));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => {
      let reply: StatusReply;
      try {
        reply = JSON.parse(text) as StatusReply;
      } catch {
        return fail(`tskad's answer on ${path} is not JSON`);
      }
      if (!reply.ok) return fail(`tskad: ${reply.error}`);
      socket.destroy();
      resolve(reply.status);
    });
  });
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function errorCounts(i: InstanceStatus): [string, number][] {
  return Object.entries(i.stats).filter(([name, n]) => isReceiveError(name) && n > 0);
}

/** A tracked object's state, then its weight when it moves the priority (0: FAULT when down, the default, goes unsaid). */
function trackedText(t: TrackedStatus): string {
  const upDown = t.up ? 'up' : 'down';
  const state = t.pending ? 'no result yet' : t.value !== undefined ? `value ${t.value}${t.up ? '' : ', down'}` : t.count !== undefined ? `${upDown}, ${t.count} running` : upDown;
  const how = [...(t.weight !== 0 ? [`weight ${t.weight > 0 ? '+' : ''}${t.weight}`] : []), ...(t.reverse ? ['reverse'] : [])];
  return how.length > 0 ? `${state} (${how.join(' ')})` : state;
}

/** The lines under an instance's row: why it is in FAULT, what it tracks, which errors it counted. */
function details(i: InstanceStatus): string[] {
  const out: string[] = [];
  if (i.faults.length > 0) out.push(`fault: ${i.faults.join(', ')}`);
  for (const t of i.tracked) out.push(`track ${t.kind} ${t.name}: ${trackedText(t)}`);
  const errors = errorCounts(i);
  if (errors.length > 0) out.push(`receive errors: ${errors.map(([n, c]) => `${n} ${c}`).join(', ')}`);
  if (i.excludedVips.length > 0) out.push(`excluded VIPs: ${i.excludedVips.join(' ')}`);
  if (i.lastTransition) out.push(`since ${i.lastTransition.at}, from ${i.lastTransition.from} (${i.lastTransition.reason})`);
  return out;
}

/** How many timer expiries came late, and why: the daemon's own work, a CPU taken, or a late wake-up (a busy host). */
function timersText(t: TimerStatus): string {
  const late = lateTotal(t);
  const why = late > 0 ? ` (${EXPIRY_LATENESS_CAUSES.map((c) => `${c} ${t.late[c]}`).join(', ')})` : '';
  return `timers: ${t.expiries} expiries, ${late} more than ${t.lateAfterMs} ms late${why}`;
}

/** The table `tskad status` prints. */
export function renderStatus(s: StatusSnapshot): string {
  const head = `tskad pid ${s.pid}, running since ${s.startedAt}${s.timers ? `\n${timersText(s.timers)}` : ''}`;
  if (s.vrrp.length === 0) return `${head}\nno VRRP instances\n`;
  const rows = s.vrrp.map((i) => [
    i.name,
    String(i.vrid),
    i.interface,
    i.state,
    i.effectivePriority === i.basePriority ? String(i.basePriority) : `${i.effectivePriority} (${i.basePriority})`,
    i.master ?? '-',
    `${i.stats.advert_rcvd}/${i.stats.advert_sent}`,
    i.vips.join(' ') || '-',
  ]);
  const lines = table(['INSTANCE', 'VRID', 'INTERFACE', 'STATE', 'PRIORITY', 'MASTER', 'ADVERTS RX/TX', 'VIPS'], rows).split('\n');
  const out = [head, lines[0]!];
  s.vrrp.forEach((i, n) => {
    out.push(lines[n + 1]!);
    for (const d of details(i)) out.push(`    ${d}`);
  });
  return `${out.join('\n')}\n`;
}

/** `--json`: the snapshot as the daemon sent it, one document. */
export const renderStatusJson = (s: StatusSnapshot): string => `${JSON.stringify(s, null, 2)}\n`;
