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
import type { SourceMap } from './bind.js';
import type { Loc } from './source.js';
import type { Code } from './codes/index.js';
import { root, type Config } from './schema/index.js';
import type { Script } from './schema/common.js';
import { snakeCase, type Block, type Keyword } from './schema/dsl.js';
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
  /** IFF_LOOPBACK: keepalived refuses such an interface for VRRP */
  isLoopback?(name: string): boolean;
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
/** <linux/if.h> */
const IFF_LOOPBACK = 0x8;

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
  // asked once per instance: a large configuration has hundreds of instances on a few interfaces
  const loopback = new Map<string, boolean>();
  return {
    hasInterface: (name) => (interfaces ??= readInterfaces()).has(name),
    isLoopback: (name) => {
      let is = loopback.get(name);
      if (is === undefined) loopback.set(name, (is = isLoopbackInterface(name)));
      return is;
    },
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

function isLoopbackInterface(name: string): boolean {
  try {
    return (parseInt(readFileSync(`/sys/class/net/${name}/flags`, 'utf8'), 16) & IFF_LOOPBACK) !== 0;
  } catch {
    return false;
  }
}

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

/**
 * `scriptLines`, when the binder's count is at hand (LoadResult.scriptLines):
 * with none, the walk for scripts is spared (a large model of virtual servers
 * without a script took 10-20 ms to walk).
 */
export function checkHost(config: Config, sources: SourceMap, diag: Diagnostics, env: HostEnv = realHostEnv(), scriptLines?: number): void {
  checkInterfaces(config, sources, diag, env);
  if (scriptLines !== 0) checkScripts(config, sources, diag, env);
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
      sources.nearest(path),
      'see `ip link`; set dynamic_interfaces in global_defs if it is created after tskad starts',
    );
  // interfaces are named only in the VRRP blocks: the virtual servers need no walk
  eachInterfaceField(config, (use, value, path) => {
    for (const [name, at] of interfaceNames(value, path)) {
      if (!env.hasInterface(name)) missing(name, at, use);
      else if (use === 'interface' && path[0] === 'vrrpInstance' && env.isLoopback?.(name)) {
        diag.report('TSKAD_E_LOOPBACK_INTERFACE', `interface ${name} of ${owner(config, path)} is a loopback interface: VRRP cannot run on it`, sources.nearest(at));
      }
    }
  });
  // a static address without dev goes on default_interface (eth0 unless set)
  const fallback = config.globalDefs.defaultInterface;
  config.staticIpaddress.forEach((a, i) => {
    if (a.dev === undefined && fallback !== undefined && !env.hasInterface(fallback)) missing(fallback, ['staticIpaddress', i, 'dev'], 'default_interface');
  });
}

/**
 * Each field of the VRRP blocks named in INTERFACE_FIELDS, in the order a
 * depth-first walk of the model meets it, with what it is used for; what is
 * below such a field is not walked. Only objects and arrays are entered: a
 * large model's numbers and strings are not visited one by one.
 */
function eachInterfaceField(config: Config, visit: (use: string, value: unknown, path: Path) => void): void {
  // one path array for the whole walk: a visitor copies what it keeps
  const path: Array<string | number> = [];
  const field = (k: string, v: unknown): void => {
    path.push(k);
    const use = INTERFACE_FIELDS[k];
    if (use !== undefined) visit(use, v, path);
    else if (typeof v === 'object' && v !== null) below(v);
    path.pop();
  };
  const below = (value: object): void => {
    if (!Array.isArray(value)) {
      // for-in over a plain object: its own keys in Object.keys order, without an array of them per object
      for (const k in value) field(k, (value as Record<string, unknown>)[k]);
      return;
    }
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v !== 'object' || v === null) continue;
      path.push(i);
      below(v);
      path.pop();
    }
  };
  for (const k in config) if (VRRP_BLOCKS.has(k)) field(k, (config as unknown as Record<string, unknown>)[k]);
}

