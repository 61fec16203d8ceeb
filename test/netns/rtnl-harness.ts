// The rtnl netns tests' lab: one network namespace holding a veth pair
// (veth0, veth1, both up, so both have carrier) with documentation addresses
// on veth0, the rtnl agent (rtnl-agent.ts) running inside it, `ip -j` to see
// what the kernel holds, and keepalived 2.2.7 to compare with.
// `remove()` / `kill()` / `stop()`, called from the tests' after hooks, undo
// everything made here.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { EventLine, Reply, Request } from './rtnl-agent.js';
import type { RtnlEvent } from '../../src/net/rtnl.js';

export function run(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout;
}

/** Fails (not skips) with what to install when the lab cannot run here. */
export function requireLab(tools: readonly string[] = []): void {
  if (process.getuid?.() !== 0) throw new Error('the rtnl netns tests need root (network namespaces, rtnetlink writes)');
  for (const t of ['ip', ...tools]) {
    if (spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0) throw new Error(`${t} is not installed: apt-get install ${t === 'ip' ? 'iproute2' : t}`);
  }
}

/** One address as `ip -j -d addr` prints it. */
export interface IpAddr {
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
  [field: string]: unknown;
}

export interface Lab {
  readonly ns: string;
  /** `ip -n NS ARGS…` */
  ip(...args: string[]): string;
  /** the addresses of `dev` as `ip -j -d addr show dev DEV` prints them */
  addrs(dev: string): IpAddr[];
  /** deletes the namespace (and the veth pair with it); safe to call twice */
  remove(): void;
}

let made = 0;

export function createLab(what: string): Lab {
  const ns = `tskad-rtnl-${what}-${process.pid}-${made++}`;
  run('ip', ['netns', 'add', ns]);
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    spawnSync('ip', ['netns', 'del', ns]);
  };
  const ip = (...args: string[]): string => run('ip', ['-n', ns, ...args]);
  try {
    ip('link', 'set', 'lo', 'up');
    ip('link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
    ip('link', 'set', 'veth0', 'up');
    ip('link', 'set', 'veth1', 'up');
    ip('addr', 'add', '192.0.2.1/24', 'dev', 'veth0');
    ip('addr', 'add', '2001:db8::1/64', 'dev', 'veth0', 'nodad');
  } catch (e) {
    remove();
    throw e;
  }
  return {
    ns,
    ip,
    addrs: (dev) => (JSON.parse(ip('-j', '-d', 'addr', 'show', 'dev', dev)) as Array<{ addr_info: IpAddr[] }>)[0]!.addr_info,
    remove,
  };
}

// ---------------------------------------------------------------- the agent

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface SeenEvent {
  /** process.hrtime.bigint() when the agent received it */
  readonly at: bigint;
  readonly ev: RtnlEvent;
}

export interface Agent {
  /** the request's value; rejects with an Error carrying the agent's message and code */
  request<T = unknown>(req: DistributiveOmit<Request, 'seq'>): Promise<T>;
  /** every event so far, in order */
  readonly events: SeenEvent[];
  /** the first event matching `pred`, already received (from the `from`th on) or yet to come */
  event(pred: (e: RtnlEvent) => boolean, opts?: { from?: number; timeoutMs?: number }): Promise<SeenEvent>;
  kill(): void;
}

/** The command running one of this directory's modules: compiled .js (npm test) or .ts through tsx. */
function nodeCommand(module: string): string[] {
  const ts = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(new URL(`${module}${ts ? '.ts' : '.js'}`, import.meta.url));
  return [process.execPath, ...(ts ? ['--import', import.meta.resolve('tsx')] : []), file];
}

export class AgentError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export async function startAgent(ns: string): Promise<Agent> {
  const child = spawn('ip', ['netns', 'exec', ns, ...nodeCommand('rtnl-agent')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const waiting = new Map<number, (r: Reply) => void>();
  const events: SeenEvent[] = [];
  const listeners = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const msg = JSON.parse(line) as Reply | EventLine | { event: 'error'; error: string };
    if ('seq' in msg) {
      waiting.get(msg.seq)?.(msg);
      waiting.delete(msg.seq);
    } else if (msg.event === 'rtnl') {
      events.push({ at: BigInt(msg.at), ev: msg.ev });
      for (const l of listeners) l();
    } else {
      stderr += `watcher error: ${msg.error}\n`;
    }
  });
  const exited = new Promise<never>((_, reject) =>
    child.on('exit', (code, signal) => reject(new Error(`rtnl agent in ${ns} exited (${code ?? signal}): ${stderr}`))),
  );
  exited.catch(() => undefined);
  let seq = 0;
  const agent: Agent = {
    events,
    request: <T>(req: DistributiveOmit<Request, 'seq'>) => {
      const n = ++seq;
      const answer = new Promise<Reply>((resolve) => waiting.set(n, resolve));
      child.stdin!.write(`${JSON.stringify({ ...req, seq: n })}\n`);
      return Promise.race([answer, exited]).then((r) => {
        if (!r.ok) throw new AgentError(r.error, r.code);
        return r.value as T;
      });
    },
    event: (pred, { from = 0, timeoutMs = 3000 } = {}) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const e = events.slice(from).find((x) => pred(x.ev));
          if (e) {
            listeners.delete(listen);
            clearTimeout(timer);
            resolve(e);
          }
          return e !== undefined;
        };
        const listen = (): void => void check();
        const timer = setTimeout(() => {
          listeners.delete(listen);
          const last = events.slice(Math.max(from, events.length - 10)).map((e) => e.ev);
          reject(new Error(`no matching event within ${timeoutMs} ms; ${events.length - from} received, the last ones: ${JSON.stringify(last)}`));
        }, timeoutMs);
        if (!check()) listeners.add(listen);
      }),
    kill: () => killChild(child),
  };
  await agent.request({ op: 'links' });
  return agent;
}

function killChild(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
}

// ---------------------------------------------------------------- keepalived

export interface Keepalived {
  /** resolves once the log has a line matching `re` */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then waits for it to exit (it removes its VIPs on the way out); SIGKILL after 5 s */
  stop(): Promise<void>;
  /** SIGKILL if still running, and removes its files; for after hooks */
  kill(): void;
}

/** keepalived 2.2.7 alone in `ns` with `conf`, VRRP only, logging to its stdout. */
export function startKeepalived(ns: string, conf: string): Keepalived {
  const dir = mkdtempSync(join(tmpdir(), 'tskad-rtnl-keepalived-'));
  writeFileSync(join(dir, 'keepalived.conf'), conf);
  const f = (name: string) => join(dir, name);
  const child = spawn('ip', ['netns', 'exec', ns, 'keepalived', '-n', '-l', '-D', '-P', '-f', f('keepalived.conf'), '-p', f('k.pid'), '-r', f('kv.pid'), '-c', f('kc.pid')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const onData = (d: Buffer) => (log += d.toString());
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  return {
    waitFor: async (re, timeoutMs = 10_000) => {
      const until = Date.now() + timeoutMs;
      while (!re.test(log)) {
        if (Date.now() > until) throw new Error(`keepalived in ${ns}: no ${re} within ${timeoutMs} ms; log:\n${log}`);
        if (child.exitCode !== null) throw new Error(`keepalived in ${ns} exited (${child.exitCode}); log:\n${log}`);
        await sleep(50);
      }
    },
    stop: async () => {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      const late = setTimeout(() => killChild(child), 5000);
      await exited;
      clearTimeout(late);
      cleanup();
    },
    kill: () => {
      killChild(child);
      cleanup();
    },
  };
}
