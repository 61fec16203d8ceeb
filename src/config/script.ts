// How a script line from the configuration is run. keepalived ≥ 2 execs a
// script line directly, without a shell; a line written with shell syntax
// then silently never works. tskad keeps direct exec for plain commands and
// runs shell syntax through /bin/sh -c, or bash where the line needs bash.
export type ScriptRunner = 'exec' | 'sh' | 'bash';

export interface ScriptClass {
  readonly runner: ScriptRunner;
  /** for sh/bash: what in the line made it so (for `-t` output) */
  readonly reason?: string;
}

export function classifyScript(command: string): ScriptClass {
  if (/\[\[|&>|<\(|>\(/.test(command)) return { runner: 'bash', reason: 'uses bash-only syntax' };
  if (/&&|\|\||[|;<>`]|\$\(/.test(command)) return { runner: 'sh', reason: 'uses shell syntax' };
  return { runner: 'exec' };
}
