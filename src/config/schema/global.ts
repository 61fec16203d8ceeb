// global_defs and the other global-section keywords (keepalived.conf(5) "GLOBAL CONFIGURATION").
import { block, flag, str, sub } from './dsl.js';

export const globalDefs = block({
  routerId: str(),
  vrrpStrict: flag(),
});

/** Root-level keywords this module owns. */
export const GLOBAL_ROOT = {
  globalDefs: sub(globalDefs),
};
