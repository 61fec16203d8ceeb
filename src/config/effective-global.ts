// Global settings keepalived derives rather than reads: from the host (its
// canonical name, the user it runs as) or from other keywords (vrrp_min_garp,
// process_names, instance, vrrp_iptables). keepalived 2.2.7 does this in
// core/global_data.c init_global_data() and the vrrp_min_garp and
// process_names handlers. Pure functions of the model: host facts are passed in.
import { defaultOf } from './schema/dsl.js';
import { globalDefs, type GlobalDefs } from './schema/global.js';
import type { Config } from './schema/index.js';

export interface HostFacts {
  /** the canonical name of uname's node name (getaddrinfo AI_CANONNAME); undefined when it does not resolve */
  readonly canonicalName?: string;
  /** login name of the user the daemon runs as */
  readonly userName: string;
}

/**
 * A field's value. The bound model always carries keepalived's defaults, but
 * the dsl types a defaulted field as optional, so the default is named here too.
 */
const valueOf = <K extends keyof GlobalDefs>(g: GlobalDefs, k: K): NonNullable<GlobalDefs[K]> =>
  (g[k] ?? defaultOf(globalDefs.spec[k])) as NonNullable<GlobalDefs[K]>;

/** keepalived's stand-in when the host name does not resolve */
const UNKNOWN_HOST = '[unknown]';

export const effectiveRouterId = (g: GlobalDefs, host: HostFacts): string => g.routerId ?? host.canonicalName ?? UNKNOWN_HOST;

export interface MailSettings {
  readonly server: NonNullable<GlobalDefs['smtpServer']>;
  readonly recipients: readonly string[];
  /** undefined when neither configured nor derivable (the host name does not resolve) */
  readonly from?: string;
  readonly heloName?: string;
  readonly connectTimeout: number;
}

/** Alert mail, or undefined when none is sent: keepalived needs both a relay and a recipient (core/smtp.c). */
export function effectiveMail(g: GlobalDefs, host: HostFacts): MailSettings | undefined {
  if (!g.smtpServer || g.notificationEmail.length === 0) return undefined;
  const name = host.canonicalName;
  const from = g.notificationEmailFrom ?? (name ? `${host.userName}@${name}` : undefined);
  const heloName = g.smtpHeloName ?? name;
  return {
    server: g.smtpServer,
    recipients: g.notificationEmail,
    ...(from !== undefined ? { from } : {}),
    ...(heloName !== undefined ? { heloName } : {}),
    connectTimeout: valueOf(g, 'smtpConnectTimeout'),
  };
}

/** The global smtp_alert default for VRRP (instances, sync groups) or checker (virtual, real servers) objects; undefined: unset. */
export const globalSmtpAlert = (g: GlobalDefs, kind: 'vrrp' | 'checker'): boolean | undefined =>
  (kind === 'vrrp' ? g.smtpAlertVrrp : g.smtpAlertChecker) ?? g.smtpAlert;

export interface GarpDefaults {
  readonly masterDelay: number;
  readonly masterRepeat: number;
  readonly masterRefresh: number;
  readonly masterRefreshRepeat: number;
  readonly lowerPrioDelay: number;
  readonly lowerPrioRepeat: number;
}

/**
 * The global GARP/NA defaults instances inherit. vrrp_min_garp lowers those
 * still at keepalived's default; the lower-priority pair defaults to the
 * master pair. (keepalived applies vrrp_min_garp in file order, so a value
 * written equal to its default after it would survive; the model cannot tell.)
 */
export function effectiveGarp(g: GlobalDefs): GarpDefaults {
  const minimal = (field: 'vrrpGarpMasterDelay' | 'vrrpGarpMasterRepeat' | 'vrrpGarpMasterRefreshRepeat', min: number): number => {
    const v = valueOf(g, field);
    return g.vrrpMinGarp && v === defaultOf(globalDefs.spec[field]) ? min : v;
  };
  const masterDelay = minimal('vrrpGarpMasterDelay', 0);
  const masterRepeat = minimal('vrrpGarpMasterRepeat', 1);
  return {
    masterDelay,
    masterRepeat,
    masterRefresh: valueOf(g, 'vrrpGarpMasterRefresh'),
    masterRefreshRepeat: minimal('vrrpGarpMasterRefreshRepeat', 0),
    lowerPrioDelay: g.vrrpGarpLowerPrioDelay ?? masterDelay,
    lowerPrioRepeat: g.vrrpGarpLowerPrioRepeat ?? masterRepeat,
  };
}

export interface ProcessNames {
  readonly parent?: string;
  readonly vrrp?: string;
  readonly checker?: string;
  readonly bfd?: string;
}

/**
 * process_names names the children only. keepalived applies it in file order,
 * so it overrides a child's name given before it; tskad lets an explicit name
 * win wherever it stands (the model keeps no order).
 */
export function effectiveProcessNames(g: GlobalDefs): ProcessNames {
  const named = (explicit: string | undefined, fallback: string) => explicit ?? (g.processNames ? fallback : undefined);
  return {
    ...(g.processName !== undefined ? { parent: g.processName } : {}),
    ...pick('vrrp', named(g.vrrpProcessName, 'keepalived_vrrp')),
    ...pick('checker', named(g.checkerProcessName, 'keepalived_lvs')),
    ...pick('bfd', named(g.bfdProcessName, 'keepalived_bfd')),
  };
}

const pick = <K extends string>(k: K, v: string | undefined) => (v === undefined ? {} : ({ [k]: v } as Record<K, string>));

/** Pid files go to /run/keepalived/ with use_pid_dir, and whenever instance or net_namespace is set. */
export const usesPidDir = (c: Config): boolean => c.usePidDir || c.instance !== undefined || c.netNamespace !== undefined;

/** reload_file's path; alone it is keepalived[_INSTANCE].reload in the pid directory. */
export function effectiveReloadFile(c: Config): string | undefined {
  const f = c.globalDefs.reloadFile;
  if (f !== '') return f;
  if (c.instance !== undefined) return `/run/keepalived/keepalived_${c.instance}.reload`;
  return usesPidDir(c) ? '/run/keepalived/keepalived.reload' : '/run/keepalived.reload';
}

/** The nftables table for VRRP rules: vrrp_iptables stands for the default table, as in builds without iptables. */
export const effectiveNftablesTable = (g: GlobalDefs): string | undefined => g.nftables ?? (g.vrrpIptables ? 'keepalived' : undefined);

export const effectiveVmacAddrPrefix = (g: GlobalDefs): string => g.vmacAddrPrefix ?? valueOf(g, 'vmacPrefix');

export interface SnmpParts {
  readonly vrrp: boolean;
  readonly checker: boolean;
  readonly rfcv2: boolean;
  readonly rfcv3: boolean;
  readonly traps: boolean;
}

/** enable_snmp_rfc means both RFC MIBs; the -x command-line flag turns on every MIB. */
export function effectiveSnmp(g: GlobalDefs, snmpFlag: boolean): SnmpParts {
  return {
    vrrp: snmpFlag || g.enableSnmpVrrp,
    checker: snmpFlag || g.enableSnmpChecker,
    rfcv2: snmpFlag || g.enableSnmpRfc || g.enableSnmpRfcv2,
    rfcv3: snmpFlag || g.enableSnmpRfc || g.enableSnmpRfcv3,
    traps: g.enableTraps,
  };
}
