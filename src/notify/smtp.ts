// Alert mail (keepalived.conf(5) notification_email, notification_email_from,
// smtp_server, smtp_helo_name, smtp_connect_timeout, smtp_alert; keepalived
// 2.2.7 core/smtp.c, vrrp/vrrp_notify.c): one connection per alert, plain
// SMTP with no authentication and no TLS (keepalived has neither, and a
// relay's self-signed STARTTLS certificate must not stop alerts that
// keepalived would deliver), nothing queued or retried.
//
// keepalived's conventions: subject `[router_id] VRRP Instance VI_1 -
// Entering MASTER state`, a one-line body `=> VRRP Instance is now owning
// VRRP VIPs <=`, headers From, To (every recipient, comma separated),
// Subject, Date and `X-Mailer: Keepalived` — kept, since operators filter
// on it. The SMTP exchange itself is nodemailer's.
//
// Sending never delays the caller. A mail server that is down is logged once
// per outage (keepalived logs every failed alert), and again when it answers.
import { spawnSync } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import { createTransport } from 'nodemailer';
import { effectiveMail, effectiveRouterId, type HostFacts } from '../config/effective-global.js';
import type { Config } from '../config/schema/index.js';
import type { Logger } from '../observe/log.js';
import type { Alert, AlertSender } from './alerts.js';

export interface MailerSettings {
  readonly server: { readonly host: string; readonly port: number };
  readonly recipients: readonly string[];
  readonly from: string;
  /** undefined: `localhost`, as keepalived says HELO when it has no name */
  readonly heloName?: string;
  /** smtp_connect_timeout, seconds: for the connection and every reply */
  readonly connectTimeout: number;
  readonly routerId: string;
}

/** `[192.0.2.25]:25`, keepalived's way of naming the server */
const serverText = (s: MailerSettings['server']): string => `[${s.host}]:${s.port}`;

export class Mailer implements AlertSender {
  private readonly pending = new Set<Promise<void>>();
  private down = false;
  /** alerts lost during the current outage */
  private lost = 0;
  private readonly transport;

  constructor(
    private readonly settings: MailerSettings,
    private readonly log: Logger,
  ) {
    const ms = settings.connectTimeout * 1000;
    this.transport = createTransport({
      host: settings.server.host,
      port: settings.server.port,
      secure: false,
      ignoreTLS: true,
      name: settings.heloName ?? 'localhost',
      connectionTimeout: ms,
      greetingTimeout: ms,
      socketTimeout: ms,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  /** Sends in the background; failures are logged (once per outage), never thrown. */
  send(alert: Alert): void {
    const { settings, log } = this;
    const subject = `[${settings.routerId}] ${alert.subject}`;
    const sending = this.transport
      .sendMail({
        from: settings.from,
        to: [...settings.recipients],
        subject,
        text: `${alert.body}\r\n`,
        headers: { 'X-Mailer': 'Keepalived' },
      })
      .then(
        () => {
          if (this.down) log.info({ server: serverText(settings.server), lost: this.lost }, `SMTP server ${serverText(settings.server)} answers again (${this.lost} alert(s) were lost while it did not)`);
          this.down = false;
          this.lost = 0;
          log.debug({ subject }, 'SMTP alert successfully sent.');
        },
        (e: Error) => {
          this.lost++;
          if (!this.down) log.warn({ server: serverText(settings.server), err: e.message, subject }, `SMTP connection ERROR to ${serverText(settings.server)}: ${e.message}; alerts are lost until it answers`);
          else log.debug({ server: serverText(settings.server), err: e.message, subject }, `SMTP alert lost: ${e.message}`);
          this.down = true;
        },
      )
      .finally(() => this.pending.delete(sending));
    this.pending.add(sending);
  }

  /** Waits for the alerts in flight, at most `ms` (at shutdown, the STOP alerts). */
  async flush(ms: number): Promise<void> {
    if (this.pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.pending), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
  }

  close(): void {
    this.transport.close();
  }
}

/** keepalived's sender when none is configured and the host name does not resolve */
const FALLBACK_FROM = 'keepalived@localhost';

/**
 * The mailer global_defs asks for, or undefined when it asks for none
 * (keepalived needs a relay and a recipient). The host's canonical name is
 * looked up only when router_id, the sender or the HELO name default to it:
 * the lookup may wait for DNS.
 */
export function configuredMailer(g: Config['globalDefs'], log: Logger): Mailer | undefined {
  if (!g.smtpServer || g.notificationEmail.length === 0) return undefined;
  const named = g.routerId !== undefined && g.notificationEmailFrom !== undefined && g.smtpHeloName !== undefined;
  const canonicalName = named ? undefined : canonicalHostName();
  const host: HostFacts = { userName: userInfo().username, ...(canonicalName !== undefined && { canonicalName }) };
  const mail = effectiveMail(g, host)!;
  return new Mailer({ ...mail, from: mail.from ?? FALLBACK_FROM, routerId: effectiveRouterId(g, host) }, log);
}

/** getaddrinfo(AI_CANONNAME) of the node name, as keepalived's get_local_name(); Node's dns.lookup cannot ask for it, getent can. */
function canonicalHostName(): string | undefined {
  const r = spawnSync('getent', ['ahosts', hostname()], { encoding: 'utf8', timeout: 5000 });
  // the first line carries the canonical name: `127.0.1.1  STREAM host.example.org`
  return r.status === 0 ? r.stdout.split('\n')[0]!.trim().split(/\s+/)[2] : undefined;
}
