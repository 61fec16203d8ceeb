// Reusable argument shapes shared by several blocks: names, scripts, addresses.
import { z } from 'zod';
import { ipVersion } from '../ip-version.js';
import type { Word } from '../source.js';
import { INVALID, words, type Opts, type ReadCx } from './dsl.js';
import { classifyScript } from '../script.js';

/** The head of `vrrp_instance NAME {`, `vrrp_script NAME {` … */
export const nameHead = {
  shape: { name: z.string().min(1) },
  min: 1,
  max: 1,
  read: (ws: readonly Word[]) => ({ name: ws[0]!.text }),
  print: (v: { name: string }) => [v.name],
};

export const ipAddress = z.string().refine((s) => ipVersion(s) !== 0, { message: 'expected an IPv4 or IPv6 address' });
export const port = z.number().int().min(0).max(65535);

/** `CMD [USER [GROUP]]`: notify scripts, quorum_up, misc_path… */
export const scriptSchema = z.object({
  command: z.string().min(1),
  user: z.string().optional(),
  group: z.string().optional(),
  /** derived from the command: exec'd directly (keepalived's way), or through a shell */
  runner: z.enum(['exec', 'sh', 'bash']),
});
export type Script = z.output<typeof scriptSchema>;

export function readScript(ws: readonly Word[], _cx: ReadCx): Script | typeof INVALID {
  const [cmd, user, group] = ws;
  return {
    command: cmd!.text,
    ...(user ? { user: user.text } : {}),
    ...(group ? { group: group.text } : {}),
    runner: classifyScript(cmd!.text).runner,
  };
}

export const printScript = (s: Script): string[] => [s.command, ...(s.user ? [s.user] : []), ...(s.group ? [s.group] : [])];

/** A `CMD [USER [GROUP]]` keyword: notify scripts, quorum_up, startup_script… */
export const scriptKeyword = (o: Opts = {}) => words(scriptSchema.optional(), 1, 3, readScript, printScript, { ...o, script: true });
