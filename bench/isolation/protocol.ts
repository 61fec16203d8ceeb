// What the isolation bench and its child processes (child.ts) say to each
// other: a child's role and options (argv: ROLE JSON-OPTIONS), the line it
// prints once it is ready, and a checker's counters, a JSON line stamped
// with the wall clock. Kept apart from child.ts, which runs when imported.
import type { LoadOptions } from './load.js';
import type { RealServersOptions } from './servers.js';

export type ChildRole = 'servers' | 'checker' | 'vrrp-and-checker';

export interface VrrpAndCheckerOptions {
  readonly load: LoadOptions;
  /** keepalived.conf for runVrrp */
  readonly configFile: string;
  /** its log, keepalived's console lines with -D's detail */
  readonly logFile: string;
}

export interface ChildOptions {
  readonly servers: RealServersOptions;
  readonly checker: LoadOptions;
  readonly 'vrrp-and-checker': VrrpAndCheckerOptions;
}

/** what a checker prints: its counters at `at` (ms since the epoch) */
export interface CountersLine {
  readonly at: number;
  readonly checks: number;
  readonly passed: number;
  readonly failed: number;
}

export const COUNTERS_PREFIX = 'load ';
export const READY_LINE = 'ready';
