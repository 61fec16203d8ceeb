// What the lab needs to know of a daemon's configuration: the instance's
// interface, VRID and VIPs, and the intervals a failover should take — the
// protocol's own figures that measured takeovers are printed beside and
// tested against, by the state machine's formulas (src/vrrp/fsm.ts).
import { loadConfig } from '../config/load.js';
import { formatDiagnostic } from '../config/diagnostics.js';
import { advertInterval, basePriority, downTimerAdverts, vrrpVersion } from '../config/effective-vrrp.js';
import { masterDownInterval, skewTime, type VrrpParams } from '../vrrp/fsm.js';

export interface InstanceFacts {
  readonly name: string;
  readonly interface: string | undefined;
  readonly virtualRouterId: number;
  /** the VIPs' addresses, without prefix */
  readonly vips: readonly string[];
  readonly version: 2 | 3;
  /** seconds */
  readonly advertInt: number;
  /** the configured priority (track weights that change it are not counted) */
  readonly priority: number;
  readonly downTimerAdverts: number;
  /** RFC 5798 §6.1 Master_Down_Interval: a backup takes over this long after a crashed master's last advert, s */
  readonly masterDown: number;
  /** RFC 5798 §6.1 Skew_Time: a backup takes over this long after the priority-0 advert of a master shutting down (§6.4.2), s */
  readonly skew: number;
}

/** The first VRRP instance of the file, or the one named. */
export function instanceFacts(confFile: string, instanceName?: string): InstanceFacts {
  const { config, diagnostics } = loadConfig(confFile);
  if (diagnostics.hasErrors) throw new Error(`${confFile}:\n${diagnostics.sorted().map(formatDiagnostic).join('\n')}`);
  const instance = config.vrrpInstance.find((i) => instanceName === undefined || i.name === instanceName);
  if (!instance) throw new Error(`${confFile}: no vrrp_instance${instanceName ? ` ${instanceName}` : ''}`);
  const g = config.globalDefs;
  const version = vrrpVersion(instance, g);
  const advertInt = advertInterval(instance, g);
  const priority = basePriority(instance);
  const adverts = downTimerAdverts(instance, g);
  // the timer formulas read only these three of the machine's parameters
  const timing = { version, advertInt: advertInt * 1000, downTimerAdverts: adverts } as VrrpParams;
  return {
    name: instance.name,
    interface: instance.interface,
    virtualRouterId: instance.virtualRouterId,
    vips: instance.virtualIpaddress.map((v) => v.address),
    version,
    advertInt,
    priority,
    downTimerAdverts: adverts,
    masterDown: masterDownInterval(timing, priority, advertInt * 1000) / 1000,
    skew: skewTime(timing, priority, advertInt * 1000) / 1000,
  };
}
