// Where each value of the model was written, by model path
// ("vrrpInstance/0/priority" or ['vrrpInstance', 0, 'priority']).
//
// The binder records 100,000s of places in a large configuration, and `-t`
// asks for a few (a diagnostic's place), often none. So recording appends to
// a log of numbers — entry k is one step below an earlier entry, or a whole
// path, written at a word of the word table or at a Loc — and the index that
// answers questions is built from the log when the first question comes
// (and brought up to date at each later one). The index is a tree of path
// steps: a step is a field name or a list index (an array slot). Lookups
// answer exactly as a Map keyed by `path.join('/')` would.
import type { Loc } from './source.js';
import type { Path } from './schema/dsl.js';
import type { WordTable } from './word-table.js';

/** An entry of the log: a place, written or not. */
export type Place = number;

/** one step of the index: the place written there, and the steps below it */
class SourceNode {
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

  /** The node of `path` below this one; the empty path is the key '' (as `[].join('/')` is). */
  path(path: Path, create: true): SourceNode;
  path(path: Path, create: boolean): SourceNode | undefined;
  path(path: Path, create: boolean): SourceNode | undefined {
    if (path.length === 0) return this.step('', create);
    let node: SourceNode | undefined = this;
    for (let i = 0; i < path.length && node; i++) node = node.element(path[i]!, create);
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

/** `parents` of an entry that is a whole path from the root */
const WHOLE_PATH = -1;
/** `wheres` of an entry not (yet) written anywhere; below it, -2 - k is locs[k]; from 0 up, a word of the table */
const NOWHERE = -1;

export class SourceMap {
  /** the entry of the root, which steps start from */
  readonly root: Place = 0;
  private count = 1;
  private parents = new Int32Array(1024);
  private wheres = new Int32Array(1024).fill(NOWHERE);
  /** per entry: its step (a field or index), or for a WHOLE_PATH entry its path */
  private readonly steps: Array<string | number | Path> = [''];
  /** places given as Locs */
  private readonly locs: Loc[] = [];
  /** the table of the words places were given as */
  private table: WordTable | undefined;
  /** the index, and each entry's node in it, up to `built` */
  private readonly index = new SourceNode();
  private readonly nodes: SourceNode[] = [];
  private built = 0;

  /** The place one step below `parent`. */
  step(parent: Place, s: string | number): Place {
    return this.entry(parent, s);
  }

  /** The place of a whole path. */
  place(path: Path): Place {
    return this.entry(WHOLE_PATH, path);
  }

  /** `place` was written where word `word` of `table` stands. */
  wordAt(place: Place, table: WordTable, word: number): void {
    if ((this.table ??= table) === table) this.write(place, word);
    else this.locAt(place, table.loc(word));
  }

  locAt(place: Place, loc: Loc): void {
    this.locs.push(loc);
    this.write(place, -2 - (this.locs.length - 1));
  }

  /** Where the value at `key` (a joined path) was written. */
  get(key: string): Loc | undefined {
    return this.indexed().path([key], false)?.loc;
  }

  set(key: string, loc: Loc): void {
    this.locAt(this.place([key]), loc);
  }

  /** Where the value at `path` was written. */
  at(path: Path): Loc | undefined {
    return this.indexed().path(path, false)?.loc;
  }

  record(path: Path, loc: Loc): void {
    this.locAt(this.place(path), loc);
  }

  /** Where `path` was written, or else its nearest enclosing path that was (the empty path is none). */
  nearest(path: Path): Loc | undefined {
    let found: Loc | undefined;
    let node: SourceNode | undefined = this.indexed();
    for (let i = 0; i < path.length && node; i++) {
      node = node.element(path[i]!, false);
      if (node?.loc) found = node.loc;
    }
    return found;
  }

  private entry(parent: number, step: string | number | Path): Place {
    if (this.count === this.parents.length) this.grow();
    const e = this.count++;
    this.parents[e] = parent;
    this.steps.push(step);
    return e;
  }

  private write(place: Place, where: number): void {
    if (place < this.built) this.nodes[place]!.loc = this.resolve(where);
    else this.wheres[place] = where;
  }

  private resolve(where: number): Loc {
    return where >= 0 ? this.table!.loc(where) : this.locs[-2 - where]!;
  }

  /** The index, with every entry logged so far in it. */
  private indexed(): SourceNode {
    for (let e = this.built; e < this.count; e++) {
      const p = this.parents[e]!;
      const node = e === 0 ? this.index : p === WHOLE_PATH ? this.index.path(this.steps[e] as Path, true) : this.nodes[p]!.step(this.steps[e] as string | number, true);
      this.nodes.push(node);
      const w = this.wheres[e]!;
      if (w !== NOWHERE) node.loc = this.resolve(w);
    }
    this.built = this.count;
    return this.index;
  }

  private grow(): void {
    const n = this.parents.length * 2;
    const parents = new Int32Array(n);
    parents.set(this.parents);
    const wheres = new Int32Array(n).fill(NOWHERE);
    wheres.set(this.wheres);
    this.parents = parents;
    this.wheres = wheres;
  }
}
