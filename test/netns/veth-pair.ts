// The netns tests' lab: two network namespaces joined by a veth pair, a
// socket agent (socket-agent.ts) running in either, and tcpdump on the wire.
// Only documentation addresses (192.0.2.0/24, 2001:db8::/32) and link-locals.
// Everything made here is undone by `remove()` / `kill()` / `stop()`, which
// the tests call from their after hooks.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { PacketEvent, Reply, Request } from './socket-agent.js';

export interface Host {
  readonly ns: string;
  readonly ifname: string;
  readonly ifindex: number;
  readonly mac: string;
  readonly ipv4: string;
  readonly ipv6: string;
  readonly linkLocal: string;
}

export interface VethPair {
  readonly a: Host;
  readonly b: Host;
  /** deletes both namespaces (and with them the veth pair); safe to call twice */
  remove(): void;
}

function run(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout;
}

/** Fails (not skips) with what to install when the lab cannot run here. */
export function requireLab(tools: readonly string[]): void {
  if (process.getuid?.() !== 0) throw new Error('the netns tests need root (network namespaces, raw sockets)');
  for (const t of ['ip', ...tools]) {
    if (spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0) throw new Error(`${t} is not installed: apt-get install ${t === 'ip' ? 'iproute2' : t}`);
  }
}

let made = 0;

