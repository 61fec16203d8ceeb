// The JSON dump (keepalived 2.2.7 vrrp_json.c, /tmp/keepalived.json on
// SIGJSON): an array with one {"data":{…},"stats":{…}} per instance, with
// keepalived's key names, order, state numbers and number formats, written
// as its json_writer.c writes (compact, '/' escaped as '\/'), because
// exporters (keepalived-exporter and friends) parse exactly this.
//
// Keys keepalived writes only when there is something (the notify scripts,
// vips, evips, track_ifp, track_script, auth_data) are left out the same
// way. tskad has no VMACs, virtual routes or rules: vmac_ifname is "" as in
// keepalived without one, vroutes and vrules are absent as when empty.
// wantstate is the state: tskad has no separate wanted state.
import * as eff from '../config/effective-vrrp.js';
import { STAT_NAMES, type StatName } from '../vrrp/instance.js';
import { addressText, commandText, dumpedInstances, notifyScripts, printG, STATE_NUMBER, type DumpedInstance, type DumpSource } from './vrrp-dump-model.js';

/** keepalived's stats object leaves out tskad's RFC 6527 additions */
const JSON_STATS: readonly StatName[] = STAT_NAMES.filter((n) => n !== 'version_err' && n !== 'checksum_err');

/** One JSON value as json_writer.c writes it: a number already formatted, or a string, boolean, array or object. */
type Raw = { readonly raw: string };
type Obj = { readonly fields: ReadonlyArray<readonly [string, Value]> };
type Value = Raw | Obj | string | boolean | readonly Value[];

const raw = (text: string): Raw => ({ raw: text });
const uint = (n: number | boolean): Raw => raw(String(Number(n)));

/** json_writer.c jsonw_puts: it escapes '/', and writes "\n" for a backslash (sic); other control characters as \u00XX, which keepalived writes raw. */
function quoted(s: string): string {
  const esc: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f', '\b': '\\b', '\\': '\\n', '"': '\\"', '/': '\\/' };
  let out = '"';
  for (const c of s) out += esc[c] ?? (c < ' ' ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c);
  return `${out}"`;
}

function write(v: Value): string {
  if (typeof v === 'string') return quoted(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
  if ('raw' in v) return v.raw;
  return `{${(v as Obj).fields.map(([k, x]) => `${quoted(k)}:${write(x)}`).join(',')}}`;
}

/** An object's fields; an absent optional field is left out as keepalived leaves it. */
type Field = readonly [string, Value] | undefined;
const object = (fields: readonly Field[]): Obj => ({ fields: fields.filter((f): f is readonly [string, Value] => f !== undefined) });
const list = (name: string, items: readonly string[]): Field => (items.length > 0 ? [name, items] : undefined);

function data(d: DumpedInstance, src: DumpSource): Obj {
  const { runtime: v, config: i } = d;
  const g = src.config.globalDefs;
  const garp = eff.garp(i, g);
  const advertInt = v.plan.advertIntCs / 100;
  const vipsSet = v.state === 'MASTER';
  const dev = v.plan.interface;
  const auth = eff.authentication(i, g);
  return object([
    ['iname', v.name],
    ['dont_track_primary', uint(i.dontTrackPrimary)],
    ['skip_check_adv_addr', uint(v.plan.skipCheckAdvAddr)],
    ['strict_mode', uint(eff.isStrict(i, g))],
    ['vmac_ifname', ''],
    ['ifp_ifname', dev],
    ['master_priority', uint(v.peerPriority ?? 0)],
    ['last_transition', raw((src.lastTransition(v.name) / 1000).toFixed(6))],
    ['garp_delay', raw(printG(garp.masterDelay))],
    ['garp_refresh', uint(Math.floor(garp.masterRefresh))],
    ['garp_rep', uint(garp.masterRepeat)],
    ['garp_refresh_rep', uint(garp.masterRefreshRepeat)],
    ['garp_lower_prio_delay', uint(Math.floor(garp.lowerPrioDelay))],
    ['garp_lower_prio_rep', uint(garp.lowerPrioRepeat)],
    ['lower_prio_no_advert', uint(eff.lowerPrioNoAdvert(i, g))],
    ['higher_prio_send_advert', uint(eff.higherPrioSendAdvert(i, g))],
    ['vrid', uint(v.plan.vrid)],
    ['base_priority', uint(eff.basePriority(i))],
    ['effective_priority', uint(v.priority)],
    ['vipset', vipsSet],
    ['promote_secondaries', i.promoteSecondaries],
    ['adver_int', raw(printG(advertInt))],
    // the master's own interval is known to the state machine only; an advert with another one is refused in VRRPv2
    ['master_adver_int', raw(printG(advertInt))],
    ['accept', uint(eff.acceptMode(i, g))],
    ['nopreempt', eff.nopreempt(i, g)],
    ['preempt_delay', uint(Math.floor(eff.preemptDelay(i, g)))],
    ['state', uint(STATE_NUMBER[v.state])],
    ['wantstate', uint(STATE_NUMBER[v.state])],
    ['version', uint(v.plan.version)],
    ['smtp_alert', eff.smtpAlert(i, g)],
    ['notify_deleted', i.notifyDeleted !== undefined],
    ...notifyScripts(i).map((s): Field => [s.json, commandText(s.script, src.program)]),
    list('vips', i.virtualIpaddress.map((a) => addressText(a, dev, vipsSet))),
    list('evips', i.virtualIpaddressExcluded.map((a) => addressText(a, dev, vipsSet))),
    list('track_ifp', d.trackInterfaces.map((t) => t.name)),
    list(
      'track_script',
      d.trackScripts.flatMap((t) => {
        const s = src.config.vrrpScript.find((x) => x.name === t.name)?.script;
        return s ? [commandText(s, src.program)] : [];
      }),
    ),
    ['auth_type', uint(auth === undefined ? 0 : auth.type === 'PASS' ? 1 : 2)],
    // keepalived keeps the first 8 characters of the password
    auth && ['auth_data', auth.pass.slice(0, 8)],
  ]);
}

const stats = (d: DumpedInstance): Obj => object(JSON_STATS.map((n) => [n, uint(d.runtime.stats[n])] as const));

/** The whole keepalived.json: one line, as keepalived writes it. */
export function formatJsonDump(src: DumpSource): string {
  return `${write(dumpedInstances(src).map((d) => object([['data', data(d, src)], ['stats', stats(d)]])))}\n`;
}
