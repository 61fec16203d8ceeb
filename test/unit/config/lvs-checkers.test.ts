// The checkers of a real_server: each kind's keywords and keepalived 2.2.7
// defaults, the common keywords, and what keepalived accepts only in some
// kinds (nb_get_retry: HTTP_GET and SSL_GET only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../../src/config/load.js';
import type { Checker } from '../../../src/config/schema/checkers.js';

/** One real server with `checkers` in it; the diagnostics as `LINE CODE` (line 6 is the first checker line). */
function checkers(body: string) {
  const text = `virtual_server 192.0.2.10 80 {\n lvs_sched rr\n lvs_method NAT\n protocol TCP\n real_server 192.0.2.21 80 {\n${body}\n }\n}\n`;
  const r = loadConfigText(text, 't.conf');
  return { list: r.config.virtualServer[0]?.realServer[0]?.checkers ?? [], codes: r.diagnostics.items.map((d) => `${d.loc?.line} ${d.code}`) };
}

const only = (body: string): Checker => {
  const { list, codes } = checkers(body);
  assert.deepEqual(codes, []);
  assert.equal(list.length, 1);
  return list[0]!;
};

test('TCP_CHECK and PING_CHECK: no keywords of their own; every setting left to the real server stays undefined', () => {
  assert.deepEqual(only('TCP_CHECK {\n}'), { type: 'TCP_CHECK' });
  assert.deepEqual(only('PING_CHECK {\n}'), { type: 'PING_CHECK' });
});

test('the connection and timing keywords common to the connecting checkers', () => {
  const c = only(
    'TCP_CHECK {\n connect_ip 192.0.2.121\n connect_port 8080\n bindto 192.0.2.5\n bind_port 40000\n bind_if eth0\n fwmark 4294967295\n' +
      ' connect_timeout 2.5\n retry 0\n delay_before_retry 0\n warmup 0\n delay_loop 3\n alpha off\n log_all_failures\n}',
  );
  assert.deepEqual(c, {
    type: 'TCP_CHECK', connectIp: '192.0.2.121', connectPort: 8080, bindto: '192.0.2.5', bindPort: 40000, bindIf: 'eth0', fwmark: 4294967295,
    connectTimeout: 2.5, retry: 0, delayBeforeRetry: 0, warmup: 0, delayLoop: 3, alpha: false, logAllFailures: true,
  });
});

test('values keepalived rejects in the common keywords', () => {
  const bad = ['connect_ip 192.0.2.300', 'connect_port 0', 'bind_port 65536', 'bind_if averyveryverylongname', 'fwmark 4294967296', 'connect_timeout 0', 'delay_loop 0', 'retry -1', 'alpha maybe'];
  for (const line of bad) assert.deepEqual(checkers(`TCP_CHECK {\n ${line}\n}`).codes, ['7 TSKAD_E_BAD_VALUE'], line);
});

test('HTTP_GET: url blocks, keepalived defaults (HTTP/1.0, status 200-299)', () => {
  const c = only('HTTP_GET {\n url {\n  path /\n }\n}');
  assert.deepEqual(c, {
    type: 'HTTP_GET', httpProtocol: '1.0', enableSni: false, fastRecovery: false,
    url: [{ path: '/', statusCode: [{ from: 200, to: 299 }], regexNoMatch: false }],
  });
});

test('HTTP_GET and SSL_GET: every keyword', () => {
  const c = only(
    'SSL_GET {\n virtualhost www.example.com\n http_protocol 1.0c\n enable_sni\n fast_recovery yes\n url {\n  path /health\n' +
      '  digest 9B3A0C85A887A256D6939DA88AABD8CD\n  status_code 200 300-302\n  status_code 404\n  virtualhost h.example.com\n  regex "^OK$"\n' +
      '  regex_no_match\n  regex_options caseless\n  regex_options multiline\n  regex_stack 1024 4096\n  regex_min_offset 1\n  regex_max_offset 200\n }\n url {\n  path /b\n }\n}',
  );
  assert.deepEqual(c, {
    type: 'SSL_GET', virtualhost: 'www.example.com', httpProtocol: '1.0C', enableSni: true, fastRecovery: true,
    url: [
      {
        path: '/health', digest: '9B3A0C85A887A256D6939DA88AABD8CD',
        // status_code lines add up, as keepalived sets bits for each
        statusCode: [{ from: 200, to: 200 }, { from: 300, to: 302 }, { from: 404, to: 404 }],
        virtualhost: 'h.example.com', regex: '^OK$', regexNoMatch: true, regexOptions: ['caseless', 'multiline'],
        regexStack: { start: 1024, max: 4096 }, regexMinOffset: 1, regexMaxOffset: 200,
      },
      { path: '/b', statusCode: [{ from: 200, to: 299 }], regexNoMatch: false },
    ],
  });
});

