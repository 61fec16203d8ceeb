// configTest, the work of `tskad -t`: keepalived 2.2.7's exit codes and their
// precedence (6 script security > 5 errors and warnings > 4 fatal > 0; 6 for an
// unreadable include under -e), on diagnostics alone and on small files.
// test/interop compares the same against the real keepalived.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_TEST_EXIT, configTest, configTestExitCode, failsConfigTest } from '../../../src/cli/config-test.js';
import { Diagnostics } from '../../../src/config/diagnostics.js';
import { realHostEnv, type HostEnv } from '../../../src/config/hostcheck.js';
import type { Code } from '../../../src/config/codes/index.js';
import type { Loc } from '../../../src/config/source.js';

const at = (line: number): Loc => ({ file: 'keepalived.conf', line, col: 1 });

/** The exit code of a set of diagnostics, each given by code (and place). */
const exitFor = (...items: Array<[Code, Loc?]>): number => {
  const diag = new Diagnostics();
  for (const [code, loc] of items) diag.report(code, code, loc);
  return configTestExitCode(diag.items);
};

test('nothing reported, or only advice (info), exits 0', () => {
  assert.equal(exitFor(), CONFIG_TEST_EXIT.ok);
  assert.equal(exitFor(['TSKAD_I_SCRIPT_SHELL', at(3)]), CONFIG_TEST_EXIT.ok);
});

test('an error or a warning exits 5: keepalived counts its warnings as config errors', () => {
  assert.equal(exitFor(['TSKAD_E_UNKNOWN_KEYWORD', at(2)]), CONFIG_TEST_EXIT.errors);
  assert.equal(exitFor(['TSKAD_W_DEPRECATED_KEYWORD', at(2)]), CONFIG_TEST_EXIT.errors);
});

test('a fatal error alone exits 4, but an error beside it makes it 5, as keepalived ranks them', () => {
  assert.equal(exitFor(['TSKAD_E_NO_SUCH_INTERFACE', at(2)]), CONFIG_TEST_EXIT.errors);
  assert.equal(exitFor(['TSKAD_F_NO_SUCH_INTERFACE', at(2)]), CONFIG_TEST_EXIT.fatal);
  assert.equal(exitFor(['TSKAD_F_NO_SUCH_INTERFACE', at(2)], ['TSKAD_E_UNKNOWN_KEYWORD', at(5)]), CONFIG_TEST_EXIT.errors);
});

test('script security outranks every other level: 6', () => {
  assert.equal(
    exitFor(['TSKAD_F_NO_SUCH_INTERFACE', at(2)], ['TSKAD_E_UNKNOWN_KEYWORD', at(5)], ['TSKAD_W_SCRIPT_SECURITY_OFF', at(7)]),
    CONFIG_TEST_EXIT.scriptSecurity,
  );
});

test('the main file unreadable exits 4; an include failing a fatal check exits 6, whatever else is wrong', () => {
  assert.equal(exitFor(['TSKAD_F_CONFIG_UNREADABLE', at(1)]), CONFIG_TEST_EXIT.fatal);
  // keepalived exits with its "no config" code, which is 6, before validating anything
  assert.equal(exitFor(['TSKAD_F_INCLUDE_CHECK', at(1)], ['TSKAD_E_UNKNOWN_KEYWORD', at(4)]), 6);
});

test('every diagnostic but info fails the config test', () => {
  const diag = new Diagnostics();
  diag.report('TSKAD_W_DEPRECATED_KEYWORD', 'w');
  diag.report('TSKAD_I_SCRIPT_SHELL', 'i');
  assert.deepEqual(diag.items.map(failsConfigTest), [true, false]);
});

// ---------------------------------------------------------------- on files

const dir = mkdtempSync(join(tmpdir(), 'tskad-config-test-'));
const conf = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
/** This machine, except that its interfaces are exactly `names`. */
const hostWith = (...names: string[]): HostEnv => ({ ...realHostEnv(), hasInterface: (n) => names.includes(n) });

const instance = (extra = ''): string =>
  `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n${extra}  virtual_ipaddress {\n    192.0.2.10/24\n  }\n}\n`;

test('a valid configuration on a host that has its interface exits 0 with no diagnostics', () => {
  const r = configTest(conf('valid.conf', instance()), { hostEnv: hostWith('eth0') });
  assert.deepEqual({ exitCode: r.exitCode, diagnostics: r.diagnostics }, { exitCode: 0, diagnostics: [] });
  assert.equal(r.config.vrrpInstance[0]?.name, 'VI_1');
});

test('an unknown keyword exits 5 and is reported at its line', () => {
  const file = conf('unknown.conf', 'global_defs {\n  router_id lb1\n  routr_id typo\n}\n');
  const r = configTest(file, { hostEnv: hostWith() });
  assert.equal(r.exitCode, 5);
  assert.deepEqual(
    r.diagnostics.map((d) => [d.code, d.loc?.line]),
    [['TSKAD_E_UNKNOWN_KEYWORD', 3]],
  );
});

test('a main file that does not exist exits 4', () => {
  const r = configTest(join(dir, 'absent.conf'), { hostEnv: hostWith() });
  assert.equal(r.exitCode, 4);
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['TSKAD_F_CONFIG_UNREADABLE']);
});

test('a script that exists, without enable_script_security, exits 6, even beside an unknown keyword', () => {
  const secure = conf('script.conf', instance('  notify_master /bin/true\n'));
  assert.equal(configTest(secure, { hostEnv: hostWith('eth0') }).exitCode, 6);
  const both = conf('script-and-error.conf', instance('  notify_master /bin/true\n  bogus_keyword 1\n'));
  const r = configTest(both, { hostEnv: hostWith('eth0') });
  assert.equal(r.exitCode, 6);
  assert.ok(r.diagnostics.some((d) => d.code === 'TSKAD_E_UNKNOWN_KEYWORD' && d.loc?.line === 5));
});

test('an include that matches nothing: exit 0 without -e, 6 with it', () => {
  const file = conf('include.conf', `include ${join(dir, 'nothing-here.conf')}\nglobal_defs {\n  router_id lb1\n}\n`);
  assert.equal(configTest(file, { hostEnv: hostWith() }).exitCode, 0);
  assert.equal(configTest(file, { hostEnv: hostWith(), includeCheck: true }).exitCode, 6);
});

test('the config id picks the @ID lines that count', () => {
  const file = conf('conditional.conf', 'global_defs {\n@lb1  router_id lb1\n@lb2  bogus_keyword 1\n}\n');
  assert.equal(configTest(file, { configId: 'lb1', hostEnv: hostWith() }).exitCode, 0);
  assert.equal(configTest(file, { configId: 'lb2', hostEnv: hostWith() }).exitCode, 5);
});

test('an instance on the loopback interface is an error on its interface line, as keepalived reports it (exit 5)', () => {
  const r = configTest(conf('loopback.conf', instance().replace('interface eth0', 'interface lo')), { hostEnv: { ...realHostEnv() } });
  assert.equal(r.exitCode, 5);
  assert.deepEqual(
    r.diagnostics.filter((d) => d.code === 'TSKAD_E_LOOPBACK_INTERFACE').map((d) => d.loc?.line),
    [2],
  );
});

test('a setting tskad cannot run yet is said at -t without failing it (keepalived accepts it)', () => {
  const r = configTest(conf('vmac.conf', instance('  use_vmac\n')), { hostEnv: hostWith('eth0') });
  assert.equal(r.exitCode, 0);
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['TSKAD_W_NOT_SUPPORTED_YET']);
});
