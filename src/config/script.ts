// How a script line from the configuration is run: vrrp_script `script`,
// notify_*, MISC_CHECK `misc_path`, quorum_up/down … (keepalived.conf(5)
// "notify scripts": "parameters must be quoted … no shell is used").
//
// keepalived ≥ 2 never uses a shell. It splits the command word again into
// argv (lib/parser.c alloc_strvec_quoted_escaped: ' and " quotes, C escapes)
// and execve()s the first word, searched on PATH when it has no '/'
// (lib/notify.c). Shell syntax reaches the program as literal arguments:
// `a && b` runs `a` with the arguments `&&` and `b`, and `[[` is "not found".
// The only system() fallback in Debian's build (no libmagic) is a line that
// starts with `</`, a readability test.
//
// tskad keeps exactly that argv for plain commands, and runs a line written in
// shell syntax through `/bin/sh -c` — or `/bin/bash -c` when it needs bash,
// since Debian's /bin/sh is dash: there `[[` is "not found" and
// `cmd &> /dev/null` backgrounds cmd and reports success at once.
export type ScriptRunner = 'exec' | 'sh' | 'bash';

export interface ScriptClass {
  readonly runner: ScriptRunner;
  /** for sh/bash: what in the line made it so (for `-t` output) */
  readonly reason?: string;
  /** for sh/bash: the construct that decided, as written: `&&`, `[[`, `$(` … */
  readonly syntax?: string;
}

/** The shells tskad uses for lines in shell syntax. */
export const SHELL_PATH = { sh: '/bin/sh', bash: '/bin/bash' } as const;

// ------------------------------------------------------------ exec splitting

export interface ScriptWords {
  readonly words: readonly string[];
  /** why keepalived would refuse the line (it then ignores the script); words are a best effort */
  readonly problem?: string;
}

const BLANK = ' \t\f\n\r\v';
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const isHex = (c: string | undefined): c is string => c !== undefined && /[0-9a-fA-F]/.test(c);
const isOctal = (c: string | undefined): c is string => c !== undefined && c >= '0' && c <= '7';

/**
 * The argv keepalived 2.2.7 builds from a command: words split on unquoted
 * blanks, `'…'` and `"…"` group (both honour backslash escapes), and C escapes
 * `\n \t \xHH \ooo \cX …` are decoded everywhere.
 */
export function splitScriptWords(command: string): ScriptWords {
  const words: string[] = [];
  let problem: string | undefined;
  let i = 0;
  while (i < command.length) {
    while (i < command.length && BLANK.includes(command[i]!)) i++;
    if (i >= command.length) break;
    let word = '';
    let quote: string | undefined;
    for (; i < command.length; ) {
      const c = command[i]!;
      if (c === '\\') {
        if (i + 1 >= command.length) {
          problem ??= 'it ends in a lone backslash';
          i++;
          break;
        }
        const [s, next] = decodeEscape(command, i + 1);
        word += s;
        i = next;
      } else if (quote !== undefined) {
        if (c === quote) quote = undefined;
        else word += c;
        i++;
      } else if (c === '"' || c === "'") {
        quote = c;
        i++;
      } else if (BLANK.includes(c)) {
        break;
      } else {
        word += c;
        i++;
      }
    }
    if (quote !== undefined) problem ??= `it has an unterminated ${quote} quote`;
    words.push(word);
  }
  return problem === undefined ? { words } : { words, problem };
}

/** One escape after a backslash at `i`; keepalived keeps the low 8 bits of numeric escapes. */
function decodeEscape(s: string, i: number): [string, number] {
  const c = s[i]!;
  const byte = (n: number) => String.fromCharCode(n & 0xff);
  if (c === 'x' && isHex(s[i + 1])) {
    let j = i + 1;
    let n = 0;
    while (isHex(s[j])) n = (n << 4) | parseInt(s[j++]!, 16);
    return [byte(n), j];
  }
  if (c === 'c' && i + 1 < s.length) return [byte(s.charCodeAt(i + 1) & 0x1f), i + 2];
  if (isOctal(c)) {
    let j = i;
    let n = 0;
    while (j < i + 3 && isOctal(s[j])) n = n * 8 + Number(s[j++]);
    return [byte(n), j];
  }
  return [SIMPLE_ESCAPES[c] ?? c, i + 1];
}

