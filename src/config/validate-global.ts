// Checks of global_defs and the root keywords that need more than one keyword
// in view (keepalived.conf(5) "GLOBAL CONFIGURATION"). Checks of one value
// alone (ranges, multicast groups, address syntax) are made where the value is
// read, in schema/global.ts, so that a value keepalived skips is skipped too.
import type { Diagnostics } from './diagnostics.js';
import type { SourceMap } from './bind.js';
import type { Config } from './schema/index.js';
import type { NotifyFifo } from './schema/global.js';

export function validateGlobal(config: Config, sources: SourceMap, diag: Diagnostics): void {
  const at = (...path: string[]) => sources.get(path.join('/'));
  const g = config.globalDefs;

  // core/smtp.c sends nothing unless both are set, and says nothing about it
  if (g.smtpServer && g.notificationEmail.length === 0) {
    diag.report('TSKAD_W_SMTP_WITHOUT_RECIPIENTS', 'smtp_server is set but notification_email lists no recipient: no alert mail will be sent', at('globalDefs', 'smtpServer'));
  }
  if (!g.smtpServer && g.notificationEmail.length > 0) {
    diag.report('TSKAD_W_RECIPIENTS_WITHOUT_SMTP', 'notification_email lists recipients but no smtp_server is set: no alert mail will be sent', at('globalDefs', 'notificationEmail'));
  }

  const sync = g.lvsSyncDaemon;
  if (sync?.instance !== undefined && !config.vrrpInstance.some((i) => i.name === sync.instance)) {
    diag.report('TSKAD_E_UNKNOWN_SYNC_INSTANCE', `lvs_sync_daemon follows vrrp_instance ${sync.instance}, which is not defined; no sync daemon will run`, at('globalDefs', 'lvsSyncDaemon'));
  }

  checkSharedFifos(g, (message, field) => diag.report('TSKAD_W_NOTIFY_FIFO_SHARED', message, at('globalDefs', field)));

  for (const [field, keyword] of [['netNamespace', 'net_namespace'], ['netNamespaceIpvs', 'net_namespace_ipvs'], ['instance', 'instance']] as const) {
    const name = config[field];
    if (name?.includes('/')) diag.report('TSKAD_W_NAME_WITH_SLASH', `${keyword} '${name}' contains '/', but it is used as a file name`, at(field));
  }
}

/** core/global_data.c init_global_data(): which notify FIFO keywords are dropped for naming a FIFO twice. */
function checkSharedFifos(g: Config['globalDefs'], report: (message: string, field: string) => void): void {
  const same = (a: NotifyFifo | undefined, b: NotifyFifo | undefined) => a !== undefined && a.path === b?.path;
  if (same(g.notifyFifo, g.vrrpNotifyFifo)) {
    report(`vrrp_notify_fifo ${g.vrrpNotifyFifo!.path} is also notify_fifo, which gets every VRRP event already: vrrp_notify_fifo and its script are ignored`, 'vrrpNotifyFifo');
  }
  if (same(g.notifyFifo, g.lvsNotifyFifo)) {
    report(`lvs_notify_fifo ${g.lvsNotifyFifo!.path} is also notify_fifo, which gets every checker event already: lvs_notify_fifo and its script are ignored`, 'lvsNotifyFifo');
  } else if (same(g.vrrpNotifyFifo, g.lvsNotifyFifo) && g.vrrpNotifyFifoScript && g.lvsNotifyFifoScript) {
    report(`vrrp_notify_fifo and lvs_notify_fifo share ${g.lvsNotifyFifo!.path} and both have a script: lvs_notify_fifo_script is ignored`, 'lvsNotifyFifoScript');
  }
}
