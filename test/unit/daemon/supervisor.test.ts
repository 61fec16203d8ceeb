// The supervisor's policy with fake children and a fake clock: READY once
// every child is up, keepalived's respawn backoff, permanent exits and -R
// ending the supervisor, signals relayed by keepalived's table, a reload
// refused while the configuration has errors, RELOADING=1 then READY=1 once
// the child has reloaded, a HUP during a reload queued, a respawned child told
// how long ago its predecessor died, and a stop that waits child_wait_time
// before SIGKILL; the live children's pids told as they change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXIT, type ChildExit } from '../../../src/daemon/respawn.js';
import { routeOf } from '../../../src/daemon/signals.js';
import { Supervisor, type ChildHandle, type Respawn, type SupervisorPorts } from '../../../src/daemon/supervisor.js';
import type { Scheduler } from '../../../src/vrrp/scheduler.js';

class FakeClock implements Scheduler {
  private t = 0;
  private timers: { at: number; fire: (lateMs: number) => void }[] = [];
  now = (): number => this.t;
  at = (time: number, fire: (lateMs: number) => void) => {
    const timer = { at: time, fire };
    this.timers.push(timer);
    return () => void (this.timers = this.timers.filter((x) => x !== timer));
  };
  /** moves time on, firing what falls due in order */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fire(0);
      await settle();
    }
    this.t = end;
    await settle();
  }
}

const settle = () => new Promise<void>((r) => setImmediate(r));

class FakeChild implements ChildHandle {
  readonly signals: (number | NodeJS.Signals)[] = [];
  private readonly ready: (() => void)[] = [];
  private readonly reloadedListeners: (() => void)[] = [];
  private resolveExit!: (e: ChildExit) => void;
  readonly exited = new Promise<ChildExit>((r) => (this.resolveExit = r));
  constructor(
    readonly pid: number,
    /** what it does on SIGTERM: exit 0, or nothing (a hung child) */
    private readonly onTerm: 'exit' | 'hang' = 'exit',
    readonly respawn?: Respawn,
  ) {}
  onReady(l: () => void): void {
    this.ready.push(l);
  }
  up(): void {
    for (const l of this.ready) l();
  }
  onReloaded(l: () => void): void {
    this.reloadedListeners.push(l);
  }
  reloaded(): void {
    for (const l of this.reloadedListeners) l();
  }
  exit(e: ChildExit): void {
    this.resolveExit(e);
  }
  signal(s: number | NodeJS.Signals): void {
    this.signals.push(s);
    if (s === 'SIGKILL') this.exit({ code: null, signal: 'SIGKILL' });
    if (s === 'SIGTERM' && this.onTerm === 'exit') this.exit({ code: 0, signal: null });
  }
}

function harness(o: { dontRespawn?: boolean; onTerm?: 'exit' | 'hang'; configProblems?: string[] } = {}) {
  const clock = new FakeClock();
  const children: FakeChild[] = [];
  const logs: string[] = [];
  const notes: string[] = [];
  const alive: number[][] = [];
  const ports: SupervisorPorts = {
    start: (_kind, respawn) => {
      const c = new FakeChild(100 + children.length, o.onTerm, respawn);
      children.push(c);
      return c;
    },
    scheduler: clock,
    log: {
      info: ((m: string) => void logs.push(m)) as never,
      warn: ((m: string) => void logs.push(m)) as never,
      error: ((m: string) => void logs.push(m)) as never,
    },
    notify: {
      ready: async (s) => void notes.push(`READY ${s}`),
      status: async (s) => void notes.push(`STATUS ${s}`),
      stopping: async (s) => void notes.push(`STOPPING ${s}`),
      reloading: async (s) => void notes.push(`RELOADING ${s}`),
      failed: async (errno, s) => void notes.push(`ERRNO=${errno} ${s}`),
    },
    validateConfig: () => o.configProblems ?? [],
    childrenChanged: (pids) => void alive.push([...pids]),
  };
  const sup = new Supervisor({ children: ['vrrp'], dontRespawn: o.dontRespawn ?? false, childWaitMs: 5000 }, ports);
  let code: number | undefined;
  void sup.done.then((c) => (code = c));
  return { sup, clock, children, logs, notes, alive, code: () => code };
}

