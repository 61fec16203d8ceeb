// Notify FIFOs and the notifier with real processes: the FIFO is created and
// removed as keepalived does, writes never block (no reader, or a full
// pipe), a late reader gets the lines in order, a *_fifo_script reader is
// started and stopped; and a recording script proves each transition runs
// the right scripts once, with keepalived's arguments, and that notify_stop
// is waited for and killed at 1 s.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { classifyScript, scriptArgv } from '../../src/config/script.js';
import type { Script } from '../../src/config/schema/common.js';
import { NotifyFifo } from '../../src/notify/fifo.js';
import { Notifier, type NotifySubject } from '../../src/notify/notify.js';
import { ScriptRunner } from '../../src/notify/script-runner.js';
import { captureLog } from '../unit/notify/log-capture.js';

let dir: string;
const { log, lines: logged } = captureLog();
const runner = new ScriptRunner({ log });
const run = runner.run.bind(runner);
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tskad-fifo-'));
});
after(async () => {
  await runner.killAll(200);
  rmSync(dir, { recursive: true, force: true });
});

async function waitFor(what: string, ok: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Reads a FIFO to its end (every writer closed) with cat. */
function readAll(path: string): Promise<string> {
  return new Promise((resolve) => {
    const cat = spawn('cat', [path], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    cat.stdout.on('data', (b: Buffer) => (out += b.toString()));
    cat.on('close', () => resolve(out));
  });
}

test('the FIFO is created 0644, written without a reader, read later in order, and removed at close', async () => {
  const path = join(dir, 'vrrp.fifo');
  const fifo = NotifyFifo.open({ path, kind: 'vrrp_', run, log })!;
  assert.ok(statSync(path).isFIFO());
  assert.equal(statSync(path).mode & 0o777, 0o644);
  const started = performance.now();
  assert.ok(fifo.write('INSTANCE "VI_1" BACKUP 100\n'));
  assert.ok(fifo.write('INSTANCE "VI_1" MASTER 100\n'));
  assert.ok(performance.now() - started < 50, 'no reader: nothing blocks');
  const reading = readAll(path);
  await sleep(100);
  fifo.close();
  assert.equal(await reading, 'INSTANCE "VI_1" BACKUP 100\nINSTANCE "VI_1" MASTER 100\n');
  assert.equal(existsSync(path), false, 'tskad made it, tskad removes it');
});

test('a full pipe drops lines without blocking, logged once', async () => {
  const path = join(dir, 'full.fifo');
  const fifo = NotifyFifo.open({ path, kind: '', run, log })!;
  const line = `${'x'.repeat(99)}\n`;
  const started = performance.now();
  let written = 0;
  for (let i = 0; i < 2000; i++) if (fifo.write(line)) written++;
  assert.ok(performance.now() - started < 500);
  assert.ok(written > 500 && written * line.length <= 65536, `${written} lines fit in the 64 KiB pipe buffer`);
  assert.equal(fifo.dropped, 2000 - written);
  assert.equal(logged.filter((l) => l.includes(`notify fifo ${path}: dropping lines`)).length, 1);
  fifo.close();
});

test('an existing FIFO is used and left in place; a regular file is refused', () => {
  const path = join(dir, 'theirs.fifo');
  spawn('mkfifo', [path]);
  return waitFor('mkfifo', () => existsSync(path)).then(() => {
    NotifyFifo.open({ path, kind: '', run, log })!.close();
    assert.ok(statSync(path).isFIFO());
    const file = join(dir, 'plain');
    writeFileSync(file, '');
    assert.equal(NotifyFifo.open({ path: file, kind: '', run, log }), undefined);
    assert.ok(logged.some((l) => l.includes(`${file}: it exists and is not a FIFO`)));
  });
});

test('vrrp_notify_fifo_script: the reader gets the path as its last argument, reads the lines, and is stopped at close', async () => {
  const path = join(dir, 'reader.fifo');
  const out = join(dir, 'reader.out');
  const reader = join(dir, 'reader.sh');
  writeFileSync(reader, `#!/bin/sh\necho "args: $*" > ${out}\nfor fifo; do :; done\nwhile read -r l; do echo "$l" >> ${out}; done < "$fifo"\n`);
  chmodSync(reader, 0o755);
  const fifo = NotifyFifo.open({ path, kind: 'vrrp_', run, log, reader: { argv: scriptArgv(`${reader} extra`, 'exec') } })!;
  fifo.write('GROUP "G1" MASTER 0\n');
  await waitFor('the reader to get the line', () => existsSync(out) && readFileSync(out, 'utf8').includes('G1'));
  assert.equal(readFileSync(out, 'utf8'), `args: extra ${path}\nGROUP "G1" MASTER 0\n`);
  fifo.close();
  await waitFor('the reader to be stopped', () => logged.some((l) => l.startsWith('vrrp notify fifo script terminated')));
});

// ---------------------------------------------------------------- the notifier

const script = (command: string): Script => ({ command, runner: classifyScript(command).runner });

test('each transition runs the right scripts once, with keepalived\'s arguments, and the FIFO gets the lines in order', async () => {
  const calls = join(dir, 'calls');
  const rec = join(dir, 'rec.sh');
  writeFileSync(rec, `#!/bin/sh\necho "$*" >> ${calls}\n`);
  chmodSync(rec, 0o755);
  const path = join(dir, 'notify.fifo');
  const fifo = NotifyFifo.open({ path, kind: 'vrrp_', run, log })!;
  const mails: string[] = [];
  const notifier = new Notifier({
    run,
    runAsOf: () => ({ ok: true, runAs: { name: 'root', uid: process.getuid!(), gid: process.getgid!() } }),
    fifos: [fifo],
    mailer: { send: (a) => void mails.push(a.subject), flush: async () => {} },
    noEmailFaults: false,
    log,
  });
  const vi1: NotifySubject = {
    type: 'INSTANCE',
    name: 'VI_1',
    smtpAlert: true,
    config: { notifyMaster: script(`${rec} I1-master`), notifyBackup: script(`${rec} I1-backup`), notify: script(`${rec} I1-generic`) },
  };
  await notifier.instance(vi1, 'BACKUP', 100);
  await notifier.instance(vi1, 'MASTER', 107);
  await notifier.instance(vi1, 'MASTER', 107);
  await waitFor('5 script runs', () => existsSync(calls) && readFileSync(calls, 'utf8').trim().split('\n').length === 6);
  await sleep(100);
  assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n').sort(), [
    'I1-backup',
    'I1-generic INSTANCE VI_1 BACKUP 100',
    'I1-generic INSTANCE VI_1 MASTER 107',
    'I1-generic INSTANCE VI_1 MASTER 107',
    'I1-master',
    'I1-master',
  ]);
  assert.deepEqual(mails, ['VRRP Instance VI_1 - Entering BACKUP state', 'VRRP Instance VI_1 - Entering MASTER state'], 'mailed once per new state');
  const reading = readAll(path);
  await sleep(50);
  fifo.close();
  assert.equal(await reading, 'INSTANCE "VI_1" BACKUP 100\nINSTANCE "VI_1" MASTER 107\nINSTANCE "VI_1" MASTER 107\n');
});

test('shutdown waits for notify_stop, and kills it (SIGKILL, no SIGTERM) at 1 s', async () => {
  const calls = join(dir, 'stop-calls');
  const stop = join(dir, 'stop.sh');
  writeFileSync(stop, `#!/bin/sh\ntrap 'echo got-TERM >> ${calls}' TERM\necho "stop $*" >> ${calls}\nsleep 5 & wait\necho finished >> ${calls}\n`);
  chmodSync(stop, 0o755);
  const notifier = new Notifier({
    run,
    runAsOf: () => ({ ok: true, runAs: { name: 'root', uid: process.getuid!(), gid: process.getgid!() } }),
    fifos: [],
    noEmailFaults: false,
    log,
  });
  const vi1: NotifySubject = { type: 'INSTANCE', name: 'VI_1', smtpAlert: false, config: { notifyStop: script(stop), notify: script(`${stop} generic`) } };
  const started = performance.now();
  await notifier.shutdown([{ subject: vi1, priority: 107 }], []);
  const took = performance.now() - started;
  assert.ok(took >= 950 && took < 1500, `${took} ms`);
  await sleep(100);
  assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n').sort(), ['stop ', 'stop generic INSTANCE VI_1 STOP 107']);
});
