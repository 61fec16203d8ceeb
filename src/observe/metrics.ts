// Prometheus metrics of the VRRP process (prom-client), fed by the events
// of events.ts, and the opt-in HTTP listener that serves them
// (`tskad_metrics_listen` in global_defs, loopback unless an address is
// given). Counters carry keepalived's statistics: the receive errors keep
// keepalived's stats names in their `error` label, so they read like the
// JSON dump and the SNMP MIB. The state gauge uses the JSON dump's numbers.
//
// The VRRP event loop's delay (perf_hooks.monitorEventLoopDelay) is
// reported as quantiles over the time since the previous scrape: it is
// what could make an advert late, and the isolation goal is p99 < 1 ms.
// The VRRP timers' expiries are counted, those over a millisecond late by
// why (vrrp/scheduler.ts): the loop busy, a wait for a CPU, or a late
// wake-up from the kernel, which on a virtual machine is mostly the host's.
import { createServer, type Server } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Registry } from 'prom-client';
import type { VrrpState } from '../vrrp/fsm.js';
import type { StatName } from '../vrrp/instance.js';
import { EXPIRY_LATENESS_CAUSES } from '../net/native.js';
import { LATE_EXPIRY_MS, takeMaxLateMs, timerLateness, type TimerLateness } from '../vrrp/scheduler.js';
import { isReceiveError, RECEIVE_ERROR_STATS, vrrpEvents, type InstanceId, type ReceiveErrorStat } from './events.js';

/** keepalived's numbers for states in its JSON dump (vrrp_json.c) */
export const STATE_NUMBER: Record<VrrpState, number> = { INIT: 0, BACKUP: 1, MASTER: 2, FAULT: 3 };

const RECEIVE_ERRORS = 'tskad_vrrp_receive_errors_total';

/** The metric for each of keepalived's counters that is not a receive error; those share RECEIVE_ERRORS. */
const COUNT_METRIC: Record<Exclude<StatName, ReceiveErrorStat>, { readonly name: string; readonly help: string }> = {
  advert_rcvd: { name: 'tskad_vrrp_adverts_received_total', help: 'VRRP adverts received (keepalived: advert_rcvd)' },
  advert_sent: { name: 'tskad_vrrp_adverts_sent_total', help: 'VRRP adverts sent (keepalived: advert_sent)' },
  become_master: { name: 'tskad_vrrp_become_master_total', help: 'Times the instance became MASTER (keepalived: become_master)' },
  release_master: { name: 'tskad_vrrp_release_master_total', help: 'Times the instance left MASTER (keepalived: release_master)' },
  pri_zero_rcvd: { name: 'tskad_vrrp_priority_zero_received_total', help: 'Priority-0 adverts received (keepalived: pri_zero_rcvd)' },
  pri_zero_sent: { name: 'tskad_vrrp_priority_zero_sent_total', help: 'Priority-0 adverts sent (keepalived: pri_zero_sent)' },
};
const COUNT_STATS = Object.keys(COUNT_METRIC) as Exclude<StatName, ReceiveErrorStat>[];

const ID_LABELS = ['instance', 'vrid', 'interface'] as const;
type IdLabels = Record<(typeof ID_LABELS)[number], string>;
const idLabels = (e: InstanceId): IdLabels => ({ instance: e.instance, vrid: String(e.vrid), interface: e.interface });

/** the quantiles of event-loop delay reported; 1 is the maximum */
const DELAY_QUANTILES = [0.5, 0.9, 0.99, 1] as const;

export interface VrrpMetricsOptions {
  /** a registry to fill (default: a new one) */
  readonly registry?: Registry;
  /** monitorEventLoopDelay's sampling period, ms (default 10) */
  readonly eventLoopResolutionMs?: number;
  /** the timers' lateness (default: this process's scheduler) */
  readonly timers?: { lateness(): TimerLateness; takeMaxLateMs(): number };
}

export interface VrrpMetrics {
  readonly registry: Registry;
  /** unsubscribes from the events and stops the event-loop monitor */
  close(): void;
}

