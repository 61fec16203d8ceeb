// vrrp_track_process without the kernel: keepalived's name and parameter
// matching, the quorum rules with fork_delay / terminate_delay, the pid
// table fed with process events or polls from a fake process table on a
// fake clock, and the connector's message codec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProcEvent, listenRequest } from '../../../src/net/proc-events.js';
import { added, initialQuorum, matches, processDefinition, processesResult, recounted, removed, timerFired, type ProcessDefinition, type ProcessInfo } from '../../../src/notify/track-process.js';
import { parseStat, POLL_MS, ProcessWatcher, type ProcessSource, type QuorumChange } from '../../../src/notify/track-process-watcher.js';
import { FakeScheduler, loadModel } from '../vrrp/instance-fakes.js';
import { captureLog } from './log-capture.js';

const define = (body: string): ProcessDefinition => {
  const d = processDefinition(loadModel(`vrrp_track_process p {\n${body}\n}\n`).vrrpTrackProcess[0]!);
  assert.ok(d);
  return d;
};

const proc = (pid: number, comm: string, argv?: string[], ppid = 1): ProcessInfo => ({ pid, ppid, comm, ...(argv && { argv }), gone: false });

test('the definition: params imply exact matching of the full command; quorum_max 0 means none may run; delay sets both', () => {
  assert.deepEqual(
    { ...define('process nginx'), quorumMax: String(define('process nginx').quorumMax) },
    { name: 'p', path: 'nginx', params: [], paramMatch: 'none', fullCommand: false, quorum: 1, quorumMax: 'Infinity', forkDelayMs: 0, terminateDelayMs: 0, weight: 0, reverse: false },
  );
  const withParams = define('process /usr/sbin/nginx -g x');
  assert.equal(withParams.paramMatch, 'exact');
  assert.equal(withParams.fullCommand, true);
  assert.equal(define('process nginx\nparam_match partial').fullCommand, true);
  assert.equal(define('process nginx\nquorum_max 0').quorum, 0);
  const d = define('process nginx\ndelay 0.5\nfork_delay 2');
  assert.deepEqual([d.forkDelayMs, d.terminateDelayMs], [2000, 500]);
});

test('matching: comm by default, argv[0] with full_command; zombies never match', () => {
  const byComm = define('process tskadzz');
  assert.equal(matches(byComm, proc(10, 'tskadzz', ['/tmp/x/tskadzz', '600'])), true);
  assert.equal(matches(byComm, proc(10, 'tskadzz2')), false);
  assert.equal(matches(byComm, { ...proc(10, 'tskadzz'), gone: true }), false);
  const full = define('process /tmp/x/tskadzz\nfull_command');
  assert.equal(matches(full, proc(10, 'tskadzz', ['/tmp/x/tskadzz', '600'])), true);
  assert.equal(matches(full, proc(10, 'tskadzz', ['tskadzz', '600'])), false);
});

test('param_match: exact, partial (the first n), initial (the last as a prefix)', () => {
  const argv = ['/usr/bin/app', '-c', 'conf.yml', '-v'];
  const cases: Array<[string, boolean]> = [
    ['process /usr/bin/app -c conf.yml -v', true],
    ['process /usr/bin/app -c conf.yml', false],
    ['process /usr/bin/app -c conf.yml\nparam_match partial', true],
    ['process /usr/bin/app -c conf\nparam_match partial', false],
    ['process /usr/bin/app -c conf\nparam_match initial', true],
    ['process /usr/bin/app -c conf.yml -v -x\nparam_match partial', false],
    ['process /usr/bin/app\nparam_match', false],
  ];
  for (const [body, want] of cases) assert.equal(matches(define(body), proc(1, 'app', argv)), want, body);
  assert.equal(matches(define('process /usr/bin/app\nparam_match'), proc(1, 'app', ['/usr/bin/app'])), true);
});

test('quorum: up within [quorum, quorum_max]; only a crossing changes it', () => {
  const d = define('process x\nquorum 2\nquorum_max 3');
  let s = initialQuorum(d, 0);
  const ups: boolean[] = [];
  for (let i = 0; i < 4; i++) ups.push((s = added(d, s, 'match').state).up);
  for (let i = 0; i < 4; i++) ups.push((s = removed(d, s, 'exit').state).up);
  assert.deepEqual(ups, [false, true, true, false, true, true, false, false]);
});

test('fork_delay: a fork into quorum waits; an exit meanwhile cancels it without a change', () => {
  const d = define('process x\nfork_delay 2');
  const step = added(d, initialQuorum(d, 0), 'fork');
  assert.deepEqual(step, { state: { count: 1, up: false, timer: 'fork' }, arm: 'fork' });
  assert.deepEqual(timerFired(d, step.state).state, { count: 1, up: true });
  assert.deepEqual(removed(d, step.state, 'exit'), { state: { count: 0, up: false } });
  // a process that starts matching (exec) is counted at once
  assert.deepEqual(added(d, initialQuorum(d, 0), 'match'), { state: { count: 1, up: true } });
});

