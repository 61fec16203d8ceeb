// The processes the isolation bench starts in its lab's namespaces, one
// entry point for the three (argv: ROLE JSON-OPTIONS):
//   servers           the real servers (servers.ts), until SIGTERM;
//   checker           the stand-in checker load (load.ts) alone, as
//                     keepalived's and tskad's checker child would run it;
//   vrrp-and-checker  tskad's VRRP process (runVrrp) and the same load in
//                     one process and one event loop: what the split avoids.
// A checker prints its counters as a JSON line every second and once more
// when it stops, stamped with the wall clock, so the bench can tell the
// checks made within its window.
import { createWriteStream } from 'node:fs';
import { wallClock } from '../../src/lab/command.js';
import { createLogger } from '../../src/observe/log.js';
import { runVrrp, type VrrpProcess } from '../../src/vrrp/process.js';
import { startLoad, type Load, type LoadOptions } from './load.js';
import { COUNTERS_PREFIX, READY_LINE, type ChildRole, type CountersLine, type VrrpAndCheckerOptions } from './protocol.js';
import { serveRealServers, type RealServersOptions } from './servers.js';

const say = (line: string): void => void process.stdout.write(`${line}\n`);

function reportCounters(load: Load): () => void {
  const print = (): void => say(`${COUNTERS_PREFIX}${JSON.stringify({ at: wallClock(), ...load.counters() } satisfies CountersLine)}`);
  const timer = setInterval(print, 1000);
  return () => {
    clearInterval(timer);
    print();
  };
}

const terminated = (): Promise<void> => new Promise((resolve) => process.once('SIGTERM', () => resolve()));

async function main(role: ChildRole, json: string): Promise<void> {
  const stop = terminated();
  if (role === 'servers') {
    const servers = await serveRealServers(JSON.parse(json) as RealServersOptions);
    say(READY_LINE);
    await stop;
    await servers.close();
    return;
  }
  let vrrp: VrrpProcess | undefined;
  let load: LoadOptions;
  if (role === 'vrrp-and-checker') {
    const o = JSON.parse(json) as VrrpAndCheckerOptions;
    const logger = createLogger({ console: true, detail: true, consoleStream: createWriteStream(o.logFile) });
    vrrp = await runVrrp({ configFile: o.configFile, logger, handleSignals: false });
    load = o.load;
  } else load = JSON.parse(json) as LoadOptions;
  const running = startLoad(load);
  const lastCounters = reportCounters(running);
  say(READY_LINE);
  await stop;
  await running.stop();
  lastCounters();
  await vrrp?.stop();
}

const [role, json] = process.argv.slice(2);
if ((role !== 'servers' && role !== 'checker' && role !== 'vrrp-and-checker') || json === undefined) {
  process.stderr.write('usage: child.js servers|checker|vrrp-and-checker JSON-OPTIONS\n');
  process.exitCode = 2;
} else {
  main(role, json).catch((e: unknown) => {
    process.stderr.write(`bench:isolation ${role}: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
