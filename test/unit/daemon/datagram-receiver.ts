// Real unix datagram sockets for tests to receive on: one bound at a path
// (unix-dgram, in this process), standing in for /dev/log or systemd's
// /run/systemd/notify; and one in the abstract namespace, which only a
// helper process can bind (python3, which node-gyp needs anyway).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { unixDgram, type UnixDgramSocket } from '../../../src/daemon/unix-datagram.js';

export interface Receiver {
  /** every datagram so far, as text */
  readonly messages: string[];
  /** the next datagram not yet taken by next() */
  next(timeoutMs?: number): Promise<string>;
  close(): void;
}

function queue(): { push(m: string): void; receiver: Omit<Receiver, 'close'> } {
  const messages: string[] = [];
  const waiting: ((m: string) => void)[] = [];
  let taken = 0;
  return {
    push(m) {
      messages.push(m);
      const w = waiting.shift();
      if (w) {
        taken++;
        w(m);
      }
    },
    receiver: {
      messages,
      next(timeoutMs = 3000) {
        if (taken < messages.length) return Promise.resolve(messages[taken++]!);
        return new Promise((resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`no datagram within ${timeoutMs} ms`)), timeoutMs);
          waiting.push((m) => {
            clearTimeout(t);
            resolve(m);
          });
        });
      },
    },
  };
}

/** A datagram socket bound at `path` (which must not exist). */
export function pathReceiver(path: string): Receiver {
  const q = queue();
  const socket: UnixDgramSocket = unixDgram().createSocket('unix_dgram');
  socket.on('message', (m) => q.push(m.toString('latin1')));
  socket.bind(path);
  let open = true;
  return {
    ...q.receiver,
    close: () => {
      if (open) socket.close();
      open = false;
    },
  };
}

const PY_RECEIVER = `
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1].replace('@', '\\0', 1))
print('ready', flush=True)
if sys.argv[2] == 'read':
    while True:
        print(json.dumps(s.recv(65536).decode('latin1')), flush=True)
else:
    sys.stdin.read()
`;

export function requirePython(): void {
  if (spawnSync('python3', ['-c', 'pass']).status !== 0) throw new Error('this test needs python3 (Debian package python3) to bind a unix datagram socket');
}

/**
 * A socket bound by python3 at `address` ('@name' for the abstract
 * namespace). With `read: false` it never reads, so its queue fills: a
 * syslog daemon that hangs.
 */
export async function pythonReceiver(address: string, o: { read: boolean } = { read: true }): Promise<Receiver> {
  requirePython();
  const q = queue();
  const child: ChildProcess = spawn('python3', ['-c', PY_RECEIVER, address, o.read ? 'read' : 'hold'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`python3 receiver exited (${code})`)));
    lines.once('line', () => resolve());
  });
  lines.on('line', (l) => q.push(JSON.parse(l) as string));
  return {
    ...q.receiver,
    close: () => {
      child.kill();
    },
  };
}