test('terminate_delay: an exit out of quorum waits; a fork meanwhile cancels it; a mismatch does not wait', () => {
  const d = define('process x\nterminate_delay 1.5');
  const up = initialQuorum(d, 1);
  const step = removed(d, up, 'exit');
  assert.deepEqual(step, { state: { count: 0, up: true, timer: 'terminate' }, arm: 'terminate' });
  assert.deepEqual(added(d, step.state, 'fork'), { state: { count: 1, up: true } });
  assert.deepEqual(timerFired(d, step.state).state, { count: 0, up: false });
  assert.deepEqual(removed(d, up, 'mismatch'), { state: { count: 0, up: false } });
  assert.deepEqual(recounted(d, up, 0), { state: { count: 0, up: true, timer: 'terminate' }, arm: 'terminate' });
  assert.deepEqual(recounted(d, initialQuorum(d, 0), 3), { state: { count: 3, up: true } });
});

test('weights: 0 is FAULT without quorum (reverse: with it); +w added with quorum, -w without; reverse flips', () => {
  const at = (weight: number, reverse: boolean, up: boolean) => processesResult([{ name: 'p', weight, reverse }], () => up);
  assert.deepEqual(at(0, false, false), { weight: 0, faults: ['tracked process p quorum not achieved'] });
  assert.deepEqual(at(0, false, true), { weight: 0, faults: [] });
  assert.deepEqual(at(0, true, true), { weight: 0, faults: ['tracked process p quorum achieved'] });
  assert.deepEqual(at(30, false, true).weight, 30);
  assert.deepEqual(at(30, false, false).weight, 0);
  assert.deepEqual(at(-30, false, false).weight, -30);
  assert.deepEqual(at(30, true, true).weight, -30);
  assert.deepEqual(at(-30, true, false).weight, 30);
});

/** A process table the test edits; list() resolves with it at once. */
class FakeTable implements ProcessSource {
  readonly procs = new Map<number, ProcessInfo>();
  set(...ps: ProcessInfo[]): void {
    for (const p of ps) this.procs.set(p.pid, p);
  }
  listSync = (): ProcessInfo[] => [...this.procs.values()];
  list = (): Promise<ProcessInfo[]> => Promise.resolve(this.listSync());
  read = (pid: number): ProcessInfo | undefined => this.procs.get(pid);
}

function watch(body: string, table: FakeTable, events?: 'poll') {
  const scheduler = new FakeScheduler();
  const { log, lines } = captureLog();
  const w = new ProcessWatcher([define(body)], { log, scheduler, source: table, ...(events && { events }) });
  const changes: QuorumChange[] = [];
  w.on('change', (c) => changes.push(c));
  return { w, scheduler, lines, changes };
}

test('watcher: the initial scan counts; fork, exec, comm and exit events move the count', () => {
  const table = new FakeTable();
  table.set(proc(100, 'tskadzz'), proc(101, 'bash'));
  const { w, changes, lines } = watch('process tskadzz\nquorum 2', table);
  assert.deepEqual([w.count('p'), w.up('p')], [1, false]);
  w.handle({ type: 'fork', parent: 100, child: 102 });
  assert.deepEqual([w.count('p'), w.up('p')], [2, true]);
  // the child execs into something else: no longer counted, at once
  table.set(proc(102, 'cat'));
  w.handle({ type: 'exec', pid: 102 });
  assert.equal(w.count('p'), 1);
  // bash renames itself
  table.set(proc(101, 'tskadzz'));
  w.handle({ type: 'comm', pid: 101, comm: 'tskadzz' });
  assert.equal(w.count('p'), 2);
  w.handle({ type: 'exit', pid: 101 });
  w.handle({ type: 'exit', pid: 555 });
  assert.deepEqual(changes, [
    { name: 'p', up: true, count: 2 },
    { name: 'p', up: false, count: 1 },
    { name: 'p', up: true, count: 2 },
    { name: 'p', up: false, count: 1 },
  ]);
  assert.deepEqual(lines.filter((l) => l.startsWith('Quorum')), ['Quorum gained for tracked process p', 'Quorum lost for tracked process p', 'Quorum gained for tracked process p', 'Quorum lost for tracked process p']);
});

test('watcher: terminate_delay runs on the clock; a matching process starting within it cancels the loss', () => {
  const table = new FakeTable();
  table.set(proc(100, 'tskadzz'));
  const { w, scheduler, changes } = watch('process tskadzz\nterminate_delay 1.5', table);
  w.handle({ type: 'exit', pid: 100 });
  scheduler.advance(1499);
  assert.equal(changes.length, 0);
  scheduler.advance(1);
  assert.deepEqual(changes, [{ name: 'p', up: false, count: 0 }]);
  table.set(proc(200, 'tskadzz'));
  w.handle({ type: 'exec', pid: 200 });
  w.handle({ type: 'exit', pid: 200 });
  scheduler.advance(1000);
  table.set(proc(201, 'tskadzz'));
  w.handle({ type: 'exec', pid: 201 });
  scheduler.advance(5000);
  assert.deepEqual(
    changes.map((c) => c.up),
    [false, true],
  );
  assert.equal(w.up('p'), true);
});

