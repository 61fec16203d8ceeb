// The checks `-t` makes against the machine: interfaces, script programs,
// users and keepalived's script security. A fake HostEnv stands in for the
// host; the last tests use the real one, on files made in a temp directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { loadConfig, loadConfigText } from '../../../src/config/load.js';
import { Diagnostics, type Diagnostic } from '../../../src/config/diagnostics.js';
import { checkHost, isExecutableBy, realHostEnv, type FileInfo, type HostEnv } from '../../../src/config/hostcheck.js';
import { HOST_CODES } from '../../../src/config/codes/host.js';
import { BLOCKS } from '../../../src/config/schema/index.js';
import { repoPath } from '../../helpers/repo.js';

const FIXTURES = repoPath('test/fixtures/config/host');

// ---------------------------------------------------------------- a fake host

interface Entry {
  readonly type?: FileInfo['type'];
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  /** for symlinks */
  readonly target?: string;
  /** the file's first bytes (default a #! line) */
  readonly head?: string;
}

interface FakeHost {
  readonly interfaces?: readonly string[];
  readonly files?: Readonly<Record<string, Entry>>;
  readonly users?: Readonly<Record<string, readonly [uid: number, gid: number]>>;
  readonly groups?: Readonly<Record<string, number>>;
  readonly uid?: number;
}

const ELF = '\x7fELF';
const EXE: Entry = { mode: 0o755, head: ELF };
/** what every fake host has: shells, a PATH entry, root and nobody */
const BASE: Required<FakeHost> = {
  interfaces: ['lo', 'eth0'],
  files: { '/usr/bin/sh': EXE, '/usr/bin/bash': EXE, '/bin': { type: 'symlink', target: 'usr/bin' }, '/usr/bin/killall': EXE, '/tmp': { type: 'dir', mode: 0o1777 } },
  users: { root: [0, 0], nobody: [65534, 65534] },
  groups: { root: 0, nogroup: 65534 },
  uid: 0,
};

/**
 * Files are root-owned, 0644 files or 0755 directories unless given; the
 * directories above a listed path exist implicitly.
 */
function fakeHost(spec: FakeHost = {}): HostEnv {
  const files: Record<string, Entry> = { ...BASE.files, ...spec.files };
  const dirs = new Set(['/']);
  for (const p of Object.keys(files)) for (let d = posix.dirname(p); d !== '/'; d = posix.dirname(d)) dirs.add(d);
  const ino = new Map<string, number>();
  const entry = (p: string): Entry | undefined => files[p] ?? (dirs.has(p) ? { type: 'dir' } : undefined);
  const info = (p: string): FileInfo | undefined => {
    const e = entry(p);
    if (!e) return undefined;
    const type = e.type ?? 'file';
    if (!ino.has(p)) ino.set(p, ino.size + 1);
    return { type, mode: e.mode ?? (type === 'file' ? 0o644 : 0o755), uid: e.uid ?? 0, gid: e.gid ?? 0, dev: 1, ino: ino.get(p)! };
  };
  const realpath = (p: string, depth = 0): string | undefined => {
    let out = '/';
    for (const part of p.split('/').filter(Boolean)) {
      const next = posix.join(out, part);
      const e = entry(next);
      if (!e || depth > 20) return undefined;
      if (e.type !== 'symlink') out = next;
      else {
        const r = realpath(posix.resolve(out, e.target!), depth + 1);
        if (r === undefined) return undefined;
        out = r;
      }
    }
    return out;
  };
  const users = { ...BASE.users, ...spec.users };
  const groups = { ...BASE.groups, ...spec.groups };
  return {
    hasInterface: (n) => (spec.interfaces ?? BASE.interfaces).includes(n),
    lstat: (p) => info(posix.normalize(p)),
    stat: (p) => {
      const r = realpath(p);
      return r === undefined ? undefined : info(r);
    },
    realpath: (p) => realpath(p),
    readHead: (p, n) => {
      const r = realpath(p);
      return r === undefined ? undefined : Buffer.from(entry(r)?.head ?? '#!/bin/sh\n', 'latin1').subarray(0, n);
    },
    user: (n) => (users[n] ? { name: n, uid: users[n]![0], gid: users[n]![1] } : undefined),
    group: (n) => (groups[n] !== undefined ? { name: n, uid: 0, gid: groups[n]! } : undefined),
    path: '/usr/local/bin:/usr/bin:/bin',
    uid: spec.uid ?? BASE.uid,
    gid: 0,
  };
}

