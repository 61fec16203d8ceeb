// Codes reported by the lexer and the parser (file syntax, include, $NAME, ~SEQ).
import { codes } from './define.js';

export const SYNTAX_CODES = codes({
  TSKAD_F_CONFIG_UNREADABLE: {
    severity: 'fatal',
    summary: 'the main configuration file cannot be read',
    help: 'Check the path given with -f (default /etc/keepalived/keepalived.conf) and its permissions.',
  },
  TSKAD_E_UNBALANCED_BRACE: {
    severity: 'error',
    summary: "a '{' without its '}', or a '}' without its '{'",
    help: "The message points at the brace that has no partner: for a missing '}', the '{' that opened the block.",
  },
});
