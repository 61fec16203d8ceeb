// The script runner with real processes: exit statuses, the timeout that
// kills the whole process group (keepalived: SIGTERM, SIGKILL 2 s later),
// running as another user, the seed setups' shell lines, bounded output,
// and scripts dying with the daemon (parent-death signal).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { classifyScript, scriptArgv } from '../../src/config/script.js';
import { realHostEnv } from '../../src/config/hostcheck.js';
import { createLogger } from '../../src/observe/log.js';
import { OUTPUT_LIMIT, ScriptRunner, succeeded, type RunRequest } from '../../src/notify/script-runner.js';
import { resolveUserSpec } from '../../src/notify/script-user.js';
import { nodeScript } from '../interop/node-script.js';

let dir: string;
const runner = new ScriptRunner({ log: createLogger(), killGraceMs: 300 });
const run = (argv: string[], o: Partial<RunRequest> = {}) => runner.run({ name: 'test', argv, ...o });
/** a configured line, run as tskad runs it */
const line = (command: string) => run(scriptArgv(command, classifyScript(command).runner));

/** gone, or a zombie nobody reaps (this sandbox's init does not) */
function dead(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return true;
  }
}

async function waitFor(what: string, ok: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tskad-runner-'));
});
after(async () => {
  await runner.killAll(100);
  rmSync(dir, { recursive: true, force: true });
});

test('exit statuses and signals come back as outcomes', async () => {
  assert.deepEqual((await run(['/bin/true'])).outcome, { kind: 'exited', code: 0 });
  assert.deepEqual((await run(['/bin/sh', '-c', 'exit 3'])).outcome, { kind: 'exited', code: 3 });
  assert.deepEqual((await run(['/bin/sh', '-c', 'kill -USR1 $$'])).outcome, { kind: 'signaled', signal: 'SIGUSR1' });
  assert.ok(succeeded(await run(['/bin/true'])));
});

test('a missing program is exit status 127 with the reason in the output', async () => {
  const r = await run([join(dir, 'no-such-script')]);
  assert.deepEqual(r.outcome, { kind: 'exited', code: 127 });
  assert.match(r.output, /no-such-script/);
});

test('stdout and stderr are captured, bounded', async () => {
  const r = await run(['/bin/sh', '-c', 'echo out; echo err >&2']);
  assert.equal(r.output.split('\n').sort().join(' ').trim(), 'err out');
  const big = await run(['/bin/sh', '-c', `head -c ${OUTPUT_LIMIT * 3} /dev/zero | tr '\\0' x`]);
  assert.equal(big.output.length, OUTPUT_LIMIT);
  assert.equal(big.truncated, OUTPUT_LIMIT * 2);
});

test('stdin is /dev/null and the environment is the daemon\'s, unchanged', async () => {
  const r = await run(['/bin/sh', '-c', 'readlink /proc/self/fd/0; echo "$TSKAD_RUNNER_TEST"']);
  process.env['TSKAD_RUNNER_TEST'] = 'kept';
  const r2 = await new ScriptRunner({ log: createLogger() }).run({ name: 'env', argv: ['/bin/sh', '-c', 'echo "$TSKAD_RUNNER_TEST"'] });
  delete process.env['TSKAD_RUNNER_TEST'];
  assert.match(r.output, /^\/dev\/null\n/);
  assert.equal(r2.output, 'kept\n');
});

test('each script runs in a process group of its own', async () => {
  const r = await run(['/bin/sh', '-c', 'ps -o pgid= -p $$']);
  assert.equal(Number(r.output.trim()), r.pid);
});

test('a timeout kills the whole group: the script and the sleep it forked', async () => {
  const childPid = join(dir, 'forked.pid');
  const started = performance.now();
  const r = await run(['/bin/sh', '-c', `sleep 30 & echo $! > ${childPid}; wait`], { timeoutMs: 300 });
  assert.deepEqual(r.outcome, { kind: 'timed-out' });
  assert.ok(performance.now() - started < 1000, 'SIGTERM ends it at once');
  const pid = Number(readFileSync(childPid, 'utf8'));
  await waitFor(`forked sleep ${pid} to die`, () => dead(pid));
  assert.ok(dead(r.pid!));
});

test('a script that ignores SIGTERM is killed after the grace period', async () => {
  const r = await run(['/bin/sh', '-c', "trap '' TERM; sleep 30 & wait; sleep 30"], { timeoutMs: 200 });
  assert.deepEqual(r.outcome, { kind: 'timed-out' });
  assert.ok(r.durationMs >= 200 + 300 - 20 && r.durationMs < 200 + 300 + 500, `${r.durationMs} ms: timeout + grace`);
});

test('a script that traps SIGTERM and exits 0 still counts as timed out', async () => {
  const r = await run(['/bin/sh', '-c', "trap 'exit 0' TERM; sleep 30 & wait"], { timeoutMs: 200 });
  assert.deepEqual(r.outcome, { kind: 'timed-out' });
});

