// Codes reported by the VRRP part of the configuration: the address/route/rule
// entry grammars (schema/address.ts) and the cross-block checks
// (validate-vrrp.ts).
//
// Severity follows what keepalived 2.2.7 does with the setting: where it drops
// or resets what was written (the running daemon then differs from the file)
// it is an error; where it keeps what was written and merely remarks on it, or
// where keepalived is silent but the setting is almost certainly a mistake, it
// is a warning.
import { codes } from './define.js';

export const VRRP_CODES = codes({
  TSKAD_E_BAD_ENTRY: {
    severity: 'error',
    summary: 'an address, route or rule entry (or one of its options) keepalived cannot use',
    help: 'virtual_ipaddress, virtual_routes, virtual_rules and the static_* blocks take `ip address|route|rule add` syntax. A broken address, a missing option value or an unknown option drops the entry (or the option, as the message says), as keepalived drops it.',
  },
  TSKAD_W_ROUTE_NOT_TRACKED: {
    severity: 'warning',
    summary: 'a route without dev, which keepalived cannot track',
    help: 'keepalived notices a deleted route through its interface. A route without `dev` is still added and removed, but is not reinstated if something deletes it. Add `dev IF`, or `no_track` to say that is intended.',
  },
  TSKAD_W_RULE_NO_PREFERENCE: {
    severity: 'warning',
    summary: 'a rule without a preference',
    help: 'keepalived then gives the rule a preference counting down from 32767 (IPv4) or 16384, so its place among the other rules depends on the order rules are added. Give every rule a `preference N`.',
  },
  TSKAD_E_NO_INTERFACE: {
    severity: 'error',
    summary: 'a vrrp_instance with no interface to run on',
    help: 'keepalived.conf(5) lets a unicast instance omit `interface`, but keepalived 2.2.7 checks for an interface before it knows the instance is unicast, and refuses every instance without one ("Unknown interface!"). Give the interface.',
  },
  TSKAD_E_VRID_CONFLICT: {
    severity: 'error',
    summary: 'two instances that would answer to the same VRRP adverts',
    help: 'A virtual_router_id must be unique per interface, address family and multicast group. Unicast instances may share a VRID only when their unicast_peer sets do not overlap. keepalived refuses the configuration.',
  },
  TSKAD_E_FAMILY_MISMATCH: {
    severity: 'error',
    summary: 'an address of the other IP family than its vrrp_instance',
    help: 'An instance is IPv4 or IPv6, decided by its first address (VIP, unicast peer, source or multicast address). keepalived ignores a VIP, peer or source address of the other family. Put addresses of the other family in virtual_ipaddress_excluded, or in an instance of their own.',
  },
  TSKAD_E_VERSION_CONFLICT: {
    severity: 'error',
    summary: 'a VRRP version the instance cannot use',
    help: 'IPv6 needs VRRPv3 (RFC 5798). keepalived ignores `version 2` written after the instance is known to be IPv6, and strict mode forces version 3.',
  },
  TSKAD_W_VRRPV2_IPV6: {
    severity: 'warning',
    summary: 'VRRP version 2 over IPv6',
    help: 'keepalived 2.2.7 runs it when `version 2` comes before the IPv6 addresses, but no other VRRP implementation speaks VRRPv2 over IPv6. Use version 3.',
  },
  TSKAD_E_ADVERT_INT: {
    severity: 'error',
    summary: 'an advert_int the VRRP version cannot carry',
    help: 'VRRPv2 carries whole seconds 1-255; VRRPv3 carries centiseconds below 40.96 s. keepalived rounds or clamps the value, and the message says to what.',
  },
  TSKAD_W_AUTH_PASS_TRUNCATED: {
    severity: 'warning',
    summary: 'an auth_pass longer than 8 characters',
    help: 'VRRPv2 simple authentication carries 8 bytes; keepalived uses the first 8 characters. Peers running other software may compare the whole string. Shorten it.',
  },
  TSKAD_E_AUTH_CONFLICT: {
    severity: 'error',
    summary: 'authentication keepalived ignores, or that cancels `state MASTER`',
    help: 'Authentication exists only in VRRPv2 over IPv4, needs an auth_pass, and AH cannot start as MASTER (it needs a received advert first). keepalived drops the authentication (or the MASTER state). Authentication was removed from VRRP by RFC 3768; avoid it.',
  },
  TSKAD_W_AUTH_WITHOUT_TYPE: {
    severity: 'warning',
    summary: 'an authentication block without auth_type',
    help: 'Without auth_type the instance sends and expects no authentication, whatever auth_pass says. Add `auth_type PASS`, or remove the block.',
  },
  TSKAD_E_STRICT_CONFLICT: {
    severity: 'error',
    summary: 'a setting strict mode (vrrp_strict / strict_mode) does not allow',
    help: 'Strict mode enforces RFC 5798: no authentication, no preempt_delay, `state MASTER` only for the address owner (priority 255), down_timer_adverts 3, no accept mode for VRRPv2, no lower-priority GARP repeats, IPv6 needs version 3 and a link-local first VIP. keepalived resets the setting.',
  },
  TSKAD_W_STRICT_UNICAST: {
    severity: 'warning',
    summary: 'unicast peers in strict mode',
    help: 'RFC 5798 has no unicast, and the keepalived.conf(5) says strict mode refuses it, but keepalived 2.2.7 does not check it (the check runs before the instance is known to be unicast). tskad runs it as keepalived does.',
  },
  TSKAD_E_PREEMPT_CONFLICT: {
    severity: 'error',
    summary: 'nopreempt or preempt_delay where it cannot work',
    help: 'Both need the instance to start as BACKUP and not be the address owner, and preempt_delay is pointless with nopreempt. keepalived clears the setting. Put `state BACKUP` on all nodes when using nopreempt.',
  },
  TSKAD_W_NO_VIP: {
    severity: 'warning',
    summary: 'a VRRPv2 instance without virtual_ipaddress',
    help: 'keepalived runs it (adverts carry no address), which is only useful when notify scripts move the service. VRRPv3, IPv6 and strict mode instances need at least one VIP.',
  },
  TSKAD_E_NO_VIP: {
    severity: 'error',
    summary: 'a VRRPv3, IPv6 or strict-mode instance without virtual_ipaddress',
    help: 'keepalived refuses the configuration. Add a virtual_ipaddress block.',
  },
  TSKAD_E_TOO_MANY_VIPS: {
    severity: 'error',
    summary: 'more VIPs than fit in one advert',
    help: 'An advert carries at most 255 addresses, and no more than fit in a 1500-byte packet (89 for IPv6). keepalived moves the excess to virtual_ipaddress_excluded; do that in the file.',
  },
  TSKAD_W_DUPLICATE_VIP: {
    severity: 'warning',
    testExit: 0,
    summary: 'the same virtual address given twice',
    help: 'keepalived accepts it, but two instances owning one address fight over it when both are MASTER, and a repeat within an instance is a typo. Each address should appear once.',
  },
  TSKAD_W_IPV6_FIRST_VIP_NOT_LINK_LOCAL: {
    severity: 'warning',
    summary: 'an IPv6 instance whose first VIP is not link-local',
    help: 'RFC 5798 §5.2.9 wants the first IPv6 address of an advert to be the link-local one. keepalived runs it (strict mode refuses). Put a fe80:: address first.',
  },
  TSKAD_E_UNICAST_CONFLICT: {
    severity: 'error',
    summary: 'a unicast setting keepalived ignores or corrects',
    help: 'unicast_ttl needs unicast peers, mcast_dst_ip is meaningless with them, a use_vmac instance talking unicast needs vmac_xmit_base, and a peer whose min_ttl exceeds its max_ttl never gets an advert through.',
  },
  TSKAD_W_UNICAST_NO_PEERS: {
    severity: 'warning',
    summary: 'unicast keywords without any unicast_peer',
    help: 'keepalived then silently runs multicast (deprecated since 2.2.4). Add the peers, or `unicast_fault_no_peer` to go to FAULT instead.',
  },
  TSKAD_E_UNKNOWN_REFERENCE: {
    severity: 'error',
    summary: 'a name that refers to nothing defined before it',
    help: 'track_script, track_file, track_process, track_bfd and track_group name blocks that keepalived looks up while reading the file, so the block must come earlier in the file; sync group members must be vrrp_instance names. keepalived ignores the reference.',
  },
  TSKAD_W_TRACK_GROUP_MEMBER: {
    severity: 'warning',
    summary: 'a track_group member that is not a vrrp_instance',
    help: 'keepalived logs and skips it (a group left with no member is removed, and its static entries are then not tracked). Check the spelling.',
  },
  TSKAD_E_DUPLICATE_REFERENCE: {
    severity: 'error',
    summary: 'the same name tracked twice in one block',
    help: 'keepalived ignores the repeat, with its weight.',
  },
  TSKAD_E_TRACK_OWN_INTERFACE: {
    severity: 'error',
    summary: 'track_interface naming the instance\'s own interface',
    help: 'An instance always tracks its own interface, unweighted (dont_track_primary turns that off). keepalived ignores the entry, and its weight with it.',
  },
  TSKAD_E_WEIGHT_IGNORED: {
    severity: 'error',
    summary: 'a tracking weight keepalived does not apply',
    help: 'Members of a sync group (without sync_group_tracking_weight) and address owners (priority 255) cannot change priority, so keepalived drops weighted trackers or sets their weight to 0, meaning a failure puts the instance in FAULT. A weight of ±254 on a tracked interface or script becomes ±253.',
  },
  TSKAD_E_SYNC_GROUP_TWICE: {
    severity: 'error',
    summary: 'an instance in two sync groups',
    help: 'An instance follows one sync group; keepalived keeps it in the first and ignores the later mention.',
  },
  TSKAD_E_SYNC_GROUP_EMPTY: {
    severity: 'error',
    summary: 'a sync group with no existing member',
    help: 'keepalived removes the group, with its notify scripts and tracking.',
  },
  TSKAD_W_SYNC_GROUP_SINGLE: {
    severity: 'warning',
    summary: 'a sync group with only one member',
    help: 'A sync group keeps several instances in the same state; with one member it does nothing but disable that member\'s tracking weights.',
  },
  TSKAD_E_SYNC_GROUP_OWNER_MIX: {
    severity: 'error',
    summary: 'a sync group mixing address owners and other instances',
    help: 'An owner (priority 255, state MASTER) is always MASTER while the others may not be, so the group can never agree. keepalived starts them all as BACKUP.',
  },
  TSKAD_E_DUPLICATE_NAME: {
    severity: 'error',
    summary: 'a second block with the name of an earlier one',
    help: 'vrrp_instance, vrrp_sync_group, track_group and bfd_instance names must be unique; keepalived skips the later block.',
  },
  TSKAD_W_DUPLICATE_NAME: {
    severity: 'warning',
    summary: 'a second vrrp_script, track_file or vrrp_track_process with an earlier name',
    help: 'keepalived keeps both but every reference finds the first; the later block never runs.',
  },
  TSKAD_W_UNUSED_SCRIPT: {
    severity: 'warning',
    summary: 'a vrrp_script no instance or sync group tracks',
    help: 'keepalived runs a script only while something tracks it, and drops this one at startup.',
  },
  TSKAD_E_TRACK_PROCESS_QUORUM: {
    severity: 'error',
    summary: 'a vrrp_track_process quorum above its quorum_max',
    help: 'The process can never be up. keepalived ignores the quorum line.',
  },
  TSKAD_E_BFD_CONFLICT: {
    severity: 'error',
    summary: 'a bfd_instance keepalived disables or corrects',
    help: 'source_ip must be of the family of neighbor_ip, two sessions cannot share a neighbor (and source), and max_hops cannot exceed the TTL / hop limit.',
  },
  TSKAD_E_VMAC_CONFLICT: {
    severity: 'error',
    summary: 'a VMAC option keepalived ignores',
    help: 'vmac_xmit_base needs use_vmac; promote_secondaries is always set on a VMAC; two instances cannot name the same VMAC interface.',
  },
  TSKAD_E_VRF_CONFLICT: {
    severity: 'error',
    summary: 'vrf on an instance with an interface, or without unicast peers',
    help: 'vrf names the VRF of a unicast instance that has no interface. keepalived clears it otherwise.',
  },
  TSKAD_W_SKIP_CHECK_ADV_ADDR_OFF: {
    severity: 'warning',
    summary: '`skip_check_adv_addr off` in a vrrp_instance, which keepalived reads as on',
    help: 'keepalived 2.2.7 turns the option on whatever its argument, so `off` cannot re-enable the check when vrrp_skip_check_adv_addr is set globally. tskad does as keepalived does. Remove the line instead.',
  },
  TSKAD_W_NOT_SUPPORTED_YET: {
    severity: 'warning',
    testExit: 0,
    summary: 'a valid keepalived setting this version of tskad cannot run yet; the instance will not start',
    help: 'keepalived accepts it, so `-t` passes as keepalived\'s does, but the tskad daemon refuses the instance and logs why (IPsec AH authentication, use_vmac / use_ipvlan, an instance without an interface). The rest of the configuration runs.',
  },
});