test('status_code: a bad word is reported and the others kept', () => {
  const { list, codes } = checkers('HTTP_GET {\n url {\n  path /\n  status_code 200 99 600 300-200 abc 201-\n }\n}');
  assert.deepEqual(codes, ['9 TSKAD_E_BAD_VALUE', '9 TSKAD_E_BAD_VALUE', '9 TSKAD_E_BAD_VALUE', '9 TSKAD_E_BAD_VALUE', '9 TSKAD_E_BAD_VALUE']);
  assert.deepEqual((list[0] as Extract<Checker, { type: 'HTTP_GET' }>).url[0]!.statusCode, [{ from: 200, to: 200 }]);
});

test('digest is 32 hex digits, an MD5 as genhash prints it', () => {
  for (const d of ['9b3a0c85', '9b3a0c85a887a256d6939da88aabd8cz']) {
    assert.deepEqual(checkers(`HTTP_GET {\n url {\n  path /\n  digest ${d}\n }\n}`).codes, ['9 TSKAD_E_BAD_VALUE'], d);
  }
});

test('an unknown regex option is ignored with a warning (keepalived ignores it silently)', () => {
  const { list, codes } = checkers('HTTP_GET {\n url {\n  path /\n  regex x\n  regex_options caseless bogus\n }\n}');
  assert.deepEqual(codes, ['10 TSKAD_W_LVS_IGNORED_SETTING']);
  assert.deepEqual((list[0] as Extract<Checker, { type: 'HTTP_GET' }>).url[0]!.regexOptions, ['caseless']);
});

test('nb_get_retry: a deprecated spelling of retry in HTTP_GET and SSL_GET only', () => {
  for (const kind of ['HTTP_GET', 'SSL_GET']) {
    const { list, codes } = checkers(`${kind} {\n nb_get_retry 3\n url {\n  path /\n }\n}`);
    assert.deepEqual(codes, ['7 TSKAD_W_DEPRECATED_KEYWORD'], kind);
    assert.equal((list[0] as { retry?: number }).retry, 3);
  }
  for (const kind of ['TCP_CHECK', 'SMTP_CHECK', 'DNS_CHECK', 'UDP_CHECK', 'PING_CHECK']) {
    assert.deepEqual(checkers(`${kind} {\n nb_get_retry 3\n}`).codes, ['7 TSKAD_E_UNKNOWN_KEYWORD'], kind);
  }
  assert.deepEqual(checkers('MISC_CHECK {\n misc_path /bin/true\n nb_get_retry 3\n}').codes, ['8 TSKAD_E_UNKNOWN_KEYWORD']);
});

test('SMTP_CHECK: helo_name defaults to smtpchecker.keepalived.org; host { } is read silently, as keepalived reads it', () => {
  assert.deepEqual(only('SMTP_CHECK {\n}'), { type: 'SMTP_CHECK', heloName: 'smtpchecker.keepalived.org', host: [] });
  const { list, codes } = checkers('SMTP_CHECK {\n helo_name mx.example.com\n host {\n  connect_ip 192.0.2.25\n  connect_port 25\n }\n}');
  assert.deepEqual(codes, []);
  assert.deepEqual(list[0], { type: 'SMTP_CHECK', heloName: 'mx.example.com', host: [{ connectIp: '192.0.2.25', connectPort: 25 }] });
});

test('DNS_CHECK: type (case-insensitive, default SOA) and name (default the root)', () => {
  assert.deepEqual(only('DNS_CHECK {\n}'), { type: 'DNS_CHECK', queryType: 'SOA', name: '.' });
  assert.deepEqual(only('DNS_CHECK {\n type aaaa\n name www.example.com\n}'), { type: 'DNS_CHECK', queryType: 'AAAA', name: 'www.example.com' });
  for (const t of ['A', 'NS', 'CNAME', 'MX', 'TXT', 'RRSIG', 'DNSKEY']) assert.equal((only(`DNS_CHECK {\n type ${t}\n}`) as { queryType: string }).queryType, t);
  for (const line of ['type PTR', 'name .example.com', 'name a..b']) assert.deepEqual(checkers(`DNS_CHECK {\n ${line}\n}`).codes, ['7 TSKAD_E_BAD_VALUE'], line);
});

test('MISC_CHECK: misc_path takes the rest of the line; misc_timeout, misc_dynamic, user; no connection keywords', () => {
  assert.deepEqual(only('MISC_CHECK {\n misc_path "/usr/local/bin/check web"\n}'), {
    type: 'MISC_CHECK', miscPath: { command: '/usr/local/bin/check web', runner: 'exec' }, miscDynamic: false,
  });
  assert.deepEqual(only('MISC_CHECK {\n misc_path /bin/check -q "a b"\n misc_timeout 5\n misc_dynamic\n user nobody nogroup\n retry 0\n}'), {
    type: 'MISC_CHECK', miscPath: { command: '/bin/check -q a b', runner: 'exec' }, miscTimeout: 5, miscDynamic: true, user: { user: 'nobody', group: 'nogroup' }, retry: 0,
  });
  // shell syntax, which keepalived would exec literally, runs through sh
  assert.equal((only('MISC_CHECK {\n misc_path "test -f /run/up && exit 0"\n}') as { miscPath: { runner: string } }).miscPath.runner, 'sh');
  assert.deepEqual(checkers('MISC_CHECK {\n misc_timeout 5\n}').codes, ['8 TSKAD_E_MISSING_KEYWORD']);
  assert.deepEqual(checkers('MISC_CHECK {\n misc_path /bin/true\n connect_timeout 3\n}').codes, ['8 TSKAD_E_UNKNOWN_KEYWORD']);
});

