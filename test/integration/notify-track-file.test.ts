// track_file watching on the real kernel (inotify through fs.watch): writes,
// deletes and renames are seen, a shell's truncate-then-write does not flap
// the value, and init_file creates or overwrites the file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SETTLE_MS, TrackFileWatcher, type FileValueChange } from '../../src/notify/track-file-watcher.js';
import { captureLog } from '../unit/notify/log-capture.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tskad-trackfile-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Waits for the watcher to have read everything written so far. */
const quiet = () => sleep(SETTLE_MS * 5);

function watching(defs: ConstructorParameters<typeof TrackFileWatcher>[0], o?: { reload?: boolean }) {
  const { log, lines } = captureLog();
  const w = new TrackFileWatcher(defs, log, o);
  const changes: FileValueChange[] = [];
  w.on('change', (c) => changes.push(c));
  return { w, changes, lines };
}

test('the value follows writes, deletion and a file renamed into place', async () => {
  const path = join(dir, 'prio');
  writeFileSync(path, '5\n');
  const { w, changes } = watching([{ name: 'f', path }]);
  try {
    assert.equal(w.value('f'), 5);
    execFileSync('/bin/sh', ['-c', `echo -20 > ${path}`]);
    await quiet();
    assert.equal(w.value('f'), -20);
    unlinkSync(path);
    await quiet();
    assert.equal(w.value('f'), 0, 'a deleted file counts as 0');
    writeFileSync(join(dir, 'prio.tmp'), '0x10');
    renameSync(join(dir, 'prio.tmp'), path);
    await quiet();
    assert.equal(w.value('f'), 16);
    assert.deepEqual(changes.map((c) => `${c.from}->${c.to}`), ['5->-20', '-20->0', '0->16']);
  } finally {
    w.close();
  }
});

test('rewriting the same value with the shell does not flap through the truncated empty file', async () => {
  const path = join(dir, 'down');
  writeFileSync(path, '1\n');
  const { w, changes } = watching([{ name: 'f', path }]);
  try {
    for (let i = 0; i < 20; i++) execFileSync('/bin/sh', ['-c', `echo 1 > ${path}`]);
    await quiet();
    assert.deepEqual(changes, []);
    assert.equal(w.value('f'), 1);
  } finally {
    w.close();
  }
});

test('a file that does not exist yet is 0 until it is created; a symlinked directory is followed', async () => {
  const real = join(dir, 'real');
  execFileSync('mkdir', [real]);
  symlinkSync(real, join(dir, 'link'));
  const { w } = watching([{ name: 'f', path: join(dir, 'link', 'later') }]);
  try {
    assert.equal(w.value('f'), 0);
    writeFileSync(join(real, 'later'), '7');
    await quiet();
    assert.equal(w.value('f'), 7);
  } finally {
    w.close();
  }
});

test('an out-of-range number is ignored: the last value stays', async () => {
  const path = join(dir, 'big');
  writeFileSync(path, '3');
  const { w, lines } = watching([{ name: 'f', path }]);
  try {
    writeFileSync(path, '99999999999');
    await quiet();
    assert.equal(w.value('f'), 3);
    assert.ok(lines.some((l) => l.startsWith('Invalid number 99999999999 read from')));
  } finally {
    w.close();
  }
});

test('a missing directory is reported and the file dropped', () => {
  const { w, lines } = watching([{ name: 'f', path: join(dir, 'no', 'such', 'file') }]);
  w.close();
  assert.deepEqual(lines, ['Track file directory for f does not exist - removing']);
});

test('init_file writes the value when the file is missing, and always with overwrite but not on reload', () => {
  const a = join(dir, 'init-a');
  const b = join(dir, 'init-b');
  writeFileSync(b, '9\n');
  watching([
    { name: 'a', path: a, initFile: { value: -3, overwrite: false } },
    { name: 'b', path: b, initFile: { value: 0, overwrite: false } },
  ]).w.close();
  assert.equal(readFileSync(a, 'utf8'), '-3\n');
  assert.equal(readFileSync(b, 'utf8'), '9\n', 'an existing file is kept');
  watching([{ name: 'b', path: b, initFile: { value: 0, overwrite: true } }], { reload: true }).w.close();
  assert.equal(readFileSync(b, 'utf8'), '9\n', 'a reload never overwrites');
  const { w } = watching([{ name: 'b', path: b, initFile: { value: 0, overwrite: true } }]);
  w.close();
  assert.equal(readFileSync(b, 'utf8'), '0\n');
  assert.equal(w.value('b'), 0);
});