/** An interface field holds a name, or a list of names or of `{ name, weight… }` entries. */
function interfaceNames(value: unknown, path: Path): Array<[string, Path]> {
  if (typeof value === 'string') return [[value, [...path]]];
  if (!Array.isArray(value)) return [];
  return value.flatMap((v, i): Array<[string, Path]> => {
    const name = typeof v === 'string' ? v : isRecord(v) && typeof v['name'] === 'string' ? v['name'] : undefined;
    return name === undefined ? [] : [[name, [...path, i]]];
  });
}

// ------------------------------------------------ scripts

/** Who a script runs as. */
export interface RunAs {
  /** for messages: `nobody`, `nobody:nogroup`, `root` */
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** `USER [GROUP]`: a script's own, its block's (vrrp_script, MISC_CHECK), or global script_user. */
export interface UserSpec {
  readonly user: string;
  readonly group?: string;
}

interface FoundScript {
  readonly script: Script;
  readonly path: Path;
  /** `user USER [GROUP]` of the enclosing block (vrrp_script, MISC_CHECK) */
  readonly blockUser?: UserSpec;
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
  const found: Visit = (value, path, parent) => {
    if (!isScript(value)) return false;
    // keepalived checks VRRP scripts only when there is an instance to run them
    if (typeof path[0] === 'string' && path[0].startsWith('vrrp') && !vrrpRuns) return true;
    const blockUser = isRecord(parent) ? userOf(parent['user']) : undefined;
    out.push({ script: value, path: [...path], ...(blockUser ? { blockUser } : {}) });
    return true;
  };
  // the keywords say where scripts can be: the walk leaves out what cannot hold one (most of a large model)
  const path: Array<string | number> = [];
  const inBlock = (b: Block, value: Record<string, unknown>): void => {
    // a script is an object; a block's head (its name, address…) holds none
    const fields = scriptFields(b);
    let first: string | undefined;
    let count = 0;
    for (let i = 0; i < fields.length; i++) {
      if (!holdsObject(value, fields[i]!)) continue;
      first ??= fields[i]!;
      count++;
    }
    // mostly one field is there (a virtual server's real servers, a real server's checkers): no list to make
    if (count === 0) return;
    if (count === 1) return inField(b, first!, value);
    // in the value's own order, as a walk of the whole value meets them
    const order = Object.keys(value);
    const present = fields.filter((k) => holdsObject(value, k)).sort((x, y) => order.indexOf(x) - order.indexOf(y));
    for (let i = 0; i < present.length; i++) inField(b, present[i]!, value);
  };
  /** Field `k` of a value of block `b`. */
  const inField = (b: Block, k: string, value: Record<string, unknown>): void => {
    const kw = b.spec[k]!;
    const v = value[k];
    path.push(k);
    if (!kw.many || !Array.isArray(v)) inValue(kw, v, value);
    else {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        inValue(kw, v[i], v);
        path.pop();
      }
    }
    path.pop();
  };
  const inValue = (kw: Keyword, v: unknown, parent: unknown): void => {
    if (!isRecord(v)) return walkObjects(v, found, path, parent);
    const block = kw.block ?? (kw.members ? memberBlock(kw, v) : undefined);
    if (!block) walkObjects(v, found, path, parent);
    else if (blockHoldsScript(block)) inBlock(block, v);
  };
  inBlock(root, config as unknown as Record<string, unknown>);
  return out;
}

const holdsObject = (value: Record<string, unknown>, k: string): boolean => typeof value[k] === 'object' && value[k] !== null;

/** The block of a tagged keyword's element, by its tag (a real server's checker: HTTP_GET, MISC_CHECK…). */
const memberBlock = (kw: Keyword, v: Record<string, unknown>): Block | undefined => kw.members![String(v['type'])]?.block;

const holding = new WeakMap<Keyword | Block, boolean>();

/** A keyword whose value is a script, or a block (or checker) with such a keyword somewhere inside. */
function holdsScript(kw: Keyword): boolean {
  let h = holding.get(kw);
  if (h === undefined) {
    h = kw.script || (kw.block !== undefined && blockHoldsScript(kw.block)) || Object.values(kw.members ?? {}).some(holdsScript);
    holding.set(kw, h);
  }
  return h;
}

