// The source map answers exactly as a Map keyed by `path.join('/')` would:
// whether a place was recorded by path or by joined key, by number or by
// digits, and with path elements that hold a '/' themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SourceMap } from '../../../src/config/source-map.js';
import type { Loc } from '../../../src/config/source.js';
import type { Path } from '../../../src/config/schema/dsl.js';

const at = (line: number): Loc => ({ file: 'k.conf', line, col: 1 });

test('a path and its joined key name the same place', () => {
  const m = new SourceMap();
  m.record(['vrrpInstance', 0, 'priority'], at(3));
  m.set('virtualServer/1/realServer/0', at(9));
  assert.equal(m.get('vrrpInstance/0/priority')?.line, 3);
  assert.equal(m.at(['vrrpInstance', '0', 'priority'])?.line, 3);
  assert.equal(m.at(['virtualServer', 1, 'realServer', 0])?.line, 9);
  assert.equal(m.at(['virtualServer/1', 'realServer/0'])?.line, 9);
  assert.equal(m.get('vrrpInstance/00/priority'), undefined, '"00" is no index: it joins to another key');
  assert.equal(m.get('vrrpInstance/0'), undefined, 'a step on the way is no recorded place');
});

test('nearest: the path, else its nearest enclosing recorded path, checked at element boundaries only', () => {
  const m = new SourceMap();
  m.record(['vrrpInstance', 2], at(20));
  m.record(['vrrpInstance', 2, 'track', 1], at(24));
  m.set('a', at(1));
  assert.equal(m.nearest(['vrrpInstance', 2, 'track', 1, 'weight'])?.line, 24);
  assert.equal(m.nearest(['vrrpInstance', 2, 'track', 0])?.line, 20);
  assert.equal(m.nearest(['vrrpInstance', 3]), undefined);
  assert.equal(m.nearest(['a/b']), undefined, "'a/b' is one element: 'a' does not enclose it");
  assert.equal(m.nearest([]), undefined);
});

// elements from a small alphabet so that paths share prefixes and collide as joined keys
const element = fc.oneof(
  fc.constantFrom('a', 'b', 'a/b', '', '0', '1', '01', '-1', '1.5', '1e+21'),
  fc.constantFrom(0, 1, 2, -1, 1.5, -0, 1e21, 2 ** 31),
);
const path = fc.array(element, { maxLength: 4 });

test('property: the same answers as a Map keyed by the joined path', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(path, fc.boolean()), { maxLength: 12 }), fc.array(path, { maxLength: 12 }), (writes, reads) => {
      const m = new SourceMap();
      const ref = new Map<string, Loc>();
      writes.forEach(([p, byKey], k) => {
        if (byKey) m.set(p.join('/'), at(k + 1));
        else m.record(p, at(k + 1));
        ref.set(p.join('/'), at(k + 1));
      });
      const nearestRef = (p: Path): Loc | undefined => {
        for (let n = p.length; n > 0; n--) {
          const l = ref.get(p.slice(0, n).join('/'));
          if (l) return l;
        }
        return undefined;
      };
      for (const p of [...reads, ...writes.map(([w]) => w)]) {
        assert.deepEqual(m.get(p.join('/')), ref.get(p.join('/')));
        assert.deepEqual(m.at(p), ref.get(p.join('/')));
        assert.deepEqual(m.nearest(p), nearestRef(p));
      }
    }),
  );
});
