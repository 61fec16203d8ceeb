#!/usr/bin/env node
// The tskad executable: keepalived's command line (see program.ts). The exit
// code is set rather than forced, so output to a pipe is never cut short.
// The command line is loaded from the one-file bundle `npm run build` makes,
// with V8's code cache (bundle.ts), so that `tskad -t` spends its time on the
// configuration rather than on compiling; without that build (tsx, tsc
// alone), from its modules.
import { loadBundledCli } from './bundle.js';

const { runCli, processIo } = loadBundledCli() ?? (await import('./entry.js'));
process.exitCode = await runCli(process.argv.slice(2), processIo);
