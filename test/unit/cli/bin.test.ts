// The tskad executable as an operator runs it: a separate process, its exit
// code and its two streams. Compiled (npm test, CI) this spawns the built
// dist/src/cli/main.js; under tsx it spawns src/cli/main.ts through tsx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../../../src/cli/package.js';

const here = fileURLToPath(import.meta.url);
const root = packageRoot(here);
const built = here.endsWith('.js');
const main = built ? join(root, 'dist', 'src', 'cli', 'main.js') : join(root, 'src', 'cli', 'main.ts');

const tskad = (...argv: string[]) => {
  const r = spawnSync(process.execPath, [...(built ? [] : ['--import', 'tsx']), main, ...argv], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

test('the executable starts with a node shebang, so it runs as `tskad` from package.json bin', () => {
  assert.match(readFileSync(main, 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test('--signum=JSON prints 36, exit 0, as `keepalived --signum=JSON` does', () => {
  assert.deepEqual(tskad('--signum=JSON'), { code: 0, stdout: '36\n', stderr: '' });
});

test('-t on a configuration with an error exits 5 and names the place and the code on stderr', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tskad-bin-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const conf = join(dir, 'k.conf');
  writeFileSync(conf, 'global_defs {\n    router_idd lb1\n}\n');
  const r = tskad('-t', '-f', conf);
  assert.equal(r.code, 5);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /k\.conf:2:5: error: unknown keyword 'router_idd' .*\[TSKAD_E_UNKNOWN_KEYWORD\]\n$/);
});

test('an unknown flag exits 1 with a message', () => {
  assert.deepEqual(tskad('-Z'), { code: 1, stdout: '', stderr: 'tskad: Unknown option -Z\n' });
});

test('a reader that stops early (`tskad -d | head`) is no failure: exit 0, nothing on stderr', async () => {
  const child = spawn(process.execPath, [...(built ? [] : ['--import', 'tsx']), main, '-d', '-f', join(root, 'examples', 'lvs-dr-master.conf')], { cwd: root });
  child.stdout.destroy(); // closed before tskad writes: its write fails with EPIPE
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0);
  assert.doesNotMatch(stderr, /EPIPE|Error/);
});
