// Fakes for driving VRRP instances without sockets, kernel or real time: a
// fake clock that runs callbacks in time order, ports that record what an
// instance asked for (with the time it asked), a peer that sends adverts,
// and a logger whose records the test can read.
import { loadConfigText } from '../../../src/config/load.js';
import { createLogger } from '../../../src/observe/log.js';
import { VrrpRuntime, type IncomingPacket, type InstancePorts, type OutgoingAdvert } from '../../../src/vrrp/instance.js';
import { decodeAdvert, encodeAdvert, isDecodeError, passAuthData, textAddrs, type Advert } from '../../../src/vrrp/packet.js';
import { instancePlan, receiveParams, vrrpParams } from '../../../src/vrrp/params.js';
import type { Prelude, Scheduler } from '../../../src/vrrp/scheduler.js';
import type { PreludeWork } from '../../../src/vrrp/timer-prelude.js';
import { ipToBytes } from '../../../src/net/ip.js';
import type { Config } from '../../../src/config/schema/index.js';

export class FakeScheduler implements Scheduler {
  private t = 0;
  private seq = 0;
  private readonly queue: Array<{ at: number; seq: number; fire: (lateMs: number) => void; live: boolean; prelude: Prelude | undefined }> = [];
  /** added to each callback's run time, to mimic a late event loop */
  lateness = 0;
  /** do a callback's prelude right before it fires, each op succeeding, as the addon would */
  runPreludes = false;

  now(): number {
    return this.t;
  }

  /** the preludes of the callbacks still to fire */
  preludes(): Prelude[] {
    return this.queue.flatMap((e) => (e.live && e.prelude ? [e.prelude] : []));
  }

  at(time: number, fire: (lateMs: number) => void, prelude?: Prelude) {
    const entry = { at: time, seq: this.seq++, fire, live: true, prelude };
    this.queue.push(entry);
    return () => {
      entry.live = false;
    };
  }

  /** Runs every callback due up to `time`, in time order, with the clock at each one's (late) moment. */
  runUntil(time: number): void {
    for (;;) {
      const live = this.queue.filter((e) => e.live && e.at + this.lateness <= time);
      if (live.length === 0) break;
      const next = live.reduce((a, b) => (a.at < b.at || (a.at === b.at && a.seq < b.seq) ? a : b));
      next.live = false;
      this.t = Math.max(this.t, next.at + this.lateness);
      const prelude = this.runPreludes ? next.prelude : undefined;
      prelude?.ran(prelude.ops.map(() => 0));
      next.fire(this.t - next.at);
      prelude?.over();
    }
    this.t = Math.max(this.t, time);
  }

  advance(ms: number): void {
    this.runUntil(this.t + ms);
  }
}

export interface SentAdvert {
  readonly at: number;
  readonly src: string;
  readonly dst: string;
  readonly ttl?: number;
  readonly message: Buffer;
  readonly advert: Advert;
}

/** Ports that record each request, each with the fake time it was made. */
export class FakePorts implements InstancePorts {
  readonly adverts: SentAdvert[] = [];
  readonly kernel: Array<{ at: number; op: 'add' | 'remove'; address: string; dev: string }> = [];
  readonly announced: Array<{ at: number; dev: string; addresses: readonly string[] }> = [];
  readonly records: Array<Record<string, unknown> & { msg: string; level: number }> = [];
  readonly log = createLogger({ detail: true, json: { write: (s: string) => void this.records.push(JSON.parse(s)) } });
  failAdds = false;
  /** none unless a test gives one */
  prelude?: (work: PreludeWork) => Prelude | undefined;
  farewell?: (work: PreludeWork | undefined) => void;

  constructor(
    readonly scheduler: FakeScheduler,
    private readonly family: 4 | 6 = 4,
  ) {}

  sendAdvert(a: OutgoingAdvert): Promise<void> {
    for (const to of a.to) {
      const d = decodeAdvert(to.message, textAddrs(this.family, a.src, to.dst));
      if (isDecodeError(d)) throw new Error(`instance sent an undecodable advert: ${d.kind}`);
      this.adverts.push({ at: this.scheduler.now(), src: a.src, dst: to.dst, ...(a.ttl !== undefined && { ttl: a.ttl }), message: to.message, advert: d.advert });
    }
    return Promise.resolve();
  }

