// Command-line splitting the way glibc's getopt_long(3) does it for
// keepalived's main.c, so that every command line keepalived accepts means
// the same to tskad:
//   - short flags cluster (`-lnD`); a required argument is the rest of the
//     word or else the next word, whatever it starts with (`-S3`, `-S 3`,
//     `-f -t` reads a file named "-t");
//   - an optional argument is taken only when attached (`-tFILE`,
//     `--config-test=FILE`): a bare `-t` never swallows the next word;
//   - a long name may be shortened to any unique prefix (`--use=FILE`);
//   - `--` ends the options, and operands may stand anywhere (GNU permutation).
// Problems are items in argv order, not exceptions: keepalived acts on each
// word as it reads it, so `-Z -v` still prints the version.

export type ArgKind = 'none' | 'required' | 'optional';

export interface OptSpec {
  readonly short?: string;
  readonly long: string;
  readonly arg: ArgKind;
}

export type GetoptItem<S extends OptSpec> =
  | { readonly kind: 'option'; readonly spec: S; readonly value?: string; readonly spelled: string }
  | { readonly kind: 'error'; readonly message: string };

export interface GetoptResult<S extends OptSpec> {
  readonly items: GetoptItem<S>[];
  readonly operands: string[];
}

export function getopt<S extends OptSpec>(argv: readonly string[], specs: readonly S[]): GetoptResult<S> {
  const items: GetoptItem<S>[] = [];
  const operands: string[] = [];
  let i = 0;
  /** the word after the current one, for a required argument written apart */
  const nextWord = (): string | undefined => (i + 1 < argv.length ? argv[++i] : undefined);

  for (; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (word.startsWith('--')) items.push(longOption(word, specs, nextWord));
    else if (word.startsWith('-') && word !== '-') items.push(...shortCluster(word, specs, nextWord));
    else operands.push(word);
  }
  return { items, operands };
}

function longOption<S extends OptSpec>(word: string, specs: readonly S[], nextWord: () => string | undefined): GetoptItem<S> {
  const eq = word.indexOf('=');
  const name = word.slice(2, eq < 0 ? undefined : eq);
  const attached = eq < 0 ? undefined : word.slice(eq + 1);
  const exact = specs.find((s) => s.long === name);
  const candidates = exact ? [exact] : specs.filter((s) => s.long.startsWith(name));
  if (candidates.length === 0 || name === '') return { kind: 'error', message: `Unknown option ${word}` };
  if (candidates.length > 1) {
    return { kind: 'error', message: `Ambiguous option --${name} (${candidates.map((s) => `--${s.long}`).join(', ')})` };
  }
  const spec = candidates[0]!;
  const spelled = `--${spec.long}`;
  switch (spec.arg) {
    case 'none':
      return attached === undefined ? { kind: 'option', spec, spelled } : { kind: 'error', message: `Unknown option ${word}` };
    case 'optional':
      return { kind: 'option', spec, spelled, ...(attached === undefined ? {} : { value: attached }) };
    case 'required': {
      const value = attached ?? nextWord();
      return value === undefined ? { kind: 'error', message: `Missing parameter for option ${spelled}` } : { kind: 'option', spec, spelled, value };
    }
  }
}

function shortCluster<S extends OptSpec>(word: string, specs: readonly S[], nextWord: () => string | undefined): GetoptItem<S>[] {
  const out: GetoptItem<S>[] = [];
  for (let j = 1; j < word.length; j++) {
    const letter = word[j]!;
    const spec = specs.find((s) => s.short === letter);
    const spelled = `-${letter}`;
    if (!spec) {
      out.push({ kind: 'error', message: `Unknown option ${spelled}` });
      continue;
    }
    if (spec.arg === 'none') {
      out.push({ kind: 'option', spec, spelled });
      continue;
    }
    // an argument-taking letter ends the cluster: the rest of the word is its argument
    const rest = word.slice(j + 1);
    if (spec.arg === 'optional') {
      out.push({ kind: 'option', spec, spelled, ...(rest === '' ? {} : { value: rest }) });
    } else {
      const value = rest === '' ? nextWord() : rest;
      out.push(value === undefined ? { kind: 'error', message: `Missing parameter for option ${spelled}` } : { kind: 'option', spec, spelled, value });
    }
    break;
  }
  return out;
}
