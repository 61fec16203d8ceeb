// The VRRP cross-checks as data (test/fixtures/config/vrrp/checks): each case
// lists the diagnostics tskad must report and records what keepalived 2.2.7
// said of the same file, so tskad accepts what keepalived accepts and rejects
// what it rejects, at the same lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../src/config/load.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

const DIR = join(repoRoot(), 'test/fixtures/config/vrrp/checks');
const cases = readdirSync(DIR).filter((f) => f.endsWith('.conf')).sort();

test('there are cases, in bad/good pairs', () => {
  assert.ok(cases.length > 40);
  for (const f of cases.filter((f) => f.endsWith('.good.conf'))) {
    assert.ok(cases.includes(f.replace('.good.', '.bad.')), `${f} has no .bad twin`);
  }
});

for (const file of cases) {
  test(file, () => {
    const text = readFileSync(join(DIR, file), 'utf8');
    const rc = Number(/^! keepalived 2\.2\.7 -t: rc=(\d+)/m.exec(text)?.[1]);
    const keepalivedSays = text.split('\n').filter((l) => l.startsWith('!   '));
    const expected = [...text.matchAll(/^! expect: (\d+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    const diags = loadConfig(join(DIR, file)).diagnostics.sorted();
    assert.deepEqual(
      diags.map((d) => `${d.loc?.line} ${d.code}`),
      expected,
      diags.map((d) => `${d.loc?.line}: ${d.message}`).join('\n'),
    );
    const errors = diags.filter((d) => d.severity === 'error' || d.severity === 'fatal');
    if (rc === 0) assert.deepEqual(errors, [], 'keepalived accepts this file');
    else assert.ok(diags.length > 0, `keepalived rejects this file (rc=${rc}) but tskad is silent`);
    if (errors.length > 0) assert.notEqual(rc, 0);
    if (file.endsWith('.good.conf')) assert.deepEqual(keepalivedSays, [], 'a good case keepalived complains about');
  });
}