  addAddress(s: { address: string; dev: string }): Promise<void> {
    if (this.failAdds) return Promise.reject(new Error('EPERM'));
    this.kernel.push({ at: this.scheduler.now(), op: 'add', address: s.address, dev: s.dev });
    return Promise.resolve();
  }

  removeAddress(s: { address: string; dev: string }): Promise<void> {
    this.kernel.push({ at: this.scheduler.now(), op: 'remove', address: s.address, dev: s.dev });
    return Promise.resolve();
  }

  announce(dev: string, addresses: readonly string[]): Promise<void> {
    this.announced.push({ at: this.scheduler.now(), dev, addresses });
    return Promise.resolve();
  }

  /** the console lines keepalived would print, in order */
  messages(): string[] {
    return this.records.map((r) => r.msg);
  }

  transitions(): string[] {
    return this.records.filter((r) => r.to !== undefined && r.from !== undefined && r.reason !== undefined).map((r) => `${r.from} -> ${r.to} (${r.reason})`);
  }
}

export const loadModel = (text: string): Config => {
  const r = loadConfigText(text);
  const fatal = r.diagnostics.items.filter((d) => d.severity === 'fatal');
  if (fatal.length > 0) throw new Error(fatal.map((d) => d.message).join('; '));
  return r.config;
};

/** An instance of `text` (the first vrrp_instance, or `name`), with `address` as its interface's own address. */
export function makeInstance(text: string, o: { name?: string; address?: string; scheduler?: FakeScheduler; config?: Config } = {}) {
  const config = o.config ?? loadModel(text);
  const inst = config.vrrpInstance.find((i) => o.name === undefined || i.name === o.name);
  if (!inst) throw new Error(`no instance ${o.name}`);
  const g = config.globalDefs;
  const address = o.address ?? '192.0.2.10';
  const scheduler = o.scheduler ?? new FakeScheduler();
  const plan = instancePlan(inst, g);
  const ports = new FakePorts(scheduler, plan.family);
  const vrrp = new VrrpRuntime(plan, vrrpParams(inst, g, ipToBytes(address)), receiveParams(inst, g), ports);
  vrrp.setInterfaceAddress(address);
  return { vrrp, ports, scheduler, plan };
}

/** RFC 5798 §6.1 at advert_int 1: 3 × Advertisement_Interval + Skew_Time, ms */
export const masterDown1s = (priority: number): number => 3000 + ((256 - priority) * 1000) / 256;

/** Lets queued kernel and frame work run. */
export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

export interface PeerAdvert {
  readonly priority: number;
  readonly vrid?: number;
  readonly version?: 2 | 3;
  readonly addresses?: readonly string[];
  /** centiseconds */
  readonly maxAdverInt?: number;
  readonly pass?: string;
  readonly source?: string;
  readonly destination?: string;
  readonly ttl?: number;
}

/** A packet as another router on the link would send it. */
export function peerPacket(a: PeerAdvert): IncomingPacket {
  const version = a.version ?? 2;
  const source = a.source ?? '192.0.2.20';
  const destination = a.destination ?? '224.0.0.18';
  const advert: Advert = {
    version,
    vrid: a.vrid ?? 51,
    priority: a.priority,
    maxAdverInt: a.maxAdverInt ?? 100,
    addresses: a.addresses ?? ['192.0.2.100'],
    authType: a.pass === undefined ? 0 : 1,
    ...(a.pass !== undefined && { authData: passAuthData(a.pass) }),
  };
  const addrs = textAddrs(source.includes(':') ? 6 : 4, source, destination);
  const payload = encodeAdvert(advert, addrs);
  return { payload, source, srcBytes: addrs.src, dstBytes: addrs.dst, ttl: a.ttl ?? 255, multicast: destination.startsWith('224.') || destination.startsWith('ff') };
}
