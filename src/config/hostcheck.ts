// The checks `-t` makes against this machine rather than against the text:
// interfaces that must exist, script programs that must exist and be
// executable, script users, and keepalived's script security
// (keepalived.conf(5) "enable_script_security"; lib/notify.c
// check_script_secure/check_security, 2.2.7). Everything the host answers
// comes through HostEnv, so unit tests run against a fake host.
import { closeSync, lstatSync, openSync, readFileSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import type { Diagnostics } from './diagnostics.js';
import { pathKey, type SourceMap } from './bind.js';
import type { Loc } from './source.js';
import type { Code } from './codes/index.js';
import type { Config } from './schema/index.js';
import type { Script } from './schema/common.js';
import { snakeCase } from './schema/dsl.js';
import { VRRP_ROOT } from './schema/vrrp.js';
import { classifyScript, scriptPrograms, splitScriptWords } from './script.js';

// ---------------------------------------------------------------- the host

export interface FileInfo {
  readonly type: 'file' | 'dir' | 'symlink' | 'other';
  /** permission bits with setuid/setgid/sticky (mode & 0o7777) */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly dev: number;
  readonly ino: number;
}

export interface Account {
  readonly name: string;
  readonly uid: number;
  /** the primary group (for users), the group itself (for groups) */
  readonly gid: number;
}

/** What the host checks ask of the machine. */
export interface HostEnv {
  hasInterface(name: string): boolean;
  /** without following a final symlink; undefined when it cannot be read */
  lstat(path: string): FileInfo | undefined;
  stat(path: string): FileInfo | undefined;
  /** symlinks, `.` and `..` resolved; undefined when some component is missing */
  realpath(path: string): string | undefined;
  /** the first bytes of a file, to tell a `#!` script or a binary from plain text */
  readHead(path: string, bytes: number): Uint8Array | undefined;
  /** getpwnam(): by name only, as keepalived resolves script users */
  user(name: string): Account | undefined;
  /** getgrnam() */
  group(name: string): Account | undefined;
  /** the PATH a bare command name is searched on */
  readonly path: string;
  /** the daemon's own uid/gid: what scripts run as when no user applies */
  readonly uid: number;
  readonly gid: number;
}

/** glibc's confstr(_CS_PATH), keepalived's PATH when none is set */
const CS_PATH = '/bin:/usr/bin';

export function realHostEnv(): HostEnv {
  let interfaces: ReadonlySet<string> | undefined;
  const info = (st: Stats | undefined): FileInfo | undefined =>
    st && {
      type: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other',
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      dev: st.dev,
      ino: st.ino,
    };
  return {
    hasInterface: (name) => (interfaces ??= readInterfaces()).has(name),
    lstat: (p) => info(orUndefined(() => lstatSync(p, { throwIfNoEntry: false }))),
    stat: (p) => info(orUndefined(() => statSync(p, { throwIfNoEntry: false }))),
    realpath: (p) => orUndefined(() => realpathSync.native(p)),
    readHead: (p, bytes) =>
      orUndefined(() => {
        const fd = openSync(p, 'r');
        try {
          const buf = new Uint8Array(bytes);
          return buf.subarray(0, readSync(fd, buf, 0, bytes, 0));
        } finally {
          closeSync(fd);
        }
      }),
    user: (name) => account('passwd', name),
    group: (name) => account('group', name),
    path: process.env['PATH'] ?? CS_PATH,
    uid: process.geteuid?.() ?? 0,
    gid: process.getegid?.() ?? 0,
  };
}

const orUndefined = <T>(f: () => T | undefined): T | undefined => {
  try {
    return f();
  } catch {
    return undefined;
  }
};

/** /proc/net/dev lists every interface of the caller's network namespace, up or down. */
function readInterfaces(): ReadonlySet<string> {
  const text = orUndefined(() => readFileSync('/proc/net/dev', 'utf8')) ?? '';
  return new Set(
    text
      .split('\n')
      .slice(2)
      .map((l) => l.split(':')[0]!.trim())
      .filter((n) => n !== ''),
  );
}

/**
 * getent goes through NSS (LDAP, sssd…) as getpwnam() does; /etc files when
 * getent itself is missing. A numeric "name" is not a name: getent would look
 * it up as an id, getpwnam() does not.
 */
function account(db: 'passwd' | 'group', name: string): Account | undefined {
  const r = spawnSync('getent', [db, name], { encoding: 'utf8' });
  const text = r.error ? (orUndefined(() => readFileSync(`/etc/${db}`, 'utf8')) ?? '') : r.stdout;
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] !== name) continue;
    return db === 'passwd' ? { name, uid: Number(f[2]), gid: Number(f[3]) } : { name, uid: 0, gid: Number(f[2]) };
  }
  return undefined;
}