// ------------------------------------------------------------ classification

interface Finding {
  readonly runner: 'sh' | 'bash';
  readonly syntax: string;
}

/** What scanning a line as shell input found. */
interface Scan {
  readonly findings: Finding[];
  /** `==` given to `[`/`test`: GNU test accepts it, dash's builtin test does not */
  doubleEquals: boolean;
  /** literal words in command position (the programs a shell would run) */
  readonly commandWords: string[];
}

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', '{', '}', '!']);
/** after these a command word follows */
const LEADS_TO_COMMAND = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '{', '!']);
/** builtins with no program of the same name: exec cannot run them */
const BUILTINS = new Set([
  '.', ':', 'break', 'continue', 'eval', 'exec', 'exit', 'export', 'readonly', 'return', 'set', 'shift', 'times', 'trap', 'unset',
  'alias', 'unalias', 'cd', 'command', 'getopts', 'hash', 'jobs', 'fg', 'bg', 'local', 'read', 'type', 'ulimit', 'umask', 'wait',
]);
const BASH_COMMANDS = new Set(['[[', 'function', 'source', 'let', 'declare', 'typeset', 'shopt', 'select', 'mapfile', 'readarray', 'pushd', 'popd', 'disown']);

/** Longest first, so `&&` is not read as `&` `&`. */
const OPERATORS = ['&>>', '<<<', '<<-', '&>', '|&', '<<', '<>', '<&', '>&', '>>', '>|', '<(', '>(', '&&', '||', ';;', ';', '|', '&', '<', '>', '(', ')'];
const BASH_OPERATORS = new Set(['&>>', '&>', '|&', '<<<']);
const REDIRECTIONS = new Set(['&>>', '<<<', '<<-', '&>', '<<', '<>', '<&', '>&', '>>', '>|', '<', '>']);
const WORD_END = new Set([...' \t\n;&|<>()']);

/**
 * Decide how a command line runs: as keepalived does (exec) unless it uses
 * shell syntax outside quotes (or `$`/`` ` `` expansions inside "…").
 * Globs (`*`, `?`, `[`) alone do not count: in script lines they are far more
 * often regexes (`pgrep -f 'nginx.*master'`) and URLs (`/health?full`) than
 * file patterns, and a shell would match them against the daemon's directory.
 */
export function classifyScript(command: string): ScriptClass {
  const scan = scanShell(command);
  const bash = scan.findings.find((f) => f.runner === 'bash');
  if (bash) return { runner: 'bash', syntax: bash.syntax, reason: `uses '${bash.syntax}', which only bash understands (Debian's /bin/sh is dash)` };
  const sh = scan.findings[0];
  if (!sh) return { runner: 'exec' };
  if (scan.doubleEquals) return { runner: 'bash', syntax: '==', reason: `uses shell syntax '${sh.syntax}' and '==' in a test, which dash's test rejects` };
  return { runner: 'sh', syntax: sh.syntax, reason: `uses shell syntax '${sh.syntax}'` };
}

/**
 * The argv to spawn. `extra` are the arguments keepalived appends (the generic
 * `notify` adds INSTANCE|GROUP NAME STATE PRIORITY): an exec'd line gets them
 * after its own words, a shell line as "$1"… (with $0 the shell's name), since
 * "appending" to a line with pipes or redirections has no single meaning.
 */
export function scriptArgv(command: string, runner: ScriptRunner, extra: readonly string[] = []): string[] {
  if (runner === 'exec') return [...splitScriptWords(command).words, ...extra];
  const shell = SHELL_PATH[runner];
  return [shell, '-c', command, ...(extra.length > 0 ? [runner, ...extra] : [])];
}

/**
 * The programs a line runs that can be checked before it runs: for exec the
 * first word (bare names are found on PATH), for a shell line the shell and
 * every command written as an absolute path (`/etc/keepalived/check.sh && …`).
 */
export function scriptPrograms(command: string, runner: ScriptRunner): string[] {
  if (runner === 'exec') return splitScriptWords(command).words.slice(0, 1);
  const paths = scanShell(command).commandWords.filter((w) => w.startsWith('/'));
  return [SHELL_PATH[runner], ...new Set(paths)];
}

