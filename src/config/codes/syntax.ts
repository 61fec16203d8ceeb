// Codes reported while reading the configuration's syntax: files and
// includes, comments and quotes, $NAME definitions, ~SEQ/~LST, braces
// (keepalived.conf(5) "ADVANCED CONFIGURATION").
import { codes } from './define.js';

export const SYNTAX_CODES = codes({
  TSKAD_F_CONFIG_UNREADABLE: {
    severity: 'fatal',
    summary: 'the main configuration file cannot be read',
    help: 'Check the path given with -f (default /etc/keepalived/keepalived.conf) and its permissions. Like keepalived, tskad refuses a configuration file that is executable or a directory.',
  },
  TSKAD_W_INCLUDE_SKIPPED: {
    severity: 'warning',
    summary: 'an include that matched no file, or matched one that cannot be read',
    help: 'keepalived logs this and carries on without the file, so the configuration may silently lack what the file held. To make such problems fatal, start with `-e`, set `include_check` in global_defs, or use `includea` (or includer, includem, includew, includeb for one class of check). A wildcard that matches nothing is reported only under wildcard_match, so that an empty conf.d/ is no problem.',
    testExit: 0,
  },
  TSKAD_F_INCLUDE_CHECK: {
    severity: 'fatal',
    summary: 'an include failed a check that -e, include_check or an include variant makes fatal',
    help: 'keepalived refuses to run a configuration whose checked include is missing or unreadable. The hint names the check class (read, match, wildcard_match, brace_match). Fix the path, or drop the check if the file is optional (includer only checks that matched files are readable).',
    testExit: 6,
  },
  TSKAD_E_INCLUDE_CYCLE: {
    severity: 'error',
    summary: 'a file includes itself, directly or through other files',
    help: 'keepalived would read the file again and again until it runs out of file descriptors, and its -t does not fail on that (nor does tskad -t). tskad reads the file once; remove the include that closes the loop.',
    testExit: 0,
  },
  TSKAD_E_BAD_INCLUDE_CHECK: {
    severity: 'error',
    summary: 'an include_check option that is not read, match, wildcard_match or brace_match',
    help: 'The option is ignored. Give one class to set (with read), then +class or -class to add or remove one; no option at all enables every check.',
  },
  TSKAD_E_UNTERMINATED_QUOTE: {
    severity: 'error',
    summary: 'a quote opened and never closed on its line',
    help: "The word runs to the end of the line. keepalived drops such a word, or the whole command for scripts. Note that a '#' or '!' inside single quotes still starts a comment, as in keepalived; use double quotes around it.",
  },
  TSKAD_W_TRAILING_BACKSLASH: {
    severity: 'warning',
    summary: "a line ending in '\\' that is not a $NAME= definition",
    help: "keepalived has no line continuation except inside a multi-line $NAME= definition; the next line is a line of its own. Put the whole statement on one line (a long script command may be quoted as one word).",
    testExit: 0,
  },
  TSKAD_W_LONG_LINE: {
    severity: 'warning',
    summary: 'a line longer than keepalived reads at once',
    help: 'keepalived reads lines into a 1024-byte buffer; the rest of a longer line is read as a new line, which breaks the statement. tskad reads the whole line, but the configuration will not work with keepalived.',
    testExit: 0,
  },
  TSKAD_W_DEFINITION_ENDED: {
    severity: 'warning',
    summary: 'an empty line ends a multi-line $NAME= definition',
    help: "keepalived ends a multi-line definition at the first empty line, even when the line before ends in '\\' (a line holding only blanks or a comment does not end it). The lines after the empty line are read as ordinary lines. Remove the empty line or put a comment on it.",
    testExit: 0,
  },
  TSKAD_E_UNDEFINED_PARAMETER: {
    severity: 'error',
    summary: '${NAME} used where NAME is not defined',
    help: "keepalived leaves an undefined ${NAME} as it is, and then takes its braces for a block's, which scrambles the blocks after it. tskad keeps it as one word. Define the name with `$NAME=value` before the line that uses it (a multi-line definition can only be used at the end of a line), or put the word in double quotes if the text is meant literally, e.g. for a shell script.",
  },
  TSKAD_E_DEFINITION_LOOP: {
    severity: 'error',
    summary: 'a $NAME definition whose expansion never ends',
    help: 'A definition that refers to itself, directly or through others, grows without end; keepalived stops at its 1 KiB line limit or loops for ever. The line is dropped.',
  },
  TSKAD_E_BAD_REPEAT: {
    severity: 'error',
    summary: 'a ~SEQ or ~LST that cannot be read',
    help: 'The forms are ~SEQ(var, end), ~SEQ(var, start, end), ~SEQ(var, start, step, end) (~SEQx for hex output, positive numbers only; the step must lead from start to end) and ~LST(var, v1, v2...) or ~LST({var1, var2}, {v1, v2}, ...). The line is dropped, as keepalived drops it.',
  },
  TSKAD_F_EXPANSION_LIMIT: {
    severity: 'fatal',
    summary: 'the configuration expands without end',
    help: 'Definitions and ~SEQ/~LST nest too deep (a multi-line definition that uses itself?) or produce millions of lines. Reading stops at the place reported.',
  },
  TSKAD_E_UNBALANCED_BRACE: {
    severity: 'error',
    summary: "a block whose '}' is missing",
    help: "Reported at the '{' of the block that is never closed. When the layout of the file shows where the block ended (a '}' or a statement indented like an outer block, or a top-level keyword such as vrrp_instance met inside a block), the hint names that line, and tskad reads the rest of the file as if the '}' were there. keepalived only says how many '}'s are missing.",
  },
  TSKAD_E_UNEXPECTED_BRACE: {
    severity: 'error',
    summary: "a '}' without a block to close, or a '{' without a keyword to open",
    help: "Reported where the brace stands. A stray '}' often means a '{' is missing earlier; when the layout suggests where, the hint names the statement. keepalived ignores a stray '{', and its contents belong to the enclosing block.",
  },
});