// ---------------------------------------------------------------- the checks

/** The default script user (keepalived's, kept for drop-in configurations). */
export const DEFAULT_SCRIPT_USER = 'keepalived_script';

export function checkHost(config: Config, sources: SourceMap, diag: Diagnostics, env: HostEnv = realHostEnv()): void {
  checkInterfaces(config, sources, diag, env);
  checkScripts(config, sources, diag, env);
}

// ------------------------------------------------ interfaces

/**
 * The fields of the VRRP blocks that name an interface keepalived requires to
 * exist (vrrp_instance interface, track_interface, the dev/iif/oif of
 * addresses, routes and rules, garp_group, linkbeat_interfaces,
 * interface_up_down_delays — all checked with keepalived -t). LVS blocks and
 * lvs_sync_daemon name interfaces too, but keepalived does not check those.
 */
const INTERFACE_FIELDS: Readonly<Record<string, string>> = {
  interface: 'interface',
  dev: 'dev',
  iif: 'iif',
  oif: 'oif',
  trackInterface: 'track_interface',
  interfaces: 'interfaces',
  linkbeatInterfaces: 'linkbeat_interfaces',
  interfaceUpDownDelays: 'interface_up_down_delays',
};
const VRRP_BLOCKS: ReadonlySet<string> = new Set(Object.keys(VRRP_ROOT));
/** where keepalived's -t treats a missing interface as fatal (exit 4) rather than an error (5) */
const FATAL_INTERFACE_USES: ReadonlySet<string> = new Set(['linkbeat_interfaces', 'interface_up_down_delays', 'default_interface']);

function checkInterfaces(config: Config, sources: SourceMap, diag: Diagnostics, env: HostEnv): void {
  // keepalived: dynamic_interfaces allows interfaces that appear later
  if (config.globalDefs.dynamicInterfaces) return;
  const missing = (name: string, path: Path, use: string) =>
    diag.report(
      FATAL_INTERFACE_USES.has(use) ? 'TSKAD_F_NO_SUCH_INTERFACE' : 'TSKAD_E_NO_SUCH_INTERFACE',
      `interface ${name} (${[use, owner(config, path)].filter(Boolean).join(' of ')}) does not exist on this host`,
      locate(sources, path),
      'see `ip link`; set dynamic_interfaces in global_defs if it is created after tskad starts',
    );
  walk(config, [], (value, path) => {
    const field = path[path.length - 1];
    const use = typeof field === 'string' && VRRP_BLOCKS.has(String(path[0])) ? INTERFACE_FIELDS[field] : undefined;
    if (use === undefined) return false;
    for (const [name, at] of interfaceNames(value, path)) if (!env.hasInterface(name)) missing(name, at, use);
    return true;
  });
  // a static address without dev goes on default_interface (eth0 unless set)
  const fallback = config.globalDefs.defaultInterface;
  config.staticIpaddress.forEach((a, i) => {
    if (a.dev === undefined && fallback !== undefined && !env.hasInterface(fallback)) missing(fallback, ['staticIpaddress', i, 'dev'], 'default_interface');
  });
}

/** An interface field holds a name, or a list of names or of `{ name, weight… }` entries. */
function interfaceNames(value: unknown, path: Path): Array<[string, Path]> {
  if (typeof value === 'string') return [[value, path]];
  if (!Array.isArray(value)) return [];
  return value.flatMap((v, i): Array<[string, Path]> => {
    const name = typeof v === 'string' ? v : isRecord(v) && typeof v['name'] === 'string' ? v['name'] : undefined;
    return name === undefined ? [] : [[name, [...path, i]]];
  });
}

// ------------------------------------------------ scripts