function scanShell(command: string, scan: Scan = { findings: [], doubleEquals: false, commandWords: [] }): Scan {
  new ShellScanner(command, scan).commands(0, false);
  return scan;
}

/**
 * A small reader of POSIX/bash shell syntax: enough to find operators,
 * expansions and command words outside quotes, recursing into `$(…)`,
 * `` `…` `` and `<(…)`. It never executes or fully parses anything.
 */
class ShellScanner {
  constructor(
    private readonly s: string,
    private readonly scan: Scan,
  ) {}

  private found(runner: Finding['runner'], syntax: string): void {
    this.scan.findings.push({ runner, syntax });
  }

  /** Commands from `i` up to the end, or up to an unmatched `)` when `nested`. Returns where it stopped. */
  commands(i: number, nested: boolean): number {
    const s = this.s;
    let atCommand = true;
    let afterRedirection = false;
    let commandWord: string | undefined;
    while (i < s.length) {
      const c = s[i]!;
      if (c === ' ' || c === '\t') {
        i++;
        continue;
      }
      if (c === '\n') {
        this.found('sh', 'a line break');
        atCommand = true;
        i++;
        continue;
      }
      if (c === ')' && nested) return i;
      if (c === '#') {
        this.found('sh', '#');
        return s.length;
      }
      const op = OPERATORS.find((o) => s.startsWith(o, i));
      if (op) {
        i = this.operator(op, i, atCommand);
        afterRedirection = REDIRECTIONS.has(op);
        if (!afterRedirection) {
          atCommand = true;
          commandWord = undefined;
        }
        continue;
      }
      const start = i;
      const { end, literal } = this.word(i);
      i = end;
      if (afterRedirection) {
        afterRedirection = false;
        continue;
      }
      if (atCommand) {
        const assignment = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/.exec(s.slice(start, end));
        if (assignment) {
          // `NAME=value cmd`: exec would look for a program called "NAME=value"
          this.found(assignment[2] ? 'bash' : 'sh', assignment[0]);
          if (s[end] === '(') this.found('bash', `${assignment[0]}(…)`);
          continue;
        }
        if (literal !== undefined) this.commandWord(literal);
        commandWord = literal;
        atCommand = literal !== undefined && LEADS_TO_COMMAND.has(literal);
      } else if (literal === '==' && (commandWord === '[' || commandWord === 'test')) {
        this.scan.doubleEquals = true;
      }
    }
    return i;
  }

  private commandWord(w: string): void {
    if (BASH_COMMANDS.has(w)) this.found('bash', w);
    else if (RESERVED.has(w) || BUILTINS.has(w)) this.found('sh', w);
    this.scan.commandWords.push(w);
  }

  /** An operator at `i`; returns the index after it (and after anything it encloses). */
  private operator(op: string, i: number, atCommand: boolean): number {
    const s = this.s;
    const after = i + op.length;
    if (op === '(' && atCommand && s[after] === '(') {
      this.found('bash', '((');
      return this.balanced(after + 1, '(', ')');
    }
    if (op === '<(' || op === '>(') {
      this.found('bash', op);
      return this.closeParen(this.commands(after, true));
    }
    if ((op === '>&' || op === '<&') && !/^[ \t]*(\d+|-)(?![^ \t\n;&|<>()])/.test(s.slice(after))) {
      // `>& file` is bash's "both streams"; dash only knows `>&FD` and calls the rest a bad fd
      this.found('bash', `${op} file`);
      return after;
    }
    this.found(BASH_OPERATORS.has(op) ? 'bash' : 'sh', op);
    return after;
  }

  private closeParen(i: number): number {
    return i < this.s.length ? i + 1 : i;
  }

  /** Skip to just after the `close` that balances an already opened `open`. */
  private balanced(i: number, open: string, close: string): number {
    let depth = 1;
    for (; i < this.s.length && depth > 0; i++) {
      if (this.s[i] === open) depth++;
      else if (this.s[i] === close) depth--;
    }
    return i;
  }

