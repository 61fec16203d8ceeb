// IP address text ⇄ bytes, pure. Adverts carry addresses as raw bytes; the
// configuration as text. Comparing bytes sidesteps IPv6's many spellings.
import { isIPv4, isIPv6 } from 'node:net';

export type Family = 4 | 6;

// character codes of the hand-written readers below
const DOT = 0x2e;
const ZERO = 0x30;
const COLON = 0x3a;

/** net.isIPv6, answered without its regular expression (which V8 compiles at its first use, 8 ms) for an address in the plain form */
const isV6 = (addr: string): boolean => plainIpv6(addr) || isIPv6(addr);

export const familyOf = (addr: string): Family | undefined => (isIPv4(addr) ? 4 : isV6(addr) ? 6 : undefined);

/**
 * A dotted quad's four octets, by net.isIPv4's rule (decimal, no leading
 * zero, each at most 255), or undefined: without its regular expression and
 * the split, for a received advert's pseudo-header, twice a packet.
 */
function dottedQuad(addr: string): Buffer | undefined {
  const out = Buffer.allocUnsafe(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= addr.length; i++) {
    // the end closes the last octet as a dot does
    const c = i < addr.length ? addr.charCodeAt(i) : DOT;
    if (c === DOT) {
      if (digits === 0 || part === 4) return undefined;
      out[part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= ZERO && c <= ZERO + 9 && !(digits > 0 && value === 0)) {
      value = value * 10 + (c - ZERO);
      if (++digits > 3 || value > 255) return undefined;
    } else return undefined;
  }
  return part === 4 ? out : undefined;
}
export function ipToBytes(addr: string): Buffer {
  const quad = dottedQuad(addr);
  if (quad !== undefined) return quad;
  if (!isV6(addr)) throw new Error(`not an IP address: ${addr}`);
  let text = addr.split('%')[0]!;
  // an embedded IPv4 tail (::ffff:192.0.2.1) becomes two hextets
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    text = text.slice(0, -v4[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** RFC 5952 canonical text: lower case, longest zero run (≥ 2 groups) as `::`. */
export function bytesToIp(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  return groupsToText(g);
}

/** RFC 5952 text of an IPv6 address's eight 16-bit groups. */
function groupsToText(g: readonly number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string => {
    let out = '';
    for (let i = from; i < to; i++) out += (i > from ? ':' : '') + g[i]!.toString(16);
    return out;
  };
  return best < 0 ? hex(0, 8) : `${hex(0, best)}::${hex(best + bestLen, 8)}`;
}

/**
 * Canonical text of any spelling of an address (one spelling per address, so
 * 2001:db8::1 and 2001:DB8:0::1 compare equal). An IPv6 address in the plain
 * form is read straight into its groups: through bytes (splits, a Buffer)
 * 500 of them took 12-19 ms in a fresh process, a large configuration's
 * IPv6 virtual servers.
 */
export const canonicalIp = (addr: string): string =>
  isIPv4(addr) ? addr : plainIpv6(addr) ? groupsToText(plainGroups(addr)) : bytesToIp(ipToBytes(addr));

/** Byte-wise comparison: RFC 5798 §6.4.3 compares primary addresses as unsigned integers. */
export function compareIp(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Groups of 1 to 4 hex digits joined by single colons, from `from` to `to`; how many, or -1 when it is no such list. */
function hexGroups(s: string, from: number, to: number): number {
  if (from === to) return 0;
  let groups = 1;
  let digits = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === COLON) {
      if (digits === 0) return -1;
      groups++;
      digits = 0;
    } else if (((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)) && digits < 4) digits++;
    else return -1;
  }
  return digits === 0 ? -1 : groups;
}

/** The eight groups of an address plainIpv6 takes, a `::` filled with zeros. */
function plainGroups(s: string): number[] {
  const g = [0, 0, 0, 0, 0, 0, 0, 0];
  const gap = s.indexOf('::');
  if (gap < 0) readGroups(s, 0, s.length, g, 0);
  else {
    readGroups(s, 0, gap, g, 0);
    readGroups(s, gap + 2, s.length, g, 8 - hexGroups(s, gap + 2, s.length));
  }
  return g;
}

/** The hex groups of `s` from `from` to `to` into `g` from `at` on. */
function readGroups(s: string, from: number, to: number, g: number[], at: number): void {
  if (from === to) return;
  let k = at;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === COLON) {
      g[k++] = v;
      v = 0;
    } else v = v * 16 + (c <= 57 ? c - 48 : (c | 0x20) - 87);
  }
  g[k] = v;
}

/**
 * An IPv6 address in the plain form: eight groups of 1 to 4 hex digits, or
 * fewer around one `::` standing for at least one more; no embedded IPv4
 * address, no zone. Every such address is one net.isIP takes as IPv6 (a
 * property test holds the two together); other forms go to net.isIP.
 */
export function plainIpv6(s: string): boolean {
  const gap = s.indexOf('::');
  if (gap < 0) return hexGroups(s, 0, s.length) === 8;
  if (s.indexOf('::', gap + 1) >= 0) return false;
  const head = hexGroups(s, 0, gap);
  const tail = hexGroups(s, gap + 2, s.length);
  return head >= 0 && tail >= 0 && head + tail <= 7;
}
