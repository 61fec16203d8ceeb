// `-v/--version`: the version, the platform, and what this build can do. The
// flag lists come from the flag table, so they cannot fall out of date.
import { FLAGS, type Flag, type Support } from './flags.js';
import { packageVersion } from './package.js';

/** What tskad does so far, beyond the flags: the parts of keepalived it replaces. */
const WORKS_NOW = ['configuration test (-t)', 'configuration dump as JSON (-d)', 'signal numbers (--signum)'];
const NOT_YET = ['health checkers and IPVS (the checker process)', 'reload on SIGHUP', 'the USR1/USR2/JSON dump files', 'genhash'];

const spell = (f: Flag): string => (f.short ? `-${f.short}` : `--${f.long}`);
const flagsWith = (...support: Support[]): string =>
  FLAGS.filter((f) => support.includes(f.support)).map(spell).join(' ');

export function versionText(): string {
  return [
    `tskad v${packageVersion()}, a drop-in replacement for keepalived 2.2.7`,
    `Node.js ${process.version} on ${process.platform} ${process.arch}`,
    '',
    `Works now:     ${WORKS_NOW.join(', ')}`,
    `Not yet:       ${NOT_YET.join('; ')}`,
    '',
    `Flags that work:                 ${flagsWith('implemented')}`,
    `Flags checked, for the daemon:   ${flagsWith('daemon')}`,
    `Flags rejected (not supported):  ${flagsWith('not-yet', 'never')}`,
    '',
  ].join('\n');
}