test('watcher polling: new, changed and vanished processes, forks of counted ones wait fork_delay', async () => {
  const table = new FakeTable();
  table.set(proc(100, 'tskadzz'));
  const { w, scheduler, changes } = watch('process tskadzz\nquorum 2\nfork_delay 1', table, 'poll');
  w.start();
  const flush = () => new Promise((r) => setImmediate(r));
  // the next poll sees the table as it is now (a listing still pending from an earlier tick is let through first)
  const poll = async () => {
    await flush();
    scheduler.advance(POLL_MS);
    await flush();
  };
  table.set(proc(101, 'tskadzz', undefined, 100));
  await poll();
  assert.deepEqual([w.count('p'), w.up('p')], [2, false]);
  scheduler.advance(1000);
  assert.equal(w.up('p'), true);
  table.set({ ...proc(101, 'tskadzz', undefined, 100), gone: true });
  await poll();
  assert.deepEqual([w.count('p'), w.up('p')], [1, false]);
  table.set(proc(101, 'other'), proc(102, 'tskadzz'));
  await poll();
  assert.deepEqual([w.count('p'), w.up('p')], [2, true]);
  table.set(proc(102, 'renamed'));
  await poll();
  assert.deepEqual(changes.map((c) => `${c.up}/${c.count}`), ['true/2', 'false/1', 'true/2', 'false/1']);
  w.close();
  await poll();
});

test('watcher: a rescan after lost events recounts every definition', async () => {
  const table = new FakeTable();
  const { w, changes } = watch('process tskadzz', table);
  table.set(proc(300, 'tskadzz'), proc(301, 'tskadzz'));
  await w.rescan();
  assert.deepEqual(changes, [{ name: 'p', up: true, count: 2 }]);
  w.handle({ type: 'exit', pid: 300 });
  w.handle({ type: 'exit', pid: 301 });
  assert.equal(w.up('p'), false);
});

test('/proc/PID/stat: a comm with spaces and parentheses; zombies are gone', () => {
  assert.deepEqual(parseStat(7, '7 (a) b)) S 3 7 7 0', undefined), { pid: 7, ppid: 3, comm: 'a) b)', gone: false });
  assert.equal(parseStat(7, '7 (x) Z 3 7', ['x'])!.gone, true);
  assert.equal(parseStat(7, 'garbage', undefined), undefined);
});

/** A connector message as the kernel sends it: nlmsghdr, cn_msg, proc_event. */
function connectorMessage(what: number, data: number[], ack = 0): Buffer {
  const b = Buffer.alloc(16 + 20 + 16 + 24);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(3, 4);
  b.writeUInt32LE(1, 16);
  b.writeUInt32LE(1, 20);
  b.writeUInt32LE(ack, 28);
  b.writeUInt16LE(40, 32);
  b.writeUInt32LE(what, 36);
  data.forEach((v, i) => b.writeUInt32LE(v, 52 + 4 * i));
  return b;
}

test('connector codec: the listen request, and fork / exec / comm / exit of processes, not threads', () => {
  assert.equal(listenRequest(1234).toString('hex'), '2800000003000000000000' + '00d2040000' + '01000000010000000000000000000000' + '04000000' + '01000000');
  assert.equal(listenRequest(1234, false).readUInt32LE(36), 2, 'PROC_CN_MCAST_IGNORE');
  assert.deepEqual(decodeProcEvent(connectorMessage(0, [0], 1)), { type: 'ack' });
  assert.equal(decodeProcEvent(connectorMessage(0, [0], 0)), undefined);
  assert.deepEqual(decodeProcEvent(connectorMessage(1, [10, 10, 11, 11])), { type: 'fork', parent: 10, child: 11 });
  assert.equal(decodeProcEvent(connectorMessage(1, [10, 10, 12, 11])), undefined, 'a new thread');
  assert.deepEqual(decodeProcEvent(connectorMessage(2, [11, 11])), { type: 'exec', pid: 11 });
  assert.deepEqual(decodeProcEvent(connectorMessage(0x80000000, [11, 11, 0, 17])), { type: 'exit', pid: 11 });
  const comm = connectorMessage(0x200, [11, 11]);
  comm.write('tskadzz\0', 60, 'latin1');
  assert.deepEqual(decodeProcEvent(comm), { type: 'comm', pid: 11, comm: 'tskadzz' });
  assert.equal(decodeProcEvent(Buffer.alloc(10)), undefined);
});