interface RunAs {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

interface FoundScript {
  readonly script: Script;
  readonly path: Path;
  /** `user USER [GROUP]` of the enclosing block (vrrp_script, MISC_CHECK) */
  readonly blockUser?: { readonly user: string; readonly group?: string };
}

type Path = readonly (string | number)[];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Any object with `command` and `runner` is a script: the shape the shared scriptSchema gives every script keyword. */
const isScript = (v: unknown): v is Script =>
  isRecord(v) && typeof v['command'] === 'string' && (v['runner'] === 'exec' || v['runner'] === 'sh' || v['runner'] === 'bash');

const userOf = (v: unknown): FoundScript['blockUser'] =>
  isRecord(v) && typeof v['user'] === 'string' ? { user: v['user'], ...(typeof v['group'] === 'string' ? { group: v['group'] } : {}) } : undefined;

function findScripts(config: Config): FoundScript[] {
  const out: FoundScript[] = [];
  const vrrpRuns = config.vrrpInstance.length > 0;
  walk(config, [], (value, path, parent) => {
    if (!isScript(value)) return false;
    // keepalived checks VRRP scripts only when there is an instance to run them
    if (typeof path[0] === 'string' && path[0].startsWith('vrrp') && !vrrpRuns) return true;
    const blockUser = isRecord(parent) ? userOf(parent['user']) : undefined;
    out.push({ script: value, path, ...(blockUser ? { blockUser } : {}) });
    return true;
  });
  return out;
}

function checkScripts(config: Config, sources: SourceMap, diag: Diagnostics, env: HostEnv): void {
  const checker = new ScriptChecker(config, diag, env);
  for (const found of findScripts(config)) checker.check(found, locate(sources, found.path));
  checker.finish();
}

type Report = (code: Code, message: string, hint?: string) => void;

/** The script checks in keepalived's order: split, user, program, format, security. */
class ScriptChecker {
  private readonly security: boolean;
  private readonly defaultUser: DefaultUser;
  private defaultUserReported = false;
  /** scripts keepalived would count as configured: a file was found for them */
  private runs = 0;
  private firstRun: Loc | undefined;

  constructor(
    private readonly config: Config,
    private readonly diag: Diagnostics,
    private readonly env: HostEnv,
  ) {
    this.security = config.globalDefs.enableScriptSecurity;
    this.defaultUser = resolveDefaultUser(config.globalDefs, env, this.security);
  }

  check(found: FoundScript, loc: Loc | undefined): void {
    const { script, path } = found;
    const what = [keywordOf(path), owner(this.config, path)].filter(Boolean).join(' of ');
    const report: Report = (code, message, hint) => this.diag.report(code, `${what}: ${message}`, loc, hint);

    if (script.runner === 'exec') {
      const { words, problem } = splitScriptWords(script.command);
      if (problem !== undefined || words.length === 0) {
        report('TSKAD_E_SCRIPT_SYNTAX', `cannot split '${script.command}' into words: ${problem ?? 'it is empty'}; the script is ignored`);
        return;
      }
    }
    const runAs = this.runAs(found, report, loc);
    if (!runAs) return;

    const [program, ...inner] = scriptPrograms(script.command, script.runner) as [string, ...string[]];
    if (script.runner !== 'exec') report('TSKAD_I_SCRIPT_SHELL', `runs through ${program} -c: it ${classifyScript(script.command).reason}`);
    const main = resolveProgram(program, runAs, this.env);
    // keepalived counts every script whose file it found, runnable or not; a
    // `</path` line is its system() readability test, not a script
    if ((main.kind === 'found' || (main.kind === 'not-executable' && !main.searched)) && !/^<[ \t]*\//.test(script.command)) {
      this.runs++;
      this.firstRun ??= loc;
    }
    if (main.kind !== 'found') return reportUnusable(main, program, script.runner, runAs, report);
    if (main.searched) report('TSKAD_I_SCRIPT_PATH_SEARCH', `'${program}' is found on PATH as ${main.path}`, 'give the full path');
    if (script.runner === 'exec' && !runnableFormat(this.env.readHead(main.real, 4))) {
      report('TSKAD_E_SCRIPT_NO_INTERPRETER', `${main.path} is neither a #! script nor a binary, so it cannot be executed`, `add a first line such as #!/bin/sh to ${main.path}`);
      return;
    }
    // commands inside a shell line may be guarded (`[ -x /x ] && /x`): only those present are checked
    const inside = inner.map((p) => resolveProgram(p, runAs, this.env)).filter((r): r is Found => r.kind === 'found');
    this.checkSecurity([main, ...inside], runAs, report);
  }