const killed: ChildExit = { code: null, signal: 'SIGKILL' };

test('READY=1 once the VRRP child is up, and only once; a respawned child is a STATUS line', async () => {
  const h = harness();
  h.sup.start();
  assert.deepEqual(h.logs, ['Starting VRRP child process, pid=100']);
  assert.deepEqual(h.notes, []);
  h.children[0]!.up();
  assert.deepEqual(h.notes, ['READY running: VRRP pid 100']);
  h.children[0]!.exit(killed);
  await settle();
  h.children[1]!.up();
  assert.deepEqual(h.notes.slice(1), ['STATUS VRRP child process died; respawning', 'STATUS VRRP child process respawned, pid 101']);
});

test('the live children are told at each start and each reaping, for the native stop relay', async () => {
  const h = harness();
  h.sup.start();
  h.children[0]!.exit(killed);
  await settle();
  assert.deepEqual(h.alive, [[100], [], [101]]);
  void h.sup.stop();
  await settle();
  assert.deepEqual(h.alive.slice(3), [[]]);
});

test("a child that keeps dying is respawned at once, then after 1 s and 2 s (keepalived's backoff)", async () => {
  const h = harness();
  h.sup.start();
  h.children[0]!.exit(killed);
  await settle();
  assert.equal(h.children.length, 2, 'at once');
  assert.ok(h.logs.includes('VRRP child process(100) died: Respawning'));
  h.children[1]!.exit(killed);
  await settle();
  assert.ok(h.logs.includes('Restart of VRRP process delayed 1 seconds to limit respawn rate'));
  await h.clock.advance(999);
  assert.equal(h.children.length, 2, 'not before 1 s');
  await h.clock.advance(1);
  assert.equal(h.children.length, 3);
  h.children[2]!.exit(killed);
  await settle();
  await h.clock.advance(1999);
  assert.equal(h.children.length, 3, 'not before 2 s');
  await h.clock.advance(1);
  assert.equal(h.children.length, 4);
});

test('a child that ran for a minute is respawned at once with a fresh backoff', async () => {
  const h = harness();
  h.sup.start();
  h.children[0]!.exit(killed);
  await settle();
  await h.clock.advance(60_000);
  h.children[1]!.exit(killed);
  await settle();
  assert.equal(h.children.length, 3);
});

test('a permanent error (CONFIG) ends the supervisor with that code and tells systemd EINVAL', async () => {
  const h = harness();
  h.sup.start();
  h.children[0]!.exit({ code: EXIT.CONFIG, signal: null });
  await h.clock.advance(0);
  assert.equal(h.code(), EXIT.CONFIG);
  assert.equal(h.children.length, 1, 'no respawn');
  assert.ok(h.logs.includes('VRRP exited with permanent error CONFIG. Terminating'));
  assert.ok(h.notes.includes('ERRNO=22 VRRP exited with permanent error CONFIG. Terminating'));
});

test('-R: a dead child stops the supervisor, as SIGTERM would', async () => {
  const h = harness({ dontRespawn: true });
  h.sup.start();
  h.children[0]!.exit(killed);
  await h.clock.advance(0);
  assert.equal(h.code(), EXIT.OK);
  assert.equal(h.children.length, 1);
  assert.ok(h.logs.includes('VRRP child process(100) died: Exiting'));
});

test('SIGTERM: the child gets SIGTERM, nothing is respawned, the supervisor ends with 0', async () => {
  const h = harness();
  h.sup.start();
  h.children[0]!.up();
  h.sup.signal(routeOf(15)!);
  await h.clock.advance(0);
  assert.deepEqual(h.children[0]!.signals, ['SIGTERM']);
  assert.equal(h.code(), EXIT.OK);
  assert.equal(h.children.length, 1);
  assert.ok(h.notes.includes('STOPPING Stopping'));
});

