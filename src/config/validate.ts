// Cross-block checks on the bound model: each reports at the place the
// offending value was written, found through the source map.
import type { Diagnostics } from './diagnostics.js';
import type { SourceMap } from './bind.js';
import type { Config } from './schema/index.js';
import { validateVrrp } from './validate-vrrp.js';
import { validateLvs } from './validate-lvs.js';
import { validateGlobal } from './validate-global.js';

export function validate(config: Config, sources: SourceMap, diag: Diagnostics): void {
  validateGlobal(config, sources, diag);
  validateVrrp(config, sources, diag);
  validateLvs(config, sources, diag);
}
