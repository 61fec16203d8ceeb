// tskad's config test on one file, as a child process: side-by-side.ts starts
// it inside the test's network namespace, so the host checks see the same
// interfaces keepalived sees. Prints one JSON object: the exit code, the
// places of the diagnostics that fail the test, and the diagnostics as text.
// usage: config-test-runner FILE [-e]
import { configTest, failsConfigTest } from '../../src/cli/config-test.js';
import { formatDiagnostic } from '../../src/config/diagnostics.js';

const [file, flag] = process.argv.slice(2);
if (!file) throw new Error('usage: config-test-runner FILE [-e]');

const r = configTest(file, { includeCheck: flag === '-e' });
const failing = r.diagnostics.filter(failsConfigTest).flatMap((d) => (d.loc ? [{ file: d.loc.file, line: d.loc.line }] : []));
process.stdout.write(JSON.stringify({ exitCode: r.exitCode, failing, text: r.diagnostics.map(formatDiagnostic).join('\n') }));
