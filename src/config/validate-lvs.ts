// Cross-block checks of the LVS part of the model.
import type { Diagnostics } from './diagnostics.js';
import type { SourceMap } from './bind.js';
import type { Config } from './schema/index.js';

export function validateLvs(_config: Config, _sources: SourceMap, _diag: Diagnostics): void {}