  /** Who the script runs as: its own user, else the default; undefined (reported) when that cannot be. */
  private runAs(found: FoundScript, report: Report, loc: Loc | undefined): RunAs | undefined {
    const { script } = found;
    const own = script.user !== undefined ? { user: script.user, group: script.group } : found.blockUser;
    if (own) {
      const runAs = resolveUser(own.user, own.group, this.env);
      if (!runAs) {
        const missing = this.env.user(own.user) ? `group '${own.group}'` : `user '${own.user}'`;
        report('TSKAD_E_SCRIPT_USER_UNKNOWN', `${missing} does not exist on this host; the script is disabled`);
      }
      return runAs;
    }
    if (this.defaultUser.kind === 'ok') return this.defaultUser.runAs;
    if (!this.defaultUserReported) reportDefaultUser(this.defaultUser, this.diag, loc);
    this.defaultUserReported = true;
    return undefined;
  }

  private checkSecurity(programs: readonly Found[], runAs: RunAs, report: Report): void {
    for (const p of programs) {
      const privilege = privilegeOf(p.info, runAs);
      const bad = privilege && insecurePath(p, this.env);
      if (!bad) continue;
      const outcome = this.security ? 'tskad will not run it' : 'it runs anyway, since enable_script_security is off';
      report('TSKAD_E_SCRIPT_INSECURE', `${p.path} runs ${privilege}, but ${bad.component} ${bad.why}; ${outcome}`, bad.fix);
      return;
    }
  }

