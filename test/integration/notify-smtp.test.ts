// Alert mail against a real SMTP server: Debian's python3-aiosmtpd on the
// loopback, with a handler that records each session (HELO name, envelope,
// message). Checks keepalived's subject, body and headers, and that a mail
// server that is down or silent delays nothing and is logged once per outage.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { vrrpAlert } from '../../src/notify/alerts.js';
import { Mailer, type MailerSettings } from '../../src/notify/smtp.js';
import { captureLog } from '../unit/notify/log-capture.js';
import { PYTHON, RECORDER, requireAiosmtpd } from '../helpers/smtp-recorder.js';


interface Received {
  readonly helo: string;
  readonly from: string;
  readonly to: string[];
  readonly data: string;
}

let dir: string;
let server: ChildProcess | undefined;
const silent: Socket[] = [];

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const answers = (port: number): Promise<boolean> =>
  new Promise((r) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => (c.destroy(), r(true)));
    c.once('error', () => r(false));
  });

/** aiosmtpd on 127.0.0.1:port, recording into `out`. */
async function startServer(port: number, out: string): Promise<void> {
  server = spawn(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'recorder.Recorder', out], {
    env: { ...process.env, PYTHONPATH: dir },
    stdio: 'ignore',
  });
  const end = Date.now() + 10_000;
  while (!(await answers(port))) {
    if (Date.now() > end) throw new Error('aiosmtpd did not start');
    await sleep(50);
  }
}

function received(out: string): Received[] {
  return existsSync(out) ? readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Received) : [];
}

const headers = (data: string): Record<string, string> =>
  Object.fromEntries(
    data
      .split(/\r?\n\r?\n/)[0]!
      .split(/\r?\n/)
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
  );

const settings = (port: number, o: Partial<MailerSettings> = {}): MailerSettings => ({
  server: { host: '127.0.0.1', port },
  recipients: ['ops@example.com', 'oncall@example.com'],
  from: 'keepalived@example.com',
  heloName: 'lb1.example.com',
  connectTimeout: 30,
  routerId: 'lb1',
  ...o,
});

before(() => {
  requireAiosmtpd();
  dir = mkdtempSync(join(tmpdir(), 'tskad-smtp-'));
  writeFileSync(join(dir, 'recorder.py'), RECORDER);
});
after(() => {
  server?.kill('SIGKILL');
  for (const s of silent) s.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function stopServer(): Promise<void> {
  if (!server) return;
  const s = server;
  server = undefined;
  s.kill('SIGTERM');
  if (s.exitCode === null) await new Promise((r) => s.once('exit', r));
}

test('an instance alert arrives with keepalived\'s subject, body, headers and envelope', async () => {
  const port = await freePort();
  const out = join(dir, 'instance.jsonl');
  await startServer(port, out);
  const { log } = captureLog();
  const mailer = new Mailer(settings(port), log);
  mailer.send(vrrpAlert('INSTANCE', 'VI_1', 'MASTER'));
  mailer.send(vrrpAlert('GROUP', 'G1', 'BACKUP'));
  await mailer.flush(10_000);
  mailer.close();
  await stopServer();
  // each alert is its own SMTP session, as in keepalived: they may arrive in either order
  const mails = received(out);
  const m = mails.find((x) => headers(x.data)['Subject']?.includes('Instance VI_1'));
  const g = mails.find((x) => headers(x.data)['Subject']?.includes('Group G1'));
  assert.equal(mails.length, 2);
  assert.equal(m!.helo, 'lb1.example.com');
  assert.equal(m!.from, 'keepalived@example.com');
  assert.deepEqual(m!.to, ['ops@example.com', 'oncall@example.com']);
  const h = headers(m!.data);
  assert.equal(h['Subject'], '[lb1] VRRP Instance VI_1 - Entering MASTER state');
  assert.equal(h['From'], 'keepalived@example.com');
  assert.equal(h['To'], 'ops@example.com, oncall@example.com');
  assert.equal(h['X-Mailer'], 'Keepalived');
  assert.ok(!Number.isNaN(Date.parse(h['Date']!)));
  assert.equal(m!.data.split(/\r?\n\r?\n/)[1]!.trim(), '=> VRRP Instance is now owning VRRP VIPs <=');
  assert.equal(headers(g!.data)['Subject'], '[lb1] VRRP Group G1 - Entering BACKUP state');
  assert.equal(g!.data.split(/\r?\n\r?\n/)[1]!.trim(), '=> All VRRP group instances are now in BACKUP state <=');
});

test('a mail server that is down delays nothing and is logged once per outage', async () => {
  const port = await freePort();
  const out = join(dir, 'outage.jsonl');
  const { log, lines } = captureLog();
  const mailer = new Mailer(settings(port), log);
  const started = performance.now();
  for (const state of ['BACKUP', 'MASTER', 'FAULT'] as const) mailer.send(vrrpAlert('INSTANCE', 'VI_1', state));
  assert.ok(performance.now() - started < 20, 'send() returns at once');
  await mailer.flush(5000);
  assert.equal(lines.filter((l) => l.startsWith(`SMTP connection ERROR to [127.0.0.1]:${port}`)).length, 1);
  await startServer(port, out);
  mailer.send(vrrpAlert('INSTANCE', 'VI_1', 'BACKUP'));
  await mailer.flush(10_000);
  mailer.close();
  await stopServer();
  assert.ok(lines.includes(`SMTP server [127.0.0.1]:${port} answers again (3 alert(s) were lost while it did not)`));
  assert.equal(received(out).length, 1);
});

test('a server that accepts but never answers is given up after smtp_connect_timeout, without delaying the caller', async () => {
  const mute: Server = createServer((s) => silent.push(s));
  await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
  const port = (mute.address() as { port: number }).port;
  const { log, lines } = captureLog();
  const mailer = new Mailer(settings(port, { connectTimeout: 1 }), log);
  const started = performance.now();
  mailer.send(vrrpAlert('INSTANCE', 'VI_1', 'MASTER'));
  assert.ok(performance.now() - started < 20);
  await mailer.flush(100);
  assert.ok(performance.now() - started < 400, 'flush gives up at its limit');
  await mailer.flush(5000);
  const took = performance.now() - started;
  assert.ok(took >= 900 && took < 3000, `gave up after ${took} ms`);
  assert.equal(lines.filter((l) => l.startsWith('SMTP connection ERROR')).length, 1);
  mailer.close();
  for (const s of silent.splice(0)) s.destroy();
  await new Promise((r) => mute.close(r));
});
