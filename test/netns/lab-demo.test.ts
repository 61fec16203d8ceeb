// `tskad lab` end to end, with keepalived as the daemon (tskad's daemon does
// not run yet): the shipped NFS pair elects node A, the client pings the VIP,
// the failover is timed within 50 ms of the protocol's interval for a crash
// and for a clean stop, the master preempts back, and nothing is left.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { listNamespaces } from '../../src/lab/namespaces.js';
import { requireTools } from '../../src/lab/command.js';
import { runLabDemo } from '../../src/lab/demo.js';
import { repoPath } from '../helpers/repo.js';

const TOLERANCE_S = 0.05;
const ourNamespaces = (): string[] => listNamespaces().filter((ns) => ns.startsWith(`tskad-lab-${process.pid}-`));

describe('tskad lab demo', () => {
  for (const stop of ['SIGKILL', 'SIGTERM'] as const) {
    test(`the NFS example pair under keepalived, the master stopped with ${stop}`, async (t) => {
      requireTools({ keepalived: 'keepalived' });
      const lines: string[] = [];
      const report = await runLabDemo({
        daemon: 'keepalived',
        stop,
        configs: [repoPath('examples/nfs-master.conf'), repoPath('examples/nfs-backup.conf')],
        print: (l) => lines.push(l),
      });
      for (const l of lines) t.diagnostic(l);
      assert.equal(report.vip, '192.0.2.94');
      assert.deepEqual([report.master, report.backup], ['r1', 'r2'], 'priority 100 beats 99');
      assert.ok(report.pingBefore.received && report.pingAfter.received, 'the client reached the VIP before and after');
      // the backup's priority 99: 3 × 1 s + 157/256 s after a crash, 157/256 s after priority 0
      assert.equal(report.failover.expected, stop === 'SIGKILL' ? 3 + 157 / 256 : 157 / 256);
      assert.ok(Math.abs(report.failover.sinceLastAdvert - report.failover.expected) <= TOLERANCE_S, JSON.stringify(report.failover));
      assert.ok(Math.abs(report.failover.seconds - report.failover.expected) <= TOLERANCE_S, JSON.stringify(report.failover));
      assert.ok(report.preemption && report.preemption.seconds >= report.preemption.expected - TOLERANCE_S, JSON.stringify(report.preemption));
      assert.match(lines.join('\n'), /^election \(VI_NFS, VRID 51, VIP 192\.0\.2\.94\):$/m);
      assert.match(lines.join('\n'), /^ {2}r1 is MASTER: 192\.0\.2\.94 is on its eth0; r2 is BACKUP$/m);
      assert.match(lines.at(-1)!, /^cleanup: 4 namespaces/);
      assert.deepEqual(ourNamespaces(), []);
    });
  }
});
