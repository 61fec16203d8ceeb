// The config benchmark's second floor: about the least binding a `-t` on Node
// can do of the benchmark's file. One pass from the file's text: each line cut
// into words, its keyword looked up in its block's table, its value read
// (numbers and addresses checked, enums matched) straight into the model's
// objects, one line number kept per value, defaults filled in when a block
// closes; then the checks keepalived's `-t` makes on such a file (interfaces,
// VRIDs, duplicate virtual and real servers, address families). Only the
// keywords generate.ts writes are known, and a problem is a line number and
// a message: no columns, files, includes, definitions, did-you-mean, or zod.
// Lines are cut into words as the word floor cuts them (words.ts).
// It is a measuring stick, not a front end: what tskad's front end costs
// beyond it is what its completeness and its diagnostics cost.
import { eachLine } from './words.js';

export interface Problem {
  readonly line: number;
  readonly message: string;
}

type Obj = Record<string, unknown>;
type Read = (word: string | undefined, line: number) => unknown;

/** A block: its line keywords and nested blocks by spelling, and its defaults. */
interface Spec {
  readonly lines: ReadonlyMap<string, readonly [field: string, read: Read]>;
  readonly blocks: ReadonlyMap<string, Nested>;
  readonly defaults: Obj;
  /** a block of one address per line (virtual_ipaddress) */
  readonly addresses?: true;
}

interface Nested {
  readonly field: string;
  readonly spec: Spec;
  /** repeated blocks append to a list */
  readonly many: boolean;
  /** the block's words before '{' */
  readonly head?: (words: readonly string[], line: number, into: Obj) => void;
}

export interface MinimalResult {
  readonly model: Obj;
  readonly problems: readonly Problem[];
  /** how many values were bound (each kept with its line) */
  readonly values: number;
}

const NOT_FOUND = -1;

