// Running the lab's tools (ip, sysctl, ping, tcpdump): argv in, stdout out,
// and an error that names the command and what it printed. The lab is test
// and demo infrastructure, so it drives iproute2 rather than netlink.
import { execFile, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** Wall-clock time in ms since the epoch, to the µs: comparable with tcpdump's and `ip -ts`'s timestamps. */
export const wallClock = (): number => performance.timeOrigin + performance.now();

const describe = (argv: readonly string[], detail: string): Error => new Error(`${argv.join(' ')}: ${detail.trim() || 'failed'}`);

export function run(argv: readonly string[], timeoutMs = 30_000): Promise<string> {
  const [cmd, ...args] = argv;
  return new Promise((resolve, reject) => {
    execFile(cmd!, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(describe(argv, stderr || err.message));
      else resolve(stdout);
    });
  });
}

/** For teardown from signal and exit handlers, where no promise would ever settle. */
export function runSync(argv: readonly string[], timeoutMs = 30_000): string {
  const [cmd, ...args] = argv;
  const r = spawnSync(cmd!, args, { encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) throw describe(argv, r.stderr || r.error?.message || `exit ${r.status ?? r.signal}`);
  return r.stdout;
}

/** Fails with what to install when a tool the lab drives is missing (tests fail, never skip). */
export function requireTools(tools: Record<string, string>): void {
  if (process.getuid?.() !== 0) throw new Error('the lab needs root (network namespaces): run it with sudo');
  for (const [tool, pkg] of Object.entries(tools)) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is not installed: apt-get install ${pkg}`);
  }
}