const fieldsHolding = new WeakMap<Block, readonly string[]>();

/** The fields of a block whose keywords can hold a script. */
function scriptFields(b: Block): readonly string[] {
  let fields = fieldsHolding.get(b);
  if (fields === undefined) {
    fields = Object.keys(b.spec).filter((f) => holdsScript(b.spec[f]!));
    fieldsHolding.set(b, fields);
  }
  return fields;
}

function blockHoldsScript(b: Block): boolean {
  let h = holding.get(b);
  if (h === undefined) {
    h = Object.values(b.spec).some(holdsScript);
    holding.set(b, h);
  }
  return h;
}

function checkScripts(config: Config, sources: SourceMap, diag: Diagnostics, env: HostEnv): void {
  const checker = new ScriptChecker(config, diag, env);
  for (const found of findScripts(config)) checker.check(found, sources.nearest(found.path));
  checker.finish();
}

/** One thing the checks say about a script: a `-t` diagnostic before the script is named, or a log line of the daemon. */
export interface Finding {
  readonly code: Code;
  readonly message: string;
  readonly hint?: string;
  /** about the default script user rather than this script: `-t` says it once, without naming a script */
  readonly global?: true;
}

/** What this host says about one script: whom it runs as, and whether keepalived would disable it. */
export type ScriptVerdict = {
  /** everything found, in keepalived's order (the disabling one last) */
  readonly findings: readonly Finding[];
  /** keepalived counts it among the configured scripts: its file was found */
  readonly counted: boolean;
} & (
  | { readonly runAs: RunAs; readonly disabledBy?: undefined }
  /** the finding that disables it; runAs undefined when no user could be resolved */
  | { readonly runAs?: RunAs; readonly disabledBy: Finding }
);

/**
 * The script checks in keepalived's order — split, user, program, format,
 * security — shared by `-t` and by the daemon, which does not run a script
 * they disable (keepalived vrrp.c check_vrrp_script_security).
 */
export class ScriptJudge {
  private readonly security: boolean;
  private resolvedDefaultUser: DefaultUser | undefined;

  constructor(
    private readonly g: Config['globalDefs'],
    private readonly env: HostEnv,
  ) {
    this.security = g.enableScriptSecurity;
  }

  /** resolved on the first script that needs it: a lookup through NSS (getent) costs a process, which a config without scripts need not pay */
  private get defaultUser(): DefaultUser {
    return (this.resolvedDefaultUser ??= resolveDefaultUser(this.g, this.env, this.security));
  }

