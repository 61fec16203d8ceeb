// Script lines: how keepalived splits them into argv (checked against
// keepalived 2.2.7 in a network namespace), and which lines tskad runs
// through a shell instead, with the argv it spawns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { classifyScript, scriptArgv, scriptPrograms, splitScriptWords, type ScriptRunner } from '../../../src/config/script.js';

// [line, runner, the construct that decides]
const TABLE: ReadonlyArray<readonly [string, ScriptRunner, string?]> = [
  // the seed lines of the issue
  ['[[ -f /etc/keepalived/down ]] && exit 1 || exit 0', 'bash', '[['],
  ['[ -f /etc/keepalived/down ] && exit 1 || exit 0', 'sh', '&&'],
  ['killall -0 nginx &> /dev/null', 'bash', '&>'],
  ['killall -0 nginx', 'exec'],
  ['curl -s http://192.0.2.100 | grep 192 &> /dev/null', 'bash', '&>'],
  ['/etc/keepalived/notify.sh master', 'exec'],
  // quoting hides operators, as it does from keepalived's own splitter
  ["/bin/x 'a b' c", 'exec'],
  ["grep 'a|b' /var/log/x", 'exec'],
  ["echo '$HOME'", 'exec'],
  // globs stay literal: in script lines they are regexes and URLs
  ['pgrep -f nginx.*master', 'exec'],
  ['curl http://192.0.2.1/health?full', 'exec'],
  // a & inside a word is a URL's, as keepalived passes it
  ['curl -s http://192.0.2.1/status?a=1&b=2', 'exec'],
  // GNU test (/usr/bin/[) takes ==; only dash's builtin does not
  ['[ a == b ]', 'exec'],
  ['{a}', 'exec'],
  // POSIX shell
  ['echo "$HOME"', 'sh', '$HOME'],
  ['cmd 2>&1', 'sh', '>&'],
  ['cmd > /tmp/out', 'sh', '>'],
  ['a; b', 'sh', ';'],
  ['sleep 1 &', 'sh', '&'],
  ['a &b', 'sh', '&'],
  ['a&&b', 'sh', '&&'],
  ['echo $(cat /x | wc -l)', 'sh', '$('],
  ['echo `date`', 'sh', '`'],
  ['echo $((1+2))', 'sh', '$(('],
  ['echo ${x:-y}', 'sh', '${x:-y}'],
  ['exit 0', 'sh', 'exit'],
  ['if true; then x; fi', 'sh', 'if'],
  ['NAME=1 /usr/bin/env', 'sh', 'NAME='],
  ['~/bin/check', 'sh', '~'],
  ['{ a; b; } > /x', 'sh', '{'],
  ['</etc/keepalived/flag', 'sh', '<'],
  // bash only
  ['cmd >& /dev/null', 'bash', '>& file'],
  ['cmd |& logger', 'bash', '|&'],
  ['cat <<< x', 'bash', '<<<'],
  ['diff <(ls /a) <(ls /b)', 'bash', '<('],
  ['cat /etc/{a,b}.conf', 'bash', '{a,b}'],
  ['seq {1..3}', 'bash', '{a,b}'],
  ['(( 1 > 2 ))', 'bash', '(('],
  ["echo $'a\\tb'", 'bash', "$'…'"],
  ['echo ${x//a/b}', 'bash', '${x//a/b}'],
  ['echo ${x:1:2}', 'bash', '${x:1:2}'],
  ['source /etc/default/x; cmd', 'bash', 'source'],
  ['a=(1 2)', 'bash', 'a=(…)'],
  ['a+=x', 'bash', 'a+='],
  ['echo $([[ -f x ]] && echo y)', 'bash', '[['],
  ['echo `[[ -f x ]]`', 'bash', '[['],
  ['[ "$a" == b ] && exit 1', 'bash', '=='],
];

test('classifyScript: exec for plain commands, sh for shell syntax, bash for bash-only syntax', () => {
  for (const [line, runner, syntax] of TABLE) {
    const c = classifyScript(line);
    assert.equal(c.runner, runner, line);
    assert.equal(c.syntax, syntax, line);
    assert.equal(c.reason === undefined, runner === 'exec', line);
  }
});

test('classifyScript: the reason names the construct and, for bash, why not sh', () => {
  assert.equal(classifyScript('a && b').reason, "uses shell syntax '&&'");
  assert.match(classifyScript('[[ -f x ]]').reason!, /'\[\[', which only bash understands .*dash/);
});

