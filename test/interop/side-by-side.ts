// `keepalived -t` and tskad's config test on the same file, in the same
// network namespace, reduced to what the two must agree on: the exit code and
// the places (file:line) reported as configuration errors.
//
// keepalived 2.2.7 prints each config error to stderr as `(FILE: Line N) text`,
// or `(Line N) text` when only one file is open (then it is the main file), or
// without a place at all (e.g. "There are 1 missing '}'s"). It does not tell
// errors from warnings: every message it prints raises `-t`'s exit code, except
// include problems without -e/include_check, which leave it at 0
// (lib/parser.c file_config_error@v2.2.7). So a placed message is an error
// exactly when the exit code is not 0; the fixtures never mix the two.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import type { Netns } from './netns.js';
import { nodeScript } from './node-script.js';

export interface Verdict {
  readonly exitCode: number;
  /** `file:line` of every place reported as a config error, sorted, each once */
  readonly errorPlaces: readonly string[];
  /** what the tool said, for assertion messages */
  readonly output: string;
}

export interface TestOptions {
  /** `-e`: missing or unreadable config files are fatal */
  readonly includeCheck?: boolean;
}

const place = (file: string, line: number): string => `${resolve(file)}:${line}`;
const uniqueSorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

const MESSAGE = /^\((?:(.+): )?Line (\d+)\) /;

export function keepalivedVerdict(ns: Netns, file: string, opts: TestOptions = {}): Verdict {
  const r = ns.run('keepalived', ['-t', '-l', '-f', file, ...(opts.includeCheck ? ['-e'] : [])], { cwd: dirname(file) });
  if (r.error || r.status === null) throw new Error(`keepalived -t did not run: ${r.error?.message ?? `signal ${r.signal}`}`);
  const places = r.stderr.split('\n').flatMap((l) => {
    const m = MESSAGE.exec(l);
    return m ? [place(m[1] ?? file, Number(m[2]))] : [];
  });
  return { exitCode: r.status, errorPlaces: r.status === 0 ? [] : uniqueSorted(places), output: r.stderr };
}

/** tskad's `configTest` in a child process inside the namespace (config-test-runner.ts). */
export function tskadVerdict(ns: Netns, file: string, opts: TestOptions = {}): Verdict {
  const [node, ...args] = nodeScript(import.meta.url, 'config-test-runner');
  const r = ns.run(node, [...args, file, ...(opts.includeCheck ? ['-e'] : [])], { cwd: dirname(file) });
  if (r.status !== 0) throw new Error(`config-test-runner failed (${r.status ?? r.signal}): ${r.error?.message ?? r.stderr}`);
  const out = JSON.parse(r.stdout) as { exitCode: number; failing: Array<{ file: string; line: number }>; text: string };
  return { exitCode: out.exitCode, errorPlaces: uniqueSorted(out.failing.map((p) => place(p.file, p.line))), output: out.text };
}

/** The same exit code, and a tskad error on every line keepalived reports (tskad may report more). */
export function assertAgree(keepalived: Verdict, tskad: Verdict): void {
  const both = `--- keepalived -t (exit ${keepalived.exitCode}):\n${keepalived.output}\n--- tskad (exit ${tskad.exitCode}):\n${tskad.output}`;
  assert.equal(tskad.exitCode, keepalived.exitCode, `exit codes differ\n${both}`);
  const missed = keepalived.errorPlaces.filter((p) => !tskad.errorPlaces.includes(p));
  assert.deepEqual(missed, [], `lines keepalived reports and tskad does not\n${both}`);
}

/** Fails (never skips) when keepalived is not installed: test/run installs it. */
export function assertKeepalived22(): void {
  const r = spawnSync('keepalived', ['-v'], { encoding: 'utf8' });
  assert.ifError(r.error);
  assert.match(`${r.stdout}${r.stderr}`, /Keepalived v2\.2\./, 'the reference is keepalived 2.2');
}
