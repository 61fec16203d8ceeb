// A lab leaves nothing behind however its process ends: destroy() after a
// failing step, a build that fails half-way, Ctrl-C (SIGINT), SIGTERM; and a
// run killed outright (SIGKILL), which cannot clean up, is swept by the next
// lab of the same prefix.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { requireTools } from '../../src/lab/command.js';
import { createLab } from '../../src/lab/topology.js';
import { listNamespaces, sweepLeftovers } from '../../src/lab/namespaces.js';
import { finished } from '../../src/lab/process.js';
import { nodeScript } from '../interop/node-script.js';

interface MadeLab {
  readonly namespaces: readonly string[];
  readonly pids: readonly number[];
  readonly dir: string;
}

interface Child {
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** the child's one JSON line */
  readonly report: Partial<MadeLab> & { error?: string };
}

/** Runs lab-child.ts with this prefix until it has printed its line. */
async function startChild(prefix: string, env: NodeJS.ProcessEnv = process.env): Promise<Child> {
  const [cmd, ...args] = nodeScript(import.meta.url, 'lab-child');
  const child = spawn(cmd, [...args, prefix], { stdio: ['ignore', 'pipe', 'inherit'], env });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    rl.once('close', () => reject(new Error('lab-child printed nothing')));
  });
  return { pid: child.pid!, exited, report: JSON.parse(line) };
}

/** Nothing of the lab remains: namespaces, processes, temp dir. */
function assertGone(lab: MadeLab): void {
  const present = new Set(listNamespaces());
  assert.deepEqual(lab.namespaces.filter((ns) => present.has(ns)), [], 'namespaces left');
  assert.deepEqual(lab.pids.filter((p) => !finished(p)), [], 'processes left');
  assert.equal(existsSync(lab.dir), false, 'temp dir left');
}

/** What a child of this prefix still has: its namespaces and temp dirs. */
const leftOf = (prefix: string, pid: number): string[] =>
  [...listNamespaces(), ...readdirSync(tmpdir())].filter((n) => n.startsWith(`${prefix}-${pid}-`));

/** Each test its own prefix, so what one leaves cannot be taken for another's. */
const prefixFor = (what: string): string => `tskad-lab${what}`;

describe('lab cleanup', () => {
  test('destroy() after a step that throws removes every namespace, process and the temp dir', async () => {
    requireTools({ ip: 'iproute2' });
    const lab = await createLab({ routers: 2 });
    let made: MadeLab | undefined;
    try {
      await assert.rejects(
        (async () => {
          const sleeper = lab.spawn('client', ['sleep', '600']);
          made = { namespaces: lab.namespaces, pids: [sleeper.pid], dir: lab.dir };
          assert.equal(lab.namespaces.length, 4);
          assert.deepEqual(lab.namespaces.filter((ns) => !listNamespaces().includes(ns)), []);
          throw new Error('a failing step');
        })(),
        /a failing step/,
      );
    } finally {
      await lab.destroy();
    }
    assertGone(made!);
    await lab.destroy(); // a second time is harmless
  });

  test('a build that fails half-way removes what it had made', async () => {
    requireTools({ ip: 'iproute2' });
    // an `ip` that fails once the client's link is being made, after the switch and routers exist
    const bin = mkdtempSync(join(tmpdir(), 'tskad-lab-fakeip-'));
    try {
      const realIp = execFileSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' }).trim();
      writeFileSync(join(bin, 'ip'), `#!/bin/sh\ncase "$*" in *client-eth0*) echo "injected failure" >&2; exit 1;; esac\nexec ${realIp} "$@"\n`);
      chmodSync(join(bin, 'ip'), 0o755);
      const prefix = prefixFor('fail');
      const child = await startChild(prefix, { ...process.env, PATH: `${bin}:${process.env.PATH}` });
      assert.equal((await child.exited).code, 1);
      assert.match(child.report.error ?? '', /client-eth0.*injected failure/);
      assert.deepEqual(leftOf(prefix, child.pid), []);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} (${signal === 'SIGINT' ? 'Ctrl-C' : 'kill'}) removes the lab, and the process still dies of it`, async () => {
      requireTools({ ip: 'iproute2' });
      const child = await startChild(prefixFor(signal.toLowerCase()));
      const made = child.report as MadeLab;
      assert.equal(made.namespaces.filter((ns) => listNamespaces().includes(ns)).length, 4);
      assert.equal(finished(made.pids[0]!), false);
      process.kill(child.pid, signal);
      assert.deepEqual(await child.exited, { code: null, signal });
      assertGone(made);
    });
  }

  test('the leftovers of a SIGKILLed run are swept by the next lab of its prefix', async () => {
    requireTools({ ip: 'iproute2' });
    const prefix = prefixFor('kill');
    const child = await startChild(prefix);
    const made = child.report as MadeLab;
    process.kill(child.pid, 'SIGKILL');
    await child.exited;
    // it could not clean up: everything is still there, its sleep still running
    assert.equal(leftOf(prefix, child.pid).length, 5);
    assert.equal(finished(made.pids[0]!), false);
    const lab = await createLab({ prefix, routers: 1 });
    try {
      assertGone(made);
      assert.deepEqual(leftOf(prefix, child.pid), []);
    } finally {
      await lab.destroy();
    }
    assert.deepEqual(sweepLeftovers(prefix), []);
  });
});
