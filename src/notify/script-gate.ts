// Which configured scripts the daemon runs, and as whom (keepalived 2.2.7
// vrrp.c check_vrrp_script_security, lib/notify.c check_script_secure):
// each script gets config/hostcheck.ts's verdict — the checks `-t` makes:
// its user, its program, its format, its security — once, the first time it
// is asked about (at startup for every script the VRRP process has). A
// script the checks disable never runs, and the log says which path is the
// problem and how to fix it; keepalived only says "Unsafe permissions found
// for script 'x' - disabling". With enable_script_security off an insecure
// script runs, as in keepalived, and the log says what is wrong with it;
// the first script found then brings keepalived's SECURITY VIOLATION warning.
import { ScriptJudge, type Finding, type HostEnv, type UserSpec } from '../config/hostcheck.js';
import type { Script } from '../config/schema/common.js';
import type { Config } from '../config/schema/index.js';
import type { Logger } from '../observe/log.js';
import type { RunAsVerdict } from './script-user.js';

/** `message (fix: hint)` */
const withFix = (f: Finding): string => `${f.message}${f.hint ? ` (fix: ${f.hint})` : ''}`;

export class ScriptGate {
  private readonly judge: ScriptJudge;
  private readonly verdicts = new Map<Script, RunAsVerdict>();
  private readonly security: boolean;
  private warned = false;

  constructor(
    g: Config['globalDefs'],
    env: HostEnv,
    private readonly log: Logger,
  ) {
    this.judge = new ScriptJudge(g, env);
    this.security = g.enableScriptSecurity;
  }

  /**
   * Whether `script` may run, and as whom. `what` names it in the log
   * (`VRRP_Script(chk_down)`, `notify_master of VI_1`); `blockUser` is the
   * `user` of a vrrp_script block.
   */
  verdict(script: Script, what: string, blockUser?: UserSpec): RunAsVerdict {
    const known = this.verdicts.get(script);
    if (known) return known;
    const v = this.judge.judge(script, blockUser);
    if (v.counted && !this.security && !this.warned) {
      this.warned = true;
      this.log.warn({ code: 'TSKAD_W_SCRIPT_SECURITY_OFF' }, 'SECURITY VIOLATION - scripts are being executed but script_security not enabled (add enable_script_security to global_defs)');
    }
    let verdict: RunAsVerdict;
    if (v.disabledBy) {
      this.log.error({ script: what, code: v.disabledBy.code }, `${what}: ${withFix(v.disabledBy)}`);
      verdict = { ok: false, why: v.disabledBy.message };
    } else {
      for (const f of v.findings) if (f.code === 'TSKAD_E_SCRIPT_INSECURE') this.log.warn({ script: what, code: f.code }, `${what}: ${withFix(f)}`);
      verdict = { ok: true, runAs: v.runAs };
    }
    this.verdicts.set(script, verdict);
    return verdict;
  }
}
