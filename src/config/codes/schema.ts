// Codes reported while binding the keyword tree to the schemas.
import { codes } from './define.js';

export const SCHEMA_CODES = codes({
  TSKAD_E_UNKNOWN_KEYWORD: {
    severity: 'error',
    summary: 'a keyword that is not valid in this block',
    help: 'The keyword is not one keepalived 2.2 accepts at this place; the line is ignored, as keepalived ignores it. The message suggests the nearest valid keyword, and says so when the keyword belongs in another block.',
  },
  TSKAD_E_BAD_VALUE: {
    severity: 'error',
    summary: 'a keyword argument of the wrong type, out of range or not one of the allowed words',
    help: 'The keyword keeps its default (or the value of an earlier line). The message names the allowed range or words.',
  },
  TSKAD_E_MISSING_ARGUMENT: {
    severity: 'error',
    summary: 'a keyword given without the argument it needs',
    help: 'Give the argument on the same line as the keyword.',
  },
  TSKAD_W_EXTRA_ARGUMENT: {
    severity: 'warning',
    testExit: 0,
    summary: 'more arguments than the keyword takes',
    help: 'The extra words are ignored. A command with arguments must be quoted as one word: notify_master "/path/script.sh master".',
  },
  TSKAD_E_MISSING_KEYWORD: {
    severity: 'error',
    summary: 'a block without a keyword it requires',
    help: 'For example vrrp_instance needs virtual_router_id. It is reported where the block closes, as keepalived reports it once it has read the whole block; the message names the line that opened it.',
  },
  TSKAD_E_NOT_A_BLOCK: {
    severity: 'error',
    summary: 'a keyword that takes a { } block given without one, or one that takes none given a block',
    help: 'Put the braces where the keyword expects them: `virtual_ipaddress {` ... `}`.',
  },
  TSKAD_W_DEPRECATED_KEYWORD: {
    severity: 'warning',
    summary: 'a deprecated spelling of a keyword',
    help: 'keepalived 2.2 still accepts it, and so does tskad; the message names the current keyword.',
  },
  TSKAD_E_REPEATED_KEYWORD: {
    severity: 'error',
    summary: 'a keyword that may be given only once, given again; the first value stays',
    help: 'For some keywords (a notify script, a FIFO, a namespace…) keepalived keeps the first value and reports the repeat as an error, and so does tskad. Remove one of the lines.',
  },
  TSKAD_W_DUPLICATE_KEYWORD: {
    severity: 'warning',
    testExit: 0,
    summary: 'a keyword given twice in one block; the last one wins',
    help: 'keepalived silently keeps the last value. Remove the line that is not meant.',
  },
  TSKAD_W_DEFAULT_USED: {
    severity: 'warning',
    summary: 'a setting keepalived warns about when it is left out',
    help: 'For example a virtual_server without protocol is UDP, and without lb_algo uses wlc; say what is meant.',
  },
});
