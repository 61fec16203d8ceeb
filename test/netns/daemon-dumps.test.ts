// keepalived's dump files from tskad under its supervisor, on an HA pair in
// the lab: the signals sent by keepalived 2.2.7's numbers (`keepalived
// --signum`: DATA 10, STATS 12, JSON 36, STATS_CLEAR 63) to the supervisor,
// as operators and exporters send them, and the files each writes in
// keepalived's tmp_dir — $TMPDIR here, one per router, so nothing lands in
// the host's /tmp: keepalived.data (and the supervisor's own
// keepalived_parent.data), keepalived.stats, keepalived.json with
// keepalived's state numbers and stats names, and the counters cleared.
// `tskad status --json` on the BACKUP names the master and lists what each
// instance tracks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireTools } from '../../src/lab/command.js';
import type { Daemon } from '../../src/lab/daemon.js';
import { createLab, type Lab } from '../../src/lab/topology.js';
import type { StatusSnapshot } from '../../src/observe/status.js';
import { readPid, startTskad, statusJson } from './daemon-lab.js';

/** keepalived 2.2.7's numbers (keepalived --signum=NAME) */
const SIGNUM = { DATA: 10, STATS: 12, JSON: 36, STATS_CLEAR: 63 } as const;
/** the stats object of keepalived.json, in keepalived's order */
const KEEPALIVED_STATS = ['advert_rcvd', 'advert_sent', 'become_master', 'release_master', 'packet_len_err', 'advert_interval_err', 'ip_ttl_err', 'invalid_type_rcvd', 'addr_list_err', 'invalid_authtype', 'authtype_mismatch', 'auth_failure', 'pri_zero_rcvd', 'pri_zero_sent'];

const VIP_1 = '192.0.2.61';
const VIP_2 = '198.51.100.62';

/** r1 (host 11) MASTER at 150, r2 (host 12) BACKUP at 100: VI_1 multicast in sync group G1, VI_2 unicast. */
function config(host: 11 | 12, flag: string): string {
  const peer = host === 11 ? 12 : 11;
  return `global_defs {
    router_id dumps-r${host - 10}
}
vrrp_script chk_ok {
    script "/bin/true"
    interval 1
}
track_file tf_flag {
    file "${flag}"
    weight 0
}
vrrp_sync_group G1 {
    group {
        VI_1
    }
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 61
    priority ${host === 11 ? 150 : 100}
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass dumps
    }
    virtual_ipaddress {
        ${VIP_1}/24
    }
    track_interface {
        eth1
    }
    track_script {
        chk_ok
    }
    track_file {
        tf_flag
    }
}
vrrp_instance VI_2 {
    state BACKUP
    interface eth1
    virtual_router_id 62
    priority ${host === 11 ? 150 : 100}
    advert_int 1
    unicast_src_ip 198.51.100.${host}
    unicast_peer {
        198.51.100.${peer}
    }
    virtual_ipaddress {
        ${VIP_2}/24
    }
}
`;
}

/** Waits until `done()` holds, polling, for at most `ms`. */
async function eventually(done: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; !done() && Date.now() < end; ) await sleep(50);
  return done();
}

interface KeepalivedJson {
  data: Record<string, unknown> & { iname: string; state: number; master_priority: number; vips?: string[]; track_ifp?: string[]; track_script?: string[] };
  stats: Record<string, number>;
}

