// virtual_server_group, virtual_server, real_server (keepalived.conf(5) "LVS CONFIGURATION").
import { block, oneOf, seconds, sub } from './dsl.js';

export const virtualServer = block({
  delayLoop: seconds(0, 1e9, 60),
  lvsSched: oneOf(['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'sh', 'dh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos'], undefined, { aliases: ['lb_algo'] }),
});

/** Root-level keywords this module owns. */
export const LVS_ROOT = {};
