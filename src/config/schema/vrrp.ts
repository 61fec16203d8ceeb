// vrrp_script, vrrp_sync_group, vrrp_instance and the tracking blocks (keepalived.conf(5) "VRRPD CONFIGURATION").
import { block, int, oneOf, required, str, sub } from './dsl.js';
import { nameHead } from './common.js';

export const vrrpInstance = block({
  state: oneOf(['MASTER', 'BACKUP']),
  interface: str(),
  virtualRouterId: required(int(1, 255)),
  priority: int(1, 255),
});

/** Root-level keywords this module owns. */
export const VRRP_ROOT = {
  vrrpInstance: sub(vrrpInstance, { many: true, head: nameHead }),
};