describe('keepalived dump files and the status of an HA pair', () => {
  let lab: Lab;
  const routers: Record<'r1' | 'r2', { daemon: Daemon; tmp: string }> = {} as never;

  /** Sends keepalived's signal number to the router's supervisor; resolves with the file it wrote, written anew. */
  async function dump(router: 'r1' | 'r2', signal: keyof typeof SIGNUM, file: string): Promise<string> {
    const { daemon, tmp } = routers[router];
    const path = join(tmp, file);
    rmSync(path, { force: true });
    process.kill(daemon.process.pid, SIGNUM[signal]);
    assert.ok(await eventually(() => existsSync(path), 5000), `${router}: ${file} written after ${signal}`);
    assert.equal(statSync(path).mode & 0o022, 0, 'writable by root alone');
    return readFileSync(path, 'utf8');
  }

  const json = async (router: 'r1' | 'r2'): Promise<KeepalivedJson[]> => JSON.parse(await dump(router, 'JSON', 'keepalived.json')) as KeepalivedJson[];

  before(async () => {
    requireTools({ ip: 'iproute2' });
    lab = await createLab({ routers: 2, segments: 2, ipv6: false });
    for (const [name, host] of [['r1', 11], ['r2', 12]] as const) {
      const tmp = join(lab.dir, `${name}-tmp`);
      mkdirSync(tmp);
      const flag = join(lab.dir, `${name}-flag`);
      writeFileSync(flag, '0\n');
      routers[name] = { daemon: startTskad(lab, name, config(host, flag), { env: { TMPDIR: tmp } }), tmp };
    }
    await lab.waitForAddress('r1', VIP_1, true, 20_000);
    await lab.waitForAddress('r1', VIP_2, true, 20_000);
  });
  after(async () => {
    await lab?.destroy();
  });

  test('DATA: the VRRP process writes keepalived.data, the supervisor keepalived_parent.data', async () => {
    const data = (await dump('r1', 'DATA', 'keepalived.data')).split('\n');
    for (const line of ['------< VRRP Topology >------', ' VRRP Instance = VI_1', '   Sync group = G1', '   State = MASTER', `     ${VIP_1}/24 dev eth0 scope global set`, '     eth1 weight 0', '     chk_ok weight 0', '     tf_flag, weight 0', ' VRRP Instance = VI_2', '     198.51.100.12 min_ttl 0 max_ttl 255', ' VRRP Sync Group = G1, MASTER']) {
      assert.ok(data.includes(line), `keepalived.data has ${JSON.stringify(line)}:\n${data.join('\n')}`);
    }
    const parent = join(routers.r1.tmp, 'keepalived_parent.data');
    assert.ok(await eventually(() => existsSync(parent), 5000), 'keepalived_parent.data written by the supervisor');
    assert.match(readFileSync(parent, 'utf8'), /^------< Global definitions >------\n Network namespace = \(default\)\n Router ID = dumps-r1\n/);
  });

  test("JSON: keepalived's shape — state numbers, stats names, the BACKUP's master priority", async () => {
    const master = await json('r1');
    assert.deepEqual(master.map((i) => i.data.iname), ['VI_1', 'VI_2']);
    assert.deepEqual(master.map((i) => i.data.state), [2, 2], 'both MASTER');
    for (const i of master) assert.deepEqual(Object.keys(i.stats), KEEPALIVED_STATS);
    assert.ok(master[0]!.stats.advert_sent! > 0 && master[0]!.stats.become_master === 1);
    assert.deepEqual(master[0]!.data.vips, [`${VIP_1}/24 dev eth0 scope global set`]);
    assert.deepEqual(master[0]!.data.track_ifp, ['eth1']);
    assert.equal(master[0]!.data.auth_data, 'dumps');
    const backup = await json('r2');
    assert.deepEqual(backup.map((i) => i.data.state), [1, 1], 'both BACKUP');
    assert.deepEqual(backup.map((i) => i.data.master_priority), [150, 150]);
    assert.ok(backup[0]!.stats.advert_rcvd! > 0);
  });

  test('STATS, then STATS_CLEAR: the counts, then every counter back to zero', async () => {
    const stats = await dump('r1', 'STATS', 'keepalived.stats');
    assert.match(stats, /^VRRP Instance: VI_1\n {2}Advertisements:\n {4}Received: \d+\n {4}Sent: [1-9]\d*\n {2}Became master: 1\n/);
    assert.match(stats, /\nVRRP Instance: VI_2\n/);
    const cleared = await dump('r1', 'STATS_CLEAR', 'keepalived.stats');
    assert.match(cleared, /^VRRP Instance: VI_1\n {2}Advertisements:\n {4}Received: \d+\n {4}Sent: [1-9]\d*\n {2}Became master: 1\n/, 'the counts before clearing');
    const after = await dump('r1', 'STATS', 'keepalived.stats');
    assert.match(after, /^VRRP Instance: VI_1\n {2}Advertisements:\n {4}Received: 0\n {4}Sent: [0-3]\n {2}Became master: 0\n/, 'cleared: only the adverts sent since');
    const status = (await statusJson(routers.r1.daemon.files)) as unknown as StatusSnapshot;
    assert.ok(status.vrrp[0]!.stats.advert_sent <= 5 && status.vrrp[0]!.stats.become_master === 0, 'tskad status shows the cleared counters');
  });

  test('tskad status --json: the BACKUP names its master; every tracked interface, script and file is listed', async () => {
    const backup = (await statusJson(routers.r2.daemon.files)) as unknown as StatusSnapshot;
    const [vi1, vi2] = backup.vrrp;
    assert.equal(vi1!.state, 'BACKUP');
    assert.equal(vi1!.master, '192.0.2.11');
    assert.equal(vi2!.master, '198.51.100.11');
    const tracked = vi1!.tracked.map((t) => `${t.kind} ${t.name} ${t.up ? 'up' : 'down'} ${t.weight}`).sort();
    assert.deepEqual(tracked, ['file tf_flag up 0', 'interface eth0 up 0', 'interface eth1 up 0', 'script chk_ok up 0']);
    const master = (await statusJson(routers.r1.daemon.files)) as unknown as StatusSnapshot;
    assert.equal(master.vrrp[0]!.master, '192.0.2.11', "the MASTER's own address");
  });

  test('a signal to dump moves no VIP and ends no process', async () => {
    assert.ok(await lab.holds('r1', VIP_1));
    assert.ok(await lab.holds('r1', VIP_2));
    assert.ok(!(await lab.holds('r2', VIP_1)));
    for (const r of ['r1', 'r2'] as const) {
      const { daemon } = routers[r];
      assert.ok(daemon.process.running(), `${r}: the supervisor runs`);
      assert.ok(existsSync(`/proc/${readPid(daemon.files.vrrpPidFile)}`), `${r}: its VRRP process runs`);
    }
  });
});
