// `-t` and `-d` on small configurations written to a temporary directory:
// exit codes as keepalived 2.2.7's -t gives them (0 OK, 4 fatal, 5 errors),
// diagnostics with file:line:col, severity, hint and code, LOG_FILE, JSON.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './run-cli.js';
import { runCli } from '../../../src/cli/program.js';

const dir = mkdtempSync(join(tmpdir(), 'tskad-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const conf = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const GOOD = conf('good.conf', 'global_defs {\n    router_id lb1\n}\n');
const TYPO = conf('typo.conf', 'global_defs {\n    router_idd lb1\n}\n');

test('-t on a good configuration prints nothing and exits 0', () => {
  assert.deepEqual(cli('-t', '-f', GOOD), { code: 0, stdout: '', stderr: '' });
  assert.deepEqual(cli('--config-test', '--use-file', GOOD), { code: 0, stdout: '', stderr: '' });
});

test('-t with nothing to say does not write at all, so process.stderr is never made', () => {
  const writes: string[] = [];
  const code = runCli(['-t', '-f', GOOD], { stdout: (t) => void writes.push(`out ${t}`), stderr: (t) => void writes.push(`err ${t}`) });
  assert.deepEqual([code, writes], [0, []]);
});

test('-t prints each diagnostic with its place, severity, hint and code, and exits 5 on errors', () => {
  const r = cli('-f', TYPO, '-t');
  assert.equal(r.code, 5);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `${TYPO}:2:5: error: unknown keyword 'router_idd' (did you mean 'router_id'?) [TSKAD_E_UNKNOWN_KEYWORD]\n`);
});

test('-t -e on a main file that does not exist: fatal, exit 4, as keepalived -t -e', () => {
  const r = cli('-t', '-e', '-f', join(dir, 'missing.conf'));
  assert.equal(r.code, 4);
  assert.match(r.stderr, /fatal: .*missing\.conf.* \[TSKAD_F_CONFIG_UNREADABLE\]/);
});

test('-tLOG_FILE appends the diagnostics to LOG_FILE, created mode 0600, and leaves stderr alone', () => {
  const log = join(dir, 'test.log');
  writeFileSync(log, 'earlier\n', { mode: 0o600 });
  const r = cli(`-t${log}`, '-f', TYPO);
  assert.deepEqual([r.code, r.stderr], [5, '']);
  assert.match(readFileSync(log, 'utf8'), /^earlier\n.*typo\.conf:2:5: error: .*\[TSKAD_E_UNKNOWN_KEYWORD\]\n$/);

  const fresh = join(dir, 'fresh.log');
  assert.equal(cli(`--config-test=${fresh}`, '-f', TYPO).code, 5);
  assert.equal(statSync(fresh).mode & 0o777, 0o600);
});

test('--config-test= with nothing after it writes to stderr, as keepalived does', () => {
  assert.match(cli('--config-test=', '-f', TYPO).stderr, /TSKAD_E_UNKNOWN_KEYWORD/);
});

test('a LOG_FILE that cannot be opened is an error of its own (exit 1)', () => {
  const r = cli(`-t${join(dir, 'no', 'such', 'dir.log')}`, '-f', GOOD);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot open config-test log file .*dir\.log/);
});

test('-d prints the normalised model as JSON and exits 0', () => {
  const r = cli('-d', '-f', GOOD);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '');
  const model = JSON.parse(r.stdout) as { globalDefs: { routerId: string }; vrrpInstance: unknown[] };
  assert.equal(model.globalDefs.routerId, 'lb1');
  assert.deepEqual(model.vrrpInstance, []);
});

test('-d with errors prints them on stderr, the model on stdout, and exits as -t would', () => {
  const r = cli('-d', '-f', TYPO);
  assert.equal(r.code, 5);
  assert.match(r.stderr, /TSKAD_E_UNKNOWN_KEYWORD/);
  assert.equal((JSON.parse(r.stdout) as { globalDefs: { routerId?: string } }).globalDefs.routerId, undefined);
});

test('-d prints no model for a configuration that cannot be read', () => {
  const r = cli('-d', '-e', '-f', join(dir, 'missing.conf'));
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /TSKAD_F_CONFIG_UNREADABLE/);
  assert.equal(r.stdout, '');
});

test('-i picks the @ID lines, for -t and -d alike', () => {
  const ids = conf('ids.conf', 'global_defs {\n@lb1    router_id one\n@^lb1   router_id other\n}\n');
  const routerId = (...args: string[]) => (JSON.parse(cli('-d', '-f', ids, ...args).stdout) as { globalDefs: { routerId: string } }).globalDefs.routerId;
  assert.equal(routerId('-i', 'lb1'), 'one');
  assert.equal(routerId('--config-id=lb2'), 'other');
  assert.equal(cli('-t', '-ilb1', '-f', ids).code, 0);
});

test('-t and -d together: diagnostics to stderr, model to stdout', () => {
  const r = cli('-t', '-d', '-f', TYPO);
  assert.equal(r.code, 5);
  assert.match(r.stderr, /TSKAD_E_UNKNOWN_KEYWORD/);
  assert.ok(JSON.parse(r.stdout));
});
