// Notify FIFOs (keepalived.conf(5) notify_fifo, vrrp_notify_fifo,
// lvs_notify_fifo and their *_fifo_script; keepalived 2.2.7 lib/notify.c
// fifo_open / fifo_close, vrrp_notify.c notify_fifo):
//  - the FIFO is created (mode 0644, owned by the configured USER [GROUP])
//    when missing, and removed at close only if tskad created it;
//  - a *_fifo_script reader is started first, with the FIFO's path as its
//    last argument, and stopped (SIGTERM) at close;
//  - the FIFO is opened read-write and non-blocking, as keepalived does, so
//    opening never waits for a reader and a write never blocks the caller:
//    with no reader the lines wait in the pipe buffer (64 KiB on Linux) for
//    the next one; when the buffer is full, lines are dropped, and that is
//    logged once until a write succeeds again.
// VRRP lines: `INSTANCE "VI_1" MASTER 100`, `GROUP "VG_1" BACKUP 0`.
import { spawnSync } from 'node:child_process';
import { chownSync, closeSync, constants, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import type { Logger } from '../observe/log.js';
import { describeOutcome, type RunAs, type RunRequest, type ScriptResult } from './script-runner.js';

export interface FifoReader {
  /** scriptArgv(command, runner, [path]) is built by the caller; this is argv without the path */
  readonly argv: readonly string[];
  readonly runAs?: RunAs;
}

export interface FifoOptions {
  readonly path: string;
  /** chown to these ids after creating (the FIFO's USER [GROUP]) */
  readonly owner?: { readonly uid: number; readonly gid: number };
  /** `vrrp_`, `lvs_` or '' (notify_fifo): keepalived's word in messages */
  readonly kind: string;
  readonly reader?: FifoReader;
  readonly run: (req: RunRequest) => Promise<ScriptResult>;
  readonly log: Logger;
}

/** keepalived: S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH */
const FIFO_MODE = '644';

export type FifoState = 'INSTANCE' | 'GROUP';

/** One VRRP line: `INSTANCE "VI_1" MASTER 100\n` (vrrp_notify.c notify_fifo). */
export const vrrpFifoLine = (type: FifoState, name: string, state: string, priority: number): string => `${type} "${name}" ${state} ${priority}\n`;

export class NotifyFifo {
  private fd: number | undefined;
  private created = false;
  private dropping = false;
  private readonly stopReader = new AbortController();
  /** lines dropped because the pipe was full */
  dropped = 0;

  private constructor(private readonly o: FifoOptions) {}

  /** Creates (if needed) and opens the FIFO, starting its reader first; undefined (logged) when it cannot be opened. */
  static open(o: FifoOptions): NotifyFifo | undefined {
    const fifo = new NotifyFifo(o);
    return fifo.openFifo() ? fifo : undefined;
  }

  get path(): string {
    return this.o.path;
  }

  /** Writes one line without ever blocking; false when it was dropped (the pipe is full). */
  write(line: string): boolean {
    if (this.fd === undefined) return false;
    try {
      writeSync(this.fd, line);
      if (this.dropping) this.o.log.info({ fifo: this.o.path, dropped: this.dropped }, `${this.o.kind}notify fifo ${this.o.path} is being read again`);
      this.dropping = false;
      return true;
    } catch (e) {
      this.dropped++;
      if (!this.dropping) {
        const why = (e as NodeJS.ErrnoException).code === 'EAGAIN' ? 'it is full: nothing has read it' : (e as Error).message;
        this.o.log.warn({ fifo: this.o.path }, `${this.o.kind}notify fifo ${this.o.path}: dropping lines, ${why}`);
      }
      this.dropping = true;
      return false;
    }
  }

  /** Removes the FIFO if tskad created it (first, so a reader looping on it cannot reopen it), closes it, stops the reader. */
  close(): void {
    if (this.created) {
      try {
        unlinkSync(this.o.path);
      } catch {
        // already gone
      }
      this.created = false;
    }
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.stopReader.abort();
  }

  private openFifo(): boolean {
    const { path, log, kind } = this.o;
    const existing = lstatOrUndefined(path);
    if (existing && !existing.isFIFO()) {
      log.error({ fifo: path }, `Unable to use ${kind}notify fifo ${path}: it exists and is not a FIFO (remove it, or name another path)`);
      return false;
    }
    if (!existing) {
      const r = spawnSync('mkfifo', ['-m', FIFO_MODE, path], { encoding: 'utf8' });
      if (r.status !== 0) {
        log.error({ fifo: path }, `Unable to create ${kind}notify fifo ${path}: ${(r.stderr || r.error?.message || '').trim()}`);
        return false;
      }
      this.created = true;
      if (this.o.owner) {
        try {
          chownSync(path, this.o.owner.uid, this.o.owner.gid);
        } catch {
          log.info({ fifo: path }, `Failed to set uid:gid for fifo ${path}`);
        }
      }
    }
    if (this.o.reader) this.startReader(this.o.reader);
    try {
      // read-write: opening does not wait for a reader, and the pipe lives while tskad holds it
      this.fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    } catch (e) {
      log.error({ fifo: path }, `Unable to open ${kind}notify fifo ${path} - ${(e as Error).message}`);
      this.close();
      return false;
    }
    return true;
  }

  private startReader(reader: FifoReader): void {
    const { kind, log, path } = this.o;
    void this.o
      .run({ name: `${kind}notify_fifo_script`, argv: [...reader.argv, path], signal: this.stopReader.signal, ...(reader.runAs && { runAs: reader.runAs }) })
      .then((r) => log.info({ fifo: path, outcome: r.outcome }, `${kind.replace('_', ' ')}notify fifo script terminated (${describeOutcome(r.outcome)})`));
  }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
