// A child process holding tskad's rtnetlink sockets inside a network namespace
// for the rtnl netns tests (a process cannot open sockets in another
// namespace). One JSON request per line on stdin, one JSON answer per line on
// stdout with the same `seq`; watcher events come as `{"event":"rtnl"}` lines
// stamped with the monotonic clock, which the test process shares.
import { createInterface } from 'node:readline';
import { Rtnl, RtnlWatcher, ipv6Forwarding, type RtnlEvent } from '../../src/net/rtnl.js';
import type { AddressKey, AddressSpec } from '../../src/net/rtnl-address.js';
import { VipOwner } from '../../src/net/vip-owner.js';

/** OwnAddressChoice as JSON carries it */
export interface Choice {
  current?: string;
  exclude?: string[];
}

export type Request = { seq: number } & (
  | { op: 'links' }
  | { op: 'link'; dev: string }
  | { op: 'addresses'; dev?: string; family?: 4 | 6 }
  | { op: 'primaryIpv4' | 'ipv6LinkLocal'; dev: string; choice?: Choice }
  | { op: 'addAddress'; spec: AddressSpec }
  | { op: 'delAddress'; key: AddressKey }
  | { op: 'ipv6Forwarding'; dev: string }
  | { op: 'watch'; receiveBuffer?: number }
  /** keeps the agent's event loop busy, so notifications pile up in the socket */
  | { op: 'block'; ms: number }
  | { op: 'ownerLoad'; stateFile: string }
  | { op: 'ownerAdd'; spec: AddressSpec }
  | { op: 'ownerRemove' | 'ownerForget'; key: AddressKey }
  | { op: 'ownerLeftovers' }
);

export type Reply = { seq: number } & ({ ok: true; value?: unknown } | { ok: false; error: string; code?: string });

export interface EventLine {
  event: 'rtnl';
  /** process.hrtime.bigint() at receipt, as a decimal string */
  at: string;
  ev: RtnlEvent;
}

const out = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
const rtnl = Rtnl.open();
let watcher: RtnlWatcher | undefined;
let owner: VipOwner | undefined;

const choice = (c: Choice | undefined) => ({ current: c?.current, exclude: new Set(c?.exclude ?? []) });

async function handle(r: Request): Promise<unknown> {
  switch (r.op) {
    case 'links':
      return rtnl.links();
    case 'link':
      return rtnl.link(r.dev);
    case 'addresses':
      return rtnl.addresses({ dev: r.dev, family: r.family });
    case 'primaryIpv4':
      return rtnl.primaryIpv4(r.dev, choice(r.choice));
    case 'ipv6LinkLocal':
      return rtnl.ipv6LinkLocal(r.dev, choice(r.choice));
    case 'addAddress':
      return rtnl.addAddress(r.spec);
    case 'delAddress':
      return rtnl.delAddress(r.key);
    case 'ipv6Forwarding':
      return ipv6Forwarding(r.dev);
    case 'watch':
      watcher = await RtnlWatcher.open({ receiveBuffer: r.receiveBuffer });
      watcher.on('event', (ev) => out({ event: 'rtnl', at: process.hrtime.bigint().toString(), ev } satisfies EventLine));
      watcher.on('error', (e) => out({ event: 'error', error: e.message }));
      return watcher.knownLinks();
    case 'block': {
      const until = Date.now() + r.ms;
      while (Date.now() < until);
      return undefined;
    }
    case 'ownerLoad':
      owner = VipOwner.load(rtnl, r.stateFile);
      return [...owner.ledger.values()];
    // the ledger file is written after the change, off the event loop (vip-owner.ts): answer once it is
    case 'ownerAdd':
      return written(await owner!.add(r.spec));
    case 'ownerRemove':
      return written(await owner!.remove(r.key));
    case 'ownerForget':
      return written(owner!.forget(r.key));
    case 'ownerLeftovers':
      return written((await owner!.removeLeftovers()).map((x) => ({ ...x, error: x.error?.message })));
  }
}

async function written<T>(value: T): Promise<T> {
  await owner!.flush();
  return value;
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const r = JSON.parse(line) as Request;
    handle(r).then(
      (value) => out({ seq: r.seq, ok: true, value }),
      (e: Error & { code?: string }) => out({ seq: r.seq, ok: false, error: e.message, code: e.code }),
    );
  })
  .on('close', () => {
    watcher?.close();
    rtnl.close();
  });
