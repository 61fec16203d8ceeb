// The whole configuration: the root block is every module's root keywords.
import { block, blocksUnder, type BlockValue } from './dsl.js';
import { GLOBAL_ROOT } from './global.js';
import { VRRP_ROOT } from './vrrp.js';
import { LVS_ROOT } from './lvs.js';

export const root = block({ ...GLOBAL_ROOT, ...VRRP_ROOT, ...LVS_ROOT });

/** The typed model of a keepalived.conf: one source of truth for every process. */
export type Config = BlockValue<typeof root.spec>;

/** Every block by the keyword that opens it, for "this keyword belongs in X" hints. */
export const BLOCKS = blocksUnder(root);
