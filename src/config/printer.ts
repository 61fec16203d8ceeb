// Writes a configuration model back as keepalived.conf text (OpenBSD ospfd's
// printconf.c is the model: the printer is the parser's inverse). What each
// keyword prints comes from the keyword DSL (schema/dsl.ts `printBlock`); this
// module only lays the lines out: 4-space indentation, quoting, blank lines
// between top-level blocks. Keywords at their default are left out, so the
// text is the smallest configuration that loads back into the same model.
import { printBlock, quote, type Printed } from './schema/dsl.js';
import { root, type Config } from './schema/index.js';

const INDENT = '    ';

const HEADER = [
  '! keepalived.conf written by tskad from its configuration model:',
  '! keywords at their default are left out, and comments are not kept.',
];

export function printConfig(config: Config): string {
  const top = printBlock(root, config as Record<string, unknown>);
  const out = [...HEADER];
  top.forEach((p, i) => {
    // a block stands apart; consecutive one-line keywords stay together
    if (i === 0 || p.children || top[i - 1]!.children) out.push('');
    out.push(...printLines(p, ''));
  });
  return `${out.join('\n')}\n`;
}

function printLines(p: Printed, indent: string): string[] {
  const line = indent + p.words.map(quote).join(' ');
  if (!p.children) return [line];
  return [`${line} {`, ...p.children.flatMap((c) => printLines(c, indent + INDENT)), `${indent}}`];
}
