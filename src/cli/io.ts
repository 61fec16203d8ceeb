// The command line's only way out to the terminal, so tests can run it in
// process and read what it printed.
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Exit codes of keepalived's own (lib/scheduler.h), for the cases the command line decides. */
export const EXIT_OK = 0;
export const EXIT_FATAL = 1;
