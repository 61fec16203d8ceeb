// Reads a configuration file into source lines.
import { readFileSync } from 'node:fs';
import type { Diagnostics } from './diagnostics.js';
import type { SourceLine } from './lexer.js';

export interface ReadOptions {
  /** `-i/--config-id`, matched by `@id` lines; default the short host name */
  readonly configId: string;
}

export function readConfigFile(path: string, _opts: ReadOptions, diag: Diagnostics): SourceLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    diag.report('TSKAD_F_CONFIG_UNREADABLE', `cannot read ${path}: ${(e as Error).message}`);
    return [];
  }
  return splitLines(text, path);
}

export const splitLines = (text: string, file: string): SourceLine[] =>
  text.split('\n').map((t, i) => ({ text: t, file, line: i + 1, col: 1 }));
