// Where each value of the model was written, by model path
// ("vrrpInstance/0/priority" or ['vrrpInstance', 0, 'priority']). Stored as a
// tree of path steps rather than a Map keyed by joined paths: a large
// configuration binds 100,000s of values, and joining and hashing a long key
// string for each cost the binder more than reading the values did. A step is
// a field name (constant strings, whose hashes V8 keeps) or a list index (an
// array slot). Lookups answer exactly as a Map keyed by `path.join('/')` would.
import type { Loc } from './source.js';
import type { Path } from './schema/dsl.js';

/** One step of a path: the place written there, and the steps below it. */
export class SourceNode {
  loc: Loc | undefined = undefined;
  private named: Map<string, SourceNode> | undefined = undefined;
  private items: SourceNode[] | undefined = undefined;

  /** The node one step down, made when `create`. */
  step(s: string | number, create: true): SourceNode;
  step(s: string | number, create: boolean): SourceNode | undefined;
  step(s: string | number, create: boolean): SourceNode | undefined {
    const index = typeof s === 'number' ? numberIndex(s) : stringIndex(s);
    if (index >= 0) {
      let node = this.items?.[index];
      if (!node && create) (this.items ??= [])[index] = node = new SourceNode();
      return node;
    }
    const name = typeof s === 'number' ? String(s) : s;
    let node = this.named?.get(name);
    if (!node && create) (this.named ??= new Map()).set(name, (node = new SourceNode()));
    return node;
  }

  /** One path element down: a string element holding '/' is several steps, as it is in the joined key. */
  element(e: string | number, create: true): SourceNode;
  element(e: string | number, create: boolean): SourceNode | undefined;
  element(e: string | number, create: boolean): SourceNode | undefined {
    if (typeof e === 'number' || !e.includes('/')) return this.step(e, create);
    let node: SourceNode | undefined = this;
    for (const s of e.split('/')) {
      node = node.step(s, create);
      if (!node) return undefined;
    }
    return node;
  }
}

const MAX_INDEX = 2 ** 31 - 1;
/** A number that joins to the same text as a list index: a non-negative integer; -1 otherwise. */
const numberIndex = (n: number): number => (Number.isInteger(n) && n >= 0 && n <= MAX_INDEX ? n + 0 : -1);
/** A step written as a list index ("0", "12", not "012"); -1 otherwise. */
function stringIndex(s: string): number {
  const c = s.charCodeAt(0);
  if (!(c >= 48 && c <= 57)) return -1;
  const n = Number(s);
  return String(n) === s ? numberIndex(n) : -1;
}

export class SourceMap {
  readonly root = new SourceNode();

  /** The node of `path`, made when `create`; the empty path is the key '' (as `[].join('/')` is). */
  node(path: Path, create: true): SourceNode;
  node(path: Path, create: boolean): SourceNode | undefined;
  node(path: Path, create: boolean): SourceNode | undefined {
    if (path.length === 0) return this.root.step('', create);
    let node: SourceNode | undefined = this.root;
    for (let i = 0; i < path.length && node; i++) node = node.element(path[i]!, create);
    return node;
  }

  /** Where the value at `key` (a joined path) was written. */
  get(key: string): Loc | undefined {
    return this.node([key], false)?.loc;
  }

  set(key: string, loc: Loc): void {
    this.node([key], true).loc = loc;
  }

  /** Where the value at `path` was written. */
  at(path: Path): Loc | undefined {
    return this.node(path, false)?.loc;
  }

  record(path: Path, loc: Loc): void {
    this.node(path, true).loc = loc;
  }

  /** Where `path` was written, or else its nearest enclosing path that was (the empty path is none). */
  nearest(path: Path): Loc | undefined {
    let found: Loc | undefined;
    let node: SourceNode | undefined = this.root;
    for (let i = 0; i < path.length && node; i++) {
      node = node.element(path[i]!, false);
      if (node?.loc) found = node.loc;
    }
    return found;
  }
}
