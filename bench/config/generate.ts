// A large, valid keepalived.conf for the config benchmark: by default 1,000
// virtual servers × 10 real servers (HTTP_GET and TCP_CHECK checkers,
// alternating) and 500 VRRP instances. Only documentation addresses: the
// virtual addresses use 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.1-200,
// then 2001:db8::/32 once those run out; real servers use 203.0.113.201+ and
// 2001:db8:ffff::/48. VRIDs are unique per interface (RFC 5798 §5.2.3), so the
// instances are spread over several interfaces.

export interface BenchShape {
  readonly virtualServers: number;
  readonly realServersPerVs: number;
  readonly vrrpInstances: number;
  /** interface names the VRRP instances use; they must exist where the config is checked */
  readonly interfaces: readonly string[];
}

export const DEFAULT_SHAPE: BenchShape = {
  virtualServers: 1000,
  realServersPerVs: 10,
  vrrpInstances: 500,
  interfaces: ['bench0', 'bench1', 'bench2', 'bench3'],
};

const MAX_VRID = 255;
const IPV4_VIRTUAL_PREFIXES: ReadonlyArray<readonly [string, number]> = [
  ['192.0.2.', 254],
  ['198.51.100.', 254],
  ['203.0.113.', 200],
];
const IPV4_VIRTUAL_COUNT = IPV4_VIRTUAL_PREFIXES.reduce((n, [, hosts]) => n + hosts, 0);
const IPV4_REAL_FIRST = 201;

/** The n-th virtual address (VIP of VRRP instance n, address of virtual server n). */
export function virtualAddress(n: number): string {
  let i = n;
  for (const [prefix, hosts] of IPV4_VIRTUAL_PREFIXES) {
    if (i < hosts) return `${prefix}${i + 1}`;
    i -= hosts;
  }
  return `2001:db8::${(i + 1).toString(16)}`;
}

const isV6 = (addr: string): boolean => addr.includes(':');

function realAddress(vsAddr: string, j: number): string {
  return isV6(vsAddr) ? `2001:db8:ffff::${(j + 1).toString(16)}` : `203.0.113.${IPV4_REAL_FIRST + j}`;
}

function checkShape(s: BenchShape): void {
  if (s.realServersPerVs > 255 - IPV4_REAL_FIRST + 1) throw new Error('too many real servers per virtual server for 203.0.113.201+');
  if (s.vrrpInstances > s.interfaces.length * MAX_VRID) throw new Error('too few interfaces for unique VRIDs');
  if (Math.max(s.virtualServers, s.vrrpInstances) > IPV4_VIRTUAL_COUNT + 0xffff) throw new Error('address pool exhausted');
}

function vrrpInstance(k: number, s: BenchShape): string {
  const ifname = s.interfaces[k % s.interfaces.length]!;
  const vrid = Math.floor(k / s.interfaces.length) + 1;
  const vip = virtualAddress(k);
  return `vrrp_instance VI_${k} {
    state BACKUP
    interface ${ifname}
    virtual_router_id ${vrid}
    priority ${100 + (k % 50)}
    advert_int 1
    virtual_ipaddress {
        ${vip}${isV6(vip) ? '/128' : '/32'} dev ${ifname}
    }
}
`;
}

function realServer(vsAddr: string, j: number): string {
  const check =
    j % 2 === 0
      ? `        HTTP_GET {
            url {
                path /health
                status_code 200
            }
            connect_timeout 3
            retry 2
            delay_before_retry 2
        }`
      : `        TCP_CHECK {
            connect_timeout 3
        }`;
  return `    real_server ${realAddress(vsAddr, j)} 8080 {
        weight 1
${check}
    }
`;
}

function virtualServer(i: number, s: BenchShape): string {
  const addr = virtualAddress(i);
  const reals = Array.from({ length: s.realServersPerVs }, (_, j) => realServer(addr, j)).join('');
  return `virtual_server ${addr} 80 {
    delay_loop 6
    lb_algo rr
    lb_kind NAT
    protocol TCP
${reals}}
`;
}

export function generateConfig(s: BenchShape = DEFAULT_SHAPE): string {
  checkShape(s);
  const parts = [
    `! tskad config benchmark: ${s.virtualServers} virtual servers x ${s.realServersPerVs} real servers, ${s.vrrpInstances} VRRP instances
global_defs {
    router_id tskad_bench
}
`,
  ];
  for (let k = 0; k < s.vrrpInstances; k++) parts.push(vrrpInstance(k, s));
  for (let i = 0; i < s.virtualServers; i++) parts.push(virtualServer(i, s));
  return parts.join('\n');
}
