// Every diagnostic code, from every stage. A test checks docs/errors.md lists exactly these.
import { SYNTAX_CODES } from './syntax.js';
import { SCHEMA_CODES } from './schema.js';
import { VRRP_CODES } from './vrrp.js';
import { LVS_CODES } from './lvs.js';
import { HOST_CODES } from './host.js';
import { CLI_CODES } from './cli.js';
import { GLOBAL_CODES } from './global.js';
import type { CodeInfo } from './define.js';

export const CODES = {
  ...SYNTAX_CODES,
  ...SCHEMA_CODES,
  ...VRRP_CODES,
  ...LVS_CODES,
  ...HOST_CODES,
  ...CLI_CODES,
  ...GLOBAL_CODES,
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;
