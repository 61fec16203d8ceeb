// keepalived 2.2.7 and tskad on the same configuration, one after the
// other on the same router, as tcpdump reads what they send: for every
// instance the same advert form — version, VRID, priority, authentication
// type and password, interval, length, the VIPs in the same order (RFC 5798
// §5.2.9), TTL or hop limit, TOS, source and destination, a right checksum —
// the same priority-0 advert on a clean stop (§6.4.3), and the same
// announcements of each VIP (gratuitous ARPs, unsolicited NAs: how many, in
// how many bursts). The configuration holds every form a lab router can
// send: VRRPv2 with and without PASS, VRRPv3 over IPv4 and IPv6, unicast
// over both, and the address owner.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireTools, wallClock } from '../../src/lab/command.js';
import type { Lab } from '../../src/lab/topology.js';
import { advertRecords, parseAdvert, type AdvertWatch, type SeenAdvert } from '../../src/lab/adverts.js';
import { parseAnnouncement, type AnnouncementWatch, type SeenAnnouncement } from '../../src/lab/announcements.js';
import type { DaemonKind } from '../../src/lab/daemon.js';
import { createClusterLab, sleepUntil, whileRunning, type Cluster } from '../../src/lab/cluster.js';
import { instanceFacts } from '../../src/lab/instance-facts.js';
import { loadConfig } from '../../src/config/load.js';
import { repoPath } from '../helpers/repo.js';

const WIRE_FORMS = repoPath('test/fixtures/cluster/wire-forms.conf');
const fixtureLines = (name: string): string[] => readFileSync(repoPath(`test/fixtures/cluster/${name}`), 'utf8').split('\n').filter(Boolean);
/** keepalived's default garp_master_delay: the second burst of announcements, s */
const GARP_MASTER_DELAY_S = 5;

// The fixtures: tcpdump on the lab's bridge (the watches' flags, -vv and -e) while keepalived 2.2.7 ran
// wire-forms.conf on r1 for 4.5 s and was stopped with SIGTERM.
describe('reading tcpdump', () => {
  test('keepalived\'s adverts under -vv: IPv4 over two lines, IPv6 on one, each field', () => {
    const adverts: SeenAdvert[] = [];
    const read = advertRecords((a) => adverts.push(a));
    for (const line of fixtureLines('keepalived-2.2.7-wire-forms.tcpdump-vv.txt')) read(line);
    assert.equal(adverts.length, 40);
    const form = ({ at: _at, ...rest }: SeenAdvert) => rest;
    assert.deepEqual(form(adverts.find((a) => a.vrid === 91)!), {
      source: '192.0.2.11',
      destination: '224.0.0.18',
      ttl: 255,
      tos: '0xc0',
      version: 2,
      vrid: 91,
      priority: 100,
      authType: 'simple',
      intervalCs: 100,
      length: 28,
      addresses: ['192.0.2.203', '192.0.2.201', '192.0.2.202'],
      auth: 'wireform',
      badChecksum: false,
    });
    const v6 = adverts.find((a) => a.vrid === 97)!;
    assert.deepEqual([v6.source, v6.destination, v6.ttl, v6.tos, v6.version, v6.intervalCs, v6.addresses, v6.authType], ['2001:db8::11', '2001:db8::12', 64, '0xc0', 3, 50, ['2001:db8::208'], undefined]);
    assert.equal(adverts.filter((a) => a.priority === 0).length, 8, 'one priority-0 advert per instance on SIGTERM');
    assert.equal(adverts[0]!.at, 1795310176553.304);
  });

  test('a bad checksum is reported', () => {
    const a = parseAdvert(
      '1795310156.105660 IP (tos 0xc0, ttl 255, id 1, offset 0, flags [none], proto VRRP (112), length 36) 192.0.2.11 > 224.0.0.18: VRRPv3, Advertisement, vrid 93, prio 100, intvl 50cs, length 16, (bad vrrp cksum 1234), addrs(2): 192.0.2.206,192.0.2.205',
    );
    assert.equal(a?.badChecksum, true);
    assert.deepEqual(a?.addresses, ['192.0.2.206', '192.0.2.205']);
  });

  test('keepalived\'s announcements under -e: gratuitous ARPs and unsolicited NAs, not ordinary ARP or solicited NAs', () => {
    const seen = fixtureLines('keepalived-2.2.7-wire-forms.tcpdump-e.txt').flatMap((l) => parseAnnouncement(l) ?? []);
    assert.equal(seen.length, 65);
    const count = (kind: string) => seen.filter((a) => a.kind === kind).length;
    assert.deepEqual([count('garp'), count('na')], [45, 20]);
    assert.deepEqual(
      [...new Set(seen.filter((a) => a.kind === 'na').map((a) => a.address))].sort(),
      ['2001:db8::205', '2001:db8::206', '2001:db8::208', 'fe80::94'],
    );
    assert.equal(new Set(seen.map((a) => a.mac)).size, 1);
  });
});

interface Run {
  readonly adverts: readonly SeenAdvert[];
  readonly announcements: readonly SeenAnnouncement[];
  /** what the daemon logged as failing */
  readonly failures: readonly string[];
}

/** an advert's form: everything but its time */
const formOf = ({ at: _at, ...rest }: SeenAdvert): string => JSON.stringify(rest);
const formsOf = (run: Run, vrid: number, zero: boolean): string[] =>
  [...new Set(run.adverts.filter((a) => a.vrid === vrid && (a.priority === 0) === zero).map(formOf))].sort();

