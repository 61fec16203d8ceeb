// keepalived.conf text for lab routers, from the few settings a lab scenario
// varies: router id, instances (interface, VRID, priority, interval, VIPs,
// unicast peers…) and an optional sync group holding them all. The same text
// runs under keepalived and tskad.

export interface InstanceTemplate {
  readonly name: string;
  readonly state?: 'MASTER' | 'BACKUP';
  readonly interface: string;
  readonly virtualRouterId: number;
  readonly priority: number;
  /** seconds (default 1) */
  readonly advertInt?: number;
  /** VRRP version (keepalived's default is 2) */
  readonly version?: 2 | 3;
  /** address/prefix, e.g. 192.0.2.200/24 */
  readonly vips: readonly string[];
  readonly unicastSrcIp?: string;
  readonly unicastPeers?: readonly string[];
  readonly nopreempt?: boolean;
  /** PASS authentication (VRRPv2 only) */
  readonly authPass?: string;
}

export interface ConfigTemplate {
  readonly routerId: string;
  readonly instances: readonly InstanceTemplate[];
  /** a vrrp_sync_group of this name over every instance */
  readonly syncGroup?: string;
  /** more global_defs lines, after router_id */
  readonly globals?: readonly string[];
}

/** nested blocks come in as lines of `body`, and are indented with it */
const block = (head: string, body: readonly string[]): string[] => [`${head} {`, ...body.map((l) => `    ${l}`), '}'];

function instanceLines(i: InstanceTemplate): string[] {
  return block(`vrrp_instance ${i.name}`, [
    ...(i.state ? [`state ${i.state}`] : []),
    `interface ${i.interface}`,
    `virtual_router_id ${i.virtualRouterId}`,
    `priority ${i.priority}`,
    `advert_int ${i.advertInt ?? 1}`,
    ...(i.version ? [`version ${i.version}`] : []),
    ...(i.nopreempt ? ['nopreempt'] : []),
    ...(i.authPass ? block('authentication', ['auth_type PASS', `auth_pass ${i.authPass}`]) : []),
    ...(i.unicastSrcIp ? [`unicast_src_ip ${i.unicastSrcIp}`] : []),
    ...(i.unicastPeers?.length ? block('unicast_peer', i.unicastPeers) : []),
    ...block('virtual_ipaddress', i.vips),
  ]);
}

export function renderConfig(t: ConfigTemplate): string {
  const lines = [
    ...block('global_defs', [`router_id ${t.routerId}`, ...(t.globals ?? [])]),
    ...(t.syncGroup ? block(`vrrp_sync_group ${t.syncGroup}`, block('group', t.instances.map((i) => i.name))) : []),
    ...t.instances.flatMap(instanceLines),
  ];
  return `${lines.join('\n')}\n`;
}