  /**
   * One word from `i`. `literal` is its text after quote removal, or undefined
   * when it holds an expansion (its value is only known when it runs).
   */
  private word(i: number): { end: number; literal: string | undefined } {
    const s = this.s;
    let out = '';
    let literal = true;
    if (s[i] === '~') this.found('sh', '~');
    while (i < s.length && (!WORD_END.has(s[i]!) || this.gluedAmpersand(i))) {
      const c = s[i]!;
      if (c === '\\') {
        out += s[i + 1] ?? '';
        i += 2;
      } else if (c === "'") {
        const close = s.indexOf("'", i + 1);
        const end = close < 0 ? s.length : close;
        out += s.slice(i + 1, end);
        i = end + 1;
      } else if (c === '"') {
        i = this.doubleQuoted(i + 1, (t) => (out += t), () => (literal = false));
      } else if (c === '$' || c === '`') {
        const next = this.expansion(i);
        if (next === i + 1 && c === '$') out += '$';
        else literal = false;
        i = next;
      } else {
        if (c === '{' && this.braceExpansion(i)) this.found('bash', '{a,b}');
        out += c;
        i++;
      }
    }
    return { end: i, literal: literal ? out : undefined };
  }

  /** Inside "…" from `i`; returns the index after the closing quote. */
  private doubleQuoted(i: number, text: (t: string) => void, expanded: () => void): number {
    const s = this.s;
    while (i < s.length && s[i] !== '"') {
      const c = s[i]!;
      if (c === '\\' && i + 1 < s.length) {
        text('$`"\\\n'.includes(s[i + 1]!) ? s[i + 1]! : `\\${s[i + 1]}`);
        i += 2;
      } else if (c === '$' || c === '`') {
        const next = this.expansion(i);
        if (next === i + 1 && c === '$') text('$');
        else expanded();
        i = next;
      } else {
        text(c);
        i++;
      }
    }
    return i + 1;
  }

  /** A `$…` or `` `…` `` at `i`; returns the index after it (i + 1 when a lone `$` is literal). */
  private expansion(i: number): number {
    const s = this.s;
    if (s[i] === '`') {
      this.found('sh', '`');
      let j = i + 1;
      while (j < s.length && s[j] !== '`') j += s[j] === '\\' ? 2 : 1;
      scanShell(s.slice(i + 1, j).replace(/\\([`$\\])/g, '$1'), this.scan);
      return j + 1;
    }
    const next = s[i + 1];
    if (next === "'") {
      this.found('bash', "$'…'");
      let j = i + 2;
      while (j < s.length && s[j] !== "'") j += s[j] === '\\' ? 2 : 1;
      return j + 1;
    }
    if (next === '(' && s[i + 2] === '(') {
      this.found('sh', '$((');
      return this.balanced(i + 3, '(', ')') + 1;
    }
    if (next === '(') {
      this.found('sh', '$(');
      return this.closeParen(this.commands(i + 2, true));
    }
    if (next === '{') {
      const end = this.balanced(i + 2, '{', '}');
      this.parameter(s.slice(i + 2, end - 1));
      return end;
    }
    const name = /^([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(s.slice(i + 1));
    if (!name) return i + 1;
    this.found('sh', `$${name[0]}`);
    return i + 1 + name[0].length;
  }

  /** `${…}`: POSIX knows `${x}`, `${#x}` and `${x:-w}`-style operators; bash adds more. */
  private parameter(body: string): void {
    const m = /^#?([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(.*)$/s.exec(body);
    const rest = m?.[2] ?? '';
    const posix = m !== null && (rest === '' || /^(:?[-=?+]|%%?|##?)/.test(rest));
    this.found(posix ? 'sh' : 'bash', `\${${body}}`);
  }

  /**
   * A `&` with word characters on both sides (`status?a=1&b=2`) is part of a
   * URL, which keepalived passes whole; a background job has a blank after it.
   */
  private gluedAmpersand(i: number): boolean {
    const s = this.s;
    return s[i] === '&' && i > 0 && i + 1 < s.length && !WORD_END.has(s[i - 1]!) && !WORD_END.has(s[i + 1]!);
  }

  /** `{a,b}` or `{1..3}` starting at `i`, unquoted and without blanks. */
  private braceExpansion(i: number): boolean {
    return this.s[i] === '{' && /^\{[^\s{}'"$`;&|<>()\\]*(,|\.\.)[^\s{}'"$`;&|<>()\\]*\}/.test(this.s.slice(i));
  }
}
