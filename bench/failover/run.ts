// `npm run bench:failover`: failover timing, advert jitter, RSS and CPU of
// tskad beside keepalived 2.2.7 in one run (bench.ts), printed as tables
// (report.ts). Needs root (network namespaces), tcpdump and keepalived.
//
// usage: node dist/bench/failover/run.js [--quick] [--json FILE]
//   --quick      a smoke run of about a minute (fewer scenarios and rounds)
//   --json FILE  also write every sample there
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { runFailoverBench } from './bench.js';
import { DEFAULT_PLAN, QUICK_PLAN } from './plan.js';
import { renderReport } from './report.js';
import { cpuTicks, keepalivedVersion, loadAverage as load, platform, requireCurrentBundle, stolenSince } from '../host.js';

const say = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  requireCurrentBundle();
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, json: { type: 'string' } } });
  const plan = values.quick ? QUICK_PLAN : DEFAULT_PLAN;
  say(`bench:failover (${plan.name} plan): tskad and keepalived ${keepalivedVersion()} taking turns in one lab; ${platform()}`);
  say(`load average at the start ${load()} (other work on the machine shows in the worst cases and the p99s)`);
  const ticks = cpuTicks();
  const t0 = performance.now();
  const elapsed = (): string => `${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s`;
  const report = await runFailoverBench({ plan, progress: (l) => say(`${elapsed()}  ${l}`) });
  say(`\n${renderReport(report)}`);
  say(`${report.failovers.length} failovers in ${report.seconds.toFixed(0)} s; load average at the end ${load()}; CPU time stolen by the hypervisor meanwhile ${stolenSince(ticks)}`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:failover: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
