// The keyword DSL and the binder: reading, defaults, aliases, locations, and
// the print functions that let the printer write a model back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { Diagnostics } from '../../../src/config/diagnostics.js';
import { lexLine } from '../../../src/config/lexer.js';
import { parseLines } from '../../../src/config/parser.js';
import { bindConfig } from '../../../src/config/bind.js';
import {
  block, flag, int, lines, oneOf, printBlock, quote, required, seconds, str, sub, tagged, wordBlock, words,
} from '../../../src/config/schema/dsl.js';
import { nameHead } from '../../../src/config/schema/common.js';

const inner = block({
  priority: int(1, 255, 100),
  advertInt: seconds(0.01, 255, 1),
  state: oneOf(['MASTER', 'BACKUP']),
  nopreempt: flag(),
  lvsSched: oneOf(['rr', 'wlc'], 'wlc', { synonyms: ['lb_algo'] }),
  retry: int(0, 100, undefined, { aliases: ['nb_get_retry'] }),
  virtualRouterId: required(int(1, 255)),
  emails: wordBlock({ name: 'notification_email' }),
  vips: lines(z.object({ addr: z.string(), dev: z.string().optional() }), (ws) => ({ addr: ws[0]!.text, ...(ws[2] ? { dev: ws[2].text } : {}) }), (v) => [v.addr, ...(v.dev ? ['dev', v.dev] : [])], { name: 'virtual_ipaddress' }),
  smtpServer: words(z.object({ host: z.string(), port: z.number().int().default(25) }).optional(), 1, 2, (ws) => ({ host: ws[0]!.text, ...(ws[1] ? { port: Number(ws[1].text) } : {}) }), (v) => [v.host, String(v.port)]),
  checks: tagged({
    TCP_CHECK: sub(block({ connectPort: int(1, 65535) })),
    MISC_CHECK: sub(block({ miscPath: str() })),
  }),
});
const root = block({ inst: sub(inner, { many: true, head: nameHead, name: 'vrrp_instance' }) });

const bind = (text: string) => {
  const diag = new Diagnostics();
  const tree = parseLines(text.split('\n').map((t, i) => lexLine({ text: t, file: 't.conf', line: i + 1, col: 1 })), diag);
  return { ...bindConfig(root, tree, diag), diag };
};

test('reads values, applies defaults, leaves optional fields undefined', () => {
  const { value, diag } = bind('vrrp_instance VI_1 {\n virtual_router_id 51\n advert_int 0.5\n nopreempt\n}');
  assert.deepEqual(diag.items, []);
  const i = value.inst[0]!;
  assert.equal(i.name, 'VI_1');
  assert.equal(i.priority, 100);
  assert.equal(i.advertInt, 0.5);
  assert.equal(i.nopreempt, true);
  assert.equal(i.state, undefined);
  assert.equal(i.lvsSched, 'wlc');
  assert.deepEqual(i.checks, []);
});

test('a value out of range is reported at its argument and the default kept', () => {
  const { value, diag } = bind('vrrp_instance VI_1 {\n virtual_router_id 51\n priority 256\n}');
  assert.equal(value.inst[0]!.priority, 100);
  assert.equal(diag.items.length, 1);
  assert.equal(diag.items[0]!.code, 'TSKAD_E_BAD_VALUE');
  assert.deepEqual(diag.items[0]!.loc, { file: 't.conf', line: 3, col: 11 });
  assert.match(diag.items[0]!.message, /priority: must be at most 255/);
});

test('a missing required keyword is reported once, where the block closes (as keepalived does)', () => {
  const { diag } = bind('vrrp_instance VI_1 {\n priority 5\n}');
  assert.deepEqual(diag.items.map((d) => [d.code, d.loc?.line, d.message]), [['TSKAD_E_MISSING_KEYWORD', 3, 'vrrp_instance VI_1 (line 1) has no virtual_router_id']]);
  // an invalid line counts as given: only its own error is reported
  assert.deepEqual(bind('vrrp_instance VI_1 {\n virtual_router_id x\n}').diag.items.map((d) => d.code), ['TSKAD_E_BAD_VALUE']);
});

test('synonyms are silent, deprecated aliases warn and map to the field', () => {
  const { value, diag } = bind('vrrp_instance A {\n virtual_router_id 1\n lb_algo rr\n nb_get_retry 3\n}');
  assert.equal(value.inst[0]!.lvsSched, 'rr');
  assert.equal(value.inst[0]!.retry, 3);
  assert.deepEqual(diag.items.map((d) => [d.code, d.loc?.line]), [['TSKAD_W_DEPRECATED_KEYWORD', 4]]);
});

