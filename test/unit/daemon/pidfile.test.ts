// Pid files as keepalived 2.2.7 names and writes them (checked by running
// Debian's build in a private mount namespace: /run/keepalived.pid and
// /run/vrrp.pid, mode 0644, "PID\n"), and the start-up check that refuses a
// live daemon but clears files a dead one or a reused pid left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlreadyRunningError, checkNotRunning, defaultPidFiles, inspectPidFile, removePidFile, writePidFile, type ProcessProbe } from '../../../src/daemon/pidfile.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tskad-pid-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A live process whose /proc/PID/comm is `title`, killed after the test. */
async function liveProcess(t: { after(fn: () => void): void }, title: string): Promise<number> {
  const child = spawn(process.execPath, ['-e', `process.title = ${JSON.stringify(title)}; console.log('up'); setInterval(() => {}, 1000)`], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  await new Promise((r) => child.stdout!.once('data', r));
  return child.pid!;
}

test("keepalived 2.2.7's default names: /run/keepalived.pid, /run/vrrp.pid, /run/checkers.pid", () => {
  assert.deepEqual(defaultPidFiles(), { main: '/run/keepalived.pid', vrrp: '/run/vrrp.pid', checkers: '/run/checkers.pid' });
});

test('use_pid_dir moves them into /run/keepalived/; an instance name is appended (lab: /run/keepalived/vrrp_lab1.pid)', () => {
  assert.deepEqual(defaultPidFiles({ usePidDir: true }), { main: '/run/keepalived/keepalived.pid', vrrp: '/run/keepalived/vrrp.pid', checkers: '/run/keepalived/checkers.pid' });
  assert.deepEqual(defaultPidFiles({ instance: 'lab1' }), {
    main: '/run/keepalived/keepalived_lab1.pid',
    vrrp: '/run/keepalived/vrrp_lab1.pid',
    checkers: '/run/keepalived/checkers_lab1.pid',
  });
  assert.equal(defaultPidFiles({ netNamespace: 'blue' }).vrrp, '/run/keepalived/vrrp.pid');
});

test('written as "PID\\n", mode 0644 whatever the umask, its directory created 0755', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'keepalived', 'keepalived.pid');
  const umask = process.umask(0o077);
  try {
    writePidFile(path, 4242);
  } finally {
    process.umask(umask);
  }
  assert.equal(readFileSync(path, 'utf8'), '4242\n');
  assert.equal(statSync(path).mode & 0o777, 0o644);
  assert.equal(statSync(join(dir, 'keepalived')).mode & 0o777, 0o755);
  writePidFile(path, 7);
  assert.equal(readFileSync(path, 'utf8'), '7\n');
});

test('never written through a symlink (O_NOFOLLOW), so a planted link cannot redirect it', (t) => {
  const dir = tempDir(t);
  const target = join(dir, 'victim');
  writeFileSync(target, 'keep me');
  symlinkSync(target, join(dir, 'tskad.pid'));
  assert.throws(() => writePidFile(join(dir, 'tskad.pid'), 1), { code: 'ELOOP' });
  assert.equal(readFileSync(target, 'utf8'), 'keep me');
});

test('removing is quiet when the file is already gone', (t) => {
  const path = join(tempDir(t), 'x.pid');
  writePidFile(path, 1);
  removePidFile(path);
  removePidFile(path);
  assert.equal(existsSync(path), false);
});

test('states: absent, no pid, this process, a dead pid, an unrelated live process are not a running daemon', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'keepalived.pid');
  assert.deepEqual(inspectPidFile(path), { state: 'absent' });
  writeFileSync(path, 'garbage\n');
  assert.equal(inspectPidFile(path).state, 'stale');
  writePidFile(path, process.pid);
  assert.equal(inspectPidFile(path).state, 'stale');
  // pid_max is at most 2^22: this pid cannot exist
  writePidFile(path, 4194305);
  assert.deepEqual(inspectPidFile(path), { state: 'stale', pid: 4194305, why: 'no process 4194305' });
  // a container restarted with its pid file on a volume: the pid now belongs to something else
  const other = await liveProcess(t, 'sleeper');
  writePidFile(path, other);
  assert.deepEqual(inspectPidFile(path), { state: 'stale', pid: other, why: `process ${other} is sleeper, not tskad or keepalived` });
});

test('a live tskad (process.title) is running', async (t) => {
  const path = join(tempDir(t), 'keepalived.pid');
  const pid = await liveProcess(t, 'tskad');
  writePidFile(path, pid);
  assert.deepEqual(inspectPidFile(path), { state: 'running', pid, command: 'tskad' });
});

test('a live keepalived, or node running a tskad script, counts as running too', (t) => {
  const path = join(tempDir(t), 'keepalived.pid');
  writePidFile(path, 100);
  const probe = (comm: string, argv: string[]): ProcessProbe => ({ exists: () => true, describe: () => ({ comm, argv }) });
  assert.equal(inspectPidFile(path, probe('keepalived', ['/usr/sbin/keepalived', '-n'])).state, 'running');
  assert.equal(inspectPidFile(path, probe('node', ['/usr/bin/node', '/usr/lib/node_modules/tskad/dist/src/cli/main.js'])).state, 'running');
  assert.equal(inspectPidFile(path, probe('node', ['/usr/bin/node', '/srv/app/server.js'])).state, 'stale');
  // alive but /proc unreadable: assume the worst
  assert.equal(inspectPidFile(path, { exists: () => true, describe: () => undefined }).state, 'running');
});

test('checkNotRunning refuses a live daemon and removes stale files, saying why', async (t) => {
  const dir = tempDir(t);
  const main = join(dir, 'keepalived.pid');
  const vrrp = join(dir, 'vrrp.pid');
  writePidFile(main, 4194305);
  const log: string[] = [];
  checkNotRunning([main, vrrp], (m) => log.push(m));
  assert.equal(existsSync(main), false);
  assert.deepEqual(log, [`Removing stale pid file ${main} (no process 4194305)`]);

  const pid = await liveProcess(t, 'tskad');
  writePidFile(vrrp, pid);
  assert.throws(() => checkNotRunning([main, vrrp], () => undefined), (e: unknown) => e instanceof AlreadyRunningError && e.pid === pid && e.path === vrrp);
  assert.equal(existsSync(vrrp), true);
});
