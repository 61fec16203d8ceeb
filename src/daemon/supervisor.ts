// The supervisor: tskad's parent process, as keepalived 2.2.7's parent
// (core/main.c, vrrp/vrrp_daemon.c start_vrrp_child, vrrp_respawn_thread).
// It starts one child per part of the configuration (the VRRP process; the
// checker process when LVS support arrives), so a slow check or a GC pause
// on one side can never delay an advert on the other; respawns a child that
// dies with keepalived's backoff (respawn.ts), and gives up on the exits that
// mean a respawn cannot help; relays signals by keepalived's table
// (signals.ts); tells systemd READY=1 once every child is up and STOPPING=1
// on the way out; and on SIGTERM/SIGINT stops the children, waiting
// `child_wait_time` for them before SIGKILL.
//
// A reload (HUP) is validated here first, then relayed: systemd hears
// RELOADING=1, then READY=1 once every child it went to has said it
// reloaded (or died). A HUP during a reload waits for its end; one waits at
// most, as any number of them asks for the same thing. A respawned child is
// told how long ago its predecessor died, so the VRRP child can take back
// the MASTER role it held (vrrp/reload-respawn.ts).
//
// The processes, the clock, the log and systemd are ports, so the policy is
// tested with fakes (test/unit/daemon/supervisor.test.ts); child-process.ts
// is the real launcher.
import type { Logger } from '../observe/log.js';
import type { Scheduler } from '../vrrp/scheduler.js';
import { decideRespawn, exitDescription, EXIT, freshBackoff, type Backoff, type ChildExit } from './respawn.js';
import type { SdNotifier } from './sd-notify.js';
import type { ChildKind, SignalRoute } from './signals.js';

/** A child process as the supervisor sees it. */
export interface ChildHandle {
  readonly pid: number;
  /** called once the child has read its configuration and started */
  onReady(listener: () => void): void;
  /** called each time the child has handled a reload (applied or refused) */
  onReloaded(listener: () => void): void;
  readonly exited: Promise<ChildExit>;
  /** sends a signal; a child already gone is no error */
  signal(signum: number | NodeJS.Signals): void;
}

/** A child started again after its predecessor died. */
export interface Respawn {
  /** how long ago the predecessor died */
  readonly downMs: number;
}

export interface SupervisorPorts {
  /** starts a child of this kind; throws when it cannot */
  start(kind: ChildKind, respawn?: Respawn): ChildHandle;
  readonly scheduler: Scheduler;
  readonly log: Pick<Logger, 'info' | 'warn' | 'error'>;
  readonly notify: Pick<SdNotifier, 'ready' | 'status' | 'stopping' | 'failed' | 'reloading'>;
  /** RELOAD: re-reads the configuration; the problems found, empty when it may be applied */
  validateConfig(): readonly string[];
  /** the pids of the children alive now, told at each start and each reaping (the native stop relay's list) */
  childrenChanged?(pids: readonly number[]): void;
}

export interface SupervisorOptions {
  readonly children: readonly ChildKind[];
  /** -R */
  readonly dontRespawn: boolean;
  /** keepalived's child_wait_time, in ms */
  readonly childWaitMs: number;
}

/** keepalived's names for its children in log lines */
const CHILD_NAME: Record<ChildKind, string> = { vrrp: 'VRRP', checker: 'Healthcheck' };

interface Slot {
  readonly kind: ChildKind;
  child?: ChildHandle;
  startedAt: number;
  backoff: Backoff;
  ready: boolean;
  /** when the last child died (scheduler time), for the next one's Respawn */
  diedAt?: number;
  /** the pending delayed respawn */
  cancelRespawn?: () => void;
}

/** After SIGKILL, how long a child may take to be reaped before the supervisor stops waiting. */
const REAP_WAIT_MS = 1000;

export class Supervisor {
  private readonly slots: Slot[];
  private stopping: Promise<void> | undefined;
  private announcedReady = false;
  private exitCode: number = EXIT.OK;
  private resolveDone!: (code: number) => void;
  /** the exit code of the supervisor, once it has stopped */
  readonly done: Promise<number> = new Promise((r) => (this.resolveDone = r));
  private readonly readyListeners: (() => void)[] = [];
  /** the children a running reload waits for; undefined when none runs */
  private reloadWaits: Set<Slot> | undefined;
  /** a HUP that came during a reload */
  private pendingReload: SignalRoute | undefined;

  constructor(
    private readonly o: SupervisorOptions,
    private readonly ports: SupervisorPorts,
  ) {
    this.slots = o.children.map((kind) => ({ kind, startedAt: 0, backoff: freshBackoff, ready: false }));
  }

  /** called once, when every child has started for the first time */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  start(): void {
    for (const slot of this.slots) this.launch(slot);
  }

  /** A signal reached the supervisor (signals.ts routes). */
  signal(route: SignalRoute): void {
    if (route.supervisor === 'stop') {
      void this.stop();
      return;
    }
    if (this.stopping) return;
    if (route.supervisor === 'reload') {
      if (this.reloadWaits) this.pendingReload = route;
      else this.reload(route);
      return;
    }
    for (const slot of this.slots) if (route.relayTo.includes(slot.kind)) slot.child?.signal(route.signum);
  }

  private reload(route: SignalRoute): void {
    // keepalived's parent re-reads the configuration before it tells the children
    const problems = this.ports.validateConfig();
    if (problems.length > 0) {
      for (const p of problems) this.ports.log.error(p);
      this.ports.log.error('Reload failed: the configuration has errors; keeping the running configuration');
      return;
    }
    this.ports.log.info('Reloading');
    void this.ports.notify.reloading('Reloading');
    // a child still starting reloads once it is up, and says so then
    const live = this.slots.filter((s) => route.relayTo.includes(s.kind) && s.child);
    this.reloadWaits = new Set(live);
    for (const slot of live) slot.child!.signal(route.signum);
    this.reloadStepped();
  }