export function createVrrpMetrics(o: VrrpMetricsOptions = {}): VrrpMetrics {
  const registry = o.registry ?? new Registry();
  const registers = [registry];
  const state = new Gauge({ name: 'tskad_vrrp_state', help: 'VRRP state: 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT (keepalived JSON numbers)', labelNames: ID_LABELS, registers });
  const priority = new Gauge({ name: 'tskad_vrrp_effective_priority', help: 'Effective VRRP priority, after tracking', labelNames: ID_LABELS, registers });
  const transitions = new Counter({ name: 'tskad_vrrp_transitions_total', help: 'VRRP state transitions', labelNames: [...ID_LABELS, 'from', 'to'], registers });
  const counts = new Map(
    COUNT_STATS.map((stat) => [stat, new Counter({ name: COUNT_METRIC[stat].name, help: COUNT_METRIC[stat].help, labelNames: ID_LABELS, registers })]),
  );
  const errors = new Counter({ name: RECEIVE_ERRORS, help: "Received packets dropped, by keepalived's counter name", labelNames: [...ID_LABELS, 'error'], registers });
  const count = (id: IdLabels, stat: StatName, by: number) => (isReceiveError(stat) ? errors.inc({ ...id, error: stat }, by) : counts.get(stat)!.inc(id, by));

  const histogram = monitorEventLoopDelay({ resolution: o.eventLoopResolutionMs ?? 10 });
  histogram.enable();
  new Gauge({
    name: 'tskad_vrrp_event_loop_delay_seconds',
    help: 'Event-loop delay of the VRRP process since the previous scrape, by quantile (1: maximum)',
    labelNames: ['quantile'],
    registers,
    collect() {
      for (const q of DELAY_QUANTILES) this.set({ quantile: String(q) }, (q === 1 ? histogram.max : histogram.percentile(q * 100)) / 1e9);
      histogram.reset();
    },
  });

  const timers = o.timers ?? { lateness: timerLateness, takeMaxLateMs };
  new Counter({
    name: 'tskad_vrrp_timer_expiries_total',
    help: "Expiries of the VRRP process's timers (adverts, master-down and the rest)",
    registers,
    collect() {
      this.reset();
      this.inc(timers.lateness().expiries);
    },
  });
  new Counter({
    name: 'tskad_vrrp_timer_late_total',
    help: `Timer expiries more than ${LATE_EXPIRY_MS} ms late, by cause: busy (the event loop's own work), runqueue (waited for a CPU), wakeup (the kernel or the host woke the process late)`,
    labelNames: ['cause'],
    registers,
    collect() {
      const { late } = timers.lateness();
      this.reset();
      for (const cause of EXPIRY_LATENESS_CAUSES) this.inc({ cause }, late[cause]);
    },
  });
  new Gauge({
    name: 'tskad_vrrp_timer_lateness_max_seconds',
    help: 'The latest a VRRP timer expiry came since the previous scrape',
    registers,
    collect() {
      this.set(timers.takeMaxLateMs() / 1000);
    },
  });

  // the transition label sets each instance has, so that removing the instance removes them
  const seen = new Map<string, Set<string>>();
  const unsubscribe = [
    vrrpEvents.instance.subscribe((e) => {
      const id = idLabels(e);
      if (e.change === 'added') {
        state.set(id, STATE_NUMBER[e.state]);
        priority.set(id, e.priority);
        // every series exists from the start, so that rate() and absent alerts work
        for (const stat of [...COUNT_STATS, ...RECEIVE_ERROR_STATS]) count(id, stat, 0);
        return;
      }
      state.remove(id);
      priority.remove(id);
      for (const c of counts.values()) c.remove(id);
      for (const error of RECEIVE_ERROR_STATS) errors.remove({ ...id, error });
      for (const pair of seen.get(e.instance) ?? []) {
        const [from, to] = pair.split('>') as [string, string];
        transitions.remove({ ...id, from, to });
      }
      seen.delete(e.instance);
    }),
    vrrpEvents.transition.subscribe((e) => {
      const id = idLabels(e);
      state.set(id, STATE_NUMBER[e.to]);
      priority.set(id, e.priority);
      transitions.inc({ ...id, from: e.from, to: e.to });
      seen.set(e.instance, (seen.get(e.instance) ?? new Set()).add(`${e.from}>${e.to}`));
    }),
    vrrpEvents.priority.subscribe((e) => priority.set(idLabels(e), e.priority)),
    vrrpEvents.stat.subscribe((e) => count(idLabels(e), e.stat, 1)),
  ];

  return {
    registry,
    close() {
      for (const u of unsubscribe) u();
      histogram.disable();
    },
  };
}

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface MetricsServer {
  /** where it listens, e.g. http://127.0.0.1:9650/metrics */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `GET /metrics` (and HEAD) from `registry`; anything else is 404 or 405. */
export function serveMetrics(registry: Registry, listen: ListenAddress): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('tskad serves metrics at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (e: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${e.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      const a = server.address();
      const port = a !== null && typeof a === 'object' ? a.port : listen.port;
      const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
      resolve({
        url: `http://${host}:${port}/metrics`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // keep-alive connections of scrapers would hold close() open
            server.closeAllConnections();
          }),
      });
    });
  });
}
