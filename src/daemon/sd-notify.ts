// systemd's notify protocol (sd_notify(3)): newline-separated VAR=VALUE
// assignments in one datagram to the unix socket named by $NOTIFY_SOCKET.
// tskad's supervisor sends what keepalived 2.2.7 sends (lib/systemd.c):
// READY=1 with MAINPID= once every child has loaded its configuration,
// RELOADING=1 on reload, ERRNO= when a child's permanent error stops it,
// STOPPING=1 on shutdown; plus STATUS= lines for `systemctl status`, and
// MONOTONIC_USEC= beside RELOADING=1, which Type=notify-reload requires
// (systemd ≥ 253). Without NOTIFY_SOCKET every call does nothing.
//
// A path socket (/run/systemd/notify) gets the datagram from this process.
// An abstract one (`@name`, as some container managers hand out) is
// beyond the unix-dgram package, so that message goes through systemd's
// own `systemd-notify --pid=` (present wherever systemd is), whose
// credentials name this process as the sender.
import { execFile } from 'node:child_process';
import { sendDatagram } from './unix-datagram.js';

export interface Notification {
  readonly READY?: true;
  readonly RELOADING?: true;
  readonly STOPPING?: true;
  /** one line for `systemctl status`; newlines become spaces */
  readonly STATUS?: string;
  readonly MAINPID?: number;
  /** CLOCK_MONOTONIC in µs, as Type=notify-reload wants beside RELOADING=1 */
  readonly MONOTONIC_USEC?: bigint;
  /** the errno a failure stands for (keepalived: EPERM for a permission error, else EINVAL) */
  readonly ERRNO?: number;
}

/** The datagram's text, fields in a fixed order (systemd reads them in any order). */
export function notificationText(n: Notification): string {
  const lines: string[] = [];
  if (n.READY) lines.push('READY=1');
  if (n.RELOADING) lines.push('RELOADING=1');
  if (n.MONOTONIC_USEC !== undefined) lines.push(`MONOTONIC_USEC=${n.MONOTONIC_USEC}`);
  if (n.STOPPING) lines.push('STOPPING=1');
  if (n.MAINPID !== undefined) lines.push(`MAINPID=${n.MAINPID}`);
  if (n.ERRNO !== undefined) lines.push(`ERRNO=${n.ERRNO}`);
  if (n.STATUS !== undefined) lines.push(`STATUS=${n.STATUS.replace(/[\r\n]+/g, ' ')}`);
  return lines.join('\n');
}

/** CLOCK_MONOTONIC in µs: libuv's hrtime reads that clock, as systemd does. */
export const monotonicUsec = (): bigint => process.hrtime.bigint() / 1000n;

export interface SdNotifyOptions {
  /** where NOTIFY_SOCKET is read (default process.env) */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Remove NOTIFY_SOCKET from `env` once read, as keepalived's children do
   * (sd_notify's unset_environment), so that no child process or script
   * talks to systemd in the daemon's name.
   */
  readonly unsetEnvironment?: boolean;
  /** told once when a notification cannot be sent; later failures are silent */
  readonly onError?: (message: string) => void;
  /** the command for abstract sockets (default systemd-notify from PATH) */
  readonly systemdNotify?: string;
}

export interface SdNotifier {
  /** there is a NOTIFY_SOCKET to talk to */
  readonly enabled: boolean;
  /** READY=1, MAINPID=, and STATUS= when given */
  ready(status?: string): Promise<void>;
  /** RELOADING=1 with MONOTONIC_USEC=, and STATUS= when given */
  reloading(status?: string): Promise<void>;
  status(text: string): Promise<void>;
  /** STOPPING=1, and STATUS= when given */
  stopping(status?: string): Promise<void>;
  /** ERRNO= (and STATUS=): why the daemon is giving up */
  failed(errno: number, status?: string): Promise<void>;
  send(n: Notification): Promise<void>;
}

/** Runs `systemd-notify --pid=PID ASSIGNMENT…`, for sockets this process cannot address itself. */
function viaSystemdNotify(command: string, socket: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, [`--pid=${process.pid}`, ...text.split('\n')], { env: { ...process.env, NOTIFY_SOCKET: socket }, timeout: 5000 }, (err, _out, stderr) =>
      err ? reject(new Error(`${command}: ${stderr.trim() || err.message}`)) : resolve(),
    );
  });
}

export function sdNotifier(o: SdNotifyOptions = {}): SdNotifier {
  const env = o.env ?? process.env;
  const socket = env.NOTIFY_SOCKET || undefined;
  if (o.unsetEnvironment) delete env.NOTIFY_SOCKET;
  let failedOnce = false;

  const send = async (n: Notification): Promise<void> => {
    if (socket === undefined) return;
    const text = notificationText(n);
    try {
      // sd_notify(3): an address starting with '@' is in the abstract namespace
      if (socket.startsWith('@')) await viaSystemdNotify(o.systemdNotify ?? 'systemd-notify', socket, text);
      else if (sendDatagram(socket, Buffer.from(text)) === 'congested') throw new Error("systemd's notify queue is full");
    } catch (e) {
      if (!failedOnce) o.onError?.(`cannot notify systemd at ${socket}: ${(e as Error).message}`);
      failedOnce = true;
    }
  };
  const withStatus = (n: Notification, status: string | undefined): Notification => (status === undefined ? n : { ...n, STATUS: status });

  return {
    enabled: socket !== undefined,
    ready: (status) => send(withStatus({ READY: true, MAINPID: process.pid }, status)),
    reloading: (status) => send(withStatus({ RELOADING: true, MONOTONIC_USEC: monotonicUsec() }, status)),
    status: (text) => send({ STATUS: text }),
    stopping: (status) => send(withStatus({ STOPPING: true }, status)),
    failed: (errno, status) => send(withStatus({ ERRNO: errno }, status)),
    send,
  };
}
