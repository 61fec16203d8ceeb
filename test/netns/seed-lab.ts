// What the seed scenarios share: the NFS pair's configuration (the seed's
// maintenance check, `[[ -f …/down ]] && exit 1 || exit 0`, interval 1,
// weight -20, priorities 100 and 99), a lab of two routers with the capture
// on their segment, and the timing of a takeover caused by tracking, from
// the wire: a backup takes over one Master_Down_Interval (RFC 5798 §6.1)
// after the last advert it accepted, since the lower priorities that follow
// are discarded (§6.4.2, preemption).
import { after, before } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireTools } from '../../src/lab/command.js';
import { watchAdverts, type AdvertWatch, type SeenAdvert } from '../../src/lab/adverts.js';
import { judgeInterval, type Verdict } from '../../src/lab/takeover.js';
import { createLab, type Lab } from '../../src/lab/topology.js';

export const NFS_VIP = '192.0.2.94';
export const NFS_VRID = 51;

/** The seed's NFS pair: node A is `state MASTER`, priority 100; node B 99. */
export function nfsConfig(router: string, priority: number, dir: string): string {
  return `global_defs {
    router_id nfs-${router}
    script_user root
    enable_script_security
}
vrrp_script chk_down {
    script "[[ -f ${dir}/down ]] && exit 1 || exit 0"
    interval 1
    weight -20
}
vrrp_instance VI_NFS {
    state ${priority === 100 ? 'MASTER' : 'BACKUP'}
    interface eth0
    virtual_router_id ${NFS_VRID}
    priority ${priority}
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass nfs-ha
    }
    virtual_ipaddress {
        ${NFS_VIP}/24
    }
    track_script {
        chk_down
    }
}
`;
}

export interface SeedLab {
  readonly lab: Lab;
  readonly adverts: AdvertWatch;
  /** a directory of the router's own, made now (its config, its `down` file…) */
  dir(router: string): string;
}

/** A two-router lab with the capture on eth0's segment, for a describe block; removed in `after`, whatever happened. */
export function useSeedLab(tools: Record<string, string> = {}): () => SeedLab {
  let made: SeedLab | undefined;
  let lab: Lab | undefined;
  before(async () => {
    requireTools({ ip: 'iproute2', tcpdump: 'tcpdump', bash: 'bash', ...tools });
    lab = await createLab({ routers: 2, ipv6: false, prefix: 'tskad-seed' });
    const adverts = await watchAdverts(lab);
    const l = lab;
    made = {
      lab: l,
      adverts,
      dir: (router) => {
        const d = join(l.dir, router);
        mkdirSync(d, { recursive: true });
        return d;
      },
    };
  });
  after(() => lab?.destroy());
  return () => {
    if (!made) throw new Error('the lab was not made');
    return made;
  };
}

/** Adverts of `vrid` from the router whose eth0 address is `source`. */
export const from = (source: string, vrid: number, priority?: number) => (a: SeenAdvert) =>
  a.source === source && a.vrid === vrid && (priority === undefined || a.priority === priority);

/**
 * A takeover caused by tracking: the new master held `vip` at `at`; the last
 * advert it accepted before the change is the old master's last at
 * `acceptedPriority` (or more) before `changedAt`. Judged against the new
 * master's Master_Down_Interval.
 */
export function judgeTakeover(adverts: AdvertWatch, o: { readonly source: string; readonly vrid: number; readonly acceptedAtLeast: number; readonly changedAt: number; readonly at: number; readonly masterDownS: number }): Verdict & { readonly lastAccepted: SeenAdvert } {
  const lastAccepted = adverts.last((a) => a.source === o.source && a.vrid === o.vrid && a.priority >= o.acceptedAtLeast && a.at <= o.changedAt);
  if (!lastAccepted) throw new Error(`no advert from ${o.source} at priority ${o.acceptedAtLeast} or more before the change`);
  return { ...judgeInterval(o.at - lastAccepted.at, o.masterDownS * 1000, 'Master_Down_Interval'), lastAccepted };
}
