#!/usr/bin/env node
// The tskad executable: keepalived's command line (see program.ts). The exit
// code is set rather than forced, so output to a pipe is never cut short.
// `npm run build` bundles this entry point with esbuild (package.json), so
// that `tskad -t` loads a few files rather than ~150 modules (zod alone is
// ~90); what is imported dynamically (the daemon, lab, status) stays in chunks
// of its own under dist/src/bundle/, loaded only when run.
import { runCli } from './program.js';
import { processIo } from './io.js';

// a reader that stops early (`tskad -d | head`) is no failure of tskad's
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});
process.exitCode = await runCli(process.argv.slice(2), processIo);
