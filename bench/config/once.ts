// One in-process measurement for the config benchmark, in a fresh Node
// process: configTest on FILE twice (the first call is what `tskad -t` pays,
// cold JIT included; the second is what a reload pays in a running daemon).
// The peak RSS is read after the first call, so it is that of one `-t`.
// Prints one JSON line for run.ts.
import { performance } from 'node:perf_hooks';
import { configTest } from '../../src/cli/config-test.js';

export interface OnceResult {
  readonly firstMs: number;
  readonly warmMs: number;
  readonly exitCode: number;
  readonly diagnostics: number;
  /** this process's peak resident set after the first call, KiB (getrusage ru_maxrss) */
  readonly maxRssKiB: number;
}

const file = process.argv[2];
if (!file) throw new Error('usage: once FILE');

const timed = (): [number, ReturnType<typeof configTest>] => {
  const t0 = performance.now();
  const r = configTest(file);
  return [performance.now() - t0, r];
};

const [firstMs, first] = timed();
const maxRssKiB = process.resourceUsage().maxRSS;
const [warmMs] = timed();
const out: OnceResult = { firstMs, warmMs, exitCode: first.exitCode, diagnostics: first.diagnostics.length, maxRssKiB };
process.stdout.write(`${JSON.stringify(out)}\n`);
