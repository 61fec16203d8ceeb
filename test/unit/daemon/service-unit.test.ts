// examples/tskad.service and examples/tskad.default: the unit mirrors
// Debian's keepalived.service (Type=notify, --dont-fork, HUP to reload, an
// optional environment file), and the default options are flags tskad takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FLAGS } from '../../../src/cli/flags.js';
import { getopt } from '../../../src/cli/getopt.js';
import { repoPath } from '../../helpers/repo.js';

/** key=value lines of each [Section] of a unit file */
function unitFile(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const line of text.split('\n')) {
    const section = /^\[(\w+)\]$/.exec(line);
    if (section) sections.set(section[1]!, (current = new Map()));
    const kv = /^(\w+)=(.*)$/.exec(line);
    if (kv) current!.set(kv[1]!, kv[2]!);
  }
  return sections;
}

test('tskad.service: Type=notify in the foreground, HUP reloads, /etc/default/tskad optional, restarts on failure', () => {
  const unit = unitFile(readFileSync(repoPath('examples', 'tskad.service'), 'utf8'));
  const service = unit.get('Service')!;
  assert.equal(service.get('Type'), 'notify');
  assert.equal(service.get('ExecStart'), '/usr/sbin/tskad --dont-fork $TSKAD_OPTIONS');
  assert.equal(service.get('ExecReload'), '/bin/kill -HUP $MAINPID');
  assert.equal(service.get('EnvironmentFile'), '-/etc/default/tskad');
  assert.equal(service.get('Restart'), 'on-failure');
  assert.equal(service.get('KillMode'), 'mixed');
  assert.equal(unit.get('Install')!.get('WantedBy'), 'multi-user.target');
});

test("tskad.default: TSKAD_OPTIONS=\"-D -S 3\", flags the daemon takes, as the seed's KEEPALIVED_OPTIONS", () => {
  const m = /^TSKAD_OPTIONS="([^"]*)"$/m.exec(readFileSync(repoPath('examples', 'tskad.default'), 'utf8'));
  assert.ok(m, 'a TSKAD_OPTIONS line');
  assert.equal(m[1], '-D -S 3');
  const r = getopt(m[1]!.split(' '), FLAGS);
  assert.deepEqual(r.operands, []);
  assert.deepEqual(
    r.items.map((i) => (i.kind === 'option' ? [i.spec.long, i.value ?? null, i.spec.support] : i.message)),
    [
      ['log-detail', null, 'daemon'],
      ['log-facility', '3', 'daemon'],
    ],
  );
});
