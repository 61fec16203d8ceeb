// Teardown that happens whatever way this process ends: a lab registers its
// synchronous cleanup here, and it runs on SIGINT (Ctrl-C), SIGTERM or exit
// (an uncaught exception, a test runner ending the file) unless the lab was
// destroyed first. After a signal the signal is raised again, so the process
// still dies of it, with the exit status a shell expects.

type Cleanup = () => void;

const pending = new Set<Cleanup>();

function runAll(): void {
  for (const c of [...pending]) {
    pending.delete(c);
    try {
      c();
    } catch (e) {
      // one lab failing to go must not keep the others
      process.stderr.write(`lab cleanup: ${(e as Error).message}\n`);
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  uninstall();
  process.kill(process.pid, signal);
}

const install = (): void => {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', runAll);
};

function uninstall(): void {
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('exit', runAll);
}

/** Runs `cleanup` at the latest when the process ends; the returned function runs it now, once. */
export function onProcessEnd(cleanup: Cleanup): () => void {
  if (pending.size === 0) install();
  pending.add(cleanup);
  return () => {
    if (!pending.delete(cleanup)) return;
    if (pending.size === 0) uninstall();
    cleanup();
  };
}
