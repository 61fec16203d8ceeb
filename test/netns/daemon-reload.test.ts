// Reload and respawn without a flap, in the lab: r1 (priority 150, MASTER of
// VI_1 and VI_2) and r2 (priority 100), each tskad's supervisor with its VRRP
// child. A HUP with the same configuration removes no VIP (`ip monitor
// address`), leaves no gap in r1's adverts as r2's capture sees them, and
// makes no transition; a HUP that edits VI_1's VIP list changes exactly those
// addresses; a broken configuration is refused with its file:line and the
// old one runs on; a HUP removing VI_2 releases its VIP with a priority-0
// advert; kill -9 of r1's VRRP child gets it respawned as MASTER, the VIPs
// never leave and r2 stays BACKUP (issue 4).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { requireTools } from '../../src/lab/command.js';
import { createLab, type Lab } from '../../src/lab/topology.js';
import type { Daemon } from '../../src/lab/daemon.js';
import type { LabProcess, LogLine } from '../../src/lab/process.js';
import { watchAdverts, type AdvertWatch, type SeenAdvert } from '../../src/lab/adverts.js';
import { renderConfig } from '../../src/lab/config-template.js';
import { readPid, startTskad, statusJson } from './daemon-lab.js';

/** s; 2, so that a respawn on a loaded machine (tsx compiles the child's modules as it starts) stays within the resume window (2 intervals) */
const ADVERT_INT = 2;
/** the lab's bar for an advert period against advert_int, with room for a loaded CI machine */
const SLACK_MS = 150;
const VIP_A = '192.0.2.210';
const VIP_B = '192.0.2.211';
const VIP_C = '192.0.2.212';
const VIP_D = '192.0.2.220';

const config = (router: string, priority: number, vi1: readonly string[], withVi2 = true): string =>
  renderConfig({
    routerId: `reload-${router}`,
    instances: [
      { name: 'VI_1', interface: 'eth0', virtualRouterId: 91, priority, advertInt: ADVERT_INT, vips: vi1.map((v) => `${v}/24`) },
      ...(withVi2 ? [{ name: 'VI_2', interface: 'eth0', virtualRouterId: 92, priority, advertInt: ADVERT_INT, vips: [`${VIP_D}/24`] }] : []),
    ],
  });

