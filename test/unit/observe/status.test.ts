// The status socket and `tskad status`: a real unix socket at a temp path,
// its mode, the exchange, the table and the JSON, and the ways a client or
// a leftover socket can go wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStatusServer, StatusSocketBusyError, type InstanceStatus, type StatusSnapshot } from '../../../src/observe/status.js';
import { queryStatus, renderStatus, renderStatusJson, StatusQueryError } from '../../../src/observe/status-client.js';
import { STAT_NAMES, type Stats } from '../../../src/vrrp/instance.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tskad-status-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const stats = (over: Partial<Stats> = {}): Stats => ({ ...(Object.fromEntries(STAT_NAMES.map((n) => [n, 0])) as Stats), ...over });

const VI_1: InstanceStatus = {
  name: 'VI_1',
  vrid: 51,
  family: 4,
  interface: 'eth0',
  state: 'MASTER',
  basePriority: 150,
  effectivePriority: 150,
  master: '192.0.2.1',
  lastTransition: { at: '2026-11-22T00:51:29.000Z', from: 'BACKUP', reason: 'master-down-timer' },
  vips: ['192.0.2.100/24', '192.0.2.101/24'],
  excludedVips: [],
  faults: [],
  tracked: [{ kind: 'interface', name: 'eth1', up: true, weight: -20 }],
  stats: stats({ advert_rcvd: 3, advert_sent: 1200 }),
};

const VI_6: InstanceStatus = {
  name: 'VI_6',
  vrid: 52,
  family: 6,
  interface: 'eth0',
  state: 'FAULT',
  basePriority: 100,
  effectivePriority: 80,
  syncGroup: 'G1',
  vips: ['2001:db8::100/64'],
  excludedVips: ['2001:db8::200/64'],
  faults: ['eth2 down'],
  tracked: [{ kind: 'interface', name: 'eth2', up: false, weight: 0 }],
  stats: stats({ advert_rcvd: 10, addr_list_err: 2, ip_ttl_err: 1 }),
};

const SNAPSHOT: StatusSnapshot = { version: 1, pid: 4242, startedAt: '2026-11-22T00:51:26.000Z', vrrp: [VI_1, VI_6] };

/** One raw exchange: sends `request` as is, returns what comes back before the server closes. */
function exchange(path: string, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const s = connect(path, () => s.write(request));
    s.setEncoding('utf8');
    s.on('data', (c: string) => (text += c));
    s.on('end', () => resolve(text));
    s.on('error', reject);
  });
}

test('root-only socket (mode 0600) answering the live snapshot; `tskad status --json` gives it back whole', async (t) => {
  const path = join(tempDir(t), 'tskad', 'status.sock');
  let calls = 0;
  const server = await startStatusServer({ path, snapshot: () => (calls++, SNAPSHOT) });
  t.after(() => server.close());
  const st = statSync(path);
  assert.ok(st.isSocket());
  assert.equal(st.mode & 0o777, 0o600);
  assert.equal(st.uid, process.getuid!());
  const got = await queryStatus(path);
  assert.deepEqual(got, SNAPSHOT);
  assert.deepEqual(JSON.parse(renderStatusJson(got)), SNAPSHOT);
  await queryStatus(path);
  assert.equal(calls, 2, 'a fresh snapshot per request');
});

test('`tskad status`: one row per instance, then what it tracks, its faults and its receive errors', () => {
  assert.equal(
    renderStatus(SNAPSHOT),
    [
      'tskad pid 4242, running since 2026-11-22T00:51:26.000Z',
      'INSTANCE  VRID  INTERFACE  STATE   PRIORITY  MASTER     ADVERTS RX/TX  VIPS',
      'VI_1      51    eth0       MASTER  150       192.0.2.1  3/1200         192.0.2.100/24 192.0.2.101/24',
      '    track interface eth1: up (weight -20)',
      '    since 2026-11-22T00:51:29.000Z, from BACKUP (master-down-timer)',
      'VI_6      52    eth0       FAULT   80 (100)  -          10/0           2001:db8::100/64',
      '    fault: eth2 down',
      '    track interface eth2: down',
      '    receive errors: ip_ttl_err 1, addr_list_err 2',
      '    excluded VIPs: 2001:db8::200/64',
      '',
    ].join('\n'),
  );
  assert.equal(renderStatus({ ...SNAPSHOT, vrrp: [] }), 'tskad pid 4242, running since 2026-11-22T00:51:26.000Z\nno VRRP instances\n');
});

test('`tskad status`: how many timer expiries came late, and why, under the first line', () => {
  const timers = { expiries: 90_000, lateAfterMs: 1, late: { wakeup: 12, runqueue: 3, busy: 1 } };
  assert.equal(renderStatus({ ...SNAPSHOT, timers }).split('\n')[1], 'timers: 90000 expiries, 16 more than 1 ms late (wakeup 12, runqueue 3, busy 1)');
  const onTime = { ...timers, late: { wakeup: 0, runqueue: 0, busy: 0 } };
  assert.equal(renderStatus({ ...SNAPSHOT, timers: onTime }).split('\n')[1], 'timers: 90000 expiries, 0 more than 1 ms late');
});

