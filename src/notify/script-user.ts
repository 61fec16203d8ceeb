// Who a named user is, for the scripts and notify FIFOs the configuration
// gives a `USER [GROUP]` (keepalived.conf(5) script_user, `CMD [USER
// [GROUP]]`, `notify_fifo FIFO [USER [GROUP]]`): the ids through NSS, as
// getpwnam() / getgrnam() give them, or why there are none. A user without
// a group has its primary group. The default user and script security are
// script-gate.ts's.
import { resolveUser, type HostEnv, type RunAs, type UserSpec } from '../config/hostcheck.js';

export type RunAsVerdict = { readonly ok: true; readonly runAs: RunAs } | { readonly ok: false; readonly why: string };

/** `user [group]` resolved to ids, or why not. */
export function resolveUserSpec(spec: UserSpec, env: Pick<HostEnv, 'user' | 'group'>): RunAsVerdict {
  const runAs = resolveUser(spec, env);
  if (runAs) return { ok: true, runAs };
  const missing = env.user(spec.user) ? `group '${spec.group}'` : `user '${spec.user}'`;
  return { ok: false, why: `${missing} does not exist` };
}
