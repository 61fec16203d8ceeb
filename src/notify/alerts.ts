// The alerts keepalived 2.2.7 mails for VRRP state changes
// (vrrp/vrrp_notify.c vrrp_smtp_notifier / vrrp_sync_smtp_notifier): their
// subject, before the `[router_id]` prefix, and their one-line body. The
// same sender will carry the checker's real and virtual server alerts.

/** An alert before the `[router_id]` prefix. */
export interface Alert {
  readonly subject: string;
  readonly body: string;
}

/** What sends alerts (smtp.ts Mailer). */
export interface AlertSender {
  /** in the background: never delays the caller, never throws */
  send(alert: Alert): void;
  /** waits for the alerts in flight, at most `ms` */
  flush(ms: number): Promise<void>;
}

type VrrpState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED';

/** keepalived's subject tail and body for each VRRP state (vrrp_smtp_notifier / vrrp_sync_smtp_notifier). */
const INSTANCE_TEXT: Readonly<Record<VrrpState, readonly [string, string]>> = {
  MASTER: ['Entering MASTER state', '=> VRRP Instance is now owning VRRP VIPs <='],
  BACKUP: ['Entering BACKUP state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
  FAULT: ['Entering FAULT state', '=> VRRP Instance is no longer owning VRRP VIPs <='],
  STOP: ['Stopping', '=> VRRP Instance stopping <='],
  DELETED: ['Deleted', '=> VRRP Deleted at reload <='],
};
const GROUP_TEXT: Readonly<Record<Exclude<VrrpState, 'DELETED'>, readonly [string, string]>> = {
  MASTER: ['Entering MASTER state', '=> All VRRP group instances are now in MASTER state <='],
  BACKUP: ['Entering BACKUP state', '=> All VRRP group instances are now in BACKUP state <='],
  FAULT: ['Entering FAULT state', '=> All VRRP group instances are now in FAULT state <='],
  STOP: ['Stopping', '=> All VRRP group instances are now stopping <='],
};

export function vrrpAlert(type: 'INSTANCE' | 'GROUP', name: string, state: VrrpState): Alert {
  const [what, body] = type === 'INSTANCE' ? INSTANCE_TEXT[state] : GROUP_TEXT[state === 'DELETED' ? 'FAULT' : state];
  return { subject: `VRRP ${type === 'INSTANCE' ? 'Instance' : 'Group'} ${name} - ${what}`, body };
}

