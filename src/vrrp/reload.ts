// Reload as a diff of two configurations (keepalived 2.2.7 vrrp.c
// vrrp_exist, clear_diff_vrrp, clear_diff_vrrp_vip, restore_vrrp_state;
// core/main.c reload_config). Pure: process.ts carries the result out.
//  - An instance of the new configuration continues a running one when it
//    is the same virtual router: interface, VRID, family, and the same
//    multicast group, or unicast from the same source address. keepalived
//    matches on these, not on the instance's name, so a renamed instance
//    keeps its state and VIPs.
//  - A continued instance's VIP list edits are the addresses (VIPs and
//    excluded VIPs, each with its device) in one list and not the other.
//  - Some settings cannot change on a running daemon; keepalived then
//    refuses the whole reload and keeps the running configuration.
import type { Config } from '../config/schema/index.js';
import type { AddressSpec } from '../net/rtnl-address.js';
import { ledgerId } from '../net/vip-owner.js';
import type { InstancePlan } from './params.js';

type RouterFields = Pick<InstancePlan, 'interface' | 'vrid' | 'family' | 'mcastGroup' | 'sourceAddress'>;

/** What makes two instances the same virtual router (vrrp_exist). */
export function routerKey(p: RouterFields): string {
  const cast = p.mcastGroup !== undefined ? `multicast ${p.mcastGroup}` : `unicast from ${p.sourceAddress ?? 'the interface address'}`;
  return `${p.interface} VRID ${p.vrid} IPv${p.family} ${cast}`;
}

export interface InstanceDiff<Old> {
  /** running instances that go on, each with its new plan */
  readonly kept: ReadonlyArray<{ readonly old: Old; readonly plan: InstancePlan }>;
  /** running instances the new configuration no longer has */
  readonly removed: readonly Old[];
  /** instances to start */
  readonly added: readonly InstancePlan[];
}

/** Pairs the running instances with the new configuration's (each old one takes the first free new one that matches). */
export function diffInstances<Old extends { readonly plan: RouterFields }>(running: readonly Old[], next: readonly InstancePlan[]): InstanceDiff<Old> {
  const free = [...next];
  const kept: Array<{ old: Old; plan: InstancePlan }> = [];
  const removed: Old[] = [];
  for (const old of running) {
    const at = free.findIndex((p) => routerKey(p) === routerKey(old.plan));
    if (at < 0) removed.push(old);
    else kept.push({ old, plan: free.splice(at, 1)[0]! });
  }
  return { kept, removed, added: next.filter((p) => free.includes(p)) };
}

export interface VipEdits {
  readonly added: readonly AddressSpec[];
  readonly removed: readonly AddressSpec[];
}

/** The addresses one plan has and the other has not (clear_diff_vrrp_vip, then the add of restore_vrrp_state). */
export function vipEdits(before: Pick<InstancePlan, 'addresses'>, after: Pick<InstancePlan, 'addresses'>): VipEdits {
  const had = new Set(before.addresses.map(ledgerId));
  const has = new Set(after.addresses.map(ledgerId));
  return { added: after.addresses.filter((a) => !had.has(ledgerId(a))), removed: before.addresses.filter((a) => !has.has(ledgerId(a))) };
}

/** The settings a reload cannot change, each with keepalived's message when it would (reload_config). */
const FIXED: ReadonlyArray<{ readonly what: string; readonly value: (c: Config) => unknown }> = [
  { what: 'network namespace', value: (c) => c.netNamespace },
  { what: 'IPVS network namespace', value: (c) => c.netNamespaceIpvs },
  { what: 'instance name', value: (c) => c.instance },
  { what: 'nftables table name', value: (c) => c.globalDefs.nftables },
  { what: 'disable_local_igmp', value: (c) => c.globalDefs.disableLocalIgmp },
];

/** Why the new configuration cannot replace the running one; empty when it can. */
export function fixedSettingChanges(running: Config, next: Config, daemon = 'tskad'): string[] {
  return FIXED.filter((f) => JSON.stringify(f.value(running)) !== JSON.stringify(f.value(next))).map((f) => `Cannot change ${f.what} at a reload - please restart ${daemon}`);
}
