// The rtnetlink edge (rtnetlink(7), through the `netlink` package): list
// interfaces and addresses, add and delete addresses, and watch links and
// addresses change (RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR).
// Commands and events use separate sockets, as keepalived's command channel
// and reflector do, so a burst of events never sits in front of a reply.
// Everything that can be pure lives in rtnl-address.ts and rtnl-link.ts.
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { AttrStream, createRtNetlink, Flags, FlagsNew, formatMessage, rt, type NetlinkMessage, type RtNetlinkSocket } from 'netlink';
import type { Family } from './ip.js';
import { errnoError, type PreludePart } from './prelude-part.js';
import {
  addressFromMessage,
  delAddressRequest,
  ipv6LinkLocal,
  newAddressRequest,
  primaryIpv4,
  AF_INET,
  AF_INET6,
  type AddressInfo,
  type AddressKey,
  type AddressSpec,
  type OwnAddressChoice,
} from './rtnl-address.js';
import { linkChange, linkFromMessage, linkResync, type LinkChange, type LinkInfo } from './rtnl-link.js';

/** A refused request, naming the interface and address it was about. `code` is the errno name. */
export class RtnlError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RtnlError';
  }
}

/** Why the kernel said no, in the operator's terms. */
function reason(code: string, dev: string, deleting: boolean): string {
  switch (code) {
    case 'EEXIST':
      return 'the address is already there';
    case 'EADDRNOTAVAIL':
      return deleting ? `${dev} has no such address` : 'the kernel does not take this address on an interface';
    case 'ENODEV':
      return `interface ${dev} does not exist`;
    case 'EPERM':
    case 'EACCES':
      return 'not permitted (this needs CAP_NET_ADMIN)';
    case 'EINVAL':
      return 'the kernel rejects the request as invalid';
    default:
      return code;
  }
}

/** The errno name of a failed request (the package reports a kernel refusal as "Request rejected: CODE"). */
function errnoOf(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const m = /^Request rejected: (\w+)$/.exec(e.message);
  if (m) return m[1];
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** What a request was about, for its error message: "cannot WHAT: REASON (CODE)". */
interface About {
  readonly dev: string;
  readonly what?: string;
  readonly deleting?: boolean;
}

async function attempt<T>(about: About, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const code = errnoOf(e);
    if (code === undefined) throw e;
    const why = `${reason(code, about.dev, about.deleting ?? false)} (${code})`;
    throw new RtnlError(code, about.what === undefined ? why : `cannot ${about.what}: ${why}`);
  }
}

const keyText = (k: AddressKey): string => `${k.address}/${k.prefix}${k.peer === undefined ? '' : ` peer ${k.peer}`}`;

const addAbout = (spec: AddressSpec): About => ({ dev: spec.dev, what: `add ${keyText(spec)} to ${spec.dev}` });
/** CREATE|EXCL as `ip addr add`: an address already there is refused, never replaced */
const ADD_FLAGS = FlagsNew.CREATE | FlagsNew.EXCL;

/** Requests over one rtnetlink socket. close() when done. */
export class Rtnl {
  private indexOf: (dev: string) => number | undefined = () => undefined;

  private constructor(private readonly sock: RtNetlinkSocket) {
    // a failed send rejects its request; this socket joins no group, so nothing
    // else can go wrong on it unasked, and an unheard 'error' would throw
    sock.socket.on('error', () => {});
  }

  static open(): Rtnl {
    return new Rtnl(createRtNetlink());
  }

  close(): void {
    this.sock.socket.close();
  }

  /**
   * Where the interface indexes are known already (the links an RtnlWatcher
   * follows): an address request then goes out at once, without an
   * RTM_GETLINK round trip first, which a takeover would wait on.
   */
  knowIndexes(indexOf: (dev: string) => number | undefined): void {
    this.indexOf = indexOf;
  }

  /** An interface's index asked of the kernel (indexOf did not know it). */
  private async askIndex(op: About, dev: string): Promise<number> {
    return (await attempt(op, () => this.link(dev))).index;
  }

  async links(): Promise<LinkInfo[]> {
    return (await this.sock.getLinks()).map(linkFromMessage);
  }

  /** The interface called `name`; RtnlError ENODEV when there is none. */
  async link(name: string): Promise<LinkInfo> {
    const [msg] = await attempt({ dev: name }, () => this.sock.getLink({}, { ifname: name }));
    if (!msg) throw new RtnlError('ENODEV', `interface ${name} does not exist (ENODEV)`);
    return linkFromMessage(msg);
  }

