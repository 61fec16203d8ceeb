// The statistics dump (keepalived 2.2.7 vrrp_print.c vrrp_print_stats,
// /tmp/keepalived.stats on SIGUSR2 and STATS_CLEAR): each instance's
// counters under keepalived's headings, in its order and words. tskad's
// RFC 6527 additions (version and checksum errors) are in the JSON status
// and the metrics, not here, so scripts reading this file see keepalived's.
import type { Stats } from '../vrrp/instance.js';

export interface StatsOf {
  readonly name: string;
  readonly stats: Stats;
}

export function formatStatsDump(src: { readonly instances: readonly StatsOf[] }): string {
  return src.instances
    .map(({ name, stats: s }) =>
      [
        `VRRP Instance: ${name}`,
        '  Advertisements:',
        `    Received: ${s.advert_rcvd}`,
        `    Sent: ${s.advert_sent}`,
        `  Became master: ${s.become_master}`,
        `  Released master: ${s.release_master}`,
        '  Packet Errors:',
        `    Length: ${s.packet_len_err}`,
        `    TTL: ${s.ip_ttl_err}`,
        `    Invalid Type: ${s.invalid_type_rcvd}`,
        `    Advertisement Interval: ${s.advert_interval_err}`,
        `    Address List: ${s.addr_list_err}`,
        '  Authentication Errors:',
        `    Invalid Type: ${s.invalid_authtype}`,
        `    Type Mismatch: ${s.authtype_mismatch}`,
        `    Failure: ${s.auth_failure}`,
        '  Priority Zero:',
        `    Received: ${s.pri_zero_rcvd}`,
        `    Sent: ${s.pri_zero_sent}`,
        '',
      ].join('\n'),
    )
    .join('');
}