function isDigits(w: string): boolean {
  let i = w.charCodeAt(0) === 0x2d ? 1 : 0;
  if (i === w.length) return false;
  for (; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

class Binder {
  readonly problems: Problem[] = [];
  private lines = new Int32Array(1 << 16);
  values = 0;

  problem(line: number, message: string): undefined {
    this.problems.push({ line, message });
    return undefined;
  }

  /** The value just read was written on `line`. */
  placed(line: number): void {
    if (this.values === this.lines.length) {
      const more = new Int32Array(this.values * 2);
      more.set(this.lines);
      this.lines = more;
    }
    this.lines[this.values++] = line;
  }

  int(min: number, max: number): Read {
    return (w, line) => {
      if (w === undefined || !isDigits(w)) return this.problem(line, `invalid number '${w ?? ''}'`);
      const n = Number(w);
      return n >= min && n <= max ? n : this.problem(line, `${w} is outside ${min}-${max}`);
    };
  }

  seconds(min: number, max: number): Read {
    return (w, line) => {
      const n = w === undefined ? Number.NaN : Number(w);
      return n >= min && n <= max ? n : this.problem(line, `invalid time '${w ?? ''}'`);
    };
  }

  oneOf(...values: string[]): Read {
    const known = new Set(values);
    return (w, line) => (w !== undefined && known.has(w) ? w : this.problem(line, `unknown value '${w ?? ''}'`));
  }

  readonly text: Read = (w, line) => w ?? this.problem(line, 'missing argument');

  readonly address: Read = (w, line) => {
    if (w === undefined) return this.problem(line, 'missing address');
    if (w.includes(':')) return /^[0-9a-fA-F:]+$/.test(w) ? w.toLowerCase() : this.problem(line, `invalid address '${w}'`);
    const parts = w.split('.');
    if (parts.length !== 4) return this.problem(line, `invalid address '${w}'`);
    for (const p of parts) if (!isDigits(p) || Number(p) > 255) return this.problem(line, `invalid address '${w}'`);
    return w;
  };
}

function spec(lines: Record<string, readonly [string, Read]>, blocks: Record<string, Nested> = {}, defaults: Obj = {}): Spec {
  return { lines: new Map(Object.entries(lines)), blocks: new Map(Object.entries(blocks)), defaults };
}

/** The tables for the keywords generate.ts writes, with tskad's field names. */
function grammar(b: Binder): Spec {
  const port = b.int(1, 65535);
  const endpoint = (words: readonly string[], line: number, into: Obj): void => {
    into.address = b.address(words[1], line);
    into.port = port(words[2], line);
  };
  const timeout = b.seconds(0, 1e6);
  const kind = b.oneOf('NAT', 'DR', 'TUN');
  const url = spec({ path: ['path', b.text], status_code: ['statusCode', b.int(100, 599)] });
  const checker = (type: string): Nested => ({
    field: 'checkers',
    many: true,
    head: (_w, _l, into) => void (into.type = type),
    spec: spec(
      { connect_timeout: ['connectTimeout', timeout], retry: ['retry', b.int(0, 2 ** 31 - 1)], delay_before_retry: ['delayBeforeRetry', timeout] },
      { url: { field: 'url', many: true, spec: url } },
    ),
  });
  const realServer = spec({ weight: ['weight', b.int(-2147483648, 2147483647)] }, { HTTP_GET: checker('HTTP_GET'), TCP_CHECK: checker('TCP_CHECK') }, { weight: 1 });
  const virtualServer = spec(
    {
      delay_loop: ['delayLoop', timeout],
      lb_algo: ['lvsSched', b.oneOf('rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh')],
      // tskad's model keeps a method's options beside it (TUN's)
      lb_kind: ['lvsMethod', (w, line) => (kind(w, line) === undefined ? undefined : { method: w })],
      protocol: ['protocol', b.oneOf('TCP', 'UDP', 'SCTP')],
    },
    { real_server: { field: 'realServer', many: true, head: endpoint, spec: realServer } },
    { delayLoop: 60, protocol: 'TCP' },
  );
  const instance = spec(
    {
      state: ['state', b.oneOf('MASTER', 'BACKUP')],
      interface: ['interface', b.text],
      virtual_router_id: ['virtualRouterId', b.int(1, 255)],
      priority: ['priority', b.int(1, 255)],
      advert_int: ['advertInt', b.seconds(0.01, 255)],
    },
    { virtual_ipaddress: { field: 'virtualIpaddress', many: false, spec: { ...spec({}), addresses: true } } },
    { priority: 100, advertInt: 1 },
  );
  const globalDefs = spec({ router_id: ['routerId', b.text] });
  return spec(
    {},
    {
      global_defs: { field: 'globalDefs', many: false, spec: globalDefs },
      vrrp_instance: { field: 'vrrpInstance', many: true, head: (w, _l, into) => void (into.name = w[1]), spec: instance },
      virtual_server: { field: 'virtualServer', many: true, head: endpoint, spec: virtualServer },
    },
  );
}

/** `ADDRESS[/PREFIX] [dev NAME]`, one line of virtual_ipaddress. */
function vip(b: Binder, words: readonly string[], line: number): Obj | undefined {
  const [text, ...rest] = words;
  const slash = text!.indexOf('/');
  const address = b.address(slash === NOT_FOUND ? text : text!.slice(0, slash), line);
  if (address === undefined) return undefined;
  const v6 = (address as string).includes(':');
  const prefix = slash === NOT_FOUND ? (v6 ? 128 : 32) : b.int(0, v6 ? 128 : 32)(text!.slice(slash + 1), line);
  const out: Obj = { address, prefix };
  if (rest[0] === 'dev') out.dev = rest[1];
  return out;
}

interface Frame {
  readonly spec: Spec;
  readonly into: Obj | Obj[];
}

/** Binds `text` (the benchmark file's) and checks it against a host with `interfaces`. */
export function bindMinimal(text: string, interfaces: ReadonlySet<string>): MinimalResult {
  const b = new Binder();
  const model: Obj = { vrrpInstance: [], virtualServer: [] };
  const stack: Frame[] = [{ spec: grammar(b), into: model }];
  eachLine(text, (words, line) => bindLine(b, stack, words, line));
  if (stack.length > 1) b.problem(0, 'a block is not closed');
  check(b, model, interfaces);
  return { model, problems: b.problems, values: b.values };
}

function bindLine(b: Binder, stack: Frame[], words: readonly string[], line: number): void {
  const top = stack[stack.length - 1]!;
  const word = words[0]!;
  if (word === '}') {
    if (stack.length === 1) b.problem(line, "unexpected '}'");
    else close(stack.pop()!);
    return;
  }
  if (top.spec.addresses) {
    const v = vip(b, words, line);
    if (v) {
      (top.into as Obj[]).push(v);
      b.placed(line);
    }
    return;
  }
  const into = top.into as Obj;
  if (words[words.length - 1] === '{') {
    const nested = top.spec.blocks.get(word);
    if (nested === undefined) {
      b.problem(line, `unknown block '${word}'`);
      stack.push({ spec: spec({}), into: {} });
      return;
    }
    const value: Obj | Obj[] = nested.spec.addresses ? [] : {};
    if (nested.head && !Array.isArray(value)) nested.head(words, line, value);
    if (nested.many) ((into[nested.field] ??= []) as unknown[]).push(value);
    else into[nested.field] = value;
    b.placed(line);
    stack.push({ spec: nested.spec, into: value });
    return;
  }
  const known = top.spec.lines.get(word);
  if (known === undefined) {
    b.problem(line, `unknown keyword '${word}'`);
    return;
  }
  const v = known[1](words[1], line);
  if (v === undefined) return;
  into[known[0]] = v;
  b.placed(line);
}

function close(frame: Frame): void {
  if (Array.isArray(frame.into)) return;
  const d = frame.spec.defaults;
  for (const k in d) if (frame.into[k] === undefined) frame.into[k] = d[k];
}

const familyOf = (address: unknown): number => (typeof address === 'string' && address.includes(':') ? 6 : 4);

/** keepalived's checks of such a file: interfaces that exist, VRIDs unique per interface and family, no duplicate servers, one family per virtual server. */
function check(b: Binder, model: Obj, interfaces: ReadonlySet<string>): void {
  const vrids = new Set<string>();
  for (const vi of model.vrrpInstance as Obj[]) {
    if (vi.virtualRouterId === undefined) b.problem(0, `${String(vi.name)} has no virtual_router_id`);
    if (!interfaces.has(vi.interface as string)) b.problem(0, `${String(vi.name)}: interface ${String(vi.interface)} does not exist`);
    const vips = (vi.virtualIpaddress ?? []) as Obj[];
    for (const v of vips) if (v.dev !== undefined && !interfaces.has(v.dev as string)) b.problem(0, `${String(vi.name)}: interface ${String(v.dev)} does not exist`);
    const key = `${String(vi.interface)} ${familyOf(vips[0]?.address)} ${String(vi.virtualRouterId)}`;
    if (vrids.has(key)) b.problem(0, `${String(vi.name)}: VRID ${String(vi.virtualRouterId)} is used twice on ${String(vi.interface)}`);
    vrids.add(key);
  }
  const servers = new Set<string>();
  for (const vs of model.virtualServer as Obj[]) {
    const key = `${String(vs.address)} ${String(vs.port)}`;
    if (servers.has(key)) b.problem(0, `virtual server ${key} is given twice`);
    servers.add(key);
    const family = familyOf(vs.address);
    const reals = new Set<string>();
    for (const rs of (vs.realServer ?? []) as Obj[]) {
      const rkey = `${String(rs.address)} ${String(rs.port)}`;
      if (reals.has(rkey)) b.problem(0, `real server ${rkey} is given twice in virtual server ${key}`);
      reals.add(rkey);
      if (familyOf(rs.address) !== family && (vs.lvsMethod as Obj | undefined)?.method !== 'TUN') b.problem(0, `real server ${rkey} is not of virtual server ${key}'s family`);
    }
  }
}
