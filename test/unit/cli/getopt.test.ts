// The argv splitter against keepalived's own getopt_long behaviour: each case
// was run with keepalived 2.2.7 first (see the comments for what it did).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getopt } from '../../../src/cli/getopt.js';
import { FLAGS } from '../../../src/cli/flags.js';

/** Each item as `--long[=value]` or `!message`, and the operands, for compact asserts. */
const split = (...argv: string[]) => {
  const r = getopt(argv, FLAGS);
  return {
    items: r.items.map((i) => (i.kind === 'error' ? `!${i.message}` : i.value === undefined ? `--${i.spec.long}` : `--${i.spec.long}=${i.value}`)),
    operands: r.operands,
  };
};

test('a required argument may be attached or the next word, short or long', () => {
  for (const argv of [['-S', '3'], ['-S3'], ['--log-facility=3'], ['--log-facility', '3']]) {
    assert.deepEqual(split(...argv).items, ['--log-facility=3'], argv.join(' '));
  }
});

test('a required argument takes the next word even when it looks like a flag', () => {
  // keepalived --use-file -t: reads a file named "-t" (and -ft a file named "t")
  assert.deepEqual(split('--use-file', '-t').items, ['--use-file=-t']);
  assert.deepEqual(split('-ft', '-t').items, ['--use-file=t', '--config-test']);
});

test('-t takes its LOG_FILE only when attached: a bare -t never swallows the next word', () => {
  assert.deepEqual(split('-t', '-f', 'x.conf'), { items: ['--config-test', '--use-file=x.conf'], operands: [] });
  assert.deepEqual(split('-t', 'log.txt'), { items: ['--config-test'], operands: ['log.txt'] });
  assert.deepEqual(split('-tlog.txt').items, ['--config-test=log.txt']);
  assert.deepEqual(split('--config-test=log.txt').items, ['--config-test=log.txt']);
  assert.deepEqual(split('--config-test', 'log.txt'), { items: ['--config-test'], operands: ['log.txt'] });
});

test('short flags cluster; an argument-taking letter ends the cluster', () => {
  assert.deepEqual(split('-lnDt').items, ['--log-console', '--dont-fork', '--log-detail', '--config-test']);
  // keepalived -tl writes its log to a file named "l"
  assert.deepEqual(split('-tl').items, ['--config-test=l']);
  assert.deepEqual(split('-lS3').items, ['--log-console', '--log-facility=3']);
});

test('long names may be shortened to a unique prefix; an exact name beats longer ones', () => {
  assert.deepEqual(split('--use=a.conf', '--log-fac=3').items, ['--use-file=a.conf', '--log-facility=3']);
  assert.deepEqual(split('--vrrp').items, ['--vrrp']);
  assert.deepEqual(split('--log').items, ['!Ambiguous option --log (--log-console, --log-detail, --log-facility, --log-file)']);
});

test('unknown flags, missing arguments and arguments to argument-less flags are errors, in place', () => {
  assert.deepEqual(split('-Z', '-v').items, ['!Unknown option -Z', '--version']);
  assert.deepEqual(split('--bogus').items, ['!Unknown option --bogus']);
  assert.deepEqual(split('-t', '-f').items, ['--config-test', '!Missing parameter for option -f']);
  assert.deepEqual(split('--signum').items, ['!Missing parameter for option --signum']);
  assert.deepEqual(split('--vrrp=1').items, ['!Unknown option --vrrp=1']);
});

test('operands may stand anywhere; -- ends the flags; a lone - is an operand', () => {
  assert.deepEqual(split('a', '-l', 'b', '--', '-t', '-'), { items: ['--log-console'], operands: ['a', 'b', '-t', '-'] });
  assert.deepEqual(split('-'), { items: [], operands: ['-'] });
});
