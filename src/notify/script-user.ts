// Who a script runs as (keepalived.conf(5) script_user, `CMD [USER [GROUP]]`,
// vrrp_script / MISC_CHECK `user USER [GROUP]`; keepalived 2.2.7
// lib/notify.c set_script_uid_gid / get_default_script_user): the script's
// own user, else global script_user, else keepalived_script when that user
// exists, else the daemon's own user — except that with
// enable_script_security a missing keepalived_script disables the script
// rather than running it as root. A user without a group runs with its
// primary group. Names go through NSS (getent), as getpwnam() does.
import { DEFAULT_SCRIPT_USER, type HostEnv } from '../config/hostcheck.js';
import type { RunAs } from './script-runner.js';

export interface UserSpec {
  readonly user: string;
  readonly group?: string;
}

export interface ScriptUserDefaults {
  /** global_defs script_user */
  readonly scriptUser?: UserSpec;
  readonly enableScriptSecurity: boolean;
}

export type RunAsVerdict = { readonly ok: true; readonly runAs: RunAs } | { readonly ok: false; readonly why: string };

/** `user [group]` resolved to ids, or why not. */
export function resolveUserSpec(spec: UserSpec, env: Pick<HostEnv, 'user' | 'group'>): RunAsVerdict {
  const u = env.user(spec.user);
  if (!u) return { ok: false, why: `user '${spec.user}' does not exist` };
  if (spec.group === undefined) return { ok: true, runAs: { name: spec.user, uid: u.uid, gid: u.gid } };
  const g = env.group(spec.group);
  if (!g) return { ok: false, why: `group '${spec.group}' does not exist` };
  return { ok: true, runAs: { name: `${spec.user}:${spec.group}`, uid: u.uid, gid: g.gid } };
}

/** The user of a script: its own (`own`), else the defaults' (see the header). */
export function scriptRunAs(own: UserSpec | undefined, d: ScriptUserDefaults, env: Pick<HostEnv, 'user' | 'group' | 'uid' | 'gid'>): RunAsVerdict {
  if (own) return resolveUserSpec(own, env);
  if (d.scriptUser) return resolveUserSpec(d.scriptUser, env);
  const fallback = resolveUserSpec({ user: DEFAULT_SCRIPT_USER }, env);
  if (fallback.ok) return fallback;
  if (d.enableScriptSecurity) {
    return { ok: false, why: `enable_script_security is on, no script_user is set, and the default user ${DEFAULT_SCRIPT_USER} does not exist` };
  }
  return { ok: true, runAs: { name: env.uid === 0 ? 'root' : `uid ${env.uid}`, uid: env.uid, gid: env.gid } };
}
