// Runs the command line in process and returns what it printed and its exit code.
import { runCli } from '../../../src/cli/program.js';

export function cli(...argv: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  if (typeof code !== 'number') throw new Error(`tskad ${argv.join(' ')} started the daemon`);
  return { code, stdout, stderr };
}