  /** `blockUser`: the `user` of the block the script is in (vrrp_script, MISC_CHECK). */
  judge(script: Script, blockUser?: UserSpec): ScriptVerdict {
    const findings: Finding[] = [];
    const disabled = (f: Finding, more: { runAs?: RunAs; counted?: boolean } = {}): ScriptVerdict => {
      findings.push(f);
      return { findings, disabledBy: f, counted: false, ...more };
    };
    if (script.runner === 'exec') {
      const { words, problem } = splitScriptWords(script.command);
      if (problem !== undefined || words.length === 0) {
        return disabled({ code: 'TSKAD_E_SCRIPT_SYNTAX', message: `cannot split '${script.command}' into words: ${problem ?? 'it is empty'}; the script is ignored` });
      }
    }
    const own = script.user !== undefined ? { user: script.user, ...(script.group !== undefined ? { group: script.group } : {}) } : blockUser;
    const user = own ? this.ownUser(own) : this.defaultUser;
    if (user.kind !== 'ok') return disabled(user.kind === 'own-unknown' ? user.finding : defaultUserFinding(user));
    const { runAs } = user;

    const [program, ...inner] = scriptPrograms(script.command, script.runner) as [string, ...string[]];
    if (script.runner !== 'exec') findings.push({ code: 'TSKAD_I_SCRIPT_SHELL', message: `runs through ${program} -c: it ${classifyScript(script.command).reason}` });
    const main = resolveProgram(program, runAs, this.env);
    // keepalived counts every script whose file it found, runnable or not; a
    // `</path` line is its system() readability test, not a script
    const counted = (main.kind === 'found' || (main.kind === 'not-executable' && !main.searched)) && !/^<[ \t]*\//.test(script.command);
    if (main.kind !== 'found') return disabled(unusable(main, program, script.runner, runAs), { runAs, counted });
    if (main.searched) findings.push({ code: 'TSKAD_I_SCRIPT_PATH_SEARCH', message: `'${program}' is found on PATH as ${main.path}`, hint: 'give the full path' });
    if (script.runner === 'exec' && !runnableFormat(this.env.readHead(main.real, 4))) {
      return disabled(
        { code: 'TSKAD_E_SCRIPT_NO_INTERPRETER', message: `${main.path} is neither a #! script nor a binary, so it cannot be executed`, hint: `add a first line such as #!/bin/sh to ${main.path}` },
        { runAs, counted },
      );
    }
    // commands inside a shell line may be guarded (`[ -x /x ] && /x`): only those present are checked
    const inside = inner.map((p) => resolveProgram(p, runAs, this.env)).filter((r): r is Found => r.kind === 'found');
    const insecure = this.insecurity([main, ...inside], runAs);
    if (insecure && this.security) return disabled(insecure, { runAs, counted });
    if (insecure) findings.push(insecure);
    return { runAs, findings, counted };
  }

  private ownUser(own: UserSpec): { kind: 'ok'; runAs: RunAs } | { kind: 'own-unknown'; finding: Finding } {
    const runAs = resolveUser(own, this.env);
    if (runAs) return { kind: 'ok', runAs };
    const missing = this.env.user(own.user) ? `group '${own.group}'` : `user '${own.user}'`;
    return { kind: 'own-unknown', finding: { code: 'TSKAD_E_SCRIPT_USER_UNKNOWN', message: `${missing} does not exist on this host; the script is disabled` } };
  }

  private insecurity(programs: readonly Found[], runAs: RunAs): Finding | undefined {
    for (const p of programs) {
      const privilege = privilegeOf(p.info, runAs);
      const bad = privilege && insecurePath(p, this.env);
      if (!bad) continue;
      const outcome = this.security ? 'tskad will not run it' : 'it runs anyway, since enable_script_security is off';
      return { code: 'TSKAD_E_SCRIPT_INSECURE', message: `${p.path} runs ${privilege}, but ${bad.component} ${bad.why}; ${outcome}`, hint: bad.fix };
    }
    return undefined;
  }
}

/** `-t`: each script's findings at its line, the default user's once, and keepalived's SECURITY VIOLATION at the end. */
class ScriptChecker {
  private readonly judge: ScriptJudge;
  private globalReported = false;
  /** scripts keepalived would count as configured: a file was found for them */
  private runs = 0;
  private firstRun: Loc | undefined;

  constructor(
    private readonly config: Config,
    private readonly diag: Diagnostics,
    env: HostEnv,
  ) {
    this.judge = new ScriptJudge(config.globalDefs, env);
  }

  check(found: FoundScript, loc: Loc | undefined): void {
    const what = [keywordOf(found.path), owner(this.config, found.path)].filter(Boolean).join(' of ');
    const verdict = this.judge.judge(found.script, found.blockUser);
    for (const f of verdict.findings) {
      if (!f.global) this.diag.report(f.code, `${what}: ${f.message}`, loc, f.hint);
      else if (!this.globalReported) this.diag.report(f.code, f.message, loc, f.hint);
      this.globalReported ||= f.global === true;
    }
    if (verdict.counted) {
      this.runs++;
      this.firstRun ??= loc;
    }
  }