/** The next line matching `pattern` printed from now on. */
function nextLine(p: LabProcess, pattern: RegExp, timeoutMs: number): Promise<LogLine> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = p.onLine((l) => {
      if (!pattern.test(l.text)) return;
      clearTimeout(timer);
      stop();
      resolve(l);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TRANSITION = /Entering (MASTER|BACKUP|FAULT) STATE/;

describe('tskad reload (HUP) and respawn without a flap', () => {
  let lab: Lab;
  let adverts: AdvertWatch;
  let monitor: LabProcess;
  let r1: Daemon;
  let r2: Daemon;
  const r1Source = () => lab.node('r1').links[0]!.ipv4;
  const fromR1 = (vrid: number) => (a: SeenAdvert) => a.vrid === vrid && a.source === r1Source();
  /** the addresses `ip monitor address` saw deleted on r1 since `from` */
  const deletedSince = (from: number) => monitor.lines.filter((l) => l.at >= from && /^Deleted /.test(l.text)).map((l) => l.text);
  const addedSince = (from: number) => monitor.lines.filter((l) => l.at >= from && !/^Deleted /.test(l.text) && /inet /.test(l.text)).map((l) => l.text);
  const transitionsSince = (d: Daemon, from: number) => d.process.lines.filter((l) => l.at >= from && TRANSITION.test(l.text)).map((l) => l.text);
  /** the longest interval between r1's adverts of `vrid` in [from, to] */
  const longestGap = (vrid: number, from: number, to: number) => {
    const at = adverts.adverts.filter((a) => fromR1(vrid)(a) && a.at >= from && a.at <= to).map((a) => a.at);
    return Math.max(...at.slice(1).map((t, k) => t - at[k]!));
  };
  /** HUP to the supervisor; resolves when the VRRP child has applied or refused the new configuration */
  const hup = async (d: Daemon, applied = true) => {
    const done = nextLine(d.process, applied ? /Reload complete/ : /Reload failed/, 15_000);
    process.kill(d.process.pid, 'SIGHUP');
    return done;
  };

  before(async () => {
    requireTools({ ip: 'iproute2', tcpdump: 'tcpdump' });
    lab = await createLab({ routers: 2, ipv6: false });
    adverts = await watchAdverts(lab);
    monitor = lab.spawn('r1', ['ip', 'monitor', 'address']);
    const on = await lab.watchAddress('r1', VIP_D, true, 20_000);
    r1 = startTskad(lab, 'r1', config('r1', 150, [VIP_A, VIP_C]));
    r2 = startTskad(lab, 'r2', config('r2', 100, [VIP_A, VIP_C]));
    await on.at;
    await r2.process.waitForLine(/Startup complete/, 20_000);
    await lab.waitForAddress('r1', VIP_A, true, 20_000);
    // r2 has heard r1 and is BACKUP of both
    await adverts.next(fromR1(91), 5000);
  });
  after(async () => {
    monitor?.killTree();
    await lab?.destroy();
  });

  test('HUP with the same configuration: no VIP removed, no advert gap, no transition', async (t) => {
    const from = Date.now();
    await sleep(ADVERT_INT * 1000);
    const hupAt = Date.now();
    await hup(r1);
    await sleep(2 * ADVERT_INT * 1000 + 500);
    const to = Date.now();
    const gap = Math.max(longestGap(91, from, to), longestGap(92, from, to));
    t.diagnostic(`longest interval between r1's adverts around the reload: ${gap.toFixed(1)} ms (advert_int ${ADVERT_INT * 1000} ms)`);
    assert.deepEqual(deletedSince(from), [], 'ip monitor address saw no VIP removed');
    assert.ok(gap <= ADVERT_INT * 1000 + SLACK_MS, `r1's adverts kept their period: ${gap.toFixed(1)} ms`);
    assert.deepEqual(transitionsSince(r1, hupAt), []);
    assert.deepEqual(transitionsSince(r2, hupAt), []);
    assert.ok(r1.process.lines.some((l) => l.at >= hupAt && /READY|Reload finished/.test(l.text)), 'the supervisor saw the child reload');
  });

  test('HUP adding one VIP and removing another: exactly those change', async () => {
    const from = Date.now();
    // the backup first, so it checks r1's adverts against the new list as soon as r1 sends it
    writeFileSync(r2.files.conf, config('r2', 100, [VIP_A, VIP_B]));
    await hup(r2);
    const added = await lab.watchAddress('r1', VIP_B, true, 10_000);
    const removed = await lab.watchAddress('r1', VIP_C, false, 10_000);
    writeFileSync(r1.files.conf, config('r1', 150, [VIP_A, VIP_B]));
    await hup(r1);
    await added.at;
    await removed.at;
    await sleep(ADVERT_INT * 1000);
    assert.deepEqual(
      deletedSince(from).map((l) => /inet (\S+)\//.exec(l)?.[1]),
      [VIP_C],
    );
    assert.deepEqual(
      addedSince(from).map((l) => /inet (\S+)\//.exec(l)?.[1]),
      [VIP_B],
    );
    assert.ok(await lab.holds('r1', VIP_A));
    assert.deepEqual(transitionsSince(r1, from), []);
    assert.deepEqual(transitionsSince(r2, from), []);
    const last = adverts.last(fromR1(91))!;
    assert.deepEqual([...last.addresses].sort(), [VIP_A, VIP_B].sort(), "r1's adverts carry the new list");
  });

  test('HUP with a broken configuration: its errors are logged with file:line, the old configuration runs on', async () => {
    const from = Date.now();
    writeFileSync(r1.files.conf, `${config('r1', 150, [VIP_A, VIP_B])}vrrp_instance VI_3 {\n    interface eth0\n    virtual_router_id 300\n}\n`);
    const refused = nextLine(r1.process, /Reload failed/, 10_000);
    process.kill(r1.process.pid, 'SIGHUP');
    await refused;
    const errors = r1.process.lines.filter((l) => l.at >= from && l.text.includes(r1.files.conf)).map((l) => l.text);
    assert.ok(errors.some((e) => new RegExp(`${r1.files.conf}:\\d+`).test(e)), `an error with file:line: ${errors.join(' | ')}`);
    await sleep(ADVERT_INT * 1000 + 500);
    assert.ok(await lab.holds('r1', VIP_B));
    assert.deepEqual(deletedSince(from), []);
    assert.deepEqual(transitionsSince(r1, from), []);
    assert.ok(adverts.last(fromR1(91))!.at >= Date.now() - ADVERT_INT * 1000 - SLACK_MS, 'r1 still advertises');
    writeFileSync(r1.files.conf, config('r1', 150, [VIP_A, VIP_B]));
  });

  test('HUP removing an instance: its VIP is released with a priority-0 advert; the other instance goes on', async () => {
    const from = Date.now();
    writeFileSync(r2.files.conf, config('r2', 100, [VIP_A, VIP_B], false));
    await hup(r2);
    const released = await lab.watchAddress('r1', VIP_D, false, 10_000);
    const zero = adverts.next((a) => fromR1(92)(a) && a.priority === 0, 10_000);
    writeFileSync(r1.files.conf, config('r1', 150, [VIP_A, VIP_B], false));
    await hup(r1);
    await released.at;
    await zero;
    await sleep(ADVERT_INT * 1000);
    assert.ok(await lab.holds('r1', VIP_A));
    assert.ok(!(await lab.holds('r2', VIP_D)), 'nobody took VI_2 over: r2 removed it as well');
    assert.deepEqual(deletedSince(from).map((l) => /inet (\S+)\//.exec(l)?.[1]), [VIP_D]);
    assert.deepEqual((await statusJson(r1.files)).vrrp.map((i) => [i.name, i.state]), [['VI_1', 'MASTER']]);
  });

  test("kill -9 of the MASTER's VRRP child: respawned as MASTER, the VIPs stay, r2 stays BACKUP", async (t) => {
    const from = Date.now();
    const child = readPid(r1.files.vrrpPidFile);
    await adverts.next(fromR1(91), 5000);
    process.kill(child, 'SIGKILL');
    const killedAt = Date.now();
    const resumed = await nextLine(r1.process, /\(VI_1\) resuming MASTER/, 15_000);
    const firstAdvert = await adverts.next(fromR1(91), 10_000);
    const before = adverts.adverts.filter((a) => fromR1(91)(a) && a.at < killedAt).at(-1)!;
    await sleep(ADVERT_INT * 1000 * 2);
    t.diagnostic(`${resumed.text}; r1's adverts paused ${(firstAdvert.at - before.at).toFixed(0)} ms`);
    assert.deepEqual(deletedSince(from), [], 'the VIPs never left r1');
    assert.ok(await lab.holds('r1', VIP_A));
    assert.ok(await lab.holds('r1', VIP_B));
    assert.ok(!(await lab.holds('r2', VIP_A)), 'r2 never took over');
    assert.deepEqual(transitionsSince(r2, from), [], 'r2 stayed BACKUP');
    assert.ok(firstAdvert.at - before.at < 3 * ADVERT_INT * 1000, "r1 advertised again within r2's Master_Down_Interval");
    assert.notEqual(readPid(r1.files.vrrpPidFile), child);
    assert.equal((await statusJson(r1.files)).vrrp[0]!.state, 'MASTER');
  });
});