export function createVethPair(what: string): VethPair {
  const base = `tskad-${what}-${process.pid}-${made++}`;
  const names = { a: `${base}-a`, b: `${base}-b` };
  const created: string[] = [];
  const remove = (): void => {
    for (const ns of created.splice(0)) spawnSync('ip', ['netns', 'del', ns]);
  };
  try {
    for (const ns of [names.a, names.b]) {
      run('ip', ['netns', 'add', ns]);
      created.push(ns);
      // link-locals usable at once: no duplicate address detection on a two-host wire
      run('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
      run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    run('ip', ['-n', names.a, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'b0', 'netns', names.b]);
    const ends = [
      { ns: names.a, ifname: 'a0', n: 1 },
      { ns: names.b, ifname: 'b0', n: 2 },
    ];
    for (const { ns, ifname, n } of ends) {
      run('ip', ['-n', ns, 'addr', 'add', `192.0.2.${n}/24`, 'dev', ifname]);
      run('ip', ['-n', ns, 'addr', 'add', `2001:db8::${n}/64`, 'dev', ifname, 'nodad']);
      run('ip', ['-n', ns, 'link', 'set', ifname, 'up']);
    }
    const [a, b] = ends.map(({ ns, ifname, n }): Host => ({ ns, ifname, ipv4: `192.0.2.${n}`, ipv6: `2001:db8::${n}`, ...linkInfo(ns, ifname) }));
    return { a: a!, b: b!, remove };
  } catch (e) {
    remove();
    throw e;
  }
}

/** The link's index, MAC and link-local address, which the kernel adds once the carrier is up. */
function linkInfo(ns: string, ifname: string): { ifindex: number; mac: string; linkLocal: string } {
  const deadline = Date.now() + 5000;
  for (;;) {
    const [link] = JSON.parse(run('ip', ['-j', '-n', ns, 'addr', 'show', 'dev', ifname])) as Array<{
      ifindex: number;
      address: string;
      addr_info: Array<{ family: string; local: string; scope: string }>;
    }>;
    const ll = link!.addr_info.find((x) => x.family === 'inet6' && x.scope === 'link');
    if (ll) return { ifindex: link!.ifindex, mac: link!.address, linkLocal: ll.local };
    if (Date.now() > deadline) throw new Error(`${ifname} in ${ns} has no link-local address after 5 s`);
    spawnSync('sleep', ['0.05']);
  }
}

// ---------------------------------------------------------------- the socket agent

export interface Agent {
  /** sends a request and waits for its answer; rejects with the agent's error text */
  request(req: DistributiveOmit<Request, 'seq'>): Promise<Reply & { ok: true }>;
  /** every packet received so far, in order */
  readonly packets: PacketEvent[];
  /** the first packet (already received or yet to come) matching `pred` */
  packet(pred: (p: PacketEvent) => boolean, timeoutMs?: number): Promise<PacketEvent>;
  kill(): void;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The command running one of this directory's modules: compiled .js (npm test) or .ts through tsx. */
function nodeCommand(module: string): string[] {
  const ts = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(new URL(`${module}${ts ? '.ts' : '.js'}`, import.meta.url));
  return [process.execPath, ...(ts ? ['--import', import.meta.resolve('tsx')] : []), file];
}

export async function startAgent(ns: string): Promise<Agent> {
  const child = spawn('ip', ['netns', 'exec', ns, ...nodeCommand('socket-agent')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const waiting = new Map<number, (r: Reply) => void>();
  const packets: PacketEvent[] = [];
  const watchers = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const msg = JSON.parse(line) as Reply | PacketEvent | { event: 'error'; error: string };
    if ('seq' in msg) {
      waiting.get(msg.seq)?.(msg);
      waiting.delete(msg.seq);
    } else if (msg.event === 'packet') {
      packets.push(msg);
      for (const w of watchers) w();
    } else {
      stderr += `socket error event: ${msg.error}\n`;
    }
  });
  const exited = new Promise<never>((_, reject) =>
    child.on('exit', (code, signal) => reject(new Error(`socket agent in ${ns} exited (${code ?? signal}): ${stderr}`))),
  );
  exited.catch(() => undefined);
  let seq = 0;
  const agent: Agent = {
    packets,
    request: (req) => {
      const n = ++seq;
      const answer = new Promise<Reply>((resolve) => waiting.set(n, resolve));
      child.stdin!.write(`${JSON.stringify({ ...req, seq: n })}\n`);
      return Promise.race([answer, exited]).then((r) => {
        if (!r.ok) throw new Error(`agent ${req.op}: ${r.error}`);
        return r;
      });
    },
    packet: (pred, timeoutMs = 3000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const p = packets.find(pred);
          if (p) {
            watchers.delete(watch);
            clearTimeout(timer);
            resolve(p);
          }
          return p !== undefined;
        };
        const watch = (): void => void check();
        const timer = setTimeout(() => {
          watchers.delete(watch);
          reject(new Error(`no matching packet within ${timeoutMs} ms; received: ${JSON.stringify(packets)}`));
        }, timeoutMs);
        if (!check()) watchers.add(watch);
      }),
    kill: () => killChild(child),
  };
  await agent.request({ op: 'fds' });
  return agent;
}

function killChild(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
}

// ---------------------------------------------------------------- tcpdump

export interface Capture {
  /** stops tcpdump and returns its reading of the capture (`-r … -n -e -tt -vv -xx`), one string per packet */
  stop(): Promise<string[]>;
}

export async function startCapture(ns: string, ifname: string, filter: string): Promise<Capture> {
  const dir = mkdtempSync(join(tmpdir(), 'tskad-capture-'));
  const file = join(dir, 'wire.pcap');
  const child = spawn('ip', ['netns', 'exec', ns, 'tcpdump', '--immediate-mode', '-i', ifname, '-U', '-w', file, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const stopped = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('listening on')) resolve();
      });
      child.on('exit', () => reject(new Error(`tcpdump exited: ${stderr}`)));
      setTimeout(() => reject(new Error(`tcpdump not listening after 5 s: ${stderr}`)), 5000);
    });
  } catch (e) {
    killChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    stop: async () => {
      // what the sockets just received, tcpdump may still be writing
      await sleep(100);
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGINT');
      await stopped;
      try {
        const text = run('tcpdump', ['-r', file, '-n', '-e', '-tt', '-vv', '-xx']);
        // a packet's lines: the summary, then indented continuation and hex lines
        return text.split(/\n(?=\d)/).filter((p) => p.trim() !== '');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The bytes of one packet as tcpdump -xx prints them (the whole frame). */
export function frameBytes(packet: string): Buffer {
  const hex = packet
    .split('\n')
    // -xx lines start with one tab; -vv also dumps some options, indented deeper
    .filter((l) => /^\t0x[0-9a-f]{4}:/.test(l))
    .map((l) => l.slice(l.indexOf(':') + 1).replace(/\s+/g, ''))
    .join('');
  return Buffer.from(hex, 'hex');
}

/** Seconds since the epoch at which tcpdump -tt saw the packet. */
export const seenAt = (packet: string): number => Number(/^(\d+\.\d+)/.exec(packet)![1]);