  /** keepalived's "SECURITY VIOLATION": scripts configured while enable_script_security is off. */
  finish(): void {
    if (this.security || this.runs === 0) return;
    const n = this.runs === 1 ? '1 script is' : `${this.runs} scripts are`;
    this.diag.report(
      'TSKAD_W_SCRIPT_SECURITY_OFF',
      `${n} configured but enable_script_security is off: they run without keepalived's ownership and permission checks (keepalived -t exits 6 here)`,
      this.firstRun,
      'add enable_script_security to global_defs, and script_user root if the scripts need root',
    );
  }
}

type DefaultUser =
  | { kind: 'ok'; runAs: RunAs }
  | { kind: 'unknown'; user: string; group?: string }
  | { kind: 'missing-default' };

/**
 * keepalived's get_default_script_user(): script_user when given, else
 * keepalived_script when it exists, else the daemon's own uid — except that
 * with enable_script_security a missing keepalived_script is an error rather
 * than a silent fall back to root.
 */
function resolveDefaultUser(g: Config['globalDefs'], env: HostEnv, security: boolean): DefaultUser {
  if (g.scriptUser) {
    const runAs = resolveUser(g.scriptUser.user, g.scriptUser.group, env);
    return runAs ? { kind: 'ok', runAs } : { kind: 'unknown', ...g.scriptUser };
  }
  const runAs = resolveUser(DEFAULT_SCRIPT_USER, undefined, env);
  if (runAs) return { kind: 'ok', runAs };
  if (security) return { kind: 'missing-default' };
  return { kind: 'ok', runAs: { name: env.uid === 0 ? 'root' : `uid ${env.uid}`, uid: env.uid, gid: env.gid } };
}

function reportDefaultUser(d: Exclude<DefaultUser, { kind: 'ok' }>, diag: Diagnostics, loc: Loc | undefined): void {
  if (d.kind === 'unknown') {
    diag.report(
      'TSKAD_E_SCRIPT_USER_UNKNOWN',
      `script_user ${d.user}${d.group ? ` ${d.group}` : ''} does not exist on this host; scripts without their own user are disabled`,
      loc,
      `getent passwd ${d.user}`,
    );
  } else {
    diag.report(
      'TSKAD_E_SCRIPT_DEFAULT_USER',
      `enable_script_security is on and no script_user is set, so scripts run as ${DEFAULT_SCRIPT_USER}, which does not exist here; scripts without their own user are disabled`,
      loc,
      `create the user (useradd --system --shell /usr/sbin/nologin ${DEFAULT_SCRIPT_USER}) or set script_user in global_defs`,
    );
  }
}

function resolveUser(user: string, group: string | undefined, env: HostEnv): RunAs | undefined {
  const u = env.user(user);
  if (!u) return undefined;
  if (group === undefined) return { name: user, uid: u.uid, gid: u.gid };
  const g = env.group(group);
  return g ? { name: `${user}:${group}`, uid: u.uid, gid: g.gid } : undefined;
}

// ------------------------------------------------ programs

interface Found {
  readonly kind: 'found';
  /** the path as it will be run (after a PATH search) */
  readonly path: string;
  /** with every symlink resolved */
  readonly real: string;
  readonly info: FileInfo;
  readonly searched: boolean;
}
type Resolved =
  | Found
  | { readonly kind: 'missing'; readonly searched: boolean }
  | { readonly kind: 'not-executable'; readonly path: string; readonly notFile: boolean; readonly searched: boolean };

/** keepalived's is_executable(): root needs any x bit; others the bit of owner, else group, else other (no supplementary groups). */
export function isExecutableBy(f: FileInfo, uid: number, gid: number): boolean {
  if (uid === 0) return (f.mode & 0o111) !== 0;
  if (uid === f.uid) return (f.mode & 0o100) !== 0;
  return gid === f.gid ? (f.mode & 0o010) !== 0 : (f.mode & 0o001) !== 0;
}

/** execvp()'s search, as keepalived's find_path() does it: a name with '/' is taken as is. */
function resolveProgram(name: string, runAs: RunAs, env: HostEnv): Resolved {
  if (name.includes('/')) return examine(name, false, runAs, env) ?? { kind: 'missing', searched: false };
  let denied: Resolved | undefined;
  for (const dir of env.path.split(':')) {
    const r = examine(join(dir === '' ? '.' : dir, name), true, runAs, env);
    if (r?.kind === 'found') return r;
    denied ??= r;
  }
  return denied ?? { kind: 'missing', searched: true };
}

function examine(path: string, searched: boolean, runAs: RunAs, env: HostEnv): Resolved | undefined {
  const info = env.stat(path);
  const real = env.realpath(path);
  if (!info || real === undefined) return undefined;
  if (info.type !== 'file') return { kind: 'not-executable', path, notFile: true, searched };
  if (!isExecutableBy(info, runAs.uid, runAs.gid)) return { kind: 'not-executable', path, notFile: false, searched };
  return { kind: 'found', path, real, info, searched };
}

function reportUnusable(r: Exclude<Resolved, Found>, program: string, runner: Script['runner'], runAs: RunAs, report: Report): void {
  if (r.kind === 'missing') {
    if (runner !== 'exec') report('TSKAD_W_SCRIPT_NOT_FOUND', `${program} is needed to run this line and is not installed; the script is disabled`, `install ${basename(program)}`);
    else if (r.searched) report('TSKAD_W_SCRIPT_NOT_FOUND', `'${program}' is not found on PATH; the script is disabled`, 'give the full path of the program');
    else report('TSKAD_W_SCRIPT_NOT_FOUND', `${program} does not exist; the script is disabled`);
  } else if (r.notFile) {
    report('TSKAD_E_SCRIPT_NOT_EXECUTABLE', `${r.path} is not a regular file; the script is disabled`);
  } else {
    report('TSKAD_E_SCRIPT_NOT_EXECUTABLE', `${r.path} is not executable by ${runAs.name}; the script is disabled`, `chmod +x ${r.path}`);
  }
}

/**
 * `#!` or an ELF header: what execve() can start (Debian's keepalived has no
 * libmagic fallback). A file that cannot be read is not judged here.
 */
function runnableFormat(head: Uint8Array | undefined): boolean {
  if (!head) return true;
  const text = String.fromCharCode(...head);
  return text.startsWith('#!') || text === '\x7fELF';
}

// ------------------------------------------------ script security

/**
 * keepalived protects a script run as uid or gid root, or a setuid/setgid-root
 * file: how it is privileged, or undefined when it is not.
 */
function privilegeOf(f: FileInfo, runAs: RunAs): string | undefined {
  if (runAs.uid === 0) return 'as root';
  if (runAs.gid === 0) return `as ${runAs.name} with group root`;
  if (f.uid === 0 && (f.mode & 0o4100) === 0o4100) return 'setuid root';
  if (f.gid === 0 && (f.mode & 0o2010) === 0o2010) return 'setgid root';
  return undefined;
}

interface Insecure {
  readonly component: string;
  readonly why: string;
  readonly fix: string;
}

/**
 * keepalived checks the path with its directories resolved, keeping the file
 * name as written when that names the same file (python3 → python3.11), and
 * then the fully resolved file too.
 */
function insecurePath(p: Found, env: HostEnv): Insecure | undefined {
  const paths = [p.real];
  if (basename(p.path) !== basename(p.real)) {
    const asNamed = join(dirname(p.real), basename(p.path));
    const a = env.stat(asNamed);
    if (a && a.dev === p.info.dev && a.ino === p.info.ino) paths.unshift(asNamed);
  }
  for (const path of paths) {
    const bad = insecureComponent(path, env);
    if (bad) return bad;
  }
  return undefined;
}

/**
 * keepalived's check_security() on a path whose directories are resolved:
 * every component from `/` down (not following a final symlink) must be owned
 * by root and not writable by a non-root group or by others — a directory
 * with the sticky bit may be.
 */
export function insecureComponent(path: string, env: HostEnv): Insecure | undefined {
  const parts = path.split('/').filter((s) => s !== '');
  for (let i = 0; i <= parts.length; i++) {
    const component = `/${parts.slice(0, i).join('/')}`;
    const f = env.lstat(component);
    if (!f) return { component, why: 'cannot be examined', fix: `check ${component}` };
    if (f.uid !== 0) return { component, why: `is owned by uid ${f.uid}, not root`, fix: `chown root ${component}` };
    const checked = (f.type === 'dir' && (f.mode & 0o1000) === 0) || f.type === 'file';
    const groupWrite = f.gid !== 0 && (f.mode & 0o020) !== 0;
    const otherWrite = (f.mode & 0o002) !== 0;
    if (checked && (groupWrite || otherWrite)) {
      const who = groupWrite && otherWrite ? `group ${f.gid} and everyone` : groupWrite ? `group ${f.gid}` : 'everyone';
      const bits = groupWrite && otherWrite ? 'go-w' : groupWrite ? 'g-w' : 'o-w';
      return { component, why: `is writable by ${who} (mode ${f.mode.toString(8).padStart(4, '0')})`, fix: `chmod ${bits} ${component}` };
    }
  }
  return undefined;
}

// ------------------------------------------------ walking the model

/** Depth-first over plain objects and arrays; `visit` returns true to skip the value's insides. */
function walk(value: unknown, path: Path, visit: (value: unknown, path: Path, parent: unknown) => boolean, parent?: unknown): void {
  if (path.length > 0 && visit(value, path, parent)) return;
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i], visit, value));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) walk(v, [...path, k], visit, value);
}