/**
 * The host diagnostics of a configuration, in reading order; unless `once`,
 * checked a second time to see that they are the same with the binder's
 * count of script lines as without (the count only spares the walk for
 * scripts when there are none).
 */
function hostCheck(config: { text?: string; file?: string }, env: HostEnv, once = false): Diagnostic[] {
  const r = config.file ? loadConfig(join(FIXTURES, config.file)) : loadConfigText(config.text!);
  const check = (scriptLines?: number): Diagnostic[] => {
    const diag = new Diagnostics();
    checkHost(r.config, r.sources, diag, env, scriptLines);
    return diag.sorted();
  };
  const walked = check();
  if (!once) assert.deepEqual(check(r.scriptLines), walked);
  return walked;
}

const brief = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.code} ${d.loc?.line ?? '-'}`);
const withCode = (ds: readonly Diagnostic[], code: string) => ds.filter((d) => d.code === code);

const instance = (body = '') => `
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    virtual_ipaddress {
        192.0.2.10/24
    }
${body}
}
`;

// ---------------------------------------------------------------- interfaces

test('interfaces: exactly those keepalived -t reports as non-existent, where they are written', () => {
  const ds = hostCheck({ file: 'interfaces.conf' }, fakeHost());
  // keepalived 2.2.7 on this file: beat9 7, delay9 11, garp9 18, route9 21,
  // track9 28, eth9 32, vip9 36, rule9 40, track9 44 — not sync9 nor bind9.
  // keepalived names garp9 at 18, the line that closes garp_group's interfaces block; tskad at the name itself.
  const missing = ds.map((d) => `${/interface (\S+)/.exec(d.message)![1]} ${d.loc!.line}`);
  assert.deepEqual(missing, ['beat9 7', 'delay9 11', 'garp9 17', 'route9 21', 'track9 28', 'eth9 32', 'vip9 36', 'rule9 40', 'track9 44']);
  // keepalived -t: fatal (exit 4) only for linkbeat_interfaces and interface_up_down_delays, else an error (exit 5)
  assert.deepEqual(
    ds.map((d) => d.code),
    ['TSKAD_F_NO_SUCH_INTERFACE', 'TSKAD_F_NO_SUCH_INTERFACE', ...Array<string>(7).fill('TSKAD_E_NO_SUCH_INTERFACE')],
  );
  const vip = ds.find((d) => d.message.includes('vip9'))!;
  assert.equal(vip.message, 'interface vip9 (dev of virtual_ipaddress 192.0.2.11 of vrrp_instance VI_1) does not exist on this host');
  assert.match(vip.hint!, /dynamic_interfaces/);
});

test('interfaces: dynamic_interfaces allows them all, as in keepalived', () => {
  const text = `global_defs {\n    dynamic_interfaces\n}\n${instance('    track_interface {\n        eth9\n    }')}`.replace('interface eth0', 'interface eth8');
  assert.deepEqual(hostCheck({ text }, fakeHost()), []);
});

test('interfaces: a static address without dev needs default_interface to exist', () => {
  const text = 'global_defs {\n    default_interface ens9\n}\nstatic_ipaddress {\n    192.0.2.50/24\n    192.0.2.51/24 dev eth0\n}\n';
  const ds = hostCheck({ text }, fakeHost());
  assert.deepEqual(brief(ds), ['TSKAD_F_NO_SUCH_INTERFACE 5']);
  assert.equal(ds[0]!.message, 'interface ens9 (default_interface of static_ipaddress 192.0.2.50) does not exist on this host');
  assert.deepEqual(hostCheck({ text: text.replace('ens9', 'eth0') }, fakeHost()), []);
});

// ---------------------------------------------------------------- scripts

/** The files scripts.conf refers to. */
const SCRIPT_FILES: Record<string, Entry> = {
  '/etc/keepalived/ok.sh': { mode: 0o755 },
  '/etc/keepalived/noexec.sh': { mode: 0o644 },
  '/etc/keepalived/text.sh': { mode: 0o755, head: 'exit 0\n' },
  '/srv/ww': { type: 'dir', mode: 0o777 },
  '/srv/ww/check.sh': { mode: 0o755 },
  '/srv/ww/setuid.sh': { mode: 0o4755 },
  '/srv/gw': { type: 'dir', mode: 0o775, gid: 50 },
  '/srv/gw/check.sh': { mode: 0o755 },
  '/srv/own': { type: 'dir', uid: 1000 },
  '/srv/own/check.sh': { mode: 0o755 },
  '/srv/file/check.sh': { mode: 0o757 },
  '/tmp/check.sh': { mode: 0o755 },
  '/usr/local/bin/check': { type: 'symlink', target: '/opt/chk/check.sh' },
  '/opt/chk': { type: 'dir', mode: 0o777 },
  '/opt/chk/check.sh': { mode: 0o755 },
};

test('scripts: each problem once, at its line, with how to fix it', () => {
  const ds = hostCheck({ file: 'scripts.conf' }, fakeHost({ files: SCRIPT_FILES }));
  assert.deepEqual(brief(ds), [
    'TSKAD_W_SCRIPT_NOT_FOUND 6',
    'TSKAD_E_SCRIPT_NOT_EXECUTABLE 9',
    'TSKAD_E_SCRIPT_NO_INTERPRETER 12',
    'TSKAD_I_SCRIPT_PATH_SEARCH 15',
    'TSKAD_W_SCRIPT_SECURITY_OFF 3',
    'TSKAD_W_SCRIPT_NOT_FOUND 18',
    'TSKAD_E_SCRIPT_INSECURE 21',
    'TSKAD_E_SCRIPT_INSECURE 24',
    'TSKAD_E_SCRIPT_INSECURE 27',
    'TSKAD_E_SCRIPT_INSECURE 30',
    'TSKAD_E_SCRIPT_INSECURE 36',
    'TSKAD_I_SCRIPT_SHELL 39',
    'TSKAD_I_SCRIPT_SHELL 42',
    'TSKAD_E_SCRIPT_INSECURE 42',
    'TSKAD_E_SCRIPT_SYNTAX 45',
    'TSKAD_E_SCRIPT_INSECURE 52',
  ].sort(byLine));
  const at = (line: number, code = 'TSKAD_E_SCRIPT_INSECURE') => ds.find((d) => d.loc!.line === line && d.code === code)!;
  assert.equal(at(6, 'TSKAD_W_SCRIPT_NOT_FOUND').message, 'script of vrrp_script missing: /etc/keepalived/missing.sh does not exist; the script is disabled');
  assert.equal(at(9, 'TSKAD_E_SCRIPT_NOT_EXECUTABLE').hint, 'chmod +x /etc/keepalived/noexec.sh');
  assert.equal(at(15, 'TSKAD_I_SCRIPT_PATH_SEARCH').message, "script of vrrp_script bare: 'killall' is found on PATH as /usr/bin/killall");
  assert.match(at(18, 'TSKAD_W_SCRIPT_NOT_FOUND').message, /'nosuchcmd' is not found on PATH/);
  // the component and the command that fixes it
  assert.equal(
    at(21).message,
    'script of vrrp_script ww: /srv/ww/check.sh runs as root, but /srv/ww is writable by everyone (mode 0777); it runs anyway, since enable_script_security is off',
  );
  assert.equal(at(21).hint, 'chmod o-w /srv/ww');
  assert.equal(at(24).hint, 'chmod g-w /srv/gw');
  assert.match(at(24).message, /\/srv\/gw is writable by group 50 \(mode 0775\)/);
  assert.equal(at(27).hint, 'chown root /srv/own');
  assert.equal(at(30).hint, 'chmod o-w /srv/file/check.sh');
  // a symlink is followed to the directory that really holds the script
  assert.equal(at(36).hint, 'chmod o-w /opt/chk');
  // a command written as a path inside a shell line is checked too
  assert.equal(at(42).hint, 'chmod o-w /srv/ww');
  assert.equal(at(42, 'TSKAD_I_SCRIPT_SHELL').message, "script of vrrp_script sh: runs through /bin/sh -c: it uses shell syntax '&&'");
  assert.match(at(39, 'TSKAD_I_SCRIPT_SHELL').message, /runs through \/bin\/bash -c: it uses '\[\['/);
  // run as nobody, only a setuid-root file needs protecting
  assert.match(at(52).message, /\/srv\/ww\/setuid\.sh runs setuid root/);
  // every script whose file was found, not-executable ones and shells included: all but missing, nowhere and quote
  assert.match(at(3, 'TSKAD_W_SCRIPT_SECURITY_OFF').message, /^15 scripts are configured but enable_script_security is off/);
});

const byLine = (a: string, b: string) => Number(a.split(' ')[1]) - Number(b.split(' ')[1]);

test('script security on: insecure scripts are refused, and no SECURITY VIOLATION', () => {
  const text = `global_defs {\n    enable_script_security\n    script_user root\n}\n${instance('    notify_master "/srv/ww/check.sh"\n    notify_backup "/etc/keepalived/ok.sh"')}`;
  const ds = hostCheck({ text }, fakeHost({ files: SCRIPT_FILES }));
  assert.deepEqual(brief(ds), ['TSKAD_E_SCRIPT_INSECURE 12']);
  assert.match(ds[0]!.message, /^notify_master of vrrp_instance VI_1: .* tskad will not run it$/);
});

test('script security: a sticky world-writable directory (/tmp) and a root group are fine', () => {
  const files = { ...SCRIPT_FILES, '/srv/rg': { type: 'dir' as const, mode: 0o775, gid: 0 }, '/srv/rg/x': { mode: 0o775 } };
  const text = `global_defs {\n    enable_script_security\n    script_user root\n}\n${instance('    notify_master "/tmp/check.sh"\n    notify_backup "/srv/rg/x"')}`;
  assert.deepEqual(hostCheck({ text }, fakeHost({ files })), []);
});

test('SECURITY VIOLATION needs a script whose file exists, and VRRP scripts need an instance', () => {
  const env = fakeHost({ files: SCRIPT_FILES });
  // keepalived -t: rc 5, not 6, when the only script is not found
  const notFound = hostCheck({ text: instance('    notify_master "/etc/keepalived/missing.sh"') }, env);
  assert.deepEqual(brief(notFound), ['TSKAD_W_SCRIPT_NOT_FOUND 8']);
  // a non-executable file still counts (rc 6), as does a script nobody tracks
  const noexec = hostCheck({ text: `vrrp_script chk {\n    script "/etc/keepalived/noexec.sh"\n}\n${instance()}` }, env);
  assert.deepEqual(brief(noexec), ['TSKAD_E_SCRIPT_NOT_EXECUTABLE 2', 'TSKAD_W_SCRIPT_SECURITY_OFF 2']);
  // `</path` is keepalived's readability test, not a script (rc 0)
  assert.deepEqual(brief(hostCheck({ text: instance('    notify_master "</etc/keepalived/ok.sh"') }, env)), ['TSKAD_I_SCRIPT_SHELL 8']);
  // without a vrrp_instance, keepalived does not look at vrrp_script at all (rc 0)
  assert.deepEqual(hostCheck({ text: 'vrrp_script chk {\n    script "/etc/keepalived/noexec.sh"\n}\n' }, env), []);
});

test('scripts of any block are found: global_defs, virtual_server, real_server, MISC_CHECK', () => {
  const text = `global_defs {
    startup_script "/srv/ww/check.sh"
}
virtual_server 192.0.2.100 80 {
    protocol TCP
    quorum_up "/srv/ww/check.sh up"
    real_server 192.0.2.101 80 {
        notify_down "/srv/missing.sh"
        MISC_CHECK {
            misc_path "/srv/gw/check.sh 192.0.2.101"
        }
    }
}
`;
  const ds = hostCheck({ text }, fakeHost({ files: SCRIPT_FILES }));
  assert.deepEqual(brief(ds), ['TSKAD_E_SCRIPT_INSECURE 2', 'TSKAD_W_SCRIPT_SECURITY_OFF 2', 'TSKAD_E_SCRIPT_INSECURE 6', 'TSKAD_W_SCRIPT_NOT_FOUND 8', 'TSKAD_E_SCRIPT_INSECURE 10']);
  assert.match(withCode(ds, 'TSKAD_E_SCRIPT_INSECURE')[0]!.message, /^startup_script of global_defs: /);
  assert.match(withCode(ds, 'TSKAD_E_SCRIPT_INSECURE')[1]!.message, /^quorum_up of virtual_server 192\.0\.2\.100 80: /);
  assert.match(withCode(ds, 'TSKAD_W_SCRIPT_NOT_FOUND')[0]!.message, /^notify_down of real_server 192\.0\.2\.101 80 of virtual_server 192\.0\.2\.100 80: /);
  assert.match(withCode(ds, 'TSKAD_E_SCRIPT_INSECURE')[2]!.message, /^misc_path of MISC_CHECK of real_server 192\.0\.2\.101 80: /);
});

test('the binder counts the script lines that gave a value; a script keyword left out gives the model no script', () => {
  const count = (text: string) => loadConfigText(text).scriptLines;
  assert.equal(count(instance()), 0);
  assert.equal(count(`virtual_server 192.0.2.100 80 {\n    protocol TCP\n    real_server 192.0.2.101 80 {\n        weight 2\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n}\n`), 0);
  // a checker's command, a notify script of an instance, a vrrp_script's
  assert.equal(count(`vrrp_script chk {\n    script "/bin/true"\n}\n${instance('    notify_master "/bin/true"')}virtual_server 192.0.2.100 80 {\n    real_server 192.0.2.101 80 {\n        MISC_CHECK {\n            misc_path "/bin/true"\n        }\n    }\n}\n`), 3);
  // a line whose value is refused is none
  assert.equal(count(instance('    notify_master')), 0);
  for (const { name, block } of BLOCKS) {
    for (const [field, kw] of Object.entries(block.spec)) {
      if (kw.script) assert.equal(kw.absent.value, undefined, `${name} ${field}`);
    }
  }
});

test('users: unknown script users and groups, script_user, and the keepalived_script default', () => {
  const env = fakeHost({ files: SCRIPT_FILES });
  const own = hostCheck(
    { text: `vrrp_script a {\n    script "/etc/keepalived/ok.sh"\n    user alice\n}\nvrrp_script b {\n    script "/etc/keepalived/ok.sh"\n    user nobody staff\n}\n${instance('    notify_master "/etc/keepalived/ok.sh" nobody\n    notify_backup "/etc/keepalived/ok.sh" bob')}` },
    env,
  );
  assert.deepEqual(brief(own), ['TSKAD_E_SCRIPT_USER_UNKNOWN 2', 'TSKAD_E_SCRIPT_USER_UNKNOWN 6', 'TSKAD_W_SCRIPT_SECURITY_OFF 16', 'TSKAD_E_SCRIPT_USER_UNKNOWN 17']);
  assert.match(own[0]!.message, /user 'alice' does not exist on this host; the script is disabled/);
  assert.match(own[1]!.message, /group 'staff' does not exist/);

  const scriptUser = hostCheck({ text: `global_defs {\n    script_user carol\n}\n${instance('    notify_master "/etc/keepalived/ok.sh"\n    notify_backup "/etc/keepalived/ok.sh"')}` }, env);
  assert.deepEqual(brief(scriptUser), ['TSKAD_E_SCRIPT_USER_UNKNOWN 11']);
  assert.match(scriptUser[0]!.message, /^script_user carol does not exist on this host/);

  // keepalived: "Unable to set default user keepalived_script for script", once
  const secure = `global_defs {\n    enable_script_security\n}\n${instance('    notify_master "/srv/ww/check.sh"\n    notify_backup "/srv/ww/check.sh"')}`;
  const missingDefault = hostCheck({ text: secure }, env);
  assert.deepEqual(brief(missingDefault), ['TSKAD_E_SCRIPT_DEFAULT_USER 11']);
  assert.match(missingDefault[0]!.hint!, /useradd .*keepalived_script|script_user/);
  // with the user present, scripts run as it: not root, so nothing to protect
  assert.deepEqual(hostCheck({ text: secure }, fakeHost({ files: SCRIPT_FILES, users: { keepalived_script: [990, 990] } })), []);
});

test('a shell line needs its shell', () => {
  const files = { ...SCRIPT_FILES, '/usr/bin/bash': { type: 'other' as const } };
  const ds = hostCheck({ text: `global_defs {\n    enable_script_security\n    script_user root\n}\n${instance('    notify_master "killall -0 nginx &> /dev/null"')}` }, fakeHost({ files }));
  assert.deepEqual(brief(ds), ['TSKAD_I_SCRIPT_SHELL 12', 'TSKAD_E_SCRIPT_NOT_EXECUTABLE 12']);
  const gone = fakeHost({ files: { ...SCRIPT_FILES, '/usr/bin/bash': { type: 'symlink', target: '/nowhere' } } });
  const ds2 = hostCheck({ text: `global_defs {\n    enable_script_security\n    script_user root\n}\n${instance('    notify_master "killall -0 nginx &> /dev/null"')}` }, gone);
  assert.equal(withCode(ds2, 'TSKAD_W_SCRIPT_NOT_FOUND')[0]!.message, 'notify_master of vrrp_instance VI_1: /bin/bash is needed to run this line and is not installed; the script is disabled');
});

test("isExecutableBy: keepalived's rule, without supplementary groups", () => {
  const f = (mode: number): FileInfo => ({ type: 'file', mode, uid: 1000, gid: 100, dev: 1, ino: 1 });
  assert.equal(isExecutableBy(f(0o001), 0, 0), true, 'root: any x bit');
  assert.equal(isExecutableBy(f(0o644), 0, 0), false);
  assert.equal(isExecutableBy(f(0o100), 1000, 5), true, 'owner: u+x');
  assert.equal(isExecutableBy(f(0o011), 1000, 100), false, 'owner: only u+x counts');
  assert.equal(isExecutableBy(f(0o010), 2000, 100), true, 'group: g+x');
  assert.equal(isExecutableBy(f(0o001), 2000, 100), false, 'group: only g+x counts');
  assert.equal(isExecutableBy(f(0o001), 2000, 200), true, 'other: o+x');
});

test('every host code is documented, and only SECURITY_OFF makes -t exit 6', () => {
  for (const [code, info] of Object.entries(HOST_CODES)) {
    assert.ok(info.summary.length > 10 && info.help.length > 80, code);
    assert.equal(code.startsWith({ fatal: 'TSKAD_F_', error: 'TSKAD_E_', warning: 'TSKAD_W_', info: 'TSKAD_I_' }[info.severity]), true, code);
  }
});

// ---------------------------------------------------------------- the real host

test('the real host: files, modes, shebangs, interfaces and users as this machine has them', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tskad-hostcheck-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const safe = join(dir, 'safe');
  const open = join(dir, 'open');
  mkdirSync(safe, { mode: 0o755 });
  mkdirSync(open);
  chmodSync(open, 0o777);
  for (const d of [safe, open]) writeFileSync(join(d, 'check.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  writeFileSync(join(safe, 'text.sh'), 'exit 0\n', { mode: 0o755 });
  writeFileSync(join(safe, 'data'), '#!/bin/sh\n', { mode: 0o644 });
  const text = `global_defs {
    script_user root
    enable_script_security
}
vrrp_instance VI_1 {
    interface lo
    virtual_router_id 51
    virtual_ipaddress {
        192.0.2.10/24 dev tskad-nosuch0
    }
    notify_master "${safe}/check.sh master"
    notify_backup "${open}/check.sh backup"
    notify_fault "${safe}/text.sh"
    notify_stop "${safe}/data"
    notify "/bin/echo"
    notify_deleted "${safe}/check.sh" tskad-no-such-user
}
`;
  const ds = hostCheck({ text }, realHostEnv());
  assert.deepEqual(brief(ds), [
    // lo exists everywhere, and keepalived refuses it for VRRP just as tskad does
    'TSKAD_E_LOOPBACK_INTERFACE 6',
    'TSKAD_E_NO_SUCH_INTERFACE 9',
    'TSKAD_E_SCRIPT_INSECURE 12',
    'TSKAD_E_SCRIPT_NO_INTERPRETER 13',
    'TSKAD_E_SCRIPT_NOT_EXECUTABLE 14',
    'TSKAD_E_SCRIPT_USER_UNKNOWN 16',
  ]);
  // as root the temp directory is root's, so the world-writable one is named;
  // as anyone else the temp directory itself is already not root's
  const insecure = withCode(ds, 'TSKAD_E_SCRIPT_INSECURE')[0]!;
  if (process.geteuid?.() === 0) assert.equal(insecure.hint, `chmod o-w ${open}`);
  else assert.equal(insecure.hint, `chown root ${dir}`);
});

test('the default script user is looked up (getent: a process) only when a script needs it, and once', () => {
  const lookups: string[] = [];
  const base = fakeHost({ files: SCRIPT_FILES });
  const env: HostEnv = { ...base, user: (n) => (lookups.push(n), base.user(n)) };
  hostCheck({ text: instance() }, env, true);
  assert.deepEqual(lookups, [], 'no script, no lookup');
  hostCheck({ text: instance('    notify_master "/etc/keepalived/ok.sh"\n    notify_backup "/etc/keepalived/ok.sh"') }, env, true);
  assert.deepEqual(lookups, ['keepalived_script']);
});
