// The work a VRRP timer's expiry starts with, done natively the instant it
// runs out, before any JavaScript runs (native/src/timer_prelude.h): a
// backup's takeover — the advert, the VIPs' address requests and the
// gratuitous ARPs — when its Master_Down_Timer expires, and a master's
// advert when its Adver_Timer does. From JavaScript a first takeover's took
// 1–2 ms, where keepalived needs microseconds; and an advert left after
// 0.3–0.5 ms of JavaScript whose length varied from one to the next.
//
// The instance describes the work it will do (PreludeWork) whenever it arms
// the timer; the edges turn it into bytes (PreludePart); the scheduler hands
// them to the timer. When they ran, the instance's step runs as ever, and its
// calls for that very work — the advert's send, each VIP's add, the GARPs —
// are answered with the outcome of what was done instead of doing it again
// (take*). Its bookkeeping (counters, the VIP ledger, logs, notifies) is
// unchanged. The instance asks for a prelude only where the step is sure to
// do this work: see VrrpRuntime.preludeFor.
import type { AddressSpec } from '../net/rtnl-address.js';
import type { PreludePart } from '../net/prelude-part.js';
import type { Logger } from '../observe/log.js';
import type { OutgoingAdvert } from './instance.js';
import type { Prelude } from './scheduler.js';

/** One GARP round's addresses on one interface, in order. */
export interface Announcement {
  readonly dev: string;
  readonly addresses: readonly string[];
}

/** What a timer's step will do first: a takeover's (fsm.ts becomeMaster), or a MASTER's advert alone. */
export interface PreludeWork {
  readonly advert: OutgoingAdvert;
  readonly addresses: readonly AddressSpec[];
  readonly announcements: readonly Announcement[];
  /** the stop signal's priority-0 advert (VrrpSocket.preludePart): its edge keeps its part for as long as it holds */
  readonly farewell?: boolean;
}

/** The edges' prelude parts; each undefined where that edge cannot prepare its work. */
export interface PreludeEdges {
  advert(advert: OutgoingAdvert, farewell: boolean): PreludePart | undefined;
  add(spec: AddressSpec): PreludePart | undefined;
  announce(announcement: Announcement): PreludePart | undefined;
}

/** A part that ran, waiting for its call: its outcome, read from its ops' errnos when asked. */
type Ran = () => Promise<void>;

/** The errnos of ops run one list after another: each call takes the next list's share. */
function errnosInTurn(errnos: readonly number[]): (list: { readonly ops: readonly unknown[] }) => readonly number[] {
  let at = 0;
  return (list) => errnos.slice(at, (at += list.ops.length));
}

/** Several preludes done as one (the stop signal's: each MASTER's priority-0 advert), in order; undefined for none. */
export function combinePreludes(preludes: readonly Prelude[]): Prelude | undefined {
  if (preludes.length <= 1) return preludes[0];
  return {
    ops: preludes.flatMap((p) => p.ops),
    ran: (errnos) => {
      const next = errnosInTurn(errnos);
      for (const p of preludes) p.ran(next(p));
    },
    over: () => preludes.forEach((p) => p.over()),
  };
}

const sameAnnouncement = (a: Announcement, dev: string, addresses: readonly string[]): boolean =>
  a.dev === dev && a.addresses.length === addresses.length && a.addresses.every((x, i) => x === addresses[i]);

/** One instance's preludes, and the work of the one that ran until its step takes it up. */
export class TimerPrelude {
  private advertDone: { readonly advert: OutgoingAdvert; readonly ran: Ran } | undefined;
  private readonly addsDone = new Map<AddressSpec, Ran>();
  private announcementsDone: Array<{ readonly announcement: Announcement; readonly ran: Ran }> = [];
  /** the last farewell's prelude, the same while its edge gives the same part */
  private farewell: { readonly part: PreludePart; readonly prelude: Prelude } | undefined;

  constructor(
    private readonly edges: PreludeEdges,
    private readonly instance: string,
    private readonly log: Logger,
  ) {}

  /**
   * The prelude of `work`, or undefined without one for its advert: the
   * advert's socket is the one whose waiting packet stops a prelude. The
   * addresses and announcements no edge can prepare are left to the step.
   * A farewell's is the one prepared before while its advert's part is.
   */
  prepare(work: PreludeWork): Prelude | undefined {
    const farewell = work.farewell === true;
    const advert = this.edges.advert(work.advert, farewell);
    if (advert === undefined) return undefined;
    if (farewell && this.farewell?.part === advert) return this.farewell.prelude;
    const adds = work.addresses.flatMap((spec) => {
      const part = this.edges.add(spec);
      return part ? [{ spec, part }] : [];
    });
    const announcements = work.announcements.flatMap((announcement) => {
      const part = this.edges.announce(announcement);
      return part ? [{ announcement, part }] : [];
    });
    const parts = [advert, ...adds.map((a) => a.part), ...announcements.map((a) => a.part)];
    const prelude: Prelude = {
      ops: parts.flatMap((p) => p.ops),
      ran: (errnos) => {
        const next = errnosInTurn(errnos);
        const ran = (part: PreludePart): Ran => {
          const own = next(part);
          return () => part.outcome(own);
        };
        this.advertDone = { advert: work.advert, ran: ran(advert) };
        for (const { spec, part } of adds) this.addsDone.set(spec, ran(part));
        this.announcementsDone = announcements.map(({ announcement, part }) => ({ announcement, ran: ran(part) }));
        // a takeover's, not every advert's
        if (adds.length === 0 && announcements.length === 0) return;
        const frames = announcements.reduce((n, a) => n + a.part.ops.length, 0);
        this.log.debug({ instance: this.instance, errnos }, `(${this.instance}) takeover: advert, ${adds.length} address request(s) and ${frames} gratuitous ARP(s) sent at the master-down timer's expiry`);
      },
      over: () => this.over(),
    };
    if (farewell) this.farewell = { part: advert, prelude };
    return prelude;
  }

  /** The outcome of sending `advert`, if a prelude sent it. */
  takeAdvert(advert: OutgoingAdvert): Promise<void> | undefined {
    const done = this.advertDone;
    if (done?.advert !== advert) return undefined;
    this.advertDone = undefined;
    return done.ran();
  }

  /** The outcome of adding `spec`, if a prelude requested it. */
  takeAdd(spec: AddressSpec): Promise<void> | undefined {
    const done = this.addsDone.get(spec);
    if (done === undefined) return undefined;
    this.addsDone.delete(spec);
    return done();
  }

  /** The outcome of announcing `addresses` on `dev`, if a prelude sent those frames. */
  takeAnnouncement(dev: string, addresses: readonly string[]): Promise<void> | undefined {
    const i = this.announcementsDone.findIndex((d) => sameAnnouncement(d.announcement, dev, addresses));
    if (i < 0) return undefined;
    const [done] = this.announcementsDone.splice(i, 1);
    return done!.ran();
  }

  /** The step is over: what it did not take up stays undone in its eyes, which only an address can make matter. */
  private over(): void {
    for (const spec of this.addsDone.keys()) {
      this.log.error({ instance: this.instance, address: spec.address, dev: spec.dev }, `(${this.instance}) ${spec.address}/${spec.prefix} was requested on ${spec.dev} at the takeover, but the takeover did not take it up`);
    }
    this.advertDone = undefined;
    this.addsDone.clear();
    this.announcementsDone = [];
  }
}