test('notify_stop-style timeout: SIGKILL at once, no SIGTERM first', async () => {
  const mark = join(dir, 'got-term');
  const r = await run(['/bin/sh', '-c', `trap 'touch ${mark}' TERM; sleep 30 & wait`], { timeoutMs: 200, timeoutSignal: 'SIGKILL' });
  assert.deepEqual(r.outcome, { kind: 'timed-out' });
  assert.ok(r.durationMs < 450);
  assert.equal(existsSync(mark), false);
});

test('a script that exits keeps the background children it started (notify scripts start daemons)', async () => {
  const childPid = join(dir, 'daemon.pid');
  const r = await run(['/bin/sh', '-c', `sleep 30 > /dev/null 2>&1 & echo $! > ${childPid}`]);
  assert.ok(succeeded(r));
  const pid = Number(readFileSync(childPid, 'utf8'));
  await sleep(100);
  assert.equal(dead(pid), false);
  process.kill(pid, 'SIGKILL');
});

test('a background child holding stdout open does not hold up the result', async () => {
  const r = await run(['/bin/sh', '-c', 'sleep 30 & echo $!'], { timeoutMs: 5000 });
  process.kill(Number(r.output), 'SIGKILL');
  assert.ok(succeeded(r));
  assert.match(r.output, /^\d+\n$/);
  assert.ok(r.durationMs < 1000, `${r.durationMs} ms`);
});

test('runs as another user: nobody', async () => {
  if (process.getuid?.() !== 0) throw new Error('this test needs root (it switches to user nobody)');
  const nobody = resolveUserSpec({ user: 'nobody' }, realHostEnv());
  assert.ok(nobody.ok, 'user nobody exists');
  const r = await run(['/bin/sh', '-c', 'id -u; id -g; id -G'], { runAs: nobody.runAs });
  const [uid, gid, groups] = r.output.trim().split('\n');
  assert.equal(Number(uid), nobody.runAs.uid);
  assert.equal(Number(gid), nobody.runAs.gid);
  assert.equal(groups, String(nobody.runAs.gid), 'no supplementary groups of root');
});

test('the seed maintenance check under bash: [[ -f FILE ]] && exit 1 || exit 0', async () => {
  const down = join(dir, 'down');
  const check = `[[ -f ${down} ]] && exit 1 || exit 0`;
  assert.equal(classifyScript(check).runner, 'bash');
  assert.deepEqual((await line(check)).outcome, { kind: 'exited', code: 0 });
  writeFileSync(down, '');
  assert.deepEqual((await line(check)).outcome, { kind: 'exited', code: 1 });
  rmSync(down);
});

test('the seed process check: killall -0 NAME &> /dev/null reports whether NAME runs', async () => {
  // a copy of sleep under a name of its own stands in for nginx (comm is at most 15 characters)
  const name = `ngx${process.pid}`.slice(0, 15);
  const program = join(dir, name);
  copyFileSync('/bin/sleep', program);
  const check = `killall -0 ${name} &> /dev/null`;
  assert.equal(classifyScript(check).runner, 'bash', 'dash would background killall and succeed at once');
  assert.deepEqual((await line(check)).outcome, { kind: 'exited', code: 1 });
  const proc = spawn(program, ['30'], { stdio: 'ignore' });
  try {
    await waitFor('the stand-in to run', () => existsSync(`/proc/${proc.pid}`));
    assert.deepEqual((await line(check)).outcome, { kind: 'exited', code: 0 });
  } finally {
    proc.kill('SIGKILL');
  }
});

test('scripts die with a daemon that is killed (parent-death signal)', async () => {
  const pidFile = join(dir, 'orphan.pid');
  const [cmd, ...args] = nodeScript(import.meta.url, 'notify-runner-child');
  const daemon = spawn(cmd, [...args, pidFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      const rl = createInterface({ input: daemon.stdout! });
      rl.once('line', () => resolve());
      rl.once('close', () => reject(new Error('the child printed nothing')));
    });
    await waitFor('the script to write its pid', () => readFileSync(pidFile, 'utf8').trim() !== '');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.equal(dead(pid), false);
    daemon.kill('SIGKILL');
    await waitFor(`script ${pid} to die with its parent`, () => dead(pid));
  } finally {
    daemon.kill('SIGKILL');
  }
});

test('killAll ends every running script: SIGTERM, then SIGKILL for those that ignore it', async () => {
  const a = run(['/bin/sh', '-c', 'sleep 30 & wait']);
  const b = run(['/bin/sh', '-c', "trap '' TERM; while :; do sleep 1; done"]);
  await sleep(100);
  assert.equal(runner.count, 2);
  const started = performance.now();
  await runner.killAll(200);
  assert.ok(performance.now() - started < 800);
  assert.equal(runner.count, 0);
  assert.deepEqual((await a).outcome, { kind: 'signaled', signal: 'SIGTERM' });
  assert.deepEqual((await b).outcome, { kind: 'signaled', signal: 'SIGKILL' });
});
