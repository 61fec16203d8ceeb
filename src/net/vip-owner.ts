// Which addresses tskad put on interfaces (DESIGN principle 4, "own only what
// you add"): an address is tskad's once the kernel accepted tskad's add; one
// that was there already (the add meets EEXIST) stays foreign and is never
// deleted, and one deleted from outside stops being tskad's. The record can
// live in a small JSON file so that a tskad restarting after a crash deletes
// what the dead one left behind, and nothing else. The file also says which
// instances were MASTER, and since when: a VRRP process respawned at once
// after a crash takes those back as MASTER with their VIPs in place,
// instead of removing them and waiting a Master_Down_Interval as BACKUP.
//
// keepalived 2.2.7 differs (seen in the lab): it takes EEXIST on RTM_NEWADDR
// for success, so an address an operator had configured is deleted when the
// instance leaves MASTER or stops, and at startup it deletes every configured
// VIP found on the interfaces (vrrp_restore_interfaces_startup) whoever added it.
//
// Pure ledger first, then its file, then VipOwner, which drives the kernel.
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { canonicalIp } from './ip.js';
import type { AddressKey, AddressSpec } from './rtnl-address.js';

// ---------------------------------------------------------------- ledger (pure)

/** The addresses tskad added, by ledgerId. */
export type VipLedger = ReadonlyMap<string, AddressKey>;

export const emptyLedger: VipLedger = new Map();

const normalKey = (k: AddressKey): AddressKey => ({
  dev: k.dev,
  address: canonicalIp(k.address),
  prefix: k.prefix,
  ...(k.peer !== undefined && { peer: canonicalIp(k.peer) }),
});

/** One id per interface, address, prefix (and peer), whatever the address's spelling. */
export function ledgerId(k: AddressKey): string {
  const n = normalKey(k);
  return `${n.dev} ${n.address}/${n.prefix}${n.peer === undefined ? '' : ` peer ${n.peer}`}`;
}

export const owns = (l: VipLedger, k: AddressKey): boolean => l.has(ledgerId(k));

export const withOwned = (l: VipLedger, k: AddressKey): VipLedger => new Map(l).set(ledgerId(k), normalKey(k));

export function withoutOwned(l: VipLedger, k: AddressKey): VipLedger {
  const next = new Map(l);
  next.delete(ledgerId(k));
  return next;
}

/** An instance that was MASTER: the virtual router (interface, VRID, family, as a reload matches them) and its name. */
export interface MasterRecord {
  readonly instance: string;
  readonly interface: string;
  readonly vrid: number;
  readonly family: 4 | 6;
  /** when it became MASTER, ms since the epoch */
  readonly since: number;
}

/** What the state file holds. */
export interface VipState {
  readonly vips: VipLedger;
  readonly masters: readonly MasterRecord[];
}

export const sameRouter = (a: Omit<MasterRecord, 'since'>, b: Omit<MasterRecord, 'since'>): boolean =>
  a.instance === b.instance && a.interface === b.interface && a.vrid === b.vrid && a.family === b.family;

// ---------------------------------------------------------------- state file format (pure)

const FORMAT_VERSION = 1;

const fileSchema = z.object({
  version: z.literal(FORMAT_VERSION),
  vips: z.array(
    z.object({
      dev: z.string().min(1),
      address: z.string().refine(isAddress, 'not an IP address'),
      prefix: z.number().int().min(0).max(128),
      peer: z.string().refine(isAddress, 'not an IP address').optional(),
    }),
  ),
  // added after the first files were written: absent means none
  masters: z
    .array(
      z.object({
        instance: z.string().min(1),
        interface: z.string().min(1),
        vrid: z.number().int().min(1).max(255),
        family: z.union([z.literal(4), z.literal(6)]),
        since: z.number().nonnegative(),
      }),
    )
    .optional(),
});

function isAddress(text: string): boolean {
  try {
    canonicalIp(text);
    return true;
  } catch {
    return false;
  }
}

