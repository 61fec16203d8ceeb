// Small configurations made to hit the errors keepalived's `-t` reports
// (test/interop/fixtures), checked by keepalived and by tskad side by side in
// one network namespace, as the samples are. Each case also pins keepalived's
// own exit code, so a fixture that stops testing what it says fails too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNetns, type Netns } from './netns.js';
import { assertAgree, assertKeepalived22, keepalivedVerdict, tskadVerdict } from './side-by-side.js';

/** The repository root, found from here whether run by tsx or compiled under dist/. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

const FIXTURES = join(repoRoot(), 'test/interop/fixtures');

interface Case {
  readonly file: string;
  /** -e */
  readonly includeCheck?: boolean;
  /** keepalived 2.2.7's exit code, as run when the fixture was written */
  readonly keepalived: number;
}

const CASES: readonly Case[] = [
  { file: 'valid.conf', keepalived: 0 },
  { file: 'unknown-keyword.conf', keepalived: 5 },
  { file: 'bad-vrid.conf', keepalived: 5 },
  { file: 'missing-close-brace.conf', keepalived: 5 },
  { file: 'extra-close-brace.conf', keepalived: 5 },
  { file: 'missing-include.conf', keepalived: 0 },
  { file: 'missing-include.conf', includeCheck: true, keepalived: 6 },
  { file: 'script-security.conf', keepalived: 6 },
  { file: 'script-security-and-error.conf', keepalived: 6 },
  { file: 'missing-interface.conf', keepalived: 5 },
  { file: 'linkbeat-unknown-interface.conf', keepalived: 4 },
];

describe('error fixtures: tskad -t agrees with keepalived -t', () => {
  let ns: Netns | undefined;
  before(() => {
    ns = createNetns('fixtures', ['eth0']);
  });
  after(() => ns?.remove());

  test('keepalived 2.2 is installed', assertKeepalived22);

  for (const c of CASES) {
    test(`${c.file}${c.includeCheck ? ' -e' : ''}`, () => {
      const file = join(FIXTURES, c.file);
      const opts = { includeCheck: c.includeCheck ?? false };
      const k = keepalivedVerdict(ns!, file, opts);
      assert.equal(k.exitCode, c.keepalived, `keepalived -t no longer exits ${c.keepalived} on this fixture:\n${k.output}`);
      assertAgree(k, tskadVerdict(ns!, file, opts));
    });
  }
});
