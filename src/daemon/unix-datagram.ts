// Unix datagram sockets (AF_UNIX, SOCK_DGRAM), which Node's own dgram
// lacks: syslog's /dev/log and systemd's NOTIFY_SOCKET both speak them.
// The `unix-dgram` package (Ben Noordhuis; a non-blocking socket watched by
// libuv) makes the system calls, and reports their outcome synchronously;
// it is loaded on first use, so a process that neither logs to syslog nor
// talks to systemd never needs its native build. Nothing here blocks: a
// receiver whose queue is full makes a send return 'congested', and a
// connected socket says when it can take more.
import { createRequire } from 'node:module';
import { constants } from 'node:os';

/** Why a datagram could not go out: an errno name (ENOENT, ECONNREFUSED, EACCES…). */
export class DatagramError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Callback = (err?: Error & { code?: string | number }) => void;

/** The part of unix-dgram's socket tskad uses (its lib/unix_dgram.js). */
export interface UnixDgramSocket {
  send(buf: Buffer, callback: Callback): void;
  send(buf: Buffer, offset: number, length: number, path: string, callback: Callback): void;
  connect(path: string): void;
  bind(path: string): void;
  on(event: 'message', listener: (message: Buffer) => void): this;
  on(event: 'error', listener: (err: Error & { code?: string | number }) => void): this;
  on(event: 'writable' | 'listening' | 'connect', listener: () => void): this;
  removeAllListeners(event: string): this;
  close(): void;
}

interface UnixDgramModule {
  createSocket(type: 'unix_dgram'): UnixDgramSocket;
}

let loaded: UnixDgramModule | undefined;

/** The unix-dgram module; throws with what to install when it is missing or not built. */
export function unixDgram(): UnixDgramModule {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)('unix-dgram') as UnixDgramModule;
  } catch (e) {
    throw new DatagramError('ENOSYS', `unix datagram sockets need the npm package unix-dgram, built by node-gyp (${(e as Error).message})`);
  }
  return loaded;
}

/** unix-dgram reports errno negated (-2); this names it (ENOENT). */
function errnoName(code: string | number | undefined): string {
  if (typeof code === 'string') return code;
  if (typeof code !== 'number') return 'EIO';
  return Object.entries(constants.errno).find(([, n]) => n === -code)?.[0] ?? `errno ${-code}`;
}

/** unix-dgram's code for EAGAIN, EWOULDBLOCK or ENOBUFS on a connected send */
const CONGESTION = 1;

/** Runs one unix-dgram call whose callback it calls before returning; gives its outcome. */
function outcome(path: string, call: (cb: Callback) => void): 'sent' | 'congested' {
  let result: 'sent' | 'congested' | DatagramError | undefined;
  call((err) => {
    if (!err) result = 'sent';
    else if (err.code === CONGESTION || err.code === -constants.errno.EAGAIN || err.code === -constants.errno.ENOBUFS) result = 'congested';
    else result = new DatagramError(errnoName(err.code), `${path}: ${errnoName(err.code)}`);
  });
  if (result === undefined) throw new DatagramError('EIO', `${path}: unix-dgram did not report the send's outcome`);
  if (result instanceof DatagramError) throw result;
  return result;
}

/** One datagram to the socket bound at `path`, from a socket opened for it (as sd_notify(3) does); throws a DatagramError. */
export function sendDatagram(path: string, message: Buffer): 'sent' | 'congested' {
  const socket = unixDgram().createSocket('unix_dgram');
  socket.on('error', () => undefined);
  try {
    return outcome(path, (cb) => socket.send(message, 0, message.length, path, cb));
  } finally {
    socket.close();
  }
}

/** A socket connected to one receiver, for a stream of datagrams (syslog). */
export interface DatagramLink {
  /** throws a DatagramError: ECONNREFUSED when the receiver has gone away */
  send(message: Buffer): 'sent' | 'congested';
  /** after 'congested': called once the receiver can take more */
  onWritable(listener: () => void): void;
  close(): void;
}

/** Connects to the socket bound at `path`; throws a DatagramError (ENOENT, ECONNREFUSED, EACCES…). */
export function connectDatagram(path: string): DatagramLink {
  const socket = unixDgram().createSocket('unix_dgram');
  let failure: DatagramError | undefined;
  socket.on('error', (err) => (failure ??= new DatagramError(errnoName(err.code), `${path}: ${errnoName(err.code)}`)));
  socket.connect(path);
  if (failure) {
    socket.close();
    throw failure;
  }
  let open = true;
  return {
    send: (message) => outcome(path, (cb) => socket.send(message, cb)),
    onWritable: (listener) => void socket.on('writable', listener),
    close: () => {
      if (open) socket.close();
      open = false;
    },
  };
}