  /** Addresses in the kernel's order, of one interface and/or one family when asked. */
  async addresses(filter: { dev?: string; family?: Family } = {}): Promise<AddressInfo[]> {
    const index = filter.dev === undefined ? undefined : (await this.link(filter.dev)).index;
    const family = filter.family === undefined ? undefined : filter.family === 4 ? AF_INET : AF_INET6;
    const msgs = await attempt({ dev: filter.dev ?? '', what: `list the addresses${filter.dev === undefined ? '' : ` of ${filter.dev}`}` }, () =>
      this.sock.getAddresses(family === undefined ? {} : { family }),
    );
    return msgs.flatMap((m) => addressFromMessage(m) ?? []).filter((a) => index === undefined || a.index === index);
  }

  /** The address `dev` sends IPv4 adverts from (see primaryIpv4). */
  async primaryIpv4(dev: string, choice: OwnAddressChoice = {}): Promise<string | undefined> {
    const { index } = await this.link(dev);
    return primaryIpv4(await this.addresses({ dev, family: 4 }), index, choice);
  }

  /** The link-local address `dev` sends IPv6 adverts from. */
  async ipv6LinkLocal(dev: string, choice: OwnAddressChoice = {}): Promise<string | undefined> {
    const { index } = await this.link(dev);
    return ipv6LinkLocal(await this.addresses({ dev, family: 6 }), index, choice);
  }

  /** Adds `spec`; RtnlError EEXIST when the interface already has it. */
  async addAddress(spec: AddressSpec): Promise<void> {
    const op = addAbout(spec);
    // a known index is not awaited: an await would put the request behind the rest of the turn
    const req = newAddressRequest(spec, this.indexOf(spec.dev) ?? (await this.askIndex(op, spec.dev)));
    await attempt(op, () => this.sock.newAddress(req.data, req.attrs, { flags: ADD_FLAGS }));
  }

  /**
   * addAddress(spec) as a timer prelude's part: the whole request, for
   * the addon to send on its own rtnetlink socket, and its answer read as
   * addAddress settles. Undefined while the interface's index is not known.
   */
  addPart(spec: AddressSpec): PreludePart | undefined {
    const index = this.indexOf(spec.dev);
    if (index === undefined) return undefined;
    const req = newAddressRequest(spec, index);
    const body = new AttrStream();
    rt.formatAddressMessage({ kind: 'address', data: req.data, attrs: req.attrs }, body);
    // the addon sets the sequence number; port 0 is the kernel's to fill in
    const data = Buffer.concat(formatMessage({ type: rt.MessageType.NEWADDR, flags: Flags.REQUEST | Flags.ACK | ADD_FLAGS, seq: 0, port: 0, data: body.bufs }));
    return {
      ops: [{ kind: 'rtnl', data }],
      outcome: (errnos) =>
        attempt(addAbout(spec), async () => {
          if (errnos[0]) throw errnoError('RTM_NEWADDR', errnos[0]);
        }),
    };
  }

  /**
   * Encodes the request addAddress(spec) would send, and sends nothing: the
   * code that builds it is then compiled before a takeover needs it (a
   * first run costs a fraction of a millisecond of the new master's VIP).
   */
  rehearseAddAddress(spec: AddressSpec): void {
    const req = newAddressRequest(spec, this.indexOf(spec.dev) ?? 0);
    rt.formatAddressMessage({ kind: 'address', data: req.data, attrs: req.attrs }, new AttrStream());
  }

  /** Deletes the address `key` names; RtnlError EADDRNOTAVAIL when it is not there. */
  async delAddress(key: AddressKey): Promise<void> {
    const op: About = { dev: key.dev, what: `delete ${keyText(key)} from ${key.dev}`, deleting: true };
    const req = delAddressRequest(key, this.indexOf(key.dev) ?? (await this.askIndex(op, key.dev)));
    await attempt(op, () => this.sock.delAddress(req.data, req.attrs));
  }
}

/**
 * Whether `dev` forwards IPv6, which makes it a router in its Neighbor
 * Advertisements (RFC 4861 §4.4, R flag). RtnlError ENODEV when the
 * interface has no IPv6 configuration (absent, or IPv6 disabled on it).
 */
export async function ipv6Forwarding(dev: string): Promise<boolean> {
  // an interface name never holds '/', and '.'/'..' are not names: keep the path inside conf/
  if (dev.includes('/') || dev === '.' || dev === '..' || dev === '') throw new RtnlError('ENODEV', `interface ${dev} does not exist (ENODEV)`);
  try {
    return (await readFile(`/proc/sys/net/ipv6/conf/${dev}/forwarding`, 'utf8')).trim() !== '0';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    throw new RtnlError('ENODEV', `interface ${dev} has no IPv6 configuration: it does not exist, or IPv6 is disabled on it (ENODEV)`);
  }
}

// ---------------------------------------------------------------- events

export type RtnlEvent =
  | { readonly type: 'link'; readonly change: LinkChange; readonly link: LinkInfo }
  /**
   * 'added' also when an address already there changes (DAD done, lifetimes):
   * the kernel sends RTM_NEWADDR for both. `dev` is the interface's name
   * as last seen (undefined when the link went first).
   */
  | { readonly type: 'address'; readonly change: 'added' | 'removed'; readonly address: AddressInfo; readonly dev: string | undefined }
  /**
   * The kernel dropped events (ENOBUFS): anything derived from addresses must
   * be read again; the link changes missed follow as 'link' events.
   */
  | { readonly type: 'overrun' };

