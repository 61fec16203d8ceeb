// Private network namespaces for running keepalived and tskad side by side
// (test/interop, bench/config): both tools must see the same host, and the
// configurations name interfaces (eth0, eth1…) this host does not have.
// The links are bridges: the machines' kernel has no dummy driver, and a
// bridge, like a dummy, is a single device that is up with nothing attached.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

export interface Netns {
  readonly name: string;
  /** run a command inside the namespace (it inherits this process's environment) */
  run(cmd: string, args: readonly string[], opts?: { cwd?: string; timeoutMs?: number }): SpawnSyncReturns<string>;
  /** delete the namespace; safe to call more than once */
  remove(): void;
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.error?.message ?? r.stderr.trim()}`);
}

/**
 * A namespace named `tskad-test-<pid>-<purpose>` (unique per run), with `lo`
 * and one up link per name in `links`. The caller must `remove()` it in a
 * finally/after hook.
 */
export function createNetns(purpose: string, links: readonly string[]): Netns {
  const name = `tskad-test-${process.pid}-${purpose}`;
  ip('netns', 'add', name);
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    ip('netns', 'del', name);
  };
  try {
    ip('-n', name, 'link', 'set', 'lo', 'up');
    for (const link of links) {
      ip('-n', name, 'link', 'add', link, 'type', 'bridge');
      ip('-n', name, 'link', 'set', link, 'up');
    }
  } catch (e) {
    remove();
    throw e;
  }
  return {
    name,
    run: (cmd, args, opts = {}) =>
      spawnSync('ip', ['netns', 'exec', name, cmd, ...args], {
        encoding: 'utf8',
        cwd: opts.cwd,
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      }),
    remove,
  };
}