export function encodeLedger(l: VipLedger, masters: readonly MasterRecord[] = []): string {
  return `${JSON.stringify({ version: FORMAT_VERSION, vips: [...l.values()], ...(masters.length > 0 && { masters }) }, null, 2)}\n`;
}

/** The ledger a state file holds; throws, saying what is wrong, when it is not one. */
export const decodeLedger = (text: string): VipLedger => decodeState(text).vips;

/** The ledger and the MASTER records a state file holds; throws, saying what is wrong, when it is not one. */
export function decodeState(text: string): VipState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`);
  }
  const r = fileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`${issue.path.join('.') || 'the file'}: ${issue.message}`);
  }
  return { vips: r.data.vips.reduce<VipLedger>((l, k) => withOwned(l, k), emptyLedger), masters: r.data.masters ?? [] };
}

// ---------------------------------------------------------------- state file I/O

/** The ledger in `path`; empty when there is no file (a first start, or a clean stop). */
export const readLedgerFile = (path: string): VipLedger => readStateFile(path).vips;

/** The ledger and MASTER records in `path`; empty when there is no file. */
export function readStateFile(path: string): VipState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { vips: emptyLedger, masters: [] };
    throw e;
  }
  try {
    return decodeState(text);
  } catch (e) {
    throw new Error(`VIP state file ${path}: ${(e as Error).message}`);
  }
}

/**
 * Replaces `path` atomically (write aside, then rename), so a crash never
 * leaves half a file. On libuv's thread pool, not the event loop: on a
 * journalling disk a rename can take milliseconds (measured 0.1-4 ms on
 * ext4), which an advert due then would wait out. Callers do not overlap
 * two writes of one path (VipOwner keeps one under way).
 */
export async function writeLedgerFile(path: string, l: VipLedger, masters: readonly MasterRecord[] = []): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const aside = `${path}.${process.pid}.tmp`;
  await writeFile(aside, encodeLedger(l, masters), { mode: 0o644 });
  await rename(aside, path);
}

// ---------------------------------------------------------------- the edge

/** The two kernel operations ownership needs (Rtnl has them). */
export interface AddressKernel {
  /** rejects with `code` 'EEXIST' when the address is there already */
  addAddress(spec: AddressSpec): Promise<void>;
  /** rejects with `code` 'EADDRNOTAVAIL' or 'ENODEV' when it is gone */
  delAddress(key: AddressKey): Promise<void>;
}

/** 'foreign': it was there already and is not tskad's to remove. */
export type AddOutcome = 'added' | 'foreign';
/** 'gone': it had disappeared (or its interface had); 'not-ours': left alone. */
export type RemoveOutcome = 'removed' | 'gone' | 'not-ours';

export interface LeftoverResult {
  readonly key: AddressKey;
  readonly outcome: 'removed' | 'gone' | 'failed';
  readonly error?: Error;
}

const codeOf = (e: unknown): unknown => (e as { code?: unknown } | undefined)?.code;
const GONE = new Set(['EADDRNOTAVAIL', 'ENODEV']);

/**
 * Adds and removes VIPs through `kernel`, keeping the ledger (and its file,
 * when given one) in step. The ledger is written after the kernel accepted
 * an add: a crash in between leaks one address rather than ever risking
 * someone else's. The file is written once the current turn of the event
 * loop is over, every change of that turn at once, and off the event loop:
 * a new master's gratuitous ARPs and adverts do not wait for the disk, as
 * keepalived's do not (it keeps no such file). One write at a time; the
 * changes made while one is under way go into the next. flush() waits for
 * them all, before an exit.
 */
export class VipOwner {
  private current: VipLedger;
  private masterRecords: readonly MasterRecord[];
  /** the writing under way, until no change is left unwritten */
  private writing: Promise<void> | undefined;
  /** a change the file does not have yet */
  private dirty = false;

  constructor(
    private readonly kernel: AddressKernel,
    private readonly stateFile?: string,
    initial: VipLedger = emptyLedger,
    masters: readonly MasterRecord[] = [],
    /** told when a write of the file, done after the change, fails: memory still knows */
    private readonly onWriteError: (e: Error) => void = (e) => {
      throw e;
    },
  ) {
    this.current = initial;
    this.masterRecords = masters;
  }

  /** With the ledger a previous run left in `stateFile` (see removeLeftovers). */
  static load(kernel: AddressKernel, stateFile: string, onWriteError?: (e: Error) => void): VipOwner {
    const { vips, masters } = readStateFile(stateFile);
    return new VipOwner(kernel, stateFile, vips, masters, onWriteError);
  }

  get ledger(): VipLedger {
    return this.current;
  }

  /** The instances recorded as MASTER (by a previous run, until this one records its own). */
  get masters(): readonly MasterRecord[] {
    return this.masterRecords;
  }

  /** Records that an instance became MASTER (`since` set) or left it. */
  recordMaster(router: Omit<MasterRecord, 'since'>, since: number | undefined): void {
    const others = this.masterRecords.filter((m) => !sameRouter(m, router));
    this.masterRecords = since === undefined ? others : [...others, { ...router, since }];
    this.write();
  }

  /** Forgets the previous run's MASTER records, once they were used or found too old. */
  clearMasters(): void {
    this.masterRecords = [];
    this.write();
  }

  owns(key: AddressKey): boolean {
    return owns(this.current, key);
  }

  /** Adds `spec`; `requested`: the outcome of a request already made (a timer prelude's), instead of making one. */
  async add(spec: AddressSpec, requested?: Promise<void>): Promise<AddOutcome> {
    try {
      await (requested ?? this.kernel.addAddress(spec));
    } catch (e) {
      if (codeOf(e) !== 'EEXIST') throw e;
      // already there: still ours if we put it there before, foreign otherwise
      return this.owns(spec) ? 'added' : 'foreign';
    }
    this.update(withOwned(this.current, spec));
    return 'added';
  }

  /** Removes `key` if tskad added it; a foreign address is left alone. */
  async remove(key: AddressKey): Promise<RemoveOutcome> {
    if (!this.owns(key)) return 'not-ours';
    try {
      await this.kernel.delAddress(key);
    } catch (e) {
      if (!GONE.has(codeOf(e) as string)) throw e;
      this.forget(key);
      return 'gone';
    }
    this.forget(key);
    return 'removed';
  }

  /**
   * The address went away without tskad (an operator's `ip addr del`, the
   * interface deleted): it is no longer tskad's, so an address re-added by
   * someone else later is not removed by mistake.
   */
  forget(key: AddressKey): void {
    if (this.owns(key)) this.update(withoutOwned(this.current, key));
  }

  /** After a crash: removes every address the ledger still holds, except those `keep` says a resumed MASTER goes on with. */
  async removeLeftovers(keep: (key: AddressKey) => boolean = () => false): Promise<LeftoverResult[]> {
    const results: LeftoverResult[] = [];
    for (const key of [...this.current.values()]) {
      if (keep(key)) continue;
      try {
        const outcome = await this.remove(key);
        results.push({ key, outcome: outcome === 'removed' ? 'removed' : 'gone' });
      } catch (e) {
        results.push({ key, outcome: 'failed', error: e as Error });
      }
    }
    return results;
  }

  /** Memory first: if the file cannot be written, the running tskad still knows what it owns. */
  private update(next: VipLedger): void {
    this.current = next;
    this.write();
  }

  private write(): void {
    if (this.stateFile === undefined) return;
    this.dirty = true;
    this.writing ??= this.writeOut(this.stateFile);
  }

  private async writeOut(path: string): Promise<void> {
    try {
      // every change of this turn in one write
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.dirty) {
        this.dirty = false;
        try {
          await writeLedgerFile(path, this.current, this.masterRecords);
        } catch (e) {
          this.onWriteError(e as Error);
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** Resolves once every change made so far is in the file (the process is about to exit). */
  async flush(): Promise<void> {
    await this.writing;
  }
}