test('UDP_CHECK: hex payload and reply, reply lengths 0 and 255 by default', () => {
  assert.deepEqual(only('UDP_CHECK {\n}'), { type: 'UDP_CHECK', minReplyLength: 0, maxReplyLength: 255 });
  assert.deepEqual(only('UDP_CHECK {\n payload Ab12f 3\n require_reply 01 xX\n min_reply_length 2\n max_reply_length 65535\n}'), {
    type: 'UDP_CHECK', payload: 'Ab12f 3', requireReply: { data: '01 xX' }, minReplyLength: 2, maxReplyLength: 65535,
  });
  assert.deepEqual((only('UDP_CHECK {\n require_reply\n}') as { requireReply?: object }).requireReply, {});
  assert.deepEqual(checkers('UDP_CHECK {\n payload 0g\n}').codes, ['7 TSKAD_E_BAD_VALUE']);
  assert.deepEqual(checkers('UDP_CHECK {\n payload 0X\n}').codes, ['7 TSKAD_E_BAD_VALUE']);
});

test('FILE_CHECK and BFD_CHECK name the block they follow, and take none of the common keywords', () => {
  const text = (body: string) => `track_file weights {\n file /run/w\n}\nbfd_instance peer {\n neighbor_ip 192.0.2.21\n}\n` +
    `virtual_server 192.0.2.10 80 {\n lvs_sched rr\n lvs_method NAT\n protocol TCP\n real_server 192.0.2.21 80 {\n${body}\n }\n}\n`;
  const r = loadConfigText(text('FILE_CHECK {\n track_file weights\n weight -3 reverse\n}\nFILE_CHECK {\n track_file weights\n}\nBFD_CHECK {\n name peer\n alpha\n}'));
  assert.deepEqual(r.diagnostics.items, []);
  assert.deepEqual(r.config.virtualServer[0]!.realServer[0]!.checkers, [
    { type: 'FILE_CHECK', trackFile: 'weights', weight: { weight: -3, reverse: true } },
    { type: 'FILE_CHECK', trackFile: 'weights' },
    { type: 'BFD_CHECK', name: 'peer', alpha: true },
  ]);
  const codes = (body: string) => loadConfigText(text(body)).diagnostics.items.map((d) => d.code);
  assert.deepEqual(codes('FILE_CHECK {\n weight 2\n}'), ['TSKAD_E_MISSING_KEYWORD']);
  assert.deepEqual(codes('FILE_CHECK {\n track_file weights\n weight 2 sideways\n}'), ['TSKAD_E_BAD_VALUE']);
  assert.deepEqual(codes('BFD_CHECK {\n}'), ['TSKAD_E_MISSING_KEYWORD']);
  assert.deepEqual(codes('BFD_CHECK {\n name peer\n retry 2\n}'), ['TSKAD_E_UNKNOWN_KEYWORD']);
  assert.deepEqual(codes('FILE_CHECK {\n track_file nope\n}'), ['TSKAD_E_UNKNOWN_REFERENCE']);
  assert.deepEqual(codes('BFD_CHECK {\n name nope\n}'), ['TSKAD_E_UNKNOWN_REFERENCE']);
});

test('a bfd_instance marked vrrp only reports to VRRP: BFD_CHECK cannot use it', () => {
  const r = loadConfigText('bfd_instance peer {\n neighbor_ip 192.0.2.21\n vrrp\n}\nvirtual_server 192.0.2.10 80 {\n lvs_sched rr\n lvs_method NAT\n protocol TCP\n real_server 192.0.2.21 80 {\n  BFD_CHECK {\n   name peer\n  }\n }\n}\n');
  assert.deepEqual(r.diagnostics.items.map((d) => `${d.loc?.line} ${d.code}`), ['11 TSKAD_E_UNKNOWN_REFERENCE']);
});

test('several checkers of several kinds on one real server keep their order and source lines', () => {
  const r = loadConfigText('virtual_server 192.0.2.10 80 {\n lvs_sched rr\n lvs_method NAT\n protocol TCP\n real_server 192.0.2.21 80 {\n  TCP_CHECK {\n  }\n  PING_CHECK {\n  }\n  TCP_CHECK {\n   connect_port 81\n  }\n }\n}\n');
  assert.deepEqual(r.config.virtualServer[0]!.realServer[0]!.checkers.map((c) => c.type), ['TCP_CHECK', 'PING_CHECK', 'TCP_CHECK']);
  assert.equal(r.sources.get('virtualServer/0/realServer/0/checkers/2')?.line, 10);
  assert.equal(r.sources.get('virtualServer/0/realServer/0/checkers/2/connectPort')?.line, 11);
});
