// The tracking glue (notify/vrrp-tracking.ts) with real instances on a fake
// clock, a fake script runner, a temporary track_file and a fake process
// table: every kind of tracked object moves the same instance's effective
// priority without wiping the others' weights, weight 0 holds it in FAULT,
// each change is logged with the priority before and after (and the
// peer's), and trackedObjects() shows what each object says now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realHostEnv } from '../../../src/config/hostcheck.js';
import { ScriptGate } from '../../../src/notify/script-gate.js';
import type { RunRequest, ScriptResult } from '../../../src/notify/script-runner.js';
import type { ProcessInfo } from '../../../src/notify/track-process.js';
import { POLL_MS, type ProcessSource } from '../../../src/notify/track-process-watcher.js';
import { SETTLE_MS } from '../../../src/notify/track-file-watcher.js';
import { VrrpTracking } from '../../../src/notify/vrrp-tracking.js';
import { FakeScheduler, loadModel, makeInstance, peerPacket } from '../vrrp/instance-fakes.js';
import { captureLog } from './log-capture.js';

class FakeTable implements ProcessSource {
  readonly procs = new Map<number, ProcessInfo>();
  start(pid: number, comm: string): void {
    this.procs.set(pid, { pid, ppid: 1, comm, gone: false });
  }
  listSync = (): ProcessInfo[] => [...this.procs.values()];
  list = (): Promise<ProcessInfo[]> => Promise.resolve(this.listSync());
  read = (pid: number): ProcessInfo | undefined => this.procs.get(pid);
}

/** Script runs that wait for the test to end them. */
class FakeRunner {
  readonly runs: Array<{ req: RunRequest; end: (r: ScriptResult) => void }> = [];
  run = (req: RunRequest): Promise<ScriptResult> => new Promise((end) => this.runs.push({ req, end }));
  exit(code: number): Promise<void> {
    this.runs.at(-1)!.end({ outcome: { kind: 'exited', code }, durationMs: 1, output: '', truncated: 0 });
    return new Promise((r) => setImmediate(r));
  }
}

const flush = () => new Promise<void>((r) => setImmediate(r));

function setup(conf: (dir: string) => string, o: { processes?: FakeTable } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tskad-vrrp-tracking-'));
  const config = loadModel(conf(dir));
  const scheduler = new FakeScheduler();
  const { vrrp } = makeInstance('', { config, scheduler });
  const { log, lines } = captureLog();
  const runner = new FakeRunner();
  const table = o.processes ?? new FakeTable();
  const tracking = new VrrpTracking(config, [{ vrrp, instance: config.vrrpInstance[0]!, interfaces: () => ({ weight: 0, faults: [] }) }], {
    log,
    gate: new ScriptGate(config.globalDefs, realHostEnv(), log),
    run: runner.run,
    scheduler,
    processes: { source: table, events: 'poll' },
  });
  const poll = async () => {
    await flush();
    scheduler.advance(POLL_MS);
    await flush();
  };
  const done = () => {
    tracking.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, vrrp, tracking, runner, table, lines, scheduler, poll, done };
}

const ALL = (dir: string) => `
vrrp_script chk {
    script /bin/true
    weight -20
}
track_file tf {
    file ${dir}/tf
    weight 5
}
vrrp_track_process proc {
    process tskadzz
    weight 30
}
vrrp_instance VI_1 {
    state BACKUP
    interface lo
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        192.0.2.100/24
    }
    track_script {
        chk
    }
    track_file {
        tf
    }
    track_process {
        proc
    }
}
`;

