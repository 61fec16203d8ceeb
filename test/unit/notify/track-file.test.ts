// track_file values and their effect on an instance, as keepalived 2.2.7
// reads and applies them (strtol base 0; weight 0 = FAULT on non-zero;
// value × weight, FAULT at -254 and below, at most +253).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileContribution, filesResult, parseTrackValue } from '../../../src/notify/track-file.js';

test('values are read as strtol(text, NULL, 0) reads them', () => {
  const cases: Array<[string, number | undefined]> = [
    ['', 0],
    ['\n', 0],
    ['5\n', 5],
    ['  -7 apples', -7],
    ['+3', 3],
    ['0x1f', 31],
    ['010', 8],
    ['08', 0],
    ['0x', 0],
    ['abc', 0],
    ['-', 0],
    ['2147483648', 2147483648],
    ['2147483649', undefined],
    ['-2147483648', -2147483648],
    ['-2147483649', undefined],
    ['99999999999999999999999', undefined],
  ];
  for (const [text, value] of cases) assert.equal(parseTrackValue(text), value, JSON.stringify(text));
});

test('weight 0: a non-zero value is a FAULT; reverse: a zero value is', () => {
  assert.deepEqual(fileContribution({ weight: 0, reverse: false }, 0), { weight: 0, fault: false });
  assert.deepEqual(fileContribution({ weight: 0, reverse: false }, 3), { weight: 0, fault: true });
  assert.deepEqual(fileContribution({ weight: 0, reverse: true }, 0), { weight: 0, fault: true });
  assert.deepEqual(fileContribution({ weight: 0, reverse: true }, -1), { weight: 0, fault: false });
});

test('otherwise value × weight is added, at most 253; -254 and below is a FAULT', () => {
  assert.deepEqual(fileContribution({ weight: 1, reverse: false }, -20), { weight: -20, fault: false });
  assert.deepEqual(fileContribution({ weight: -10, reverse: false }, 2), { weight: -20, fault: false });
  assert.deepEqual(fileContribution({ weight: 10, reverse: true }, 2), { weight: -20, fault: false });
  assert.deepEqual(fileContribution({ weight: 100, reverse: false }, 3), { weight: 253, fault: false });
  assert.deepEqual(fileContribution({ weight: 1, reverse: false }, -253), { weight: -253, fault: false });
  assert.deepEqual(fileContribution({ weight: 1, reverse: false }, -254), { weight: 0, fault: true });
  assert.deepEqual(fileContribution({ weight: -254, reverse: false }, 1), { weight: 0, fault: true });
});

test('filesResult sums an instance\'s files', () => {
  const tracked = [
    { name: 'a', weight: 1, reverse: false },
    { name: 'b', weight: 0, reverse: false },
  ];
  const values: Record<string, number> = { a: -15, b: 1 };
  assert.deepEqual(filesResult(tracked, (n) => values[n]!), { weight: -15, faults: ['track_file b'] });
});