/** Where a model path was written: the path itself, or its nearest recorded ancestor. */
function locate(sources: SourceMap, path: Path): Loc | undefined {
  for (let n = path.length; n > 0; n--) {
    const loc = sources.get(pathKey(path.slice(0, n)));
    if (loc) return loc;
  }
  return undefined;
}

/** The keyword a model path ends in: `vrrpInstance/0/notifyMaster` → notify_master. */
function keywordOf(path: Path): string {
  const field = [...path].reverse().find((s): s is string => typeof s === 'string');
  return field ? snakeCase(field) : 'script';
}

/**
 * The block a model path sits in, named as an operator would: the nearest
 * block with a name, a checker type or an address, and the one around it
 * (`virtual_ipaddress 192.0.2.1 of vrrp_instance VI_1`, `MISC_CHECK of real_server 192.0.2.2 80`).
 */
function owner(config: Config, path: Path): string {
  const labels: string[] = [];
  let node: unknown = config;
  let field = '';
  for (const step of path.slice(0, -1)) {
    node = isRecord(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[step] : undefined;
    if (typeof step === 'string') field = snakeCase(step);
    if (isRecord(node)) labels.push(label(field, node));
  }
  return labels.slice(-2).reverse().join(' of ');
}

function label(keyword: string, block: Record<string, unknown>): string {
  const { type, name, address, port, dst } = block;
  if (typeof type === 'string') return type;
  if (typeof name === 'string') return `${keyword} ${name}`;
  if (typeof address === 'string') return `${keyword} ${address}${typeof port === 'number' ? ` ${port}` : ''}`;
  if (typeof dst === 'string') return `${keyword} ${dst}`;
  return keyword;
}
