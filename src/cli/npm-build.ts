// What `npm run build` runs after tsc: the command line's bundle and its
// code cache, beside main.js (build-bundle.ts).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundle } from './build-bundle.js';

const here = dirname(fileURLToPath(import.meta.url));
await buildBundle(join(here, 'entry.js'), here);