test('scripts, files and processes add up on one instance; each change is logged with the priority before and after', async () => {
  const t = setup(ALL);
  try {
    t.tracking.refresh();
    t.vrrp.start();
    t.tracking.start();
    assert.equal(t.vrrp.priority, 100);
    t.vrrp.receive(peerPacket({ priority: 110 }));
    assert.equal(t.vrrp.peerPriority, 110);

    t.table.start(4242, 'tskadzz');
    await t.poll();
    assert.equal(t.vrrp.priority, 130);
    assert.ok(t.lines.includes('Quorum gained for tracked process proc'), t.lines.join('\n'));
    assert.ok(t.lines.includes('(VI_1) tracked process proc quorum gained (1 running): effective priority 100 -> 130 (weight +30); the peer advertises 110, now above it'), t.lines.join('\n'));

    await t.runner.exit(1);
    assert.equal(t.vrrp.priority, 110, 'the failing script subtracts 20; the process keeps its 30');

    writeFileSync(join(t.dir, 'tf'), '2\n');
    await new Promise((r) => setTimeout(r, SETTLE_MS * 5));
    assert.equal(t.vrrp.priority, 120);

    t.table.procs.delete(4242);
    await t.poll();
    assert.equal(t.vrrp.priority, 90);
    assert.ok(t.lines.includes('(VI_1) tracked process proc quorum lost (0 running): effective priority 120 -> 90; the peer advertises 110, now below it'), t.lines.join('\n'));

    assert.deepEqual(
      t.tracking.trackedObjects().map((o) => [o.kind, o.name, o.up, o.adds, o.fault]),
      [
        ['script', 'chk', false, -20, false],
        ['file', 'tf', undefined, 10, false],
        ['process', 'proc', false, 0, false],
      ],
    );
  } finally {
    t.done();
  }
});

test('weight 0: no process at start is FAULT, logged as keepalived logs it; the process starting ends it', async () => {
  const t = setup(
    () => `
vrrp_track_process proc {
    process tskadzz
}
vrrp_instance VI_1 {
    state BACKUP
    interface lo
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        192.0.2.100/24
    }
    track_process {
        proc
    }
}
`,
  );
  try {
    assert.ok(t.lines.includes('(VI_1) entering FAULT state (tracked process proc quorum not achieved)'), t.lines.join('\n'));
    t.tracking.refresh();
    t.vrrp.start();
    assert.equal(t.vrrp.state, 'FAULT');
    t.tracking.start();
    t.table.start(7, 'tskadzz');
    await t.poll();
    assert.equal(t.vrrp.state, 'BACKUP');
    t.table.procs.delete(7);
    await t.poll();
    assert.equal(t.vrrp.state, 'FAULT');
    assert.ok(t.lines.includes('(VI_1) tracked process proc quorum lost (0 running): FAULT while it lasts'), t.lines.join('\n'));
  } finally {
    t.done();
  }
});

test('a process already running at start counts before the instance starts; an unknown name is dropped with keepalived\'s words', () => {
  const table = new FakeTable();
  table.start(9, 'tskadzz');
  const t = setup(
    () => `
vrrp_track_process proc {
    process tskadzz
    weight -10
}
vrrp_instance VI_1 {
    state BACKUP
    interface lo
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        192.0.2.100/24
    }
    track_process {
        proc weight 15
        nosuch
    }
}
`,
    { processes: table },
  );
  try {
    t.tracking.refresh();
    assert.equal(t.vrrp.priority, 115, 'the instance\'s weight 15 replaces the process\'s -10');
    assert.ok(t.lines.includes('(VI_1) track process nosuch not found, ignoring...'), t.lines.join('\n'));
  } finally {
    t.done();
  }
});

test('a sync group\'s track_process applies to its members', () => {
  const table = new FakeTable();
  table.start(9, 'tskadzz');
  const config = loadModel(`
vrrp_track_process proc {
    process tskadzz
    weight 7
}
vrrp_sync_group G {
    group {
        VI_1
    }
    track_process {
        proc
    }
    sync_group_tracking_weight
}
vrrp_instance VI_1 {
    state BACKUP
    interface lo
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        192.0.2.100/24
    }
}
`);
  const scheduler = new FakeScheduler();
  const { vrrp } = makeInstance('', { config, scheduler });
  const { log } = captureLog();
  const tracking = new VrrpTracking(
    config,
    [{ vrrp, instance: config.vrrpInstance[0]!, group: { config: config.vrrpSyncGroup[0]!, hasOwner: false }, interfaces: () => ({ weight: 0, faults: [] }) }],
    { log, gate: new ScriptGate(config.globalDefs, realHostEnv(), log), run: () => new Promise(() => {}), scheduler, processes: { source: table, events: 'poll' } },
  );
  try {
    tracking.refresh();
    assert.equal(vrrp.priority, 107);
  } finally {
    tracking.stop();
  }
});
