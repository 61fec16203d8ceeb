// track_file under tskad, end to end: a file holding a number moves the
// priority by value × weight (init_file writes 0 when it is missing), and at
// or below -254 holds the instance in FAULT (keepalived 2.2.7
// track_file.c); each change is logged with the effective priority before
// and after. The file is rewritten the way operators do it, `echo N > file`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { whileRunning } from '../../src/lab/cluster.js';
import { startDaemon, tskadCommand } from '../../src/lab/daemon.js';
import { useSeedLab } from './seed-lab.js';

const LIMIT_MS = 15_000;

describe('track_file (tskad)', () => {
  const seed = useSeedLab();

  test('the value times the weight moves the priority; far enough down, FAULT; back to 0, back to the base', { timeout: 60_000 }, async () => {
    const { lab } = seed();
    const dir = seed().dir('r1');
    const file = join(dir, 'maint');
    const d = startDaemon(lab, 'r1', {
      command: tskadCommand(),
      config: {
        text: `global_defs {
    router_id track-file-a
}
track_file maint {
    file ${file}
    weight -10
    init_file
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        192.0.2.200/24
    }
    track_file {
        maint
    }
}
`,
      },
    });
    const line = (pattern: RegExp) => whileRunning([d], d.process.waitForLine(pattern, LIMIT_MS));
    await line(/\(VI_1\) Entering BACKUP STATE \(init\)/);
    assert.equal(readFileSync(file, 'utf8'), '0\n', 'init_file wrote 0');

    writeFileSync(file, '2\n');
    await line(/\(VI_1\) track_file maint is now 2: effective priority 100 -> 80 \(weight -20\)$/);
    writeFileSync(file, '26\n');
    await line(/\(VI_1\) Entering FAULT STATE$/);
    await line(/\(VI_1\) track_file maint is now 26: FAULT while it holds this value/);
    // in FAULT the file adds nothing: the priority is the base again (keepalived keeps showing 80 until FAULT ends)
    writeFileSync(file, '0\n');
    await line(/\(VI_1\) track_file maint is now 0: effective priority stays 100$/);
    await line(/\(VI_1\) Entering BACKUP STATE$/);
    await d.stop('SIGTERM');
  });
});