  /** A child reloaded, or left: once none is waited for, READY=1, then the HUP that waited, if any. */
  private reloadStepped(): void {
    if (!this.reloadWaits || this.reloadWaits.size > 0) return;
    this.reloadWaits = undefined;
    if (this.stopping) return;
    this.ports.log.info('Reload finished');
    void this.ports.notify.ready('Reload finished');
    const next = this.pendingReload;
    this.pendingReload = undefined;
    if (next) this.reload(next);
  }

  /** SIGTERM/SIGINT: stops every child (see the header); settles `done`. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.stopChildren();
    return this.stopping;
  }

  private launch(slot: Slot): void {
    slot.cancelRespawn = undefined;
    let child: ChildHandle;
    const now = this.ports.scheduler.now();
    try {
      child = this.ports.start(slot.kind, ...(slot.diedAt !== undefined ? [{ downMs: now - slot.diedAt }] : []));
    } catch (e) {
      this.ports.log.error(`${CHILD_NAME[slot.kind]} child process: cannot start (${(e as Error).message})`);
      this.exitCode = EXIT.FATAL;
      void this.stop();
      return;
    }
    slot.child = child;
    slot.startedAt = this.ports.scheduler.now();
    slot.ready = false;
    this.tellChildren();
    this.ports.log.info(`Starting ${CHILD_NAME[slot.kind]} child process, pid=${child.pid}`);
    child.onReady(() => {
      if (slot.child !== child) return;
      slot.ready = true;
      this.childReady(slot);
    });
    child.onReloaded(() => {
      if (slot.child !== child || !this.reloadWaits?.delete(slot)) return;
      this.reloadStepped();
    });
    void child.exited.then((exit) => this.childExited(slot, child, exit));
  }

  private childReady(slot: Slot): void {
    if (this.announcedReady) {
      void this.ports.notify.status(`${CHILD_NAME[slot.kind]} child process respawned, pid ${slot.child!.pid}`);
      return;
    }
    if (!this.slots.every((s) => s.ready)) return;
    this.announcedReady = true;
    const pids = this.slots.map((s) => `${CHILD_NAME[s.kind]} pid ${s.child!.pid}`).join(', ');
    void this.ports.notify.ready(`running: ${pids}`);
    for (const l of this.readyListeners) l();
  }

  private tellChildren(): void {
    this.ports.childrenChanged?.(this.slots.flatMap((s) => (s.child ? [s.child.pid] : [])));
  }

  private childExited(slot: Slot, child: ChildHandle, exit: ChildExit): void {
    if (slot.child !== child) return;
    slot.child = undefined;
    // reaped: off the list in the same turn, before another signal can be read
    this.tellChildren();
    slot.ready = false;
    slot.diedAt = this.ports.scheduler.now();
    if (this.reloadWaits?.delete(slot)) this.reloadStepped();
    if (this.stopping) return;
    const name = CHILD_NAME[slot.kind];
    const how = exitDescription(`${name} child process(${child.pid})`, exit);
    if (how) this.ports.log.warn(how);
    const decision = decideRespawn({
      name,
      pid: child.pid,
      exit,
      ranMs: this.ports.scheduler.now() - slot.startedAt,
      backoff: slot.backoff,
      dontRespawn: this.o.dontRespawn,
    });
    switch (decision.action) {
      case 'terminate':
        this.ports.log.error(decision.message);
        void this.ports.notify.failed(decision.errno, decision.message);
        this.exitCode = decision.exitCode;
        void this.stop();
        return;
      case 'stop':
        // keepalived -R: the parent raises SIGTERM on itself
        this.ports.log.error(decision.message);
        void this.stop();
        return;
      case 'respawn': {
        for (const m of decision.messages) this.ports.log.warn(m);
        slot.backoff = decision.backoff;
        void this.ports.notify.status(`${name} child process died; respawning${decision.delayMs > 0 ? ` in ${decision.delayMs / 1000} s` : ''}`);
        if (decision.delayMs === 0) this.launch(slot);
        else slot.cancelRespawn = this.ports.scheduler.at(this.ports.scheduler.now() + decision.delayMs, () => this.launch(slot));
      }
    }
  }

  private async stopChildren(): Promise<void> {
    for (const slot of this.slots) slot.cancelRespawn?.();
    const live = this.slots.flatMap((s) => (s.child ? [{ slot: s, child: s.child }] : []));
    // the children first: a MASTER's priority-0 advert must not wait on a log line or a datagram to systemd
    for (const { child } of live) child.signal('SIGTERM');
    this.ports.log.info('Stopping');
    void this.ports.notify.stopping('Stopping');
    const waited = await this.within(this.o.childWaitMs, live.map((l) => l.child.exited));
    if (!waited) {
      for (const { slot, child } of live) {
        if (slot.child !== child) continue;
        this.ports.log.warn(`${CHILD_NAME[slot.kind]} process failed to die - forcing termination`);
        child.signal('SIGKILL');
      }
      await this.within(REAP_WAIT_MS, live.map((l) => l.child.exited));
    }
    this.resolveDone(this.exitCode);
  }

  /** Whether every promise settled within `ms`. */
  private within(ms: number, promises: readonly Promise<unknown>[]): Promise<boolean> {
    return new Promise((resolve) => {
      const cancel = this.ports.scheduler.at(this.ports.scheduler.now() + ms, () => resolve(false));
      void Promise.all(promises).then(() => {
        cancel();
        resolve(true);
      });
    });
  }
}
