// Codes reported for global_defs and the root keywords outside any block
// (schema/global.ts readers and validate-global.ts).
import { codes } from './define.js';

export const GLOBAL_CODES = codes({
  TSKAD_E_NOT_MULTICAST: {
    severity: 'error',
    summary: 'a multicast group keyword given an address that is not multicast',
    help: 'vrrp_mcast_group4 needs an address in 224.0.0.0/4, vrrp_mcast_group6 one in ff00::/8, and lvs_sync_daemon group either. keepalived skips the value, and so does tskad: the default group (224.0.0.18, ff02::12, 224.0.0.81) stays in use.',
  },
  TSKAD_W_MCAST_GROUP6_NOT_LINK_LOCAL: {
    severity: 'warning',
    summary: 'vrrp_mcast_group6 is multicast but not of link-local scope',
    help: 'VRRP adverts belong on one link (RFC 5798 §5.1.2.2 uses ff02::12). keepalived warns and uses the group anyway, and so does tskad; routers may carry such adverts off the link. Use an ffX2:: address unless this is deliberate.',
  },
  TSKAD_E_EMPTY_EMAIL_LIST: {
    severity: 'error',
    summary: 'a notification_email block with no address in it',
    help: 'keepalived reports an empty notification_email block as an error. Put one recipient or more inside the braces, or remove the block.',
  },
  TSKAD_W_MALFORMED_EMAIL: {
    severity: 'warning',
    testExit: 0,
    summary: 'an email address that does not look like local@domain',
    help: 'keepalived puts the address into the SMTP dialogue as written (MAIL FROM:<...>, RCPT TO:<...>) without checking it, so a relay will likely refuse it. Write a bare address such as ops@example.com: no display name, no angle brackets, no spaces.',
  },
  TSKAD_W_SMTP_WITHOUT_RECIPIENTS: {
    severity: 'warning',
    summary: 'smtp_server is set but notification_email lists no recipient',
    help: 'keepalived sends alert mail only when both smtp_server and at least one notification_email address are set; otherwise it silently sends nothing. Add the recipients, or remove smtp_server.',
  },
  TSKAD_W_RECIPIENTS_WITHOUT_SMTP: {
    severity: 'warning',
    summary: 'notification_email lists recipients but no smtp_server is set',
    help: 'keepalived sends alert mail only when both smtp_server and at least one notification_email address are set; without a relay no mail is ever sent, and keepalived does not say so. Add smtp_server, or remove the recipients.',
  },
  TSKAD_E_NAME_TOO_LONG: {
    severity: 'error',
    summary: 'a name longer than the kernel allows',
    help: 'Process names (process_name, vrrp_process_name, checker_process_name, bfd_process_name) are at most 15 characters: keepalived truncates a longer one, and so does tskad. An lvs_sync_daemon interface name is at most 15 characters too: keepalived ignores the whole line, and so does tskad.',
  },
  TSKAD_E_UNKNOWN_OPTION: {
    severity: 'error',
    summary: 'a word that is not one of the options the keyword takes',
    help: 'For keywords with option words (lvs_timeouts tcp|tcpfin|udp, lvs_sync_daemon inst|id|maxlen|port|ttl|group, dynamic_interfaces allow_if_changes, lvs_flush_on_stop VS) the unknown word is ignored and the rest of the line is used, as keepalived does. Option words are case-sensitive.',
  },
  TSKAD_E_TOO_MANY_ARGUMENTS: {
    severity: 'error',
    summary: 'more words than the keyword takes, for a keyword keepalived then ignores whole',
    help: 'Most keywords ignore extra words with a warning (TSKAD_W_EXTRA_ARGUMENT), but keepalived rejects the whole line of snmp_socket and vrrp_rx_bufs_multiplier when it has more than one word, and so does tskad: the default stays in force. Quote a value that contains spaces.',
  },
  TSKAD_E_CONFLICTING_OPTIONS: {
    severity: 'error',
    summary: 'options on one line that exclude each other',
    help: 'vrrp_rx_bufs_policy takes either a size or one of MTU and ADVERT. keepalived keeps the size over a policy, and MTU over ADVERT, and reports an error; tskad does the same.',
  },
  TSKAD_E_SYNC_ID_NEEDS_KEYWORD: {
    severity: 'error',
    summary: "an lvs_sync_daemon sync id written without the word 'id'",
    help: "The old form `lvs_sync_daemon IF INSTANCE SYNCID` is still read (the sync id is used), but keepalived 2.2 reports it as an error. Write `lvs_sync_daemon IF inst INSTANCE id SYNCID`.",
  },
  TSKAD_E_UNKNOWN_SYNC_INSTANCE: {
    severity: 'error',
    summary: 'lvs_sync_daemon names a vrrp_instance that does not exist',
    help: 'The IPVS sync daemon follows the state of the named VRRP instance. keepalived reports "Unable to find vrrp instance" when it starts and runs no sync daemon at all (its -t does not notice). Name an existing vrrp_instance, or leave the instance out to run both the master and the backup sync daemons.',
  },
  TSKAD_W_IPTABLES_AS_NFTABLES: {
    severity: 'warning',
    summary: 'vrrp_iptables or vrrp_ipsets given, but the firewall is managed with nftables',
    help: "tskad programs the no_accept and VMAC firewall rules with nftables only, as Debian's keepalived 2.2.7 (built without iptables) does: vrrp_iptables means `nftables keepalived`, and the ipset names are not used. Replace these keywords with `nftables`.",
  },
  TSKAD_W_NOTIFY_FIFO_SHARED: {
    severity: 'warning',
    summary: 'two notify FIFO keywords name the same FIFO, and one of them is ignored',
    help: 'When vrrp_notify_fifo or lvs_notify_fifo names the same FIFO as notify_fifo, keepalived ignores the specific one (and its script), since every event already goes to notify_fifo. When vrrp_notify_fifo and lvs_notify_fifo share a FIFO and both have a script, the lvs_notify_fifo_script is ignored. tskad does the same.',
  },
  TSKAD_W_NAME_WITH_SLASH: {
    severity: 'warning',
    summary: "a namespace or instance name with a '/' in it",
    help: "net_namespace and net_namespace_ipvs name files in /run/netns, and instance is put into pid-file names, so a '/' makes a path that cannot work. keepalived -t accepts it and fails at start-up. Use a plain name.",
  },
});
