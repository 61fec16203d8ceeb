// Builds the keyword tree from lexed lines. A line is `keyword args...`; a `{`
// on it (or alone on the next line) opens a block that runs to its `}`.
// Several statements may share a line: `track_script { chk_a }`.
import type { ConfNode, Loc, Word } from './source.js';
import type { Diagnostics } from './diagnostics.js';

interface Frame {
  keyword: Word;
  args: Word[];
  children: ConfNode[];
  open: Loc;
}

export function parseLines(lines: readonly (readonly Word[])[], diag: Diagnostics): ConfNode[] {
  const top: ConfNode[] = [];
  const stack: Frame[] = [];
  const sink = (): ConfNode[] => (stack.length ? stack[stack.length - 1]!.children : top);
  /** the statement of the previous line, which a `{` alone on a line opens */
  let last: { node: ConfNode; list: ConfNode[] } | undefined;

  for (const words of lines) {
    let i = 0;
    while (i < words.length) {
      const w = words[i]!;
      if (!w.quoted && w.text === '}') {
        const f = stack.pop();
        if (!f) diag.report('TSKAD_E_UNBALANCED_BRACE', "'}' without a matching '{'", w.loc);
        else sink().push({ keyword: f.keyword, args: f.args, children: f.children, open: f.open });
        last = undefined;
        i++;
        continue;
      }
      if (!w.quoted && w.text === '{') {
        // a brace alone at the start of a line opens the previous line's statement
        const prev = i === 0 ? last : undefined;
        if (prev && !prev.node.children) {
          prev.list.splice(prev.list.indexOf(prev.node), 1);
          stack.push({ keyword: prev.node.keyword, args: [...prev.node.args], children: [], open: w.loc });
        } else {
          diag.report('TSKAD_E_UNBALANCED_BRACE', "'{' without a keyword before it", w.loc);
          stack.push({ keyword: { text: '', loc: w.loc, quoted: false }, args: [], children: [], open: w.loc });
        }
        last = undefined;
        i++;
        continue;
      }
      // a statement: keyword and its args up to the next unquoted brace
      let j = i + 1;
      while (j < words.length && (words[j]!.quoted || (words[j]!.text !== '{' && words[j]!.text !== '}'))) j++;
      const args = words.slice(i + 1, j);
      if (j < words.length && words[j]!.text === '{') {
        stack.push({ keyword: w, args, children: [], open: words[j]!.loc });
        last = undefined;
        i = j + 1;
      } else {
        const node: ConfNode = { keyword: w, args };
        const list = sink();
        list.push(node);
        last = { node, list };
        i = j;
      }
    }
  }
  for (let f = stack.pop(); f; f = stack.pop()) {
    diag.report('TSKAD_E_UNBALANCED_BRACE', `'{' of ${f.keyword.text || 'this block'} is never closed`, f.open);
    sink().push({ keyword: f.keyword, args: f.args, children: f.children, open: f.open });
  }
  // the synthetic frames opened by a stray '{' carry no keyword; keep their children visible
  return top.flatMap((n) => (n.keyword.text === '' ? (n.children ?? []) : [n]));
}