  /** keepalived's "SECURITY VIOLATION": scripts configured while enable_script_security is off. */
  finish(): void {
    if (this.config.globalDefs.enableScriptSecurity || this.runs === 0) return;
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
    const runAs = resolveUser(g.scriptUser, env);
    return runAs ? { kind: 'ok', runAs } : { kind: 'unknown', ...g.scriptUser };
  }
  const runAs = resolveUser({ user: DEFAULT_SCRIPT_USER }, env);
  if (runAs) return { kind: 'ok', runAs };
  if (security) return { kind: 'missing-default' };
  return { kind: 'ok', runAs: { name: env.uid === 0 ? 'root' : `uid ${env.uid}`, uid: env.uid, gid: env.gid } };
}

function defaultUserFinding(d: Exclude<DefaultUser, { kind: 'ok' }>): Finding {
  if (d.kind === 'unknown') {
    return {
      code: 'TSKAD_E_SCRIPT_USER_UNKNOWN',
      message: `script_user ${d.user}${d.group ? ` ${d.group}` : ''} does not exist on this host; scripts without their own user are disabled`,
      hint: `getent passwd ${d.user}`,
      global: true,
    };
  }
  return {
    code: 'TSKAD_E_SCRIPT_DEFAULT_USER',
    message: `enable_script_security is on and no script_user is set, so scripts run as ${DEFAULT_SCRIPT_USER}, which does not exist here; scripts without their own user are disabled`,
    hint: `create the user (useradd --system --shell /usr/sbin/nologin ${DEFAULT_SCRIPT_USER}) or set script_user in global_defs`,
    global: true,
  };
}

/** `USER [GROUP]` to ids through NSS, as getpwnam()/getgrnam() do; a user without a group runs with its primary group. */
export function resolveUser(spec: UserSpec, env: Pick<HostEnv, 'user' | 'group'>): RunAs | undefined {
  const u = env.user(spec.user);
  if (!u) return undefined;
  if (spec.group === undefined) return { name: spec.user, uid: u.uid, gid: u.gid };
  const g = env.group(spec.group);
  return g ? { name: `${spec.user}:${spec.group}`, uid: u.uid, gid: g.gid } : undefined;
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

function unusable(r: Exclude<Resolved, Found>, program: string, runner: Script['runner'], runAs: RunAs): Finding {
  if (r.kind === 'missing') {
    if (runner !== 'exec') return { code: 'TSKAD_W_SCRIPT_NOT_FOUND', message: `${program} is needed to run this line and is not installed; the script is disabled`, hint: `install ${basename(program)}` };
    if (r.searched) return { code: 'TSKAD_W_SCRIPT_NOT_FOUND', message: `'${program}' is not found on PATH; the script is disabled`, hint: 'give the full path of the program' };
    return { code: 'TSKAD_W_SCRIPT_NOT_FOUND', message: `${program} does not exist; the script is disabled` };
  }
  if (r.notFile) return { code: 'TSKAD_E_SCRIPT_NOT_EXECUTABLE', message: `${r.path} is not a regular file; the script is disabled` };
  return { code: 'TSKAD_E_SCRIPT_NOT_EXECUTABLE', message: `${r.path} is not executable by ${runAs.name}; the script is disabled`, hint: `chmod +x ${r.path}` };
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

/**
 * Depth-first over plain objects and arrays below `value` (what findScripts
 * looks for is an object: the walk need not stop at every number and string);
 * `visit` returns true to skip the value's insides.
 */
function walkObjects(value: unknown, visit: Visit, path: Array<string | number> = [], parent?: unknown): void {
  if (path.length > 0 && visit(value, path, parent)) return;
  if (typeof value !== 'object' || value === null) return;
  // one path array for the whole walk (a large model has 100,000s of values): a visitor copies what it keeps
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v !== 'object' || v === null) continue;
      path.push(i);
      walkObjects(v, visit, path, value);
      path.pop();
    }
  } else {
    // for-in over a plain object: its own keys in Object.keys order, without an array of them per object
    for (const k in value) {
      const v = (value as Record<string, unknown>)[k];
      if (typeof v !== 'object' || v === null) continue;
      path.push(k);
      walkObjects(v, visit, path, value);
      path.pop();
    }
  }
}

type Visit = (value: unknown, path: Path, parent: unknown) => boolean;

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
