// The config benchmark (`npm run bench:config`): tskad's config test against
// `keepalived -t` on the same generated file (generate.ts), in the same run,
// inside a private network namespace that has the file's interfaces, so that
// keepalived does its full check (a missing interface stops its VRRP
// validation early). Each tool runs --reps times; the table gives the median
// wall time, the median peak RSS, and the ratios tskad/keepalived. Its last
// rows are floors (floor.ts): node started, the file read and cut into words,
// and dropped; and a minimal binding of this file's keywords with
// keepalived's checks (minimal-binder.ts).
//
// usage: node dist/bench/config/run.js [--reps N]
// The script re-runs itself inside the namespace (--inside FILE), so each
// measured command is started directly, without `ip netns exec` in its time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createNetns } from '../../test/interop/netns.js';
import { nodeScript } from '../../test/interop/node-script.js';
import { requireCurrentBundle } from '../host.js';
import { DEFAULT_SHAPE, generateConfig } from './generate.js';
import type { OnceResult } from './once.js';

interface Sample {
  readonly ms: number;
  readonly rssKiB: number;
  readonly exitCode: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * The environment node runs in here: without NODE_EXTRA_CA_CERTS, which makes
 * every node process read and parse a CA bundle before it runs a line (90 ms
 * on the machine this was written on). A build host may set it for npm;
 * `tskad -t` reads no certificate.
 */
const NODE_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_EXTRA_CA_CERTS'));

/** One process under /usr/bin/time: wall time from here, peak RSS (KiB) from time's last stderr line. */
function timeProcess(cmd: string, args: readonly string[]): Sample {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: NODE_ENV });
  const ms = performance.now() - t0;
  if (r.status === null) throw new Error(`${cmd} did not finish: ${r.error?.message ?? r.signal}`);
  const rssKiB = Number(r.stderr.trimEnd().split('\n').pop());
  return { ms, rssKiB, exitCode: r.status };
}

interface Row {
  readonly name: string;
  readonly samples: readonly Sample[];
}

function measure(file: string, reps: number): Row[] {
  const [node, ...onceArgs] = nodeScript(import.meta.url, 'once');
  const cli = nodeScript(import.meta.url, '../../src/cli/main');
  const haveCli = existsSync(cli[cli.length - 1]!);
  const [, ...floor] = nodeScript(import.meta.url, 'floor');
  const rows = {
    keepalived: [] as Sample[],
    first: [] as Sample[],
    warm: [] as Sample[],
    cli: [] as Sample[],
    words: [] as Sample[],
    bind: [] as Sample[],
  };
  for (let i = 0; i < reps; i++) {
    rows.keepalived.push(timeProcess('keepalived', ['-t', '-f', file]));
    const once = spawnSync(node, [...onceArgs, file], { encoding: 'utf8', env: NODE_ENV });
    if (once.status !== 0) throw new Error(`once failed: ${once.stderr}`);
    const o = JSON.parse(once.stdout) as OnceResult;
    rows.first.push({ ms: o.firstMs, rssKiB: o.maxRssKiB, exitCode: o.exitCode });
    rows.warm.push({ ms: o.warmMs, rssKiB: Number.NaN, exitCode: o.exitCode });
    if (haveCli) rows.cli.push(timeProcess(cli[0], [...cli.slice(1), '-t', '-f', file]));
    rows.words.push(timeProcess(node, [...floor, 'words', file]));
    rows.bind.push(timeProcess(node, [...floor, 'bind', file]));
  }
  return [
    { name: 'keepalived -t (process)', samples: rows.keepalived },
    { name: 'tskad configTest, first call (in-process)', samples: rows.first },
    { name: 'tskad configTest, warm call (in-process)', samples: rows.warm },
    ...(haveCli ? [{ name: 'tskad -t (CLI process)', samples: rows.cli }] : []),
    { name: 'floor: node reads the file, cuts words', samples: rows.words },
    { name: 'floor: node binds it, minimally', samples: rows.bind },
  ];
}

function table(rows: readonly Row[]): string {
  const base = rows[0]!;
  const baseMs = median(base.samples.map((s) => s.ms));
  const baseRss = median(base.samples.map((s) => s.rssKiB));
  const fmt = (x: number, digits: number): string => (Number.isNaN(x) ? '-' : x.toFixed(digits));
  const lines = [['', 'median ms', 'peak RSS MiB', 'time ×keepalived', 'RSS ×keepalived', 'exit codes']];
  for (const r of rows) {
    const ms = median(r.samples.map((s) => s.ms));
    const rss = median(r.samples.map((s) => s.rssKiB));
    const codes = [...new Set(r.samples.map((s) => s.exitCode))].join(',');
    lines.push([r.name, fmt(ms, 1), fmt(rss / 1024, 1), fmt(ms / baseMs, 2), fmt(rss / baseRss, 2), codes]);
  }
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  return lines.map((l) => l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

function main(): void {
  requireCurrentBundle();
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' }, inside: { type: 'string' } } });
  const reps = Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1) throw new Error('--reps must be a positive integer');
  if (values.inside) {
    process.stdout.write(`${table(measure(values.inside, reps))}\n`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tskad-bench-'));
  const file = join(dir, 'keepalived.conf');
  const text = generateConfig(DEFAULT_SHAPE);
  writeFileSync(file, text);
  const s = DEFAULT_SHAPE;
  process.stdout.write(
    `config: ${s.virtualServers} virtual servers x ${s.realServersPerVs} real servers, ${s.vrrpInstances} VRRP instances on ${s.interfaces.length} interfaces; ${text.split('\n').length} lines; ${reps} repetitions` +
      `${process.env.NODE_EXTRA_CA_CERTS === undefined ? '' : '; NODE_EXTRA_CA_CERTS unset for every process measured'}\n`,
  );
  const ns = createNetns('bench', s.interfaces);
  try {
    const [node, ...self] = nodeScript(import.meta.url, 'run');
    const r = ns.run(node, [...self, '--inside', file, '--reps', String(reps)], { timeoutMs: 30 * 60_000 });
    if (r.status !== 0) throw new Error(`benchmark failed (${r.status ?? r.signal}): ${r.error?.message ?? r.stderr}`);
    process.stdout.write(r.stdout);
  } finally {
    ns.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
