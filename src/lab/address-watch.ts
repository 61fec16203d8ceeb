// When an address appears on, or leaves, a namespace's links — the moment a
// VIP moves, for failover timings. `ip -ts monitor address` stamps each event
// when it reads it from the kernel; that stamp, not the moment the line
// reaches node, is the event's time. Measured here (2 cores): the line
// reaches node 1.7–2.2 ms after the stamp on average (up to 11 ms), and
// polling `ip -j addr` as fast as it runs sees a change 8.7 ms late on
// average (up to 28 ms), while loading the machine.
//
// The monitor runs SCHED_FIFO (`chrt -f`), so that it reads the event as soon
// as the kernel queues it. As an ordinary process it waited for whatever the
// daemon that added the address did next on the same CPU: the kernel wakes it
// on the adder's CPU, and a tskad takeover's JavaScript ran 3.3 ms there
// before `ip` could read (perf sched, 2 vCPUs), while the address had been in
// place, and the first gratuitous ARP out, since the step's first 0.2 ms.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { run, wallClock } from './command.js';
import type { LabProcess, LogLine } from './process.js';

export interface AddressWatch {
  /** the time (ms since the epoch, to the µs) the address reached the state watched for */
  readonly at: Promise<number>;
}

/** `[2026-01-02T03:04:05.123456] ` → ms since the epoch (ip prints local time, as Date parses it) */
export function parseMonitorStamp(line: string): number | undefined {
  const m = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})\]/.exec(line);
  return m ? new Date(m[1]!).getTime() + Number(m[2]) / 1000 : undefined;
}

/** Whether a monitor line reports `ip` being added (present) or deleted (absent). */
export function reportsAddress(line: string, ip: string, present: boolean): boolean {
  const body = line.replace(/^\[[^\]]*\]\s*/, '');
  const deleted = body.startsWith('Deleted ');
  return deleted !== present && new RegExp(`\\binet6? ${ip.replace(/[.]/g, '\\.')}/`).test(body);
}

const stampOf = (line: LogLine): number => parseMonitorStamp(line.text) ?? line.at;

const NETLINK_ROUTE = 0;

/** above any daemon's SCHED_OTHER, below the realtime priority an operator may give one (vrrp_rt_priority) */
const MONITOR_RT_PRIORITY = 1;
let realtimeAllowed: boolean | undefined;

/** the monitor's command: realtime where this process may ask for it (not in a container without CAP_SYS_NICE) */
function monitorArgv(): string[] {
  realtimeAllowed ??= spawnSync('chrt', ['-f', String(MONITOR_RT_PRIORITY), 'true']).status === 0;
  return [...(realtimeAllowed ? ['chrt', '-f', String(MONITOR_RT_PRIORITY)] : []), 'ip', '-ts', 'monitor', 'address'];
}

/**
 * Whether `pid` holds a rtnetlink socket bound to multicast groups: from then
 * on no event is lost. ip binds its groups before it reads anything, and
 * prints nothing until an event comes, so this is the only sign it is ready.
 */
function subscribed(pid: number): boolean {
  try {
    const inodes = new Set(
      readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        return m ? [m[1]!] : [];
      }),
    );
    // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
    return readFileSync(`/proc/${pid}/net/netlink`, 'utf8')
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .some((f) => Number(f[1]) === NETLINK_ROUTE && Number.parseInt(f[3] ?? '0', 16) !== 0 && inodes.has(f[9] ?? ''));
  } catch {
    return false;
  }
}

/** Whether `ip` is on any link of namespace `ns`. */
export async function holdsAddress(ns: string, ip: string): Promise<boolean> {
  const links = JSON.parse(await run(['ip', '-j', '-n', ns, 'addr', 'show'])) as Array<{ addr_info: Array<{ local: string }> }>;
  return links.some((l) => l.addr_info.some((a) => a.local === ip));
}

/**
 * Resolves once the watch cannot miss the change; its `at` resolves when
 * `ip` is on (present) or off (absent) any link of namespace `ns` — at once,
 * with the time of the check, if it already is. `start` runs the monitor in
 * `ns` and tracks it for cleanup.
 */
export async function watchAddress(
  start: (argv: readonly string[]) => LabProcess,
  ns: string,
  ip: string,
  wanted: boolean,
  timeoutMs: number,
): Promise<AddressWatch> {
  const monitor = start(monitorArgv());
  const reports = (text: string): boolean => reportsAddress(text, ip, wanted);
  const event = monitor.waitForLine(reports, timeoutMs);
  event.catch(() => undefined);
  try {
    const end = Date.now() + 5000;
    while (!subscribed(monitor.pid)) {
      if (!monitor.running() || Date.now() > end) throw new Error(`ip monitor in ${ns} did not subscribe`);
      await sleep(2);
    }
    if ((await holdsAddress(ns, ip)) === wanted) {
      monitor.killTree();
      // it changed while we looked, or before we started: then the time of the look
      const reported = monitor.lines.find((l) => reports(l.text));
      return { at: Promise.resolve(reported ? stampOf(reported) : wallClock()) };
    }
  } catch (e) {
    monitor.killTree();
    throw e;
  }
  const at = event
    .then(stampOf)
    .catch(() => {
      throw new Error(`${ip} was still ${wanted ? 'absent from' : 'present in'} ${ns} after ${timeoutMs} ms`);
    })
    .finally(() => monitor.killTree());
  at.catch(() => undefined);
  return { at };
}
