// What main.ts runs: the command line and the process's streams. `npm run
// build` bundles everything reachable from here into one CommonJS file
// (bundle.ts); without that build (tsx, a tsc-only build) main.ts imports
// this module as it is.
export { runCli } from './program.js';
export { processIo } from './io.js';