test('a child that ignores SIGTERM is SIGKILLed after child_wait_time', async () => {
  const h = harness({ onTerm: 'hang' });
  h.sup.start();
  h.sup.signal(routeOf(2)!);
  await h.clock.advance(4999);
  assert.equal(h.code(), undefined);
  await h.clock.advance(1);
  assert.deepEqual(h.children[0]!.signals, ['SIGTERM', 'SIGKILL']);
  assert.ok(h.logs.includes('VRRP process failed to die - forcing termination'));
  assert.equal(h.code(), EXIT.OK);
});

test('stopping during a delayed respawn cancels it', async () => {
  const h = harness();
  h.sup.start();
  h.children[0]!.exit(killed);
  await settle();
  h.children[1]!.exit(killed);
  await settle();
  h.sup.signal(routeOf(15)!);
  await h.clock.advance(5000);
  assert.equal(h.code(), EXIT.OK);
  assert.equal(h.children.length, 2);
});

test("signals reach the VRRP child by keepalived's table: HUP, USR1, USR2, STATS_CLEAR and JSON", async () => {
  const h = harness();
  h.sup.start();
  for (const n of [1, 10, 12, 63, 36]) h.sup.signal(routeOf(n)!);
  assert.deepEqual(h.children[0]!.signals, [1, 10, 12, 63, 36]);
  assert.ok(h.logs.includes('Reloading'));
});

test('HUP: RELOADING=1, then READY=1 once the child says it reloaded', () => {
  const h = harness();
  h.sup.start();
  h.children[0]!.up();
  h.notes.splice(0);
  h.sup.signal(routeOf(1)!);
  assert.deepEqual(h.children[0]!.signals, [1]);
  assert.deepEqual(h.notes, ['RELOADING Reloading']);
  h.children[0]!.reloaded();
  assert.deepEqual(h.notes, ['RELOADING Reloading', 'READY Reload finished']);
});

test('a HUP during a reload waits for its end; any more of them make one reload', () => {
  const h = harness();
  h.sup.start();
  h.children[0]!.up();
  h.sup.signal(routeOf(1)!);
  h.sup.signal(routeOf(1)!);
  h.sup.signal(routeOf(1)!);
  assert.deepEqual(h.children[0]!.signals, [1], 'one at a time');
  h.children[0]!.reloaded();
  assert.deepEqual(h.children[0]!.signals, [1, 1], 'the queued one, once');
  h.children[0]!.reloaded();
  assert.deepEqual(h.children[0]!.signals, [1, 1]);
  assert.deepEqual(h.notes.filter((n) => n.startsWith('RELOADING') || n === 'READY Reload finished').length, 4);
});

test('a child that dies during a reload ends it: READY=1, and the respawned one reads the new configuration', async () => {
  const h = harness();
  h.sup.start();
  h.children[0]!.up();
  h.sup.signal(routeOf(1)!);
  h.children[0]!.exit(killed);
  await settle();
  assert.ok(h.notes.includes('READY Reload finished'));
  assert.equal(h.children.length, 2);
});

test('a respawned child is told how long ago its predecessor died; the first one is not', async () => {
  const h = harness();
  h.sup.start();
  assert.equal(h.children[0]!.respawn, undefined);
  h.children[0]!.exit(killed);
  await settle();
  assert.deepEqual(h.children[1]!.respawn, { downMs: 0 }, 'respawned at once');
  h.children[1]!.exit(killed);
  await settle();
  await h.clock.advance(1000);
  assert.deepEqual(h.children[2]!.respawn, { downMs: 1000 }, 'after the 1 s backoff');
});

test('HUP with a broken configuration: its errors are logged and the child is not told', () => {
  const h = harness({ configProblems: ['k.conf:3:1: error: unknown keyword'] });
  h.sup.start();
  h.sup.signal(routeOf(1)!);
  assert.deepEqual(h.children[0]!.signals, []);
  assert.ok(h.logs.includes('k.conf:3:1: error: unknown keyword'));
  assert.ok(h.logs.includes('Reload failed: the configuration has errors; keeping the running configuration'));
});
