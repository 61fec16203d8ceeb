// What the benchmarks say about the machine they ran on: the CPU time stolen
// by a hypervisor is read from /proc/stat and given as a share of the time since.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuTicks, stolenSince } from '../../../bench/host.js';

test('CPU ticks count up, steal among them, and the stolen share since a reading is a percentage', () => {
  const from = cpuTicks();
  assert.ok(from.total > 0 && from.steal >= 0 && from.steal <= from.total, JSON.stringify(from));
  const until = Date.now() + 30;
  while (Date.now() < until);
  assert.match(stolenSince(from), /^\d{1,3}\.\d%$/);
  assert.ok(cpuTicks().total >= from.total);
});
