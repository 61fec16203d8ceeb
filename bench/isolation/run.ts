// `npm run bench:isolation`: a VRRP master's advert jitter while a heavy
// checker load runs beside it in its own process, in its event loop, or not
// at all — tskad beside keepalived 2.2.7 (bench.ts), printed as a table
// (report.ts). Needs root (network namespaces), tcpdump and keepalived.
//
// usage: node dist/bench/isolation/run.js [--quick] [--servers N] [--rt-priority N] [--json FILE]
//   --quick          a smoke run of about a minute and a half (3 s windows)
//   --servers N      real servers checked every delay_loop (default 1000)
//   --rt-priority N  both daemons with global_defs vrrp_rt_priority N (SCHED_RR)
//   --json FILE      also write every sample there
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { runIsolationBench } from './bench.js';
import { DEFAULT_PLAN, QUICK_PLAN } from './plan.js';
import { renderReport } from './report.js';
import { cpuTicks, keepalivedVersion, loadAverage as load, platform, requireCurrentBundle, stolenSince } from '../host.js';

const say = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  requireCurrentBundle();
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, servers: { type: 'string' }, 'rt-priority': { type: 'string' }, json: { type: 'string' } } });
  const base = values.quick ? QUICK_PLAN : DEFAULT_PLAN;
  const servers = values.servers === undefined ? base.load.servers : Number(values.servers);
  if (!Number.isInteger(servers) || servers < 1 || servers > 20_000) throw new Error(`--servers: a whole number from 1 to 20000, not ${values.servers}`);
  const rt = values['rt-priority'] === undefined ? undefined : Number(values['rt-priority']);
  if (rt !== undefined && !(Number.isInteger(rt) && rt >= 1 && rt <= 99)) throw new Error(`--rt-priority: 1 to 99, not ${values['rt-priority']}`);
  const plan = { ...base, load: { ...base.load, servers }, ...(rt !== undefined && { rtPriority: rt }) };
  say(`bench:isolation (${plan.name} plan): tskad and keepalived ${keepalivedVersion()} taking turns in one lab; ${platform()}`);
  if (rt !== undefined) say(`both daemons with vrrp_rt_priority ${rt} (their VRRP process SCHED_RR)`);
  say(`load average at the start ${load()} (other work on the machine shows in the p99s and the worst cases)`);
  const ticks = cpuTicks();
  const t0 = performance.now();
  const elapsed = (): string => `${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s`;
  const report = await runIsolationBench({ plan, progress: (l) => say(`${elapsed()}  ${l}`) });
  say(`\n${renderReport(report)}`);
  say(`${report.samples.length} measurements in ${report.seconds.toFixed(0)} s; load average at the end ${load()}; CPU time stolen by the hypervisor meanwhile ${stolenSince(ticks)}`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:isolation: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
