// A process that builds a lab for the cleanup tests (lab-cleanup.test.ts) to
// interrupt, kill or break. argv: PREFIX. It builds a lab of that prefix,
// starts `sleep` in a router, prints one JSON line (its namespaces, the
// sleep's PID, the lab's temp dir) and waits; or, when the build fails,
// prints {"error": …} and exits 1.
import { createLab } from '../../src/lab/topology.js';

const prefix = process.argv[2]!;
try {
  const lab = await createLab({ prefix, routers: 2 });
  const sleeper = lab.spawn('r1', ['sleep', '600']);
  process.stdout.write(`${JSON.stringify({ namespaces: lab.namespaces, pids: [sleeper.pid], dir: lab.dir })}\n`);
  setInterval(() => undefined, 60_000);
} catch (e) {
  process.stdout.write(`${JSON.stringify({ error: (e as Error).message })}\n`);
  process.exitCode = 1;
}