test('unknown keywords get a did-you-mean; block shape is enforced', () => {
  const { diag } = bind('vrrp_instance A {\n virtual_router_id 1\n priorty 5\n nopreempt {\n }\n virtual_ipaddress 192.0.2.1\n}');
  assert.deepEqual(
    diag.items.map((d) => [d.code, d.loc?.line, d.hint]),
    [
      ['TSKAD_E_UNKNOWN_KEYWORD', 3, "did you mean 'priority'?"],
      ['TSKAD_E_NOT_A_BLOCK', 4, undefined],
      ['TSKAD_E_NOT_A_BLOCK', 6, undefined],
    ],
  );
});

test('lists, word blocks, multi-word values and tagged sub-blocks, with source positions', () => {
  const { value, sources, diag } = bind(
    'vrrp_instance A {\n virtual_router_id 1\n virtual_ipaddress {\n  192.0.2.1/24 dev eth0\n  192.0.2.2\n }\n' +
      ' notification_email {\n a@example.org b@example.org\n }\n smtp_server 192.0.2.25\n' +
      ' TCP_CHECK {\n connect_port 80\n }\n MISC_CHECK {\n misc_path "/bin/true x"\n }\n}',
  );
  assert.deepEqual(diag.items, []);
  const i = value.inst[0]!;
  assert.deepEqual(i.vips, [{ addr: '192.0.2.1/24', dev: 'eth0' }, { addr: '192.0.2.2' }]);
  assert.deepEqual(i.emails, ['a@example.org', 'b@example.org']);
  assert.deepEqual(i.smtpServer, { host: '192.0.2.25', port: 25 });
  assert.deepEqual(i.checks, [{ type: 'TCP_CHECK', connectPort: 80 }, { type: 'MISC_CHECK', miscPath: '/bin/true x' }]);
  assert.equal(sources.get('inst/0/vips/1')?.line, 5);
  assert.equal(sources.get('inst/0/checks/1')?.line, 14);
});

test("a tagged element starts with its tag, and a block keyword's readInto starts its value with the fields given", () => {
  const { value } = bind('vrrp_instance A {\n virtual_router_id 1\n TCP_CHECK {\n connect_port 80\n }\n}');
  assert.deepEqual(Object.keys(value.inst[0]!.checks[0]!), ['type', 'connectPort']);
  const kw = root.spec.inst;
  const inside = bindConfig(block({ wrapper: sub(block({ inst: { ...kw, read: (node, cx) => kw.readInto!(node, cx, { first: 0 }) } })) }), parseLines(['wrapper {', 'vrrp_instance VI_9 {', 'virtual_router_id 9', '}', '}'].map((t, i) => lexLine({ text: t, file: 't.conf', line: i + 1, col: 1 })), new Diagnostics()), new Diagnostics());
  const inst = (inside.value.wrapper.inst as unknown as Array<Record<string, unknown>>)[0]!;
  assert.deepEqual(Object.keys(inst).slice(0, 3), ['first', 'name', 'virtualRouterId']);
});

test('repeated list blocks add up; a repeated scalar warns and the last wins', () => {
  const { value, diag } = bind('vrrp_instance A {\n virtual_router_id 1\n virtual_ipaddress {\n 192.0.2.1\n }\n virtual_ipaddress {\n 192.0.2.2\n }\n priority 5\n priority 6\n}');
  assert.deepEqual(value.inst[0]!.vips.map((v) => v.addr), ['192.0.2.1', '192.0.2.2']);
  assert.equal(value.inst[0]!.priority, 6);
  assert.deepEqual(diag.items.map((d) => [d.code, d.loc?.line]), [['TSKAD_W_DUPLICATE_KEYWORD', 10]]);
});

test('printBlock writes back what was read, leaving defaults out', () => {
  const { value } = bind('vrrp_instance "VI 1" {\n virtual_router_id 1\n priority 100\n lb_algo rr\n TCP_CHECK {\n connect_port 80\n }\n}');
  assert.deepEqual(printBlock(root, value), [
    {
      words: ['vrrp_instance', 'VI 1'],
      children: [
        { words: ['lvs_sched', 'rr'] },
        { words: ['virtual_router_id', '1'] },
        { words: ['TCP_CHECK'], children: [{ words: ['connect_port', '80'] }] },
      ],
    },
  ]);
  assert.equal(quote('VI 1'), '"VI 1"');
  assert.equal(quote('a"b'), '"a\\x22b"');
  assert.equal(quote('plain'), 'plain');
});