/**
 * SO_RCVBUF of the event socket when vrrp_netlink_monitor_rcv_bufs is 0 or
 * unset: as much as net.core.rmem_max allows, where keepalived asks for
 * 64 KiB. keepalived survives an overrun and re-reads; with the `netlink`
 * package (0.3.0) an overrun usually aborts the process (the socket's error
 * turns into EPOLLERR, which its binding cannot report), so the buffer is
 * what keeps a stalled event loop from losing events.
 */
const DEFAULT_RECEIVE_BUFFER = 4 * 1024 * 1024;

/** The links now, read over a short-lived command socket. */
async function readLinks(): Promise<LinkInfo[]> {
  const r = Rtnl.open();
  try {
    return await r.links();
  } finally {
    r.close();
  }
}

/**
 * Link and address events, as they happen. Listen to 'error' too: as with
 * any EventEmitter, an unheard error is thrown.
 *
 * The subscribed socket never sends a request: the package routes replies by
 * sequence number alone, and a notification caused by another process's
 * request carries that process's sequence number, so it could be taken for a
 * reply. Dumps go over a command socket instead.
 */
export class RtnlWatcher extends EventEmitter<{ event: [RtnlEvent]; error: [Error] }> {
  private readonly links = new Map<number, LinkInfo>();
  /** notifications that did not parse, dropped */
  malformed = 0;

  private constructor(private readonly sock: RtNetlinkSocket) {
    super();
    sock.socket.on('message', (msgs) => msgs.forEach((m) => this.receive(m)));
    sock.socket.on('error', (e) => this.failed(e));
  }

  /**
   * Subscribes, then reads the links that link changes are measured against.
   * `receiveBuffer`: SO_RCVBUF in bytes, vrrp_netlink_monitor_rcv_bufs (the
   * kernel caps it at net.core.rmem_max; the package cannot force it past).
   */
  static async open(opts: { receiveBuffer?: number } = {}): Promise<RtnlWatcher> {
    // ref: the subscription alone keeps the process alive, as a watcher should; sendBufferSize 0 keeps the default
    const sock = createRtNetlink({ ref: true, recvBufferSize: opts.receiveBuffer || DEFAULT_RECEIVE_BUFFER, sendBufferSize: 0 });
    const w = new RtnlWatcher(sock);
    try {
      for (const g of ['LINK', 'IPV4_IFADDR', 'IPV6_IFADDR'] as const) sock.addMembership(g);
      // an event handled while the dump was under way is newer than the dump
      for (const l of await readLinks()) if (!w.links.has(l.index)) w.links.set(l.index, l);
    } catch (e) {
      w.close();
      throw e;
    }
    return w;
  }

  close(): void {
    this.sock.socket.close();
  }

  /** The links as the events have left them. */
  knownLinks(): LinkInfo[] {
    return [...this.links.values()];
  }

  private receive(m: NetlinkMessage): void {
    let link: LinkInfo | undefined;
    let address: AddressInfo | undefined;
    try {
      if (m.type === rt.MessageType.NEWLINK || m.type === rt.MessageType.DELLINK) link = linkFromMessage(rt.parseLinkMessage(m.data));
      else if (m.type === rt.MessageType.NEWADDR || m.type === rt.MessageType.DELADDR) address = addressFromMessage(rt.parseAddressMessage(m.data));
    } catch {
      // a notification we cannot read is dropped, never fatal
      this.malformed++;
      return;
    }
    if (link) this.onLink(link, m.type === rt.MessageType.DELLINK);
    if (address) this.onAddress(address, m.type === rt.MessageType.DELADDR);
  }

  private onLink(link: LinkInfo, removed: boolean): void {
    const change = linkChange(this.links.get(link.index), removed ? undefined : link);
    if (removed) this.links.delete(link.index);
    else this.links.set(link.index, link);
    this.emit('event', { type: 'link', change, link });
  }

  private onAddress(address: AddressInfo, removed: boolean): void {
    this.emit('event', { type: 'address', change: removed ? 'removed' : 'added', address, dev: this.links.get(address.index)?.name });
  }

  private failed(e: Error): void {
    if ((e as NodeJS.ErrnoException).code !== 'ENOBUFS') {
      this.emit('error', e);
      return;
    }
    this.emit('event', { type: 'overrun' });
    readLinks().then(
      (now) => this.resync(now),
      (err: Error) => this.emit('error', err),
    );
  }

  private resync(now: readonly LinkInfo[]): void {
    for (const { change, link } of linkResync(this.links, now)) this.onLink(link, change === 'removed');
    for (const l of now) this.links.set(l.index, l);
  }
}
