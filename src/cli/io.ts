// The command line's only way out to the terminal, so tests can run it in
// process and read what it printed.
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const processIo: Io = {
  stdout: (text) => stdout().write(text),
  stderr: (text) => process.stderr.write(text),
};

let stdoutTaken = false;

/**
 * process.stdout, made on first use: making it loads the stream modules
 * (~3 ms on a pipe), which `tskad -t` need not pay when it prints nothing.
 */
function stdout(): NodeJS.WriteStream {
  if (!stdoutTaken) {
    // a reader that stops early (`tskad -d | head`) is no failure of tskad's
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
    stdoutTaken = true;
  }
  return process.stdout;
}

/** Exit codes of keepalived's own (lib/scheduler.h), for the cases the command line decides. */
export const EXIT_OK = 0;
export const EXIT_FATAL = 1;