test('`tskad status`: each kind of tracked object with its state, weight and direction', () => {
  const tracked: InstanceStatus['tracked'] = [
    { kind: 'interface', name: 'eth1', up: false, weight: -20, reverse: true },
    { kind: 'script', name: 'chk_ok', up: true, weight: 10 },
    { kind: 'script', name: 'chk_slow', up: false, weight: 0, pending: true },
    { kind: 'file', name: 'tf_ok', up: true, weight: 5, value: 2 },
    { kind: 'file', name: 'tf_flag', up: false, weight: 0, value: 1 },
    { kind: 'process', name: 'nginx', up: true, weight: 0, count: 2 },
  ];
  const lines = renderStatus({ ...SNAPSHOT, vrrp: [{ ...VI_1, tracked }] }).split('\n');
  assert.deepEqual(lines.filter((l) => l.startsWith('    track ')), [
    '    track interface eth1: down (weight -20 reverse)',
    '    track script chk_ok: up (weight +10)',
    '    track script chk_slow: no result yet',
    '    track file tf_ok: value 2 (weight +5)',
    '    track file tf_flag: value 1, down',
    '    track process nginx: up, 2 running',
  ]);
});

test('an asynchronous snapshot provider works; a failing one is an error answer, and the server goes on', async (t) => {
  const path = join(tempDir(t), 'status.sock');
  let fail = true;
  const errors: string[] = [];
  const server = await startStatusServer({
    path,
    snapshot: async () => {
      if (fail) throw new Error('instances are being rebuilt');
      return SNAPSHOT;
    },
    onError: (m) => errors.push(m),
  });
  t.after(() => server.close());
  await assert.rejects(queryStatus(path), (e: unknown) => e instanceof StatusQueryError && /snapshot failed: instances are being rebuilt/.test(e.message));
  assert.deepEqual(errors, ['status snapshot failed: instances are being rebuilt']);
  fail = false;
  assert.deepEqual(await queryStatus(path), SNAPSHOT);
});

test('bad requests get an error line, never a crash: not JSON, unknown command, too long', async (t) => {
  const path = join(tempDir(t), 'status.sock');
  const server = await startStatusServer({ path, snapshot: () => SNAPSHOT });
  t.after(() => server.close());
  assert.deepEqual(JSON.parse(await exchange(path, 'hello\n')), { ok: false, error: 'request is not JSON' });
  assert.deepEqual(JSON.parse(await exchange(path, '{"command":"reload"}\n')), { ok: false, error: 'unknown command "reload" (known: "status")' });
  assert.deepEqual(JSON.parse(await exchange(path, 'x'.repeat(10_000))), { ok: false, error: 'request too long' });
  assert.deepEqual(await queryStatus(path), SNAPSHOT);
});

test("a dead daemon's socket is replaced; a live one's, or a file that is not a socket, stops the start", async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'status.sock');
  // a socket file with nobody behind it, as a SIGKILLed daemon leaves it
  const daemon = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => daemon.stdout.once('data', r));
  daemon.kill('SIGKILL');
  await new Promise((r) => daemon.once('exit', r));
  assert.ok(statSync(path).isSocket());
  const server = await startStatusServer({ path, snapshot: () => SNAPSHOT });
  t.after(() => server.close());
  assert.deepEqual(await queryStatus(path), SNAPSHOT);

  await assert.rejects(startStatusServer({ path, snapshot: () => SNAPSHOT }), (e: unknown) => e instanceof StatusSocketBusyError && /another daemon answers/.test(e.message));
  const file = join(dir, 'not-a-socket');
  writeFileSync(file, 'data');
  await assert.rejects(startStatusServer({ path: file, snapshot: () => SNAPSHOT }), /is not a socket; not touching it/);
});

test('the client says why it cannot ask: not running, or not answering', async (t) => {
  const dir = tempDir(t);
  await assert.rejects(queryStatus(join(dir, 'none.sock')), { message: `tskad is not running (no status socket at ${join(dir, 'none.sock')})` });
  const silent = join(dir, 'silent.sock');
  const mute = createServer(() => undefined);
  await new Promise<void>((r) => mute.listen(silent, r));
  t.after(() => mute.close());
  await assert.rejects(queryStatus(silent, 200), { message: `tskad did not answer on ${silent} within 200 ms` });
});

test('close() removes the socket', async (t) => {
  const path = join(tempDir(t), 'status.sock');
  const server = await startStatusServer({ path, snapshot: () => SNAPSHOT });
  await server.close();
  assert.throws(() => statSync(path), { code: 'ENOENT' });
});