test("splitScriptWords: keepalived's second split of the command word", () => {
  // observed with keepalived 2.2.7: script "/x A 'a b' c" → [A] [a b] [c]
  assert.deepEqual(splitScriptWords("/x A 'a b' c").words, ['/x', 'A', 'a b', 'c']);
  assert.deepEqual(splitScriptWords('/x "x y" z\\tq').words, ['/x', 'x y', 'z\tq']);
  // shell syntax reaches the program as arguments
  assert.deepEqual(splitScriptWords('/x a&&b > /tmp/f').words, ['/x', 'a&&b', '>', '/tmp/f']);
  assert.deepEqual(splitScriptWords('/x $HOME *.sh').words, ['/x', '$HOME', '*.sh']);
  // escapes count inside single quotes too, and numeric ones keep 8 bits
  assert.deepEqual(splitScriptWords("'a\\nb' \\x41\\101 \\cA \\E").words, ['a\nb', 'AA', '\x01', '\x1b']);
  assert.deepEqual(splitScriptWords('  a\t\tb  ').words, ['a', 'b']);
  assert.deepEqual(splitScriptWords('a""b \'\'').words, ['ab', '']);
});

test('splitScriptWords: what keepalived refuses (it then ignores the script)', () => {
  assert.equal(splitScriptWords("/x 'a").problem, "it has an unterminated ' quote");
  assert.equal(splitScriptWords('/x a\\').problem, 'it ends in a lone backslash');
  assert.equal(splitScriptWords('/x a').problem, undefined);
});

test('scriptArgv: keepalived\'s argv for exec, the shell for the rest, extra arguments as "$1"…', () => {
  assert.deepEqual(scriptArgv("/etc/keepalived/notify.sh 'a b'", 'exec'), ['/etc/keepalived/notify.sh', 'a b']);
  assert.deepEqual(scriptArgv('/x extra', 'exec', ['INSTANCE', 'VI_1', 'MASTER', '100']), ['/x', 'extra', 'INSTANCE', 'VI_1', 'MASTER', '100']);
  assert.deepEqual(scriptArgv('a && b', 'sh'), ['/bin/sh', '-c', 'a && b']);
  assert.deepEqual(scriptArgv('[[ x ]]', 'bash'), ['/bin/bash', '-c', '[[ x ]]']);
  assert.deepEqual(scriptArgv('a | b', 'sh', ['GROUP', 'G']), ['/bin/sh', '-c', 'a | b', 'sh', 'GROUP', 'G']);
});

test('scriptPrograms: the first word for exec; the shell and absolute command paths for shell lines', () => {
  assert.deepEqual(scriptPrograms("killall -0 'nginx'", 'exec'), ['killall']);
  assert.deepEqual(scriptPrograms('/etc/keepalived/check.sh && /usr/local/bin/other a; exit 0 > /var/x', 'sh'), ['/bin/sh', '/etc/keepalived/check.sh', '/usr/local/bin/other']);
  assert.deepEqual(scriptPrograms('echo $(/opt/x) | /opt/y', 'sh'), ['/bin/sh', '/opt/x', '/opt/y']);
  assert.deepEqual(scriptPrograms('[[ -x /opt/z ]] && "/opt/z"', 'bash'), ['/bin/bash', '/opt/z']);
});

const run = (argv: string[]) => spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });

test('the argv runs as intended on this host', () => {
  // exec: quoted words arrive as one argument each
  assert.equal(run(scriptArgv("/bin/echo 'a  b' c", 'exec')).stdout, 'a  b c\n');
  // `false &> /dev/null` is bash: in dash it would background `false` and succeed
  const line = 'false &> /dev/null';
  assert.equal(classifyScript(line).runner, 'bash');
  assert.equal(run(scriptArgv(line, 'bash')).status, 1);
  assert.equal(run(scriptArgv(line, 'sh')).status, 0, 'dash misreads &>, which is why the line goes to bash');
  // a shell line sees the generic notify arguments as $1…
  assert.equal(run(scriptArgv('echo "$1 $2" | tr a-z A-Z', 'sh', ['instance', 'vi_1'])).stdout, 'INSTANCE VI_1\n');
});

test('property: single-quoted words come back as they were, and never need a shell', () => {
  const word = fc.string({ unit: fc.constantFrom(...'ab &|;<>$`"(){}[]*?~#=!\t'), maxLength: 8 });
  fc.assert(
    fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (ws) => {
      const line = ['/bin/x', ...ws.map((w) => `'${w}'`)].join(' ');
      assert.deepEqual(splitScriptWords(line).words, ['/bin/x', ...ws]);
      assert.equal(classifyScript(line).runner, 'exec');
    }),
  );
});

test('property: any line gets a runner and the argv that runner implies', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(...'a/ \t\n&|;<>$`"\'(){}[]\\=~#!x0'), maxLength: 40 }), (line) => {
      const c = classifyScript(line);
      const argv = scriptArgv(line, c.runner);
      if (c.runner === 'exec') assert.deepEqual(argv, splitScriptWords(line).words);
      else assert.deepEqual(argv, [c.runner === 'sh' ? '/bin/sh' : '/bin/bash', '-c', line]);
      assert.equal(scriptPrograms(line, c.runner)[0], argv[0]);
    }),
  );
});
