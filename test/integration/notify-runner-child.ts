// A daemon stand-in for the parent-death test: starts one script through
// ScriptRunner, prints the script's PID file path once it exists, and waits
// to be killed.
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../src/observe/log.js';
import { ScriptRunner } from '../../src/notify/script-runner.js';

const pidFile = process.argv[2]!;
const runner = new ScriptRunner({ log: createLogger() });
void runner.run({ name: 'orphan', argv: ['/bin/sh', '-c', `echo $$ > ${pidFile}; exec sleep 60`] });
while (!existsSync(pidFile)) await sleep(10);
process.stdout.write('started\n');
await sleep(60_000);
