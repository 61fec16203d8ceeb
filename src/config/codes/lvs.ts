// Codes reported by the LVS part of the configuration: virtual_server_group,
// virtual_server, real_server and their checkers (keepalived.conf(5) "LVS CONFIGURATION").
// Where `keepalived -t` reports a problem, tskad reports an error on the same
// line; where keepalived accepts a configuration but silently drops or ignores
// part of it, tskad warns.
import { codes } from './define.js';

export const LVS_CODES = codes({
  TSKAD_E_LVS_DUPLICATE_REAL_SERVER: {
    severity: 'error',
    summary: 'a real_server given twice in one virtual_server',
    help: 'Two real_server blocks with the same address and port in one virtual_server describe one IPVS destination. keepalived keeps the first and removes the second, with its checkers. Merge the two blocks.',
  },
  TSKAD_E_LVS_NO_REAL_SERVER: {
    severity: 'error',
    summary: 'a virtual_server without any real_server',
    help: 'keepalived ignores a virtual_server that has no real_server left (none written, or all of them rejected), so the service is never created in IPVS. Add a real_server, or remove the virtual_server.',
  },
  TSKAD_E_LVS_FAMILY_MISMATCH: {
    severity: 'error',
    summary: 'a real or sorry server, or ip_family, of another address family than the virtual server',
    help: 'IPVS forwards within one address family, except through a tunnel: a real_server or sorry_server of another family must use `lvs_method TUN`. keepalived skips the mismatched server (or ignores the ip_family line). Use addresses of the virtual server’s family, or tunnel forwarding.',
  },
  TSKAD_E_LVS_PORT_NEEDS_PERSISTENCE: {
    severity: 'error',
    summary: 'a virtual server without a port (or port 0) that is not persistent',
    help: 'A service on every port of an address only works with persistence, so that all the connections of a client go to one real server. keepalived then forces persistence_timeout 360. Give a port, or say persistence_timeout.',
  },
  TSKAD_E_LVS_PORT_MISMATCH: {
    severity: 'error',
    summary: 'a DR or TUN real or sorry server whose port differs from the service, or a port on a firewall-mark service',
    help: 'Direct routing and tunnelling cannot change the destination port, so the real server’s port must be the virtual server’s (or be left out); a firewall-mark service has no port at all. keepalived resets the port. Only NAT can map one port to another.',
  },
  TSKAD_E_LVS_QUORUM: {
    severity: 'error',
    summary: 'a quorum above the total weight of the real servers, or a hysteresis not below the quorum',
    help: 'With quorum above the sum of the real servers’ weights the virtual server can never come up; keepalived lowers quorum to that sum. Hysteresis must be smaller than quorum, or keepalived lowers it to quorum − 1.',
  },
  TSKAD_E_LVS_OPTION_NOT_APPLICABLE: {
    severity: 'error',
    summary: 'a virtual_server option that does not apply to this kind of service',
    help: 'ops (one-packet scheduling) needs protocol UDP; protocol and ha_suspend have no meaning on a firewall-mark service; sh-port and sh-fallback need lvs_sched sh written before them, mh-port and mh-fallback lvs_sched mh. keepalived resets or ignores the option.',
  },
  TSKAD_E_LVS_SORRY_SERVER: {
    severity: 'error',
    summary: 'sorry_server_inhibit or sorry_server_lvs_method without a sorry_server before it, or a sorry server that contradicts its real server',
    help: 'keepalived applies sorry_server_inhibit and sorry_server_lvs_method to a sorry_server already read, so they must come after it. A sorry server that is also a real server must have the same inhibit_on_failure setting.',
  },
  TSKAD_E_LVS_TUNNEL: {
    severity: 'error',
    summary: 'an lvs_method TUN tunnel type or option that is invalid or does not fit the tunnel',
    help: 'The tunnel type is ipip (the default), gue (which needs `port N`) or gre; `port` is only for gue; checksum options (nocsum, csum, remcsum) are not for ipip, and gre takes no remcsum. keepalived ignores the whole line.',
  },
  TSKAD_E_LVS_GROUP_ENTRY: {
    severity: 'error',
    summary: 'a virtual_server_group entry that is not a valid address, range, prefix or fwmark, or a group that cannot be used',
    help: 'An entry is `IP [PORT]`, `IP-LAST [PORT]` (the last byte, or last 16 bits for IPv6), `IP-IP [PORT]`, `IP/LEN [PORT]` (no host bits set) or `fwmark N [inet|inet6]`. A group with no valid entry, or with IPv4, IPv6 and a fwmark without family, is removed by keepalived.',
  },
  TSKAD_E_CHECKER_NO_URL: {
    severity: 'error',
    summary: 'an HTTP_GET or SSL_GET checker without a url block',
    help: 'The checker has nothing to fetch; keepalived drops it (keepalived 2.2.7 -t even crashes on it). Add `url { path / }`.',
  },
  TSKAD_E_CHECKER_SETTING: {
    severity: 'error',
    summary: 'checker settings that contradict each other',
    help: 'bindto and connect_ip must be of one address family; an IPv6 link-local target needs bind_if; UDP_CHECK min_reply_length cannot exceed max_reply_length. keepalived drops the setting or the checker, or the checker can never succeed.',
  },
  TSKAD_W_LVS_DUPLICATE_VIRTUAL_SERVER: {
    severity: 'warning',
    summary: 'two virtual servers for one IPVS service',
    help: 'Two virtual_server blocks with the same address, port and protocol (or fwmark, or group and protocol) describe one IPVS service: the kernel refuses to add it twice. keepalived -t does not notice. Merge the two blocks.',
  },
  TSKAD_W_LVS_GROUP_UNUSABLE: {
    severity: 'warning',
    summary: 'a virtual server whose group does not exist or does not fit it, or a group defined twice',
    help: 'keepalived -t accepts these, but at run time keepalived ignores a virtual_server whose virtual_server_group is missing, or whose family differs from the group’s addresses; of two groups with one name only the first is used.',
  },
  TSKAD_W_LVS_OBSOLETE_KEYWORD: {
    severity: 'warning',
    summary: 'a keyword that no longer does anything',
    help: 'nat_mask only mattered with Linux 2.2 kernels and was removed from keepalived (2.2.7 reports it as unknown); hashed has no effect. The line is ignored; remove it.',
  },
  TSKAD_W_LVS_IGNORED_SETTING: {
    severity: 'warning',
    summary: 'a setting keepalived accepts but ignores',
    help: 'For example a range or prefix after a real server address (only the address is used), tunnel options on a NAT or DR method, an unknown regex option, or regex_* settings in a url without regex. Remove it, or write what was meant.',
  },
});