/** An address's announcements as bursts (gaps over 1 s apart them): how many in each, and when each began after the first. */
interface Bursts {
  readonly sizes: number[];
  readonly startsMs: number[];
}

function bursts(run: Run, address: string): Bursts {
  const times = run.announcements.filter((a) => a.address === address).map((a) => a.at);
  const sizes: number[] = [];
  const startsMs: number[] = [];
  times.forEach((t, i) => {
    if (i === 0 || t - times[i - 1]! > 1000) {
      sizes.push(0);
      startsMs.push(t - times[0]!);
    }
    sizes[sizes.length - 1]!++;
  });
  return { sizes, startsMs };
}

describe('the same configuration under keepalived, then tskad, on the same router', () => {
  let lab: Lab;
  let cluster: Cluster;
  let adverts: AdvertWatch;
  let announcements: AnnouncementWatch;
  const runs = new Map<DaemonKind, Run>();
  const instances = loadConfig(WIRE_FORMS).config.vrrpInstance.map((i) => instanceFacts(WIRE_FORMS, i.name));

  before(async () => {
    requireTools({ ip: 'iproute2', tcpdump: 'tcpdump', keepalived: 'keepalived' });
    const scene = await createClusterLab({ routers: 2 });
    ({ lab, cluster, announcements } = scene);
    adverts = scene.adverts[0]!;
  });
  after(() => lab?.destroy());

  /**
   * Runs the daemon on r1 until every instance is MASTER and the second
   * burst of announcements is out, then stops it with SIGTERM.
   */
  async function capture(kind: DaemonKind): Promise<Run> {
    const since = wallClock();
    const d = cluster.start('r1', kind, { file: WIRE_FORMS });
    let lastMaster = since;
    for (const i of instances) for (const vip of i.vips) lastMaster = Math.max(lastMaster, await whileRunning([d], lab.waitForAddress('r1', vip, true, 15_000)));
    await sleepUntil(lastMaster + (GARP_MASTER_DELAY_S + 0.5) * 1000);
    const stopped = await d.stop('SIGTERM');
    // tcpdump prints the last of them a moment later
    await sleep(300);
    const during = <T extends { at: number }>(xs: readonly T[]): T[] => xs.filter((x) => x.at >= since && x.at <= stopped + 300);
    const failures = d.process.lines.filter((l) => /fail|error|cannot/i.test(l.text)).map((l) => l.text);
    return { adverts: during(adverts.adverts), announcements: during(announcements.seen), failures };
  }

  for (const kind of ['keepalived', 'tskad'] as const) {
    test(`${kind}: every instance becomes MASTER and advertises, and a SIGTERM ends each with one priority-0 advert`, async (t) => {
      const run = await capture(kind);
      runs.set(kind, run);
      for (const i of instances) {
        const forms = formsOf(run, i.virtualRouterId, false);
        t.diagnostic(`${kind} ${i.name}: ${forms.join(' | ')}`);
        assert.equal(forms.length, 1, `${i.name}: one advert form while MASTER`);
        assert.equal(run.adverts.filter((a) => a.vrid === i.virtualRouterId && a.priority === 0).length, 1, `${i.name}: one priority-0 advert`);
      }
      assert.deepEqual(run.adverts.filter((a) => a.badChecksum), [], 'every checksum right');
      assert.deepEqual(run.failures, [], `${kind} logged no failure`);
    });
  }

  test('tskad\'s adverts have keepalived\'s form, instance by instance', () => {
    const [k, s] = [runs.get('keepalived'), runs.get('tskad')];
    assert.ok(k && s, 'both runs captured');
    for (const i of instances) assert.deepEqual(formsOf(s, i.virtualRouterId, false), formsOf(k, i.virtualRouterId, false), `${i.name} (VRID ${i.virtualRouterId})`);
  });

  test('tskad\'s priority-0 adverts have keepalived\'s form', () => {
    const [k, s] = [runs.get('keepalived'), runs.get('tskad')];
    assert.ok(k && s, 'both runs captured');
    for (const i of instances) assert.deepEqual(formsOf(s, i.virtualRouterId, true), formsOf(k, i.virtualRouterId, true), `${i.name} (VRID ${i.virtualRouterId})`);
  });

  test('tskad announces each VIP as keepalived does: as many, in as many bursts, garp_master_delay apart', (t) => {
    const [k, s] = [runs.get('keepalived'), runs.get('tskad')];
    assert.ok(k && s, 'both runs captured');
    const mac = lab.node('r1').links[0]!.mac;
    for (const i of instances) {
      for (const vip of i.vips) {
        const kb: Bursts = bursts(k, vip);
        const sb: Bursts = bursts(s, vip);
        t.diagnostic(`${vip}: keepalived ${kb.sizes.join('+')} at ${kb.startsMs.map((x) => x.toFixed(0)).join(', ')} ms; tskad ${sb.sizes.join('+')} at ${sb.startsMs.map((x) => x.toFixed(0)).join(', ')} ms`);
        assert.deepEqual(sb.sizes, kb.sizes, `${vip}: burst sizes`);
        sb.startsMs.forEach((ms, n) => assert.ok(Math.abs(ms - kb.startsMs[n]!) <= 150, `${vip}: burst ${n + 1} at ${ms.toFixed(0)} ms, keepalived's at ${kb.startsMs[n]!.toFixed(0)} ms`));
        const kind = vip.includes(':') ? 'na' : 'garp';
        assert.ok(s.announcements.filter((a) => a.address === vip).every((a) => a.kind === kind && a.mac === mac), `${vip}: ${kind} from r1's MAC`);
      }
    }
  });
});
