// The whole configuration: the root block is every module's root keywords.
import type { z } from 'zod';
import { block, type BlockValue } from './dsl.js';
import { GLOBAL_ROOT, globalDefs } from './global.js';
import { VRRP_ROOT, vrrpInstance } from './vrrp.js';
import { LVS_ROOT, virtualServer } from './lvs.js';

export const root = block({ ...GLOBAL_ROOT, ...VRRP_ROOT, ...LVS_ROOT });

/** The typed model of a keepalived.conf: one source of truth for every process. */
export type Config = BlockValue<typeof root.spec>;

/** Named blocks, for "this keyword belongs in X" hints. */
export const BLOCKS = [
  { name: 'the top level', block: root },
  { name: 'global_defs', block: globalDefs },
  { name: 'vrrp_instance', block: vrrpInstance },
  { name: 'virtual_server', block: virtualServer },
];

export type { z };
