// What `-t` and `-d` do with the configuration (keepalived(8) -t, -d).
// `-t [LOG_FILE]`: every diagnostic, with file:line:col, severity, hint and
// code, to stderr or appended to LOG_FILE (mode 0600, as keepalived opens it);
// the exit code is the config test's. `-d`: the normalised model as JSON on
// stdout; keepalived dumps at daemon start, and until tskad has a daemon the
// dump is the job, with the same diagnostics and exit code as `-t` (and no
// model when the configuration is fatally broken).
import { appendFileSync } from 'node:fs';
import { formatDiagnostic } from '../config/diagnostics.js';
import { configTest } from './config-test.js';
import { EXIT_FATAL, type Io } from './io.js';

export interface ConfigJob {
  readonly file: string;
  /** -t given: true for stderr, or the LOG_FILE (`--config-test=`, empty, is stderr too) */
  readonly test?: true | string;
  readonly dump: boolean;
  readonly configId?: string;
  /** -e: a configuration file that is missing or unreadable is fatal */
  readonly allConfig: boolean;
}

export function runConfigJob(job: ConfigJob, io: Io): number {
  const id = job.configId === undefined ? {} : { configId: job.configId };
  const result = configTest(job.file, { ...id, includeCheck: job.allConfig });
  const text = result.diagnostics.map((d) => `${formatDiagnostic(d)}\n`).join('');
  if (typeof job.test === 'string') {
    try {
      appendFileSync(job.test, text, { mode: 0o600 });
    } catch (e) {
      io.stderr(`tskad: cannot open config-test log file ${job.test}: ${(e as Error).message}\n`);
      return EXIT_FATAL;
    }
  } else if (text !== '') {
    // nothing to say: process.stderr is not even made (3-6 ms on a pipe or a file)
    io.stderr(text);
  }
  // a file that could not be read has no model worth printing (a model of defaults)
  const readable = !result.diagnostics.some((d) => d.code === 'TSKAD_F_CONFIG_UNREADABLE');
  if (job.dump && readable) io.stdout(`${JSON.stringify(result.config, null, 2)}\n`);
  return result.exitCode;
}
